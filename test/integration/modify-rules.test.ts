/**
 * ModifySecurityGroupRules and UpdateSecurityGroupRuleDescriptions{Egress,Ingress} through the
 * real SDK: every row E-6…E-16 of aws-reference §2E with its exact text, ids and tags kept across a
 * change, two rules swapping contents in one call, duplicates created by a change, and the whole
 * request applied or nothing.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  ModifySecurityGroupRulesCommand,
  UpdateSecurityGroupRuleDescriptionsEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  type EC2Client,
  type SecurityGroupRule,
  type SecurityGroupRuleRequest,
  type SecurityGroupRuleUpdate,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { createGroup, ec2ErrorOf, rulesOfGroup, startServerWithVpc, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';

let emulator: Emulator;
let ec2: EC2Client;
let vpcId: string;
let counter = 0;

beforeAll(async () => {
  ({ emulator, ec2, vpcId } = await startServerWithVpc('10.60.0.0/16'));
});
afterAll(() => stopServer(emulator, ec2));

async function newGroup(): Promise<string> {
  counter += 1;
  return createGroup(ec2, `modify-${counter}`, 'modify test', vpcId);
}

/** A group with an ingress tcp/22 from 10.0.0.0/8 (tagged) and the default egress; returns the ids. */
async function groupWithRules(): Promise<{ groupId: string; ingressId: string; egressId: string }> {
  const groupId = await newGroup();
  const out = await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ssh' }] }],
      TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'team', Value: 'ops' }] }],
    }),
  );
  const rules = await rulesOf(groupId);
  return { groupId, ingressId: out.SecurityGroupRules![0]!.SecurityGroupRuleId!, egressId: rules.find((r) => r.IsEgress)!.SecurityGroupRuleId! };
}

const rulesOf = (groupId: string): Promise<SecurityGroupRule[]> => rulesOfGroup(ec2, groupId);

const modify = (GroupId: string, SecurityGroupRules: SecurityGroupRuleUpdate[]) =>
  ec2.send(new ModifySecurityGroupRulesCommand({ GroupId, SecurityGroupRules }));
const change = (SecurityGroupRuleId: string, SecurityGroupRule: SecurityGroupRuleRequest): SecurityGroupRuleUpdate => ({
  SecurityGroupRuleId,
  SecurityGroupRule,
});

