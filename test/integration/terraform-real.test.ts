/**
 * The real Terraform CLI with the real hashicorp/aws provider against the emulator.
 *
 * Security groups and every kind of rule resource: apply, a plan that must show no changes (no
 * perpetual diff), an in-place update, another empty plan, destroy. The network around them: a VPC
 * with DNS hostnames on, a subnet in a zone from `data "aws_availability_zones"`, two groups, a network
 * interface holding both and `data "aws_vpc" { default = true }`: apply, an empty plan, destroy. A group
 * shared with a second VPC (`aws_vpc_security_group_vpc_association`) and an egress rule to the S3
 * service prefix list found by `data "aws_prefix_list"`: apply, an empty plan, destroy.
 *
 * Terraform cannot download providers here, so this needs `terraform` on PATH and the AWS provider
 * in a filesystem mirror (see test/helpers/terraform.ts). Without either, the suites say so and
 * skip; every other test still runs.
 */
import {
  DeleteSecurityGroupCommand,
  DescribeAvailabilityZonesCommand,
  DescribeNetworkInterfacesCommand,
  DescribePrefixListsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSecurityGroupVpcAssociationsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  type EC2Client,
  GetManagedPrefixListAssociationsCommand,
  GetSecurityGroupsForVpcCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, ec2ErrorOf, startTestServer, stopServer } from '../helpers/server.js';
import { awsProviderBlock, terraformAvailable, terraformWorkdir, type TerraformWorkdir } from '../helpers/terraform.js';

const availability = terraformAvailable();
if (!availability.ok) console.warn(`[terraform-real] skipped: ${availability.why}`);
const providerVersion = availability.ok ? availability.providerVersion : '';
/** Each terraform command starts the provider (seconds on a small machine); an apply with a VPC also waits 10 s. */
const terraformSuite = { timeout: 240_000 };

