/**
 * Terraform's `aws_security_group` resource, replayed call by call (clients.md §3.2) with the real
 * `@aws-sdk/client-ec2`: create (with its revoke of the default egress, IPv4 then IPv6), update
 * (ingress then egress, revoke old then authorize new), read (the fields the provider copies into
 * state), delete (the network-interface lookup, revoke_rules_on_delete, delete, wait for gone).
 * Each step asserts exactly what the provider reads from the answer.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2ErrorOf, startServerWithVpc, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';

let emulator: Emulator;
let ec2: EC2Client;
let vpcId: string;
let ipv6VpcId: string;

beforeAll(async () => {
  ({ emulator, ec2, vpcId } = await startServerWithVpc('10.20.0.0/16'));
  ipv6VpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16', AmazonProvidedIpv6CidrBlock: true })))
    .Vpc!.VpcId!;
});
afterAll(() => stopServer(emulator, ec2));

/** The provider's `findSecurityGroupByID`: exactly one group whose id is the id asked for. */
async function readGroup(groupId: string): Promise<SecurityGroup> {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  expect(out.SecurityGroups).toHaveLength(1);
  expect(out.SecurityGroups![0]!.GroupId).toBe(groupId);
  return out.SecurityGroups![0]!;
}

/** Create as the provider does it, including the removal of AWS's default egress rule. */
async function terraformCreate(name: string, inVpc: string, tags = [{ Key: 'Name', Value: name }]): Promise<string> {
  const created = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: name,
      Description: 'Managed by Terraform',
      VpcId: inVpc,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: tags }],
    }),
  );
  const groupId = created.GroupId!;
  expect(groupId).toMatch(/^sg-[0-9a-f]{17}$/);
  // The provider waits for the group to be visible: three consecutive successful reads.
  for (let i = 0; i < 3; i++) await readGroup(groupId);

  // Always revoke the default egress (IPv4), then the IPv6 one, tolerating NotFound on the latter.
  const revoked = await ec2.send(
    new RevokeSecurityGroupEgressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );
  expect(revoked.Return).toBe(true);
  try {
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
      }),
    );
  } catch (err) {
    expect((err as Error).name).toBe('InvalidPermission.NotFound');
  }
  return groupId;
}

describe('aws_security_group create', () => {
  it('creates with tags, reads it three times, and removes the default IPv4 egress with ports 0/0', async () => {
    const groupId = await terraformCreate('tf-create-1', vpcId);
    const group = await readGroup(groupId);
    expect(group.IpPermissionsEgress).toEqual([]);
    expect(group.IpPermissions).toEqual([]);
    expect(group.Tags).toEqual([{ Key: 'Name', Value: 'tf-create-1' }]);
    const rules = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    expect(rules.SecurityGroupRules).toEqual([]);
  });

  it('answers the IPv6 default-egress revoke with InvalidPermission.NotFound in a VPC without IPv6', async () => {
    const created = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'tf-create-2', Description: 'Managed by Terraform', VpcId: vpcId }),
    );
    const error = await ec2ErrorOf(() =>
      ec2.send(
        new RevokeSecurityGroupEgressCommand({
          GroupId: created.GroupId!,
          IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
        }),
      ),
    );
    expect(error).toEqual({
      code: 'InvalidPermission.NotFound',
      message: 'The specified rule does not exist in this security group.',
      status: 400,
    });
    // Nothing else was touched: the IPv4 default egress is still there.
    const group = await readGroup(created.GroupId!);
    expect(group.IpPermissionsEgress).toEqual([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ]);
  });

  it('removes both default egress rules in a VPC with IPv6', async () => {
    const groupId = await terraformCreate('tf-create-3', ipv6VpcId);
    expect((await readGroup(groupId)).IpPermissionsEgress).toEqual([]);
  });
});

