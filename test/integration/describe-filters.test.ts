/**
 * Describe calls through the real SDK: every documented filter of DescribeSecurityGroups (the
 * group fields, tags, and the `ip-permission.*` / `egress.ip-permission.*` families), of
 * DescribeSecurityGroupRules and of DescribeVpcs; wildcards; AND across filters and OR within a
 * filter's values; rejected filter names and values; and MaxResults/NextToken paging on every
 * describe call, with its bounds and its stability while another client writes between pages.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  paginateDescribeVpcs,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, ec2ErrorOf, startServerWithClient, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';

let emulator: Emulator;
let ec2: EC2Client;
/** The AWS-managed `com.amazonaws.us-east-1.s3` list. */
let S3_LIST: string;
/** Ids by a short label: vpcA, vpcB, the default VPC, and the groups of the fixture. */
const id: Record<string, string> = {};

/*
 * The fixture (plus the three `default` groups: default VPC, vpcA, vpcB):
 *   web    (vpcA) "web tier"  tags env=prod, Name=web  in: tcp 80 0.0.0.0/0; tcp 443 ::/0       out: -1 0.0.0.0/0
 *   db     (vpcA) "database"  tags env=dev             in: tcp 5432 from web                   out: udp 53 10.0.0.2/32
 *   cache  (vpcB) "cache"     tags team=x              in: tcp 443 from pl s3                  out: -1 0.0.0.0/0; tcp 6379 to worker;
 *                                                                                                    tcp 8080 2001:db8::/32; tcp 443 pl s3
 *   worker (vpcB) "worker"    no tags                  in: none                                out: -1 0.0.0.0/0
 */
beforeAll(async () => {
  ({ emulator, ec2 } = await startServerWithClient());
  id.vpcA = (
    await ec2.send(
      new CreateVpcCommand({ CidrBlock: '10.70.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'alpha' }] }] }),
    )
  ).Vpc!.VpcId!;
  id.vpcB = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.71.0.0/16', InstanceTenancy: 'default' }))).Vpc!.VpcId!;
  S3_LIST = (
    await ec2.send(
      new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.us-east-1.s3'] }] }),
    )
  ).PrefixLists![0]!.PrefixListId!;
  id.defaultVpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!.VpcId!;

  const create = async (label: string, vpc: string, description: string, tags: Record<string, string> = {}) => {
    const entries = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    id[label] = (
      await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: label,
          Description: description,
          VpcId: id[vpc],
          ...(entries.length > 0 ? { TagSpecifications: [{ ResourceType: 'security-group', Tags: entries }] } : {}),
        }),
      )
    ).GroupId!;
  };
  await create('web', 'vpcA', 'web tier', { env: 'prod', Name: 'web' });
  await create('db', 'vpcA', 'database', { env: 'dev' });
  await create('cache', 'vpcB', 'cache', { team: 'x' });
  await create('worker', 'vpcB', 'worker');
  for (const vpc of ['defaultVpc', 'vpcA', 'vpcB']) {
    id[`default@${vpc}`] = (
      await ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [id[vpc]!] },
            { Name: 'group-name', Values: ['default'] },
          ],
        }),
      )
    ).SecurityGroups![0]!.GroupId!;
  }

  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: id.web,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      ],
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: id.db,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: id.web }] }],
      TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'purpose', Value: 'postgres' }] }],
    }),
  );
  await ec2.send(
    new RevokeSecurityGroupEgressCommand({ GroupId: id.db, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: id.db,
      IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.2/32' }] }],
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: id.cache,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: S3_LIST }] }],
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: id.cache,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, UserIdGroupPairs: [{ GroupId: id.worker }] },
        { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: S3_LIST }] },
      ],
      TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'purpose', Value: 'redis' }] }],
    }),
  );
});
afterAll(() => stopServer(emulator, ec2));

const DEFAULTS = ['default@defaultVpc', 'default@vpcA', 'default@vpcB'];
const ALL = ['web', 'db', 'cache', 'worker', ...DEFAULTS];

/** The labels of the groups DescribeSecurityGroups returns for these filters, sorted. */
async function groupsMatching(...Filters: Filter[]): Promise<string[]> {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters }));
  const labelOf = new Map(Object.entries(id).map(([label, value]) => [value, label]));
  return out.SecurityGroups!.map((g) => labelOf.get(g.GroupId!) ?? g.GroupId!).sort();
}
const f = (Name: string, ...Values: string[]): Filter => ({ Name, Values });
const sorted = (labels: string[]) => [...labels].sort();

