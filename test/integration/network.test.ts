/**
 * The network around security groups through the real SDK, as users walk it: a VPC and its DNS
 * attributes, its default network ACL and main route table (found by the filters Terraform uses),
 * subnets, network interfaces holding groups, the describe filters and paginators, modify and
 * read back, the DependencyViolations that order a teardown, the SDK waiters, and recreating the
 * default VPC (aws research: /work/research/network-aws.md).
 */
import {
  CreateDefaultVpcCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfaceAttributeCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ModifyVpcAttributeCommand,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSubnets,
  waitUntilNetworkInterfaceAvailable,
  waitUntilSubnetAvailable,
  waitUntilVpcAvailable,
  type EC2Client,
  type Filter,
  type NetworkInterface,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { createGroup, ec2Client, ec2ErrorOf, startServerWithClient, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';
const SUBNET_ID = /^subnet-[0-9a-f]{17}$/;
const ENI_ID = /^eni-[0-9a-f]{17}$/;
const MAC = /^0[26]:([0-9a-f]{2}:){4}[0-9a-f]{2}$/;

let emulator: Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  ({ emulator, ec2 } = await startServerWithClient());
});
afterAll(() => stopServer(emulator, ec2));

// ---------------------------------------------------------------- helpers

const newVpc = async (cidr: string, client: EC2Client = ec2): Promise<string> =>
  (await client.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;

const newSubnet = async (vpcId: string, cidr: string, zone?: string): Promise<Subnet> =>
  (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!;

const subnetById = async (subnetId: string): Promise<Subnet> =>
  (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0]!;

const interfaceById = async (id: string): Promise<NetworkInterface> =>
  (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))).NetworkInterfaces![0]!;

const newInterface = async (subnetId: string, groups?: string[], extra: Partial<ConstructorParameters<typeof CreateNetworkInterfaceCommand>[0]> = {}) =>
  (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: groups, ...extra }))).NetworkInterface!;

const interfacesWhere = async (...filters: Filter[]): Promise<string[]> =>
  (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters }))).NetworkInterfaces!.map((n) => n.NetworkInterfaceId!);

const vpcAttribute = async (vpcId: string, attribute: 'enableDnsSupport' | 'enableDnsHostnames' | 'enableNetworkAddressUsageMetrics') =>
  ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: attribute }));

const defaultVpcId = async (client: EC2Client = ec2): Promise<string> =>
  (await client.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!.VpcId!;

const defaultGroupOf = async (vpcId: string) =>
  (
    await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
    )
  ).SecurityGroups![0]!.GroupId!;

// ---------------------------------------------------------------- VPC DNS attributes

describe('VPC DNS attributes', () => {
  it('a new VPC has DNS support on, DNS hostnames and address-usage metrics off; each answer holds only the attribute asked for', async () => {
    const vpcId = await newVpc('10.110.0.0/16');
    expect(await vpcAttribute(vpcId, 'enableDnsSupport')).toEqual({ $metadata: expect.anything(), VpcId: vpcId, EnableDnsSupport: { Value: true } });
    expect(await vpcAttribute(vpcId, 'enableDnsHostnames')).toEqual({
      $metadata: expect.anything(),
      VpcId: vpcId,
      EnableDnsHostnames: { Value: false },
    });
    expect(await vpcAttribute(vpcId, 'enableNetworkAddressUsageMetrics')).toEqual({
      $metadata: expect.anything(),
      VpcId: vpcId,
      EnableNetworkAddressUsageMetrics: { Value: false },
    });
  });

  it('the default VPC has DNS support and DNS hostnames on', async () => {
    const vpcId = await defaultVpcId();
    expect((await vpcAttribute(vpcId, 'enableDnsSupport')).EnableDnsSupport).toEqual({ Value: true });
    expect((await vpcAttribute(vpcId, 'enableDnsHostnames')).EnableDnsHostnames).toEqual({ Value: true });
  });

  it('ModifyVpcAttribute changes one attribute at a time, and the change reads back', async () => {
    const vpcId = await newVpc('10.111.0.0/16');
    const out = await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect((await vpcAttribute(vpcId, 'enableDnsHostnames')).EnableDnsHostnames).toEqual({ Value: true });
    expect((await vpcAttribute(vpcId, 'enableDnsSupport')).EnableDnsSupport).toEqual({ Value: true });

    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableNetworkAddressUsageMetrics: { Value: true } }));
    expect((await vpcAttribute(vpcId, 'enableNetworkAddressUsageMetrics')).EnableNetworkAddressUsageMetrics).toEqual({ Value: true });

    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: false } }));
    expect((await vpcAttribute(vpcId, 'enableDnsHostnames')).EnableDnsHostnames).toEqual({ Value: false });
  });

  it('two attributes in one request are InvalidParameterCombination, and neither changes', async () => {
    const vpcId = await newVpc('10.112.0.0/16');
    const error = await ec2ErrorOf(() =>
      ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: false }, EnableDnsHostnames: { Value: true } })),
    );
    // Named in the order the request sent them: the SDK serialises EnableDnsHostnames first.
    expect(error).toEqual({
      code: 'InvalidParameterCombination',
      message: 'Fields for multiple attribute types specified: enableDnsHostnames, enableDnsSupport',
      status: 400,
    });
    expect((await vpcAttribute(vpcId, 'enableDnsSupport')).EnableDnsSupport).toEqual({ Value: true });
    expect((await vpcAttribute(vpcId, 'enableDnsHostnames')).EnableDnsHostnames).toEqual({ Value: false });
  });

  it('DNS hostnames can only be enabled while DNS support is on', async () => {
    const vpcId = await newVpc('10.113.0.0/16');
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: false } }));
    expect((await vpcAttribute(vpcId, 'enableDnsSupport')).EnableDnsSupport).toEqual({ Value: false });

    expect(await ec2ErrorOf(() => ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } })))).toEqual({
      code: 'InvalidParameterValue',
      message: 'Cannot enable DNS hostnames for a VPC that does not have DNS support enabled.',
      status: 400,
    });
    expect((await vpcAttribute(vpcId, 'enableDnsHostnames')).EnableDnsHostnames).toEqual({ Value: false });

    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true } }));
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
    expect((await vpcAttribute(vpcId, 'enableDnsHostnames')).EnableDnsHostnames).toEqual({ Value: true });
  });

  it('an unknown attribute, a request naming none, and an unknown VPC are errors', async () => {
    const vpcId = await newVpc('10.114.0.0/16');
    expect(
      await ec2ErrorOf(() => ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableFoo' as 'enableDnsSupport' }))),
    ).toEqual({ code: 'InvalidParameterValue', message: 'Value (enableFoo) for parameter attribute is invalid. Unknown attribute.', status: 400 });
    expect(await ec2ErrorOf(() => ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId })))).toEqual({
      code: 'InvalidParameterCombination',
      message: 'No attributes specified.',
      status: 400,
    });
    const missing = 'vpc-0123456789abcdef0';
    expect(await ec2ErrorOf(() => vpcAttribute(missing, 'enableDnsSupport'))).toEqual({
      code: 'InvalidVpcID.NotFound',
      message: `The vpc ID '${missing}' does not exist`,
      status: 400,
    });
  });
});

