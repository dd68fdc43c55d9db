/**
 * DescribeVpcAttribute and ModifyVpcAttribute: the DNS attributes Terraform's aws_vpc reads on
 * every refresh (enableDnsHostnames, enableDnsSupport, enableNetworkAddressUsageMetrics).
 *
 * AWS rules (API reference; docs/fidelity.md):
 * - defaults: a new VPC has DNS support on and DNS hostnames off; a default VPC has both on;
 *   network-address-usage metrics are off;
 * - Describe names one attribute and answers only that one, as `<attr><value>…</value></attr>`;
 *   an unknown one is `InvalidParameterValue: Value (x) for parameter attribute is invalid. Unknown attribute.`;
 * - Modify changes exactly one attribute per request; two or more are
 *   `InvalidParameterCombination: Fields for multiple attribute types specified: a, b` (in the order sent);
 * - DNS hostnames can only be enabled while DNS support is enabled.
 */
import type {
  DescribeVpcAttributeRequest,
  DescribeVpcAttributeResult,
  ModifyVpcAttributeRequest,
} from '@aws-sdk/client-ec2';
import { Ec2Error, ec2Error, invalidValue } from '../../protocol/errors.js';
import type { VpcAttributes, VpcRecord } from '../../store/records.js';
import type { Deps, RequestContext } from '../context.js';
import { requireVpcId } from './handlers.js';

/** Wire name of each attribute, its SDK member and its record field. */
const ATTRIBUTES = {
  enableDnsSupport: { member: 'EnableDnsSupport', field: 'enableDnsSupport' },
  enableDnsHostnames: { member: 'EnableDnsHostnames', field: 'enableDnsHostnames' },
  enableNetworkAddressUsageMetrics: { member: 'EnableNetworkAddressUsageMetrics', field: 'enableNetworkAddressUsageMetrics' },
} as const satisfies Record<string, { member: keyof DescribeVpcAttributeResult; field: keyof VpcAttributes }>;
type AttributeName = keyof typeof ATTRIBUTES;

const isAttributeName = (name: string): name is AttributeName => Object.hasOwn(ATTRIBUTES, name);

function loadVpc(ctx: RequestContext, deps: Deps, vpcId: string | undefined): VpcRecord {
  const id = requireVpcId(vpcId);
  const vpc = deps.store.getVpc(ctx.scope, id);
  if (!vpc) throw ec2Error('InvalidVpcID.NotFound', id);
  return vpc;
}

export function describeVpcAttribute(
  input: DescribeVpcAttributeRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeVpcAttributeResult {
  const name = input.Attribute;
  if (name === undefined || (name as string) === '') throw ec2Error('MissingParameter', 'attribute');
  if (!isAttributeName(name)) throw invalidValue(`Value (${name}) for parameter attribute is invalid. Unknown attribute.`);
  const vpc = loadVpc(ctx, deps, input.VpcId);
  const { member, field } = ATTRIBUTES[name];
  return { VpcId: vpc.vpcId, [member]: { Value: vpc[field] } };
}

export function modifyVpcAttribute(input: ModifyVpcAttributeRequest, ctx: RequestContext, deps: Deps): { Return: boolean } {
  // The attributes in the order the request named them (the parser keeps that order).
  const requested = (Object.keys(input) as (keyof ModifyVpcAttributeRequest)[]).flatMap((key) => {
    const name = (Object.keys(ATTRIBUTES) as AttributeName[]).find((n) => ATTRIBUTES[n].member === key);
    return name === undefined ? [] : [name];
  });
  const vpc = loadVpc(ctx, deps, input.VpcId);
  if (requested.length === 0) throw new Ec2Error('InvalidParameterCombination', 'No attributes specified.');
  if (requested.length > 1) {
    throw new Ec2Error('InvalidParameterCombination', `Fields for multiple attribute types specified: ${requested.join(', ')}`);
  }
  const name = requested[0]!;
  const { member, field } = ATTRIBUTES[name];
  const value = input[member]?.Value;
  if (value === undefined) throw ec2Error('MissingParameter', `${member}.Value`);
  const attributes: VpcAttributes = {
    enableDnsSupport: vpc.enableDnsSupport,
    enableDnsHostnames: vpc.enableDnsHostnames,
    enableNetworkAddressUsageMetrics: vpc.enableNetworkAddressUsageMetrics,
    [field]: value,
  };
  if (name === 'enableDnsHostnames' && value && !attributes.enableDnsSupport) {
    throw invalidValue('Cannot enable DNS hostnames for a VPC that does not have DNS support enabled.');
  }
  deps.store.setVpcAttributes(vpc.vpcId, attributes);
  return { Return: true };
}