describe('DescribeSecurityGroups: group filters', () => {
  it('description, exact and with wildcards', async () => {
    expect(await groupsMatching(f('description', 'web tier'))).toEqual(['web']);
    expect(await groupsMatching(f('description', 'data*'))).toEqual(['db']);
    expect(await groupsMatching(f('description', 'default VPC security group'))).toEqual(sorted(DEFAULTS));
    expect(await groupsMatching(f('description', 'WEB TIER'))).toEqual([]);
  });

  it('group-id, group-name (with ? and *), owner-id', async () => {
    expect(await groupsMatching(f('group-id', id.web!, id.cache!))).toEqual(['cache', 'web']);
    expect(await groupsMatching(f('group-id', 'sg-*'))).toEqual(sorted(ALL));
    expect(await groupsMatching(f('group-name', 'web'))).toEqual(['web']);
    expect(await groupsMatching(f('group-name', '?b'))).toEqual(['db']);
    expect(await groupsMatching(f('group-name', 'w*'))).toEqual(['web', 'worker']);
    expect(await groupsMatching(f('owner-id', ACCOUNT))).toEqual(sorted(ALL));
    expect(await groupsMatching(f('owner-id', '111111111111'))).toEqual([]);
  });

  it('vpc-id; a value that is not a VPC id is D-21', async () => {
    expect(await groupsMatching(f('vpc-id', id.vpcA!))).toEqual(['db', 'default@vpcA', 'web']);
    expect(await groupsMatching(f('vpc-id', 'vpc-*'))).toEqual(sorted(ALL));
    const error = await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ Filters: [f('vpc-id', 'dev')] })));
    expect(error).toEqual({ code: 'InvalidParameterValue', message: 'vpc-id', status: 400 });
  });

  it('tag:<key> and tag-key, with OR within values and wildcards', async () => {
    expect(await groupsMatching(f('tag:env', 'prod'))).toEqual(['web']);
    expect(await groupsMatching(f('tag:env', 'prod', 'dev'))).toEqual(['db', 'web']);
    expect(await groupsMatching(f('tag:env', 'd*'))).toEqual(['db']);
    expect(await groupsMatching(f('tag:Name', 'web'))).toEqual(['web']);
    expect(await groupsMatching(f('tag:name', 'web'))).toEqual([]);
    expect(await groupsMatching(f('tag-key', 'team'))).toEqual(['cache']);
    expect(await groupsMatching(f('tag-key', 'env', 'team'))).toEqual(['cache', 'db', 'web']);
    expect(await groupsMatching(f('tag-key', '*'))).toEqual(['cache', 'db', 'web']);
  });

  it('tag-value (the older filter): any tag with that value, whatever its key', async () => {
    expect(await groupsMatching(f('tag-value', 'prod'))).toEqual(['web']);
    expect(await groupsMatching(f('tag-value', 'web'))).toEqual(['web']);
    expect(await groupsMatching(f('tag-value', 'dev', 'x'))).toEqual(['cache', 'db']);
    expect(await groupsMatching(f('tag-value', 'd*'))).toEqual(['db']);
    expect(await groupsMatching(f('tag-value', 'Name'))).toEqual([]);
    expect(await groupsMatching(f('tag-value', 'prod'), f('tag-key', 'Name'))).toEqual(['web']);
  });
});