describe('ModifySecurityGroupRules errors (E-6…E-11, E-13…E-15)', () => {
  it('E-6: the group does not exist', async () => {
    const error = await ec2ErrorOf(() => modify('sg-00000000', [change('sgr-00000000', { IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' })]));
    expect(error).toEqual({ code: 'InvalidGroup.NotFound', message: "The security group 'sg-00000000' does not exist", status: 400 });
  });

  it('E-7: the rule does not exist (nor does a rule of another group)', async () => {
    const { groupId } = await groupWithRules();
    const other = await groupWithRules();
    const error = await ec2ErrorOf(() => modify(groupId, [change('sgr-00000000', { IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' })]));
    expect(error).toEqual({
      code: 'InvalidSecurityGroupRuleId.NotFound',
      message: "The security group rule ID 'sgr-00000000' does not exist",
      status: 400,
    });
    const foreign = await ec2ErrorOf(() => modify(groupId, [change(other.ingressId, { IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' })]));
    expect(foreign.message).toBe(`The security group rule ID '${other.ingressId}' does not exist`);
  });

  it('E-8: the protocol is missing', async () => {
    const { groupId, ingressId } = await groupWithRules();
    const error = await ec2ErrorOf(() => modify(groupId, [change(ingressId, { FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8' })]));
    expect(error).toEqual({
      code: 'InvalidParameterValue',
      message: "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly.",
      status: 400,
    });
  });

  it('E-9: udp without FromPort, in the wording of this action', async () => {
    const { groupId, ingressId } = await groupWithRules();
    const error = await ec2ErrorOf(() => modify(groupId, [change(ingressId, { IpProtocol: 'udp', ToPort: 53, CidrIpv4: '10.0.0.0/8' })]));
    expect(error).toEqual({
      code: 'InvalidParameterValue',
      message: 'Invalid value for portRange. Must specify both from and to ports with TCP/UDP.',
      status: 400,
    });
  });

  it('E-10: no peer', async () => {
    const { groupId, ingressId } = await groupWithRules();
    const error = await ec2ErrorOf(() => modify(groupId, [change(ingressId, { IpProtocol: 'tcp', FromPort: 1, ToPort: 1 })]));
    expect(error).toEqual({
      code: 'MissingParameter',
      message: 'The request must contain exactly one of: cidrIp, cidrIpv6, prefixListId, or referencedGroupId',
      status: 400,
    });
  });

  it('E-11: two peers', async () => {
    const { groupId, ingressId } = await groupWithRules();
    const error = await ec2ErrorOf(() =>
      modify(groupId, [change(ingressId, { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '10.0.0.0/8', CidrIpv6: '::/0' })]),
    );
    expect(error).toEqual({
      code: 'InvalidParameterCombination',
      message: 'Only one of cidrIp, cidrIpv6, prefixListId, or referencedGroupId can be specified',
      status: 400,
    });
  });

  it('E-13: GroupId missing', async () => {
    const error = await ec2ErrorOf(() =>
      ec2.send(new ModifySecurityGroupRulesCommand({ GroupId: undefined as unknown as string, SecurityGroupRules: [] })),
    );
    expect(error).toEqual({ code: 'MissingParameter', message: 'The request must contain the parameter groupId', status: 400 });
  });

  it('E-14: GroupId malformed', async () => {
    const error = await ec2ErrorOf(() => modify('someid', [change('sgr-00000000', { IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' })]));
    expect(error).toEqual({ code: 'InvalidGroupId.Malformed', message: 'Invalid id: "someid"', status: 400 });
  });

  it('E-15: a rule cannot change its type', async () => {
    const { groupId, ingressId } = await groupWithRules();
    const error = await ec2ErrorOf(() => modify(groupId, [change(ingressId, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv6: '::/0' })]));
    expect(error).toEqual({
      code: 'InvalidParameterValue',
      message: `Invalid rule type for security group rule '${ingressId}'. You may not specify CidrIpv6 for an existing IPv4 CIDR rule.`,
      status: 400,
    });
    const peer = await newGroup();
    const toGroup = await ec2ErrorOf(() =>
      modify(groupId, [change(ingressId, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, ReferencedGroupId: peer })]),
    );
    expect(toGroup.message).toBe(
      `Invalid rule type for security group rule '${ingressId}'. You may not specify ReferencedGroupId for an existing IPv4 CIDR rule.`,
    );
  });

  it('validates the new values as authorize does: CIDR, ports, description, referenced group', async () => {
    const { groupId, ingressId } = await groupWithRules();
    const cases: [SecurityGroupRuleRequest, string, string][] = [
      [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '10.0.0.1' }, 'InvalidParameterValue', 'CIDR block 10.0.0.1 is malformed'],
      [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 70000, CidrIpv4: '10.0.0.0/8' }, 'InvalidParameterValue', 'TCP/UDP (to) port (70000) out of range'],
      [{ IpProtocol: 'all', CidrIpv4: '10.0.0.0/8' }, 'InvalidParameterValue', "Invalid value 'all' for IP protocol. Unknown protocol."],
      [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '10.0.0.0/8', Description: 'a>b' }, 'InvalidParameterValue', ''],
    ];
    for (const [request, code, message] of cases) {
      const error = await ec2ErrorOf(() => modify(groupId, [change(ingressId, request)]));
      expect(error.code).toBe(code);
      if (message) expect(error.message).toBe(message);
      else expect(error.message).toMatch(/^Invalid rule description\./);
    }
  });
});

describe('ModifySecurityGroupRules success (E-12)', () => {
  it('changes protocol, ports, CIDR and description in place: same id, same tags, no stray fields', async () => {
    const { groupId, ingressId } = await groupWithRules();
    const out = await modify(groupId, [change(ingressId, { IpProtocol: 'udp', FromPort: 500, ToPort: 4500, CidrIpv4: '192.0.2.7/24' })]);
    expect(out.Return).toBe(true);
    const rule = (await rulesOf(groupId)).find((r) => r.SecurityGroupRuleId === ingressId)!;
    expect(rule).toEqual({
      SecurityGroupRuleId: ingressId,
      GroupId: groupId,
      GroupOwnerId: ACCOUNT,
      IsEgress: false,
      IpProtocol: 'udp',
      FromPort: 500,
      ToPort: 4500,
      CidrIpv4: '192.0.2.0/24',
      Tags: [{ Key: 'team', Value: 'ops' }],
      SecurityGroupRuleArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group-rule/${ingressId}`,
    });
  });

  it('changes several rules, ingress and egress mixed, in one call; -1 ignores ports', async () => {
    const { groupId, ingressId, egressId } = await groupWithRules();
    await modify(groupId, [
      change(ingressId, { IpProtocol: 'icmp', FromPort: 8, ToPort: 0, CidrIpv4: '10.0.0.0/8', Description: 'ping' }),
      change(egressId, { IpProtocol: '-1', FromPort: 5, ToPort: 6, CidrIpv4: '10.0.0.0/16', Description: 'vpc only' }),
    ]);
    const rules = await rulesOf(groupId);
    expect(rules.find((r) => r.SecurityGroupRuleId === ingressId)).toMatchObject({ IpProtocol: 'icmp', FromPort: 8, ToPort: 0, Description: 'ping' });
    expect(rules.find((r) => r.SecurityGroupRuleId === egressId)).toMatchObject({
      IsEgress: true,
      IpProtocol: '-1',
      FromPort: -1,
      ToPort: -1,
      CidrIpv4: '10.0.0.0/16',
      Description: 'vpc only',
    });
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0]!;
    expect(group.IpPermissionsEgress).toEqual([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'vpc only' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ]);
  });

  it('changes a referenced-group rule to reference another group', async () => {
    const groupId = await newGroup();
    const [peerA, peerB] = [await newGroup(), await newGroup()];
    const created = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId: peerA }] }],
      }),
    );
    const ruleId = created.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    await modify(groupId, [change(ruleId, { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, ReferencedGroupId: peerB })]);
    const rule = (await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }))).SecurityGroupRules![0]!;
    expect(rule.ReferencedGroupInfo).toEqual({ GroupId: peerB, UserId: ACCOUNT });
    // The old peer is no longer referenced and can be deleted; the new one cannot.
    expect((await ec2.send(new DeleteSecurityGroupCommand({ GroupId: peerA }))).Return).toBe(true);
    expect((await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: peerB })))).code).toBe('DependencyViolation');
  });

  it('swaps the contents of two rules in one call: no false duplicate', async () => {
    const groupId = await newGroup();
    const created = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.1.0.0/16' }, { CidrIp: '10.2.0.0/16' }] }],
      }),
    );
    const [first, second] = created.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!);
    await modify(groupId, [
      change(first!, { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '10.2.0.0/16' }),
      change(second!, { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '10.1.0.0/16' }),
    ]);
    const rules = await rulesOf(groupId);
    expect(rules.find((r) => r.SecurityGroupRuleId === first)!.CidrIpv4).toBe('10.2.0.0/16');
    expect(rules.find((r) => r.SecurityGroupRuleId === second)!.CidrIpv4).toBe('10.1.0.0/16');
  });

  it('a change that makes a rule equal to another is InvalidPermission.Duplicate, and nothing changes', async () => {
    const groupId = await newGroup();
    const created = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.1.0.0/16' }, { CidrIp: '10.2.0.0/16' }] }],
      }),
    );
    const [first] = created.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!);
    const before = await rulesOf(groupId);
    const error = await ec2ErrorOf(() =>
      modify(groupId, [change(first!, { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '10.2.0.0/16', Description: 'x' })]),
    );
    expect(error).toEqual({
      code: 'InvalidPermission.Duplicate',
      message: 'the specified rule "peer: 10.2.0.0/16, TCP, from port: 80, to port: 80, ALLOW" already exists',
      status: 400,
    });
    expect(await rulesOf(groupId)).toEqual(before);
  });

  it('is all or nothing: a valid change next to an invalid one is not applied', async () => {
    const { groupId, ingressId, egressId } = await groupWithRules();
    const before = await rulesOf(groupId);
    const error = await ec2ErrorOf(() =>
      modify(groupId, [
        change(ingressId, { IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, CidrIpv4: '10.0.0.0/8' }),
        change(egressId, { IpProtocol: 'tcp', FromPort: 1, ToPort: 1 }),
      ]),
    );
    expect(error.code).toBe('MissingParameter');
    expect(await rulesOf(groupId)).toEqual(before);
  });

  it('counts the rules after the change against the quota: a larger prefix list can exceed it (B-27)', async () => {
    const groupId = await newGroup();
    const list = async (name: string, MaxEntries: number) =>
      (
        await ec2.send(
          new CreateManagedPrefixListCommand({ PrefixListName: name, MaxEntries, AddressFamily: 'IPv4', Entries: [{ Cidr: '10.0.0.0/8' }] }),
        )
      ).PrefixList!.PrefixListId!;
    const small = await list(`small-${groupId}`, 1);
    const large = await list(`large-${groupId}`, 60);
    const created = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: small }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        ],
      }),
    );
    const listRuleId = created.SecurityGroupRules!.find((r) => r.PrefixListId === small)!.SecurityGroupRuleId!;
    const error = await ec2ErrorOf(() =>
      modify(groupId, [change(listRuleId, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListId: large })]),
    );
    expect(error).toEqual({
      code: 'RulesPerSecurityGroupLimitExceeded',
      message: 'The maximum number of rules per security group has been reached.',
      status: 400,
    });
    expect((await rulesOf(groupId)).find((r) => r.SecurityGroupRuleId === listRuleId)!.PrefixListId).toBe(small);
    // An unknown list is InvalidPrefixListID.NotFound.
    const unknown = await ec2ErrorOf(() =>
      modify(groupId, [change(listRuleId, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListId: 'pl-0123456789abcdef0' })]),
    );
    expect(unknown.code).toBe('InvalidPrefixListID.NotFound');
  });

  it('modifying a rule to its current values succeeds', async () => {
    const { groupId, ingressId } = await groupWithRules();
    const out = await modify(groupId, [change(ingressId, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8', Description: 'ssh' })]);
    expect(out.Return).toBe(true);
  });
});

describe('UpdateSecurityGroupRuleDescriptions (E-16)', () => {
  it('by rule id and by permissions; omitting the description removes it', async () => {
    const { groupId, ingressId, egressId } = await groupWithRules();
    await ec2.send(
      new UpdateSecurityGroupRuleDescriptionsEgressCommand({
        GroupId: groupId,
        SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: egressId, Description: 'all out' }],
      }),
    );
    await ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
      }),
    );
    const rules = await rulesOf(groupId);
    expect(rules.find((r) => r.SecurityGroupRuleId === egressId)!.Description).toBe('all out');
    expect(rules.find((r) => r.SecurityGroupRuleId === ingressId)!.Description).toBeUndefined();
    // Tags and id survive a description change.
    expect(rules.find((r) => r.SecurityGroupRuleId === ingressId)!.Tags).toEqual([{ Key: 'team', Value: 'ops' }]);
  });

  it('matches -1 permissions whatever ports are sent, like revoke', async () => {
    const { groupId, egressId } = await groupWithRules();
    await ec2.send(
      new UpdateSecurityGroupRuleDescriptionsEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'any' }] }],
      }),
    );
    expect((await rulesOf(groupId)).find((r) => r.SecurityGroupRuleId === egressId)!.Description).toBe('any');
  });

  it('a permission that matches nothing is InvalidPermission.NotFound, and nothing changes', async () => {
    const { groupId } = await groupWithRules();
    const before = await rulesOf(groupId);
    const error = await ec2ErrorOf(() =>
      ec2.send(
        new UpdateSecurityGroupRuleDescriptionsIngressCommand({
          GroupId: groupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'changed' }] },
            { IpProtocol: 'tcp', FromPort: 23, ToPort: 23, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'x' }] },
          ],
        }),
      ),
    );
    expect(error).toEqual({
      code: 'InvalidPermission.NotFound',
      message: 'The specified rule does not exist in this security group.',
      status: 400,
    });
    expect(await rulesOf(groupId)).toEqual(before);
  });

  it('needs IpPermissions or SecurityGroupRuleDescriptions', async () => {
    const { groupId } = await groupWithRules();
    const error = await ec2ErrorOf(() => ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId })));
    expect(error.code).toBe('MissingParameter');
  });
});

describe('ModifySecurityGroupRules on egress rules', () => {
  it('an egress rule created by authorize can be modified and keeps IsEgress', async () => {
    const groupId = await newGroup();
    const out = await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] }],
      }),
    );
    const ruleId = out.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    await modify(groupId, [change(ruleId, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv6: '2001:db8:1::/48' })]);
    const rule = (await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }))).SecurityGroupRules![0]!;
    expect(rule).toMatchObject({ IsEgress: true, CidrIpv6: '2001:db8:1::/48' });
    expect(rule.CidrIpv4).toBeUndefined();
  });
});
