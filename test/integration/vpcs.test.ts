/**
 * VPCs through the real SDK (aws-reference §2H): create, describe, delete, the default VPC and its
 * filters, the default group every VPC gets, IPv6 default egress, and per-region isolation
 * (the region comes from the SigV4 credential scope of each client).
 */
import {
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  paginateDescribeVpcs,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, ec2ErrorOf, startServerWithClient, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';
const VPC_ID = /^vpc-[0-9a-f]{17}$/;

let emulator: Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  ({ emulator, ec2 } = await startServerWithClient());
});
afterAll(() => stopServer(emulator, ec2));

const defaultVpcOf = async (client: EC2Client) =>
  (await client.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;

describe('CreateVpc', () => {
  it('H-1: answers a pending VPC with its CIDR association, tags and ids', async () => {
    const out = await ec2.send(
      new CreateVpcCommand({
        CidrBlock: '10.30.0.0/16',
        TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'main' }] }],
      }),
    );
    const vpc = out.Vpc!;
    expect(vpc.VpcId).toMatch(VPC_ID);
    expect(vpc).toMatchObject({
      CidrBlock: '10.30.0.0/16',
      State: 'pending',
      IsDefault: false,
      InstanceTenancy: 'default',
      OwnerId: ACCOUNT,
      Ipv6CidrBlockAssociationSet: [],
      Tags: [{ Key: 'Name', Value: 'main' }],
    });
    expect(vpc.DhcpOptionsId).toMatch(/^dopt-[0-9a-f]+$/);
    expect(vpc.CidrBlockAssociationSet).toEqual([
      { AssociationId: expect.stringMatching(/^vpc-cidr-assoc-[0-9a-f]{17}$/), CidrBlock: '10.30.0.0/16', CidrBlockState: { State: 'associated' } },
    ]);

    const described = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] }))).Vpcs!;
    expect(described).toEqual([{ ...vpc, State: 'available' }]);
  });

  it('H-1: gives the new VPC its default security group', async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.31.0.0/16' }));
    const groups = (
      await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [Vpc!.VpcId!] }] }))
    ).SecurityGroups!;
    expect(groups.map((g) => [g.GroupName, g.Description])).toEqual([['default', 'default VPC security group']]);
  });

  it('H-3: canonicalises a non-canonical CIDR', async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '100.68.0.18/18' }));
    expect(Vpc!.CidrBlock).toBe('100.68.0.0/18');
  });

  it('A-2: a group in a VPC with an IPv6 block gets default egress to ::/0 as well', async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.32.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
    const [association] = Vpc!.Ipv6CidrBlockAssociationSet!;
    expect(association!.Ipv6CidrBlock).toMatch(/\/56$/);
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'v6', Description: 'v6', VpcId: Vpc!.VpcId }));

    const [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }))).SecurityGroups!;
    expect(group!.IpPermissionsEgress).toEqual([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }], PrefixListIds: [], UserIdGroupPairs: [] },
    ]);
    const rules = (
      await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [GroupId!] }] }))
    ).SecurityGroupRules!;
    expect(rules.map((r) => r.CidrIpv4 ?? r.CidrIpv6).sort()).toEqual(['0.0.0.0/0', '::/0']);
  });

  it('DryRun answers 412 and creates nothing', async () => {
    const before = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length;
    expect(await ec2ErrorOf(() => ec2.send(new CreateVpcCommand({ CidrBlock: '10.33.0.0/16', DryRun: true })))).toEqual({
      code: 'DryRunOperation',
      message: 'Request would have succeeded, but DryRun flag is set.',
      status: 412,
    });
    expect((await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length).toBe(before);
  });
});