describe.skipIf(!availability.ok)('real Terraform (hashicorp/aws provider) against the emulator', terraformSuite, () => {
  let emulator: Emulator;
  let client: EC2Client;
  let tf: TerraformWorkdir;
  let vpcId: string;
  const terraform = (...args: string[]) => tf.terraform(...args);

  function writeConfig(options: { httpsCidrs: string[]; dbOutCidr: string; dbOutDescription: string }): void {
    tf.writeConfig(
      `${awsProviderBlock(providerVersion, emulator.url)}
resource "aws_security_group" "web" {
  name        = "web"
  description = "web tier"
  vpc_id      = "${vpcId}"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ${JSON.stringify(options.httpsCidrs)}
    description = "https in"
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Name = "web" }
}
resource "aws_security_group" "db" {
  name        = "db"
  description = "db tier"
  vpc_id      = "${vpcId}"
}
resource "aws_vpc_security_group_egress_rule" "db_out" {
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "${options.dbOutCidr}"
  from_port         = 5432
  to_port           = 5432
  ip_protocol       = "tcp"
  description       = "${options.dbOutDescription}"
  tags              = { Name = "db-out" }
}
resource "aws_vpc_security_group_ingress_rule" "db_from_web" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.web.id
  from_port                    = 5432
  to_port                      = 5432
  ip_protocol                  = "tcp"
}
resource "aws_security_group_rule" "dns" {
  type              = "egress"
  from_port         = 53
  to_port           = 53
  protocol          = "udp"
  cidr_blocks       = ["10.3.0.0/16"]
  security_group_id = aws_security_group.db.id
}
output "web_id" { value = aws_security_group.web.id }
output "db_id" { value = aws_security_group.db.id }
output "db_out_id" { value = aws_vpc_security_group_egress_rule.db_out.id }
output "db_from_web_id" { value = aws_vpc_security_group_ingress_rule.db_from_web.id }
`,
    );
  }

  const outputs = () => tf.outputs();
  const planExitCode = () => tf.planExitCode();

  beforeAll(async () => {
    emulator = await startTestServer();
    client = ec2Client(emulator.url);
    const vpcs = await client.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    vpcId = vpcs.Vpcs![0]!.VpcId!;
    tf = terraformWorkdir('terraform-real');
    writeConfig({ httpsCidrs: ['10.0.0.0/16', '10.1.0.0/16'], dbOutCidr: '10.2.0.0/16', dbOutDescription: 'to replicas' });
    await terraform('init', '-input=false');
  }, 300_000);

  afterAll(async () => {
    await stopServer(emulator, client);
    tf?.remove();
  });

  it('applies groups and every kind of rule resource, as the SDK then sees them', async () => {
    await terraform('apply', '-auto-approve', '-input=false');
    const ids = await outputs();
    expect(ids['db_out_id']).toMatch(/^sgr-[0-9a-f]{17}$/);
    expect(ids['db_from_web_id']).toMatch(/^sgr-[0-9a-f]{17}$/);

    const groups = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids['web_id']!, ids['db_id']!] }));
    const web = groups.SecurityGroups!.find((g) => g.GroupId === ids['web_id'])!;
    expect(web.Tags).toEqual([{ Key: 'Name', Value: 'web' }]);
    expect(web.IpPermissions).toHaveLength(1);
    const https = web.IpPermissions![0]!;
    expect([https.IpProtocol, https.FromPort, https.ToPort]).toEqual(['tcp', 443, 443]);
    // Terraform sends the CIDRs of a block as a set: compare them in order.
    expect(https.IpRanges?.map((r) => `${r.CidrIp} ${r.Description}`).sort()).toEqual([
      '10.0.0.0/16 https in',
      '10.1.0.0/16 https in',
    ]);
    expect([https.UserIdGroupPairs, https.Ipv6Ranges, https.PrefixListIds]).toEqual([[], [], []]);
    // Terraform revoked the default egress rule and authorized its own identical one.
    expect(web.IpPermissionsEgress?.map((p) => [p.IpProtocol, p.IpRanges?.map((r) => r.CidrIp)])).toEqual([['-1', ['0.0.0.0/0']]]);

    const dbRules = await client.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids['db_id']!] }] }),
    );
    const summary = dbRules.SecurityGroupRules!.map((r) => ({
      egress: r.IsEgress,
      protocol: r.IpProtocol,
      ports: `${r.FromPort}-${r.ToPort}`,
      peer: r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId,
      tags: r.Tags,
    }));
    expect(summary).toEqual(
      expect.arrayContaining([
        { egress: true, protocol: 'tcp', ports: '5432-5432', peer: '10.2.0.0/16', tags: [{ Key: 'Name', Value: 'db-out' }] },
        { egress: false, protocol: 'tcp', ports: '5432-5432', peer: ids['web_id'], tags: [] },
        { egress: true, protocol: 'udp', ports: '53-53', peer: '10.3.0.0/16', tags: [] },
      ]),
    );
    // Terraform removed the db group's default allow-all egress rule.
    expect(summary).toHaveLength(3);
  });

  it('plans no changes right after apply (no perpetual diff)', async () => {
    expect(await planExitCode()).toBe(0);
  });

  it('updates in place: a changed rule keeps its sgr- id (ModifySecurityGroupRules), inline rules follow', async () => {
    const before = await outputs();
    writeConfig({ httpsCidrs: ['10.0.0.0/16', '192.168.0.0/24'], dbOutCidr: '10.20.0.0/16', dbOutDescription: 'to analytics' });
    await terraform('apply', '-auto-approve', '-input=false');
    const after = await outputs();
    expect(after['db_out_id']).toBe(before['db_out_id']);

    const rule = await client.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [after['db_out_id']!] }));
    expect(rule.SecurityGroupRules?.[0]).toMatchObject({
      CidrIpv4: '10.20.0.0/16',
      Description: 'to analytics',
      Tags: [{ Key: 'Name', Value: 'db-out' }],
    });
    const web = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [after['web_id']!] }));
    expect(web.SecurityGroups?.[0]?.IpPermissions?.[0]?.IpRanges?.map((r) => r.CidrIp).sort()).toEqual([
      '10.0.0.0/16',
      '192.168.0.0/24',
    ]);
    expect(await planExitCode()).toBe(0);
  });

  it('destroys everything it made, leaving the default group', async () => {
    await terraform('destroy', '-auto-approve', '-input=false');
    const groups = await client.send(new DescribeSecurityGroupsCommand({}));
    expect(groups.SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
  });
});

