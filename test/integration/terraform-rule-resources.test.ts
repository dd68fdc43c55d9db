/**
 * Terraform's rule resources, replayed call by call with the real `@aws-sdk/client-ec2`:
 * - `aws_vpc_security_group_egress_rule` / `_ingress_rule` (clients.md §3.3): authorize one
 *   permission with one source, keep `SecurityGroupRules[0].SecurityGroupRuleId`, read it back by
 *   id, change it in place with ModifySecurityGroupRules, delete it by id;
 * - the legacy `aws_security_group_rule` (§3.4): several sources per rule, matching in
 *   DescribeSecurityGroups, finding the single-source rule's id, description updates, revoke by
 *   permissions, and the errors it tolerates or reports.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  paginateDescribeSecurityGroupRules,
  type EC2Client,
  type IpPermission,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { createGroup, ec2ErrorOf, startServerWithVpc, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';

let emulator: Emulator;
let ec2: EC2Client;
let vpcId: string;
let counter = 0;

beforeAll(async () => {
  ({ emulator, ec2, vpcId } = await startServerWithVpc('10.30.0.0/16'));
});
afterAll(() => stopServer(emulator, ec2));

async function newGroup(): Promise<string> {
  counter += 1;
  return createGroup(ec2, `tf-rule-${counter}`, 'rule resources', vpcId);
}

/** The framework resources' `findSecurityGroupRuleByID`: paginated, exactly one result with that id. */
async function readRuleById(ruleId: string): Promise<SecurityGroupRule> {
  const found: SecurityGroupRule[] = [];
  for await (const page of paginateDescribeSecurityGroupRules({ client: ec2 }, { SecurityGroupRuleIds: [ruleId] })) {
    found.push(...(page.SecurityGroupRules ?? []));
  }
  expect(found).toHaveLength(1);
  expect(found[0]!.SecurityGroupRuleId).toBe(ruleId);
  return found[0]!;
}

/** The AWS-managed `com.amazonaws.us-east-1.s3` list, as a user finds it. */
async function s3PrefixListId(): Promise<string> {
  const out = await ec2.send(
    new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.us-east-1.s3'] }] }),
  );
  expect(out.PrefixLists).toHaveLength(1);
  expect(out.PrefixLists![0]!.OwnerId).toBe('AWS');
  return out.PrefixLists![0]!.PrefixListId!;
}