describe('DescribeVpcs', () => {
  it('H-6: is-default=true finds the one default VPC, 172.31.0.0/16', async () => {
    const vpcs = await defaultVpcOf(ec2);
    expect(vpcs).toHaveLength(1);
    expect(vpcs[0]).toMatchObject({ IsDefault: true, CidrBlock: '172.31.0.0/16', State: 'available', OwnerId: ACCOUNT });
  });

  it.each(['vpc-deadbeef00000000', 'vpc-0deadbeef0000000'])('H-2: an unknown id (%s) is InvalidVpcID.NotFound', async (missing) => {
    expect(await ec2ErrorOf(() => ec2.send(new DescribeVpcsCommand({ VpcIds: [missing] })))).toEqual({
      code: 'InvalidVpcID.NotFound',
      message: `The vpc ID '${missing}' does not exist`,
      status: 400,
    });
  });

  it('filters by tag and pages with the SDK paginator', async () => {
    for (let i = 0; i < 6; i++) {
      await ec2.send(
        new CreateVpcCommand({
          CidrBlock: `10.${40 + i}.0.0/16`,
          TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'batch', Value: 'paged' }] }],
        }),
      );
    }
    const filter = { Filters: [{ Name: 'tag:batch', Values: ['paged'] }] };
    const all = (await ec2.send(new DescribeVpcsCommand(filter))).Vpcs!;
    expect(all).toHaveLength(6);
    const sizes: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeVpcs({ client: ec2, pageSize: 5 }, filter)) {
      sizes.push(page.Vpcs!.length);
      seen.push(...page.Vpcs!.map((v) => v.VpcId!));
    }
    expect(sizes).toEqual([5, 1]);
    expect(seen).toEqual(all.map((v) => v.VpcId));
  });
});

describe('DeleteVpc', () => {
  it('deletes a VPC with its default group; it is gone afterwards', async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }));
    const vpcId = Vpc!.VpcId!;
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    expect(await ec2ErrorOf(() => ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })))).toEqual({
      code: 'InvalidVpcID.NotFound',
      message: `The vpc ID '${vpcId}' does not exist`,
      status: 400,
    });
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    expect(groups.SecurityGroups).toEqual([]);
  });

  it('H-5: a VPC that still has security groups is DependencyViolation', async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.51.0.0/16' }));
    const vpcId = Vpc!.VpcId!;
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'blocker', Description: 'x', VpcId: vpcId }));
    expect(await ec2ErrorOf(() => ec2.send(new DeleteVpcCommand({ VpcId: vpcId })))).toEqual({
      code: 'DependencyViolation',
      message: `The vpc '${vpcId}' has dependencies and cannot be deleted.`,
      status: 400,
    });
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  });

  it('an unknown VPC is InvalidVpcID.NotFound', async () => {
    const missing = 'vpc-0123456789abcdef0';
    expect(await ec2ErrorOf(() => ec2.send(new DeleteVpcCommand({ VpcId: missing })))).toEqual({
      code: 'InvalidVpcID.NotFound',
      message: `The vpc ID '${missing}' does not exist`,
      status: 400,
    });
  });
});

describe('regions', () => {
  let west: EC2Client;
  beforeAll(() => {
    west = ec2Client(emulator.url, 'eu-west-1');
  });
  afterAll(() => west?.destroy());

  it('a client in eu-west-1 sees its own default VPC, not us-east-1’s', async () => {
    const [east] = await defaultVpcOf(ec2);
    const [westVpc] = await defaultVpcOf(west);
    expect(westVpc!.VpcId).toMatch(VPC_ID);
    expect(westVpc!.VpcId).not.toBe(east!.VpcId);
    expect(westVpc!.CidrBlock).toBe('172.31.0.0/16');
  });

  it('resources of one region do not exist in another', async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }));
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'east-only', Description: 'x', VpcId: Vpc!.VpcId }));

    expect(await ec2ErrorOf(() => west.send(new DescribeVpcsCommand({ VpcIds: [Vpc!.VpcId!] })))).toMatchObject({
      code: 'InvalidVpcID.NotFound',
    });
    expect(await ec2ErrorOf(() => west.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] })))).toEqual({
      code: 'InvalidGroup.NotFound',
      message: `The security group '${GroupId}' does not exist`,
      status: 400,
    });
    const westGroups = (await west.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!;
    expect(westGroups.map((g) => g.GroupName)).toEqual(['default']);
    expect(westGroups[0]!.SecurityGroupArn).toMatch(/^arn:aws:ec2:eu-west-1:000000000000:security-group\/sg-[0-9a-f]{17}$/);
  });
});