describe('DescribeSecurityGroups: *.group-name matches pair names only in the default VPC', () => {
  /*
   * moto's test_filter_egress__ip_permission__group_name_create_with_id_filter_by_name: a rule made
   * by group id in a VPC "fails to find the group in the AWS API" by group-name. In the default VPC
   * a pair may be given by name (B-12) and keeps it; the store does not record how a pair was given,
   * so rules of default-VPC groups match their referenced group's name.
   */
  it('finds default-VPC rules by the referenced name (given by name or by id), never another VPC rule', async () => {
    const local = await startServerWithClient();
    const sdk = local.ec2;
    try {
      const vpc = (await sdk.send(new CreateVpcCommand({ CidrBlock: '10.72.0.0/16' }))).Vpc!.VpcId!;
      const make = async (GroupName: string, VpcId?: string) =>
        (await sdk.send(new CreateSecurityGroupCommand({ GroupName, Description: GroupName, VpcId }))).GroupId!;
      const app = await make('app');
      const byName = await make('by-name');
      const byId = await make('by-id');
      const vpcApp = await make('vpc-app', vpc);
      const vpcUser = await make('vpc-user', vpc);
      await sdk.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: byName,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupName: 'app' }] }],
        }),
      );
      await sdk.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: byId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 81, ToPort: 81, UserIdGroupPairs: [{ GroupId: app }] }],
        }),
      );
      await sdk.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: vpcUser,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 82, ToPort: 82, UserIdGroupPairs: [{ GroupId: vpcApp }] }],
        }),
      );
      await sdk.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: vpcUser,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 83, ToPort: 83, UserIdGroupPairs: [{ GroupId: vpcApp }] }],
        }),
      );
      const matching = async (...Filters: Filter[]) =>
        ((await sdk.send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups ?? []).map((g) => g.GroupId).sort();

      expect(await matching(f('ip-permission.group-name', 'app'))).toEqual([byName]);
      expect(await matching(f('egress.ip-permission.group-name', 'app'))).toEqual([byId]);
      expect(await matching(f('ip-permission.group-name', 'a*'))).toEqual([byName]);
      // The VPC rule is found by the referenced id, not by its name, in either direction.
      expect(await matching(f('ip-permission.group-name', 'vpc-app'))).toEqual([]);
      expect(await matching(f('egress.ip-permission.group-name', 'vpc-app'))).toEqual([]);
      expect(await matching(f('ip-permission.group-name', '*'), f('vpc-id', vpc))).toEqual([]);
      expect(await matching(f('ip-permission.group-id', vpcApp))).toEqual([vpcUser]);
      expect(await matching(f('egress.ip-permission.group-id', vpcApp))).toEqual([vpcUser]);
    } finally {
      await stopServer(local.emulator, sdk);
    }
  });
});

describe('DescribeSecurityGroups: ip-permission.* (ingress)', () => {
  it('cidr, ipv6-cidr, prefix-list-id', async () => {
    expect(await groupsMatching(f('ip-permission.cidr', '0.0.0.0/0'))).toEqual(['web']);
    expect(await groupsMatching(f('ip-permission.ipv6-cidr', '::/0'))).toEqual(['web']);
    expect(await groupsMatching(f('ip-permission.prefix-list-id', S3_LIST))).toEqual(['cache']);
  });

  it('group-id, group-name, user-id (referenced groups, including each default group itself)', async () => {
    expect(await groupsMatching(f('ip-permission.group-id', id.web!))).toEqual(['db']);
    // Outside the default VPC AWS stores a pair without a name: group-name finds no rule there.
    expect(await groupsMatching(f('ip-permission.group-name', 'web'))).toEqual([]);
    expect(await groupsMatching(f('ip-permission.group-name', 'default'))).toEqual(['default@defaultVpc']);
    expect(await groupsMatching(f('ip-permission.user-id', ACCOUNT))).toEqual(sorted(['db', ...DEFAULTS]));
  });

  it('protocol, from-port, to-port', async () => {
    expect(await groupsMatching(f('ip-permission.protocol', 'tcp'))).toEqual(['cache', 'db', 'web']);
    expect(await groupsMatching(f('ip-permission.protocol', '-1'))).toEqual(sorted(DEFAULTS));
    expect(await groupsMatching(f('ip-permission.from-port', '5432'))).toEqual(['db']);
    expect(await groupsMatching(f('ip-permission.to-port', '443'))).toEqual(['cache', 'web']);
    expect(await groupsMatching(f('ip-permission.to-port', '4*'))).toEqual(['cache', 'web']);
  });
});

