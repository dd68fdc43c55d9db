/**
 * The egress job end to end with the real `@aws-sdk/client-ec2` against a listening emulator:
 * authorize (every peer kind, tags, descriptions), the rule fields AWS returns, describe in both
 * views, revoke by permissions and by rule id, duplicates, DryRun, all-or-nothing, paging and the
 * error texts of aws-reference §2A-2E. Each test works on its own fresh group.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupEgressCommand,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  type EC2Client,
  type IpPermission,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { awsManagedPrefixListId } from '../../store/prefix-lists.js';
import { createGroup, ec2ErrorOf, rulesOfGroup, startServerWithVpc, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';
const SGR_ID = /^sgr-[0-9a-f]{17}$/;
const MISSING_SG = 'sg-0123456789abcdef0';

let emulator: Emulator;
let ec2: EC2Client;
let vpcId: string;
let groupCounter = 0;

beforeAll(async () => {
  ({ emulator, ec2, vpcId } = await startServerWithVpc('10.10.0.0/16', { limits: { rulesPerSecurityGroup: 8 } }));
});
afterAll(() => stopServer(emulator, ec2));

/** A new group in the test VPC, or in the default VPC when `inVpc` is null. */
async function newGroup(inVpc: string | null = vpcId): Promise<string> {
  groupCounter += 1;
  return createGroup(ec2, `egress-${groupCounter}`, 'egress test', inVpc ?? undefined);
}

const rulesOf = (groupId: string): Promise<SecurityGroupRule[]> => rulesOfGroup(ec2, groupId);

async function groupOf(groupId: string) {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return out.SecurityGroups![0]!;
}

const authorize = (GroupId: string, IpPermissions: IpPermission[], extra: object = {}) =>
  ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions, ...extra }));

const tcp = (port: number, peers: Omit<IpPermission, 'IpProtocol' | 'FromPort' | 'ToPort'>): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  ...peers,
});

/**
 * The id of the AWS-managed `com.amazonaws.<region>.s3` list (AWS's own where known, else derived
 * from region and service: store/prefix-lists.ts), confirmed through the store.
 */
function s3PrefixListId(region = 'us-east-1'): string {
  const id = awsManagedPrefixListId(region, 's3');
  const list = emulator.store.getPrefixList({ accountId: ACCOUNT, region }, id);
  expect(list?.name).toBe(`com.amazonaws.${region}.s3`);
  return id;
}