// ---------------------------------------------------------------- default network ACL, main route table

describe('the default network ACL and main route table of a VPC', () => {
  it('default=true + vpc-id finds the one default ACL: allow-all and catch-all deny, egress first, associated with each subnet', async () => {
    const vpcId = await newVpc('10.120.0.0/16');
    const filters = [
      { Name: 'default', Values: ['true'] },
      { Name: 'vpc-id', Values: [vpcId] },
    ];
    const [acl, ...others] = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: filters }))).NetworkAcls!;
    expect(others).toEqual([]);
    expect(acl!.NetworkAclId).toMatch(/^acl-[0-9a-f]{17}$/);
    expect(acl).toMatchObject({ IsDefault: true, VpcId: vpcId, OwnerId: ACCOUNT, Associations: [], Tags: [] });
    expect(acl!.Entries).toEqual([
      { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
      { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
      { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
      { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
    ]);
    // No non-default ACLs exist here.
    expect(
      (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['false'] }, { Name: 'vpc-id', Values: [vpcId] }] })))
        .NetworkAcls,
    ).toEqual([]);

    const subnet = await newSubnet(vpcId, '10.120.1.0/24');
    const [after] = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: filters }))).NetworkAcls!;
    expect(after!.Associations).toEqual([
      { NetworkAclAssociationId: expect.stringMatching(/^aclassoc-[0-9a-f]{17}$/), NetworkAclId: acl!.NetworkAclId, SubnetId: subnet.SubnetId },
    ]);
    const bySubnet = await ec2.send(
      new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnet.SubnetId!] }] }),
    );
    expect(bySubnet.NetworkAcls!.map((a) => a.NetworkAclId)).toEqual([acl!.NetworkAclId]);
    expect((await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [acl!.NetworkAclId!] }))).NetworkAcls).toEqual([after]);
  });

  it('association.main=true + vpc-id finds the main route table with its local route', async () => {
    const vpcId = await newVpc('10.121.0.0/16');
    const [table, ...others] = (
      await ec2.send(
        new DescribeRouteTablesCommand({
          Filters: [
            { Name: 'association.main', Values: ['true'] },
            { Name: 'vpc-id', Values: [vpcId] },
          ],
        }),
      )
    ).RouteTables!;
    expect(others).toEqual([]);
    expect(table!.RouteTableId).toMatch(/^rtb-[0-9a-f]{17}$/);
    expect(table).toMatchObject({
      VpcId: vpcId,
      OwnerId: ACCOUNT,
      PropagatingVgws: [],
      Tags: [],
      Routes: [{ DestinationCidrBlock: '10.121.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }],
    });
    expect(table!.Associations).toEqual([
      {
        Main: true,
        RouteTableAssociationId: expect.stringMatching(/^rtbassoc-[0-9a-f]{17}$/),
        RouteTableId: table!.RouteTableId,
        AssociationState: { State: 'associated' },
      },
    ]);
    expect((await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [table!.RouteTableId!] }))).RouteTables).toEqual([table]);
  });

  it('a VPC with an IPv6 block gets the ::/0 ACL entries and an IPv6 local route', async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.122.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
    const vpcId = Vpc!.VpcId!;
    const ipv6Block = Vpc!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
    const [acl] = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NetworkAcls!;
    expect(acl!.Entries!.map((e) => [e.Egress, e.RuleNumber, e.RuleAction, e.CidrBlock ?? e.Ipv6CidrBlock])).toEqual([
      [true, 100, 'allow', '0.0.0.0/0'],
      [true, 101, 'allow', '::/0'],
      [true, 32767, 'deny', '0.0.0.0/0'],
      [true, 32768, 'deny', '::/0'],
      [false, 100, 'allow', '0.0.0.0/0'],
      [false, 101, 'allow', '::/0'],
      [false, 32767, 'deny', '0.0.0.0/0'],
      [false, 32768, 'deny', '::/0'],
    ]);
    const [table] = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables!;
    expect(table!.Routes).toEqual([
      { DestinationCidrBlock: '10.122.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
      { DestinationIpv6CidrBlock: ipv6Block, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
    ]);
  });

  it('unknown ACL and route-table ids are NotFound', async () => {
    expect(await ec2ErrorOf(() => ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: ['acl-0123456789abcdef0'] })))).toEqual({
      code: 'InvalidNetworkAclID.NotFound',
      message: "The networkAcl ID 'acl-0123456789abcdef0' does not exist",
      status: 400,
    });
    expect(await ec2ErrorOf(() => ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ['rtb-0123456789abcdef0'] })))).toEqual({
      code: 'InvalidRouteTableID.NotFound',
      message: "The routeTable ID 'rtb-0123456789abcdef0' does not exist",
      status: 400,
    });
  });
});

// ---------------------------------------------------------------- availability zones and subnets

describe('DescribeAvailabilityZones', () => {
  it('lists the six us-east-1 zones, available, and rejects a zone the region lacks', async () => {
    const zones = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
    expect(zones.map((z) => [z.ZoneName, z.ZoneId])).toEqual([
      ['us-east-1a', 'use1-az6'],
      ['us-east-1b', 'use1-az1'],
      ['us-east-1c', 'use1-az2'],
      ['us-east-1d', 'use1-az4'],
      ['us-east-1e', 'use1-az3'],
      ['us-east-1f', 'use1-az5'],
    ]);
    expect(zones[0]).toMatchObject({
      State: 'available',
      RegionName: 'us-east-1',
      ZoneType: 'availability-zone',
      OptInStatus: 'opt-in-not-required',
      NetworkBorderGroup: 'us-east-1',
    });
    const byId = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-id', Values: ['use1-az1'] }] }));
    expect(byId.AvailabilityZones!.map((z) => z.ZoneName)).toEqual(['us-east-1b']);
    expect(await ec2ErrorOf(() => ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1z'] })))).toEqual({
      code: 'InvalidParameterValue',
      message: 'Invalid availability zone: [us-east-1z]',
      status: 400,
    });
  });
});

