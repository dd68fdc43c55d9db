/**
 * Ingress on the raw wire (app.inject): the legacy flat parameters exactly as old clients send
 * them (top-level `IpProtocol`, `FromPort`, `ToPort`, `CidrIp`, `SourceSecurityGroup*`), `GroupName`,
 * and the XML AWS answers; the same flat names stay unknown on egress (aws-reference §4.6, B-29).
 */
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, errorOf, post } from '../helpers/inject.js';

let app: FastifyInstance;
let vpcId: string;

beforeEach(async () => {
  app = buildTestApp().app;
  vpcId = (await post(app, { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' })).xml.CreateVpcResponse.vpc.vpcId;
});

async function createGroup(name: string, inVpc?: string): Promise<string> {
  const out = await post(app, {
    Action: 'CreateSecurityGroup',
    GroupName: name,
    GroupDescription: 'wire test',
    ...(inVpc ? { VpcId: inVpc } : {}),
  });
  expect(out.status).toBe(200);
  return out.xml.CreateSecurityGroupResponse.groupId;
}

async function ingressItems(groupId: string): Promise<Record<string, any>[]> {
  const out = await post(app, { Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groupId });
  const items: Record<string, any>[] = out.xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet?.item ?? [];
  return items.filter((item) => item.isEgress === 'false');
}

describe('AuthorizeSecurityGroupIngress with flat parameters', () => {
  it('creates one rule and answers it in securityGroupRuleSet', async () => {
    const groupId = await createGroup('flat', vpcId);
    const out = await post(app, {
      Action: 'AuthorizeSecurityGroupIngress',
      GroupId: groupId,
      IpProtocol: 'tcp',
      FromPort: '22',
      ToPort: '22',
      CidrIp: '0.0.0.0/0',
    });
    expect(out.status).toBe(200);
    const response = out.xml.AuthorizeSecurityGroupIngressResponse;
    expect(response['@_xmlns']).toBe('http://ec2.amazonaws.com/doc/2016-11-15/');
    expect(response.return).toBe('true');
    expect(response.securityGroupRuleSet.item).toHaveLength(1);
    expect(response.securityGroupRuleSet.item[0]).toMatchObject({
      groupId,
      isEgress: 'false',
      ipProtocol: 'tcp',
      fromPort: '22',
      toPort: '22',
      cidrIpv4: '0.0.0.0/0',
    });
    expect(await ingressItems(groupId)).toHaveLength(1);
  });

  it('accepts the protocol as a number and renames it (A-6)', async () => {
    const groupId = await createGroup('flat-number', vpcId);
    const out = await post(app, {
      Action: 'AuthorizeSecurityGroupIngress',
      GroupId: groupId,
      IpProtocol: '17',
      FromPort: '53',
      ToPort: '53',
      CidrIp: '10.0.0.0/8',
    });
    expect(out.xml.AuthorizeSecurityGroupIngressResponse.securityGroupRuleSet.item[0].ipProtocol).toBe('udp');
  });

  it('TCP with FromPort -1 is out of range (B-18)', async () => {
    const groupId = await createGroup('flat-ports', vpcId);
    const out = await post(app, {
      Action: 'AuthorizeSecurityGroupIngress',
      GroupId: groupId,
      IpProtocol: 'tcp',
      FromPort: '-1',
      ToPort: '-1',
      CidrIp: '0.0.0.0/0',
    });
    expect(out.status).toBe(400);
    expect(errorOf(out.xml)).toEqual({ code: 'InvalidParameterValue', message: 'TCP/UDP (from) port (-1) out of range' });
  });

  it('CidrIp=::/0 is malformed (B-21), and nothing is written', async () => {
    const groupId = await createGroup('flat-v6', vpcId);
    const out = await post(app, {
      Action: 'AuthorizeSecurityGroupIngress',
      GroupId: groupId,
      IpProtocol: 'tcp',
      FromPort: '22',
      ToPort: '22',
      CidrIp: '::/0',
    });
    expect(out.status).toBe(400);
    expect(errorOf(out.xml)).toEqual({ code: 'InvalidParameterValue', message: 'CIDR block ::/0 is malformed' });
    expect(await ingressItems(groupId)).toEqual([]);
  });

  it('only SourceSecurityGroupOwnerId is B-32', async () => {
    const groupId = await createGroup('flat-owner');
    const out = await post(app, { Action: 'AuthorizeSecurityGroupIngress', GroupId: groupId, SourceSecurityGroupOwnerId: '000000000000' });
    expect(errorOf(out.xml)).toEqual({ code: 'MissingParameter', message: 'Source group ID missing.' });
  });

  it('SourceSecurityGroupName with SourceSecurityGroupOwnerId of this account: three rules (default VPC)', async () => {
    const target = await createGroup('flat-target');
    const source = await createGroup('flat-source');
    const out = await post(app, {
      Action: 'AuthorizeSecurityGroupIngress',
      GroupName: 'flat-target',
      SourceSecurityGroupName: 'flat-source',
      SourceSecurityGroupOwnerId: '000000000000',
    });
    expect(out.status).toBe(200);
    const items = out.xml.AuthorizeSecurityGroupIngressResponse.securityGroupRuleSet.item;
    expect(items.map((i: any) => [i.groupId, i.ipProtocol, i.fromPort, i.toPort, i.referencedGroupInfo.groupId])).toEqual([
      [target, 'icmp', '-1', '-1', source],
      [target, 'tcp', '0', '65535', source],
      [target, 'udp', '0', '65535', source],
    ]);
  });

  it('SourceSecurityGroupName cannot be combined with CIDR, protocol or ports', async () => {
    await createGroup('combo-target');
    await createGroup('combo-source');
    const out = await post(app, {
      Action: 'AuthorizeSecurityGroupIngress',
      GroupName: 'combo-target',
      SourceSecurityGroupName: 'combo-source',
      CidrIp: '10.0.0.0/8',
    });
    expect(out.status).toBe(400);
    expect(errorOf(out.xml).code).toBe('InvalidParameterCombination');
  });

  it('flat CidrIp together with IpPermissions is B-31, and nothing is written', async () => {
    const groupId = await createGroup('flat-mix', vpcId);
    const out = await post(app, {
      Action: 'AuthorizeSecurityGroupIngress',
      GroupId: groupId,
      CidrIp: '10.0.0.0/8',
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '80',
      'IpPermissions.1.ToPort': '80',
      'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8',
    });
    expect(errorOf(out.xml)).toEqual({
      code: 'MissingParameter',
      message: 'Missing source specification: include source security group or CIDR information',
    });
    expect(await ingressItems(groupId)).toEqual([]);
  });

  it('flat protocol and ports with no source is a missing source (B-23; the 2013 "silently nothing" of A-14 is not copied)', async () => {
    const groupId = await createGroup('flat-nosource', vpcId);
    const out = await post(app, { Action: 'AuthorizeSecurityGroupIngress', GroupId: groupId, IpProtocol: 'tcp', FromPort: '22', ToPort: '22' });
    expect(errorOf(out.xml)).toEqual({
      code: 'MissingParameter',
      message: 'Missing source specification: include source security group or CIDR information',
    });
  });

  it('DryRun with flat parameters: 412 DryRunOperation and no rule', async () => {
    const groupId = await createGroup('flat-dry', vpcId);
    const out = await post(app, {
      Action: 'AuthorizeSecurityGroupIngress',
      GroupId: groupId,
      IpProtocol: 'tcp',
      FromPort: '22',
      ToPort: '22',
      CidrIp: '0.0.0.0/0',
      DryRun: 'true',
    });
    expect(out.status).toBe(412);
    expect(errorOf(out.xml)).toEqual({ code: 'DryRunOperation', message: 'Request would have succeeded, but DryRun flag is set.' });
    expect(await ingressItems(groupId)).toEqual([]);
  });
});

describe('RevokeSecurityGroupIngress with flat parameters and GroupName', () => {
  it('revokes by flat parameters and by GroupName, echoing the revoked rule', async () => {
    const groupId = await createGroup('revoke-flat');
    const rule = { IpProtocol: 'tcp', FromPort: '8080', ToPort: '8080', CidrIp: '192.0.2.0/24' };
    await post(app, { Action: 'AuthorizeSecurityGroupIngress', GroupId: groupId, ...rule });
    const out = await post(app, { Action: 'RevokeSecurityGroupIngress', GroupName: 'revoke-flat', ...rule });
    expect(out.status).toBe(200);
    const response = out.xml.RevokeSecurityGroupIngressResponse;
    expect(response.return).toBe('true');
    expect(response.revokedSecurityGroupRuleSet.item[0]).toMatchObject({ groupId, isEgress: 'false', cidrIpv4: '192.0.2.0/24' });
    expect(await ingressItems(groupId)).toEqual([]);
  });

  it('GroupName of a group outside the default VPC is D-19', async () => {
    await createGroup('elsewhere', vpcId);
    const defaultVpc = (await post(app, { Action: 'DescribeVpcs', 'Filter.1.Name': 'is-default', 'Filter.1.Value.1': 'true' })).xml
      .DescribeVpcsResponse.vpcSet.item[0].vpcId;
    const out = await post(app, {
      Action: 'RevokeSecurityGroupIngress',
      GroupName: 'elsewhere',
      IpProtocol: 'tcp',
      FromPort: '1',
      ToPort: '1',
      CidrIp: '10.0.0.0/8',
    });
    expect(errorOf(out.xml)).toEqual({
      code: 'InvalidGroup.NotFound',
      message: `The security group 'elsewhere' does not exist in default VPC '${defaultVpc}'`,
    });
  });
});

describe('GroupName holding a group id', () => {
  it('is looked up as a name in the default VPC, and not found (D-19)', async () => {
    const groupId = await createGroup('by-id-as-name');
    const defaultVpc = (await post(app, { Action: 'DescribeVpcs', 'Filter.1.Name': 'is-default', 'Filter.1.Value.1': 'true' })).xml
      .DescribeVpcsResponse.vpcSet.item[0].vpcId;
    const out = await post(app, {
      Action: 'AuthorizeSecurityGroupIngress',
      GroupName: groupId,
      IpProtocol: 'tcp',
      FromPort: '1',
      ToPort: '1',
      CidrIp: '10.0.0.0/8',
    });
    expect(errorOf(out.xml)).toEqual({
      code: 'InvalidGroup.NotFound',
      message: `The security group '${groupId}' does not exist in default VPC '${defaultVpc}'`,
    });
  });
});

describe('egress does not know the flat parameters', () => {
  for (const name of ['CidrIp', 'IpProtocol', 'FromPort', 'ToPort', 'SourceSecurityGroupName', 'SourceSecurityGroupOwnerId']) {
    it(`${name} on AuthorizeSecurityGroupEgress is UnknownParameter`, async () => {
      const groupId = await createGroup(`egress-${name}`, vpcId);
      const out = await post(app, { Action: 'AuthorizeSecurityGroupEgress', GroupId: groupId, [name]: name.endsWith('Port') ? '1' : 'x' });
      expect(out.status).toBe(400);
      expect(errorOf(out.xml)).toEqual({ code: 'UnknownParameter', message: `The parameter ${name} is not recognized` });
    });
  }

  it('CidrIp on RevokeSecurityGroupEgress is UnknownParameter, and GroupName too', async () => {
    const groupId = await createGroup('egress-revoke', vpcId);
    const flat = await post(app, { Action: 'RevokeSecurityGroupEgress', GroupId: groupId, CidrIp: '0.0.0.0/0' });
    expect(errorOf(flat.xml)).toEqual({ code: 'UnknownParameter', message: 'The parameter CidrIp is not recognized' });
    const byName = await post(app, { Action: 'AuthorizeSecurityGroupEgress', GroupName: 'egress-revoke' });
    expect(errorOf(byName.xml)).toEqual({ code: 'UnknownParameter', message: 'The parameter GroupName is not recognized' });
  });
});