describe('DescribeSecurityGroups: egress.ip-permission.*', () => {
  it('cidr, ipv6-cidr, prefix-list-id, group-id, group-name, user-id', async () => {
    expect(await groupsMatching(f('egress.ip-permission.cidr', '10.0.0.2/32'))).toEqual(['db']);
    expect(await groupsMatching(f('egress.ip-permission.cidr', '0.0.0.0/0'))).toEqual(sorted(ALL.filter((g) => g !== 'db')));
    expect(await groupsMatching(f('egress.ip-permission.ipv6-cidr', '2001:db8::/32'))).toEqual(['cache']);
    expect(await groupsMatching(f('egress.ip-permission.prefix-list-id', S3_LIST))).toEqual(['cache']);
    expect(await groupsMatching(f('egress.ip-permission.group-id', id.worker!))).toEqual(['cache']);
    expect(await groupsMatching(f('egress.ip-permission.group-name', 'worker'))).toEqual([]);
    expect(await groupsMatching(f('egress.ip-permission.user-id', ACCOUNT))).toEqual(['cache']);
  });

  it('protocol, from-port, to-port', async () => {
    expect(await groupsMatching(f('egress.ip-permission.protocol', 'udp'))).toEqual(['db']);
    expect(await groupsMatching(f('egress.ip-permission.from-port', '53'))).toEqual(['db']);
    expect(await groupsMatching(f('egress.ip-permission.to-port', '6379', '8080'))).toEqual(['cache']);
  });

  it('ingress and egress filters look at their own direction only', async () => {
    expect(await groupsMatching(f('ip-permission.cidr', '10.0.0.2/32'))).toEqual([]);
    expect(await groupsMatching(f('egress.ip-permission.group-id', id.web!))).toEqual([]);
  });
});

describe('DescribeSecurityGroups: combining filters', () => {
  it('AND across filters, OR within one filter values', async () => {
    expect(await groupsMatching(f('vpc-id', id.vpcA!), f('ip-permission.protocol', 'tcp'))).toEqual(['db', 'web']);
    expect(await groupsMatching(f('group-name', 'web', 'cache'))).toEqual(['cache', 'web']);
    expect(await groupsMatching(f('group-name', 'web', 'cache'), f('tag:env', 'prod'))).toEqual(['web']);
    expect(await groupsMatching(f('group-name', 'web'), f('group-name', 'db'))).toEqual([]);
  });

  it('rule filters match any combination of rules, not necessarily one rule', async () => {
    // web has 0.0.0.0/0 on port 80 and port 443 on ::/0: no single rule has both, yet it matches.
    expect(await groupsMatching(f('ip-permission.cidr', '0.0.0.0/0'), f('ip-permission.from-port', '443'))).toEqual(['web']);
  });

  it('filters also narrow a GroupIds request', async () => {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id.web!, id.db!], Filters: [f('tag:env', 'dev')] }));
    expect(out.SecurityGroups!.map((g) => g.GroupId)).toEqual([id.db]);
  });

  it('an unknown filter name is rejected with its name', async () => {
    for (const name of ['x', 'ip-permission.port', 'group_name', 'egress.ip-permission.bogus']) {
      const error = await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ Filters: [f(name, 'v')] })));
      expect(error).toEqual({ code: 'InvalidParameterValue', message: `The filter '${name}' is invalid`, status: 400 });
    }
  });

  // Group filters are applied before rules are read (so a lookup by name stays cheap with many
  // rules); every filter is still checked, whatever the group filters leave.
  it('rejects a bad filter even when the group filters before it match no group', async () => {
    const error = await ec2ErrorOf(() =>
      ec2.send(new DescribeSecurityGroupsCommand({ Filters: [f('group-name', 'no-such-group'), f('egress.ip-permission.bogus', 'v')] })),
    );
    expect(error).toEqual({ code: 'InvalidParameterValue', message: "The filter 'egress.ip-permission.bogus' is invalid", status: 400 });
    const vpcError = await ec2ErrorOf(() =>
      ec2.send(new DescribeSecurityGroupsCommand({ Filters: [f('ip-permission.cidr', '10.9.9.9/32'), f('vpc-id', 'dev')] })),
    );
    expect(vpcError).toEqual({ code: 'InvalidParameterValue', message: 'vpc-id', status: 400 });
  });

  it('a group filter and a rule filter together: the rule filter sees all rules of the groups left', async () => {
    expect(await groupsMatching(f('group-name', 'cache', 'worker'), f('egress.ip-permission.cidr', '0.0.0.0/0'))).toEqual(['cache', 'worker']);
    expect(await groupsMatching(f('group-name', 'cache', 'worker'), f('egress.ip-permission.prefix-list-id', S3_LIST))).toEqual(['cache']);
    expect(await groupsMatching(f('tag:env', 'prod', 'dev'), f('egress.ip-permission.from-port', '53'))).toEqual(['db']);
  });

  it('a malformed group-id value simply matches nothing (no evidence that AWS rejects it here)', async () => {
    expect(await groupsMatching(f('group-id', 'foo'))).toEqual([]);
  });
});

