/**
 * The network around security groups, through raw form bodies (app.inject): VPC attributes,
 * default network ACLs, main route tables, subnets, Availability Zones and network interfaces.
 * Each action's answer shape (exact XML element names and values), every error its handler
 * implements (code, message verbatim, status), validation before DryRun, filters, paging and
 * tags. The AWS rules and their evidence are in the handler files' header comments and
 * research/network-aws.md.
 */
import { describe, expect, it } from 'vitest';
import {
  buildTestApp,
  deleteDefaultVpc,
  filterFields as filters,
  items,
  rawClient,
  sigV4Authorization as sigV4,
  type Fields,
  type Item,
} from '../helpers/inject.js';


const ACCOUNT = '000000000000';
const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** The default VPC's subnets in us-east-1: /20 blocks in zone-name order, with AWS's zone ids. */
const US_EAST_1_ZONES = [
  ['us-east-1a', 'use1-az6'],
  ['us-east-1b', 'use1-az1'],
  ['us-east-1c', 'use1-az2'],
  ['us-east-1d', 'use1-az4'],
  ['us-east-1e', 'use1-az3'],
  ['us-east-1f', 'use1-az5'],
] as const;
const US_EAST_1_ZONE_LIST = 'us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f';


/** A fresh emulator; `region` is sent as the SigV4 credential scope of every request. */
function emulator(region?: string) {
  const { app, store } = buildTestApp();
  const headers: Record<string, string> = region ? { authorization: sigV4(region) } : {};
  const { call, ok, fails } = rawClient(app, headers);


  const self = {
    app,
    store,
    headers,
    call,
    ok,
    fails,
    async createVpc(cidr = '10.0.0.0/16', extra: Fields = {}): Promise<string> {
      return (await ok('CreateVpc', { CidrBlock: cidr, ...extra })).vpc.vpcId;
    },
    async defaultVpcId(): Promise<string> {
      return items((await ok('DescribeVpcs', filters(['is-default', 'true']))).vpcSet)[0]!.vpcId;
    },
    async createSubnet(vpcId: string, cidr: string, extra: Fields = {}): Promise<Item> {
      return (await ok('CreateSubnet', { VpcId: vpcId, CidrBlock: cidr, ...extra })).subnet;
    },
    async subnets(fields: Fields = {}): Promise<Item[]> {
      return items((await ok('DescribeSubnets', fields)).subnetSet);
    },
    async subnet(subnetId: string): Promise<Item> {
      return (await self.subnets({ 'SubnetId.1': subnetId }))[0]!;
    },
    async createGroup(name: string, vpcId: string): Promise<string> {
      return (await ok('CreateSecurityGroup', { GroupName: name, GroupDescription: name, VpcId: vpcId })).groupId;
    },
    async defaultGroupId(vpcId: string): Promise<string> {
      const res = await ok('DescribeSecurityGroups', filters(['group-name', 'default'], ['vpc-id', vpcId]));
      return items(res.securityGroupInfo)[0]!.groupId;
    },
    async createEni(subnetId: string, extra: Fields = {}): Promise<Item> {
      return (await ok('CreateNetworkInterface', { SubnetId: subnetId, ...extra })).networkInterface;
    },
    async enis(fields: Fields = {}): Promise<Item[]> {
      return items((await ok('DescribeNetworkInterfaces', fields)).networkInterfaceSet);
    },
    async eni(networkInterfaceId: string): Promise<Item> {
      return (await self.enis({ 'NetworkInterfaceId.1': networkInterfaceId }))[0]!;
    },
    async acls(fields: Fields = {}): Promise<Item[]> {
      return items((await ok('DescribeNetworkAcls', fields)).networkAclSet);
    },
    async routeTables(fields: Fields = {}): Promise<Item[]> {
      return items((await ok('DescribeRouteTables', fields)).routeTableSet);
    },
    /** A new VPC 10.0.0.0/16 with one subnet 10.0.1.0/24 (in us-east-1a). */
    async vpcWithSubnet(cidr = '10.0.1.0/24'): Promise<{ vpcId: string; subnetId: string }> {
      const vpcId = await self.createVpc('10.0.0.0/16');
      const subnetId = (await self.createSubnet(vpcId, cidr)).subnetId;
      return { vpcId, subnetId };
    },
  };
  return self;
}

const ids = (list: Item[], key: string): string[] => list.map((x) => x[key]);

// ====================================================================== VPC attributes

describe('DescribeVpcAttribute', () => {
  it('answers only the attribute asked for, as <attr><value>…</value></attr> (new VPC: DNS support on, hostnames and NAU metrics off)', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    for (const [attribute, value] of [
      ['enableDnsSupport', 'true'],
      ['enableDnsHostnames', 'false'],
      ['enableNetworkAddressUsageMetrics', 'false'],
    ] as const) {
      const res = await ec2.call('DescribeVpcAttribute', { VpcId: vpcId, Attribute: attribute });
      expect(res.status).toBe(200);
      expect(res.body).toContain(`<${attribute}><value>${value}</value></${attribute}>`);
      const body = res.xml.DescribeVpcAttributeResponse;
      expect(body['@_xmlns']).toBe(NAMESPACE);
      expect(Object.keys(body).sort()).toEqual(['@_xmlns', attribute, 'requestId', 'vpcId'].sort());
      expect(body.vpcId).toBe(vpcId);
    }
  });

  it('answers DNS support and DNS hostnames both on for the default VPC', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.defaultVpcId();
    for (const attribute of ['enableDnsSupport', 'enableDnsHostnames']) {
      const body = await ec2.ok('DescribeVpcAttribute', { VpcId: vpcId, Attribute: attribute });
      expect(body[attribute]).toEqual({ value: 'true' });
    }
    const nau = await ec2.ok('DescribeVpcAttribute', { VpcId: vpcId, Attribute: 'enableNetworkAddressUsageMetrics' });
    expect(nau.enableNetworkAddressUsageMetrics).toEqual({ value: 'false' });
  });

  it('answers MissingParameter without Attribute, and InvalidParameterValue for an unknown one', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    await ec2.fails('DescribeVpcAttribute', { VpcId: vpcId }, 'MissingParameter', 'The request must contain the parameter attribute');
    await ec2.fails(
      'DescribeVpcAttribute',
      { VpcId: vpcId, Attribute: 'foo' },
      'InvalidParameterValue',
      'Value (foo) for parameter attribute is invalid. Unknown attribute.',
    );
    // The attribute name is case-sensitive, as the SDK enum is.
    await ec2.fails(
      'DescribeVpcAttribute',
      { VpcId: vpcId, Attribute: 'EnableDnsSupport' },
      'InvalidParameterValue',
      'Value (EnableDnsSupport) for parameter attribute is invalid. Unknown attribute.',
    );
  });

  it('answers MissingParameter without VpcId, Malformed for a non-vpc id and NotFound for an unknown one', async () => {
    const ec2 = emulator();
    const attribute = { Attribute: 'enableDnsSupport' };
    await ec2.fails('DescribeVpcAttribute', attribute, 'MissingParameter', 'The request must contain the parameter vpcId');
    await ec2.fails('DescribeVpcAttribute', { ...attribute, VpcId: 'lab' }, 'InvalidVpcID.Malformed', 'Invalid id: "lab" (expecting "vpc-...")');
    await ec2.fails('DescribeVpcAttribute', { ...attribute, VpcId: 'vpc-12345678' }, 'InvalidVpcID.NotFound', "The vpc ID 'vpc-12345678' does not exist");
  });

  it('answers DryRunOperation (412) for a valid request and the validation error for an invalid one', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    await ec2.fails(
      'DescribeVpcAttribute',
      { VpcId: vpcId, Attribute: 'enableDnsSupport', DryRun: 'true' },
      'DryRunOperation',
      'Request would have succeeded, but DryRun flag is set.',
      412,
    );
    await ec2.fails(
      'DescribeVpcAttribute',
      { VpcId: vpcId, Attribute: 'bogus', DryRun: 'true' },
      'InvalidParameterValue',
      'Value (bogus) for parameter attribute is invalid. Unknown attribute.',
    );
    await ec2.fails(
      'DescribeVpcAttribute',
      { VpcId: 'vpc-12345678', Attribute: 'enableDnsSupport', DryRun: 'true' },
      'InvalidVpcID.NotFound',
      "The vpc ID 'vpc-12345678' does not exist",
    );
  });
});

describe('ModifyVpcAttribute', () => {
  it('changes one attribute, answers <return>true</return>, and leaves the others as they were', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const res = await ec2.call('ModifyVpcAttribute', { VpcId: vpcId, 'EnableDnsHostnames.Value': 'true' });
    expect(res.status).toBe(200);
    expect(res.xml.ModifyVpcAttributeResponse.return).toBe('true');
    const read = async (attribute: string) => (await ec2.ok('DescribeVpcAttribute', { VpcId: vpcId, Attribute: attribute }))[attribute].value;
    expect(await read('enableDnsHostnames')).toBe('true');
    expect(await read('enableDnsSupport')).toBe('true');
    await ec2.ok('ModifyVpcAttribute', { VpcId: vpcId, 'EnableNetworkAddressUsageMetrics.Value': 'true' });
    expect(await read('enableNetworkAddressUsageMetrics')).toBe('true');
    expect(await read('enableDnsHostnames')).toBe('true');
  });

  it('lets DNS support be turned off while hostnames are on, but not hostnames on without DNS support', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    await ec2.ok('ModifyVpcAttribute', { VpcId: vpcId, 'EnableDnsHostnames.Value': 'true' });
    await ec2.ok('ModifyVpcAttribute', { VpcId: vpcId, 'EnableDnsSupport.Value': 'false' });
    await ec2.ok('ModifyVpcAttribute', { VpcId: vpcId, 'EnableDnsHostnames.Value': 'false' });
    await ec2.fails(
      'ModifyVpcAttribute',
      { VpcId: vpcId, 'EnableDnsHostnames.Value': 'true' },
      'InvalidParameterValue',
      'Cannot enable DNS hostnames for a VPC that does not have DNS support enabled.',
    );
    const hostnames = await ec2.ok('DescribeVpcAttribute', { VpcId: vpcId, Attribute: 'enableDnsHostnames' });
    expect(hostnames.enableDnsHostnames).toEqual({ value: 'false' });
  });

  it('answers InvalidParameterCombination for two attributes, naming them in the order sent, and changes nothing', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    await ec2.fails(
      'ModifyVpcAttribute',
      { VpcId: vpcId, 'EnableDnsSupport.Value': 'true', 'EnableDnsHostnames.Value': 'true' },
      'InvalidParameterCombination',
      'Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames',
    );
    await ec2.fails(
      'ModifyVpcAttribute',
      { VpcId: vpcId, 'EnableDnsHostnames.Value': 'true', 'EnableDnsSupport.Value': 'true' },
      'InvalidParameterCombination',
      'Fields for multiple attribute types specified: enableDnsHostnames, enableDnsSupport',
    );
    await ec2.fails(
      'ModifyVpcAttribute',
      { VpcId: vpcId, 'EnableDnsSupport.Value': 'false', 'EnableNetworkAddressUsageMetrics.Value': 'true' },
      'InvalidParameterCombination',
      'Fields for multiple attribute types specified: enableDnsSupport, enableNetworkAddressUsageMetrics',
    );
    const hostnames = await ec2.ok('DescribeVpcAttribute', { VpcId: vpcId, Attribute: 'enableDnsHostnames' });
    expect(hostnames.enableDnsHostnames).toEqual({ value: 'false' });
  });

  it('answers InvalidParameterCombination with no attribute, and the VPC id errors', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    await ec2.fails('ModifyVpcAttribute', { VpcId: vpcId }, 'InvalidParameterCombination', 'No attributes specified.');
    const value = { 'EnableDnsSupport.Value': 'true' };
    await ec2.fails('ModifyVpcAttribute', value, 'MissingParameter', 'The request must contain the parameter vpcId');
    await ec2.fails('ModifyVpcAttribute', { ...value, VpcId: 'lab' }, 'InvalidVpcID.Malformed', 'Invalid id: "lab" (expecting "vpc-...")');
    await ec2.fails('ModifyVpcAttribute', { ...value, VpcId: 'vpc-12345678' }, 'InvalidVpcID.NotFound', "The vpc ID 'vpc-12345678' does not exist");
  });

  it('has no DryRun parameter (as in the API model): DryRun is UnknownParameter and nothing changes', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    await ec2.fails(
      'ModifyVpcAttribute',
      { VpcId: vpcId, 'EnableDnsHostnames.Value': 'true', DryRun: 'true' },
      'UnknownParameter',
      'The parameter DryRun is not recognized',
    );
    const hostnames = await ec2.ok('DescribeVpcAttribute', { VpcId: vpcId, Attribute: 'enableDnsHostnames' });
    expect(hostnames.enableDnsHostnames).toEqual({ value: 'false' });
  });
});

