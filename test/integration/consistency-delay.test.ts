/**
 * The consistency delay (--consistency-delay-ms) hides everything one call created, and shows it
 * all at the same moment: a new group with its default egress rule and the tags of its
 * TagSpecifications; a new VPC with its default group, that group's rules, its network ACL and
 * main route table; the rules (and their tags) of an authorize.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import type { Emulator } from '../../server/emulator.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { Realism } from '../../server/realism.js';
import { openDatabase } from '../../store/db.js';
import { createStore } from '../../store/store.js';
import { ec2ErrorOf, startServerWithClient, stopServer } from '../helpers/server.js';
import { items, post, type Fields } from '../helpers/inject.js';

const byVpc = (vpcId: string) => ({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] });
const byGroup = (groupId: string) => ({ Filters: [{ Name: 'group-id', Values: [groupId] }] });
const byResource = (id: string) => ({ Filters: [{ Name: 'resource-id', Values: [id] }] });

describe('through the SDK, with a delay longer than the test', () => {
  let emulator: Emulator;
  let ec2: EC2Client;
  beforeAll(async () => {
    ({ emulator, ec2 } = await startServerWithClient({ realism: { faults: [], consistencyDelayMs: 600_000 } }));
  });
  afterAll(() => stopServer(emulator, ec2));

  /** What describe calls show of a group: the group, its rules, its tags. */
  const seenOfGroup = async (groupId: string) => ({
    group: (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!.some((g) => g.GroupId === groupId),
    rules: (await ec2.send(new DescribeSecurityGroupRulesCommand(byGroup(groupId)))).SecurityGroupRules!.length,
    rulesInTheAccountList: (await ec2.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules!.filter((r) => r.GroupId === groupId).length,
    tags: (await ec2.send(new DescribeTagsCommand(byResource(groupId)))).Tags!.length,
  });

  it('hides a new group, its default egress rule and its tags together, then shows them together', async () => {
    const { GroupId } = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'eventually',
        Description: 'appears with its egress rule',
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'Name', Value: 'eventually' }] }],
      }),
    );
    const groupId = GroupId!;
    expect((await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))).code).toBe('InvalidGroup.NotFound');
    expect(await seenOfGroup(groupId)).toEqual({ group: false, rules: 0, rulesInTheAccountList: 0, tags: 0 });

    // Writes see the group at once, and what they create is hidden too.
    const authorized = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'purpose', Value: 'ssh' }] }],
      }),
    );
    const ruleId = authorized.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    expect((await ec2.send(new DescribeTagsCommand(byResource(ruleId)))).Tags).toEqual([]);

    emulator.realism.configure({ faults: [], consistencyDelayMs: 0 });
    expect(await seenOfGroup(groupId)).toEqual({ group: true, rules: 2, rulesInTheAccountList: 2, tags: 1 });
    expect((await ec2.send(new DescribeTagsCommand(byResource(ruleId)))).Tags?.map((t) => t.Value)).toEqual(['ssh']);
  });

  it('hides a new VPC with its default group and rules, network ACL, main route table and tags', async () => {
    emulator.realism.configure({ faults: [], consistencyDelayMs: 600_000 });
    const ruleCount = async () => (await ec2.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules!.length;
    const rulesBefore = await ruleCount();
    const { Vpc } = await ec2.send(
      new CreateVpcCommand({ CidrBlock: '10.77.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'later' }] }] }),
    );
    const vpcId = Vpc!.VpcId!;
    const seenOfVpc = async () => {
      const groups = (await ec2.send(new DescribeSecurityGroupsCommand(byVpc(vpcId)))).SecurityGroups!;
      return {
        vpc: (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.some((v) => v.VpcId === vpcId),
        groups: groups.map((g) => g.GroupName),
        // Its default group's rules (all egress, IPv4 only: no IPv6 block) are the only new ones.
        newRules: (await ruleCount()) - rulesBefore,
        acls: (await ec2.send(new DescribeNetworkAclsCommand(byVpc(vpcId)))).NetworkAcls!.length,
        routeTables: (await ec2.send(new DescribeRouteTablesCommand(byVpc(vpcId)))).RouteTables!.length,
        tags: (await ec2.send(new DescribeTagsCommand(byResource(vpcId)))).Tags!.length,
      };
    };
    expect(await seenOfVpc()).toEqual({ vpc: false, groups: [], newRules: 0, acls: 0, routeTables: 0, tags: 0 });
    emulator.realism.configure({ faults: [], consistencyDelayMs: 0 });
    expect(await seenOfVpc()).toEqual({ vpc: true, groups: ['default'], newRules: 2, acls: 1, routeTables: 1, tags: 1 });
  });
});

describe('on the wire, with a clock the test moves', () => {
  let app: FastifyInstance;
  let now = 1_000_000;
  beforeAll(() => {
    const realism = new Realism({ faults: [], consistencyDelayMs: 2_000 }, Math.random, () => now);
    app = buildApp({ store: createStore(openDatabase(':memory:')), limits: DEFAULT_LIMITS, defaultRegion: 'us-east-1', defaultAccountId: '000000000000', realism });
  });
  afterAll(() => app.close());

  const call = async (fields: Fields) => {
    const answer = await post(app, fields);
    expect(answer.status, JSON.stringify(answer.xml)).toBe(200);
    return answer.xml;
  };

  it('shows a group, its egress rule and its tag at the same moment', async () => {
    const created = await call({
      Action: 'CreateSecurityGroup',
      GroupName: 'together',
      GroupDescription: 'together',
      'TagSpecification.1.ResourceType': 'security-group',
      'TagSpecification.1.Tag.1.Key': 'team',
      'TagSpecification.1.Tag.1.Value': 'blue',
    });
    const groupId: string = created.CreateSecurityGroupResponse.groupId;
    const seen = async () => ({
      groups: items((await call({ Action: 'DescribeSecurityGroups', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groupId })).DescribeSecurityGroupsResponse.securityGroupInfo).length,
      rules: items((await call({ Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groupId })).DescribeSecurityGroupRulesResponse.securityGroupRuleSet).length,
      tags: items((await call({ Action: 'DescribeTags', 'Filter.1.Name': 'resource-id', 'Filter.1.Value.1': groupId })).DescribeTagsResponse.tagSet).length,
    });
    expect(await seen()).toEqual({ groups: 0, rules: 0, tags: 0 });
    now += 1_999;
    expect(await seen()).toEqual({ groups: 0, rules: 0, tags: 0 });
    now += 1;
    expect(await seen()).toEqual({ groups: 1, rules: 1, tags: 1 });
  });
});