describe('DescribeSecurityGroupRules filters', () => {
  const ruleGroups = async (...Filters: Filter[]) => {
    const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters }));
    return out.SecurityGroupRules!;
  };

  it('group-id (several values are OR), security-group-rule-id, tag:<key>, tag-key', async () => {
    const web = await ruleGroups(f('group-id', id.web!));
    expect(web).toHaveLength(3);
    expect(new Set(web.map((r) => r.GroupId))).toEqual(new Set([id.web]));
    expect(await ruleGroups(f('group-id', id.web!, id.db!))).toHaveLength(5);

    const ruleId = web[0]!.SecurityGroupRuleId!;
    expect((await ruleGroups(f('security-group-rule-id', ruleId))).map((r) => r.SecurityGroupRuleId)).toEqual([ruleId]);

    expect((await ruleGroups(f('tag:purpose', 'postgres'))).map((r) => r.GroupId)).toEqual([id.db]);
    expect((await ruleGroups(f('tag:purpose', 'redis'))).map((r) => r.GroupId)).toEqual([id.cache, id.cache, id.cache]);
    expect(await ruleGroups(f('tag-key', 'purpose'))).toHaveLength(4);
    expect(await ruleGroups(f('tag-key', 'purpose'), f('group-id', id.db!))).toHaveLength(1);
    // tag-value, taken wherever tag-key is.
    expect((await ruleGroups(f('tag-value', 'postgres'))).map((r) => r.GroupId)).toEqual([id.db]);
    expect(await ruleGroups(f('tag-value', 'postgres', 'redis'))).toHaveLength(4);
    expect(await ruleGroups(f('tag-value', 'purpose'))).toEqual([]);
  });

  it('E-1/E-2: a malformed or empty group-id; E-4: an unknown well-formed one is an empty answer', async () => {
    expect(await ec2ErrorOf(() => ruleGroups(f('group-id', 'foobar')))).toEqual({
      code: 'InvalidGroupId.Malformed',
      message: "The security group ID 'foobar' is malformed",
      status: 400,
    });
    expect(await ec2ErrorOf(() => ruleGroups(f('group-id', '')))).toEqual({
      code: 'InvalidGroupId.Malformed',
      message: "The security group ID '' is malformed",
      status: 400,
    });
    expect(await ruleGroups(f('group-id', 'sg-005216b55886f0fdc'))).toEqual([]);
  });

  it('E-5: filters it does not document (vpc-id, group-name) are rejected', async () => {
    for (const name of ['vpc-id', 'group-name', 'ip-permission.cidr']) {
      expect(await ec2ErrorOf(() => ruleGroups(f(name, 'x')))).toEqual({
        code: 'InvalidParameterValue',
        message: `The filter '${name}' is invalid`,
        status: 400,
      });
    }
  });

  it('SecurityGroupRuleIds combined with a filter: both must hold', async () => {
    const [first] = await ruleGroups(f('group-id', id.web!));
    const out = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [first!.SecurityGroupRuleId!], Filters: [f('group-id', id.db!)] }),
    );
    expect(out.SecurityGroupRules).toEqual([]);
  });
});