// ====================================================================== DescribeVpcs isDefault

describe('DescribeVpcs filter isDefault', () => {
  it('accepts the camel-case isDefault alias (what Terraform sends) like is-default', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const defaultVpcId = await ec2.defaultVpcId();
    const byAlias = async (value: string) => ids(items((await ec2.ok('DescribeVpcs', filters(['isDefault', value]))).vpcSet), 'vpcId');
    expect(await byAlias('true')).toEqual([defaultVpcId]);
    expect(await byAlias('false')).toEqual([vpcId]);
  });
});

// ====================================================================== DescribeNetworkAcls

describe('DescribeNetworkAcls', () => {
  const allow = (egress: boolean, rule: number) => ({ cidrBlock: '0.0.0.0/0', egress: String(egress), protocol: '-1', ruleAction: 'allow', ruleNumber: String(rule) });
  const deny = (egress: boolean, rule: number) => ({ ...allow(egress, rule), ruleAction: 'deny' });
  const allow6 = (egress: boolean, rule: number) => ({ egress: String(egress), ipv6CidrBlock: '::/0', protocol: '-1', ruleAction: 'allow', ruleNumber: String(rule) });
  const deny6 = (egress: boolean, rule: number) => ({ ...allow6(egress, rule), ruleAction: 'deny' });

  it("gives a new VPC a default ACL: allow 100 and deny 32767 for 0.0.0.0/0, egress first, no associations", async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const res = await ec2.call('DescribeNetworkAcls', filters(['vpc-id', vpcId]));
    expect(res.status).toBe(200);
    const acls = items(res.xml.DescribeNetworkAclsResponse.networkAclSet);
    expect(acls).toHaveLength(1);
    const acl = acls[0]!;
    expect(acl.networkAclId).toMatch(/^acl-[0-9a-f]{17}$/);
    expect(acl).toEqual({
      associationSet: '',
      entrySet: { item: [allow(true, 100), deny(true, 32767), allow(false, 100), deny(false, 32767)] },
      default: 'true',
      networkAclId: acl.networkAclId,
      tagSet: '',
      vpcId,
      ownerId: ACCOUNT,
    });
    // Protocol -1 entries carry no port range or ICMP type.
    expect(res.body).not.toContain('portRange');
    expect(res.body).not.toContain('icmpTypeCode');
  });

  it('adds 101 allow and 32768 deny for ::/0 per direction when the VPC has an Amazon-provided IPv6 block', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc('10.0.0.0/16', { AmazonProvidedIpv6CidrBlock: 'true' });
    const [acl] = await ec2.acls(filters(['vpc-id', vpcId]));
    expect(acl!.entrySet.item).toEqual([
      allow(true, 100),
      allow6(true, 101),
      deny(true, 32767),
      deny6(true, 32768),
      allow(false, 100),
      allow6(false, 101),
      deny(false, 32767),
      deny6(false, 32768),
    ]);
  });

  it("associates the default VPC's ACL with each of its default subnets, and each new subnet with its VPC's ACL", async () => {
    const ec2 = emulator();
    const defaultVpcId = await ec2.defaultVpcId();
    const defaultSubnets = await ec2.subnets(filters(['vpc-id', defaultVpcId]));
    const [defaultAcl] = await ec2.acls(filters(['vpc-id', defaultVpcId]));
    const associations = items(defaultAcl!.associationSet);
    expect(associations.map((a) => a.subnetId)).toEqual(ids(defaultSubnets, 'subnetId'));
    for (const association of associations) {
      expect(association.networkAclAssociationId).toMatch(/^aclassoc-[0-9a-f]{17}$/);
      expect(association.networkAclId).toBe(defaultAcl!.networkAclId);
    }
    expect(new Set(ids(associations, 'networkAclAssociationId')).size).toBe(6);

    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const [acl] = await ec2.acls(filters(['vpc-id', vpcId]));
    expect(items(acl!.associationSet)).toEqual([
      { networkAclAssociationId: expect.stringMatching(/^aclassoc-/), networkAclId: acl!.networkAclId, subnetId },
    ]);
    await ec2.ok('DeleteSubnet', { SubnetId: subnetId });
    expect((await ec2.acls(filters(['vpc-id', vpcId])))[0]!.associationSet).toBe('');
  });

  it('filters by vpc-id, default, network-acl-id, association.*, entry.* and owner-id, with wildcards', async () => {
    const ec2 = emulator();
    const defaultVpcId = await ec2.defaultVpcId();
    const v6VpcId = await ec2.createVpc('10.1.0.0/16', { AmazonProvidedIpv6CidrBlock: 'true' });
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const aclOf = async (id: string) => (await ec2.acls(filters(['vpc-id', id])))[0]!;
    const [defaultAcl, v6Acl, acl] = [await aclOf(defaultVpcId), await aclOf(v6VpcId), await aclOf(vpcId)];
    const aclIds = async (fields: Fields) => ids(await ec2.acls(fields), 'networkAclId');

    expect(await aclIds(filters(['default', 'true']))).toEqual([defaultAcl.networkAclId, v6Acl.networkAclId, acl.networkAclId]);
    expect(await aclIds(filters(['default', 'false']))).toEqual([]);
    expect(await aclIds(filters(['network-acl-id', acl.networkAclId]))).toEqual([acl.networkAclId]);
    expect(await aclIds(filters(['vpc-id', vpcId, v6VpcId]))).toEqual([v6Acl.networkAclId, acl.networkAclId]);
    expect(await aclIds(filters(['association.subnet-id', subnetId]))).toEqual([acl.networkAclId]);
    const associationId = items(acl.associationSet)[0]!.networkAclAssociationId;
    expect(await aclIds(filters(['association.association-id', associationId]))).toEqual([acl.networkAclId]);
    expect(await aclIds(filters(['association.network-acl-id', acl.networkAclId]))).toEqual([acl.networkAclId]);
    expect(await aclIds(filters(['entry.rule-number', '32768']))).toEqual([v6Acl.networkAclId]);
    expect(await aclIds(filters(['entry.ipv6-cidr', '::/0']))).toEqual([v6Acl.networkAclId]);
    expect(await aclIds(filters(['entry.cidr', '0.0.0.0/0'], ['vpc-id', vpcId]))).toEqual([acl.networkAclId]);
    expect(await aclIds(filters(['entry.rule-action', 'deny'], ['entry.egress', 'true'], ['entry.protocol', '-1'], ['vpc-id', vpcId]))).toEqual([
      acl.networkAclId,
    ]);
    expect(await aclIds(filters(['entry.port-range.from', '*']))).toEqual([]);
    expect(await aclIds(filters(['owner-id', ACCOUNT], ['vpc-id', 'vpc-*']))).toHaveLength(3);
    await ec2.fails('DescribeNetworkAcls', filters(['bogus', 'x']), 'InvalidParameterValue', "The filter 'bogus' is invalid");
  });

  it('takes tags through CreateTags on an acl- id and filters by tag:<key> and tag-key', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const aclId = (await ec2.acls(filters(['vpc-id', vpcId])))[0]!.networkAclId;
    await ec2.ok('CreateTags', { 'ResourceId.1': aclId, 'Tag.1.Key': 'Name', 'Tag.1.Value': 'edge' });
    const [tagged] = await ec2.acls({ 'NetworkAclId.1': aclId });
    expect(tagged!.tagSet).toEqual({ item: [{ key: 'Name', value: 'edge' }] });
    expect(ids(await ec2.acls(filters(['tag:Name', 'ed*'])), 'networkAclId')).toEqual([aclId]);
    expect(ids(await ec2.acls(filters(['tag-key', 'Name'])), 'networkAclId')).toEqual([aclId]);
    expect(await ec2.acls(filters(['tag:Name', 'other']))).toEqual([]);
  });

  it('answers NetworkAclId.N that does not exist with InvalidNetworkAclID.NotFound', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const aclId = (await ec2.acls(filters(['vpc-id', vpcId])))[0]!.networkAclId;
    expect(ids(await ec2.acls({ 'NetworkAclId.1': aclId }), 'networkAclId')).toEqual([aclId]);
    await ec2.fails(
      'DescribeNetworkAcls',
      { 'NetworkAclId.1': aclId, 'NetworkAclId.2': 'acl-0804e62f77ad72b9c' },
      'InvalidNetworkAclID.NotFound',
      "The networkAcl ID 'acl-0804e62f77ad72b9c' does not exist",
    );
    await ec2.fails('DescribeNetworkAcls', { DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    await ec2.fails(
      'DescribeNetworkAcls',
      { 'NetworkAclId.1': 'acl-12345678', DryRun: 'true' },
      'InvalidNetworkAclID.NotFound',
      "The networkAcl ID 'acl-12345678' does not exist",
    );
  });

  it('pages with MaxResults (5-1000) and NextToken', async () => {
    const ec2 = emulator();
    for (let i = 1; i <= 5; i++) await ec2.createVpc(`10.${i}.0.0/16`);
    const all = ids(await ec2.acls(), 'networkAclId');
    expect(all).toHaveLength(6);
    const first = await ec2.ok('DescribeNetworkAcls', { MaxResults: '5' });
    expect(ids(items(first.networkAclSet), 'networkAclId')).toEqual(all.slice(0, 5));
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await ec2.ok('DescribeNetworkAcls', { MaxResults: '5', NextToken: first.nextToken });
    expect(ids(items(second.networkAclSet), 'networkAclId')).toEqual(all.slice(5));
    expect(second).not.toHaveProperty('nextToken');
    await ec2.fails('DescribeNetworkAcls', { MaxResults: '4' }, 'InvalidParameterValue', 'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.');
    await ec2.fails('DescribeNetworkAcls', { MaxResults: '1001' }, 'InvalidParameterValue', 'Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000.');
    await ec2.fails('DescribeNetworkAcls', { NextToken: 'zz' }, 'InvalidParameterValue', 'Value ( zz ) for parameter NextToken is invalid. The token is invalid.');
  });
});

