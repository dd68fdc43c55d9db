/**
 * Ingress end to end with the real `@aws-sdk/client-ec2`: what ingress shares with egress (one
 * rule per source, duplicates, all-or-nothing revoke) and what only ingress accepts
 * (aws-reference A-13, B-21, B-32, B-36, C-11, D-19, §4.6): `GroupName` for groups of the default
 * VPC, and the legacy flat parameters, which the SDK still sends when asked to.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { createGroup, ec2ErrorOf, rulesOfGroup, startServerWithVpc, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';

let emulator: Emulator;
let ec2: EC2Client;
let vpcId: string;
let defaultVpcId: string;
let counter = 0;

beforeAll(async () => {
  ({ emulator, ec2, vpcId } = await startServerWithVpc('10.50.0.0/16'));
  defaultVpcId = emulator.store.getDefaultVpc({ accountId: ACCOUNT, region: 'us-east-1' })!.vpcId;
});
afterAll(() => stopServer(emulator, ec2));

/** A fresh group, in the default VPC unless a VPC is given; returns id and name. */
async function newGroup(inVpc?: string): Promise<{ id: string; name: string }> {
  counter += 1;
  const name = `ingress-${counter}`;
  return { id: await createGroup(ec2, name, 'ingress test', inVpc), name };
}

async function ingressRulesOf(groupId: string): Promise<SecurityGroupRule[]> {
  return (await rulesOfGroup(ec2, groupId)).filter((r) => !r.IsEgress);
}

describe('GroupName (default VPC only)', () => {
  it('authorizes and revokes by the name of a default-VPC group', async () => {
    const group = await newGroup();
    const out = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupName: group.name,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    expect(out.SecurityGroupRules).toEqual([expect.objectContaining({ GroupId: group.id, IsEgress: false, FromPort: 443 })]);
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupName: group.name,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    expect(await ingressRulesOf(group.id)).toEqual([]);
  });

  it('a name unknown in the default VPC (even a non-default VPC group name) is D-19', async () => {
    const elsewhere = await newGroup(vpcId);
    for (const name of ['no-such-group', elsewhere.name]) {
      const error = await ec2ErrorOf(() =>
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupName: name,
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
          }),
        ),
      );
      expect(error).toEqual({
        code: 'InvalidGroup.NotFound',
        message: `The security group '${name}' does not exist in default VPC '${defaultVpcId}'`,
        status: 400,
      });
    }
  });

  it('with neither GroupId nor GroupName: MissingParameter', async () => {
    const error = await ec2ErrorOf(() =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
        }),
      ),
    );
    expect(error).toEqual({
      code: 'MissingParameter',
      message: 'The request must contain the parameter groupName or groupId',
      status: 400,
    });
  });
});

