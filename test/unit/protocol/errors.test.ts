/**
 * The error catalogue kept honest, Fastify-style: every code has a status and a message, every code
 * is thrown somewhere in the source, and every code is documented in the error table of docs/errors.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  EC2_ERRORS,
  Ec2Error,
  ec2Error,
  escapeXml,
  invalidGroupDescription,
  invalidGroupName,
  invalidRuleDescription,
  invalidValue,
  toErrorXml,
  type Ec2ErrorCode,
} from '../../../protocol/errors.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CODES = Object.keys(EC2_ERRORS) as Ec2ErrorCode[];

/**
 * Codes in the catalogue that no source file throws yet. Each is reported in docs/errors.md as
 * "not produced yet". The test below fails as soon as one of them is used, so this list only shrinks.
 */
const NOT_YET_THROWN: readonly Ec2ErrorCode[] = [];

function sourceFiles(): string[] {
  const files: string[] = [];
  for (const dir of ['protocol', 'server', 'store']) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) files.push(join(entry.parentPath, entry.name));
    }
  }
  return files.filter((file) => relative(ROOT, file) !== join('protocol', 'errors.ts'));
}

/** Whether a source text names the code as a string literal ('X', "X" or `X`). */
const mentions = (source: string, code: string): boolean =>
  [`'${code}'`, `"${code}"`, `\`${code}\``].some((literal) => source.includes(literal));

const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false });

describe('EC2_ERRORS catalogue', () => {
  it('has a few dozen codes', () => {
    expect(CODES.length).toBeGreaterThan(20);
  });

  it.each(CODES)('%s has an HTTP error status and a non-empty message', (code) => {
    const entry = EC2_ERRORS[code];
    expect(Number.isInteger(entry.status)).toBe(true);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
    const message = (entry.message as (...args: string[]) => string)('ARG1', 'ARG2', 'ARG3');
    expect(typeof message).toBe('string');
    expect(message.length).toBeGreaterThan(0);
    expect(message).not.toContain('undefined');
  });

  it('gives the statuses AWS uses for the special codes (§1)', () => {
    expect(EC2_ERRORS.DryRunOperation.status).toBe(412);
    expect(EC2_ERRORS.AuthFailure.status).toBe(401);
    expect(EC2_ERRORS.RequestLimitExceeded.status).toBe(503);
    expect(EC2_ERRORS.Unavailable.status).toBe(503);
    expect(EC2_ERRORS.InternalError.status).toBe(500);
    expect(EC2_ERRORS.RequestEntityTooLarge.status).toBe(413);
    expect(EC2_ERRORS.UnauthorizedOperation.status).toBe(403);
    expect(EC2_ERRORS.SignatureDoesNotMatch.status).toBe(403);
    const ordinary = CODES.filter(
      (c) =>
        ![
          'DryRunOperation',
          'AuthFailure',
          'RequestLimitExceeded',
          'Unavailable',
          'InternalError',
          'RequestEntityTooLarge',
          'UnauthorizedOperation',
          'SignatureDoesNotMatch',
        ].includes(c),
    );
    for (const code of ordinary) expect([code, EC2_ERRORS[code].status]).toEqual([code, 400]);
  });

  it('has AWS verbatim texts for the codes the reference quotes', () => {
    expect(ec2Error('InvalidAction', 'DescribeLoadBalancers').message).toBe(
      'The action DescribeLoadBalancers is not valid for this web service.',
    );
    expect(ec2Error('UnknownParameter', 'CidrIp').message).toBe('The parameter CidrIp is not recognized');
    expect(ec2Error('MissingParameter', 'GroupDescription').message).toBe(
      'The request must contain the parameter GroupDescription',
    );
    expect(ec2Error('DryRunOperation').message).toBe('Request would have succeeded, but DryRun flag is set.');
    expect(ec2Error('InvalidGroup.NotFound', 'sg-123abc').message).toBe("The security group 'sg-123abc' does not exist");
    expect(ec2Error('InvalidGroupId.Malformed', 'foo').message).toBe('Invalid id: "foo" (expecting "sg-...")');
    expect(ec2Error('InvalidGroup.Duplicate', 'secgrp-app', 'vpc-c05da2a6').message).toBe(
      "The security group 'secgrp-app' already exists for VPC 'vpc-c05da2a6'",
    );
    expect(
      ec2Error('InvalidPermission.Duplicate', 'peer: 0.0.0.0/0, UDP, from port: 50000, to port: 60000, ALLOW').message,
    ).toBe('the specified rule "peer: 0.0.0.0/0, UDP, from port: 50000, to port: 60000, ALLOW" already exists');
    expect(ec2Error('InvalidPermission.NotFound').message).toBe('The specified rule does not exist in this security group.');
    expect(ec2Error('InvalidSecurityGroupRuleId.NotFound', 'sgr-0f80c7e764c18b3c0').message).toBe(
      "The security group rule ID 'sgr-0f80c7e764c18b3c0' does not exist",
    );
    expect(ec2Error('RulesPerSecurityGroupLimitExceeded').message).toBe(
      'The maximum number of rules per security group has been reached.',
    );
    expect(ec2Error('SecurityGroupLimitExceeded', 'vpc-3311ce57').message).toBe(
      "The maximum number of security groups for VPC 'vpc-3311ce57' has been reached.",
    );
    expect(ec2Error('DependencyViolation', 'sg-0063528210d054afa').message).toBe(
      'resource sg-0063528210d054afa has a dependent object',
    );
    expect(ec2Error('VPCIdNotSpecified').message).toBe('No default VPC for this user');
    expect(ec2Error('InvalidPrefixListID.NotFound', 'pl-xxxxxx').message).toBe("The prefix list ID 'pl-xxxxxx' does not exist");
    expect(ec2Error('InvalidVpcID.NotFound', 'vpc-12345').message).toBe("The vpc ID 'vpc-12345' does not exist");
  });

  it('has the description texts with two spaces after "set:" (B-25, D-6)', () => {
    expect(invalidRuleDescription().message).toBe(
      'Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*',
    );
    expect(invalidGroupDescription().message).toBe(
      'Invalid security group description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*',
    );
    expect(invalidGroupName().message).toMatch(/^Invalid security group name\. .*set: {2}a-zA-Z0-9/);
    for (const e of [invalidRuleDescription(), invalidGroupDescription(), invalidGroupName()]) {
      expect(e.code).toBe('InvalidParameterValue');
    }
  });
});