// ====================================================================== DescribeRouteTables

describe('DescribeRouteTables', () => {
  it("gives a new VPC a main route table: the local route and the main association (no subnet)", async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc('10.7.0.0/16');
    const res = await ec2.call('DescribeRouteTables', filters(['vpc-id', vpcId]));
    expect(res.status).toBe(200);
    const tables = items(res.xml.DescribeRouteTablesResponse.routeTableSet);
    expect(tables).toHaveLength(1);
    const table = tables[0]!;
    expect(table.routeTableId).toMatch(/^rtb-[0-9a-f]{17}$/);
    expect(table).toEqual({
      associationSet: {
        item: [
          {
            main: 'true',
            routeTableAssociationId: expect.stringMatching(/^rtbassoc-[0-9a-f]{17}$/),
            routeTableId: table.routeTableId,
            associationState: { state: 'associated' },
          },
        ],
      },
      propagatingVgwSet: '',
      routeTableId: table.routeTableId,
      routeSet: { item: [{ destinationCidrBlock: '10.7.0.0/16', gatewayId: 'local', origin: 'CreateRouteTable', state: 'active' }] },
      tagSet: '',
      vpcId,
      ownerId: ACCOUNT,
    });
    expect(res.body).not.toContain('subnetId');
  });

  it("adds a local route for the VPC's IPv6 block", async () => {
    const ec2 = emulator();
    const vpc = (await ec2.ok('CreateVpc', { CidrBlock: '10.8.0.0/16', AmazonProvidedIpv6CidrBlock: 'true' })).vpc;
    const ipv6Block = items(vpc.ipv6CidrBlockAssociationSet)[0]!.ipv6CidrBlock;
    expect(ipv6Block).toMatch(/::\/56$/);
    const [table] = await ec2.routeTables(filters(['vpc-id', vpc.vpcId]));
    expect(table!.routeSet.item).toEqual([
      { destinationCidrBlock: '10.8.0.0/16', gatewayId: 'local', origin: 'CreateRouteTable', state: 'active' },
      { destinationIpv6CidrBlock: ipv6Block, gatewayId: 'local', origin: 'CreateRouteTable', state: 'active' },
    ]);
  });

  it('filters by association.main, vpc-id, route-table-id, association.*, route.* and owner-id', async () => {
    const ec2 = emulator();
    const defaultVpcId = await ec2.defaultVpcId();
    const vpcId = await ec2.createVpc('10.9.0.0/16');
    const tableOf = async (id: string) => (await ec2.routeTables(filters(['vpc-id', id])))[0]!;
    const [defaultTable, table] = [await tableOf(defaultVpcId), await tableOf(vpcId)];
    const tableIds = async (fields: Fields) => ids(await ec2.routeTables(fields), 'routeTableId');
    expect(await tableIds(filters(['association.main', 'true']))).toEqual([defaultTable.routeTableId, table.routeTableId]);
    expect(await tableIds(filters(['association.main', 'false']))).toEqual([]);
    expect(await tableIds(filters(['route-table-id', table.routeTableId]))).toEqual([table.routeTableId]);
    const associationId = items(table.associationSet)[0]!.routeTableAssociationId;
    expect(await tableIds(filters(['association.route-table-association-id', associationId]))).toEqual([table.routeTableId]);
    expect(await tableIds(filters(['association.route-table-id', table.routeTableId]))).toEqual([table.routeTableId]);
    expect(await tableIds(filters(['association.subnet-id', 'subnet-*']))).toEqual([]);
    expect(await tableIds(filters(['route.destination-cidr-block', '10.9.0.0/16']))).toEqual([table.routeTableId]);
    expect(await tableIds(filters(['route.destination-cidr-block', '172.31.*']))).toEqual([defaultTable.routeTableId]);
    expect(await tableIds(filters(['route.gateway-id', 'local'], ['route.origin', 'CreateRouteTable'], ['route.state', 'active']))).toHaveLength(2);
    expect(await tableIds(filters(['route.nat-gateway-id', '*']))).toEqual([]);
    expect(await tableIds(filters(['owner-id', ACCOUNT]))).toHaveLength(2);
    await ec2.fails('DescribeRouteTables', filters(['route.bogus', 'x']), 'InvalidParameterValue', "The filter 'route.bogus' is invalid");
  });

  it('takes tags through CreateTags on an rtb- id and filters by tag:<key>', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const tableId = (await ec2.routeTables(filters(['vpc-id', vpcId])))[0]!.routeTableId;
    await ec2.ok('CreateTags', { 'ResourceId.1': tableId, 'Tag.1.Key': 'tier', 'Tag.1.Value': 'private' });
    const [tagged] = await ec2.routeTables(filters(['tag:tier', 'private']));
    expect(tagged!.routeTableId).toBe(tableId);
    expect(tagged!.tagSet).toEqual({ item: [{ key: 'tier', value: 'private' }] });
    expect(ids(await ec2.routeTables(filters(['tag-key', 'tier'])), 'routeTableId')).toEqual([tableId]);
  });

  it('answers RouteTableId.N that does not exist with InvalidRouteTableID.NotFound, and DryRun with 412', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const tableId = (await ec2.routeTables(filters(['vpc-id', vpcId])))[0]!.routeTableId;
    expect(ids(await ec2.routeTables({ 'RouteTableId.1': tableId }), 'routeTableId')).toEqual([tableId]);
    await ec2.fails('DescribeRouteTables', { 'RouteTableId.1': 'rtb-4fc866a0' }, 'InvalidRouteTableID.NotFound', "The routeTable ID 'rtb-4fc866a0' does not exist");
    await ec2.fails('DescribeRouteTables', { 'RouteTableId.1': tableId, DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    await ec2.fails('DescribeRouteTables', { MaxResults: '2', DryRun: 'true' }, 'InvalidParameterValue', 'Value ( 2 ) for parameter maxResults is invalid. Expecting a value greater than 5.');
  });

  it('pages with MaxResults and NextToken', async () => {
    const ec2 = emulator();
    for (let i = 1; i <= 6; i++) await ec2.createVpc(`10.${i}.0.0/16`);
    const all = ids(await ec2.routeTables(), 'routeTableId');
    expect(all).toHaveLength(7);
    const first = await ec2.ok('DescribeRouteTables', { MaxResults: '5' });
    expect(ids(items(first.routeTableSet), 'routeTableId')).toEqual(all.slice(0, 5));
    const second = await ec2.ok('DescribeRouteTables', { MaxResults: '5', NextToken: first.nextToken });
    expect(ids(items(second.routeTableSet), 'routeTableId')).toEqual(all.slice(5));
    expect(second).not.toHaveProperty('nextToken');
  });
});

// ====================================================================== subnets

