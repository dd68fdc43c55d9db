/**
 * A security group's life through the real SDK: create (names, descriptions, VPC choice, tags),
 * describe (by id, by name, the item shape), delete (default group, references, by name), with
 * the codes, texts and statuses of aws-reference §2D.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { deleteDefaultVpc, ec2Client, ec2ErrorOf, startServerWithVpc, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';
const SG_ID = /^sg-[0-9a-f]{17}$/;
const DESCRIPTION_CHARSET = 'a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*';

let emulator: Emulator;
let ec2: EC2Client;
let vpcId: string;
let defaultVpcId: string;

beforeAll(async () => {
  ({ emulator, ec2, vpcId } = await startServerWithVpc('10.20.0.0/16'));
  defaultVpcId = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!
    .VpcId!;
});
afterAll(() => stopServer(emulator, ec2));

/** Creates a group in the test VPC, or with no VpcId at all (the default VPC) when `inVpc` is null. */
const create = (GroupName: string, Description = 'a group', inVpc: string | null = vpcId, extra: object = {}) =>
  ec2.send(new CreateSecurityGroupCommand({ GroupName, Description, VpcId: inVpc ?? undefined, ...extra }));

describe('CreateSecurityGroup', () => {
  it('D-1: answers the new id and its ARN, and no tags when none were asked for', async () => {
    const out = await create('web');
    expect(out.GroupId).toMatch(SG_ID);
    expect(out.SecurityGroupArn).toBe(`arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${out.GroupId}`);
    expect(out.Tags).toBeUndefined();
  });

  it('D-24: the described item has every field, tags only when tagged', async () => {
    const out = await create('tagged', 'tagged group', vpcId, {
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'Name', Value: 'tagged' }, { Key: 'empty', Value: '' }] }],
    });
    expect(out.Tags).toEqual([{ Key: 'Name', Value: 'tagged' }, { Key: 'empty', Value: '' }]);
    const [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [out.GroupId!] }))).SecurityGroups!;
    expect(group).toEqual({
      GroupId: out.GroupId,
      GroupName: 'tagged',
      Description: 'tagged group',
      OwnerId: ACCOUNT,
      VpcId: vpcId,
      SecurityGroupArn: out.SecurityGroupArn,
      IpPermissions: [],
      IpPermissionsEgress: [
        { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
      ],
      Tags: [{ Key: 'Name', Value: 'tagged' }, { Key: 'empty', Value: '' }],
    });
  });

  it('D-12: without VpcId, creates the group in the default VPC', async () => {
    const out = await create('in-default', 'default vpc group', null);
    const [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [out.GroupId!] }))).SecurityGroups!;
    expect(group!.VpcId).toBe(defaultVpcId);
  });

  it('D-2: a duplicate name in the same VPC (in any case) is InvalidGroup.Duplicate; another VPC is fine', async () => {
    await create('app');
    for (const name of ['app', 'APP']) {
      expect(await ec2ErrorOf(() => create(name))).toEqual({
        code: 'InvalidGroup.Duplicate',
        message: `The security group '${name}' already exists for VPC '${vpcId}'`,
        status: 400,
      });
    }
    const elsewhere = await create('app', 'a group', null);
    expect(elsewhere.GroupId).toMatch(SG_ID);
  });

  it.each([
    ['D-3 name starting sg-', 'sg-017c251', 'ok', 'InvalidParameterValue',
      'Value (sg-017c251) for parameter GroupName is invalid. Group names may not be in the format sg-*.'],
    ['D-4 reserved name default', 'default', 'ok', 'InvalidParameterValue', 'Cannot use reserved security group name: default'],
    ['D-5 non-ASCII description', 'jp', 'セキュリティグループ', 'InvalidParameterValue',
      'Value (セキュリティグループ) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported.'],
    ['D-6 disallowed description characters', 'quote', "it's", 'InvalidParameterValue',
      `Invalid security group description. Valid descriptions are strings less than 256 characters from the following set:  ${DESCRIPTION_CHARSET}`],
    ['D-7 missing description', 'nodesc', undefined, 'MissingParameter', 'The request must contain the parameter GroupDescription'],
  ])('%s', async (_label, name, description, code, message) => {
    const error = await ec2ErrorOf(() => ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: description, VpcId: vpcId })));
    expect(error).toEqual({ code, message, status: 400 });
  });

  it('D-9: an unknown VpcId is InvalidVpcID.NotFound, even when not vpc-shaped', async () => {
    for (const id of ['vpc-12345', 'aws_vpc.main.id']) {
      expect(await ec2ErrorOf(() => create('nowhere', 'x', id))).toEqual({
        code: 'InvalidVpcID.NotFound',
        message: `The vpc ID '${id}' does not exist`,
        status: 400,
      });
    }
  });

  it('D-8: a wrong parameter name is UnknownParameter (the SDK cannot send one, so this is checked on the wire)', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=CreateSecurityGroup&Version=2016-11-15&GroupName=x&Description=y',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>UnknownParameter</Code><Message>The parameter Description is not recognized</Message>');
  });

  it('DryRun answers 412 and creates nothing', async () => {
    expect(await ec2ErrorOf(() => create('dry', 'dry', vpcId, { DryRun: true }))).toEqual({
      code: 'DryRunOperation',
      message: 'Request would have succeeded, but DryRun flag is set.',
      status: 412,
    });
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['dry'] }] }));
    expect(out.SecurityGroups).toEqual([]);
  });
});