describe('subnets', () => {
  let vpcId: string;
  beforeAll(async () => {
    vpcId = await newVpc('10.130.0.0/16');
  });

  it('CreateSubnet in a named zone answers the whole subnet, and DescribeSubnets agrees', async () => {
    const subnet = await newSubnet(vpcId, '10.130.1.0/24', 'us-east-1b');
    expect(subnet.SubnetId).toMatch(SUBNET_ID);
    expect(subnet).toEqual({
      AvailabilityZone: 'us-east-1b',
      AvailabilityZoneId: 'use1-az1',
      AvailableIpAddressCount: 251,
      CidrBlock: '10.130.1.0/24',
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
      MapCustomerOwnedIpOnLaunch: false,
      State: 'available',
      SubnetId: subnet.SubnetId,
      VpcId: vpcId,
      OwnerId: ACCOUNT,
      AssignIpv6AddressOnCreation: false,
      Ipv6CidrBlockAssociationSet: [],
      SubnetArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${subnet.SubnetId}`,
      EnableDns64: false,
      Ipv6Native: false,
      PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
      BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
    });
    expect(await subnetById(subnet.SubnetId!)).toEqual(subnet);
  });

  it('CreateSubnet by zone id lands in that zone; both name and id is InvalidParameterCombination', async () => {
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.130.2.0/24', AvailabilityZoneId: 'use1-az2' }));
    expect(Subnet).toMatchObject({ AvailabilityZone: 'us-east-1c', AvailabilityZoneId: 'use1-az2' });
    const both = await ec2ErrorOf(() =>
      ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.130.3.0/24', AvailabilityZone: 'us-east-1a', AvailabilityZoneId: 'use1-az6' })),
    );
    expect(both).toMatchObject({ code: 'InvalidParameterCombination', status: 400 });
  });

  it('without a zone, AWS picks one: here the zone with fewest subnets of the VPC, first by name', async () => {
    const own = await newVpc('10.131.0.0/16');
    await newSubnet(own, '10.131.1.0/24', 'us-east-1a');
    await newSubnet(own, '10.131.2.0/24', 'us-east-1b');
    const picked = await newSubnet(own, '10.131.3.0/24');
    expect(picked).toMatchObject({ AvailabilityZone: 'us-east-1c', AvailabilityZoneId: 'use1-az2' });
    const zones = new Set((await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!.map((z) => z.ZoneName));
    expect(zones.has(picked.AvailabilityZone!)).toBe(true);
  });

  describe('CIDR errors', () => {
    let cidrVpc: string;
    beforeAll(async () => {
      cidrVpc = await newVpc('10.133.0.0/16');
      await newSubnet(cidrVpc, '10.133.1.0/24');
    });

    it.each([
      ['overlaps a subnet', '10.133.1.128/25', 'InvalidSubnet.Conflict', "The CIDR '10.133.1.128/25' conflicts with another subnet"],
      ['contains a subnet', '10.133.0.0/22', 'InvalidSubnet.Conflict', "The CIDR '10.133.0.0/22' conflicts with another subnet"],
      ['lies outside the VPC', '10.10.1.0/24', 'InvalidSubnet.Range', "The CIDR '10.10.1.0/24' is invalid."],
      ['is smaller than /28', '10.133.200.0/29', 'InvalidSubnet.Range', "The CIDR '10.133.200.0/29' is invalid."],
      ['is larger than the VPC', '10.132.0.0/15', 'InvalidSubnet.Range', "The CIDR '10.132.0.0/15' is invalid."],
      ['is not a CIDR', 'SomeRandomString', 'InvalidParameterValue', 'Value (SomeRandomString) for parameter cidrBlock is invalid. This is not a valid CIDR block.'],
    ])('a CIDR that %s (%s) is %s', async (_case, cidr, code, message) => {
      const ofVpc = { Filters: [{ Name: 'vpc-id', Values: [cidrVpc] }] };
      const before = (await ec2.send(new DescribeSubnetsCommand(ofVpc))).Subnets!;
      expect(before.map((s) => s.CidrBlock)).toEqual(['10.133.1.0/24']);
      expect(await ec2ErrorOf(() => newSubnet(cidrVpc, cidr, 'us-east-1a'))).toEqual({ code, message, status: 400 });
      expect((await ec2.send(new DescribeSubnetsCommand(ofVpc))).Subnets).toEqual(before);
    });
  });

  it('a zone the region does not have is InvalidParameterValue listing the zones it does have', async () => {
    const valid = 'us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f';
    for (const zone of ['us-east-1z', 'us-west-2a']) {
      expect(await ec2ErrorOf(() => newSubnet(vpcId, '10.130.50.0/24', zone))).toEqual({
        code: 'InvalidParameterValue',
        message: `Value (${zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${valid}.`,
        status: 400,
      });
    }
  });

  it('an unknown VPC is InvalidVpcID.NotFound; an unknown subnet is InvalidSubnetID.NotFound', async () => {
    const missingVpc = 'vpc-0123456789abcdef0';
    expect(await ec2ErrorOf(() => newSubnet(missingVpc, '10.0.0.0/24'))).toEqual({
      code: 'InvalidVpcID.NotFound',
      message: `The vpc ID '${missingVpc}' does not exist`,
      status: 400,
    });
    const missing = 'subnet-0123456789abcdef0';
    for (const call of [
      () => ec2.send(new DescribeSubnetsCommand({ SubnetIds: [missing] })),
      () => ec2.send(new DeleteSubnetCommand({ SubnetId: missing })),
      () => newInterface(missing),
    ]) {
      expect(await ec2ErrorOf(call)).toEqual({ code: 'InvalidSubnetID.NotFound', message: `The subnet ID '${missing}' does not exist`, status: 400 });
    }
  });

  it('availableIpAddressCount drops by each address an interface takes and comes back when it is deleted', async () => {
    const subnet = await newSubnet(vpcId, '10.130.64.0/28', 'us-east-1d');
    expect(subnet.AvailableIpAddressCount).toBe(11);
    const one = await newInterface(subnet.SubnetId!);
    expect((await subnetById(subnet.SubnetId!)).AvailableIpAddressCount).toBe(10);
    const three = await newInterface(subnet.SubnetId!, undefined, { SecondaryPrivateIpAddressCount: 2 });
    expect(three.PrivateIpAddresses).toHaveLength(3);
    expect((await subnetById(subnet.SubnetId!)).AvailableIpAddressCount).toBe(7);
    const byCount = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'available-ip-address-count', Values: ['7'] }, { Name: 'vpc-id', Values: [vpcId] }] }),
    );
    expect(byCount.Subnets!.map((s) => s.SubnetId)).toEqual([subnet.SubnetId]);

    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: three.NetworkInterfaceId }));
    expect((await subnetById(subnet.SubnetId!)).AvailableIpAddressCount).toBe(10);
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: one.NetworkInterfaceId }));
    expect((await subnetById(subnet.SubnetId!)).AvailableIpAddressCount).toBe(11);
  });

  it('a full subnet has no address for another interface', async () => {
    const subnet = await newSubnet(vpcId, '10.130.65.0/28', 'us-east-1d');
    await newInterface(subnet.SubnetId!, undefined, { SecondaryPrivateIpAddressCount: 10 });
    expect((await subnetById(subnet.SubnetId!)).AvailableIpAddressCount).toBe(0);
    expect(await ec2ErrorOf(() => newInterface(subnet.SubnetId!))).toMatchObject({ code: 'InsufficientFreeAddressesInSubnet', status: 400 });
  });

  it('the default VPC has one default /20 subnet per zone, public; default-for-az and the defaultForAz alias find them', async () => {
    const vpc = await defaultVpcId();
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }))).Subnets!;
    expect(subnets.map((s) => [s.AvailabilityZone, s.CidrBlock])).toEqual([
      ['us-east-1a', '172.31.0.0/20'],
      ['us-east-1b', '172.31.16.0/20'],
      ['us-east-1c', '172.31.32.0/20'],
      ['us-east-1d', '172.31.48.0/20'],
      ['us-east-1e', '172.31.64.0/20'],
      ['us-east-1f', '172.31.80.0/20'],
    ]);
    for (const subnet of subnets) {
      expect(subnet).toMatchObject({ DefaultForAz: true, MapPublicIpOnLaunch: true, AvailableIpAddressCount: 4091, State: 'available' });
    }
    for (const name of ['default-for-az', 'defaultForAz']) {
      const found = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: name, Values: ['true'] }] }))).Subnets!;
      expect(found.map((s) => s.SubnetId)).toEqual(subnets.map((s) => s.SubnetId));
    }
    const inZone = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: ['us-east-1c'] }, { Name: 'default-for-az', Values: ['true'] }] }),
    );
    expect(inZone.Subnets!.map((s) => s.CidrBlock)).toEqual(['172.31.32.0/20']);
    const [acl] = (
      await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }, { Name: 'vpc-id', Values: [vpc] }] }))
    ).NetworkAcls!;
    expect(acl!.Associations!.map((a) => a.SubnetId)).toEqual(subnets.map((s) => s.SubnetId));
  });

  it('tags from TagSpecifications, the tag filter, and paginateDescribeSubnets page through them', async () => {
    const own = await newVpc('10.132.0.0/16');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { Subnet } = await ec2.send(
        new CreateSubnetCommand({
          VpcId: own,
          CidrBlock: `10.132.${i}.0/24`,
          TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'tier', Value: i < 5 ? 'app' : 'data' }] }],
        }),
      );
      expect(Subnet!.Tags).toEqual([{ Key: 'tier', Value: i < 5 ? 'app' : 'data' }]);
      ids.push(Subnet!.SubnetId!);
    }
    const sizes: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeSubnets({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'vpc-id', Values: [own] }] })) {
      sizes.push(page.Subnets!.length);
      seen.push(...page.Subnets!.map((s) => s.SubnetId!));
    }
    expect(sizes).toEqual([5, 2]);
    expect(seen).toEqual(ids);

    const data = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'tag:tier', Values: ['data'] }] }))).Subnets!;
    expect(data.map((s) => s.SubnetId)).toEqual(ids.slice(5));
    const byCidr = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'cidr-block', Values: ['10.132.3.0/24'] }] }))).Subnets!;
    expect(byCidr.map((s) => s.SubnetId)).toEqual([ids[3]]);
  });
});

// ---------------------------------------------------------------- network interfaces

describe('network interfaces', () => {
  let vpcId: string;
  let subnetId: string;
  let web: string;
  let db: string;
  let elsewhere: string;
  /** A subnet of its own per test, so addresses are predictable. */
  let third = 10;
  const freshSubnet = async (): Promise<string> => (await newSubnet(vpcId, `10.140.${third++}.0/24`, 'us-east-1a')).SubnetId!;

  beforeAll(async () => {
    vpcId = await newVpc('10.140.0.0/16');
    subnetId = (await newSubnet(vpcId, '10.140.1.0/24', 'us-east-1a')).SubnetId!;
    web = await createGroup(ec2, 'eni-web', 'web tier', vpcId);
    db = await createGroup(ec2, 'eni-db', 'db tier', vpcId);
    elsewhere = await createGroup(ec2, 'eni-elsewhere', 'another VPC', await newVpc('10.141.0.0/16'));
  });

  it('CreateNetworkInterface with two groups answers a pending interface with the first free address', async () => {
    const own = await freshSubnet();
    const { NetworkInterface: eni, ClientToken } = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: own,
        Groups: [web, db],
        Description: 'app server',
        TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'Name', Value: 'app' }] }],
      }),
    );
    // The SDK fills in an idempotency token of its own when the caller gives none; the answer echoes it.
    expect(ClientToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(eni!.NetworkInterfaceId).toMatch(ENI_ID);
    expect(eni!.MacAddress).toMatch(MAC);
    const address = `10.140.${third - 1}.4`;
    const dnsName = `ip-10-140-${third - 1}-4.ec2.internal`;
    expect(eni).toMatchObject({
      AvailabilityZone: 'us-east-1a',
      AvailabilityZoneId: 'use1-az6',
      Description: 'app server',
      Groups: [
        { GroupId: web, GroupName: 'eni-web' },
        { GroupId: db, GroupName: 'eni-db' },
      ],
      InterfaceType: 'interface',
      Ipv6Addresses: [],
      OwnerId: ACCOUNT,
      PrivateDnsName: dnsName,
      PrivateIpAddress: address,
      PrivateIpAddresses: [{ Primary: true, PrivateDnsName: dnsName, PrivateIpAddress: address }],
      RequesterManaged: false,
      SourceDestCheck: true,
      Status: 'pending',
      SubnetId: own,
      VpcId: vpcId,
      TagSet: [{ Key: 'Name', Value: 'app' }],
    });
    expect(await interfaceById(eni!.NetworkInterfaceId!)).toEqual({ ...eni, Status: 'available' });
  });

  it('takes an explicit PrivateIpAddress; one another interface holds is InvalidIPAddress.InUse', async () => {
    const eni = await newInterface(subnetId, [web], { PrivateIpAddress: '10.140.1.50' });
    expect(eni.PrivateIpAddress).toBe('10.140.1.50');
    expect(eni.PrivateIpAddresses).toEqual([{ Primary: true, PrivateIpAddress: '10.140.1.50', PrivateDnsName: 'ip-10-140-1-50.ec2.internal' }]);
    expect(await ec2ErrorOf(() => newInterface(subnetId, [web], { PrivateIpAddress: '10.140.1.50' }))).toEqual({
      code: 'InvalidIPAddress.InUse',
      message: 'The specified address is already in use',
      status: 400,
    });
  });

  it.each([
    ['outside the subnet', '10.140.2.9'],
    ['reserved by AWS (network address + 1)', '10.140.1.1'],
    ['that is the broadcast address', '10.140.1.255'],
  ])('an address %s is InvalidParameterValue', async (_case, address) => {
    expect(await ec2ErrorOf(() => newInterface(subnetId, [web], { PrivateIpAddress: address }))).toEqual({
      code: 'InvalidParameterValue',
      message: `Address ${address} does not fall within the subnet's address range`,
      status: 400,
    });
  });

  it('takes PrivateIpAddresses with SecondaryPrivateIpAddressCount: the primary first, then the named, then free ones', async () => {
    const own = await freshSubnet();
    const net = `10.140.${third - 1}`;
    const eni = await newInterface(own, [web], {
      PrivateIpAddresses: [{ PrivateIpAddress: `${net}.61` }, { PrivateIpAddress: `${net}.60`, Primary: true }],
      SecondaryPrivateIpAddressCount: 2,
    });
    expect(eni.PrivateIpAddress).toBe(`${net}.60`);
    expect(eni.PrivateIpAddresses!.map((a) => [a.PrivateIpAddress, a.Primary])).toEqual([
      [`${net}.60`, true],
      [`${net}.61`, false],
      [`${net}.4`, false],
      [`${net}.5`, false],
    ]);
    expect((await subnetById(own)).AvailableIpAddressCount).toBe(251 - 4);
    // Every address, primary or not, is found by the address filters.
    expect(await interfacesWhere({ Name: 'addresses.private-ip-address', Values: [`${net}.5`] })).toEqual([eni.NetworkInterfaceId]);
    expect(await interfacesWhere({ Name: 'private-ip-address', Values: [`${net}.61`] })).toEqual([eni.NetworkInterfaceId]);
  });

  it('two primaries are InvalidParameterValue', async () => {
    const error = await ec2ErrorOf(() =>
      newInterface(subnetId, [web], {
        PrivateIpAddresses: [
          { PrivateIpAddress: '10.140.1.70', Primary: true },
          { PrivateIpAddress: '10.140.1.71', Primary: true },
        ],
      }),
    );
    expect(error).toEqual({ code: 'InvalidParameterValue', message: 'Only one primary private IP address can be specified.', status: 400 });
  });

  it("without groups the interface holds its VPC's default group", async () => {
    const eni = await newInterface(subnetId);
    expect(eni.Groups).toEqual([{ GroupId: await defaultGroupOf(vpcId), GroupName: 'default' }]);
  });

  it('a group of another VPC is InvalidParameter; an unknown one InvalidGroup.NotFound; nothing is created', async () => {
    const before = await interfacesWhere({ Name: 'subnet-id', Values: [subnetId] });
    expect(await ec2ErrorOf(() => newInterface(subnetId, [web, elsewhere]))).toEqual({
      code: 'InvalidParameter',
      message: `Security group ${elsewhere} and subnet ${subnetId} belong to different networks.`,
      status: 400,
    });
    const missing = 'sg-0123456789abcdef0';
    expect(await ec2ErrorOf(() => newInterface(subnetId, [missing]))).toEqual({
      code: 'InvalidGroup.NotFound',
      message: `The security group '${missing}' does not exist`,
      status: 400,
    });
    expect(await interfacesWhere({ Name: 'subnet-id', Values: [subnetId] })).toEqual(before);
  });

  it('more than five groups is InvalidParameterValue; five is fine', async () => {
    const groups = [web, db];
    for (let i = 0; i < 4; i++) groups.push(await createGroup(ec2, `eni-extra-${i}`, 'extra', vpcId));
    expect(await ec2ErrorOf(() => newInterface(subnetId, groups))).toEqual({
      code: 'InvalidParameterValue',
      message: `user ${ACCOUNT} exceeded limit 5 on the number of interface security group memberships`,
      status: 400,
    });
    const five = await newInterface(subnetId, groups.slice(0, 5));
    expect(five.Groups!.map((g) => g.GroupId)).toEqual(groups.slice(0, 5));
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: five.NetworkInterfaceId }));
  });

  it('ClientToken: the same token twice answers the same interface; with other parameters it is IdempotentParameterMismatch', async () => {
    const token = 'eni-token-1';
    const request = { SubnetId: subnetId, Groups: [web], Description: 'idempotent', ClientToken: token };
    const first = await ec2.send(new CreateNetworkInterfaceCommand(request));
    const second = await ec2.send(new CreateNetworkInterfaceCommand(request));
    expect(first.ClientToken).toBe(token);
    expect(second.ClientToken).toBe(token);
    expect(second.NetworkInterface!.NetworkInterfaceId).toBe(first.NetworkInterface!.NetworkInterfaceId);
    expect(second.NetworkInterface!.PrivateIpAddress).toBe(first.NetworkInterface!.PrivateIpAddress);
    expect(await interfacesWhere({ Name: 'description', Values: ['idempotent'] })).toEqual([first.NetworkInterface!.NetworkInterfaceId]);

    expect(await ec2ErrorOf(() => ec2.send(new CreateNetworkInterfaceCommand({ ...request, Description: 'other' })))).toEqual({
      code: 'IdempotentParameterMismatch',
      message: `The client token '${token}' was already used with different parameters.`,
      status: 400,
    });
    expect(await interfacesWhere({ Name: 'description', Values: ['other'] })).toEqual([]);
  });

  it('DescribeNetworkInterfaces filters by group-id, subnet-id, vpc-id, private-ip-address and tag, and pages with the paginator', async () => {
    const own = await freshSubnet();
    const net = `10.140.${third - 1}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const eni = await newInterface(own, i % 2 === 0 ? [web] : [db], {
        TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'batch', Value: i < 6 ? 'paged' : 'last' }] }],
      });
      ids.push(eni.NetworkInterfaceId!);
    }
    const ofSubnet = { Name: 'subnet-id', Values: [own] };
    expect(await interfacesWhere(ofSubnet)).toEqual(ids);
    expect(await interfacesWhere(ofSubnet, { Name: 'group-id', Values: [web] })).toEqual([ids[0], ids[2], ids[4], ids[6]]);
    expect(await interfacesWhere(ofSubnet, { Name: 'group-name', Values: ['eni-db'] })).toEqual([ids[1], ids[3], ids[5]]);
    expect(await interfacesWhere({ Name: 'private-ip-address', Values: [`${net}.6`] })).toEqual([ids[2]]);
    expect(await interfacesWhere({ Name: 'tag:batch', Values: ['last'] })).toEqual([ids[6]]);
    expect(await interfacesWhere({ Name: 'tag-key', Values: ['batch'] }, ofSubnet)).toEqual(ids);
    const ofVpc = await interfacesWhere({ Name: 'vpc-id', Values: [vpcId] });
    expect(ofVpc).toEqual(expect.arrayContaining(ids));
    expect(await interfacesWhere({ Name: 'vpc-id', Values: [await defaultVpcId()] })).toEqual([]);
    expect(await interfacesWhere(ofSubnet, { Name: 'status', Values: ['available'] })).toEqual(ids);

    const sizes: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeNetworkInterfaces(
      { client: ec2, pageSize: 5 },
      { Filters: [{ Name: 'tag:batch', Values: ['paged', 'last'] }] },
    )) {
      sizes.push(page.NetworkInterfaces!.length);
      seen.push(...page.NetworkInterfaces!.map((n) => n.NetworkInterfaceId!));
    }
    expect(sizes).toEqual([5, 2]);
    expect(seen).toEqual(ids);
  });

  it('unknown and malformed interface ids are NotFound and Malformed', async () => {
    const missing = 'eni-0123456789abcdef0';
    for (const call of [
      () => ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [missing] })),
      () => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: missing })),
      () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: missing, Description: { Value: 'x' } })),
      () => ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: missing, Attribute: 'description' })),
    ]) {
      expect(await ec2ErrorOf(call)).toEqual({
        code: 'InvalidNetworkInterfaceID.NotFound',
        message: `The networkInterface ID '${missing}' does not exist`,
        status: 400,
      });
    }
    expect(await ec2ErrorOf(() => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: 'to-set' })))).toEqual({
      code: 'InvalidNetworkInterfaceId.Malformed',
      message: 'Invalid id: "to-set" (expecting "eni-...")',
      status: 400,
    });
  });

  describe('ModifyNetworkInterfaceAttribute and DescribeNetworkInterfaceAttribute', () => {
    let eniId: string;
    const attribute = async (name: 'description' | 'groupSet' | 'sourceDestCheck' | 'attachment' | 'associatePublicIpAddress') => {
      const { $metadata: _, ...rest } = await ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Attribute: name }));
      return rest;
    };
    beforeAll(async () => {
      eniId = (await newInterface(subnetId, [web], { Description: 'before' })).NetworkInterfaceId!;
    });

    it('reads each attribute alone', async () => {
      expect(await attribute('description')).toEqual({ NetworkInterfaceId: eniId, Description: { Value: 'before' } });
      expect(await attribute('groupSet')).toEqual({ NetworkInterfaceId: eniId, Groups: [{ GroupId: web, GroupName: 'eni-web' }] });
      expect(await attribute('sourceDestCheck')).toEqual({ NetworkInterfaceId: eniId, SourceDestCheck: { Value: true } });
      expect(await attribute('associatePublicIpAddress')).toEqual({ NetworkInterfaceId: eniId, AssociatePublicIpAddress: false });
      expect(await attribute('attachment')).toEqual({ NetworkInterfaceId: eniId });
      expect(
        await ec2ErrorOf(() =>
          ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Attribute: 'foo' as 'description' })),
        ),
      ).toEqual({ code: 'InvalidParameterValue', message: 'Value (foo) for parameter attribute is invalid. Unknown attribute.', status: 400 });
    });

    it('replaces the groups; the group it no longer holds can be deleted', async () => {
      const spare = await createGroup(ec2, 'eni-spare', 'held for a while', vpcId);
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: [spare, db] }));
      expect(await attribute('groupSet')).toEqual({
        NetworkInterfaceId: eniId,
        Groups: [
          { GroupId: spare, GroupName: 'eni-spare' },
          { GroupId: db, GroupName: 'eni-db' },
        ],
      });
      expect((await interfaceById(eniId)).Groups!.map((g) => g.GroupId)).toEqual([spare, db]);
      expect(await interfacesWhere({ Name: 'group-id', Values: [spare] })).toEqual([eniId]);
      expect(await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: spare })))).toEqual({
        code: 'DependencyViolation',
        message: `resource ${spare} has a dependent object`,
        status: 400,
      });

      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: [db] }));
      expect(await interfacesWhere({ Name: 'group-id', Values: [spare] })).toEqual([]);
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: spare }));
    });

    it('rejects more than five groups, a group of another VPC, and leaves the groups as they were', async () => {
      const many = [db, web];
      for (let i = 0; i < 4; i++) many.push(await createGroup(ec2, `eni-mod-${i}`, 'extra', vpcId));
      expect(await ec2ErrorOf(() => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: many })))).toEqual({
        code: 'SecurityGroupsPerInterfaceLimitExceeded',
        message: 'The maximum number of security groups per interface has been reached.',
        status: 400,
      });
      expect(
        await ec2ErrorOf(() => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: [elsewhere] }))),
      ).toEqual({
        code: 'InvalidParameter',
        message: `Security group ${elsewhere} and subnet ${subnetId} belong to different networks.`,
        status: 400,
      });
      expect((await attribute('groupSet')).Groups).toEqual([{ GroupId: db, GroupName: 'eni-db' }]);
    });

    it('changes the description and source/dest check, one per request', async () => {
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Description: { Value: 'after' } }));
      expect(await attribute('description')).toEqual({ NetworkInterfaceId: eniId, Description: { Value: 'after' } });
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, SourceDestCheck: { Value: false } }));
      expect(await attribute('sourceDestCheck')).toEqual({ NetworkInterfaceId: eniId, SourceDestCheck: { Value: false } });
      expect(await interfaceById(eniId)).toMatchObject({ Description: 'after', SourceDestCheck: false });
      expect(await interfacesWhere({ Name: 'source-dest-check', Values: ['false'] })).toEqual([eniId]);

      const both = await ec2ErrorOf(() =>
        ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Description: { Value: 'x' }, SourceDestCheck: { Value: true } })),
      );
      expect(both).toEqual({
        code: 'InvalidParameterCombination',
        message: 'Fields for multiple attribute types specified: description, sourceDestCheck',
        status: 400,
      });
      expect(await ec2ErrorOf(() => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId })))).toEqual({
        code: 'InvalidParameterCombination',
        message: 'No attributes specified.',
        status: 400,
      });
      expect(await interfaceById(eniId)).toMatchObject({ Description: 'after', SourceDestCheck: false });
    });
  });
});

// ---------------------------------------------------------------- dependencies and teardown

describe('dependencies order the teardown', () => {
  it('a group held by an interface, a subnet with an interface and a VPC with a subnet cannot be deleted; in order they all go', async () => {
    const vpcId = await newVpc('10.150.0.0/16');
    const subnetId = (await newSubnet(vpcId, '10.150.1.0/24')).SubnetId!;
    const groupId = await createGroup(ec2, 'teardown', 'held', vpcId);
    const eniId = (await newInterface(subnetId, [groupId])).NetworkInterfaceId!;
    const [aclId] = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NetworkAcls!.map(
      (a) => a.NetworkAclId!,
    );
    const [routeTableId] = (
      await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))
    ).RouteTables!.map((t) => t.RouteTableId!);

    expect(await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId })))).toEqual({
      code: 'DependencyViolation',
      message: `resource ${groupId} has a dependent object`,
      status: 400,
    });
    expect(await ec2ErrorOf(() => ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId })))).toEqual({
      code: 'DependencyViolation',
      message: `The subnet '${subnetId}' has dependencies and cannot be deleted.`,
      status: 400,
    });
    const vpcBlocked = { code: 'DependencyViolation', message: `The vpc '${vpcId}' has dependencies and cannot be deleted.`, status: 400 };
    expect(await ec2ErrorOf(() => ec2.send(new DeleteVpcCommand({ VpcId: vpcId })))).toEqual(vpcBlocked);
    // Nothing was deleted by the refusals.
    expect((await interfaceById(eniId)).Groups).toEqual([{ GroupId: groupId, GroupName: 'teardown' }]);

    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    // The subnet still holds the VPC.
    expect(await ec2ErrorOf(() => ec2.send(new DeleteVpcCommand({ VpcId: vpcId })))).toEqual(vpcBlocked);
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));

    expect(await ec2ErrorOf(() => interfaceById(eniId))).toMatchObject({ code: 'InvalidNetworkInterfaceID.NotFound' });
    expect(await ec2ErrorOf(() => subnetById(subnetId))).toMatchObject({ code: 'InvalidSubnetID.NotFound' });
    expect(await ec2ErrorOf(() => ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })))).toMatchObject({ code: 'InvalidVpcID.NotFound' });
    expect(await ec2ErrorOf(() => ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId!] })))).toMatchObject({
      code: 'InvalidNetworkAclID.NotFound',
    });
    expect(await ec2ErrorOf(() => ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId!] })))).toMatchObject({
      code: 'InvalidRouteTableID.NotFound',
    });
    const vpcFilter = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };
    expect((await ec2.send(new DescribeSecurityGroupsCommand(vpcFilter))).SecurityGroups).toEqual([]);
    expect((await ec2.send(new DescribeSubnetsCommand(vpcFilter))).Subnets).toEqual([]);
    expect((await ec2.send(new DescribeNetworkInterfacesCommand(vpcFilter))).NetworkInterfaces).toEqual([]);
    expect((await ec2.send(new DescribeNetworkAclsCommand(vpcFilter))).NetworkAcls).toEqual([]);
    expect((await ec2.send(new DescribeRouteTablesCommand(vpcFilter))).RouteTables).toEqual([]);
  });

  it('an interface already deleted is NotFound the second time', async () => {
    const vpcId = await newVpc('10.151.0.0/16');
    const subnetId = (await newSubnet(vpcId, '10.151.1.0/24')).SubnetId!;
    const eniId = (await newInterface(subnetId)).NetworkInterfaceId!;
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));
    expect(await ec2ErrorOf(() => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId })))).toEqual({
      code: 'InvalidNetworkInterfaceID.NotFound',
      message: `The networkInterface ID '${eniId}' does not exist`,
      status: 400,
    });
  });
});

// ---------------------------------------------------------------- tags and DryRun

describe('tags and DryRun on the network resources', () => {
  it('CreateTags tags a subnet, an interface, the default ACL and the main route table; the tag filters find them; the tags go with them', async () => {
    const vpcId = await newVpc('10.152.0.0/16');
    const subnetId = (await newSubnet(vpcId, '10.152.1.0/24')).SubnetId!;
    const eniId = (await newInterface(subnetId)).NetworkInterfaceId!;
    const vpcFilter = [{ Name: 'vpc-id', Values: [vpcId] }];
    const aclId = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: vpcFilter }))).NetworkAcls![0]!.NetworkAclId!;
    const routeTableId = (await ec2.send(new DescribeRouteTablesCommand({ Filters: vpcFilter }))).RouteTables![0]!.RouteTableId!;
    const resources = [subnetId, eniId, aclId, routeTableId];
    await ec2.send(new CreateTagsCommand({ Resources: resources, Tags: [{ Key: 'env', Value: 'net-test' }] }));

    const tagFilter = [{ Name: 'tag:env', Values: ['net-test'] }];
    expect((await ec2.send(new DescribeSubnetsCommand({ Filters: tagFilter }))).Subnets!.map((s) => s.SubnetId)).toEqual([subnetId]);
    expect(await interfacesWhere(...tagFilter)).toEqual([eniId]);
    expect((await ec2.send(new DescribeNetworkAclsCommand({ Filters: tagFilter }))).NetworkAcls!.map((a) => a.NetworkAclId)).toEqual([aclId]);
    expect((await ec2.send(new DescribeRouteTablesCommand({ Filters: tagFilter }))).RouteTables!.map((t) => t.RouteTableId)).toEqual([
      routeTableId,
    ]);
    const tagged = (await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'value', Values: ['net-test'] }] }))).Tags!;
    expect(tagged.map((t) => [t.ResourceId, t.ResourceType]).sort()).toEqual(
      [
        [subnetId, 'subnet'],
        [eniId, 'network-interface'],
        [aclId, 'network-acl'],
        [routeTableId, 'route-table'],
      ].sort(),
    );

    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    expect((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: resources }] }))).Tags).toEqual([]);
  });

  it('DryRun on CreateSubnet, CreateNetworkInterface, ModifyNetworkInterfaceAttribute and the deletes answers 412 and changes nothing', async () => {
    const vpcId = await newVpc('10.153.0.0/16');
    const subnetId = (await newSubnet(vpcId, '10.153.1.0/24')).SubnetId!;
    const eniId = (await newInterface(subnetId)).NetworkInterfaceId!;
    const dryRun = { code: 'DryRunOperation', message: 'Request would have succeeded, but DryRun flag is set.', status: 412 };

    expect(
      await ec2ErrorOf(() => ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.153.2.0/24', DryRun: true }))),
    ).toEqual(dryRun);
    expect(await ec2ErrorOf(() => newInterface(subnetId, undefined, { DryRun: true }))).toEqual(dryRun);
    expect(
      await ec2ErrorOf(() =>
        ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Description: { Value: 'dry' }, DryRun: true })),
      ),
    ).toEqual(dryRun);
    expect(await ec2ErrorOf(() => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId, DryRun: true })))).toEqual(dryRun);
    expect(await ec2ErrorOf(() => ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId, DryRun: true })))).toMatchObject({
      code: 'DependencyViolation', // validation wins over DryRun: the interface still holds the subnet
    });

    expect((await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets!.map((s) => s.SubnetId)).toEqual([
      subnetId,
    ]);
    expect(await interfacesWhere({ Name: 'subnet-id', Values: [subnetId] })).toEqual([eniId]);
    expect((await interfaceById(eniId)).Description).toBe('');
    expect((await subnetById(subnetId)).AvailableIpAddressCount).toBe(250);
  });
});

// ---------------------------------------------------------------- waiters

describe('SDK waiters', () => {
  const waiter = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

  it('waitUntilVpcAvailable, waitUntilSubnetAvailable and waitUntilNetworkInterfaceAvailable succeed on new resources', async () => {
    const vpcId = await newVpc('10.160.0.0/16');
    const vpc = await waitUntilVpcAvailable({ client: ec2, ...waiter }, { VpcIds: [vpcId] });
    expect(vpc.state).toBe('SUCCESS');

    const subnetId = (await newSubnet(vpcId, '10.160.1.0/24')).SubnetId!;
    const subnet = await waitUntilSubnetAvailable({ client: ec2, ...waiter }, { SubnetIds: [subnetId] });
    expect(subnet.state).toBe('SUCCESS');

    const created = await newInterface(subnetId);
    expect(created.Status).toBe('pending');
    const eni = await waitUntilNetworkInterfaceAvailable({ client: ec2, ...waiter }, { NetworkInterfaceIds: [created.NetworkInterfaceId!] });
    expect(eni.state).toBe('SUCCESS');
    expect((eni.reason as { NetworkInterfaces: NetworkInterface[] }).NetworkInterfaces.map((n) => n.Status)).toEqual(['available']);
  });

  it('waitUntilNetworkInterfaceAvailable ends in FAILURE for an interface that does not exist', async () => {
    await expect(
      waitUntilNetworkInterfaceAvailable({ client: ec2, ...waiter }, { NetworkInterfaceIds: ['eni-0123456789abcdef0'] }),
    ).rejects.toThrow(/FAILURE/);
  });
});

// ---------------------------------------------------------------- CreateDefaultVpc

describe('CreateDefaultVpc', () => {
  let west: EC2Client;
  beforeAll(() => {
    // A region of its own, so the default VPC the other tests use stays put.
    west = ec2Client(emulator.url, 'eu-west-3');
  });
  afterAll(() => west?.destroy());

  it('after the default VPC is deleted (its default subnets first), brings it back with default subnets and DNS hostnames on', async () => {
    const oldVpc = await defaultVpcId(west);
    expect(await ec2ErrorOf(() => west.send(new CreateDefaultVpcCommand({})))).toEqual({
      code: 'DefaultVpcAlreadyExists',
      message: 'A Default VPC already exists for this account in this region.',
      status: 400,
    });
    const oldSubnets = (await west.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [oldVpc] }] }))).Subnets!;
    expect(oldSubnets).toHaveLength(3);
    expect(await ec2ErrorOf(() => west.send(new DeleteVpcCommand({ VpcId: oldVpc })))).toMatchObject({ code: 'DependencyViolation' });
    for (const subnet of oldSubnets) await west.send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId }));
    await west.send(new DeleteVpcCommand({ VpcId: oldVpc }));
    // The camel-case alias Terraform's data "aws_vpc" sends.
    const isDefault = { Filters: [{ Name: 'isDefault', Values: ['true'] }] };
    expect((await west.send(new DescribeVpcsCommand(isDefault))).Vpcs).toEqual([]);

    const { Vpc } = await west.send(new CreateDefaultVpcCommand({}));
    expect(Vpc).toMatchObject({ IsDefault: true, CidrBlock: '172.31.0.0/16', State: 'pending', OwnerId: ACCOUNT });
    const vpcId = Vpc!.VpcId!;
    expect(vpcId).not.toBe(oldVpc);
    expect((await west.send(new DescribeVpcsCommand(isDefault))).Vpcs!.map((v) => v.VpcId)).toEqual([vpcId]);

    const subnets = (await west.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets!;
    expect(subnets.map((s) => [s.AvailabilityZone, s.AvailabilityZoneId, s.CidrBlock, s.DefaultForAz, s.MapPublicIpOnLaunch])).toEqual([
      ['eu-west-3a', 'euw3-az1', '172.31.0.0/20', true, true],
      ['eu-west-3b', 'euw3-az2', '172.31.16.0/20', true, true],
      ['eu-west-3c', 'euw3-az3', '172.31.32.0/20', true, true],
    ]);
    for (const [attribute, member] of [
      ['enableDnsSupport', 'EnableDnsSupport'],
      ['enableDnsHostnames', 'EnableDnsHostnames'],
    ] as const) {
      const out = await west.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: attribute }));
      expect(out[member]).toEqual({ Value: true });
    }
    const groups = (await west.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).SecurityGroups!;
    expect(groups.map((g) => g.GroupName)).toEqual(['default']);
    const acls = (
      await west.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }, { Name: 'vpc-id', Values: [vpcId] }] }))
    ).NetworkAcls!;
    expect(acls).toHaveLength(1);
    expect(acls[0]!.Associations!.map((a) => a.SubnetId)).toEqual(subnets.map((s) => s.SubnetId));
    const tables = (
      await west.send(
        new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.main', Values: ['true'] }, { Name: 'vpc-id', Values: [vpcId] }] }),
      )
    ).RouteTables!;
    expect(tables).toHaveLength(1);

    // Interfaces go into the new default subnets as anywhere else.
    const eni = (await west.send(new CreateNetworkInterfaceCommand({ SubnetId: subnets[0]!.SubnetId }))).NetworkInterface!;
    expect(eni).toMatchObject({ VpcId: vpcId, PrivateIpAddress: '172.31.0.4', PrivateDnsName: 'ip-172-31-0-4.eu-west-3.compute.internal' });
    expect(eni.Groups!.map((g) => g.GroupName)).toEqual(['default']);
  });
});
