/**
 * Pulumi (`pulumi-aws`) is bridged from the Terraform provider, so its calls are Terraform's
 * (clients.md §3.5); what differs is configuration and refresh. This file replays what a Pulumi
 * program adds on top of the Terraform flows: the provider start-up with and without
 * `aws:skipCredentialsValidation` (STS GetCallerIdentity on the same endpoint), and
 * `aws.ec2.SecurityGroupRule`'s `securityGroupRuleId`, which is set only for a single-source rule
 * (pulumi/pulumi-aws #2258) and must stay stable across `pulumi refresh`.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { startServerWithVpc, stopServer, stsClient } from '../helpers/server.js';

let emulator: Emulator;
let ec2: EC2Client;
let vpcId: string;

beforeAll(async () => {
  ({ emulator, ec2, vpcId } = await startServerWithVpc('10.90.0.0/16'));
});
afterAll(() => stopServer(emulator, ec2));

/** The bridged provider's `security_group_rule_id`: the id only when exactly one rule was created. */
const ruleIdAttribute = (rules: readonly { SecurityGroupRuleId?: string }[] | undefined) =>
  rules?.length === 1 ? rules[0]!.SecurityGroupRuleId : '';

describe('provider start-up', () => {
  it('with credential validation on, GetCallerIdentity gives the account that owns what the program creates', async () => {
    const sts = stsClient(emulator.url);
    const account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
    const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'pulumi-owner', Description: 'owner', VpcId: vpcId }));
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }))).SecurityGroups![0]!;
    // The provider builds ARNs from this account; they must agree with the server's own ARN.
    expect(group.OwnerId).toBe(account);
    expect(group.SecurityGroupArn).toBe(`arn:aws:ec2:us-east-1:${account}:security-group/${created.GroupId}`);
    sts.destroy();
  });
});

describe('aws.ec2.SecurityGroupRule', () => {
  it('securityGroupRuleId is set for one source, empty for several, and refresh finds the same id', async () => {
    const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'pulumi-rules', Description: 'rules', VpcId: vpcId })))
      .GroupId!;
    const single = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
      }),
    );
    const several = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.1.0.0/16' }, { CidrIp: '10.2.0.0/16' }] }],
      }),
    );
    const singleId = ruleIdAttribute(single.SecurityGroupRules);
    expect(singleId).toMatch(/^sgr-[0-9a-f]{17}$/);
    expect(ruleIdAttribute(several.SecurityGroupRules)).toBe('');

    // `pulumi refresh` = the Terraform Read, twice: the id found among the group's rules never changes.
    for (let refresh = 0; refresh < 2; refresh++) {
      const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] })))
        .SecurityGroupRules!;
      const found = rules.filter((r) => !r.IsEgress && r.FromPort === 443 && r.CidrIpv4 === '10.0.0.0/8');
      expect(found.map((r) => r.SecurityGroupRuleId)).toEqual([singleId]);
    }
  });
});