describe('a fresh group', () => {
  it('has exactly one egress rule, all traffic to 0.0.0.0/0, with an sgr- id, in both describe views', async () => {
    const groupId = await newGroup();
    const rules = await rulesOf(groupId);
    expect(rules).toHaveLength(1);
    const rule = rules[0]!;
    expect(rule.SecurityGroupRuleId).toMatch(SGR_ID);
    expect(rule).toEqual({
      SecurityGroupRuleId: rule.SecurityGroupRuleId,
      GroupId: groupId,
      GroupOwnerId: ACCOUNT,
      IsEgress: true,
      IpProtocol: '-1',
      FromPort: -1,
      ToPort: -1,
      CidrIpv4: '0.0.0.0/0',
      Tags: [],
      SecurityGroupRuleArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group-rule/${rule.SecurityGroupRuleId}`,
    });

    const group = await groupOf(groupId);
    expect(group.IpPermissions).toEqual([]);
    expect(group.IpPermissionsEgress).toEqual([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ]);
  });

  it('keeps its rule ids stable across describes', async () => {
    const groupId = await newGroup();
    await authorize(groupId, [tcp(443, { IpRanges: [{ CidrIp: '10.0.0.0/8' }] })]);
    const first = await rulesOf(groupId);
    const second = await rulesOf(groupId);
    expect(second).toEqual(first);
    const byId = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: first.map((r) => r.SecurityGroupRuleId!) }),
    );
    expect(byId.SecurityGroupRules).toEqual(first);
  });

  it('re-adding the default egress rule is a duplicate (A-3)', async () => {
    const groupId = await newGroup();
    const error = await ec2ErrorOf(() => authorize(groupId, [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]));
    expect(error).toEqual({
      code: 'InvalidPermission.Duplicate',
      message: 'the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists',
      status: 400,
    });
  });
});

describe('AuthorizeSecurityGroupEgress', () => {
  it('creates one rule per peer of every kind, with descriptions, tags and the fields AWS returns', async () => {
    const groupId = await newGroup();
    const peerId = await newGroup();
    const prefixListId = s3PrefixListId();
    const out = await authorize(
      groupId,
      [
        tcp(443, {
          IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'https out' }],
          Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'v6 out' }],
          PrefixListIds: [{ PrefixListId: prefixListId, Description: 'to s3' }],
          UserIdGroupPairs: [{ GroupId: peerId, Description: 'to peer' }],
        }),
      ],
      { TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'Name', Value: 'web-out' }] }] },
    );
    expect(out.Return).toBe(true);
    const rules = out.SecurityGroupRules!;
    expect(rules).toHaveLength(4);
    const common = {
      GroupId: groupId,
      GroupOwnerId: ACCOUNT,
      IsEgress: true,
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      Tags: [{ Key: 'Name', Value: 'web-out' }],
    };
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ...common, CidrIpv4: '10.0.0.0/16', Description: 'https out' }),
        expect.objectContaining({ ...common, CidrIpv6: '2001:db8::/32', Description: 'v6 out' }),
        expect.objectContaining({ ...common, PrefixListId: prefixListId, Description: 'to s3' }),
        expect.objectContaining({
          ...common,
          ReferencedGroupInfo: { GroupId: peerId, UserId: ACCOUNT },
          Description: 'to peer',
        }),
      ]),
    );
    for (const rule of rules) {
      expect(rule.SecurityGroupRuleId).toMatch(SGR_ID);
      expect(rule.SecurityGroupRuleArn).toBe(`arn:aws:ec2:us-east-1:${ACCOUNT}:security-group-rule/${rule.SecurityGroupRuleId}`);
    }
    expect(new Set(rules.map((r) => r.SecurityGroupRuleId)).size).toBe(4);

    // DescribeSecurityGroupRules shows the same rules (plus the default one), unchanged.
    const described = await rulesOf(groupId);
    expect(described).toHaveLength(5);
    expect(described).toEqual(expect.arrayContaining(rules));

    // DescribeSecurityGroups folds them into one permission per (protocol, ports), default first.
    const group = await groupOf(groupId);
    expect(group.IpPermissionsEgress).toEqual([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'https out' }],
        Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'v6 out' }],
        PrefixListIds: [{ PrefixListId: prefixListId, Description: 'to s3' }],
        UserIdGroupPairs: [{ GroupId: peerId, UserId: ACCOUNT, Description: 'to peer' }],
      },
    ]);
  });

  it('A-11: echoes an empty description as sent, and leaves an absent one absent', async () => {
    const groupId = await newGroup();
    const out = await authorize(groupId, [tcp(21, { IpRanges: [{ CidrIp: '10.21.0.0/16', Description: '' }, { CidrIp: '10.22.0.0/16' }] })]);
    expect(out.SecurityGroupRules!.map((r) => r.Description)).toEqual(['', undefined]);
    const group = await groupOf(groupId);
    expect(group.IpPermissionsEgress![1]!.IpRanges).toEqual([{ CidrIp: '10.21.0.0/16', Description: '' }, { CidrIp: '10.22.0.0/16' }]);
  });

  it('finds rules by their tags with the tag:<key> filter', async () => {
    const groupId = await newGroup();
    const out = await authorize(groupId, [tcp(8080, { IpRanges: [{ CidrIp: '10.1.0.0/16' }] })], {
      TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'purpose', Value: `find-${groupId}` }] }],
    });
    const found = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'tag:purpose', Values: [`find-${groupId}`] }] }),
    );
    expect(found.SecurityGroupRules).toEqual(out.SecurityGroupRules);
  });

  it('renames protocol numbers, canonicalises CIDRs and drops ports of -1 rules', async () => {
    const groupId = await newGroup();
    const out = await authorize(groupId, [
      { IpProtocol: '6', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '100.68.0.18/18' }] },
      { IpProtocol: 'UDP', FromPort: 53, ToPort: 53, Ipv6Ranges: [{ CidrIpv6: '2001:DB8:0:0:1::/64' }] },
      { IpProtocol: '-1', FromPort: 111, ToPort: 111, IpRanges: [{ CidrIp: '10.2.0.0/16' }] },
    ]);
    expect(out.SecurityGroupRules!.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4 ?? r.CidrIpv6])).toEqual([
      ['tcp', 22, 22, '100.68.0.0/18'],
      ['udp', 53, 53, '2001:db8::/64'],
      ['-1', -1, -1, '10.2.0.0/16'],
    ]);
    const group = await groupOf(groupId);
    expect(group.IpPermissionsEgress![0]).toEqual({
      IpProtocol: '-1',
      IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.2.0.0/16' }],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [],
    });
  });

  describe('duplicates', () => {
    it.each([
      ['a group peer over TCP', 'tcp', 0, 65535, 'group', 'TCP, from port: 0, to port: 65535'],
      ['a CIDR peer over UDP', 'udp', 50000, 60000, '0.0.0.0/0', 'UDP, from port: 50000, to port: 60000'],
      ['an IPv6 peer', 'tcp', 3306, 3306, '::/0', 'TCP, from port: 3306, to port: 3306'],
      ['a protocol number', '50', undefined, undefined, '0.0.0.0/0', 'protocol: 50'],
    ])('rejects %s with AWS text', async (_label, protocol, fromPort, toPort, peer, ruleText) => {
      const groupId = await newGroup();
      let peerLabel = peer;
      let permission: IpPermission = { IpProtocol: protocol, FromPort: fromPort, ToPort: toPort };
      if (peer === 'group') {
        peerLabel = await newGroup();
        permission = { ...permission, UserIdGroupPairs: [{ GroupId: peerLabel }] };
      } else if (peer.includes(':')) {
        permission = { ...permission, Ipv6Ranges: [{ CidrIpv6: peer }] };
      } else {
        permission = { ...permission, IpRanges: [{ CidrIp: peer }] };
      }
      await authorize(groupId, [permission]);
      const error = await ec2ErrorOf(() => authorize(groupId, [permission]));
      expect(error).toEqual({
        code: 'InvalidPermission.Duplicate',
        message: `the specified rule "peer: ${peerLabel}, ${ruleText}, ALLOW" already exists`,
        status: 400,
      });
    });

    it('ignores the description when deciding a rule is a duplicate', async () => {
      const groupId = await newGroup();
      await authorize(groupId, [tcp(80, { IpRanges: [{ CidrIp: '10.3.0.0/16', Description: 'one' }] })]);
      const error = await ec2ErrorOf(() =>
        authorize(groupId, [tcp(80, { IpRanges: [{ CidrIp: '10.3.0.0/16', Description: 'two' }] })]),
      );
      expect(error.code).toBe('InvalidPermission.Duplicate');
    });

    it('rejects the same permission twice in one request, adding nothing (B-7)', async () => {
      const groupId = await newGroup();
      const error = await ec2ErrorOf(() =>
        authorize(groupId, [tcp(80, { IpRanges: [{ CidrIp: '10.4.0.0/16' }, { CidrIp: '10.4.0.0/16' }] })]),
      );
      expect(error).toEqual({
        code: 'InvalidParameterValue',
        message: 'The same permission must not appear multiple times',
        status: 400,
      });
      expect(await rulesOf(groupId)).toHaveLength(1);
    });
  });

  it('is all-or-nothing: one duplicate among new rules adds none of them', async () => {
    const groupId = await newGroup();
    await authorize(groupId, [tcp(80, { IpRanges: [{ CidrIp: '10.5.0.0/16' }] })]);
    const before = await rulesOf(groupId);
    const error = await ec2ErrorOf(() =>
      authorize(groupId, [
        tcp(81, { IpRanges: [{ CidrIp: '10.6.0.0/16' }] }),
        tcp(80, { IpRanges: [{ CidrIp: '10.7.0.0/16' }, { CidrIp: '10.5.0.0/16' }] }),
      ]),
    );
    expect(error.code).toBe('InvalidPermission.Duplicate');
    expect(await rulesOf(groupId)).toEqual(before);
  });

  it('enforces the rules-per-group quota as a whole request (limit set to 8 here)', async () => {
    const groupId = await newGroup();
    const cidrs = (n: number, third: number) => Array.from({ length: n }, (_, i) => ({ CidrIp: `10.${third}.${i}.0/24` }));
    // 1 default + 8 = 9 IPv4 rules > 8.
    const error = await ec2ErrorOf(() => authorize(groupId, [tcp(80, { IpRanges: cidrs(8, 8) })]));
    expect(error).toEqual({
      code: 'RulesPerSecurityGroupLimitExceeded',
      message: 'The maximum number of rules per security group has been reached.',
      status: 400,
    });
    expect(await rulesOf(groupId)).toHaveLength(1);
    await authorize(groupId, [tcp(80, { IpRanges: cidrs(7, 8) })]);
    expect(await rulesOf(groupId)).toHaveLength(8);
  });

  describe('DryRun', () => {
    it('answers 412 DryRunOperation for a request that would succeed, and creates nothing (B-33)', async () => {
      const groupId = await newGroup();
      const error = await ec2ErrorOf(() =>
        authorize(groupId, [tcp(80, { IpRanges: [{ CidrIp: '10.9.0.0/16' }] })], { DryRun: true }),
      );
      expect(error).toEqual({
        code: 'DryRunOperation',
        message: 'Request would have succeeded, but DryRun flag is set.',
        status: 412,
      });
      expect(await rulesOf(groupId)).toHaveLength(1);
    });

    it('reports the validation error instead when the request is invalid (B-34)', async () => {
      const error = await ec2ErrorOf(() =>
        authorize('', [tcp(80, { IpRanges: [{ CidrIp: '10.9.0.0/16' }] })], { DryRun: true }),
      );
      expect(error).toEqual({ code: 'InvalidGroupId.Malformed', message: "The security-group ID '' is malformed", status: 400 });
    });

    it('reports a duplicate instead of DryRunOperation', async () => {
      const groupId = await newGroup();
      const error = await ec2ErrorOf(() => authorize(groupId, [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], { DryRun: true }));
      expect(error.code).toBe('InvalidPermission.Duplicate');
    });
  });

  describe('errors (aws-reference §2B)', () => {
    let groupId: string;
    beforeAll(async () => {
      groupId = await newGroup();
    });

    it('B-8: an absent group', async () => {
      expect(await ec2ErrorOf(() => authorize(MISSING_SG, [tcp(80, { IpRanges: [{ CidrIp: '10.0.0.0/8' }] })]))).toEqual({
        code: 'InvalidGroup.NotFound',
        message: `The security group '${MISSING_SG}' does not exist`,
        status: 400,
      });
    });

    it('B-9: a malformed group id', async () => {
      expect(await ec2ErrorOf(() => authorize('foo', [tcp(80, { IpRanges: [{ CidrIp: '10.0.0.0/8' }] })]))).toEqual({
        code: 'InvalidGroupId.Malformed',
        message: 'Invalid id: "foo" (expecting "sg-...")',
        status: 400,
      });
    });

    it('B-10: an absent peer group', async () => {
      expect(await ec2ErrorOf(() => authorize(groupId, [tcp(80, { UserIdGroupPairs: [{ GroupId: MISSING_SG }] })]))).toEqual({
        code: 'InvalidGroup.NotFound',
        message: `The security group '${MISSING_SG}' does not exist`,
        status: 400,
      });
    });

    it('B-11: a peer group in another VPC', async () => {
      const elsewhere = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] })))
        .SecurityGroups!.find((g) => g.VpcId !== vpcId)!.GroupId!;
      expect(await ec2ErrorOf(() => authorize(groupId, [tcp(80, { UserIdGroupPairs: [{ GroupId: elsewhere }] })]))).toEqual({
        code: 'InvalidGroup.NotFound',
        message: 'You have specified two resources that belong to different networks.',
        status: 400,
      });
    });

    it.each<[string, IpPermission, string, string]>([
      ['B-13 protocol missing', { FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }, 'InvalidParameterValue',
        "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly."],
      ['B-14 protocol all', { IpProtocol: 'all', IpRanges: [{ CidrIp: '10.0.0.0/8' }] }, 'InvalidParameterValue',
        "Invalid value 'all' for IP protocol. Unknown protocol."],
      ['B-15 tcp without FromPort', { IpProtocol: 'tcp', ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }, 'InvalidParameterValue',
        "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange."],
      ['B-16 icmp without ports', { IpProtocol: 'icmp', IpRanges: [{ CidrIp: '10.0.0.0/8' }] }, 'InvalidParameterValue',
        "Invalid value 'Must specify both from and to ports with ICMP.' for portRange."],
      ['B-19 icmp code out of range', { IpProtocol: 'icmp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        'InvalidParameterValue', 'ICMP code (65535) out of range'],
      ['B-20 CIDR without prefix', tcp(80, { IpRanges: [{ CidrIp: '58.29.99.44' }] }), 'InvalidParameterValue',
        'CIDR block 58.29.99.44 is malformed'],
      ['B-21 IPv6 in CidrIp', tcp(80, { IpRanges: [{ CidrIp: '::/0' }] }), 'InvalidParameterValue', 'CIDR block ::/0 is malformed'],
      ['B-22 not a CIDR', tcp(80, { IpRanges: [{ CidrIp: 'sg-05cbbd25a44de07f5' }] }), 'InvalidParameterValue',
        'CIDR block sg-05cbbd25a44de07f5 is malformed'],
      ['B-23 no peer', tcp(80, {}), 'MissingParameter',
        'Missing source specification: include source security group or CIDR information'],
      ['B-24 pair without group id', tcp(80, { UserIdGroupPairs: [{ UserId: ACCOUNT }] }), 'MissingParameter', 'Source group ID missing.'],
      ['B-25 bad description', tcp(80, { IpRanges: [{ CidrIp: '10.0.0.0/8', Description: "customer's" }] }), 'InvalidParameterValue',
        'Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*'],
      ['B-28 unknown prefix list', tcp(80, { PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }] }), 'InvalidPrefixListID.NotFound',
        "The prefix list ID 'pl-0123456789abcdef0' does not exist"],
    ])('%s', async (_label, permission, code, message) => {
      expect(await ec2ErrorOf(() => authorize(groupId, [permission]))).toEqual({ code, message, status: 400 });
      expect(await rulesOf(groupId)).toHaveLength(1);
    });

    it('B-29: the legacy flat CidrIp the SDK still offers is UnknownParameter on egress', async () => {
      const error = await ec2ErrorOf(() => ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, CidrIp: '10.0.0.0/8' })));
      expect(error).toEqual({ code: 'UnknownParameter', message: 'The parameter CidrIp is not recognized', status: 400 });
    });
  });
});

describe('RevokeSecurityGroupEgress', () => {
  it('revokes by IpPermissions, ignoring descriptions (C-4)', async () => {
    const groupId = await newGroup();
    await authorize(groupId, [tcp(443, { IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'https' }] })]);
    const out = await ec2.send(
      new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [tcp(443, { IpRanges: [{ CidrIp: '10.0.0.0/16' }] })] }),
    );
    expect(out.Return).toBe(true);
    const left = await rulesOf(groupId);
    expect(left.map((r) => r.CidrIpv4)).toEqual(['0.0.0.0/0']);
  });

  it('revokes by SecurityGroupRuleIds and echoes the revoked rules', async () => {
    const groupId = await newGroup();
    const peerId = await newGroup();
    const added = await authorize(groupId, [
      tcp(22, { IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'ssh' }], UserIdGroupPairs: [{ GroupId: peerId }] }),
    ]);
    const [cidrRule, groupRule] = added.SecurityGroupRules!;
    const out = await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: groupId,
        SecurityGroupRuleIds: [cidrRule!.SecurityGroupRuleId!, groupRule!.SecurityGroupRuleId!],
      }),
    );
    expect(out.Return).toBe(true);
    expect(out.UnknownIpPermissions).toBeUndefined();
    expect(out.RevokedSecurityGroupRules).toEqual(
      expect.arrayContaining([
        {
          SecurityGroupRuleId: cidrRule!.SecurityGroupRuleId,
          GroupId: groupId,
          IsEgress: true,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: '10.0.0.0/16',
          Description: 'ssh',
        },
        {
          SecurityGroupRuleId: groupRule!.SecurityGroupRuleId,
          GroupId: groupId,
          IsEgress: true,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          ReferencedGroupId: peerId,
        },
      ]),
    );
    expect(out.RevokedSecurityGroupRules).toHaveLength(2);
    expect(await rulesOf(groupId)).toHaveLength(1);
  });

  it('C-1: a rule that does not exist is InvalidPermission.NotFound', async () => {
    const groupId = await newGroup();
    const error = await ec2ErrorOf(() =>
      ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [tcp(22, { IpRanges: [{ CidrIp: '10.0.0.0/16' }] })] })),
    );
    expect(error).toEqual({
      code: 'InvalidPermission.NotFound',
      message: 'The specified rule does not exist in this security group.',
      status: 400,
    });
  });

  it('C-2: a partly matching set revokes nothing', async () => {
    const groupId = await newGroup();
    await authorize(groupId, [tcp(22, { IpRanges: [{ CidrIp: '10.0.0.0/16' }] })]);
    const before = await rulesOf(groupId);
    const error = await ec2ErrorOf(() =>
      ec2.send(
        new RevokeSecurityGroupEgressCommand({
          GroupId: groupId,
          IpPermissions: [tcp(22, { IpRanges: [{ CidrIp: '10.0.0.0/16' }, { CidrIp: '10.1.0.0/16' }] })],
        }),
      ),
    );
    expect(error.code).toBe('InvalidPermission.NotFound');
    expect(await rulesOf(groupId)).toEqual(before);
  });

  it('C-5: the port range must match exactly', async () => {
    const groupId = await newGroup();
    await authorize(groupId, [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }]);
    const error = await ec2ErrorOf(() =>
      ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [tcp(22, { IpRanges: [{ CidrIp: '10.0.0.0/16' }] })] })),
    );
    expect(error.code).toBe('InvalidPermission.NotFound');
  });

  it('C-3: in the default VPC, unmatched permissions are reported back and the rest is revoked', async () => {
    const groupId = await newGroup(null);
    await authorize(groupId, [tcp(22, { IpRanges: [{ CidrIp: '10.0.0.0/16' }] })]);
    const out = await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [tcp(22, { IpRanges: [{ CidrIp: '10.0.0.0/16' }, { CidrIp: '10.1.0.0/16' }] })],
      }),
    );
    expect(out.Return).toBe(true);
    expect(out.UnknownIpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.1.0.0/16' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ]);
    expect((await rulesOf(groupId)).map((r) => r.CidrIpv4)).toEqual(['0.0.0.0/0']);
  });

  it('C-7: an unknown rule id is InvalidSecurityGroupRuleId.NotFound and revokes nothing', async () => {
    const groupId = await newGroup();
    const [defaultRule] = await rulesOf(groupId);
    const error = await ec2ErrorOf(() =>
      ec2.send(
        new RevokeSecurityGroupEgressCommand({
          GroupId: groupId,
          SecurityGroupRuleIds: [defaultRule!.SecurityGroupRuleId!, 'sgr-0f80c7e764c18b3c0'],
        }),
      ),
    );
    expect(error).toEqual({
      code: 'InvalidSecurityGroupRuleId.NotFound',
      message: "The security group rule ID 'sgr-0f80c7e764c18b3c0' does not exist",
      status: 400,
    });
    expect(await rulesOf(groupId)).toHaveLength(1);
  });

  it('C-10: revoking from a group with no egress rules left is InvalidPermission.NotFound', async () => {
    const groupId = await newGroup();
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
    );
    expect(await rulesOf(groupId)).toEqual([]);
    expect((await groupOf(groupId)).IpPermissionsEgress).toEqual([]);
    const error = await ec2ErrorOf(() =>
      ec2.send(
        new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
      ),
    );
    expect(error.code).toBe('InvalidPermission.NotFound');
  });

  it('DryRun revokes nothing', async () => {
    const groupId = await newGroup();
    const [rule] = await rulesOf(groupId);
    const error = await ec2ErrorOf(() =>
      ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: [rule!.SecurityGroupRuleId!], DryRun: true })),
    );
    expect(error).toEqual({ code: 'DryRunOperation', message: 'Request would have succeeded, but DryRun flag is set.', status: 412 });
    expect(await rulesOf(groupId)).toEqual([rule]);
  });
});

describe('DeleteSecurityGroup and references', () => {
  it('refuses to delete a group an egress rule points at (D-14), until the rule is revoked', async () => {
    const groupId = await newGroup();
    const peerId = await newGroup();
    const added = await authorize(groupId, [tcp(5432, { UserIdGroupPairs: [{ GroupId: peerId }] })]);
    expect(await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: peerId })))).toEqual({
      code: 'DependencyViolation',
      message: `resource ${peerId} has a dependent object`,
      status: 400,
    });
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: [added.SecurityGroupRules![0]!.SecurityGroupRuleId!] }),
    );
    const out = await ec2.send(new DeleteSecurityGroupCommand({ GroupId: peerId }));
    expect(out.Return).toBe(true);
  });

  it('deleting a group takes its rules with it', async () => {
    const groupId = await newGroup();
    const [rule] = await rulesOf(groupId);
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    expect(await rulesOf(groupId)).toEqual([]);
    const error = await ec2ErrorOf(() =>
      ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [rule!.SecurityGroupRuleId!] })),
    );
    expect(error.code).toBe('InvalidSecurityGroupRuleId.NotFound');
  });
});

describe('DescribeSecurityGroupRules', () => {
  it('pages with MaxResults/NextToken through the SDK paginator, each rule exactly once', async () => {
    const groupId = await newGroup();
    await authorize(groupId, [tcp(9000, { IpRanges: Array.from({ length: 7 }, (_, i) => ({ CidrIp: `10.90.${i}.0/24` })) })]);
    const all = await rulesOf(groupId);
    expect(all).toHaveLength(8);

    const pages: SecurityGroupRule[][] = [];
    for await (const page of paginateDescribeSecurityGroupRules(
      { client: ec2, pageSize: 5 },
      { Filters: [{ Name: 'group-id', Values: [groupId] }] },
    )) {
      pages.push(page.SecurityGroupRules ?? []);
    }
    expect(pages.map((p) => p.length)).toEqual([5, 3]);
    expect(pages.flat()).toEqual(all);
  });

  it('pages DescribeSecurityGroups the same way', async () => {
    const seen: string[] = [];
    for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: 5 }, {})) {
      expect(page.SecurityGroups!.length).toBeLessThanOrEqual(5);
      seen.push(...page.SecurityGroups!.map((g) => g.GroupId!));
    }
    const all = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!.map((g) => g.GroupId!);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('E-1/E-2: a malformed or empty group-id filter value is InvalidGroupId.Malformed', async () => {
    for (const value of ['foobar', '']) {
      const error = await ec2ErrorOf(() =>
        ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [value] }] })),
      );
      expect(error).toEqual({ code: 'InvalidGroupId.Malformed', message: `The security group ID '${value}' is malformed`, status: 400 });
    }
  });

  it('E-3: an unknown rule id is InvalidSecurityGroupRuleId.NotFound', async () => {
    const error = await ec2ErrorOf(() =>
      ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ['sgr-0f80c7e764c18b3c0'] })),
    );
    expect(error).toEqual({
      code: 'InvalidSecurityGroupRuleId.NotFound',
      message: "The security group rule ID 'sgr-0f80c7e764c18b3c0' does not exist",
      status: 400,
    });
  });

  it('E-4: a group-id filter naming no existing group matches nothing', async () => {
    const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [MISSING_SG] }] }));
    expect(out.SecurityGroupRules).toEqual([]);
  });
});

describe('DescribeSecurityGroups filters', () => {
  it('filters by group-id, group-name and vpc-id', async () => {
    const groupId = await newGroup();
    const name = `egress-${groupCounter}`;
    const byId = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    expect(byId.SecurityGroups!.map((g) => g.GroupId)).toEqual([groupId]);
    const byName = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }] }));
    expect(byName.SecurityGroups!.map((g) => g.GroupId)).toEqual([groupId]);
    const byVpc = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    expect(byVpc.SecurityGroups!.every((g) => g.VpcId === vpcId)).toBe(true);
    expect(byVpc.SecurityGroups!.map((g) => g.GroupId)).toContain(groupId);
    expect(byVpc.SecurityGroups!.filter((g) => g.GroupName === 'default')).toHaveLength(1);
  });

  it('filters by egress rule properties', async () => {
    const groupId = await newGroup();
    await authorize(groupId, [tcp(6379, { IpRanges: [{ CidrIp: '10.63.79.0/24' }] })]);
    const out = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'egress.ip-permission.cidr', Values: ['10.63.79.0/24'] },
          { Name: 'egress.ip-permission.from-port', Values: ['6379'] },
        ],
      }),
    );
    expect(out.SecurityGroups!.map((g) => g.GroupId)).toEqual([groupId]);
  });

  it('D-21: a vpc-id filter value that is not vpc-shaped is InvalidParameterValue "vpc-id"', async () => {
    const error = await ec2ErrorOf(() =>
      ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: ['dev'] }] })),
    );
    expect(error).toEqual({ code: 'InvalidParameterValue', message: 'vpc-id', status: 400 });
  });
});
