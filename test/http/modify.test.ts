/**
 * ModifySecurityGroupRules and UpdateSecurityGroupRuleDescriptions* on the raw wire (app.inject):
 * the wire names AWS uses (`SecurityGroupRule.N.SecurityGroupRuleId`,
 * `SecurityGroupRule.N.SecurityGroupRule.<Field>`, `SecurityGroupRuleDescription.N.*`), the
 * `<return>` answer, and what the SDK never sends (empty or absent members).
 */
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, errorOf, post } from '../helpers/inject.js';

let app: FastifyInstance;
let groupId: string;
let ruleId: string;

beforeEach(async () => {
  app = buildTestApp().app;
  const vpcId = (await post(app, { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' })).xml.CreateVpcResponse.vpc.vpcId;
  groupId = (await post(app, { Action: 'CreateSecurityGroup', GroupName: 'wire', GroupDescription: 'wire', VpcId: vpcId })).xml
    .CreateSecurityGroupResponse.groupId;
  const out = await post(app, {
    Action: 'AuthorizeSecurityGroupIngress',
    GroupId: groupId,
    'IpPermissions.1.IpProtocol': 'tcp',
    'IpPermissions.1.FromPort': '22',
    'IpPermissions.1.ToPort': '22',
    'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8',
  });
  ruleId = out.xml.AuthorizeSecurityGroupIngressResponse.securityGroupRuleSet.item[0].securityGroupRuleId;
});

async function ruleItem(id: string): Promise<Record<string, any>> {
  const out = await post(app, { Action: 'DescribeSecurityGroupRules', 'SecurityGroupRuleId.1': id });
  return out.xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item[0];
}

describe('ModifySecurityGroupRules on the wire', () => {
  it('reads SecurityGroupRule.N.SecurityGroupRule.<Field> and answers <return>true</return>', async () => {
    const out = await post(app, {
      Action: 'ModifySecurityGroupRules',
      GroupId: groupId,
      'SecurityGroupRule.1.SecurityGroupRuleId': ruleId,
      'SecurityGroupRule.1.SecurityGroupRule.IpProtocol': 'tcp',
      'SecurityGroupRule.1.SecurityGroupRule.FromPort': '2222',
      'SecurityGroupRule.1.SecurityGroupRule.ToPort': '2222',
      'SecurityGroupRule.1.SecurityGroupRule.CidrIpv4': '10.9.0.0/16',
      'SecurityGroupRule.1.SecurityGroupRule.Description': 'moved',
    });
    expect(out.status).toBe(200);
    expect(out.xml.ModifySecurityGroupRulesResponse.return).toBe('true');
    expect(out.xml.ModifySecurityGroupRulesResponse.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ruleItem(ruleId)).toMatchObject({
      securityGroupRuleId: ruleId,
      fromPort: '2222',
      toPort: '2222',
      cidrIpv4: '10.9.0.0/16',
      description: 'moved',
    });
  });

  it('SDK member names (SecurityGroupRules.N) are not wire names: UnknownParameter', async () => {
    const out = await post(app, {
      Action: 'ModifySecurityGroupRules',
      GroupId: groupId,
      'SecurityGroupRules.1.SecurityGroupRuleId': ruleId,
    });
    expect(out.status).toBe(400);
    expect(errorOf(out.xml).code).toBe('UnknownParameter');
  });

  it('E-13: no GroupId, and an empty GroupId, are MissingParameter groupId', async () => {
    for (const fields of [{}, { GroupId: '' }] as Record<string, string>[]) {
      const out = await post(app, { Action: 'ModifySecurityGroupRules', ...fields, 'SecurityGroupRule.1.SecurityGroupRuleId': ruleId });
      expect(errorOf(out.xml)).toEqual({ code: 'MissingParameter', message: 'The request must contain the parameter groupId' });
    }
  });

  it('E-14: a malformed GroupId', async () => {
    const out = await post(app, { Action: 'ModifySecurityGroupRules', GroupId: 'someid', 'SecurityGroupRule.1.SecurityGroupRuleId': ruleId });
    expect(errorOf(out.xml)).toEqual({ code: 'InvalidGroupId.Malformed', message: 'Invalid id: "someid"' });
  });

  it('no SecurityGroupRule at all, and a change without its rule id, are MissingParameter', async () => {
    const none = await post(app, { Action: 'ModifySecurityGroupRules', GroupId: groupId });
    expect(errorOf(none.xml).code).toBe('MissingParameter');
    const noId = await post(app, {
      Action: 'ModifySecurityGroupRules',
      GroupId: groupId,
      'SecurityGroupRule.1.SecurityGroupRule.IpProtocol': '-1',
      'SecurityGroupRule.1.SecurityGroupRule.CidrIpv4': '0.0.0.0/0',
    });
    expect(errorOf(noId.xml).code).toBe('MissingParameter');
  });

  it('DryRun of a valid change: 412 and the rule is unchanged', async () => {
    const out = await post(app, {
      Action: 'ModifySecurityGroupRules',
      GroupId: groupId,
      DryRun: 'true',
      'SecurityGroupRule.1.SecurityGroupRuleId': ruleId,
      'SecurityGroupRule.1.SecurityGroupRule.IpProtocol': '-1',
      'SecurityGroupRule.1.SecurityGroupRule.CidrIpv4': '0.0.0.0/0',
    });
    expect(out.status).toBe(412);
    expect(errorOf(out.xml).code).toBe('DryRunOperation');
    expect((await ruleItem(ruleId)).ipProtocol).toBe('tcp');
  });
});

describe('UpdateSecurityGroupRuleDescriptions* on the wire', () => {
  it('reads SecurityGroupRuleDescription.N.{SecurityGroupRuleId,Description}', async () => {
    const out = await post(app, {
      Action: 'UpdateSecurityGroupRuleDescriptionsIngress',
      GroupId: groupId,
      'SecurityGroupRuleDescription.1.SecurityGroupRuleId': ruleId,
      'SecurityGroupRuleDescription.1.Description': 'ssh in',
    });
    expect(out.status).toBe(200);
    expect(out.xml.UpdateSecurityGroupRuleDescriptionsIngressResponse.return).toBe('true');
    expect((await ruleItem(ruleId)).description).toBe('ssh in');
  });

  it('reads IpPermissions.N with the description on each source', async () => {
    const out = await post(app, {
      Action: 'UpdateSecurityGroupRuleDescriptionsIngress',
      GroupId: groupId,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '22',
      'IpPermissions.1.ToPort': '22',
      'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8',
      'IpPermissions.1.IpRanges.1.Description': 'by permission',
    });
    expect(out.status).toBe(200);
    expect((await ruleItem(ruleId)).description).toBe('by permission');
  });

  it('an ingress rule id given to the egress action is not found', async () => {
    const out = await post(app, {
      Action: 'UpdateSecurityGroupRuleDescriptionsEgress',
      GroupId: groupId,
      'SecurityGroupRuleDescription.1.SecurityGroupRuleId': ruleId,
      'SecurityGroupRuleDescription.1.Description': 'x',
    });
    expect(errorOf(out.xml)).toEqual({
      code: 'InvalidSecurityGroupRuleId.NotFound',
      message: `The security group rule ID '${ruleId}' does not exist`,
    });
  });
});