describe('legacy flat parameters', () => {
  it('IpProtocol/FromPort/ToPort/CidrIp create one rule exactly like the IpPermissions form (A-13)', async () => {
    const flat = await newGroup(vpcId);
    const structured = await newGroup(vpcId);
    const fromFlat = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: flat.id, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: structured.id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    expect(fromFlat.SecurityGroupRules).toHaveLength(1);
    const strip = (r: SecurityGroupRule) => ({ ...r, SecurityGroupRuleId: undefined, GroupId: undefined, SecurityGroupRuleArn: undefined });
    expect((await ingressRulesOf(flat.id)).map(strip)).toEqual((await ingressRulesOf(structured.id)).map(strip));
    const [a, b] = await Promise.all(
      [flat.id, structured.id].map(async (id) => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0]!),
    );
    expect(a!.IpPermissions).toEqual(b!.IpPermissions);

    // The duplicate is caught across the two forms.
    const duplicate = await ec2ErrorOf(() =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: flat.id,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      ),
    );
    expect(duplicate.message).toBe('the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists');
  });

  it('flat -1 with a non-canonical CIDR: one all-traffic rule, CIDR canonicalised', async () => {
    const group = await newGroup(vpcId);
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group.id, IpProtocol: '-1', CidrIp: '100.68.0.18/18' }));
    expect(await ingressRulesOf(group.id)).toEqual([
      expect.objectContaining({ IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '100.68.0.0/18' }),
    ]);
  });

  it('revokes by flat parameters', async () => {
    const group = await newGroup(vpcId);
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: group.id, IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIp: '10.0.0.0/8' }),
    );
    const revoked = await ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: group.id, IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIp: '10.0.0.0/8' }),
    );
    expect(revoked.Return).toBe(true);
    expect(revoked.RevokedSecurityGroupRules).toEqual([expect.objectContaining({ IpProtocol: 'udp', CidrIpv4: '10.0.0.0/8' })]);
    expect(await ingressRulesOf(group.id)).toEqual([]);
    const again = await ec2ErrorOf(() =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: group.id, IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIp: '10.0.0.0/8' }),
      ),
    );
    expect(again.code).toBe('InvalidPermission.NotFound');
  });

  it('flat CidrIp ::/0 is malformed on authorize (B-21) and revoke (C-11)', async () => {
    const group = await newGroup(vpcId);
    const input = { GroupId: group.id, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '::/0' };
    const calls = [
      () => ec2.send(new AuthorizeSecurityGroupIngressCommand(input)),
      () => ec2.send(new RevokeSecurityGroupIngressCommand(input)),
    ];
    for (const call of calls) {
      const error = await ec2ErrorOf(call);
      expect(error).toEqual({ code: 'InvalidParameterValue', message: 'CIDR block ::/0 is malformed', status: 400 });
    }
  });

  it('only SourceSecurityGroupOwnerId: Source group ID missing. (B-32)', async () => {
    const group = await newGroup();
    const error = await ec2ErrorOf(() =>
      ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group.id, SourceSecurityGroupOwnerId: ACCOUNT })),
    );
    expect(error).toEqual({ code: 'MissingParameter', message: 'Source group ID missing.', status: 400 });
  });

  it('SourceSecurityGroupName in the default VPC grants all ICMP, TCP and UDP: three rules', async () => {
    const target = await newGroup();
    const source = await newGroup();
    const out = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupName: target.name, SourceSecurityGroupName: source.name }),
    );
    const summary = (rules: SecurityGroupRule[]) =>
      rules.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.ReferencedGroupInfo?.GroupId, r.ReferencedGroupInfo?.UserId]);
    expect(summary(out.SecurityGroupRules!)).toEqual([
      ['icmp', -1, -1, source.id, ACCOUNT],
      ['tcp', 0, 65535, source.id, ACCOUNT],
      ['udp', 0, 65535, source.id, ACCOUNT],
    ]);
    expect(summary(await ingressRulesOf(target.id))).toEqual(summary(out.SecurityGroupRules!));

    // Revoking by the same flat parameters removes all three.
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: target.id, SourceSecurityGroupName: source.name }));
    expect(await ingressRulesOf(target.id)).toEqual([]);
  });

  it('SourceSecurityGroupName for a group of a non-default VPC is B-36', async () => {
    const target = await newGroup(vpcId);
    const source = await newGroup(vpcId);
    const error = await ec2ErrorOf(() =>
      ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: target.id, SourceSecurityGroupName: source.name })),
    );
    expect(error).toEqual({
      code: 'InvalidParameterValue',
      message: `Invalid value '${source.name}' for groupName. You may not reference Amazon VPC security groups by name. Please use the corresponding id for this operation.`,
      status: 400,
    });
  });

  it('a group name in a pair resolves in the default VPC only (B-12)', async () => {
    const target = await newGroup(vpcId);
    const sameVpc = await newGroup(vpcId);
    const inDefaultVpc = await newGroup();
    const byName = (GroupName: string) =>
      ec2ErrorOf(() =>
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: target.id,
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, UserIdGroupPairs: [{ GroupName }] }],
          }),
        ),
      );
    // A name of this VPC's group is not looked up here: it is not found in the default VPC.
    expect(await byName(sameVpc.name)).toEqual({
      code: 'InvalidGroup.NotFound',
      message: `The security group '${sameVpc.name}' does not exist in default VPC '${defaultVpcId}'`,
      status: 400,
    });
    // A default-VPC group found by name lives in another network.
    expect(await byName(inDefaultVpc.name)).toEqual({
      code: 'InvalidGroup.NotFound',
      message: 'You have specified two resources that belong to different networks.',
      status: 400,
    });
    expect(await ingressRulesOf(target.id)).toEqual([]);
  });

  it('a group name in a pair works between groups of the default VPC', async () => {
    const target = await newGroup();
    const source = await newGroup();
    const out = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: target.id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, UserIdGroupPairs: [{ GroupName: source.name }] }],
      }),
    );
    expect(out.SecurityGroupRules![0]!.ReferencedGroupInfo).toEqual({ GroupId: source.id, UserId: ACCOUNT });
  });

  it('the flat parameters stay unknown on egress (B-29)', async () => {
    const group = await newGroup(vpcId);
    const error = await ec2ErrorOf(() =>
      ec2.send(
        new AuthorizeSecurityGroupEgressCommand({ GroupId: group.id, CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 1, ToPort: 1 }),
      ),
    );
    expect(error.code).toBe('UnknownParameter');
    expect(error.message).toMatch(/^The parameter (CidrIp|IpProtocol|FromPort|ToPort) is not recognized$/);
  });
});

describe('ingress shares the egress rules', () => {
  it('one rule per source, each with its own id; aggregated in DescribeSecurityGroups', async () => {
    const group = await newGroup(vpcId);
    const peer = await newGroup(vpcId);
    const out = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.id,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 80,
            ToPort: 80,
            IpRanges: [{ CidrIp: '10.0.0.0/8' }],
            Ipv6Ranges: [{ CidrIpv6: '2001:db8::/48' }],
            UserIdGroupPairs: [{ GroupId: peer.id }],
          },
        ],
      }),
    );
    expect(new Set(out.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId)).size).toBe(3);
    const described = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group.id] }))).SecurityGroups![0]!;
    expect(described.IpPermissions).toHaveLength(1);
  });

  it('revoke is all or nothing outside the default VPC (C-2)', async () => {
    const group = await newGroup(vpcId);
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
      }),
    );
    const error = await ec2ErrorOf(() =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: group.id,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '10.1.0.0/16' }] }],
        }),
      ),
    );
    expect(error.code).toBe('InvalidPermission.NotFound');
    expect(await ingressRulesOf(group.id)).toHaveLength(1);
  });

  it('in the default VPC a partly matching revoke removes the matches and reports the rest (C-3)', async () => {
    const group = await newGroup();
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
      }),
    );
    const out = await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: group.id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '10.1.0.0/16' }] }],
      }),
    );
    expect(out.Return).toBe(true);
    expect(out.UnknownIpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.1.0.0/16' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ]);
    expect(await ingressRulesOf(group.id)).toEqual([]);
  });
});