describe('CreateSubnet', () => {
  it('answers the subnet with every field: size less 5 free, its ARN, not default for its zone', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const res = await ec2.call('CreateSubnet', { VpcId: vpcId, CidrBlock: '10.0.1.0/24' });
    expect(res.status).toBe(200);
    const subnet = res.xml.CreateSubnetResponse.subnet;
    expect(subnet.subnetId).toMatch(/^subnet-[0-9a-f]{17}$/);
    expect(subnet).toEqual({
      availabilityZoneId: 'use1-az6',
      mapCustomerOwnedIpOnLaunch: 'false',
      ownerId: ACCOUNT,
      assignIpv6AddressOnCreation: 'false',
      ipv6CidrBlockAssociationSet: '',
      subnetArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${subnet.subnetId}`,
      enableDns64: 'false',
      ipv6Native: 'false',
      privateDnsNameOptionsOnLaunch: {
        hostnameType: 'ip-name',
        enableResourceNameDnsARecord: 'false',
        enableResourceNameDnsAAAARecord: 'false',
      },
      blockPublicAccessStates: { internetGatewayBlockMode: 'off' },
      subnetId: subnet.subnetId,
      state: 'available',
      vpcId,
      cidrBlock: '10.0.1.0/24',
      availableIpAddressCount: '251',
      availabilityZone: 'us-east-1a',
      defaultForAz: 'false',
      mapPublicIpOnLaunch: 'false',
    });
    // No tagSet when untagged; DescribeSubnets answers the same item.
    expect(await ec2.subnet(subnet.subnetId)).toEqual(subnet);
  });

  it('counts 5 reserved addresses in every size: /28 has 11, /16 has 65531', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc('10.0.0.0/16');
    expect((await ec2.createSubnet(vpcId, '10.0.0.0/28')).availableIpAddressCount).toBe('11');
    const other = await ec2.createVpc('10.1.0.0/16');
    expect((await ec2.createSubnet(other, '10.1.0.0/16')).availableIpAddressCount).toBe('65531');
  });

  it('stores a CIDR with host bits set as its network (as for VPCs)', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const subnet = await ec2.createSubnet(vpcId, '10.0.2.7/24');
    expect([subnet.cidrBlock, subnet.availableIpAddressCount]).toEqual(['10.0.2.0/24', '251']);
    await ec2.fails('CreateSubnet', { VpcId: vpcId, CidrBlock: '10.0.2.9/25' }, 'InvalidSubnet.Conflict', "The CIDR '10.0.2.9/25' conflicts with another subnet");
  });

  it('picks the zone with the fewest subnets of the VPC (first by name on a tie), or the one named by name or id', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const zone = async (cidr: string, extra: Fields = {}) => {
      const s = await ec2.createSubnet(vpcId, cidr, extra);
      return [s.availabilityZone, s.availabilityZoneId];
    };
    expect(await zone('10.0.1.0/24')).toEqual(['us-east-1a', 'use1-az6']);
    expect(await zone('10.0.2.0/24')).toEqual(['us-east-1b', 'use1-az1']);
    expect(await zone('10.0.3.0/24', { AvailabilityZone: 'us-east-1a' })).toEqual(['us-east-1a', 'use1-az6']);
    expect(await zone('10.0.4.0/24', { AvailabilityZoneId: 'use1-az1' })).toEqual(['us-east-1b', 'use1-az1']);
    expect(await zone('10.0.5.0/24')).toEqual(['us-east-1c', 'use1-az2']);
    expect(await zone('10.0.6.0/24', { AvailabilityZone: 'us-east-1f' })).toEqual(['us-east-1f', 'use1-az5']);
    expect(await zone('10.0.7.0/24')).toEqual(['us-east-1d', 'use1-az4']);
  });

  it('answers and stores tags from TagSpecification', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const subnet = await ec2.createSubnet(vpcId, '10.0.1.0/24', {
      'TagSpecification.1.ResourceType': 'subnet',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'web-a',
      'TagSpecification.1.Tag.2.Key': 'tier',
      'TagSpecification.1.Tag.2.Value': 'web',
    });
    const tags = { item: [{ key: 'Name', value: 'web-a' }, { key: 'tier', value: 'web' }] };
    expect(subnet.tagSet).toEqual(tags);
    expect((await ec2.subnet(subnet.subnetId)).tagSet).toEqual(tags);
    await ec2.fails(
      'CreateSubnet',
      { VpcId: vpcId, CidrBlock: '10.0.2.0/24', 'TagSpecification.1.ResourceType': 'vpc', 'TagSpecification.1.Tag.1.Key': 'a' },
      'InvalidParameterValue',
      "'vpc' is not a valid taggable resource type for this operation.",
    );
  });

  it('answers MissingParameter for VpcId and CidrBlock, and the VPC id errors', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    await ec2.fails('CreateSubnet', { CidrBlock: '10.0.1.0/24' }, 'MissingParameter', 'The request must contain the parameter vpcId');
    await ec2.fails('CreateSubnet', { VpcId: vpcId }, 'MissingParameter', 'The request must contain the parameter cidrBlock');
    await ec2.fails('CreateSubnet', { VpcId: 'lab', CidrBlock: '10.0.1.0/24' }, 'InvalidVpcID.Malformed', 'Invalid id: "lab" (expecting "vpc-...")');
    await ec2.fails('CreateSubnet', { VpcId: 'vpc-ac2220ca', CidrBlock: '10.0.1.0/24' }, 'InvalidVpcID.NotFound', "The vpc ID 'vpc-ac2220ca' does not exist");
  });

  it('answers InvalidParameterValue for a CIDR that does not parse or is not IPv4', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    for (const cidr of ['SomeRandomString', '10.0.1.0', '2600:1f10::/64', '10.0.1.0/33']) {
      await ec2.fails(
        'CreateSubnet',
        { VpcId: vpcId, CidrBlock: cidr },
        'InvalidParameterValue',
        `Value (${cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`,
      );
    }
  });

  it.each(['10.0.1.0/29', '10.0.1.0/30', '10.0.0.0/15', '10.10.1.0/24', '9.255.255.0/24'])(
    'answers InvalidSubnet.Range for %s (outside /16-/28 or outside the VPC)',
    async (cidr) => {
      const ec2 = emulator();
      const vpcId = await ec2.createVpc('10.0.0.0/16');
      await ec2.fails('CreateSubnet', { VpcId: vpcId, CidrBlock: cidr }, 'InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`);
    },
  );

  it('answers InvalidSubnet.Conflict for a block overlapping another subnet of the VPC, but not one of another VPC', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc('10.0.0.0/16');
    await ec2.createSubnet(vpcId, '10.0.1.0/24');
    for (const cidr of ['10.0.1.0/24', '10.0.0.0/20', '10.0.1.128/25']) {
      await ec2.fails('CreateSubnet', { VpcId: vpcId, CidrBlock: cidr }, 'InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`);
    }
    await ec2.createSubnet(vpcId, '10.0.2.0/24');
    const other = await ec2.createVpc('10.0.0.0/16');
    await ec2.createSubnet(other, '10.0.1.0/24');
  });

  it("answers InvalidParameterValue listing the region's zones for an unknown zone name or id, and InvalidParameterCombination for both", async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const base = { VpcId: vpcId, CidrBlock: '10.0.1.0/24' };
    await ec2.fails(
      'CreateSubnet',
      { ...base, AvailabilityZone: 'us-east-1z' },
      'InvalidParameterValue',
      `Value (us-east-1z) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${US_EAST_1_ZONE_LIST}.`,
    );
    await ec2.fails(
      'CreateSubnet',
      { ...base, AvailabilityZone: 'eu-west-1a' },
      'InvalidParameterValue',
      `Value (eu-west-1a) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${US_EAST_1_ZONE_LIST}.`,
    );
    await ec2.fails(
      'CreateSubnet',
      { ...base, AvailabilityZoneId: 'use1-az9' },
      'InvalidParameterValue',
      'Value (use1-az9) for parameter availabilityZoneId is invalid. Subnets can currently only be created in the following availability zones: use1-az6, use1-az1, use1-az2, use1-az4, use1-az3, use1-az5.',
    );
    await ec2.fails(
      'CreateSubnet',
      { ...base, AvailabilityZone: 'us-east-1a', AvailabilityZoneId: 'use1-az6' },
      'InvalidParameterCombination',
      'Only one of availabilityZone or availabilityZoneId may be specified.',
    );
  });

  it('validates before DryRun: a valid request answers DryRunOperation and creates nothing; an invalid one its error', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    await ec2.createSubnet(vpcId, '10.0.1.0/24');
    await ec2.fails('CreateSubnet', { VpcId: vpcId, CidrBlock: '10.0.2.0/24', DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    expect(ids(await ec2.subnets(filters(['vpc-id', vpcId])), 'cidrBlock')).toEqual(['10.0.1.0/24']);
    const [acl] = await ec2.acls(filters(['vpc-id', vpcId]));
    expect(items(acl!.associationSet)).toHaveLength(1);
    await ec2.fails('CreateSubnet', { VpcId: vpcId, CidrBlock: '10.0.1.0/24', DryRun: 'true' }, 'InvalidSubnet.Conflict', "The CIDR '10.0.1.0/24' conflicts with another subnet");
    await ec2.fails('CreateSubnet', { VpcId: vpcId, CidrBlock: '10.1.0.0/24', DryRun: 'true' }, 'InvalidSubnet.Range', "The CIDR '10.1.0.0/24' is invalid.");
    await ec2.fails('CreateSubnet', { VpcId: 'vpc-12345678', CidrBlock: '10.0.3.0/24', DryRun: 'true' }, 'InvalidVpcID.NotFound', "The vpc ID 'vpc-12345678' does not exist");
  });
});

describe('DescribeSubnets', () => {
  it('shows the default VPC with one default /20 subnet per zone, in zone order with zone ids, public', async () => {
    const ec2 = emulator();
    const defaultVpcId = await ec2.defaultVpcId();
    const subnets = await ec2.subnets(filters(['vpc-id', defaultVpcId]));
    expect(subnets.map((s) => [s.cidrBlock, s.availabilityZone, s.availabilityZoneId])).toEqual(
      US_EAST_1_ZONES.map(([zone, zoneId], i) => [`172.31.${i * 16}.0/20`, zone, zoneId]),
    );
    for (const s of subnets) {
      expect(s).toMatchObject({ defaultForAz: 'true', mapPublicIpOnLaunch: 'true', availableIpAddressCount: '4091', state: 'available', vpcId: defaultVpcId, ownerId: ACCOUNT });
      expect(s.subnetArn).toBe(`arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${s.subnetId}`);
    }
    expect(await ec2.subnets()).toEqual(subnets);
  });

  it('has the default subnets of another region, from the SigV4 credential scope, with that region in ARNs and zones', async () => {
    const ec2 = emulator('eu-west-1');
    const subnets = await ec2.subnets();
    expect(subnets.map((s) => [s.cidrBlock, s.availabilityZone, s.availabilityZoneId])).toEqual([
      ['172.31.0.0/20', 'eu-west-1a', 'euw1-az3'],
      ['172.31.16.0/20', 'eu-west-1b', 'euw1-az1'],
      ['172.31.32.0/20', 'eu-west-1c', 'euw1-az2'],
    ]);
    expect(subnets[0]!.subnetArn).toBe(`arn:aws:ec2:eu-west-1:${ACCOUNT}:subnet/${subnets[0]!.subnetId}`);
    // us-east-1 is a separate region with its own six.
    expect(await emulator().subnets()).toHaveLength(6);
  });

  it('filters by every family: vpc-id, subnet-id, default-for-az, zone, cidr, counts, state, tags, and the camel-case aliases', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const a = await ec2.createSubnet(vpcId, '10.0.1.0/24', { AvailabilityZone: 'us-east-1c', 'TagSpecification.1.ResourceType': 'subnet', 'TagSpecification.1.Tag.1.Key': 'Name', 'TagSpecification.1.Tag.1.Value': 'app-a' });
    const b = await ec2.createSubnet(vpcId, '10.0.2.0/28', { AvailabilityZone: 'us-east-1d' });
    const defaultC = (await ec2.subnets(filters(['default-for-az', 'true'], ['availability-zone', 'us-east-1c'])))[0]!;
    const subnetIds = async (fields: Fields) => ids(await ec2.subnets(fields), 'subnetId');

    expect(await subnetIds(filters(['vpc-id', vpcId]))).toEqual([a.subnetId, b.subnetId]);
    expect(await subnetIds(filters(['subnet-id', b.subnetId, a.subnetId]))).toEqual([a.subnetId, b.subnetId]);
    expect(await subnetIds(filters(['default-for-az', 'true']))).toHaveLength(6);
    expect(await subnetIds(filters(['defaultForAz', 'false']))).toEqual([a.subnetId, b.subnetId]);
    expect(await subnetIds(filters(['availability-zone', 'us-east-1c']))).toEqual([defaultC.subnetId, a.subnetId]);
    expect(await subnetIds(filters(['availabilityZone', 'us-east-1c']))).toEqual([defaultC.subnetId, a.subnetId]);
    expect(await subnetIds(filters(['availability-zone-id', 'use1-az4'], ['vpc-id', vpcId]))).toEqual([b.subnetId]);
    expect(await subnetIds(filters(['availabilityZoneId', 'use1-az4'], ['vpc-id', vpcId]))).toEqual([b.subnetId]);
    for (const name of ['cidr-block', 'cidr', 'cidrBlock']) {
      expect(await subnetIds(filters([name, '10.0.2.0/28']))).toEqual([b.subnetId]);
    }
    expect(await subnetIds(filters(['cidr-block', '10.0.*']))).toEqual([a.subnetId, b.subnetId]);
    expect(await subnetIds(filters(['available-ip-address-count', '11']))).toEqual([b.subnetId]);
    expect(await subnetIds(filters(['map-public-ip-on-launch', 'false']))).toEqual([a.subnetId, b.subnetId]);
    expect(await subnetIds(filters(['state', 'available'], ['owner-id', ACCOUNT]))).toHaveLength(8);
    expect(await subnetIds(filters(['subnet-arn', `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${b.subnetId}`]))).toEqual([b.subnetId]);
    expect(await subnetIds(filters(['tag:Name', 'app-*']))).toEqual([a.subnetId]);
    expect(await subnetIds(filters(['tag-key', 'Name']))).toEqual([a.subnetId]);
    expect(await subnetIds(filters(['ipv6-cidr-block-association.ipv6-cidr-block', '*']))).toEqual([]);
    await ec2.fails('DescribeSubnets', filters(['vpcId', vpcId]), 'InvalidParameterValue', "The filter 'vpcId' is invalid");
  });

  it('answers SubnetId.N it does not hold with InvalidSubnetID.NotFound, and DryRun with 412', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    expect(ids(await ec2.subnets({ 'SubnetId.1': subnetId, 'SubnetId.2': subnetId }), 'subnetId')).toEqual([subnetId]);
    await ec2.fails('DescribeSubnets', { 'SubnetId.1': subnetId, 'SubnetId.2': 'subnet-ed4ddcb6' }, 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-ed4ddcb6' does not exist");
    await ec2.fails('DescribeSubnets', { 'SubnetId.1': subnetId, DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    await ec2.fails('DescribeSubnets', { ...filters(['bogus', 'x']), DryRun: 'true' }, 'InvalidParameterValue', "The filter 'bogus' is invalid");
  });

  it('pages with MaxResults and NextToken', async () => {
    const ec2 = emulator();
    const { vpcId } = await ec2.vpcWithSubnet();
    await ec2.createSubnet(vpcId, '10.0.2.0/24');
    const all = ids(await ec2.subnets(), 'subnetId');
    expect(all).toHaveLength(8);
    const first = await ec2.ok('DescribeSubnets', { MaxResults: '5' });
    expect(ids(items(first.subnetSet), 'subnetId')).toEqual(all.slice(0, 5));
    const second = await ec2.ok('DescribeSubnets', { MaxResults: '5', NextToken: first.nextToken });
    expect(ids(items(second.subnetSet), 'subnetId')).toEqual(all.slice(5));
    expect(second).not.toHaveProperty('nextToken');
    const filtered = await ec2.ok('DescribeSubnets', { ...filters(['vpc-id', vpcId]), MaxResults: '5' });
    expect(items(filtered.subnetSet)).toHaveLength(2);
    expect(filtered).not.toHaveProperty('nextToken');
    await ec2.fails('DescribeSubnets', { MaxResults: '0' }, 'InvalidParameterValue', 'Value ( 0 ) for parameter maxResults is invalid. Expecting a value greater than 5.');
    await ec2.fails('DescribeSubnets', { NextToken: '!!' }, 'InvalidParameterValue', 'Value ( !! ) for parameter NextToken is invalid. The token is invalid.');
  });

  it('takes tags through CreateTags and DeleteTags on a subnet- id', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    await ec2.ok('CreateTags', { 'ResourceId.1': subnetId, 'Tag.1.Key': 'env', 'Tag.1.Value': 'dev' });
    expect((await ec2.subnet(subnetId)).tagSet).toEqual({ item: [{ key: 'env', value: 'dev' }] });
    const described = await ec2.ok('DescribeTags', filters(['resource-id', subnetId]));
    expect(items(described.tagSet)).toEqual([{ resourceId: subnetId, resourceType: 'subnet', key: 'env', value: 'dev' }]);
    await ec2.ok('DeleteTags', { 'ResourceId.1': subnetId, 'Tag.1.Key': 'env' });
    expect(await ec2.subnet(subnetId)).not.toHaveProperty('tagSet');
    await ec2.fails('CreateTags', { 'ResourceId.1': 'subnet-12345678', 'Tag.1.Key': 'a', 'Tag.1.Value': 'b' }, 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-12345678' does not exist");
  });
});

describe('DeleteSubnet', () => {
  it('deletes a subnet (<return>true</return>); it is gone, its tags and ACL association with it', async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    await ec2.ok('CreateTags', { 'ResourceId.1': subnetId, 'Tag.1.Key': 'env', 'Tag.1.Value': 'dev' });
    const res = await ec2.call('DeleteSubnet', { SubnetId: subnetId });
    expect(res.status).toBe(200);
    expect(res.xml.DeleteSubnetResponse.return).toBe('true');
    await ec2.fails('DescribeSubnets', { 'SubnetId.1': subnetId }, 'InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
    expect(items((await ec2.ok('DescribeTags', filters(['resource-id', subnetId]))).tagSet)).toEqual([]);
    expect((await ec2.acls(filters(['vpc-id', vpcId])))[0]!.associationSet).toBe('');
    // Its block is free again.
    await ec2.createSubnet(vpcId, '10.0.1.0/24');
  });

  it('answers MissingParameter, Malformed and NotFound for the subnet id', async () => {
    const ec2 = emulator();
    await ec2.fails('DeleteSubnet', {}, 'MissingParameter', 'The request must contain the parameter subnetId');
    await ec2.fails('DeleteSubnet', { SubnetId: 'foo' }, 'InvalidSubnetID.Malformed', 'Invalid id: "foo" (expecting "subnet-...")');
    await ec2.fails('DeleteSubnet', { SubnetId: 'subnet-ed4ddcb6' }, 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-ed4ddcb6' does not exist");
  });

  it('answers DependencyViolation while the subnet has network interfaces, and deletes it once they are gone', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const eni = await ec2.createEni(subnetId);
    await ec2.fails('DeleteSubnet', { SubnetId: subnetId }, 'DependencyViolation', `The subnet '${subnetId}' has dependencies and cannot be deleted.`);
    await ec2.fails('DeleteSubnet', { SubnetId: subnetId, DryRun: 'true' }, 'DependencyViolation', `The subnet '${subnetId}' has dependencies and cannot be deleted.`);
    await ec2.ok('DeleteNetworkInterface', { NetworkInterfaceId: eni.networkInterfaceId });
    await ec2.ok('DeleteSubnet', { SubnetId: subnetId });
  });

  it('answers DryRunOperation for a valid request and keeps the subnet', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    await ec2.fails('DeleteSubnet', { SubnetId: subnetId, DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    expect((await ec2.subnet(subnetId)).subnetId).toBe(subnetId);
    await ec2.fails('DeleteSubnet', { SubnetId: 'subnet-ed4ddcb6', DryRun: 'true' }, 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-ed4ddcb6' does not exist");
  });
});

describe('DeleteVpc and subnets', () => {
  it('answers DependencyViolation while the VPC has subnets, and deletes it (with its ACL and route table) after', async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const aclId = (await ec2.acls(filters(['vpc-id', vpcId])))[0]!.networkAclId;
    const tableId = (await ec2.routeTables(filters(['vpc-id', vpcId])))[0]!.routeTableId;
    await ec2.ok('CreateTags', { 'ResourceId.1': aclId, 'ResourceId.2': tableId, 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' });
    await ec2.fails('DeleteVpc', { VpcId: vpcId }, 'DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
    await ec2.fails('DeleteVpc', { VpcId: vpcId, DryRun: 'true' }, 'DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
    await ec2.ok('DeleteSubnet', { SubnetId: subnetId });
    await ec2.ok('DeleteVpc', { VpcId: vpcId });
    expect(await ec2.acls(filters(['vpc-id', vpcId]))).toEqual([]);
    expect(await ec2.routeTables(filters(['vpc-id', vpcId]))).toEqual([]);
    expect(items((await ec2.ok('DescribeTags', filters(['key', 'k']))).tagSet)).toEqual([]);
    await ec2.fails('DescribeNetworkAcls', { 'NetworkAclId.1': aclId }, 'InvalidNetworkAclID.NotFound', `The networkAcl ID '${aclId}' does not exist`);
    await ec2.fails('DescribeRouteTables', { 'RouteTableId.1': tableId }, 'InvalidRouteTableID.NotFound', `The routeTable ID '${tableId}' does not exist`);
  });

  it('keeps the default VPC until its default subnets are deleted, then deletes it', async () => {
    const ec2 = emulator();
    const defaultVpcId = await ec2.defaultVpcId();
    await ec2.fails('DeleteVpc', { VpcId: defaultVpcId }, 'DependencyViolation', `The vpc '${defaultVpcId}' has dependencies and cannot be deleted.`);
    expect(await deleteDefaultVpc(ec2.app)).toBe(defaultVpcId);
    expect(items((await ec2.ok('DescribeVpcs', filters(['isDefault', 'true']))).vpcSet)).toEqual([]);
    expect(await ec2.subnets()).toEqual([]);
  });
});

// ====================================================================== DescribeAvailabilityZones

describe('DescribeAvailabilityZones', () => {
  it("answers us-east-1's six zones, each with its id, zoneState, type, opt-in status and groups", async () => {
    const ec2 = emulator();
    const res = await ec2.call('DescribeAvailabilityZones');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<zoneState>available</zoneState>');
    const zones = items(res.xml.DescribeAvailabilityZonesResponse.availabilityZoneInfo);
    expect(zones.map((z) => [z.zoneName, z.zoneId])).toEqual(US_EAST_1_ZONES);
    expect(zones[0]).toEqual({
      optInStatus: 'opt-in-not-required',
      messageSet: '',
      regionName: 'us-east-1',
      zoneName: 'us-east-1a',
      zoneId: 'use1-az6',
      groupName: 'us-east-1-zg-1',
      networkBorderGroup: 'us-east-1',
      zoneType: 'availability-zone',
      zoneState: 'available',
    });
  });

  it('answers the zones of the region in the SigV4 credential scope', async () => {
    const zonesOf = async (region: string) => {
      const body = await emulator(region).ok('DescribeAvailabilityZones');
      return items(body.availabilityZoneInfo).map((z) => [z.zoneName, z.zoneId, z.regionName]);
    };
    expect(await zonesOf('eu-west-1')).toEqual([
      ['eu-west-1a', 'euw1-az3', 'eu-west-1'],
      ['eu-west-1b', 'euw1-az1', 'eu-west-1'],
      ['eu-west-1c', 'euw1-az2', 'eu-west-1'],
    ]);
    // No "b" for new accounts in ap-northeast-1.
    expect(await zonesOf('ap-northeast-1')).toEqual([
      ['ap-northeast-1a', 'apne1-az4', 'ap-northeast-1'],
      ['ap-northeast-1c', 'apne1-az1', 'ap-northeast-1'],
      ['ap-northeast-1d', 'apne1-az2', 'ap-northeast-1'],
    ]);
  });

  it('selects by ZoneName.N and ZoneId.N, and filters by zone-name, zone-id, region-name, state, zone-type and opt-in-status', async () => {
    const ec2 = emulator();
    const names = async (fields: Fields) => ids(items((await ec2.ok('DescribeAvailabilityZones', fields)).availabilityZoneInfo), 'zoneName');
    expect(await names({ 'ZoneName.1': 'us-east-1c', 'ZoneName.2': 'us-east-1a' })).toEqual(['us-east-1a', 'us-east-1c']);
    expect(await names({ 'ZoneId.1': 'use1-az1' })).toEqual(['us-east-1b']);
    expect(await names({ 'ZoneId.1': 'use1-az1', 'ZoneName.1': 'us-east-1a' })).toEqual(['us-east-1a', 'us-east-1b']);
    expect(await names(filters(['zone-name', 'us-east-1e']))).toEqual(['us-east-1e']);
    expect(await names(filters(['zone-id', 'use1-az2', 'use1-az3']))).toEqual(['us-east-1c', 'us-east-1e']);
    expect(await names(filters(['region-name', 'us-east-1'], ['state', 'available'], ['zone-type', 'availability-zone'], ['opt-in-status', 'opt-in-not-required']))).toHaveLength(6);
    expect(await names(filters(['zone-type', 'local-zone']))).toEqual([]);
    expect(await names({ AllAvailabilityZones: 'true' })).toHaveLength(6);
  });

  it('answers InvalidParameterValue for a zone name or id the region does not have, and for an unknown filter', async () => {
    const ec2 = emulator();
    await ec2.fails('DescribeAvailabilityZones', { 'ZoneName.1': 'us-east-1a', 'ZoneName.2': 'us-east-1z' }, 'InvalidParameterValue', 'Invalid availability zone: [us-east-1z]');
    await ec2.fails('DescribeAvailabilityZones', { 'ZoneName.1': 'eu-west-1a' }, 'InvalidParameterValue', 'Invalid availability zone: [eu-west-1a]');
    await ec2.fails('DescribeAvailabilityZones', { 'ZoneId.1': 'use1-az9' }, 'InvalidParameterValue', 'Invalid availability zone-id: [use1-az9]');
    await ec2.fails('DescribeAvailabilityZones', filters(['foo', 'x']), 'InvalidParameterValue', "The filter 'foo' is invalid");
  });

  it('answers DryRunOperation for a valid request and the validation error for an invalid one', async () => {
    const ec2 = emulator();
    await ec2.fails('DescribeAvailabilityZones', { DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    await ec2.fails('DescribeAvailabilityZones', { 'ZoneName.1': 'us-east-1z', DryRun: 'true' }, 'InvalidParameterValue', 'Invalid availability zone: [us-east-1z]');
  });
});

// ====================================================================== network interfaces

describe('CreateNetworkInterface', () => {
  it("answers a pending interface with every field: the subnet's first free address, the VPC's default group, DNS name", async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const defaultGroupId = await ec2.defaultGroupId(vpcId);
    const res = await ec2.call('CreateNetworkInterface', { SubnetId: subnetId, Description: 'app nic' });
    expect(res.status).toBe(200);
    const eni = res.xml.CreateNetworkInterfaceResponse.networkInterface;
    expect(res.xml.CreateNetworkInterfaceResponse).not.toHaveProperty('clientToken');
    expect(eni.networkInterfaceId).toMatch(/^eni-[0-9a-f]{17}$/);
    expect(eni.macAddress).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(eni).toEqual({
      availabilityZone: 'us-east-1a',
      description: 'app nic',
      groupSet: { item: [{ groupId: defaultGroupId, groupName: 'default' }] },
      interfaceType: 'interface',
      ipv6AddressesSet: '',
      macAddress: eni.macAddress,
      networkInterfaceId: eni.networkInterfaceId,
      ownerId: ACCOUNT,
      privateDnsName: 'ip-10-0-1-4.ec2.internal',
      privateIpAddress: '10.0.1.4',
      privateIpAddressesSet: { item: [{ primary: 'true', privateDnsName: 'ip-10-0-1-4.ec2.internal', privateIpAddress: '10.0.1.4' }] },
      requesterManaged: 'false',
      sourceDestCheck: 'true',
      status: 'pending',
      subnetId,
      tagSet: '',
      vpcId,
      ipv6Native: 'false',
      operator: { managed: 'false' },
      availabilityZoneId: 'use1-az6',
    });
    // Later describes answer it available, otherwise the same.
    expect(await ec2.eni(eni.networkInterfaceId)).toEqual({ ...eni, status: 'available' });
  });

  it('gives each new interface the first free address after the 4 reserved, reusing freed ones, and counts them in the subnet', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const first = await ec2.createEni(subnetId);
    const second = await ec2.createEni(subnetId);
    expect([first.privateIpAddress, second.privateIpAddress]).toEqual(['10.0.1.4', '10.0.1.5']);
    expect((await ec2.subnet(subnetId)).availableIpAddressCount).toBe('249');
    await ec2.ok('DeleteNetworkInterface', { NetworkInterfaceId: first.networkInterfaceId });
    expect((await ec2.subnet(subnetId)).availableIpAddressCount).toBe('250');
    expect((await ec2.createEni(subnetId)).privateIpAddress).toBe('10.0.1.4');
    expect((await ec2.createEni(subnetId)).privateIpAddress).toBe('10.0.1.6');
  });

  it('takes a PrivateIpAddress, secondary addresses by count or by list, primary first', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const named = await ec2.createEni(subnetId, { PrivateIpAddress: '10.0.1.200', SecondaryPrivateIpAddressCount: '2' });
    expect(named.privateIpAddress).toBe('10.0.1.200');
    expect(items(named.privateIpAddressesSet)).toEqual([
      { primary: 'true', privateDnsName: 'ip-10-0-1-200.ec2.internal', privateIpAddress: '10.0.1.200' },
      { primary: 'false', privateDnsName: 'ip-10-0-1-4.ec2.internal', privateIpAddress: '10.0.1.4' },
      { primary: 'false', privateDnsName: 'ip-10-0-1-5.ec2.internal', privateIpAddress: '10.0.1.5' },
    ]);
    const listed = await ec2.createEni(subnetId, {
      'PrivateIpAddresses.1.PrivateIpAddress': '10.0.1.50',
      'PrivateIpAddresses.2.PrivateIpAddress': '10.0.1.51',
      'PrivateIpAddresses.2.Primary': 'true',
    });
    expect(listed.privateIpAddress).toBe('10.0.1.51');
    expect(items(listed.privateIpAddressesSet).map((a) => [a.privateIpAddress, a.primary])).toEqual([
      ['10.0.1.51', 'true'],
      ['10.0.1.50', 'false'],
    ]);
    expect((await ec2.subnet(subnetId)).availableIpAddressCount).toBe(String(251 - 5));
  });

  it('uses the region of the request in DNS names: <host>.<region>.compute.internal outside us-east-1', async () => {
    const ec2 = emulator('eu-west-1');
    const [subnet] = await ec2.subnets();
    const eni = await ec2.createEni(subnet!.subnetId);
    expect(eni.privateIpAddress).toBe('172.31.0.4');
    expect(eni.privateDnsName).toBe('ip-172-31-0-4.eu-west-1.compute.internal');
    expect(eni.availabilityZone).toBe('eu-west-1a');
    expect(eni.availabilityZoneId).toBe('euw1-az3');
    const usEast = emulator();
    const [usSubnet] = await usEast.subnets();
    expect((await usEast.createEni(usSubnet!.subnetId)).privateDnsName).toBe('ip-172-31-0-4.ec2.internal');
  });

  it('holds the groups asked for, in request order without repeats', async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const web = await ec2.createGroup('web', vpcId);
    const db = await ec2.createGroup('db', vpcId);
    const eni = await ec2.createEni(subnetId, { 'SecurityGroupId.1': db, 'SecurityGroupId.2': web, 'SecurityGroupId.3': db });
    expect(items(eni.groupSet)).toEqual([
      { groupId: db, groupName: 'db' },
      { groupId: web, groupName: 'web' },
    ]);
  });

  it('answers and stores tags from TagSpecification, and rejects another resource type', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const eni = await ec2.createEni(subnetId, {
      'TagSpecification.1.ResourceType': 'network-interface',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'nic-1',
    });
    expect(eni.tagSet).toEqual({ item: [{ key: 'Name', value: 'nic-1' }] });
    expect((await ec2.eni(eni.networkInterfaceId)).tagSet).toEqual({ item: [{ key: 'Name', value: 'nic-1' }] });
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: subnetId, 'TagSpecification.1.ResourceType': 'subnet', 'TagSpecification.1.Tag.1.Key': 'a' },
      'InvalidParameterValue',
      "'subnet' is not a valid taggable resource type for this operation.",
    );
    expect(await ec2.enis()).toHaveLength(1);
  });

  it('answers the subnet id errors', async () => {
    const ec2 = emulator();
    await ec2.fails('CreateNetworkInterface', {}, 'MissingParameter', 'The request must contain the parameter subnetId');
    await ec2.fails('CreateNetworkInterface', { SubnetId: 'xyz' }, 'InvalidSubnetID.Malformed', 'Invalid id: "xyz" (expecting "subnet-...")');
    await ec2.fails('CreateNetworkInterface', { SubnetId: 'subnet-a78bf4fc' }, 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-a78bf4fc' does not exist");
  });

  it('answers the security group errors: malformed, unknown, another VPC, more than five', async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const otherVpc = await ec2.createVpc('10.1.0.0/16');
    const foreign = await ec2.createGroup('foreign', otherVpc);
    await ec2.fails('CreateNetworkInterface', { SubnetId: subnetId, 'SecurityGroupId.1': 'bad' }, 'InvalidGroupId.Malformed', 'Invalid id: "bad" (expecting "sg-...")');
    await ec2.fails('CreateNetworkInterface', { SubnetId: subnetId, 'SecurityGroupId.1': 'sg-123abc' }, 'InvalidGroup.NotFound', "The security group 'sg-123abc' does not exist");
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: subnetId, 'SecurityGroupId.1': foreign },
      'InvalidParameter',
      `Security group ${foreign} and subnet ${subnetId} belong to different networks.`,
    );
    const groups: Fields = {};
    for (let i = 1; i <= 6; i++) groups[`SecurityGroupId.${i}`] = await ec2.createGroup(`g${i}`, vpcId);
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: subnetId, ...groups },
      'InvalidParameterValue',
      `user ${ACCOUNT} exceeded limit 5 on the number of interface security group memberships`,
    );
    delete groups['SecurityGroupId.6'];
    expect(items((await ec2.createEni(subnetId, groups)).groupSet)).toHaveLength(5);
  });

  it('answers the address errors: reserved or outside the subnet, not IPv4, in use, two primaries, no room', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet('10.0.0.0/28');
    const outside = (address: string) =>
      ec2.fails('CreateNetworkInterface', { SubnetId: subnetId, PrivateIpAddress: address }, 'InvalidParameterValue', `Address ${address} does not fall within the subnet's address range`);
    // The first four and the last address of 10.0.0.0/28 are AWS's.
    for (const address of ['10.0.0.0', '10.0.0.3', '10.0.0.15', '10.0.1.4']) await outside(address);
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: subnetId, PrivateIpAddress: '10.0.0.256' },
      'InvalidParameterValue',
      'Value (10.0.0.256) for parameter privateIpAddress is invalid. Invalid IPv4 address.',
    );
    expect((await ec2.createEni(subnetId, { PrivateIpAddress: '10.0.0.14' })).privateIpAddress).toBe('10.0.0.14');
    await ec2.fails('CreateNetworkInterface', { SubnetId: subnetId, PrivateIpAddress: '10.0.0.14' }, 'InvalidIPAddress.InUse', 'The specified address is already in use');
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: subnetId, 'PrivateIpAddresses.1.PrivateIpAddress': '10.0.0.5', 'PrivateIpAddresses.2.PrivateIpAddress': '10.0.0.14' },
      'InvalidIPAddress.InUse',
      'The specified address is already in use',
    );
    await ec2.fails(
      'CreateNetworkInterface',
      {
        SubnetId: subnetId,
        'PrivateIpAddresses.1.PrivateIpAddress': '10.0.0.5',
        'PrivateIpAddresses.1.Primary': 'true',
        'PrivateIpAddresses.2.PrivateIpAddress': '10.0.0.6',
        'PrivateIpAddresses.2.Primary': 'true',
      },
      'InvalidParameterValue',
      'Only one primary private IP address can be specified.',
    );
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: subnetId, SecondaryPrivateIpAddressCount: '-1' },
      'InvalidParameterValue',
      'Value (-1) for parameter secondaryPrivateIpAddressCount is invalid. Must be a non-negative number.',
    );
    // 11 usable addresses, one taken: a primary and 10 secondaries do not fit; 9 do.
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: subnetId, SecondaryPrivateIpAddressCount: '10' },
      'InsufficientFreeAddressesInSubnet',
      "There aren't sufficient free Ipv4 addresses or prefixes",
    );
    expect(items((await ec2.createEni(subnetId, { SecondaryPrivateIpAddressCount: '9' })).privateIpAddressesSet)).toHaveLength(10);
    expect((await ec2.subnet(subnetId)).availableIpAddressCount).toBe('0');
    await ec2.fails('CreateNetworkInterface', { SubnetId: subnetId }, 'InsufficientFreeAddressesInSubnet', "There aren't sufficient free Ipv4 addresses or prefixes");
  });

  it('answers InvalidParameterValue for an InterfaceType it cannot create', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: subnetId, InterfaceType: 'interface' },
      'InvalidParameterValue',
      'Value (interface) for parameter interfaceType is invalid. Valid values: efa, efa-only, branch, trunk',
    );
    expect((await ec2.createEni(subnetId, { InterfaceType: 'trunk' })).interfaceType).toBe('trunk');
  });

  it('is all or nothing: failing on its second group writes nothing, and the first group stays deletable', async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const web = await ec2.createGroup('web', vpcId);
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: subnetId, PrivateIpAddress: '10.0.1.10', 'SecurityGroupId.1': web, 'SecurityGroupId.2': 'sg-0123456789abcdef0', 'TagSpecification.1.ResourceType': 'network-interface', 'TagSpecification.1.Tag.1.Key': 'k' },
      'InvalidGroup.NotFound',
      "The security group 'sg-0123456789abcdef0' does not exist",
    );
    expect(await ec2.enis()).toEqual([]);
    expect((await ec2.subnet(subnetId)).availableIpAddressCount).toBe('251');
    expect(items((await ec2.ok('DescribeTags', filters(['resource-type', 'network-interface']))).tagSet)).toEqual([]);
    // The address was not taken.
    expect((await ec2.createEni(subnetId, { PrivateIpAddress: '10.0.1.10' })).privateIpAddress).toBe('10.0.1.10');
    await ec2.ok('DeleteSecurityGroup', { GroupId: web });
  });

  it('is idempotent by ClientToken: the same request answers the same interface; other parameters are a mismatch', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const request = { SubnetId: subnetId, Description: 'a', ClientToken: 'token-1' };
    const first = await ec2.ok('CreateNetworkInterface', request);
    expect(first.clientToken).toBe('token-1');
    const again = await ec2.ok('CreateNetworkInterface', request);
    expect(again.clientToken).toBe('token-1');
    expect(again.networkInterface.networkInterfaceId).toBe(first.networkInterface.networkInterfaceId);
    expect(await ec2.enis()).toHaveLength(1);
    await ec2.fails(
      'CreateNetworkInterface',
      { ...request, Description: 'b' },
      'IdempotentParameterMismatch',
      "The client token 'token-1' was already used with different parameters.",
    );
    expect(await ec2.enis()).toHaveLength(1);
  });

  it('validates before DryRun: a valid request answers DryRunOperation and writes nothing; an invalid one its error', async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const web = await ec2.createGroup('web', vpcId);
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: subnetId, 'SecurityGroupId.1': web, DryRun: 'true' },
      'DryRunOperation',
      'Request would have succeeded, but DryRun flag is set.',
      412,
    );
    expect(await ec2.enis()).toEqual([]);
    expect((await ec2.subnet(subnetId)).availableIpAddressCount).toBe('251');
    await ec2.ok('DeleteSecurityGroup', { GroupId: web });
    await ec2.fails('CreateNetworkInterface', { SubnetId: subnetId, 'SecurityGroupId.1': web, DryRun: 'true' }, 'InvalidGroup.NotFound', `The security group '${web}' does not exist`);
    await ec2.fails('CreateNetworkInterface', { SubnetId: subnetId, PrivateIpAddress: '10.0.1.1', DryRun: 'true' }, 'InvalidParameterValue', "Address 10.0.1.1 does not fall within the subnet's address range");
  });
});

