/**
 * The real `aws` CLI (v1) against the network around security groups, typed as users type it:
 * VPC DNS attributes (JSON and the boolean-flag form), the default network ACL and main route
 * table by filter, subnets, availability zones, network interfaces with their groups, and the
 * DependencyViolation a group held by an interface gets. Every command under test goes through the
 * `aws` binary; only setup not under test goes through the SDK.
 */
import { CreateSecurityGroupCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { awsEc2, awsEc2Ok, hasAwsCli } from '../helpers/cli.js';
import { startServerWithVpc, stopServer } from '../helpers/server.js';

if (!hasAwsCli) {
  console.warn('aws-cli-network.test.ts: no `aws` executable on PATH; the AWS CLI tests are skipped.');
}

const SUBNET_ID = /^subnet-[0-9a-f]{17}$/;
const ENI_ID = /^eni-[0-9a-f]{17}$/;
/**
 * How the CLI exits when the service answered an error: 255 from the CLI v1 this suite runs
 * (1.45), 254 from CLI v2 (as the existing aws-cli tests accept).
 */
const SERVICE_ERROR_EXITS = [254, 255];

describe.skipIf(!hasAwsCli)('the aws CLI and the network around security groups', () => {
  let emulator: Emulator;
  let sdk: EC2Client;
  let vpcId: string;
  let web: string;
  let db: string;

  const cli = (args: readonly string[]) => awsEc2(emulator.url, args);
  const cliOk = (args: readonly string[]) => awsEc2Ok(emulator.url, args);
  const dnsAttribute = async (attribute: string) =>
    (await cliOk(['describe-vpc-attribute', '--vpc-id', vpcId, '--attribute', attribute])) as Record<string, unknown>;

  beforeAll(async () => {
    ({ emulator, ec2: sdk, vpcId } = await startServerWithVpc('10.80.0.0/16'));
    web = (await sdk.send(new CreateSecurityGroupCommand({ GroupName: 'cli-eni-web', Description: 'web', VpcId: vpcId }))).GroupId!;
    db = (await sdk.send(new CreateSecurityGroupCommand({ GroupName: 'cli-eni-db', Description: 'db', VpcId: vpcId }))).GroupId!;
  });
  afterAll(() => stopServer(emulator, sdk));

  describe('VPC DNS attributes', () => {
    it('describe-vpc-attribute --attribute enableDnsSupport / enableDnsHostnames answers only that attribute', async () => {
      expect(await dnsAttribute('enableDnsSupport')).toEqual({ VpcId: vpcId, EnableDnsSupport: { Value: true } });
      expect(await dnsAttribute('enableDnsHostnames')).toEqual({ VpcId: vpcId, EnableDnsHostnames: { Value: false } });
    });

    it("modify-vpc-attribute --enable-dns-hostnames '{\"Value\":true}' turns hostnames on", async () => {
      const out = await cli(['modify-vpc-attribute', '--vpc-id', vpcId, '--enable-dns-hostnames', '{"Value":true}']);
      expect(out.exitCode).toBe(0);
      expect(out.stdout.trim()).toBe('');
      expect(await dnsAttribute('enableDnsHostnames')).toEqual({ VpcId: vpcId, EnableDnsHostnames: { Value: true } });
    });

    it('the boolean flags --no-enable-dns-hostnames and --enable-dns-hostnames work too', async () => {
      await cliOk(['modify-vpc-attribute', '--vpc-id', vpcId, '--no-enable-dns-hostnames']);
      expect(await dnsAttribute('enableDnsHostnames')).toEqual({ VpcId: vpcId, EnableDnsHostnames: { Value: false } });
      await cliOk(['modify-vpc-attribute', '--vpc-id', vpcId, '--enable-dns-hostnames']);
      expect(await dnsAttribute('enableDnsHostnames')).toEqual({ VpcId: vpcId, EnableDnsHostnames: { Value: true } });
    });

    it('two attributes in one command print InvalidParameterCombination', async () => {
      const result = await cli(['modify-vpc-attribute', '--vpc-id', vpcId, '--enable-dns-hostnames', '--enable-dns-support']);
      expect(SERVICE_ERROR_EXITS).toContain(result.exitCode);
      // The CLI sends them in the model's member order, whatever order they were typed in.
      expect(result.stderr).toContain(
        'An error occurred (InvalidParameterCombination) when calling the ModifyVpcAttribute operation: ' +
          'Fields for multiple attribute types specified: enableDnsHostnames, enableDnsSupport',
      );
      expect(await dnsAttribute('enableDnsSupport')).toEqual({ VpcId: vpcId, EnableDnsSupport: { Value: true } });
    });

    it('an unknown attribute (the CLI does not check it) prints InvalidParameterValue', async () => {
      const result = await cli(['describe-vpc-attribute', '--vpc-id', vpcId, '--attribute', 'enableFoo']);
      expect(SERVICE_ERROR_EXITS).toContain(result.exitCode);
      expect(result.stderr).toContain(
        'An error occurred (InvalidParameterValue) when calling the DescribeVpcAttribute operation: Value (enableFoo) for parameter attribute is invalid. Unknown attribute.',
      );
    });
  });

  describe('default network ACL and main route table', () => {
    it('describe-network-acls --filters Name=default,Values=true Name=vpc-id,Values=…', async () => {
      const out = await cliOk(['describe-network-acls', '--filters', 'Name=default,Values=true', `Name=vpc-id,Values=${vpcId}`]);
      expect(out.NetworkAcls).toHaveLength(1);
      expect(out.NetworkAcls[0]).toMatchObject({ IsDefault: true, VpcId: vpcId, OwnerId: '000000000000' });
      expect(out.NetworkAcls[0].NetworkAclId).toMatch(/^acl-[0-9a-f]{17}$/);
      expect(out.NetworkAcls[0].Entries).toEqual([
        { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
        { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
        { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
        { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
      ]);
    });

    it('describe-route-tables --filters Name=association.main,Values=true Name=vpc-id,Values=…', async () => {
      const out = await cliOk(['describe-route-tables', '--filters', 'Name=association.main,Values=true', `Name=vpc-id,Values=${vpcId}`]);
      expect(out.RouteTables).toHaveLength(1);
      const [table] = out.RouteTables;
      expect(table.VpcId).toBe(vpcId);
      expect(table.Routes).toEqual([{ DestinationCidrBlock: '10.80.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }]);
      expect(table.Associations).toEqual([
        {
          Main: true,
          RouteTableAssociationId: expect.stringMatching(/^rtbassoc-[0-9a-f]{17}$/),
          RouteTableId: table.RouteTableId,
          AssociationState: { State: 'associated' },
        },
      ]);
    });
  });

  describe('availability zones and subnets', () => {
    it('describe-availability-zones lists the region’s zones; --zone-names picks one', async () => {
      const all = await cliOk(['describe-availability-zones']);
      expect(all.AvailabilityZones.map((z: { ZoneName: string }) => z.ZoneName)).toEqual([
        'us-east-1a',
        'us-east-1b',
        'us-east-1c',
        'us-east-1d',
        'us-east-1e',
        'us-east-1f',
      ]);
      const one = await cliOk(['describe-availability-zones', '--zone-names', 'us-east-1b']);
      expect(one.AvailabilityZones).toEqual([
        expect.objectContaining({ ZoneName: 'us-east-1b', ZoneId: 'use1-az1', State: 'available', RegionName: 'us-east-1' }),
      ]);
    });

    it('create-subnet --vpc-id --cidr-block --availability-zone, then describe-subnets by id and by filter', async () => {
      const created = await cliOk(['create-subnet', '--vpc-id', vpcId, '--cidr-block', '10.80.1.0/24', '--availability-zone', 'us-east-1b']);
      const subnet = created.Subnet;
      expect(subnet.SubnetId).toMatch(SUBNET_ID);
      expect(subnet).toMatchObject({
        VpcId: vpcId,
        CidrBlock: '10.80.1.0/24',
        AvailabilityZone: 'us-east-1b',
        AvailabilityZoneId: 'use1-az1',
        AvailableIpAddressCount: 251,
        DefaultForAz: false,
        MapPublicIpOnLaunch: false,
        State: 'available',
      });
      const byId = await cliOk(['describe-subnets', '--subnet-ids', subnet.SubnetId]);
      expect(byId.Subnets).toEqual([subnet]);
      const byVpc = await cliOk(['describe-subnets', '--filters', `Name=vpc-id,Values=${vpcId}`]);
      expect(byVpc.Subnets.map((s: { SubnetId: string }) => s.SubnetId)).toEqual([subnet.SubnetId]);
      await cliOk(['delete-subnet', '--subnet-id', subnet.SubnetId]);
    });

    it('describe-subnets --filters Name=default-for-az,Values=true finds the default subnets', async () => {
      const out = await cliOk(['describe-subnets', '--filters', 'Name=default-for-az,Values=true']);
      expect(out.Subnets).toHaveLength(6);
      for (const subnet of out.Subnets) expect(subnet).toMatchObject({ DefaultForAz: true, AvailableIpAddressCount: 4091 });
    });

    it('an overlapping subnet prints InvalidSubnet.Conflict', async () => {
      const { Subnet } = await cliOk(['create-subnet', '--vpc-id', vpcId, '--cidr-block', '10.80.2.0/24']);
      const result = await cli(['create-subnet', '--vpc-id', vpcId, '--cidr-block', '10.80.2.0/25']);
      expect(SERVICE_ERROR_EXITS).toContain(result.exitCode);
      expect(result.stderr).toContain(
        "An error occurred (InvalidSubnet.Conflict) when calling the CreateSubnet operation: The CIDR '10.80.2.0/25' conflicts with another subnet",
      );
      await cliOk(['delete-subnet', '--subnet-id', Subnet.SubnetId]);
    });
  });

  describe('network interfaces', () => {
    let subnetId: string;
    let eniId: string;

    beforeAll(async () => {
      subnetId = (await cliOk(['create-subnet', '--vpc-id', vpcId, '--cidr-block', '10.80.10.0/24', '--availability-zone', 'us-east-1a']))
        .Subnet.SubnetId;
    });

    it('create-network-interface --subnet-id --groups a b --description', async () => {
      const out = await cliOk([
        'create-network-interface', '--subnet-id', subnetId, '--groups', web, db, '--description', 'cli interface',
      ]);
      const eni = out.NetworkInterface;
      eniId = eni.NetworkInterfaceId;
      expect(eniId).toMatch(ENI_ID);
      expect(eni).toMatchObject({
        SubnetId: subnetId,
        VpcId: vpcId,
        AvailabilityZone: 'us-east-1a',
        Description: 'cli interface',
        Groups: [
          { GroupId: web, GroupName: 'cli-eni-web' },
          { GroupId: db, GroupName: 'cli-eni-db' },
        ],
        PrivateIpAddress: '10.80.10.4',
        PrivateDnsName: 'ip-10-80-10-4.ec2.internal',
        SourceDestCheck: true,
        Status: 'pending',
        InterfaceType: 'interface',
      });
      const subnets = await cliOk(['describe-subnets', '--subnet-ids', subnetId]);
      expect(subnets.Subnets[0].AvailableIpAddressCount).toBe(250);
    });

    it('describe-network-interfaces --filters Name=group-id,… (and subnet-id, private-ip-address)', async () => {
      const byGroup = await cliOk(['describe-network-interfaces', '--filters', `Name=group-id,Values=${db}`]);
      expect(byGroup.NetworkInterfaces.map((n: { NetworkInterfaceId: string }) => n.NetworkInterfaceId)).toEqual([eniId]);
      expect(byGroup.NetworkInterfaces[0].Status).toBe('available');
      const bySubnetAndAddress = await cliOk([
        'describe-network-interfaces', '--filters', `Name=subnet-id,Values=${subnetId}`, 'Name=private-ip-address,Values=10.80.10.4',
      ]);
      expect(bySubnetAndAddress.NetworkInterfaces.map((n: { NetworkInterfaceId: string }) => n.NetworkInterfaceId)).toEqual([eniId]);
      const none = await cliOk(['describe-network-interfaces', '--filters', 'Name=private-ip-address,Values=10.80.10.99']);
      expect(none.NetworkInterfaces).toEqual([]);
    });

    it('modify-network-interface-attribute --groups, read back with describe-network-interface-attribute --attribute groupSet', async () => {
      const out = await cli(['modify-network-interface-attribute', '--network-interface-id', eniId, '--groups', db]);
      expect(out.exitCode).toBe(0);
      const groupSet = await cliOk(['describe-network-interface-attribute', '--network-interface-id', eniId, '--attribute', 'groupSet']);
      expect(groupSet).toEqual({ NetworkInterfaceId: eniId, Groups: [{ GroupId: db, GroupName: 'cli-eni-db' }] });
      const byWeb = await cliOk(['describe-network-interfaces', '--filters', `Name=group-id,Values=${web}`]);
      expect(byWeb.NetworkInterfaces).toEqual([]);
    });

    it('modify-network-interface-attribute --no-source-dest-check, and --description', async () => {
      await cliOk(['modify-network-interface-attribute', '--network-interface-id', eniId, '--no-source-dest-check']);
      const check = await cliOk(['describe-network-interface-attribute', '--network-interface-id', eniId, '--attribute', 'sourceDestCheck']);
      expect(check).toEqual({ NetworkInterfaceId: eniId, SourceDestCheck: { Value: false } });

      await cliOk(['modify-network-interface-attribute', '--network-interface-id', eniId, '--description', 'Value=renamed']);
      const description = await cliOk(['describe-network-interface-attribute', '--network-interface-id', eniId, '--attribute', 'description']);
      expect(description).toEqual({ NetworkInterfaceId: eniId, Description: { Value: 'renamed' } });
    });

    it('delete-security-group of a group an interface holds fails with DependencyViolation on stderr and the service-error exit code', async () => {
      const result = await cli(['delete-security-group', '--group-id', db]);
      expect(SERVICE_ERROR_EXITS).toContain(result.exitCode);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        `An error occurred (DependencyViolation) when calling the DeleteSecurityGroup operation: resource ${db} has a dependent object`,
      );
      const still = await cliOk(['describe-security-groups', '--group-ids', db]);
      expect(still.SecurityGroups).toHaveLength(1);
    });

    it('delete-subnet with an interface left fails with DependencyViolation', async () => {
      const result = await cli(['delete-subnet', '--subnet-id', subnetId]);
      expect(SERVICE_ERROR_EXITS).toContain(result.exitCode);
      expect(result.stderr).toContain(
        `An error occurred (DependencyViolation) when calling the DeleteSubnet operation: The subnet '${subnetId}' has dependencies and cannot be deleted.`,
      );
    });

    it('delete-network-interface, then the group, the subnet and the VPC can go', async () => {
      const deleted = await cli(['delete-network-interface', '--network-interface-id', eniId]);
      expect(deleted.exitCode).toBe(0);
      const gone = await cli(['describe-network-interfaces', '--network-interface-ids', eniId]);
      expect(SERVICE_ERROR_EXITS).toContain(gone.exitCode);
      expect(gone.stderr).toContain(
        `(InvalidNetworkInterfaceID.NotFound) when calling the DescribeNetworkInterfaces operation: The networkInterface ID '${eniId}' does not exist`,
      );

      await cliOk(['delete-security-group', '--group-id', db]);
      await cliOk(['delete-security-group', '--group-id', web]);
      const vpcBlocked = await cli(['delete-vpc', '--vpc-id', vpcId]);
      expect(SERVICE_ERROR_EXITS).toContain(vpcBlocked.exitCode);
      expect(vpcBlocked.stderr).toContain(
        `(DependencyViolation) when calling the DeleteVpc operation: The vpc '${vpcId}' has dependencies and cannot be deleted.`,
      );
      const subnetDeleted = await cli(['delete-subnet', '--subnet-id', subnetId]);
      expect(subnetDeleted.exitCode).toBe(0);
      await cliOk(['delete-vpc', '--vpc-id', vpcId]);
      const vpcGone = await cli(['describe-vpcs', '--vpc-ids', vpcId]);
      expect(vpcGone.stderr).toContain(`(InvalidVpcID.NotFound) when calling the DescribeVpcs operation: The vpc ID '${vpcId}' does not exist`);
    });
  });
});