describe('DescribeVpcs filters', () => {
  const vpcsMatching = async (...Filters: Filter[]) => {
    const out = await ec2.send(new DescribeVpcsCommand({ Filters }));
    const labelOf = new Map(Object.entries(id).map(([label, value]) => [value, label]));
    return out.Vpcs!.map((v) => labelOf.get(v.VpcId!) ?? v.VpcId!).sort();
  };

  it('is-default, cidr, vpc-id, state, owner-id, tag:<key>, tag-key', async () => {
    expect(await vpcsMatching(f('is-default', 'true'))).toEqual(['defaultVpc']);
    expect(await vpcsMatching(f('is-default', 'false'))).toEqual(['vpcA', 'vpcB']);
    expect(await vpcsMatching(f('cidr', '10.70.0.0/16'))).toEqual(['vpcA']);
    expect(await vpcsMatching(f('cidr', '172.31.0.0/16'))).toEqual(['defaultVpc']);
    expect(await vpcsMatching(f('cidr', '10.7*'))).toEqual(['vpcA', 'vpcB']);
    expect(await vpcsMatching(f('vpc-id', id.vpcB!))).toEqual(['vpcB']);
    expect(await vpcsMatching(f('state', 'available'))).toEqual(['defaultVpc', 'vpcA', 'vpcB']);
    expect(await vpcsMatching(f('state', 'pending'))).toEqual([]);
    expect(await vpcsMatching(f('owner-id', ACCOUNT))).toEqual(['defaultVpc', 'vpcA', 'vpcB']);
    expect(await vpcsMatching(f('tag:Name', 'alpha'))).toEqual(['vpcA']);
    expect(await vpcsMatching(f('tag-key', 'Name'))).toEqual(['vpcA']);
    expect(await vpcsMatching(f('tag-value', 'alpha'))).toEqual(['vpcA']);
    expect(await vpcsMatching(f('tag-value', 'Name'))).toEqual([]);
    expect(await vpcsMatching(f('is-default', 'false'), f('cidr', '10.71.0.0/16'))).toEqual(['vpcB']);
  });

  it('rejects an unknown filter and a vpc-id that is not a VPC id', async () => {
    expect(await ec2ErrorOf(() => vpcsMatching(f('bogus', 'x')))).toEqual({
      code: 'InvalidParameterValue',
      message: "The filter 'bogus' is invalid",
      status: 400,
    });
    expect(await ec2ErrorOf(() => vpcsMatching(f('vpc-id', 'dev')))).toEqual({ code: 'InvalidParameterValue', message: 'vpc-id', status: 400 });
  });
});

describe('DescribeNetworkInterfaces filters', () => {
  it('is empty for documented filters and rejects unknown ones', async () => {
    const out = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [f('group-id', id.web!), f('vpc-id', id.vpcA!)] }));
    expect(out.NetworkInterfaces).toEqual([]);
    expect(await ec2ErrorOf(() => ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [f('bogus', 'x')] })))).toEqual({
      code: 'InvalidParameterValue',
      message: "The filter 'bogus' is invalid",
      status: 400,
    });
  });
});

describe('MaxResults / NextToken', () => {
  const describeCalls = {
    DescribeSecurityGroups: (input: { MaxResults?: number; NextToken?: string }) => ec2.send(new DescribeSecurityGroupsCommand(input)),
    DescribeSecurityGroupRules: (input: { MaxResults?: number; NextToken?: string }) =>
      ec2.send(new DescribeSecurityGroupRulesCommand(input)),
    DescribeVpcs: (input: { MaxResults?: number; NextToken?: string }) => ec2.send(new DescribeVpcsCommand(input)),
    DescribeNetworkInterfaces: (input: { MaxResults?: number; NextToken?: string }) =>
      ec2.send(new DescribeNetworkInterfacesCommand(input)),
  };

  for (const [action, call] of Object.entries(describeCalls)) {
    it(`${action}: MaxResults 5..1000 accepted, 4 and 1001 rejected, a forged NextToken rejected`, async () => {
      await expect(call({ MaxResults: 5 })).resolves.toBeDefined();
      await expect(call({ MaxResults: 1000 })).resolves.toBeDefined();
      expect(await ec2ErrorOf(() => call({ MaxResults: 4 }))).toEqual({
        code: 'InvalidParameterValue',
        message: 'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.',
        status: 400,
      });
      expect(await ec2ErrorOf(() => call({ MaxResults: 1001 }))).toEqual({
        code: 'InvalidParameterValue',
        message: 'Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000.',
        status: 400,
      });
      expect(await ec2ErrorOf(() => call({ MaxResults: 5, NextToken: 'forged' }))).toEqual({
        code: 'InvalidParameterValue',
        message: 'Value ( forged ) for parameter NextToken is invalid. The token is invalid.',
        status: 400,
      });
    });
  }

  it('pages of DescribeSecurityGroups, -Rules and DescribeVpcs add up to the unpaged answer', async () => {
    const groups: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: 5 }, {})) {
      pages += 1;
      expect(page.SecurityGroups!.length).toBeLessThanOrEqual(5);
      groups.push(...page.SecurityGroups!.map((g) => g.GroupId!));
    }
    expect(pages).toBe(2);
    expect(groups).toEqual((await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!.map((g) => g.GroupId));

    const rules: string[] = [];
    for await (const page of paginateDescribeSecurityGroupRules({ client: ec2, pageSize: 5 }, {})) {
      rules.push(...page.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!));
    }
    expect(rules).toEqual((await ec2.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules!.map((r) => r.SecurityGroupRuleId));

    const vpcs: string[] = [];
    for await (const page of paginateDescribeVpcs({ client: ec2, pageSize: 5 }, {})) vpcs.push(...page.Vpcs!.map((v) => v.VpcId!));
    expect(vpcs.sort()).toEqual([id.defaultVpc, id.vpcA, id.vpcB].sort());
  });

  it('a filtered page is full when enough matches exist, and the last page has no NextToken', async () => {
    const first = await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 5, Filters: [f('owner-id', ACCOUNT)] }));
    expect(first.SecurityGroups).toHaveLength(5);
    expect(first.NextToken).toBeDefined();
    const second = await ec2.send(
      new DescribeSecurityGroupsCommand({ MaxResults: 5, Filters: [f('owner-id', ACCOUNT)], NextToken: first.NextToken }),
    );
    expect(second.SecurityGroups).toHaveLength(ALL.length - 5);
    expect(second.NextToken).toBeUndefined();
  });
});