describe('aws_security_group update and read', () => {
  it('revokes removed and authorizes added permissions, ingress first, and reads back every field', async () => {
    const groupId = await terraformCreate('tf-update-1', vpcId);
    const peer = await terraformCreate('tf-update-peer', vpcId);

    // First apply: ingress 22 from a CIDR; egress all to anywhere.
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );

    // Second apply: the ingress block changes. Terraform reads, then per direction revokes the old
    // permission and authorizes the new one, whose description is copied onto every source.
    await readGroup(groupId);
    const description = 'ssh from office and peers';
    const added: IpPermission = {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      IpRanges: [
        { CidrIp: '192.0.2.0/24', Description: description },
        { CidrIp: '198.51.100.0/24', Description: description },
      ],
      Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: description }],
      UserIdGroupPairs: [{ GroupId: peer, Description: description }],
    };
    const revokedIngress = await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
      }),
    );
    expect(revokedIngress.Return).toBe(true);
    const authorized = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [added] }));
    expect(authorized.Return).toBe(true);
    expect(authorized.SecurityGroupRules).toHaveLength(4);
    expect(authorized.SecurityGroupRules!.every((r) => r.Description === description && r.IsEgress === false)).toBe(true);

    // Egress: replace all-traffic with https to one CIDR (-1 permissions carry no ports).
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );

    const group = await readGroup(groupId);
    expect(group).toMatchObject({
      GroupId: groupId,
      GroupName: 'tf-update-1',
      Description: 'Managed by Terraform',
      VpcId: vpcId,
      OwnerId: ACCOUNT,
      Tags: [{ Key: 'Name', Value: 'tf-update-1' }],
    });
    expect(group.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        IpRanges: [
          { CidrIp: '192.0.2.0/24', Description: description },
          { CidrIp: '198.51.100.0/24', Description: description },
        ],
        Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: description }],
        PrefixListIds: [],
        // Same-account pairs carry UserId == OwnerId, so Terraform keeps the plain group id in state.
        UserIdGroupPairs: [{ GroupId: peer, UserId: group.OwnerId, Description: description }],
      },
    ]);
    expect(group.IpPermissionsEgress).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
  });

  it('changes tags through CreateTags/DeleteTags on the sg- id and reads them back', async () => {
    const groupId = await terraformCreate('tf-tags-1', vpcId, [
      { Key: 'Name', Value: 'tf-tags-1' },
      { Key: 'old', Value: 'x' },
    ]);
    await ec2.send(new DeleteTagsCommand({ Resources: [groupId], Tags: [{ Key: 'old', Value: 'x' }] }));
    await ec2.send(new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'Name', Value: 'renamed' }, { Key: 'new', Value: '' }] }));
    const tags = (await readGroup(groupId)).Tags!;
    expect([...tags].sort((a, b) => a.Key!.localeCompare(b.Key!))).toEqual([
      { Key: 'Name', Value: 'renamed' },
      { Key: 'new', Value: '' },
    ]);
  });

  it('reads a self-referencing permission with the group own id and account', async () => {
    const groupId = await terraformCreate('tf-self-1', vpcId);
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, UserIdGroupPairs: [{ GroupId: groupId }] }],
      }),
    );
    const group = await readGroup(groupId);
    expect(group.IpPermissions).toEqual([
      {
        IpProtocol: '-1',
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: groupId, UserId: ACCOUNT }],
      },
    ]);
  });
});

describe('aws_security_group delete', () => {
  it('looks up network interfaces by group-id, deletes, then reads InvalidGroup.NotFound', async () => {
    const groupId = await terraformCreate('tf-delete-1', vpcId);
    const enis = await ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
    );
    expect(enis.NetworkInterfaces).toEqual([]);
    const deleted = await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    expect(deleted.Return).toBe(true);
    const error = await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })));
    expect(error).toEqual({
      code: 'InvalidGroup.NotFound',
      message: `The security group '${groupId}' does not exist`,
      status: 400,
    });
    // A second delete (a retry after a timeout) is InvalidGroup.NotFound, which Terraform counts as done.
    expect((await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId })))).code).toBe(
      'InvalidGroup.NotFound',
    );
  });

  it('with revoke_rules_on_delete: revokes every rule of the group and its peers by id, then deletes both', async () => {
    const a = await terraformCreate('tf-revoke-on-delete-a', vpcId);
    const b = await terraformCreate('tf-revoke-on-delete-b', vpcId);
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: a,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }], UserIdGroupPairs: [{ GroupId: b }] },
        ],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: b,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId: a }] }],
      }),
    );
    // Each group is referenced by the other: a plain delete is refused.
    expect(await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: a })))).toEqual({
      code: 'DependencyViolation',
      message: `resource ${a} has a dependent object`,
      status: 400,
    });

    const listed = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [a, b] }] }),
    );
    const rules = listed.SecurityGroupRules!;
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      expect(rule.SecurityGroupRuleId).toMatch(/^sgr-[0-9a-f]{17}$/);
      expect([a, b]).toContain(rule.GroupId);
      const input = { GroupId: rule.GroupId!, SecurityGroupRuleIds: [rule.SecurityGroupRuleId!] };
      const out = rule.IsEgress
        ? await ec2.send(new RevokeSecurityGroupEgressCommand(input))
        : await ec2.send(new RevokeSecurityGroupIngressCommand(input));
      expect(out.Return).toBe(true);
    }
    const referenced = rules.filter((r) => r.ReferencedGroupInfo?.GroupId !== undefined);
    expect(referenced.map((r) => r.ReferencedGroupInfo)).toEqual(
      expect.arrayContaining([
        { GroupId: b, UserId: ACCOUNT },
        { GroupId: a, UserId: ACCOUNT },
      ]),
    );

    expect((await ec2.send(new DeleteSecurityGroupCommand({ GroupId: a }))).Return).toBe(true);
    expect((await ec2.send(new DeleteSecurityGroupCommand({ GroupId: b }))).Return).toBe(true);
    for (const id of [a, b]) {
      expect((await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] })))).code).toBe(
        'InvalidGroup.NotFound',
      );
    }
  });
});