describe('DescribeNetworkInterfaces', () => {
  it('filters by every family: subnet-id, vpc-id, group-id, group-name, addresses, description, status, zone, tags', async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const other = await ec2.createSubnet(vpcId, '10.0.2.0/24', { AvailabilityZone: 'us-east-1c' });
    const web = await ec2.createGroup('web', vpcId);
    const a = await ec2.createEni(subnetId, { Description: 'alpha', 'SecurityGroupId.1': web, SecondaryPrivateIpAddressCount: '1' });
    const b = await ec2.createEni(other.subnetId, {
      Description: 'beta',
      'TagSpecification.1.ResourceType': 'network-interface',
      'TagSpecification.1.Tag.1.Key': 'role',
      'TagSpecification.1.Tag.1.Value': 'worker',
    });
    const [defaultSubnet] = await ec2.subnets(filters(['default-for-az', 'true']));
    const c = await ec2.createEni(defaultSubnet!.subnetId);
    const eniIds = async (fields: Fields) => ids(await ec2.enis(fields), 'networkInterfaceId');
    const [A, B, C] = [a.networkInterfaceId, b.networkInterfaceId, c.networkInterfaceId];

    expect(await eniIds({})).toEqual([A, B, C]);
    expect(await eniIds(filters(['subnet-id', other.subnetId]))).toEqual([B]);
    expect(await eniIds(filters(['vpc-id', vpcId]))).toEqual([A, B]);
    expect(await eniIds(filters(['group-id', web]))).toEqual([A]);
    expect(await eniIds(filters(['group-name', 'default']))).toEqual([B, C]);
    expect(await eniIds(filters(['private-ip-address', '10.0.1.5']))).toEqual([A]);
    expect(await eniIds(filters(['addresses.private-ip-address', '10.0.1.5'], ['addresses.primary', 'false']))).toEqual([A]);
    expect(await eniIds(filters(['addresses.primary', 'false']))).toEqual([A]);
    expect(await eniIds(filters(['description', 'b*']))).toEqual([B]);
    expect(await eniIds(filters(['status', 'available']))).toEqual([A, B, C]);
    expect(await eniIds(filters(['status', 'in-use']))).toEqual([]);
    expect(await eniIds(filters(['availability-zone', 'us-east-1c']))).toEqual([B]);
    expect(await eniIds(filters(['availability-zone-id', 'use1-az2']))).toEqual([B]);
    expect(await eniIds(filters(['network-interface-id', C]))).toEqual([C]);
    expect(await eniIds(filters(['mac-address', a.macAddress]))).toEqual([A]);
    expect(await eniIds(filters(['private-dns-name', 'ip-172-31-*']))).toEqual([C]);
    expect(await eniIds(filters(['interface-type', 'interface'], ['owner-id', ACCOUNT], ['source-dest-check', 'true']))).toEqual([A, B, C]);
    expect(await eniIds(filters(['attachment.instance-id', '*']))).toEqual([]);
    expect(await eniIds(filters(['tag:role', 'worker']))).toEqual([B]);
    expect(await eniIds(filters(['tag-key', 'role']))).toEqual([B]);
    await ec2.fails('DescribeNetworkInterfaces', filters(['groupId', web]), 'InvalidParameterValue', "The filter 'groupId' is invalid");
  });

  it('answers NetworkInterfaceId.N that is malformed or unknown with its error', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const eni = await ec2.createEni(subnetId);
    expect(ids(await ec2.enis({ 'NetworkInterfaceId.1': eni.networkInterfaceId }), 'networkInterfaceId')).toEqual([eni.networkInterfaceId]);
    await ec2.fails('DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': 'to-set' }, 'InvalidNetworkInterfaceId.Malformed', 'Invalid id: "to-set" (expecting "eni-...")');
    await ec2.fails(
      'DescribeNetworkInterfaces',
      { 'NetworkInterfaceId.1': eni.networkInterfaceId, 'NetworkInterfaceId.2': 'eni-3be29617' },
      'InvalidNetworkInterfaceID.NotFound',
      "The networkInterface ID 'eni-3be29617' does not exist",
    );
    await ec2.fails('DescribeNetworkInterfaces', { DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    await ec2.fails('DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': 'eni-3be29617', DryRun: 'true' }, 'InvalidNetworkInterfaceID.NotFound', "The networkInterface ID 'eni-3be29617' does not exist");
  });

  it('pages with MaxResults and NextToken', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await ec2.createEni(subnetId)).networkInterfaceId);
    const first = await ec2.ok('DescribeNetworkInterfaces', { MaxResults: '5' });
    expect(ids(items(first.networkInterfaceSet), 'networkInterfaceId')).toEqual(created.slice(0, 5));
    const second = await ec2.ok('DescribeNetworkInterfaces', { MaxResults: '5', NextToken: first.nextToken });
    expect(ids(items(second.networkInterfaceSet), 'networkInterfaceId')).toEqual(created.slice(5));
    expect(second).not.toHaveProperty('nextToken');
    await ec2.fails('DescribeNetworkInterfaces', { MaxResults: '2000' }, 'InvalidParameterValue', 'Value ( 2000 ) for parameter maxResults is invalid. Expecting a value less than 1000.');
  });

  it('takes tags through CreateTags on an eni- id', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const eni = await ec2.createEni(subnetId);
    await ec2.ok('CreateTags', { 'ResourceId.1': eni.networkInterfaceId, 'Tag.1.Key': 'Name', 'Tag.1.Value': 'nic' });
    expect((await ec2.eni(eni.networkInterfaceId)).tagSet).toEqual({ item: [{ key: 'Name', value: 'nic' }] });
    expect(ids(await ec2.enis(filters(['tag:Name', 'nic'])), 'networkInterfaceId')).toEqual([eni.networkInterfaceId]);
    await ec2.fails(
      'CreateTags',
      { 'ResourceId.1': 'eni-3be29617', 'Tag.1.Key': 'a', 'Tag.1.Value': 'b' },
      'InvalidNetworkInterfaceID.NotFound',
      "The networkInterface ID 'eni-3be29617' does not exist",
    );
  });
});

