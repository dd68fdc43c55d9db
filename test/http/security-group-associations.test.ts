/**
 * Security groups associated with other VPCs, through raw form bodies (app.inject):
 * AssociateSecurityGroupVpc, DisassociateSecurityGroupVpc, DescribeSecurityGroupVpcAssociations,
 * GetSecurityGroupsForVpc. Each answer's exact XML shape, every error the handlers implement (code,
 * message verbatim, status), validation before DryRun, filters and paging, and what an association
 * changes elsewhere: network interfaces in the other VPC may hold the group, and the group, the VPC
 * and the association cannot go while something depends on them. Evidence and our choices:
 * /work/research/issue11-aws.md §3 and §5, README fidelity notes.
 */
import { describe, expect, it } from 'vitest';
import {
  buildTestApp,
  errorOf,
  filterFields as filters,
  items,
  rawClient,
  sigV4Authorization as sigV4,
  type Fields,
  type Item,
} from '../helpers/inject.js';


const ACCOUNT = '000000000000';
const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';


/**
 * A fresh emulator with two new VPCs (`home` 10.0.0.0/16 with the group `app`, `other`
 * 10.1.0.0/16 with the subnet 10.1.1.0/24) and the default VPC.
 */
async function emulator() {
  const { app } = buildTestApp();
  const { call, ok, fails } = rawClient(app);
  const createVpc = async (cidr: string): Promise<string> => (await ok('CreateVpc', { CidrBlock: cidr })).vpc.vpcId;
  const createGroup = async (name: string, vpcId: string, extra: Fields = {}): Promise<string> =>
    (await ok('CreateSecurityGroup', { GroupName: name, GroupDescription: `${name} group`, VpcId: vpcId, ...extra })).groupId;
  const groupIdOf = async (name: string, vpcId: string): Promise<string> =>
    items((await ok('DescribeSecurityGroups', filters(['group-name', name], ['vpc-id', vpcId]))).securityGroupInfo)[0]!.groupId;
  const associations = async (fields: Fields = {}): Promise<Item[]> =>
    items((await ok('DescribeSecurityGroupVpcAssociations', fields)).securityGroupVpcAssociationSet);
  const groupsForVpc = async (vpcId: string, fields: Fields = {}): Promise<Item[]> =>
    items((await ok('GetSecurityGroupsForVpc', { VpcId: vpcId, ...fields })).securityGroupForVpcSet);

  const home = await createVpc('10.0.0.0/16');
  const other = await createVpc('10.1.0.0/16');
  const subnet = (await ok('CreateSubnet', { VpcId: other, CidrBlock: '10.1.1.0/24' })).subnet.subnetId as string;
  const group = await createGroup('app', home);
  const defaultVpc = items((await ok('DescribeVpcs', filters(['is-default', 'true']))).vpcSet)[0]!.vpcId as string;
  return { app, call, ok, fails, createVpc, createGroup, groupIdOf, associations, groupsForVpc, home, other, subnet, group, defaultVpc };
}

const pair = (groupId: string, vpcId: string): Fields => ({ GroupId: groupId, VpcId: vpcId });

// ====================================================================== AssociateSecurityGroupVpc