describe('paging while another client writes', () => {
  it('DescribeSecurityGroupRules: no rule twice, none skipped among those that existed throughout', async () => {
    const writer = ec2Client(emulator.url);
    const groupId = (await writer.send(new CreateSecurityGroupCommand({ GroupName: 'paging-rules', Description: 'paging', VpcId: id.vpcA }))).GroupId!;
    const cidrs = Array.from({ length: 20 }, (_, i) => `10.80.${i}.0/24`);
    await writer.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: cidrs.map((CidrIp) => ({ CidrIp })) }],
      }),
    );
    const initial = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [f('group-id', groupId)] }))).SecurityGroupRules!;
    const removed = new Set<string>();
    const seen: string[] = [];
    let NextToken: string | undefined;
    let page = 0;
    do {
      const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [f('group-id', groupId)], MaxResults: 5, NextToken }));
      seen.push(...out.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!));
      NextToken = out.NextToken;
      page += 1;
      // Between pages the writer removes one rule already seen and one not yet seen, and adds one.
      const victims = [seen[0]!, initial[initial.length - page]!.SecurityGroupRuleId!].filter((v) => !removed.has(v));
      for (const victim of victims) {
        const rule = initial.find((r) => r.SecurityGroupRuleId === victim)!;
        const input = { GroupId: groupId, SecurityGroupRuleIds: [victim] };
        if (rule.IsEgress) await writer.send(new RevokeSecurityGroupEgressCommand(input));
        else await writer.send(new RevokeSecurityGroupIngressCommand(input));
        removed.add(victim);
      }
      await writer.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1000 + page, ToPort: 1000 + page, IpRanges: [{ CidrIp: '10.81.0.0/16' }] }],
        }),
      );
    } while (NextToken !== undefined && page < 50);

    expect(new Set(seen).size).toBe(seen.length);
    const throughout = initial.map((r) => r.SecurityGroupRuleId!).filter((ruleId) => !removed.has(ruleId));
    for (const ruleId of throughout) expect(seen).toContain(ruleId);
    writer.destroy();
  });

  it('DescribeSecurityGroups: groups created and deleted between pages never duplicate or hide the others', async () => {
    const writer = ec2Client(emulator.url);
    const before = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!.map((g) => g.GroupId!);
    const seen: string[] = [];
    const deleted = new Set<string>();
    let NextToken: string | undefined;
    let page = 0;
    do {
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 5, NextToken }));
      seen.push(...out.SecurityGroups!.map((g) => g.GroupId!));
      NextToken = out.NextToken;
      page += 1;
      const created = await writer.send(
        new CreateSecurityGroupCommand({ GroupName: `paging-new-${page}`, Description: 'paging', VpcId: id.vpcB }),
      );
      if (page === 1) {
        // Delete one group that is still ahead of the cursor, which is then simply not listed.
        const ahead = before.find((g) => !seen.includes(g) && g !== id.web && !Object.values(id).includes(g));
        const target = ahead ?? created.GroupId!;
        await writer.send(new DeleteSecurityGroupCommand({ GroupId: target }));
        deleted.add(target);
      }
    } while (NextToken !== undefined && page < 50);

    expect(new Set(seen).size).toBe(seen.length);
    for (const groupId of before.filter((g) => !deleted.has(g))) expect(seen).toContain(groupId);
    writer.destroy();
  });
});