describe('DeleteNetworkInterface', () => {
  it('deletes an interface (<return>true</return>); it is gone with its tags, and its address is free', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const eni = await ec2.createEni(subnetId, { 'TagSpecification.1.ResourceType': 'network-interface', 'TagSpecification.1.Tag.1.Key': 'k' });
    const res = await ec2.call('DeleteNetworkInterface', { NetworkInterfaceId: eni.networkInterfaceId });
    expect(res.status).toBe(200);
    expect(res.xml.DeleteNetworkInterfaceResponse.return).toBe('true');
    await ec2.fails(
      'DescribeNetworkInterfaces',
      { 'NetworkInterfaceId.1': eni.networkInterfaceId },
      'InvalidNetworkInterfaceID.NotFound',
      `The networkInterface ID '${eni.networkInterfaceId}' does not exist`,
    );
    expect(items((await ec2.ok('DescribeTags', filters(['resource-id', eni.networkInterfaceId]))).tagSet)).toEqual([]);
    expect((await ec2.subnet(subnetId)).availableIpAddressCount).toBe('251');
  });

  it('answers MissingParameter, Malformed and NotFound for the interface id', async () => {
    const ec2 = emulator();
    await ec2.fails('DeleteNetworkInterface', {}, 'MissingParameter', 'The request must contain the parameter networkInterfaceId');
    await ec2.fails('DeleteNetworkInterface', { NetworkInterfaceId: 'nic-1' }, 'InvalidNetworkInterfaceId.Malformed', 'Invalid id: "nic-1" (expecting "eni-...")');
    await ec2.fails('DeleteNetworkInterface', { NetworkInterfaceId: 'eni-3be29617' }, 'InvalidNetworkInterfaceID.NotFound', "The networkInterface ID 'eni-3be29617' does not exist");
  });

  it('answers DryRunOperation for a valid request and keeps the interface', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const eni = await ec2.createEni(subnetId);
    await ec2.fails('DeleteNetworkInterface', { NetworkInterfaceId: eni.networkInterfaceId, DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    expect((await ec2.eni(eni.networkInterfaceId)).networkInterfaceId).toBe(eni.networkInterfaceId);
    await ec2.fails('DeleteNetworkInterface', { NetworkInterfaceId: 'eni-3be29617', DryRun: 'true' }, 'InvalidNetworkInterfaceID.NotFound', "The networkInterface ID 'eni-3be29617' does not exist");
  });
});

