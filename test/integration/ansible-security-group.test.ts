/**
 * Ansible's `amazon.aws.ec2_security_group`, replayed call by call (clients.md §3.6) with the real
 * SDK: the lookups (by group-name + vpc-id, then every group through the paginator), the account
 * id from STS on the same endpoint, create and its poll until the default egress is visible,
 * authorize (only `Return` is read), and the second, idempotent run, where the described rules
 * must equal the desired ones exactly so that no call (and no 60 s propagation wait) follows.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  paginateDescribeSecurityGroups,
  paginateDescribeTags,
  waitUntilSecurityGroupExists,
  type EC2Client,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2ErrorOf, startServerWithVpc, stopServer, stsClient } from '../helpers/server.js';

let emulator: Emulator;
let ec2: EC2Client;
let sts: STSClient;
let vpcId: string;

beforeAll(async () => {
  ({ emulator, ec2, vpcId } = await startServerWithVpc('10.40.0.0/16'));
  sts = stsClient(emulator.url);
});
afterAll(() => stopServer(emulator, ec2, sts));

/** `group_exists`: by name and VPC, then all groups (to resolve names), through the paginator. */
async function groupExists(name: string, inVpc: string): Promise<{ group: SecurityGroup | undefined; all: SecurityGroup[] }> {
  const byName: SecurityGroup[] = [];
  for await (const page of paginateDescribeSecurityGroups(
    { client: ec2 },
    { Filters: [{ Name: 'group-name', Values: [name] }, { Name: 'vpc-id', Values: [inVpc] }] },
  )) {
    byName.push(...(page.SecurityGroups ?? []));
  }
  expect(byName.length).toBeLessThanOrEqual(1);
  const all: SecurityGroup[] = [];
  for await (const page of paginateDescribeSecurityGroups({ client: ec2 }, {})) all.push(...(page.SecurityGroups ?? []));
  return { group: byName[0], all };
}

/**
 * The module's rule comparison: one entry per (protocol, ports, source), with `-1` ports absent,
 * as `ec2_security_group` builds both its desired set and the described set.
 */
function ruleSet(permissions: readonly IpPermission[]): string[] {
  const out: string[] = [];
  for (const p of permissions) {
    const ports = p.FromPort === undefined && p.ToPort === undefined ? 'all' : `${p.FromPort}-${p.ToPort}`;
    const key = `${p.IpProtocol}|${ports}`;
    for (const r of p.IpRanges ?? []) out.push(`${key}|${r.CidrIp}|${r.Description ?? ''}`);
    for (const r of p.Ipv6Ranges ?? []) out.push(`${key}|${r.CidrIpv6}|${r.Description ?? ''}`);
    for (const r of p.PrefixListIds ?? []) out.push(`${key}|${r.PrefixListId}|${r.Description ?? ''}`);
    for (const r of p.UserIdGroupPairs ?? []) out.push(`${key}|${r.UserId}/${r.GroupId}|${r.Description ?? ''}`);
  }
  return out.sort();
}

describe('ec2_security_group, state=present', () => {
  it('first run creates, waits for the default egress, authorizes; the second run finds nothing to do', async () => {
    const name = 'ansible-web';
    const account = (await sts.send(new GetCallerIdentityCommand({}))).Account!;

    // ---- first run
    const before = await groupExists(name, vpcId);
    expect(before.group).toBeUndefined();
    expect(before.all.every((g) => g.OwnerId === account)).toBe(true);

    const created = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: name,
        Description: 'web servers',
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'env', Value: 'test' }] }],
      }),
    );
    const groupId = created.GroupId!;
    // The module sleeps 3 s between polls until IpPermissionsEgress is non-empty: the very first
    // poll must already see the default egress, or the module never finishes.
    const firstPoll = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0]!;
    expect(firstPoll.IpPermissionsEgress).toHaveLength(1);
    expect(firstPoll.OwnerId).toBe(account);

    // Desired rules: ssh from a CIDR written with the protocol number, web from anywhere, all from
    // the group itself; egress omitted, so the default allow-all counts as desired.
    const desiredIngress: IpPermission[] = [
      { IpProtocol: '6', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ssh' }] },
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId, UserId: account }] },
    ];
    const authorized = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: desiredIngress }));
    expect(authorized.Return).toBe(true);

    // ---- second run: look up, compare, and find no difference at all
    const again = await groupExists(name, vpcId);
    expect(again.group?.GroupId).toBe(groupId);
    expect(again.all.map((g) => g.GroupId)).toContain(groupId);
    const described = again.group!;
    const normalisedDesired: IpPermission[] = desiredIngress.map((p) => (p.IpProtocol === '6' ? { ...p, IpProtocol: 'tcp' } : p));
    expect(ruleSet(described.IpPermissions!)).toEqual(ruleSet(normalisedDesired));
    expect(ruleSet(described.IpPermissionsEgress!)).toEqual(ruleSet([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]));
    // The -1 permission carries no ports at all (a FromPort of -1 would look like a change).
    const allTraffic = described.IpPermissions!.find((p) => p.IpProtocol === '-1')!;
    expect(allTraffic.FromPort).toBeUndefined();
    expect(allTraffic.ToPort).toBeUndefined();
    expect(described.Tags).toEqual([{ Key: 'env', Value: 'test' }]);
  });

  it('purges a rule, changes a description, adds egress; the final describe equals the desired state', async () => {
    const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'ansible-purge', Description: 'purge', VpcId: vpcId }));
    const groupId = created.GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'old' }] },
          { IpProtocol: 'udp', FromPort: 161, ToPort: 161, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        ],
      }),
    );
    // Description-only change, then the purge of the rule no longer wanted, then the new egress.
    expect(
      (
        await ec2.send(
          new UpdateSecurityGroupRuleDescriptionsIngressCommand({
            GroupId: groupId,
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'new' }] }],
          }),
        )
      ).Return,
    ).toBe(true);
    expect(
      (
        await ec2.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [{ IpProtocol: 'udp', FromPort: 161, ToPort: 161, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
          }),
        )
      ).Return,
    ).toBe(true);
    expect(
      (
        await ec2.send(
          new AuthorizeSecurityGroupEgressCommand({
            GroupId: groupId,
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
          }),
        )
      ).Return,
    ).toBe(true);

    const final = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0]!;
    expect(ruleSet(final.IpPermissions!)).toEqual(['tcp|22-22|10.0.0.0/8|new']);
    expect(ruleSet(final.IpPermissionsEgress!)).toEqual(['-1|all|0.0.0.0/0|', 'tcp|443-443|::/0|']);
  });
});

