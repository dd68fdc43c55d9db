/**
 * Security groups associated with other VPCs through the real SDK, as users walk it: associate a
 * group with a second VPC, wait with the SDK's waiter, let a network interface in that VPC hold the
 * group, see the disassociation refused while it does, delete the interface, disassociate, and see
 * the association gone (the SDK's disassociated waiter and Terraform's both wait for that), with
 * GetSecurityGroupsForVpc and the paginators along the way. Evidence: /work/research/issue11-aws.md §3, §5.
 */
import {
  AssociateSecurityGroupVpcCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupVpcAssociationsCommand,
  DisassociateSecurityGroupVpcCommand,
  GetSecurityGroupsForVpcCommand,
  paginateDescribeSecurityGroupVpcAssociations,
  paginateGetSecurityGroupsForVpc,
  waitUntilSecurityGroupVpcAssociationAssociated,
  waitUntilSecurityGroupVpcAssociationDisassociated,
  type EC2Client,
  type SecurityGroupForVpc,
  type SecurityGroupVpcAssociation,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { createGroup, ec2ErrorOf, startServerWithClient, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';

let emulator: Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  ({ emulator, ec2 } = await startServerWithClient());
});
afterAll(() => stopServer(emulator, ec2));

const newVpc = async (cidr: string): Promise<string> => (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
const newSubnet = async (vpcId: string, cidr: string): Promise<string> =>
  (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet!.SubnetId!;

/** What Terraform's aws_vpc_security_group_vpc_association reads: both filters together. */
const associationOf = async (groupId: string, vpcId: string): Promise<SecurityGroupVpcAssociation[]> =>
  (
    await ec2.send(
      new DescribeSecurityGroupVpcAssociationsCommand({
        Filters: [
          { Name: 'group-id', Values: [groupId] },
          { Name: 'vpc-id', Values: [vpcId] },
        ],
      }),
    )
  ).SecurityGroupVpcAssociations!;

const WAIT = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

describe('a group shared with a second VPC, from association to disassociation', () => {
  let home: string;
  let other: string;
  let subnet: string;
  let group: string;

  beforeAll(async () => {
    home = await newVpc('10.60.0.0/16');
    other = await newVpc('10.61.0.0/16');
    subnet = await newSubnet(other, '10.61.1.0/24');
    group = await createGroup(ec2, 'shared-app', 'shared app', home);
  });

  it('the whole journey', async () => {
    // Before the association, an interface in the other VPC cannot hold the group.
    expect(await ec2ErrorOf(() => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Groups: [group] })))).toEqual({
      code: 'InvalidParameter',
      message: `Security group ${group} and subnet ${subnet} belong to different networks.`,
      status: 400,
    });

    // Associate: answered `associating`, then `associated` on every poll after.
    const associated = await ec2.send(new AssociateSecurityGroupVpcCommand({ GroupId: group, VpcId: other }));
    expect(associated.State).toBe('associating');
    const waited = await waitUntilSecurityGroupVpcAssociationAssociated(
      { client: ec2, ...WAIT },
      { Filters: [{ Name: 'group-id', Values: [group] }, { Name: 'vpc-id', Values: [other] }] },
    );
    expect(waited.state).toBe('SUCCESS');
    const expected = { GroupId: group, VpcId: other, VpcOwnerId: ACCOUNT, State: 'associated', GroupOwnerId: ACCOUNT };
    expect(await associationOf(group, other)).toEqual([expected]);
    expect(await associationOf(group, other)).toEqual([expected]);

    // The other VPC now offers the group to its interfaces.
    const offered = (await ec2.send(new GetSecurityGroupsForVpcCommand({ VpcId: other }))).SecurityGroupForVpcs!;
    expect(offered.find((g) => g.GroupId === group)).toEqual({
      Description: 'shared app',
      GroupName: 'shared-app',
      OwnerId: ACCOUNT,
      GroupId: group,
      Tags: [],
      PrimaryVpcId: home,
    });

    // An interface in the other VPC holds the group...
    const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Groups: [group] }))).NetworkInterface!;
    expect(eni.VpcId).toBe(other);
    expect(eni.Groups).toEqual([{ GroupId: group, GroupName: 'shared-app' }]);

    // ...so the group cannot be disassociated from that VPC, nor deleted.
    expect(await ec2ErrorOf(() => ec2.send(new DisassociateSecurityGroupVpcCommand({ GroupId: group, VpcId: other })))).toEqual({
      code: 'DependencyViolation',
      message: `resource ${group} has a dependent object`,
      status: 400,
    });
    expect(await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: group })))).toMatchObject({
      code: 'DependencyViolation',
    });
    expect(await associationOf(group, other)).toEqual([expected]);

    // Delete the interface, then disassociate: answered `disassociating`, then gone.
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId }));
    const disassociated = await ec2.send(new DisassociateSecurityGroupVpcCommand({ GroupId: group, VpcId: other }));
    expect(disassociated.State).toBe('disassociating');
    const gone = await waitUntilSecurityGroupVpcAssociationDisassociated(
      { client: ec2, ...WAIT },
      { Filters: [{ Name: 'group-id', Values: [group] }, { Name: 'vpc-id', Values: [other] }] },
    );
    expect(gone.state).toBe('SUCCESS');
    expect(await associationOf(group, other)).toEqual([]);
    expect(
      (await ec2.send(new GetSecurityGroupsForVpcCommand({ VpcId: other }))).SecurityGroupForVpcs!.map((g) => g.GroupId),
    ).not.toContain(group);

    // Disassociating again is the InvalidGroup.NotFound Terraform's delete treats as "already gone".
    expect(await ec2ErrorOf(() => ec2.send(new DisassociateSecurityGroupVpcCommand({ GroupId: group, VpcId: other })))).toEqual({
      code: 'InvalidGroup.NotFound',
      message: `The security group '${group}' does not exist in VPC '${other}'`,
      status: 400,
    });

    // Nothing holds the group or the VPC any more: both can be deleted.
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: group }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet }));
    await ec2.send(new DeleteVpcCommand({ VpcId: other }));
  });
});