describe('aws_vpc_security_group_egress_rule / _ingress_rule', () => {
  it('egress: create → read by id → modify in place (same id, tags kept) → delete by id → gone', async () => {
    const groupId = await newGroup();
    const created = await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'https' }] },
        ],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'Name', Value: 'https-out' }] }],
      }),
    );
    // Read unchecked by the provider: it must be there.
    const ruleId = created.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    expect(ruleId).toMatch(/^sgr-[0-9a-f]{17}$/);

    const read = await readRuleById(ruleId);
    expect(read).toEqual({
      SecurityGroupRuleId: ruleId,
      GroupId: groupId,
      GroupOwnerId: ACCOUNT,
      IsEgress: true,
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      CidrIpv4: '10.0.0.0/16',
      Description: 'https',
      Tags: [{ Key: 'Name', Value: 'https-out' }],
      SecurityGroupRuleArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group-rule/${ruleId}`,
    });

    const modified = await ec2.send(
      new ModifySecurityGroupRulesCommand({
        GroupId: groupId,
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: ruleId,
            SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8444, CidrIpv4: '10.1.0.0/16', Description: 'alt https' },
          },
        ],
      }),
    );
    expect(modified.Return).toBe(true);
    expect(await readRuleById(ruleId)).toMatchObject({
      SecurityGroupRuleId: ruleId,
      IsEgress: true,
      FromPort: 8443,
      ToPort: 8444,
      CidrIpv4: '10.1.0.0/16',
      Description: 'alt https',
      Tags: [{ Key: 'Name', Value: 'https-out' }],
    });

    const revoked = await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ruleId] }));
    expect(revoked.Return).toBe(true);
    expect(revoked.RevokedSecurityGroupRules).toEqual([
      expect.objectContaining({ SecurityGroupRuleId: ruleId, GroupId: groupId, IsEgress: true, CidrIpv4: '10.1.0.0/16' }),
    ]);

    const error = await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] })));
    expect(error).toEqual({
      code: 'InvalidSecurityGroupRuleId.NotFound',
      message: `The security group rule ID '${ruleId}' does not exist`,
      status: 400,
    });
    // Terraform's delete of an already-deleted rule treats this as "already gone".
    const again = await ec2ErrorOf(() =>
      ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ruleId] })),
    );
    expect(again.code).toBe('InvalidSecurityGroupRuleId.NotFound');
  });

  it('ingress: all-protocol rule reads back with ports -1 and IsEgress false; tagged by CreateTags; delete by id', async () => {
    const groupId = await newGroup();
    const created = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '2001:db8::/64' }] }],
      }),
    );
    const ruleId = created.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    const read = await readRuleById(ruleId);
    expect(read).toMatchObject({ IsEgress: false, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv6: '2001:db8::/64' });
    expect(read.CidrIpv4).toBeUndefined();
    expect(read.Description).toBeUndefined();
    expect(read.PrefixListId).toBeUndefined();
    expect(read.ReferencedGroupInfo).toBeUndefined();
    expect(read.Tags).toEqual([]);

    // Tags (and default tags) go on the rule id after create, and later changes through the tag helpers.
    await ec2.send(new CreateTagsCommand({ Resources: [ruleId], Tags: [{ Key: 'Name', Value: 'all-v6' }, { Key: 'env', Value: 'ci' }] }));
    expect((await readRuleById(ruleId)).Tags).toEqual(
      expect.arrayContaining([
        { Key: 'Name', Value: 'all-v6' },
        { Key: 'env', Value: 'ci' },
      ]),
    );
    expect((await readRuleById(ruleId)).Tags).toHaveLength(2);
    await ec2.send(new DeleteTagsCommand({ Resources: [ruleId], Tags: [{ Key: 'env' }] }));
    expect((await readRuleById(ruleId)).Tags).toEqual([{ Key: 'Name', Value: 'all-v6' }]);

    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ruleId] }));
    expect((await ec2ErrorOf(() => readRuleById(ruleId))).code).toBe('InvalidSecurityGroupRuleId.NotFound');
  });

  it('ingress from a referenced group and from a prefix list: ReferencedGroupInfo and PrefixListId', async () => {
    const groupId = await newGroup();
    const peer = await newGroup();
    const prefixListId = await s3PrefixListId();

    const fromGroup = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: peer, Description: 'db' }] }],
      }),
    );
    const groupRuleId = fromGroup.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    expect(await readRuleById(groupRuleId)).toMatchObject({
      IsEgress: false,
      ReferencedGroupInfo: { GroupId: peer, UserId: ACCOUNT },
      Description: 'db',
    });

    const fromList = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: prefixListId }] }],
      }),
    );
    const listRuleId = fromList.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    expect(await readRuleById(listRuleId)).toMatchObject({ PrefixListId: prefixListId, FromPort: 443, ToPort: 443 });

    // Modify the group-referencing rule: ports and description change, the reference stays.
    await ec2.send(
      new ModifySecurityGroupRulesCommand({
        GroupId: groupId,
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: groupRuleId,
            SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 5433, ToPort: 5433, ReferencedGroupId: peer },
          },
        ],
      }),
    );
    const after = await readRuleById(groupRuleId);
    expect(after).toMatchObject({ FromPort: 5433, ToPort: 5433, ReferencedGroupInfo: { GroupId: peer, UserId: ACCOUNT } });
    // Omitting the description removes it, as Terraform expects after clearing the attribute.
    expect(after.Description).toBeUndefined();
  });
});

describe('legacy aws_security_group_rule', () => {
  it('several cidr_blocks → several rules; match, find the id, update descriptions, revoke, revoke again', async () => {
    const groupId = await newGroup();
    await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));

    const permission: IpPermission = {
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      IpRanges: [{ CidrIp: '10.1.0.0/16' }, { CidrIp: '10.2.0.0/16' }],
    };
    const created = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] }));
    // Two sources → two rules, so the provider leaves security_group_rule_id empty.
    expect(created.SecurityGroupRules).toHaveLength(2);

    // The waiter/read: the permission must be found in DescribeSecurityGroups.
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0]!;
    expect(group.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 8080,
        ToPort: 8080,
        IpRanges: [{ CidrIp: '10.1.0.0/16' }, { CidrIp: '10.2.0.0/16' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);

    // A single-source rule: the read looks its id up among the group's rules.
    const single = await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.2/32' }] }],
      }),
    );
    expect(single.SecurityGroupRules).toHaveLength(1);
    const listed = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    const match = listed.SecurityGroupRules!.filter(
      (r) => r.IsEgress && r.IpProtocol === 'udp' && r.FromPort === 53 && r.ToPort === 53 && r.CidrIpv4 === '10.0.0.2/32',
    );
    expect(match.map((r) => r.SecurityGroupRuleId)).toEqual([single.SecurityGroupRules![0]!.SecurityGroupRuleId]);

    // Description-only change, by permissions.
    const described: IpPermission = {
      ...permission,
      IpRanges: [
        { CidrIp: '10.1.0.0/16', Description: 'app a' },
        { CidrIp: '10.2.0.0/16', Description: 'app b' },
      ],
    };
    const updated = await ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId, IpPermissions: [described] }),
    );
    expect(updated.Return).toBe(true);
    const updatedEgress = await ec2.send(
      new UpdateSecurityGroupRuleDescriptionsEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.2/32', Description: 'dns' }] }],
      }),
    );
    expect(updatedEgress.Return).toBe(true);
    const reread = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0]!;
    expect(reread.IpPermissions![0]!.IpRanges).toEqual(described.IpRanges);
    expect(reread.IpPermissionsEgress!.find((p) => p.IpProtocol === 'udp')!.IpRanges).toEqual([
      { CidrIp: '10.0.0.2/32', Description: 'dns' },
    ]);

    // Re-creating the same rule is InvalidPermission.Duplicate, with AWS's text.
    const duplicate = await ec2ErrorOf(() =>
      ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] })),
    );
    expect(duplicate).toEqual({
      code: 'InvalidPermission.Duplicate',
      message: 'the specified rule "peer: 10.1.0.0/16, TCP, from port: 8080, to port: 8080, ALLOW" already exists',
      status: 400,
    });

    // Delete: revoke by the permission (descriptions are ignored), then once more → NotFound (tolerated).
    const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] }));
    expect(revoked.Return).toBe(true);
    expect(revoked.RevokedSecurityGroupRules).toHaveLength(2);
    const second = await ec2ErrorOf(() =>
      ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] })),
    );
    expect(second).toEqual({
      code: 'InvalidPermission.NotFound',
      message: 'The specified rule does not exist in this security group.',
      status: 400,
    });
  });

  it('updates a description by rule id, and rejects an unknown id or a description the provider would not send', async () => {
    const groupId = await newGroup();
    const created = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.9.0.0/16', Description: 'old' }] }],
      }),
    );
    const ruleId = created.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    await ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({
        GroupId: groupId,
        SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: ruleId, Description: 'new' }],
      }),
    );
    expect((await readRuleById(ruleId)).Description).toBe('new');

    const unknown = await ec2ErrorOf(() =>
      ec2.send(
        new UpdateSecurityGroupRuleDescriptionsIngressCommand({
          GroupId: groupId,
          SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: 'sgr-0123456789abcdef0', Description: 'x' }],
        }),
      ),
    );
    expect(unknown.code).toBe('InvalidSecurityGroupRuleId.NotFound');
    // An egress rule id is not found among ingress rules.
    const egressRuleId = (
      await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))
    ).SecurityGroupRules!.find((r) => r.IsEgress)!.SecurityGroupRuleId!;
    expect(
      (
        await ec2ErrorOf(() =>
          ec2.send(
            new UpdateSecurityGroupRuleDescriptionsIngressCommand({
              GroupId: groupId,
              SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: egressRuleId, Description: 'x' }],
            }),
          ),
        )
      ).code,
    ).toBe('InvalidSecurityGroupRuleId.NotFound');

    const badText = await ec2ErrorOf(() =>
      ec2.send(
        new UpdateSecurityGroupRuleDescriptionsIngressCommand({
          GroupId: groupId,
          SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: ruleId, Description: "it's" }],
        }),
      ),
    );
    expect(badText.code).toBe('InvalidParameterValue');
    expect(badText.message).toMatch(/^Invalid rule description\. Valid descriptions are strings less than 256 characters/);
    expect((await readRuleById(ruleId)).Description).toBe('new');

    // A description update by permissions that match no rule is InvalidPermission.NotFound.
    const noMatch = await ec2ErrorOf(() =>
      ec2.send(
        new UpdateSecurityGroupRuleDescriptionsIngressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 23, ToPort: 23, IpRanges: [{ CidrIp: '10.9.0.0/16', Description: 'x' }] }],
        }),
      ),
    );
    expect(noMatch.code).toBe('InvalidPermission.NotFound');
  });
});