describe('ec2_security_group, tags', () => {
  it('ensure_ec2_tags: DescribeTags by resource-id (paginated), then DeleteTags and CreateTags for the difference', async () => {
    const created = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'ansible-tags',
        Description: 'tags',
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'env', Value: 'test' }, { Key: 'stale', Value: '1' }] }],
      }),
    );
    const groupId = created.GroupId!;
    const currentTags = async () => {
      const tags: Record<string, string> = {};
      for await (const page of paginateDescribeTags({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'resource-id', Values: [groupId] }] })) {
        for (const tag of page.Tags ?? []) {
          expect(tag.ResourceId).toBe(groupId);
          expect(tag.ResourceType).toBe('security-group');
          tags[tag.Key!] = tag.Value!;
        }
      }
      return tags;
    };
    expect(await currentTags()).toEqual({ env: 'test', stale: '1' });

    // Desired: env=prod, owner=ops; purge_tags removes `stale`.
    await ec2.send(new DeleteTagsCommand({ Resources: [groupId], Tags: [{ Key: 'stale' }] }));
    await ec2.send(new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'owner', Value: 'ops' }] }));
    expect(await currentTags()).toEqual({ env: 'prod', owner: 'ops' });
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0]!;
    expect(Object.fromEntries(group.Tags!.map((t) => [t.Key, t.Value]))).toEqual({ env: 'prod', owner: 'ops' });
  });
});

describe('ec2_security_group, helpers', () => {
  it('the SecurityGroupExists waiter succeeds at once for a created group; a missing id is InvalidGroup.NotFound', async () => {
    const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'ansible-target', Description: 'target', VpcId: vpcId }));
    const result = await waitUntilSecurityGroupExists(
      { client: ec2, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { GroupIds: [created.GroupId!] },
    );
    expect(result.state).toBe('SUCCESS');
    // botocore's waiter retries only on exactly this code.
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: created.GroupId! }));
    const error = await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] })));
    expect(error.code).toBe('InvalidGroup.NotFound');
    expect(error.status).toBe(400);
  });

  it('state=absent: delete, then a second delete is InvalidGroup.NotFound (treated as already absent)', async () => {
    const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'ansible-absent', Description: 'absent', VpcId: vpcId }));
    const found = await groupExists('ansible-absent', vpcId);
    expect(found.group?.GroupId).toBe(created.GroupId);
    expect((await ec2.send(new DeleteSecurityGroupCommand({ GroupId: created.GroupId! }))).Return).toBe(true);
    expect((await groupExists('ansible-absent', vpcId)).group).toBeUndefined();
    expect((await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: created.GroupId! })))).code).toBe(
      'InvalidGroup.NotFound',
    );
  });

  it('resolves a rule target by name in the VPC (Filter group-name + vpc-id) to use its id', async () => {
    const target = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'ansible-db', Description: 'db', VpcId: vpcId }));
    const source = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'ansible-app', Description: 'app', VpcId: vpcId }));
    const found = await groupExists('ansible-db', vpcId);
    expect(found.group?.GroupId).toBe(target.GroupId);
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: target.GroupId!,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: source.GroupId! }] }],
      }),
    );
    const described = (await groupExists('ansible-db', vpcId)).group!;
    expect(described.IpPermissions![0]!.UserIdGroupPairs).toEqual([{ GroupId: source.GroupId, UserId: described.OwnerId }]);
  });
});