describe('AssociateSecurityGroupVpc', () => {
  it('answers <state>associating</state> and nothing else', async () => {
    const ec2 = await emulator();
    const res = await ec2.call('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    expect(res.status).toBe(200);
    const body = res.xml.AssociateSecurityGroupVpcResponse;
    expect(body['@_xmlns']).toBe(NAMESPACE);
    expect(Object.keys(body).sort()).toEqual(['@_xmlns', 'requestId', 'state']);
    expect(body.state).toBe('associating');
  });

  it('the association is `associated` in every describe after, two polls in a row (Terraform waits for that)', async () => {
    const ec2 = await emulator();
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    const expected = { groupId: ec2.group, vpcId: ec2.other, vpcOwnerId: ACCOUNT, state: 'associated', groupOwnerId: ACCOUNT };
    const byPair = filters(['group-id', ec2.group], ['vpc-id', ec2.other]);
    expect(await ec2.associations(byPair)).toEqual([expected]);
    expect(await ec2.associations(byPair)).toEqual([expected]);
    // No stateReason while nothing failed; the group's own VPC is not an association.
    expect(await ec2.associations()).toEqual([expected]);
  });

  it('a group may be associated with several VPCs, and a VPC with several groups', async () => {
    const ec2 = await emulator();
    const third = await ec2.createVpc('10.2.0.0/16');
    const second = await ec2.createGroup('second', ec2.home);
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, third));
    await ec2.ok('AssociateSecurityGroupVpc', pair(second, ec2.other));
    expect((await ec2.associations()).map((a) => [a.groupId, a.vpcId])).toEqual([
      [ec2.group, ec2.other],
      [ec2.group, third],
      [second, ec2.other],
    ]);
  });

  describe('errors', () => {
    it('a missing, empty or malformed GroupId', async () => {
      const ec2 = await emulator();
      await ec2.fails('AssociateSecurityGroupVpc', { VpcId: ec2.other }, 'MissingParameter', 'The request must contain the parameter groupId');
      await ec2.fails('AssociateSecurityGroupVpc', pair('', ec2.other), 'InvalidGroupId.Malformed', "The security-group ID '' is malformed");
      await ec2.fails('AssociateSecurityGroupVpc', pair('web', ec2.other), 'InvalidGroupId.Malformed', 'Invalid id: "web" (expecting "sg-...")');
    });

    it('a missing, empty or malformed VpcId', async () => {
      const ec2 = await emulator();
      await ec2.fails('AssociateSecurityGroupVpc', { GroupId: ec2.group }, 'MissingParameter', 'The request must contain the parameter vpcId');
      await ec2.fails('AssociateSecurityGroupVpc', pair(ec2.group, ''), 'MissingParameter', 'The request must contain the parameter vpcId');
      await ec2.fails('AssociateSecurityGroupVpc', pair(ec2.group, 'vpc-xyz'), 'InvalidVpcID.Malformed', 'Invalid id: "vpc-xyz" (expecting "vpc-...")');
    });

    it('a group or VPC that does not exist (the group is looked up first)', async () => {
      const ec2 = await emulator();
      await ec2.fails('AssociateSecurityGroupVpc', pair('sg-0123456789abcdef0', ec2.other), 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist");
      await ec2.fails('AssociateSecurityGroupVpc', pair(ec2.group, 'vpc-0123456789abcdef0'), 'InvalidVpcID.NotFound', "The vpc ID 'vpc-0123456789abcdef0' does not exist");
      await ec2.fails('AssociateSecurityGroupVpc', pair('sg-0123456789abcdef0', 'vpc-0123456789abcdef0'), 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist");
    });

    it("a VPC default group, the default VPC, the group's own VPC", async () => {
      const ec2 = await emulator();
      const defaultGroup = await ec2.groupIdOf('default', ec2.home);
      await ec2.fails(
        'AssociateSecurityGroupVpc',
        pair(defaultGroup, ec2.other),
        'InvalidParameterValue',
        `Security group ${defaultGroup} is a default security group. You cannot use this feature with default security groups.`,
      );
      await ec2.fails(
        'AssociateSecurityGroupVpc',
        pair(ec2.group, ec2.defaultVpc),
        'InvalidParameterValue',
        `VPC ${ec2.defaultVpc} is a default VPC. You cannot use this feature with the default VPC.`,
      );
      await ec2.fails(
        'AssociateSecurityGroupVpc',
        pair(ec2.group, ec2.home),
        'InvalidParameterValue',
        `Security group ${ec2.group} belongs to VPC ${ec2.home}. A security group can only be associated with another VPC.`,
      );
      // A group of the default VPC cannot be associated with another VPC either: it is the
      // default VPC's group (its home VPC is the default VPC, and default groups are refused first).
      const inDefault = await ec2.groupIdOf('default', ec2.defaultVpc);
      await ec2.fails(
        'AssociateSecurityGroupVpc',
        pair(inDefault, ec2.other),
        'InvalidParameterValue',
        `Security group ${inDefault} is a default security group. You cannot use this feature with default security groups.`,
      );
      expect(await ec2.associations()).toEqual([]);
    });

    it('a pair already associated is Resource.AlreadyAssociated', async () => {
      const ec2 = await emulator();
      await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
      await ec2.fails(
        'AssociateSecurityGroupVpc',
        pair(ec2.group, ec2.other),
        'Resource.AlreadyAssociated',
        `The security group ${ec2.group} is already associated with ${ec2.other}.`,
      );
      expect(await ec2.associations()).toHaveLength(1);
    });

    it('a group or VPC of another region does not exist here', async () => {
      const ec2 = await emulator();
      const elsewhere = { authorization: sigV4('eu-west-1') };
      const res = await ec2.call('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other), elsewhere);
      expect({ status: res.status, ...errorOf(res.xml) }).toEqual({
        status: 400,
        code: 'InvalidGroup.NotFound',
        message: `The security group '${ec2.group}' does not exist`,
      });
      const farVpc = (await ec2.call('CreateVpc', { CidrBlock: '10.9.0.0/16' }, elsewhere)).xml.CreateVpcResponse.vpc.vpcId;
      await ec2.fails('AssociateSecurityGroupVpc', pair(ec2.group, farVpc), 'InvalidVpcID.NotFound', `The vpc ID '${farVpc}' does not exist`);
    });
  });

  it('DryRun: a valid request answers DryRunOperation 412 and associates nothing; validation errors win', async () => {
    const ec2 = await emulator();
    await ec2.fails('AssociateSecurityGroupVpc', { ...pair(ec2.group, ec2.other), DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    expect(await ec2.associations()).toEqual([]);
    await ec2.fails(
      'AssociateSecurityGroupVpc',
      { ...pair(ec2.group, ec2.home), DryRun: 'true' },
      'InvalidParameterValue',
      `Security group ${ec2.group} belongs to VPC ${ec2.home}. A security group can only be associated with another VPC.`,
    );
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    await ec2.fails(
      'AssociateSecurityGroupVpc',
      { ...pair(ec2.group, ec2.other), DryRun: 'true' },
      'Resource.AlreadyAssociated',
      `The security group ${ec2.group} is already associated with ${ec2.other}.`,
    );
  });
});

// ====================================================================== DisassociateSecurityGroupVpc

describe('DisassociateSecurityGroupVpc', () => {
  it('answers <state>disassociating</state>, and the association is gone from every describe after', async () => {
    const ec2 = await emulator();
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    const res = await ec2.call('DisassociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    expect(res.status).toBe(200);
    const body = res.xml.DisassociateSecurityGroupVpcResponse;
    expect(body['@_xmlns']).toBe(NAMESPACE);
    expect(Object.keys(body).sort()).toEqual(['@_xmlns', 'requestId', 'state']);
    expect(body.state).toBe('disassociating');

    // Never a lingering `disassociated` item: the set is empty, also by state.
    const described = await ec2.call('DescribeSecurityGroupVpcAssociations', filters(['group-id', ec2.group], ['vpc-id', ec2.other]));
    expect(described.body).toContain('<securityGroupVpcAssociationSet/>');
    expect(await ec2.associations(filters(['state', 'disassociated', 'disassociating']))).toEqual([]);
    expect((await ec2.groupsForVpc(ec2.other)).map((g) => g.groupId)).not.toContain(ec2.group);
    // And it can be associated again.
    expect((await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other))).state).toBe('associating');
  });

  describe('errors', () => {
    it('the parameter and existence checks of Associate', async () => {
      const ec2 = await emulator();
      await ec2.fails('DisassociateSecurityGroupVpc', { VpcId: ec2.other }, 'MissingParameter', 'The request must contain the parameter groupId');
      await ec2.fails('DisassociateSecurityGroupVpc', pair('sg_1', ec2.other), 'InvalidGroupId.Malformed', 'Invalid id: "sg_1" (expecting "sg-...")');
      await ec2.fails('DisassociateSecurityGroupVpc', { GroupId: ec2.group }, 'MissingParameter', 'The request must contain the parameter vpcId');
      await ec2.fails('DisassociateSecurityGroupVpc', pair(ec2.group, 'vpc1'), 'InvalidVpcID.Malformed', 'Invalid id: "vpc1" (expecting "vpc-...")');
      await ec2.fails('DisassociateSecurityGroupVpc', pair('sg-0123456789abcdef0', ec2.other), 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist");
      await ec2.fails('DisassociateSecurityGroupVpc', pair(ec2.group, 'vpc-0123456789abcdef0'), 'InvalidVpcID.NotFound', "The vpc ID 'vpc-0123456789abcdef0' does not exist");
      await ec2.fails(
        'DisassociateSecurityGroupVpc',
        pair(ec2.group, ec2.home),
        'InvalidParameterValue',
        `Security group ${ec2.group} belongs to VPC ${ec2.home}. A security group can only be associated with another VPC.`,
      );
    });

    it('a pair that is not associated (never, or no longer) is InvalidGroup.NotFound, as Terraform expects', async () => {
      const ec2 = await emulator();
      const message = `The security group '${ec2.group}' does not exist in VPC '${ec2.other}'`;
      await ec2.fails('DisassociateSecurityGroupVpc', pair(ec2.group, ec2.other), 'InvalidGroup.NotFound', message);
      await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
      await ec2.ok('DisassociateSecurityGroupVpc', pair(ec2.group, ec2.other));
      await ec2.fails('DisassociateSecurityGroupVpc', pair(ec2.group, ec2.other), 'InvalidGroup.NotFound', message);
    });

    it('a network interface in that VPC holding the group is DependencyViolation, until it is gone', async () => {
      const ec2 = await emulator();
      await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
      const eni = (await ec2.ok('CreateNetworkInterface', { SubnetId: ec2.subnet, 'SecurityGroupId.1': ec2.group })).networkInterface;
      await ec2.fails('DisassociateSecurityGroupVpc', pair(ec2.group, ec2.other), 'DependencyViolation', `resource ${ec2.group} has a dependent object`);
      expect(await ec2.associations()).toHaveLength(1);

      await ec2.ok('DeleteNetworkInterface', { NetworkInterfaceId: eni.networkInterfaceId });
      expect((await ec2.ok('DisassociateSecurityGroupVpc', pair(ec2.group, ec2.other))).state).toBe('disassociating');
    });

    it('an interface holding the group in another VPC does not keep it associated with this one', async () => {
      const ec2 = await emulator();
      const homeSubnet = (await ec2.ok('CreateSubnet', { VpcId: ec2.home, CidrBlock: '10.0.1.0/24' })).subnet.subnetId;
      await ec2.ok('CreateNetworkInterface', { SubnetId: homeSubnet, 'SecurityGroupId.1': ec2.group });
      await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
      expect((await ec2.ok('DisassociateSecurityGroupVpc', pair(ec2.group, ec2.other))).state).toBe('disassociating');
    });
  });

  it('DryRun: answers DryRunOperation 412 and the association stays; NotFound wins over DryRun', async () => {
    const ec2 = await emulator();
    await ec2.fails(
      'DisassociateSecurityGroupVpc',
      { ...pair(ec2.group, ec2.other), DryRun: 'true' },
      'InvalidGroup.NotFound',
      `The security group '${ec2.group}' does not exist in VPC '${ec2.other}'`,
    );
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    await ec2.fails('DisassociateSecurityGroupVpc', { ...pair(ec2.group, ec2.other), DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    expect((await ec2.associations()).map((a) => a.state)).toEqual(['associated']);
  });
});

// ====================================================================== what an association changes elsewhere

describe('an association and the rest of the API', () => {
  it('network interfaces in the associated VPC may hold the group (create and modify); before it, the groups are of different networks', async () => {
    const ec2 = await emulator();
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: ec2.subnet, 'SecurityGroupId.1': ec2.group },
      'InvalidParameter',
      `Security group ${ec2.group} and subnet ${ec2.subnet} belong to different networks.`,
    );
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    const otherDefault = await ec2.groupIdOf('default', ec2.other);
    const eni = (await ec2.ok('CreateNetworkInterface', { SubnetId: ec2.subnet, 'SecurityGroupId.1': ec2.group, 'SecurityGroupId.2': otherDefault }))
      .networkInterface;
    expect(items(eni.groupSet).map((g) => [g.groupId, g.groupName])).toEqual([
      [ec2.group, 'app'],
      [otherDefault, 'default'],
    ]);

    const plain = (await ec2.ok('CreateNetworkInterface', { SubnetId: ec2.subnet })).networkInterface;
    await ec2.ok('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: plain.networkInterfaceId, 'SecurityGroupId.1': ec2.group });
    const modified = items((await ec2.ok('DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': plain.networkInterfaceId })).networkInterfaceSet)[0]!;
    expect(items(modified.groupSet).map((g) => g.groupId)).toEqual([ec2.group]);

    // A third VPC the group is not associated with still refuses it.
    const third = await ec2.createVpc('10.2.0.0/16');
    const thirdSubnet = (await ec2.ok('CreateSubnet', { VpcId: third, CidrBlock: '10.2.1.0/24' })).subnet.subnetId;
    await ec2.fails(
      'CreateNetworkInterface',
      { SubnetId: thirdSubnet, 'SecurityGroupId.1': ec2.group },
      'InvalidParameter',
      `Security group ${ec2.group} and subnet ${thirdSubnet} belong to different networks.`,
    );
  });

  it('DeleteSecurityGroup of a group with an association is DependencyViolation until it is disassociated', async () => {
    const ec2 = await emulator();
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    await ec2.fails('DeleteSecurityGroup', { GroupId: ec2.group }, 'DependencyViolation', `resource ${ec2.group} has a dependent object`);
    await ec2.ok('DisassociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    expect((await ec2.ok('DeleteSecurityGroup', { GroupId: ec2.group })).return).toBe('true');
  });

  it('DeleteVpc of a VPC with an associated group is DependencyViolation until it is disassociated', async () => {
    const ec2 = await emulator();
    await ec2.ok('DeleteSubnet', { SubnetId: ec2.subnet });
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    await ec2.fails('DeleteVpc', { VpcId: ec2.other }, 'DependencyViolation', `The vpc '${ec2.other}' has dependencies and cannot be deleted.`);
    await ec2.ok('DisassociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    expect((await ec2.ok('DeleteVpc', { VpcId: ec2.other })).return).toBe('true');
  });
});

// ====================================================================== DescribeSecurityGroupVpcAssociations

describe('DescribeSecurityGroupVpcAssociations', () => {
  /** `group` and `second` (home) associated with `other` and `third`: four associations. */
  async function withFour() {
    const ec2 = await emulator();
    const third = await ec2.createVpc('10.2.0.0/16');
    const second = await ec2.createGroup('second', ec2.home);
    for (const [g, v] of [
      [ec2.group, ec2.other],
      [ec2.group, third],
      [second, ec2.other],
      [second, third],
    ] as const) {
      await ec2.ok('AssociateSecurityGroupVpc', pair(g, v));
    }
    return { ...ec2, third, second };
  }

  it('answers <securityGroupVpcAssociationSet> items with exactly groupId, vpcId, vpcOwnerId, state, groupOwnerId; empty as an empty element', async () => {
    const ec2 = await emulator();
    const empty = await ec2.call('DescribeSecurityGroupVpcAssociations');
    expect(empty.status).toBe(200);
    expect(empty.body).toContain('<securityGroupVpcAssociationSet/>');
    expect(Object.keys(empty.xml.DescribeSecurityGroupVpcAssociationsResponse).sort()).toEqual(['@_xmlns', 'requestId', 'securityGroupVpcAssociationSet']);

    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    const [item] = await ec2.associations();
    expect(Object.keys(item!)).toEqual(['groupId', 'vpcId', 'vpcOwnerId', 'state', 'groupOwnerId']);
  });

  it.each([
    ['group-id', (e: Awaited<ReturnType<typeof withFour>>) => [e.second], (e: Awaited<ReturnType<typeof withFour>>) => [[e.second, e.other], [e.second, e.third]]],
    ['vpc-id', (e: Awaited<ReturnType<typeof withFour>>) => [e.third], (e: Awaited<ReturnType<typeof withFour>>) => [[e.group, e.third], [e.second, e.third]]],
    ['state', () => ['associated'], (e: Awaited<ReturnType<typeof withFour>>) => [[e.group, e.other], [e.group, e.third], [e.second, e.other], [e.second, e.third]]],
    ['group-owner-id', () => [ACCOUNT], (e: Awaited<ReturnType<typeof withFour>>) => [[e.group, e.other], [e.group, e.third], [e.second, e.other], [e.second, e.third]]],
    ['vpc-owner-id', () => ['0000*'], (e: Awaited<ReturnType<typeof withFour>>) => [[e.group, e.other], [e.group, e.third], [e.second, e.other], [e.second, e.third]]],
    ['vpc-owner-id', () => ['1111*'], () => []],
  ])('filter %s', async (name, values, expected) => {
    const ec2 = await withFour();
    const found = await ec2.associations(filters([name, ...values(ec2)] as [string, ...string[]]));
    expect(found.map((a) => [a.groupId, a.vpcId])).toEqual(expected(ec2));
  });

  it('filters combine with AND, values with OR, and take wildcards', async () => {
    const ec2 = await withFour();
    const found = await ec2.associations(filters(['group-id', ec2.group, ec2.second], ['vpc-id', ec2.other], ['state', 'assoc*']));
    expect(found.map((a) => a.groupId)).toEqual([ec2.group, ec2.second]);
    expect(await ec2.associations(filters(['state', 'associating']))).toEqual([]);
  });

  it('an unknown filter (tags are not documented here) is InvalidParameterValue', async () => {
    const ec2 = await emulator();
    await ec2.fails('DescribeSecurityGroupVpcAssociations', filters(['tag:Name', 'x']), 'InvalidParameterValue', "The filter 'tag:Name' is invalid");
    await ec2.fails('DescribeSecurityGroupVpcAssociations', filters(['group-name', 'app']), 'InvalidParameterValue', "The filter 'group-name' is invalid");
  });

  it('pages with MaxResults / NextToken in association order, and checks both', async () => {
    const ec2 = await withFour();
    const fifth = await ec2.createGroup('fifth', ec2.home);
    const sixth = await ec2.createGroup('sixth', ec2.home);
    await ec2.ok('AssociateSecurityGroupVpc', pair(fifth, ec2.other));
    await ec2.ok('AssociateSecurityGroupVpc', pair(sixth, ec2.other));
    const first = await ec2.ok('DescribeSecurityGroupVpcAssociations', { MaxResults: '5' });
    expect(items(first.securityGroupVpcAssociationSet)).toHaveLength(5);
    expect(typeof first.nextToken).toBe('string');
    const second = await ec2.ok('DescribeSecurityGroupVpcAssociations', { MaxResults: '5', NextToken: first.nextToken });
    expect(items(second.securityGroupVpcAssociationSet).map((a) => [a.groupId, a.vpcId])).toEqual([[sixth, ec2.other]]);
    expect(second.nextToken).toBeUndefined();

    await ec2.fails('DescribeSecurityGroupVpcAssociations', { MaxResults: '4' }, 'InvalidParameterValue', 'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.');
    await ec2.fails('DescribeSecurityGroupVpcAssociations', { MaxResults: '1001' }, 'InvalidParameterValue', 'Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000.');
    await ec2.fails('DescribeSecurityGroupVpcAssociations', { NextToken: 'nope' }, 'InvalidParameterValue', 'Value ( nope ) for parameter NextToken is invalid. The token is invalid.');
  });

  it('DryRun answers DryRunOperation 412; a bad filter wins over it', async () => {
    const ec2 = await emulator();
    await ec2.fails('DescribeSecurityGroupVpcAssociations', { DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    await ec2.fails('DescribeSecurityGroupVpcAssociations', { DryRun: 'true', ...filters(['nope', 'x']) }, 'InvalidParameterValue', "The filter 'nope' is invalid");
  });

  it('shows only the associations of the account and region asked for', async () => {
    const ec2 = await emulator();
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    const res = await ec2.call('DescribeSecurityGroupVpcAssociations', {}, { authorization: sigV4('eu-west-1') });
    expect(res.status).toBe(200);
    expect(items(res.xml.DescribeSecurityGroupVpcAssociationsResponse.securityGroupVpcAssociationSet)).toEqual([]);
  });
});

// ====================================================================== GetSecurityGroupsForVpc

describe('GetSecurityGroupsForVpc', () => {
  it("lists the VPC's own groups (default group included, primaryVpcId = the VPC) and the groups associated with it (primaryVpcId = their VPC), with <tagSet>", async () => {
    const ec2 = await emulator();
    const otherDefault = await ec2.groupIdOf('default', ec2.other);
    const local = await ec2.createGroup('local', ec2.other, {
      'TagSpecification.1.ResourceType': 'security-group',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'local one',
    });
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));

    const res = await ec2.call('GetSecurityGroupsForVpc', { VpcId: ec2.other });
    expect(res.status).toBe(200);
    const body = res.xml.GetSecurityGroupsForVpcResponse;
    expect(body['@_xmlns']).toBe(NAMESPACE);
    expect(Object.keys(body).sort()).toEqual(['@_xmlns', 'requestId', 'securityGroupForVpcSet']);
    // Untagged groups carry an empty <tagSet/> (the CLI example shows "Tags": []).
    expect(res.body).toContain('<tagSet/>');
    // In the groups' creation order: the other VPC's default group, `app` (home), `local`.
    expect(items(body.securityGroupForVpcSet)).toEqual([
      { description: 'default VPC security group', groupName: 'default', ownerId: ACCOUNT, groupId: otherDefault, tagSet: '', primaryVpcId: ec2.other },
      { description: 'app group', groupName: 'app', ownerId: ACCOUNT, groupId: ec2.group, tagSet: '', primaryVpcId: ec2.home },
      {
        description: 'local group',
        groupName: 'local',
        ownerId: ACCOUNT,
        groupId: local,
        tagSet: { item: [{ key: 'Name', value: 'local one' }] },
        primaryVpcId: ec2.other,
      },
    ]);
    // The home VPC lists its own groups only: an association does not go both ways.
    expect((await ec2.groupsForVpc(ec2.home)).map((g) => [g.groupName, g.primaryVpcId])).toEqual([
      ['default', ec2.home],
      ['app', ec2.home],
    ]);
  });

  it.each([
    ['group-id', 'app', ['app']],
    ['group-name', 'loc*', ['local']],
    ['description', 'default VPC security group', ['default']],
    ['owner-id', ACCOUNT, ['default', 'app', 'local']],
    ['owner-id', '111122223333', []],
    ['primary-vpc-id', 'home', ['app']],
    ['primary-vpc-id', 'other', ['default', 'local']],
  ])('filter %s=%s', async (name, value, expected) => {
    const ec2 = await emulator();
    await ec2.createGroup('local', ec2.other);
    await ec2.ok('AssociateSecurityGroupVpc', pair(ec2.group, ec2.other));
    const resolved = name === 'group-id' ? ec2.group : value === 'home' ? ec2.home : value === 'other' ? ec2.other : value;
    const found = await ec2.groupsForVpc(ec2.other, filters([name, resolved]));
    expect(found.map((g) => g.groupName)).toEqual(expected);
  });

  it('an unknown filter (tag filters are not documented here) is InvalidParameterValue', async () => {
    const ec2 = await emulator();
    await ec2.fails('GetSecurityGroupsForVpc', { VpcId: ec2.other, ...filters(['vpc-id', ec2.other]) }, 'InvalidParameterValue', "The filter 'vpc-id' is invalid");
    await ec2.fails('GetSecurityGroupsForVpc', { VpcId: ec2.other, ...filters(['tag:Name', 'x']) }, 'InvalidParameterValue', "The filter 'tag:Name' is invalid");
  });

  it('a missing, malformed or unknown VpcId', async () => {
    const ec2 = await emulator();
    await ec2.fails('GetSecurityGroupsForVpc', {}, 'MissingParameter', 'The request must contain the parameter vpcId');
    await ec2.fails('GetSecurityGroupsForVpc', { VpcId: 'vpc-nothex' }, 'InvalidVpcID.Malformed', 'Invalid id: "vpc-nothex" (expecting "vpc-...")');
    await ec2.fails('GetSecurityGroupsForVpc', { VpcId: 'vpc-0123456789abcdef0' }, 'InvalidVpcID.NotFound', "The vpc ID 'vpc-0123456789abcdef0' does not exist");
  });

  it('pages with MaxResults / NextToken over own and associated groups together, and checks both', async () => {
    const ec2 = await emulator();
    const names = ['o1', 'h1', 'o2', 'h2', 'o3', 'h3'];
    for (const name of names) {
      const groupId = await ec2.createGroup(name, name.startsWith('o') ? ec2.other : ec2.home);
      if (name.startsWith('h')) await ec2.ok('AssociateSecurityGroupVpc', pair(groupId, ec2.other));
    }
    const first = await ec2.ok('GetSecurityGroupsForVpc', { VpcId: ec2.other, MaxResults: '5' });
    expect(items(first.securityGroupForVpcSet).map((g) => g.groupName)).toEqual(['default', 'o1', 'h1', 'o2', 'h2']);
    const second = await ec2.ok('GetSecurityGroupsForVpc', { VpcId: ec2.other, MaxResults: '5', NextToken: first.nextToken });
    expect(items(second.securityGroupForVpcSet).map((g) => g.groupName)).toEqual(['o3', 'h3']);
    expect(second.nextToken).toBeUndefined();

    await ec2.fails('GetSecurityGroupsForVpc', { VpcId: ec2.other, MaxResults: '2' }, 'InvalidParameterValue', 'Value ( 2 ) for parameter maxResults is invalid. Expecting a value greater than 5.');
    await ec2.fails('GetSecurityGroupsForVpc', { VpcId: ec2.other, NextToken: 'x' }, 'InvalidParameterValue', 'Value ( x ) for parameter NextToken is invalid. The token is invalid.');
  });

  it('DryRun answers DryRunOperation 412 after the VPC is found', async () => {
    const ec2 = await emulator();
    await ec2.fails('GetSecurityGroupsForVpc', { VpcId: ec2.other, DryRun: 'true' }, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    await ec2.fails('GetSecurityGroupsForVpc', { VpcId: 'vpc-0123456789abcdef0', DryRun: 'true' }, 'InvalidVpcID.NotFound', "The vpc ID 'vpc-0123456789abcdef0' does not exist");
  });
});
