/**
 * STS, the one other service our users' tools call on the same endpoint (Terraform and Ansible
 * ask `GetCallerIdentity` for the account id). STS speaks the plain AWS Query protocol,
 * `Version=2011-06-15`: same request encoding as EC2, but answers wrapped in `<…Result>` with
 * PascalCase element names, under its own namespace (see xml-writer `toQueryResponseXml`).
 */
import type { OperationShapes } from './shapes.js';

export const STS_VERSION = '2011-06-15';
export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

const string = { kind: 'string' } as const;

export const STS_OPERATION_SHAPES = {
  GetCallerIdentity: {
    input: { kind: 'structure', members: {} },
    output: { kind: 'structure', members: { UserId: { shape: string }, Account: { shape: string }, Arn: { shape: string } } },
  },
} as const satisfies Record<string, OperationShapes>;