describe('DeleteSecurityGroup and network interfaces', () => {
  it('answers DependencyViolation while an interface holds the group, and deletes it once none does', async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const web = await ec2.createGroup('web', vpcId);
    const eni = await ec2.createEni(subnetId, { 'SecurityGroupId.1': web });
    await ec2.fails('DeleteSecurityGroup', { GroupId: web }, 'DependencyViolation', `resource ${web} has a dependent object`);
    await ec2.fails('DeleteSecurityGroup', { GroupId: web, DryRun: 'true' }, 'DependencyViolation', `resource ${web} has a dependent object`);
    await ec2.ok('DeleteNetworkInterface', { NetworkInterfaceId: eni.networkInterfaceId });
    await ec2.ok('DeleteSecurityGroup', { GroupId: web });
  });

  it('releases the group when ModifyNetworkInterfaceAttribute replaces it', async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const web = await ec2.createGroup('web', vpcId);
    const app = await ec2.createGroup('app', vpcId);
    const eni = await ec2.createEni(subnetId, { 'SecurityGroupId.1': web });
    await ec2.ok('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: eni.networkInterfaceId, 'SecurityGroupId.1': app });
    await ec2.ok('DeleteSecurityGroup', { GroupId: web });
    await ec2.fails('DeleteSecurityGroup', { GroupId: app }, 'DependencyViolation', `resource ${app} has a dependent object`);
  });
});