describe('DescribeSecurityGroups', () => {
  it('D-23: every VPC has exactly one default group: self-referencing ingress, all egress', async () => {
    const out = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
    );
    expect(out.SecurityGroups).toHaveLength(1);
    const group = out.SecurityGroups![0]!;
    expect(group.Description).toBe('default VPC security group');
    expect(group.IpPermissions).toEqual([
      {
        IpProtocol: '-1',
        UserIdGroupPairs: [{ GroupId: group.GroupId, UserId: ACCOUNT }],
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
      },
    ]);
    expect(group.IpPermissionsEgress).toEqual([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ]);
  });

  it('D-18: an unknown id is InvalidGroup.NotFound; a malformed one InvalidGroupId.Malformed', async () => {
    expect(await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })))).toEqual({
      code: 'InvalidGroup.NotFound',
      message: "The security group 'sg-0123456789abcdef0' does not exist",
      status: 400,
    });
    const malformed = await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['nope'] })));
    expect(malformed).toMatchObject({ code: 'InvalidGroupId.Malformed', status: 400 });
  });

  it('D-19: a name is looked up in the default VPC only', async () => {
    const inDefault = await create('by-name', 'x', null);
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['by-name'] }));
    expect(out.SecurityGroups!.map((g) => g.GroupId)).toEqual([inDefault.GroupId]);

    await create('only-in-vpc');
    expect(await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['only-in-vpc'] })))).toEqual({
      code: 'InvalidGroup.NotFound',
      message: `The security group 'only-in-vpc' does not exist in default VPC '${defaultVpcId}'`,
      status: 400,
    });
  });

  it('D-22: filters never raise NotFound', async () => {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: ['sg-005216b55886f0fdc'] }] }));
    expect(out.SecurityGroups).toEqual([]);
  });
});

describe('DeleteSecurityGroup', () => {
  it('D-13: deletes a group; it is gone afterwards (D-18)', async () => {
    const { GroupId } = await create('doomed');
    const out = await ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
    expect(out.Return).toBe(true);
    expect(out.GroupId).toBe(GroupId);
    expect(await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] })))).toEqual({
      code: 'InvalidGroup.NotFound',
      message: `The security group '${GroupId}' does not exist`,
      status: 400,
    });
    expect(await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId })))).toMatchObject({
      code: 'InvalidGroup.NotFound',
      status: 400,
    });
  });

  it('D-14: a group another group references is DependencyViolation', async () => {
    const { GroupId: target } = await create('target');
    const { GroupId: user } = await create('user');
    await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: user,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: target }] }],
      }),
    );
    expect(await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: target })))).toEqual({
      code: 'DependencyViolation',
      message: `resource ${target} has a dependent object`,
      status: 400,
    });
    // The referencing group itself can go, and then the target too.
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: user }));
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: target }));
  });

  it('D-15: the default group cannot be deleted (CannotDelete)', async () => {
    const [defaultGroup] = (
      await ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }),
      )
    ).SecurityGroups!;
    const error = await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: defaultGroup!.GroupId })));
    expect(error).toMatchObject({ code: 'CannotDelete', status: 400 });
  });

  it('D-17: deleting by a name not in the default VPC is InvalidGroup.NotFound', async () => {
    expect(await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupName: 'foobar' })))).toEqual({
      code: 'InvalidGroup.NotFound',
      message: `The security group 'foobar' does not exist in default VPC '${defaultVpcId}'`,
      status: 400,
    });
  });

  it('deletes by name in the default VPC', async () => {
    const { GroupId } = await create('named-delete', 'x', null);
    const out = await ec2.send(new DeleteSecurityGroupCommand({ GroupName: 'named-delete' }));
    expect(out.Return).toBe(true);
    expect(await ec2ErrorOf(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] })))).toMatchObject({
      code: 'InvalidGroup.NotFound',
    });
  });

  it('DryRun answers 412 and deletes nothing', async () => {
    const { GroupId } = await create('dry-delete');
    expect(await ec2ErrorOf(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId, DryRun: true })))).toMatchObject({
      code: 'DryRunOperation',
      status: 412,
    });
    expect((await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }))).SecurityGroups).toHaveLength(1);
  });
});

describe('an account-region without a default VPC', () => {
  // A separate region, so deleting its default VPC does not disturb the tests above.
  let west: EC2Client;
  beforeAll(async () => {
    west = ec2Client(emulator.url, 'ap-southeast-2');
    await deleteDefaultVpc(west);
  });
  afterAll(() => west?.destroy());

  it('D-10: creating without VpcId is VPCIdNotSpecified', async () => {
    expect(await ec2ErrorOf(() => west.send(new CreateSecurityGroupCommand({ GroupName: 'x', Description: 'y' })))).toEqual({
      code: 'VPCIdNotSpecified',
      message: 'No default VPC for this user',
      status: 400,
    });
  });

  it('D-16: deleting by name is VPCIdNotSpecified with the GroupName hint', async () => {
    expect(await ec2ErrorOf(() => west.send(new DeleteSecurityGroupCommand({ GroupName: 'x' })))).toEqual({
      code: 'VPCIdNotSpecified',
      message: 'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.',
      status: 400,
    });
  });

  it('D-20: describing by name is VPCIdNotSpecified', async () => {
    expect(await ec2ErrorOf(() => west.send(new DescribeSecurityGroupsCommand({ GroupNames: ['x'] })))).toEqual({
      code: 'VPCIdNotSpecified',
      message: 'No default VPC for this user',
      status: 400,
    });
  });
});