describe.skipIf(!availability.ok)('real Terraform: a VPC, subnet, groups and a network interface holding them', terraformSuite, () => {
  let emulator: Emulator;
  let client: EC2Client;
  let tf: TerraformWorkdir;
  let ids: Record<string, string>;

  beforeAll(async () => {
    emulator = await startTestServer();
    client = ec2Client(emulator.url);
    tf = terraformWorkdir('terraform-real network');
    tf.writeConfig(`${awsProviderBlock(providerVersion, emulator.url)}
data "aws_availability_zones" "available" {
  state = "available"
}
data "aws_vpc" "default" {
  default = true
}
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "main" }
}
resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = data.aws_availability_zones.available.names[0]
  tags              = { Name = "app" }
}
resource "aws_security_group" "app" {
  name        = "app"
  description = "app tier"
  vpc_id      = aws_vpc.main.id
  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
    description = "app in"
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Name = "app" }
}
resource "aws_security_group" "mgmt" {
  name        = "mgmt"
  description = "management"
  vpc_id      = aws_vpc.main.id
}
resource "aws_network_interface" "app" {
  subnet_id       = aws_subnet.app.id
  security_groups = [aws_security_group.app.id, aws_security_group.mgmt.id]
  description     = "app interface"
  tags            = { Name = "app-eni" }
}
output "vpc_id" { value = aws_vpc.main.id }
output "subnet_id" { value = aws_subnet.app.id }
output "subnet_az" { value = aws_subnet.app.availability_zone }
output "first_az" { value = data.aws_availability_zones.available.names[0] }
output "app_sg_id" { value = aws_security_group.app.id }
output "mgmt_sg_id" { value = aws_security_group.mgmt.id }
output "eni_id" { value = aws_network_interface.app.id }
output "default_vpc_id" { value = data.aws_vpc.default.id }
output "default_vpc_cidr" { value = data.aws_vpc.default.cidr_block }
`);
    await tf.terraform('init', '-input=false');
  }, 300_000);

  afterAll(async () => {
    await stopServer(emulator, client);
    tf?.remove();
  });

  it('applies (ModifyVpcAttribute waits 10 s), and the SDK sees what the outputs name', async () => {
    await tf.terraform('apply', '-auto-approve', '-input=false');
    ids = await tf.outputs();

    const vpc = (await client.send(new DescribeVpcsCommand({ VpcIds: [ids['vpc_id']!] }))).Vpcs?.[0];
    expect(vpc).toMatchObject({ CidrBlock: '10.0.0.0/16', IsDefault: false, Tags: [{ Key: 'Name', Value: 'main' }] });
    const hostnames = await client.send(new DescribeVpcAttributeCommand({ VpcId: ids['vpc_id'], Attribute: 'enableDnsHostnames' }));
    expect(hostnames.EnableDnsHostnames?.Value).toBe(true);
    const support = await client.send(new DescribeVpcAttributeCommand({ VpcId: ids['vpc_id'], Attribute: 'enableDnsSupport' }));
    expect(support.EnableDnsSupport?.Value).toBe(true);

    // The zone is the first name of the data source, which sorts the emulator's zones by name.
    const zones = await client.send(new DescribeAvailabilityZonesCommand({}));
    const firstZone = zones.AvailabilityZones!.map((z) => z.ZoneName!).sort()[0];
    expect(ids['first_az']).toBe(firstZone);
    expect(ids['subnet_az']).toBe(firstZone);
    const subnet = (await client.send(new DescribeSubnetsCommand({ SubnetIds: [ids['subnet_id']!] }))).Subnets?.[0];
    expect(subnet).toMatchObject({
      VpcId: ids['vpc_id'],
      CidrBlock: '10.0.1.0/24',
      AvailabilityZone: firstZone,
      State: 'available',
      Tags: [{ Key: 'Name', Value: 'app' }],
    });

    const eni = (await client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [ids['eni_id']!] })))
      .NetworkInterfaces?.[0];
    expect(eni).toMatchObject({
      SubnetId: ids['subnet_id'],
      VpcId: ids['vpc_id'],
      Description: 'app interface',
      Status: 'available',
      TagSet: [{ Key: 'Name', Value: 'app-eni' }], // the SDK names a network interface's tags TagSet
    });
    expect(eni?.Groups?.map((g) => `${g.GroupId} ${g.GroupName}`).sort()).toEqual(
      [`${ids['app_sg_id']} app`, `${ids['mgmt_sg_id']} mgmt`].sort(),
    );

    const app = (await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids['app_sg_id']!] }))).SecurityGroups?.[0];
    expect(app?.VpcId).toBe(ids['vpc_id']);
    expect(app?.IpPermissions?.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.IpRanges?.map((r) => r.CidrIp)])).toEqual([
      ['tcp', 8080, 8080, ['10.0.0.0/16']],
    ]);

    // data "aws_vpc" { default = true } sent the filter isDefault=true and found the default VPC.
    const defaults = await client.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    expect(defaults.Vpcs?.map((v) => v.VpcId)).toEqual([ids['default_vpc_id']]);
    expect(ids['default_vpc_cidr']).toBe('172.31.0.0/16');
  });

  it('refuses to delete a group the interface holds: DependencyViolation', async () => {
    for (const groupId of [ids['app_sg_id']!, ids['mgmt_sg_id']!]) {
      const error = await ec2ErrorOf(() => client.send(new DeleteSecurityGroupCommand({ GroupId: groupId })));
      expect(error).toEqual({ code: 'DependencyViolation', message: `resource ${groupId} has a dependent object`, status: 400 });
    }
    const still = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids['app_sg_id']!, ids['mgmt_sg_id']!] }));
    expect(still.SecurityGroups).toHaveLength(2);
  });

  it('plans no changes right after apply (no perpetual diff)', async () => {
    expect(await tf.planExitCode()).toBe(0);
  });

  it('destroys the interface, groups, subnet and VPC, and leaves the default VPC alone', async () => {
    await tf.terraform('destroy', '-auto-approve', '-input=false');

    const gone = await Promise.all([
      ec2ErrorOf(() => client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [ids['eni_id']!] }))),
      ec2ErrorOf(() => client.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids['app_sg_id']!] }))),
      ec2ErrorOf(() => client.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids['mgmt_sg_id']!] }))),
      ec2ErrorOf(() => client.send(new DescribeSubnetsCommand({ SubnetIds: [ids['subnet_id']!] }))),
      ec2ErrorOf(() => client.send(new DescribeVpcsCommand({ VpcIds: [ids['vpc_id']!] }))),
    ]);
    expect(gone.map((e) => e.code)).toEqual([
      'InvalidNetworkInterfaceID.NotFound',
      'InvalidGroup.NotFound',
      'InvalidGroup.NotFound',
      'InvalidSubnetID.NotFound',
      'InvalidVpcID.NotFound',
    ]);
    // Nothing of the VPC lingers: no interfaces, subnets or groups (its default group included) name it.
    const byVpc = [{ Name: 'vpc-id', Values: [ids['vpc_id']!] }];
    const [enis, subnets, groups] = await Promise.all([
      client.send(new DescribeNetworkInterfacesCommand({ Filters: byVpc })),
      client.send(new DescribeSubnetsCommand({ Filters: byVpc })),
      client.send(new DescribeSecurityGroupsCommand({ Filters: byVpc })),
    ]);
    expect([enis.NetworkInterfaces, subnets.Subnets, groups.SecurityGroups]).toEqual([[], [], []]);

    const vpcs = await client.send(new DescribeVpcsCommand({}));
    expect(vpcs.Vpcs?.map((v) => `${v.VpcId} ${v.CidrBlock}`)).toEqual([`${ids['default_vpc_id']} 172.31.0.0/16`]);
  });
});