describe('ModifyNetworkInterfaceAttribute', () => {
  async function setup() {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const eni = await ec2.createEni(subnetId, { Description: 'before' });
    return { ec2, vpcId, subnetId, eniId: eni.networkInterfaceId as string };
  }

  it('changes the description, the source/dest check, or the groups, one per request', async () => {
    const { ec2, vpcId, eniId } = await setup();
    const res = await ec2.call('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: eniId, 'Description.Value': 'after' });
    expect(res.status).toBe(200);
    expect(res.xml.ModifyNetworkInterfaceAttributeResponse.return).toBe('true');
    expect((await ec2.eni(eniId)).description).toBe('after');
    await ec2.ok('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: eniId, 'SourceDestCheck.Value': 'false' });
    expect((await ec2.eni(eniId)).sourceDestCheck).toBe('false');
    const web = await ec2.createGroup('web', vpcId);
    const db = await ec2.createGroup('db', vpcId);
    await ec2.ok('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: eniId, 'SecurityGroupId.1': web, 'SecurityGroupId.2': db });
    expect(items((await ec2.eni(eniId)).groupSet)).toEqual([
      { groupId: web, groupName: 'web' },
      { groupId: db, groupName: 'db' },
    ]);
    expect(await ec2.enis(filters(['source-dest-check', 'false'], ['description', 'after'], ['group-id', db]))).toHaveLength(1);
  });

  it('answers InvalidParameterCombination for no attribute or for two, naming them in the order sent', async () => {
    const { ec2, eniId } = await setup();
    await ec2.fails('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: eniId }, 'InvalidParameterCombination', 'No attributes specified.');
    await ec2.fails(
      'ModifyNetworkInterfaceAttribute',
      { NetworkInterfaceId: eniId, 'Description.Value': 'x', 'SourceDestCheck.Value': 'false' },
      'InvalidParameterCombination',
      'Fields for multiple attribute types specified: description, sourceDestCheck',
    );
    const defaultGroup = items((await ec2.eni(eniId)).groupSet)[0]!.groupId;
    await ec2.fails(
      'ModifyNetworkInterfaceAttribute',
      { NetworkInterfaceId: eniId, 'SecurityGroupId.1': defaultGroup, 'Description.Value': 'x' },
      'InvalidParameterCombination',
      'Fields for multiple attribute types specified: groupSet, description',
    );
    expect((await ec2.eni(eniId)).description).toBe('before');
  });

  it('answers the group errors: malformed, unknown, another VPC, more than five (SecurityGroupsPerInterfaceLimitExceeded)', async () => {
    const { ec2, vpcId, subnetId, eniId } = await setup();
    const modify = (groups: Fields) => ({ NetworkInterfaceId: eniId, ...groups });
    await ec2.fails('ModifyNetworkInterfaceAttribute', modify({ 'SecurityGroupId.1': 'web' }), 'InvalidGroupId.Malformed', 'Invalid id: "web" (expecting "sg-...")');
    await ec2.fails('ModifyNetworkInterfaceAttribute', modify({ 'SecurityGroupId.1': 'sg-0123456789abcdef0' }), 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist");
    const foreign = await ec2.createGroup('foreign', await ec2.createVpc('10.1.0.0/16'));
    await ec2.fails(
      'ModifyNetworkInterfaceAttribute',
      modify({ 'SecurityGroupId.1': foreign }),
      'InvalidParameter',
      `Security group ${foreign} and subnet ${subnetId} belong to different networks.`,
    );
    const groups: Fields = {};
    for (let i = 1; i <= 6; i++) groups[`SecurityGroupId.${i}`] = await ec2.createGroup(`g${i}`, vpcId);
    await ec2.fails(
      'ModifyNetworkInterfaceAttribute',
      modify(groups),
      'SecurityGroupsPerInterfaceLimitExceeded',
      'The maximum number of security groups per interface has been reached.',
    );
    expect(items((await ec2.eni(eniId)).groupSet).map((g) => g.groupName)).toEqual(['default']);
  });

  it('answers the interface id errors', async () => {
    const ec2 = emulator();
    const value = { 'Description.Value': 'x' };
    await ec2.fails('ModifyNetworkInterfaceAttribute', value, 'MissingParameter', 'The request must contain the parameter networkInterfaceId');
    await ec2.fails('ModifyNetworkInterfaceAttribute', { ...value, NetworkInterfaceId: 'to-set' }, 'InvalidNetworkInterfaceId.Malformed', 'Invalid id: "to-set" (expecting "eni-...")');
    await ec2.fails('ModifyNetworkInterfaceAttribute', { ...value, NetworkInterfaceId: 'eni-3be29617' }, 'InvalidNetworkInterfaceID.NotFound', "The networkInterface ID 'eni-3be29617' does not exist");
  });

  it('validates before DryRun: a valid request answers DryRunOperation and changes nothing', async () => {
    const { ec2, eniId } = await setup();
    await ec2.fails('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: eniId, 'Description.Value': 'dry', DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    expect((await ec2.eni(eniId)).description).toBe('before');
    await ec2.fails(
      'ModifyNetworkInterfaceAttribute',
      { NetworkInterfaceId: eniId, 'SecurityGroupId.1': 'sg-0123456789abcdef0', DryRun: 'true' },
      'InvalidGroup.NotFound',
      "The security group 'sg-0123456789abcdef0' does not exist",
    );
  });
});

describe('DescribeNetworkInterfaceAttribute', () => {
  it('answers only the attribute asked for', async () => {
    const ec2 = emulator();
    const { vpcId, subnetId } = await ec2.vpcWithSubnet();
    const defaultGroupId = await ec2.defaultGroupId(vpcId);
    const eniId: string = (await ec2.createEni(subnetId, { Description: 'nic' })).networkInterfaceId;
    const read = async (attribute: string) => {
      const res = await ec2.call('DescribeNetworkInterfaceAttribute', { NetworkInterfaceId: eniId, Attribute: attribute });
      expect(res.status).toBe(200);
      const { requestId, '@_xmlns': namespace, ...rest } = res.xml.DescribeNetworkInterfaceAttributeResponse;
      expect([typeof requestId, namespace]).toEqual(['string', NAMESPACE]);
      return { body: res.body, rest };
    };
    const description = await read('description');
    expect(description.body).toContain('<description><value>nic</value></description>');
    expect(description.rest).toEqual({ networkInterfaceId: eniId, description: { value: 'nic' } });
    const sourceDestCheck = await read('sourceDestCheck');
    expect(sourceDestCheck.body).toContain('<sourceDestCheck><value>true</value></sourceDestCheck>');
    expect(sourceDestCheck.rest).toEqual({ networkInterfaceId: eniId, sourceDestCheck: { value: 'true' } });
    expect((await read('groupSet')).rest).toEqual({ networkInterfaceId: eniId, groupSet: { item: [{ groupId: defaultGroupId, groupName: 'default' }] } });
    const publicIp = await read('associatePublicIpAddress');
    expect(publicIp.body).toContain('<associatePublicIpAddress>false</associatePublicIpAddress>');
    expect(publicIp.rest).toEqual({ networkInterfaceId: eniId, associatePublicIpAddress: 'false' });
    // Never attached here, so there is no attachment to show.
    expect((await read('attachment')).rest).toEqual({ networkInterfaceId: eniId });
  });

  it('answers MissingParameter without Attribute, InvalidParameterValue for an unknown one, and the id errors', async () => {
    const ec2 = emulator();
    const { subnetId } = await ec2.vpcWithSubnet();
    const eniId: string = (await ec2.createEni(subnetId)).networkInterfaceId;
    await ec2.fails('DescribeNetworkInterfaceAttribute', { NetworkInterfaceId: eniId }, 'MissingParameter', 'The request must contain the parameter attribute');
    await ec2.fails(
      'DescribeNetworkInterfaceAttribute',
      { NetworkInterfaceId: eniId, Attribute: 'foo' },
      'InvalidParameterValue',
      'Value (foo) for parameter attribute is invalid. Unknown attribute.',
    );
    await ec2.fails('DescribeNetworkInterfaceAttribute', { Attribute: 'description' }, 'MissingParameter', 'The request must contain the parameter networkInterfaceId');
    await ec2.fails('DescribeNetworkInterfaceAttribute', { NetworkInterfaceId: 'x', Attribute: 'description' }, 'InvalidNetworkInterfaceId.Malformed', 'Invalid id: "x" (expecting "eni-...")');
    await ec2.fails(
      'DescribeNetworkInterfaceAttribute',
      { NetworkInterfaceId: 'eni-3be29617', Attribute: 'description' },
      'InvalidNetworkInterfaceID.NotFound',
      "The networkInterface ID 'eni-3be29617' does not exist",
    );
    await ec2.fails('DescribeNetworkInterfaceAttribute', { NetworkInterfaceId: eniId, Attribute: 'description', DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    await ec2.fails(
      'DescribeNetworkInterfaceAttribute',
      { NetworkInterfaceId: eniId, Attribute: 'foo', DryRun: 'true' },
      'InvalidParameterValue',
      'Value (foo) for parameter attribute is invalid. Unknown attribute.',
    );
  });
});