describe('Ec2Error', () => {
  it('carries code, catalogue status and message, and is an Error', () => {
    const error = new Ec2Error('DryRunOperation', 'custom');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(Ec2Error);
    expect(error.code).toBe('DryRunOperation');
    expect(error.status).toBe(412);
    expect(error.message).toBe('custom');
    expect(error.name).toBe('Ec2Error [DryRunOperation]');
  });

  it('invalidValue makes an InvalidParameterValue with the text as given', () => {
    const error = invalidValue('vpc-id');
    expect(error.code).toBe('InvalidParameterValue');
    expect(error.status).toBe(400);
    expect(error.message).toBe('vpc-id');
  });
});

describe('toErrorXml', () => {
  it('writes <Response><Errors><Error><Code><Message></Error></Errors><RequestID> with no namespace', () => {
    const text = toErrorXml('InvalidGroup.NotFound', "The security group 'sg-1' does not exist", 'req-42');
    expect(text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        "<Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>The security group &apos;sg-1&apos; does not exist</Message></Error></Errors><RequestID>req-42</RequestID></Response>",
    );
    const doc = xml.parse(text);
    expect(Object.keys(doc.Response)).toEqual(['Errors', 'RequestID']);
    expect(doc.Response['@_xmlns']).toBeUndefined();
    expect(doc.Response.Errors.Error).toEqual({
      Code: 'InvalidGroup.NotFound',
      Message: "The security group 'sg-1' does not exist",
    });
    expect(doc.Response.RequestID).toBe('req-42');
    expect(text).not.toContain('<Type>');
    expect(text).not.toContain('requestId');
  });

  it('escapes markup in code, message and request id', () => {
    const doc = xml.parse(toErrorXml('A&B', `<"x'>`, 'r&<'));
    expect(doc.Response.Errors.Error.Code).toBe('A&B');
    expect(doc.Response.Errors.Error.Message).toBe(`<"x'>`);
    expect(doc.Response.RequestID).toBe('r&<');
  });

  it('escapeXml replaces exactly the five XML specials', () => {
    expect(escapeXml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&apos;');
    expect(escapeXml('plain text /:*')).toBe('plain text /:*');
    expect(escapeXml('&amp;')).toBe('&amp;amp;');
  });
});

describe('every catalogue code is used', () => {
  const sources = sourceFiles().map((file) => readFileSync(file, 'utf8'));

  it('scans the sources under protocol/, server/ and store/', () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  it.each(CODES.filter((code) => !NOT_YET_THROWN.includes(code)))('%s is thrown somewhere outside errors.ts', (code) => {
    expect(sources.some((source) => mentions(source, code))).toBe(true);
  });

  it.each(NOT_YET_THROWN)('%s is still unused (remove it from NOT_YET_THROWN once it is thrown)', (code) => {
    expect(CODES).toContain(code);
    expect(sources.some((source) => mentions(source, code))).toBe(false);
  });
});

describe('the error table of docs/errors.md', () => {
  const readme = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
  const start = readme.indexOf('<!-- section: errors -->');
  const end = readme.indexOf('<!-- section:', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const match = /^\| `([^`]+)` \| ([^|]+) \|/.exec(line);
    if (match) rows.set(match[1]!, match[2]!.trim());
  }

  it('has a `<!-- section: errors -->` with the table', () => {
    expect(start).toBeGreaterThanOrEqual(0);
    expect(rows.size).toBeGreaterThan(0);
  });

  it.each(CODES)('lists %s with its catalogue status', (code) => {
    expect(rows.has(code)).toBe(true);
    expect(rows.get(code)!.startsWith(String(EC2_ERRORS[code].status))).toBe(true);
  });

  it('lists no code that is not in the catalogue', () => {
    expect([...rows.keys()].filter((code) => !(code in EC2_ERRORS))).toEqual([]);
  });

  it('says "not produced yet" exactly for the codes nothing throws', () => {
    const notProduced = [...rows.entries()]
      .filter(([code]) => section.split('\n').some((l) => l.startsWith(`| \`${code}\` |`) && l.includes('not produced yet')))
      .map(([code]) => code)
      .sort();
    expect(notProduced).toEqual([...NOT_YET_THROWN].sort());
  });
});