describe.skipIf(!availability.ok)('real Terraform: a group shared with a second VPC, an egress rule to the S3 prefix list', terraformSuite, () => {
  let emulator: Emulator;
  let client: EC2Client;
  let tf: TerraformWorkdir;
  /** `terraform output -json` values: strings, and the data sources' CIDR lists. */
  let out: Record<string, unknown>;
  const S3_LIST_NAME = 'com.amazonaws.us-east-1.s3';

  beforeAll(async () => {
    emulator = await startTestServer();
    client = ec2Client(emulator.url);
    tf = terraformWorkdir('terraform-real associations');
    tf.writeConfig(`${awsProviderBlock(providerVersion, emulator.url)}
resource "aws_vpc" "home" {
  cidr_block = "10.10.0.0/16"
  tags       = { Name = "home" }
}
resource "aws_vpc" "peer" {
  cidr_block = "10.20.0.0/16"
  tags       = { Name = "peer" }
}
resource "aws_security_group" "shared" {
  name        = "shared"
  description = "shared with the peer VPC"
  vpc_id      = aws_vpc.home.id
  tags        = { Name = "shared" }
}
resource "aws_vpc_security_group_vpc_association" "shared_peer" {
  security_group_id = aws_security_group.shared.id
  vpc_id            = aws_vpc.peer.id
}
data "aws_prefix_list" "s3" {
  name = "${S3_LIST_NAME}"
}
data "aws_prefix_list" "s3_by_id" {
  prefix_list_id = data.aws_prefix_list.s3.id
}
resource "aws_vpc_security_group_egress_rule" "to_s3" {
  security_group_id = aws_security_group.shared.id
  prefix_list_id    = data.aws_prefix_list.s3.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "https to S3"
}
output "home_vpc_id" { value = aws_vpc.home.id }
output "peer_vpc_id" { value = aws_vpc.peer.id }
output "sg_id" { value = aws_security_group.shared.id }
output "association_group_id" { value = aws_vpc_security_group_vpc_association.shared_peer.security_group_id }
output "association_vpc_id" { value = aws_vpc_security_group_vpc_association.shared_peer.vpc_id }
output "association_state" { value = aws_vpc_security_group_vpc_association.shared_peer.state }
output "rule_id" { value = aws_vpc_security_group_egress_rule.to_s3.id }
output "s3_id" { value = data.aws_prefix_list.s3.id }
output "s3_name" { value = data.aws_prefix_list.s3.name }
output "s3_cidrs" { value = data.aws_prefix_list.s3.cidr_blocks }
output "s3_by_id_id" { value = data.aws_prefix_list.s3_by_id.id }
output "s3_by_id_name" { value = data.aws_prefix_list.s3_by_id.name }
output "s3_by_id_cidrs" { value = data.aws_prefix_list.s3_by_id.cidr_blocks }
`);
    await tf.terraform('init', '-input=false');
  }, 300_000);

  afterAll(async () => {
    await stopServer(emulator, client);
    tf?.remove();
  });

  it('applies: the association is associated, the group is usable in the second VPC and references the S3 list', async () => {
    await tf.terraform('apply', '-auto-approve', '-input=false');
    out = await tf.outputs();
    const [homeVpcId, peerVpcId, sgId] = [out['home_vpc_id'] as string, out['peer_vpc_id'] as string, out['sg_id'] as string];
    expect(homeVpcId).not.toBe(peerVpcId);
    expect([out['association_group_id'], out['association_vpc_id']]).toEqual([sgId, peerVpcId]);
    expect(out['association_state']).toBe('associated');

    const associations = await client.send(
      new DescribeSecurityGroupVpcAssociationsCommand({ Filters: [{ Name: 'group-id', Values: [sgId] }] }),
    );
    expect(associations.SecurityGroupVpcAssociations).toEqual([
      expect.objectContaining({ GroupId: sgId, VpcId: peerVpcId, State: 'associated' }),
    ]);

    const forPeer = await client.send(new GetSecurityGroupsForVpcCommand({ VpcId: peerVpcId }));
    const shared = forPeer.SecurityGroupForVpcs?.find((g) => g.GroupId === sgId);
    expect(shared).toEqual({
      GroupId: sgId,
      GroupName: 'shared',
      Description: 'shared with the peer VPC',
      OwnerId: expect.any(String),
      Tags: [{ Key: 'Name', Value: 'shared' }],
      PrimaryVpcId: homeVpcId,
    });
    // Besides the shared group, only the peer VPC's own default group.
    expect(forPeer.SecurityGroupForVpcs?.map((g) => `${g.GroupName} ${g.PrimaryVpcId}`).sort()).toEqual(
      [`default ${peerVpcId}`, `shared ${homeVpcId}`],
    );

    const s3Id = out['s3_id'] as string;
    const listAssociations = await client.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: s3Id }));
    expect(listAssociations.PrefixListAssociations?.map((a) => a.ResourceId)).toEqual([sgId]);

    const rule = await client.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [out['rule_id'] as string] }));
    expect(rule.SecurityGroupRules?.[0]).toMatchObject({
      GroupId: sgId,
      IsEgress: true,
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      PrefixListId: s3Id,
      Description: 'https to S3',
    });
  });

  it('the prefix-list data sources, by name and by id, equal what DescribePrefixLists answers', async () => {
    const byName = await client.send(
      new DescribePrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: [S3_LIST_NAME] }] }),
    );
    expect(byName.PrefixLists).toHaveLength(1);
    const s3 = byName.PrefixLists![0]!;
    expect(s3.PrefixListId).toMatch(/^pl-[0-9a-f]+$/);
    expect(s3.Cidrs?.length).toBeGreaterThan(0);
    const expected = { id: s3.PrefixListId, name: S3_LIST_NAME, cidrs: [...s3.Cidrs!].sort() };
    // cidr_blocks is a set in the provider: compare in order.
    const sorted = (value: unknown) => [...(value as string[])].sort();
    expect({ id: out['s3_id'], name: out['s3_name'], cidrs: sorted(out['s3_cidrs']) }).toEqual(expected);
    expect({ id: out['s3_by_id_id'], name: out['s3_by_id_name'], cidrs: sorted(out['s3_by_id_cidrs']) }).toEqual(expected);

    const byId = await client.send(new DescribePrefixListsCommand({ PrefixListIds: [s3.PrefixListId!] }));
    expect(byId.PrefixLists).toEqual([s3]);
  });

  it('plans no changes right after apply (no perpetual diff)', async () => {
    expect(await tf.planExitCode()).toBe(0);
  });

  it('destroys the association, rule, group and both VPCs', async () => {
    await tf.terraform('destroy', '-auto-approve', '-input=false');
    const [homeVpcId, peerVpcId, sgId] = [out['home_vpc_id'] as string, out['peer_vpc_id'] as string, out['sg_id'] as string];

    const associations = await client.send(new DescribeSecurityGroupVpcAssociationsCommand({}));
    expect(associations.SecurityGroupVpcAssociations).toEqual([]);
    const listAssociations = await client.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: out['s3_id'] as string }));
    expect(listAssociations.PrefixListAssociations).toEqual([]);

    const gone = await Promise.all([
      ec2ErrorOf(() => client.send(new DescribeSecurityGroupsCommand({ GroupIds: [sgId] }))),
      ec2ErrorOf(() => client.send(new DescribeVpcsCommand({ VpcIds: [homeVpcId] }))),
      ec2ErrorOf(() => client.send(new DescribeVpcsCommand({ VpcIds: [peerVpcId] }))),
    ]);
    expect(gone.map((e) => e.code)).toEqual(['InvalidGroup.NotFound', 'InvalidVpcID.NotFound', 'InvalidVpcID.NotFound']);

    // Only the default VPC and its default group remain.
    const [vpcs, groups] = await Promise.all([
      client.send(new DescribeVpcsCommand({})),
      client.send(new DescribeSecurityGroupsCommand({})),
    ]);
    expect(vpcs.Vpcs?.map((v) => v.IsDefault)).toEqual([true]);
    expect(groups.SecurityGroups?.map((g) => `${g.GroupName} ${g.VpcId}`)).toEqual([`default ${vpcs.Vpcs![0]!.VpcId}`]);
  });
});