describe('the refusals, as the SDK reports them', () => {
  let home: string;
  let other: string;
  let group: string;

  beforeAll(async () => {
    home = await newVpc('10.62.0.0/16');
    other = await newVpc('10.63.0.0/16');
    group = await createGroup(ec2, 'refused', 'refused', home);
  });

  it('an unknown group, an unknown VPC, the default VPC, the own VPC, twice', async () => {
    const associate = (GroupId: string, VpcId: string) => ec2ErrorOf(() => ec2.send(new AssociateSecurityGroupVpcCommand({ GroupId, VpcId })));
    expect(await associate('sg-0000000000000000a', other)).toEqual({
      code: 'InvalidGroup.NotFound',
      message: "The security group 'sg-0000000000000000a' does not exist",
      status: 400,
    });
    expect(await associate(group, 'vpc-0000000000000000a')).toEqual({
      code: 'InvalidVpcID.NotFound',
      message: "The vpc ID 'vpc-0000000000000000a' does not exist",
      status: 400,
    });
    expect(await associate(group, home)).toMatchObject({ code: 'InvalidParameterValue', status: 400 });
    await ec2.send(new AssociateSecurityGroupVpcCommand({ GroupId: group, VpcId: other }));
    expect(await associate(group, other)).toEqual({
      code: 'Resource.AlreadyAssociated',
      message: `The security group ${group} is already associated with ${other}.`,
      status: 400,
    });
    // A VPC with an associated group cannot be deleted until it is disassociated.
    expect(await ec2ErrorOf(() => ec2.send(new DeleteVpcCommand({ VpcId: other })))).toEqual({
      code: 'DependencyViolation',
      message: `The vpc '${other}' has dependencies and cannot be deleted.`,
      status: 400,
    });
    await ec2.send(new DisassociateSecurityGroupVpcCommand({ GroupId: group, VpcId: other }));
    await ec2.send(new DeleteVpcCommand({ VpcId: other }));
  });

  it('DryRun is DryRunOperation (412) and changes nothing', async () => {
    const third = await newVpc('10.64.0.0/16');
    expect(await ec2ErrorOf(() => ec2.send(new AssociateSecurityGroupVpcCommand({ GroupId: group, VpcId: third, DryRun: true })))).toEqual({
      code: 'DryRunOperation',
      message: 'Request would have succeeded, but DryRun flag is set.',
      status: 412,
    });
    expect(await associationOf(group, third)).toEqual([]);
  });
});

describe('the paginators', () => {
  it('paginateDescribeSecurityGroupVpcAssociations and paginateGetSecurityGroupsForVpc walk every page', async () => {
    const home = await newVpc('10.70.0.0/16');
    const target = await newVpc('10.71.0.0/16');
    const groups: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = await createGroup(ec2, `paged-${i}`, `paged ${i}`, home);
      await ec2.send(new AssociateSecurityGroupVpcCommand({ GroupId: id, VpcId: target }));
      groups.push(id);
    }

    const associations: SecurityGroupVpcAssociation[] = [];
    let pages = 0;
    for await (const page of paginateDescribeSecurityGroupVpcAssociations(
      { client: ec2, pageSize: 5 },
      { Filters: [{ Name: 'vpc-id', Values: [target] }] },
    )) {
      pages++;
      associations.push(...page.SecurityGroupVpcAssociations!);
    }
    expect(pages).toBe(2);
    expect(associations.map((a) => a.GroupId)).toEqual(groups);

    const offered: SecurityGroupForVpc[] = [];
    pages = 0;
    for await (const page of paginateGetSecurityGroupsForVpc({ client: ec2, pageSize: 5 }, { VpcId: target })) {
      pages++;
      offered.push(...page.SecurityGroupForVpcs!);
    }
    expect(pages).toBe(2);
    // The target's own default group first (created with the VPC), then the seven associated groups.
    expect(offered.map((g) => [g.GroupName, g.PrimaryVpcId])).toEqual([
      ['default', target],
      ...groups.map((_, i) => [`paged-${i}`, home]),
    ]);
  });
});
