/**
 * Every case of aws-reference §2A-2E and §2H that our actions cover, through raw form bodies:
 * status, code and the message verbatim where the reference quotes AWS (H/M rows). Cases the
 * reference is unsure of (L rows) pin what we do and say so in their names.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp, deleteDefaultVpc, errorOf, post } from '../helpers/inject.js';

type Fields = Record<string, string>;
type Answer = Awaited<ReturnType<typeof post>>;

interface Permission {
  readonly protocol?: string;
  readonly from?: number;
  readonly to?: number;
  readonly cidrs?: readonly string[];
  readonly cidrsV6?: readonly string[];
  readonly groups?: readonly string[];
  readonly prefixLists?: readonly string[];
  readonly description?: string;
}

/** IpPermissions.N.* fields for the given permissions, as an SDK serializes them. */
function permissionFields(permissions: readonly Permission[]): Fields {
  const fields: Fields = {};
  permissions.forEach((p, i) => {
    const at = `IpPermissions.${i + 1}`;
    if (p.protocol !== undefined) fields[`${at}.IpProtocol`] = p.protocol;
    if (p.from !== undefined) fields[`${at}.FromPort`] = String(p.from);
    if (p.to !== undefined) fields[`${at}.ToPort`] = String(p.to);
    const description = (key: string) => {
      if (p.description !== undefined) fields[`${key}.Description`] = p.description;
    };
    p.cidrs?.forEach((c, j) => {
      fields[`${at}.IpRanges.${j + 1}.CidrIp`] = c;
      description(`${at}.IpRanges.${j + 1}`);
    });
    p.cidrsV6?.forEach((c, j) => {
      fields[`${at}.Ipv6Ranges.${j + 1}.CidrIpv6`] = c;
      description(`${at}.Ipv6Ranges.${j + 1}`);
    });
    p.groups?.forEach((g, j) => {
      fields[`${at}.Groups.${j + 1}.GroupId`] = g;
      description(`${at}.Groups.${j + 1}`);
    });
    p.prefixLists?.forEach((pl, j) => {
      fields[`${at}.PrefixListIds.${j + 1}.PrefixListId`] = pl;
      description(`${at}.PrefixListIds.${j + 1}`);
    });
  });
  return fields;
}

/** A fresh emulator with helpers bound to it. */
function emulator(limits: Parameters<typeof buildTestApp>[0] = {}) {
  const { app, store } = buildTestApp(limits);
  const call = (action: string, fields: Fields = {}) => post(app, { Action: action, ...fields });
  return {
    app,
    store,
    call,
    async createGroup(name: string, vpcId?: string, extra: Fields = {}): Promise<string> {
      const res = await call('CreateSecurityGroup', { GroupName: name, GroupDescription: `${name} tier`, ...(vpcId ? { VpcId: vpcId } : {}), ...extra });
      expect(res.status).toBe(200);
      return res.xml.CreateSecurityGroupResponse.groupId;
    },
    async createVpc(cidr = '10.0.0.0/16', extra: Fields = {}): Promise<string> {
      const res = await call('CreateVpc', { CidrBlock: cidr, ...extra });
      expect(res.status).toBe(200);
      return res.xml.CreateVpcResponse.vpc.vpcId;
    },
    async defaultVpcId(): Promise<string> {
      const res = await call('DescribeVpcs', { 'Filter.1.Name': 'is-default', 'Filter.1.Value.1': 'true' });
      return res.xml.DescribeVpcsResponse.vpcSet.item[0].vpcId;
    },
    async defaultGroupId(vpcId?: string): Promise<string> {
      const res = await call('DescribeSecurityGroups', {
        'Filter.1.Name': 'group-name',
        'Filter.1.Value.1': 'default',
        ...(vpcId ? { 'Filter.2.Name': 'vpc-id', 'Filter.2.Value.1': vpcId } : {}),
      });
      return res.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item[0].groupId;
    },
    authorize: (groupId: string, permissions: readonly Permission[], extra: Fields = {}) =>
      call('AuthorizeSecurityGroupEgress', { GroupId: groupId, ...permissionFields(permissions), ...extra }),
    revoke: (groupId: string, permissions: readonly Permission[], extra: Fields = {}) =>
      call('RevokeSecurityGroupEgress', { GroupId: groupId, ...permissionFields(permissions), ...extra }),
    /** DescribeSecurityGroupRules items of one group, in order. */
    async rules(groupId: string): Promise<Array<Record<string, any>>> {
      const res = await call('DescribeSecurityGroupRules', { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groupId });
      expect(res.status).toBe(200);
      return res.xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item ?? [];
    },
    /** The DescribeSecurityGroups item of one group. */
    async group(groupId: string): Promise<Record<string, any>> {
      const res = await call('DescribeSecurityGroups', { 'GroupId.1': groupId });
      expect(res.status).toBe(200);
      return res.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item[0];
    },
    async groupNames(): Promise<string[]> {
      const res = await call('DescribeSecurityGroups');
      return (res.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item ?? []).map((g: { groupName: string }) => g.groupName);
    },
  };
}

function expectError(res: Answer, code: string, message?: string, status = 400): void {
  expect({ status: res.status, code: errorOf(res.xml).code }).toEqual({ status, code });
  if (message !== undefined) expect(errorOf(res.xml).message).toBe(message);
}

/** A rule reduced to what identifies it, for "nothing changed" comparisons. */
const ruleKey = (r: Record<string, any>) =>
  [r.isEgress, r.ipProtocol, r.fromPort, r.toPort, r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupInfo?.groupId].join(' ');

// ====================================================================== CreateSecurityGroup

describe('CreateSecurityGroup', () => {
  it('answers the group id and ARN, with no tagSet when untagged (D-1)', async () => {
    const ec2 = emulator();
    const res = await ec2.call('CreateSecurityGroup', { GroupName: 'web', GroupDescription: 'web tier' });
    expect(res.status).toBe(200);
    const body = res.xml.CreateSecurityGroupResponse;
    expect(body.groupId).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(body.securityGroupArn).toBe(`arn:aws:ec2:us-east-1:000000000000:security-group/${body.groupId}`);
    expect(body).not.toHaveProperty('tagSet');
  });

  it('answers <return>true</return> first, before <groupId>, as the API reference sample does', async () => {
    const ec2 = emulator();
    const res = await ec2.call('CreateSecurityGroup', {
      GroupName: 'returned',
      GroupDescription: 'returned',
      'TagSpecification.1.ResourceType': 'security-group',
      'TagSpecification.1.Tag.1.Key': 'k',
      'TagSpecification.1.Tag.1.Value': 'v',
    });
    expect(res.status).toBe(200);
    const body = res.xml.CreateSecurityGroupResponse;
    expect(body.return).toBe('true');
    expect(Object.keys(body).filter((key) => !key.startsWith('@_'))).toEqual(['requestId', 'return', 'groupId', 'tagSet', 'securityGroupArn']);
    expect(res.body).toMatch(/<requestId>[^<]+<\/requestId><return>true<\/return><groupId>sg-[0-9a-f]{17}<\/groupId><tagSet>/);
  });

  it('answers and stores tags from TagSpecification', async () => {
    const ec2 = emulator();
    const res = await ec2.call('CreateSecurityGroup', {
      GroupName: 'web',
      GroupDescription: 'web',
      'TagSpecification.1.ResourceType': 'security-group',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'web',
    });
    expect(res.xml.CreateSecurityGroupResponse.tagSet.item).toEqual([{ key: 'Name', value: 'web' }]);
    expect((await ec2.group(res.xml.CreateSecurityGroupResponse.groupId)).tagSet.item).toEqual([{ key: 'Name', value: 'web' }]);
  });

  it('puts a group without VpcId in the default VPC (D-12)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    expect((await ec2.group(groupId)).vpcId).toBe(await ec2.defaultVpcId());
  });

  it('rejects a name already used in the VPC, in any case (D-2)', async () => {
    const ec2 = emulator();
    await ec2.createGroup('secgrp-app');
    const vpcId = await ec2.defaultVpcId();
    for (const name of ['secgrp-app', 'SECGRP-APP', 'SecGrp-App']) {
      const res = await ec2.call('CreateSecurityGroup', { GroupName: name, GroupDescription: 'x' });
      expectError(res, 'InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`);
    }
    expect(await ec2.groupNames()).toEqual(['default', 'secgrp-app']);
  });

  it('allows the same name in another VPC (D-2)', async () => {
    const ec2 = emulator();
    await ec2.createGroup('web');
    const vpcId = await ec2.createVpc();
    const other = await ec2.createGroup('web', vpcId);
    expect((await ec2.group(other)).vpcId).toBe(vpcId);
  });

  it('rejects names in the format sg-* (D-3)', async () => {
    const ec2 = emulator();
    expectError(
      await ec2.call('CreateSecurityGroup', { GroupName: 'sg-017c251', GroupDescription: 'x' }),
      'InvalidParameterValue',
      'Value (sg-017c251) for parameter GroupName is invalid. Group names may not be in the format sg-*.',
    );
  });

  it('rejects the reserved name default (D-4)', async () => {
    const ec2 = emulator();
    expectError(
      await ec2.call('CreateSecurityGroup', { GroupName: 'default', GroupDescription: 'x' }),
      'InvalidParameterValue',
      'Cannot use reserved security group name: default',
    );
  });

  it('rejects a non-ASCII description (D-5)', async () => {
    const ec2 = emulator();
    expectError(
      await ec2.call('CreateSecurityGroup', { GroupName: 'jp', GroupDescription: 'セキュリティグループ' }),
      'InvalidParameterValue',
      'Value (セキュリティグループ) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported.',
    );
  });

  it.each(["customer's", 'a>b', 'x'.repeat(256)])('rejects the description %j with the two-space text (D-6)', async (description) => {
    const ec2 = emulator();
    expectError(
      await ec2.call('CreateSecurityGroup', { GroupName: 'g', GroupDescription: description }),
      'InvalidParameterValue',
      'Invalid security group description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*',
    );
  });

  it('accepts a description using the whole allowed set and 255 characters', async () => {
    const ec2 = emulator();
    expect((await ec2.call('CreateSecurityGroup', { GroupName: 'a', GroupDescription: 'a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*' })).status).toBe(200);
    expect((await ec2.call('CreateSecurityGroup', { GroupName: 'b', GroupDescription: 'd'.repeat(255) })).status).toBe(200);
  });

  it('requires GroupDescription, also when empty (D-7)', async () => {
    const ec2 = emulator();
    const message = 'The request must contain the parameter GroupDescription';
    expectError(await ec2.call('CreateSecurityGroup', { GroupName: 'web' }), 'MissingParameter', message);
    expectError(await ec2.call('CreateSecurityGroup', { GroupName: 'web', GroupDescription: '' }), 'MissingParameter', message);
  });

  it('requires GroupName (D-7, INF)', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('CreateSecurityGroup', { GroupDescription: 'x' }), 'MissingParameter', 'The request must contain the parameter GroupName');
  });

  it('rejects Description in place of GroupDescription (D-8)', async () => {
    const ec2 = emulator();
    expectError(
      await ec2.call('CreateSecurityGroup', { GroupName: 'web', Description: 'x' }),
      'UnknownParameter',
      'The parameter Description is not recognized',
    );
  });

  it.each(['vpc-12345', 'aws_vpc.sauravVPC.id', 'vpc-0123456789abcdef0'])('answers an unknown VpcId %s with NotFound, not Malformed (D-9)', async (vpcId) => {
    const ec2 = emulator();
    expectError(
      await ec2.call('CreateSecurityGroup', { GroupName: 'web', GroupDescription: 'x', VpcId: vpcId }),
      'InvalidVpcID.NotFound',
      `The vpc ID '${vpcId}' does not exist`,
    );
  });

  it('answers VPCIdNotSpecified without VpcId once the default VPC is deleted (D-10)', async () => {
    const ec2 = emulator();
    await deleteDefaultVpc(ec2.app);
    expectError(await ec2.call('CreateSecurityGroup', { GroupName: 'web', GroupDescription: 'x' }), 'VPCIdNotSpecified', 'No default VPC for this user');
  });

  it('enforces the groups-per-region quota (D-11)', async () => {
    const ec2 = emulator({ securityGroupsPerRegion: 2 });
    await ec2.createGroup('one');
    const vpcId = await ec2.defaultVpcId();
    expectError(
      await ec2.call('CreateSecurityGroup', { GroupName: 'two', GroupDescription: 'x' }),
      'SecurityGroupLimitExceeded',
      `The maximum number of security groups for VPC '${vpcId}' has been reached.`,
    );
  });

  it('gives a new group no ingress and the one default egress rule (A-2)', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const groupId = await ec2.createGroup('web', vpcId);
    const group = await ec2.group(groupId);
    expect(group.ipPermissions).toBe('');
    expect(group.ipPermissionsEgress.item).toEqual([
      { ipProtocol: '-1', groups: '', ipRanges: { item: [{ cidrIp: '0.0.0.0/0' }] }, ipv6Ranges: '', prefixListIds: '' },
    ]);
    const rules = await ec2.rules(groupId);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ isEgress: 'true', ipProtocol: '-1', fromPort: '-1', toPort: '-1', cidrIpv4: '0.0.0.0/0' });
    expect(rules[0]).not.toHaveProperty('description');
  });

  it('adds ::/0 to the default egress in a VPC with an IPv6 block (A-2)', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc('10.1.0.0/16', { AmazonProvidedIpv6CidrBlock: 'true' });
    const groupId = await ec2.createGroup('v6', vpcId);
    const group = await ec2.group(groupId);
    expect(group.ipPermissionsEgress.item).toEqual([
      {
        ipProtocol: '-1',
        groups: '',
        ipRanges: { item: [{ cidrIp: '0.0.0.0/0' }] },
        ipv6Ranges: { item: [{ cidrIpv6: '::/0' }] },
        prefixListIds: '',
      },
    ]);
    expect((await ec2.rules(groupId)).map((r) => r.cidrIpv4 ?? r.cidrIpv6)).toEqual(['0.0.0.0/0', '::/0']);
  });
});

// ====================================================================== DeleteSecurityGroup

describe('DeleteSecurityGroup', () => {
  it('deletes by id and answers return and groupId (D-13)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const res = await ec2.call('DeleteSecurityGroup', { GroupId: groupId });
    expect(res.status).toBe(200);
    expect(res.xml.DeleteSecurityGroupResponse).toMatchObject({ return: 'true', groupId });
    expect(await ec2.groupNames()).toEqual(['default']);
    expect(await ec2.rules(groupId)).toEqual([]);
  });

  it('deletes by name in the default VPC', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('Web');
    const res = await ec2.call('DeleteSecurityGroup', { GroupName: 'web' });
    expect(res.status).toBe(200);
    expect(res.xml.DeleteSecurityGroupResponse.groupId).toBe(groupId);
  });

  it('refuses to delete a group another group references (D-14)', async () => {
    const ec2 = emulator();
    const target = await ec2.createGroup('db');
    const user = await ec2.createGroup('app');
    expect((await ec2.authorize(user, [{ protocol: 'tcp', from: 5432, to: 5432, groups: [target] }])).status).toBe(200);
    expectError(await ec2.call('DeleteSecurityGroup', { GroupId: target }), 'DependencyViolation', `resource ${target} has a dependent object`);
    expect(await ec2.groupNames()).toEqual(['default', 'db', 'app']);
  });

  it('deletes a group that only references itself', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('self');
    expect((await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 2, groups: [groupId] }])).status).toBe(200);
    expect((await ec2.call('DeleteSecurityGroup', { GroupId: groupId })).status).toBe(200);
  });

  it('refuses to delete the default group with CannotDelete (D-15; text is ours)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.defaultGroupId();
    expectError(
      await ec2.call('DeleteSecurityGroup', { GroupId: groupId }),
      'CannotDelete',
      `the specified group: "${groupId}" name: "default" cannot be deleted by a user`,
    );
  });

  it('answers a name without a default VPC with VPCIdNotSpecified (D-16)', async () => {
    const ec2 = emulator();
    await deleteDefaultVpc(ec2.app);
    expectError(
      await ec2.call('DeleteSecurityGroup', { GroupName: 'x' }),
      'VPCIdNotSpecified',
      'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.',
    );
  });

  it('answers an unknown name in the default VPC with NotFound (D-17)', async () => {
    const ec2 = emulator();
    expectError(
      await ec2.call('DeleteSecurityGroup', { GroupName: 'foobar' }),
      'InvalidGroup.NotFound',
      `The security group 'foobar' does not exist in default VPC '${await ec2.defaultVpcId()}'`,
    );
  });

  it('answers an unknown id with NotFound (D-18)', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('DeleteSecurityGroup', { GroupId: 'sg-0123456789abcdef0' }), 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist");
  });

  it('answers a malformed id with the expecting text (B-9)', async () => {
    const ec2 = emulator();
    expectError(
      await ec2.call('DeleteSecurityGroup', { GroupId: 'tcp_elb_security_group' }),
      'InvalidGroupId.Malformed',
      'Invalid id: "tcp_elb_security_group" (expecting "sg-...")',
    );
  });

  it('requires a group id or name', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('DeleteSecurityGroup'), 'MissingParameter', 'The request must contain the parameter groupName or groupId');
  });
});

// ====================================================================== DescribeSecurityGroups

describe('DescribeSecurityGroups', () => {
  it('describes the default group of the default VPC (D-23)', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.defaultVpcId();
    const res = await ec2.call('DescribeSecurityGroups', {
      'Filter.1.Name': 'vpc-id',
      'Filter.1.Value.1': vpcId,
      'Filter.2.Name': 'group-name',
      'Filter.2.Value.1': 'default',
    });
    const items = res.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item;
    expect(items).toHaveLength(1);
    const group = items[0];
    expect(group).toMatchObject({ groupName: 'default', groupDescription: 'default VPC security group', vpcId, ownerId: '000000000000' });
    expect(group.ipPermissions.item).toEqual([
      { ipProtocol: '-1', groups: { item: [{ userId: '000000000000', groupId: group.groupId }] }, ipRanges: '', ipv6Ranges: '', prefixListIds: '' },
    ]);
    expect(group.ipPermissionsEgress.item).toEqual([
      { ipProtocol: '-1', groups: '', ipRanges: { item: [{ cidrIp: '0.0.0.0/0' }] }, ipv6Ranges: '', prefixListIds: '' },
    ]);
  });

  it('writes the item in the model order with empty lists as empty elements (D-24)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const res = await ec2.call('DescribeSecurityGroups', { 'GroupId.1': groupId });
    expect(res.body).toContain(
      `<item><groupId>${groupId}</groupId><ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress><vpcId>`,
    );
    expect(res.body).toContain('<ipPermissions/>');
    expect(res.body).not.toContain('<tagSet');
    const group = res.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item[0];
    expect(Object.keys(group)).toEqual(['groupId', 'ipPermissionsEgress', 'vpcId', 'securityGroupArn', 'ownerId', 'groupName', 'groupDescription', 'ipPermissions']);
  });

  it('aggregates rules sharing protocol and ports, existing peers first (A-4)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    expect((await ec2.authorize(groupId, [{ protocol: '-1', cidrs: ['10.0.0.0/24'] }])).status).toBe(200);
    expect((await ec2.authorize(groupId, [{ protocol: 'tcp', from: 443, to: 443, cidrs: ['10.0.0.0/16'], cidrsV6: ['2001:db8::/32'] }])).status).toBe(200);
    expect((await ec2.authorize(groupId, [{ protocol: 'TCP', from: 443, to: 443, cidrs: ['10.9.0.0/16'] }])).status).toBe(200);
    const group = await ec2.group(groupId);
    expect(group.ipPermissionsEgress.item).toEqual([
      { ipProtocol: '-1', groups: '', ipRanges: { item: [{ cidrIp: '0.0.0.0/0' }, { cidrIp: '10.0.0.0/24' }] }, ipv6Ranges: '', prefixListIds: '' },
      {
        ipProtocol: 'tcp',
        fromPort: '443',
        toPort: '443',
        groups: '',
        ipRanges: { item: [{ cidrIp: '10.0.0.0/16' }, { cidrIp: '10.9.0.0/16' }] },
        ipv6Ranges: { item: [{ cidrIpv6: '2001:db8::/32' }] },
        prefixListIds: '',
      },
    ]);
    // One rule per peer in DescribeSecurityGroupRules.
    expect(await ec2.rules(groupId)).toHaveLength(5);
  });

  it('answers a name outside the default VPC with NotFound naming the default VPC (D-19)', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const groupId = await ec2.createGroup('gateway', vpcId);
    const defaultVpc = await ec2.defaultVpcId();
    const message = `The security group 'gateway' does not exist in default VPC '${defaultVpc}'`;
    expectError(await ec2.call('DescribeSecurityGroups', { 'GroupName.1': 'gateway' }), 'InvalidGroup.NotFound', message);
    // Also when an id is passed as a name.
    expectError(await ec2.call('DescribeSecurityGroups', { 'GroupName.1': groupId }), 'InvalidGroup.NotFound', `The security group '${groupId}' does not exist in default VPC '${defaultVpc}'`);
  });

  it('finds a group by name in the default VPC', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const res = await ec2.call('DescribeSecurityGroups', { 'GroupName.1': 'web' });
    expect(res.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item.map((g: { groupId: string }) => g.groupId)).toEqual([groupId]);
  });

  it('answers a name without a default VPC with VPCIdNotSpecified (D-20)', async () => {
    const ec2 = emulator();
    await deleteDefaultVpc(ec2.app);
    expectError(await ec2.call('DescribeSecurityGroups', { 'GroupName.1': 'web' }), 'VPCIdNotSpecified', 'No default VPC for this user');
  });

  it('answers a non-vpc-shaped vpc-id filter with the bare filter name (D-21)', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('DescribeSecurityGroups', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'dev' }), 'InvalidParameterValue', 'vpc-id');
  });

  it('answers well-formed but unknown filter values with an empty list (D-22)', async () => {
    const ec2 = emulator();
    const res = await ec2.call('DescribeSecurityGroups', { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': 'sg-005216b55886f0fdc' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<securityGroupInfo/>');
  });

  it('answers an unknown id with NotFound (D-18) and a short-hex id too (B-8)', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('DescribeSecurityGroups', { 'GroupId.1': 'sg-0123456789abcdef0' }), 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist");
    expectError(await ec2.call('DescribeSecurityGroups', { 'GroupId.1': 'sg-123abc' }), 'InvalidGroup.NotFound', "The security group 'sg-123abc' does not exist");
  });

  it('rejects an unknown filter name', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('DescribeSecurityGroups', { 'Filter.1.Name': 'colour', 'Filter.1.Value.1': 'red' }), 'InvalidParameterValue', "The filter 'colour' is invalid");
  });

  it('pages with MaxResults and NextToken', async () => {
    const ec2 = emulator();
    for (let i = 0; i < 6; i++) await ec2.createGroup(`g${i}`);
    const first = await ec2.call('DescribeSecurityGroups', { MaxResults: '5' });
    const page1 = first.xml.DescribeSecurityGroupsResponse;
    expect(page1.securityGroupInfo.item.map((g: { groupName: string }) => g.groupName)).toEqual(['default', 'g0', 'g1', 'g2', 'g3']);
    expect(page1.nextToken).toBeTruthy();
    const second = await ec2.call('DescribeSecurityGroups', { MaxResults: '5', NextToken: page1.nextToken });
    const page2 = second.xml.DescribeSecurityGroupsResponse;
    expect(page2.securityGroupInfo.item.map((g: { groupName: string }) => g.groupName)).toEqual(['g4', 'g5']);
    expect(page2).not.toHaveProperty('nextToken');
  });

  it('rejects MaxResults outside 5..1000', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('DescribeSecurityGroups', { MaxResults: '4' }), 'InvalidParameterValue', 'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.');
    expectError(await ec2.call('DescribeSecurityGroups', { MaxResults: '1001' }), 'InvalidParameterValue', 'Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000.');
  });
});

// ====================================================================== AuthorizeSecurityGroupEgress

describe('AuthorizeSecurityGroupEgress', () => {
  it('creates one rule and answers it in securityGroupRuleSet (A-1)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const res = await ec2.authorize(groupId, [{ protocol: 'tcp', from: 443, to: 443, cidrs: ['10.0.0.0/16'], description: 'https out' }]);
    expect(res.status).toBe(200);
    const body = res.xml.AuthorizeSecurityGroupEgressResponse;
    expect(body.return).toBe('true');
    expect(body.securityGroupRuleSet.item).toHaveLength(1);
    const rule = body.securityGroupRuleSet.item[0];
    expect(rule.securityGroupRuleId).toMatch(/^sgr-[0-9a-f]{17}$/);
    expect(rule).toEqual({
      securityGroupRuleId: rule.securityGroupRuleId,
      groupId,
      groupOwnerId: '000000000000',
      isEgress: 'true',
      ipProtocol: 'tcp',
      fromPort: '443',
      toPort: '443',
      cidrIpv4: '10.0.0.0/16',
      description: 'https out',
      tagSet: '',
      securityGroupRuleArn: `arn:aws:ec2:us-east-1:000000000000:security-group-rule/${rule.securityGroupRuleId}`,
    });
    expect(Object.keys(rule)).toEqual(['securityGroupRuleId', 'groupId', 'groupOwnerId', 'isEgress', 'ipProtocol', 'fromPort', 'toPort', 'cidrIpv4', 'description', 'tagSet', 'securityGroupRuleArn']);
  });

  it('creates one rule per peer: 2 CIDRs and 1 group give 3 rules (A-1)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const peer = await ec2.createGroup('peer');
    const res = await ec2.authorize(groupId, [{ protocol: 'tcp', from: 80, to: 80, cidrs: ['10.0.0.0/8', '192.168.0.0/16'], groups: [peer] }]);
    const items = res.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item;
    expect(items.map((r: Record<string, any>) => r.cidrIpv4 ?? r.referencedGroupInfo.groupId)).toEqual(['10.0.0.0/8', '192.168.0.0/16', peer]);
    expect(await ec2.rules(groupId)).toHaveLength(4);
  });

  it('rejects re-adding the default egress rule (A-3, B-4)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    expectError(
      await ec2.authorize(groupId, [{ protocol: '-1', cidrs: ['0.0.0.0/0'] }]),
      'InvalidPermission.Duplicate',
      'the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists',
    );
  });

  it('stores -1 with ports -1/-1 whatever ports were sent, and omits them in the aggregated view (A-5)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const res = await ec2.authorize(groupId, [{ protocol: '-1', from: 111, to: 111, cidrs: ['10.0.0.0/8'] }]);
    expect(res.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item[0]).toMatchObject({ ipProtocol: '-1', fromPort: '-1', toPort: '-1' });
    const permission = (await ec2.group(groupId)).ipPermissionsEgress.item[0];
    expect(permission).not.toHaveProperty('fromPort');
    expect(permission).not.toHaveProperty('toPort');
  });

  it.each([
    ['6', 'tcp'],
    ['17', 'udp'],
    ['TCP', 'tcp'],
    ['Udp', 'udp'],
  ])('stores protocol %s as %s (A-6)', async (sent, stored) => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const res = await ec2.authorize(groupId, [{ protocol: sent, from: 53, to: 53, cidrs: ['10.0.0.0/8'] }]);
    expect(res.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item[0].ipProtocol).toBe(stored);
  });

  it('stores icmp (1) and icmpv6 (58) by name (A-6)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const res = await ec2.authorize(groupId, [
      { protocol: '1', from: 8, to: 0, cidrs: ['10.0.0.0/8'] },
      { protocol: '58', cidrsV6: ['::/0'] },
    ]);
    const items = res.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item;
    expect(items.map((r: Record<string, string>) => [r.ipProtocol, r.fromPort, r.toPort])).toEqual([
      ['icmp', '8', '0'],
      ['icmpv6', '-1', '-1'],
    ]);
  });

  it('treats TCP, Tcp and 6 as one protocol for duplicates (A-6)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    expect((await ec2.authorize(groupId, [{ protocol: 'TCP', from: 22, to: 22, cidrs: ['10.0.0.0/8'] }])).status).toBe(200);
    expectError(
      await ec2.authorize(groupId, [{ protocol: '6', from: 22, to: 22, cidrs: ['10.0.0.0/8'] }]),
      'InvalidPermission.Duplicate',
      'the specified rule "peer: 10.0.0.0/8, TCP, from port: 22, to port: 22, ALLOW" already exists',
    );
  });

  it('keeps other protocol numbers as numbers, covering all ports (A-7)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const res = await ec2.authorize(groupId, [{ protocol: '50', from: 1, to: 2, cidrs: ['10.0.0.0/8'] }]);
    expect(res.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item[0]).toMatchObject({ ipProtocol: '50', fromPort: '-1', toPort: '-1' });
    expectError(
      await ec2.authorize(groupId, [{ protocol: '50', cidrs: ['10.0.0.0/8'] }]),
      'InvalidPermission.Duplicate',
      'the specified rule "peer: 10.0.0.0/8, protocol: 50, ALLOW" already exists',
    );
  });

  it('canonicalises a non-canonical CIDR everywhere (A-8)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const res = await ec2.authorize(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['100.68.0.18/18'], cidrsV6: ['2001:DB8:0:0::1/64'] }]);
    const items = res.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item;
    expect(items.map((r: Record<string, string>) => r.cidrIpv4 ?? r.cidrIpv6)).toEqual(['100.68.0.0/18', '2001:db8::/64']);
    expect((await ec2.group(groupId)).ipPermissionsEgress.item[1].ipRanges.item).toEqual([{ cidrIp: '100.68.0.0/18' }]);
  });

  it('rejects a non-canonical re-add as a duplicate, naming the canonical peer (A-9; peer form is L)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['100.68.0.0/18'] }]);
    expectError(
      await ec2.authorize(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['100.68.0.18/18'] }]),
      'InvalidPermission.Duplicate',
      'the specified rule "peer: 100.68.0.0/18, TCP, from port: 22, to port: 22, ALLOW" already exists',
    );
  });

  it('shows a referenced group with its owner in both describe calls (A-10)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const peer = await ec2.createGroup('peer');
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 5432, to: 5432, groups: [peer] }]);
    const rule = (await ec2.rules(groupId)).find((r) => r.referencedGroupInfo);
    expect(rule!.referencedGroupInfo).toEqual({ groupId: peer, userId: '000000000000' });
    expect(rule).not.toHaveProperty('cidrIpv4');
    const permission = (await ec2.group(groupId)).ipPermissionsEgress.item[1];
    expect(permission.groups.item).toEqual([{ userId: '000000000000', groupId: peer }]);
  });

  it('stores a description per peer, and echoes an empty one (A-11)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 80, to: 80, cidrs: ['10.0.0.0/8'], description: 'office' }]);
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 81, to: 81, cidrs: ['10.0.0.0/8'], description: '' }]);
    const rules = await ec2.rules(groupId);
    expect(rules.map((r) => r.description)).toEqual([undefined, 'office', '']);
    expect((await ec2.group(groupId)).ipPermissionsEgress.item[1].ipRanges.item).toEqual([{ cidrIp: '10.0.0.0/8', description: 'office' }]);
  });

  it('tags every created rule from TagSpecification (A-12)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const res = await ec2.authorize(groupId, [{ protocol: 'tcp', from: 80, to: 80, cidrs: ['10.0.0.0/8', '10.1.0.0/16'] }], {
      'TagSpecification.1.ResourceType': 'security-group-rule',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'x',
    });
    for (const item of res.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item) {
      expect(item.tagSet.item).toEqual([{ key: 'Name', value: 'x' }]);
    }
    const tagged = await ec2.call('DescribeSecurityGroupRules', { 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'x' });
    expect(tagged.xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item).toHaveLength(2);
  });

  describe('duplicates', () => {
    it('names a group peer with TCP and ports (B-1)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      const peer = await ec2.createGroup('peer');
      await ec2.authorize(groupId, [{ protocol: 'tcp', from: 0, to: 65535, groups: [peer] }]);
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'tcp', from: 0, to: 65535, groups: [peer] }]),
        'InvalidPermission.Duplicate',
        `the specified rule "peer: ${peer}, TCP, from port: 0, to port: 65535, ALLOW" already exists`,
      );
    });

    it('names UDP (B-2)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      await ec2.authorize(groupId, [{ protocol: 'udp', from: 50000, to: 60000, cidrs: ['0.0.0.0/0'] }]);
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'udp', from: 50000, to: 60000, cidrs: ['0.0.0.0/0'] }]),
        'InvalidPermission.Duplicate',
        'the specified rule "peer: 0.0.0.0/0, UDP, from port: 50000, to port: 60000, ALLOW" already exists',
      );
    });

    it('names an IPv6 peer (B-5)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      await ec2.authorize(groupId, [{ protocol: 'tcp', from: 3306, to: 3306, cidrsV6: ['::/0'] }]);
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'tcp', from: 3306, to: 3306, cidrsV6: ['::/0'] }]),
        'InvalidPermission.Duplicate',
        'the specified rule "peer: ::/0, TCP, from port: 3306, to port: 3306, ALLOW" already exists',
      );
    });

    it('rejects a duplicate mixed with new rules and adds none of them', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      await ec2.authorize(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['10.0.0.0/8'] }]);
      const before = (await ec2.rules(groupId)).map(ruleKey);
      expectError(await ec2.authorize(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['10.1.0.0/16', '10.0.0.0/8'] }]), 'InvalidPermission.Duplicate');
      expect((await ec2.rules(groupId)).map(ruleKey)).toEqual(before);
    });

    it('rejects the same permission twice in one request (B-7)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      const message = 'The same permission must not appear multiple times';
      expectError(await ec2.authorize(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['10.0.0.0/8', '10.0.0.0/8'] }]), 'InvalidParameterValue', message);
      expectError(
        await ec2.authorize(groupId, [
          { protocol: 'tcp', from: 22, to: 22, cidrs: ['10.0.0.0/8'] },
          { protocol: 'tcp', from: 22, to: 22, cidrs: ['10.0.0.0/8'] },
        ]),
        'InvalidParameterValue',
        message,
      );
      expect(await ec2.rules(groupId)).toHaveLength(1);
    });
  });

  describe('groups', () => {
    it('answers an absent group with NotFound, short hex ids included (B-8)', async () => {
      const ec2 = emulator();
      for (const id of ['sg-123abc', 'sg-0123456789abcdef0', 'sg-00000000']) {
        expectError(await ec2.authorize(id, [{ protocol: '-1', cidrs: ['10.0.0.0/8'] }]), 'InvalidGroup.NotFound', `The security group '${id}' does not exist`);
      }
    });

    it.each(['foo', 'sg-xyz', 'sg-0123456789abcdef01', 'SG-12345678'])('answers the malformed id %s with the expecting text (B-9, INF)', async (id) => {
      const ec2 = emulator();
      expectError(await ec2.authorize(id, [{ protocol: '-1', cidrs: ['10.0.0.0/8'] }]), 'InvalidGroupId.Malformed', `Invalid id: "${id}" (expecting "sg-...")`);
    });

    it('answers an empty group id with the hyphenated text (B-9)', async () => {
      const ec2 = emulator();
      expectError(await ec2.authorize('', [{ protocol: '-1', cidrs: ['10.0.0.0/8'] }]), 'InvalidGroupId.Malformed', "The security-group ID '' is malformed");
    });

    it('requires GroupId', async () => {
      const ec2 = emulator();
      expectError(await ec2.call('AuthorizeSecurityGroupEgress', permissionFields([{ protocol: '-1', cidrs: ['10.0.0.0/8'] }])), 'MissingParameter', 'The request must contain the parameter groupId');
    });

    it('answers an absent peer group with NotFound (B-10)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 2, groups: ['sg-0fedcba9876543210'] }]),
        'InvalidGroup.NotFound',
        "The security group 'sg-0fedcba9876543210' does not exist",
      );
    });

    it('answers a peer group of another account with NotFound (B-10)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      const peer = await ec2.createGroup('peer');
      expectError(
        await ec2.call('AuthorizeSecurityGroupEgress', {
          GroupId: groupId,
          'IpPermissions.1.IpProtocol': '-1',
          'IpPermissions.1.Groups.1.GroupId': peer,
          'IpPermissions.1.Groups.1.UserId': '999999999999',
        }),
        'InvalidGroup.NotFound',
        `The security group '${peer}' does not exist`,
      );
    });

    it('answers a peer group in another VPC with the different-networks text (B-11)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      const elsewhere = await ec2.createGroup('far', await ec2.createVpc());
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 2, groups: [elsewhere] }]),
        'InvalidGroup.NotFound',
        'You have specified two resources that belong to different networks.',
      );
    });

    it('resolves a peer group name in the default VPC, so from another VPC it is another network (B-12)', async () => {
      const ec2 = emulator();
      await ec2.createGroup('app');
      const inDefault = await ec2.createGroup('web');
      const vpcGroup = await ec2.createGroup('far', await ec2.createVpc());
      const byName = (groupId: string, name: string) =>
        ec2.call('AuthorizeSecurityGroupEgress', { GroupId: groupId, 'IpPermissions.1.IpProtocol': '-1', 'IpPermissions.1.Groups.1.GroupName': name });
      expectError(await byName(vpcGroup, 'app'), 'InvalidGroup.NotFound', 'You have specified two resources that belong to different networks.');
      expectError(
        await byName(vpcGroup, 'nope'),
        'InvalidGroup.NotFound',
        `The security group 'nope' does not exist in default VPC '${await ec2.defaultVpcId()}'`,
      );
      // In the default VPC the name works.
      const ok = await byName(inDefault, 'app');
      expect(ok.status).toBe(200);
      expect(ok.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item[0].referencedGroupInfo.groupId).toMatch(/^sg-/);
    });
  });

  describe('protocols and ports', () => {
    it('requires a protocol (B-13)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(
        await ec2.authorize(groupId, [{ from: 1, to: 2, cidrs: ['10.0.0.0/8'] }]),
        'InvalidParameterValue',
        "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly.",
      );
    });

    it.each(['all', '256', 'foo'])('rejects the protocol %s (B-14)', async (protocol) => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(await ec2.authorize(groupId, [{ protocol, cidrs: ['10.0.0.0/8'] }]), 'InvalidParameterValue', `Invalid value '${protocol}' for IP protocol. Unknown protocol.`);
    });

    it('requires both ports for tcp/udp (B-15)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      const message = "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.";
      expectError(await ec2.authorize(groupId, [{ protocol: 'tcp', to: 22, cidrs: ['10.0.0.0/8'] }]), 'InvalidParameterValue', message);
      expectError(await ec2.authorize(groupId, [{ protocol: 'udp', cidrs: ['10.0.0.0/8'] }]), 'InvalidParameterValue', message);
    });

    it('requires both type and code for icmp, but not for icmpv6 (B-16)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'icmp', cidrs: ['10.0.0.0/8'] }]),
        'InvalidParameterValue',
        "Invalid value 'Must specify both from and to ports with ICMP.' for portRange.",
      );
      expect((await ec2.authorize(groupId, [{ protocol: 'icmpv6', cidrsV6: ['::/0'] }])).status).toBe(200);
    });

    it('checks ports before the peer: tcp with only ToPort and no peer (B-17; our text is B-15)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'tcp', to: 22 }]),
        'InvalidParameterValue',
        "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.",
      );
    });

    it('rejects tcp ports out of range (B-18, L)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(await ec2.authorize(groupId, [{ protocol: 'tcp', from: -1, to: -1, cidrs: ['10.0.0.0/8'] }]), 'InvalidParameterValue', 'TCP/UDP (from) port (-1) out of range');
      expectError(await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 70000, cidrs: ['10.0.0.0/8'] }]), 'InvalidParameterValue', 'TCP/UDP (to) port (70000) out of range');
    });

    it('rejects FromPort above ToPort (no AWS evidence; our text)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'tcp', from: 443, to: 80, cidrs: ['10.0.0.0/8'] }]),
        'InvalidParameterValue',
        'Invalid value for portRange. From port (443) must not be greater than to port (80).',
      );
    });

    it('rejects an icmp code out of range and accepts type 30 code 0 (B-19)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(await ec2.authorize(groupId, [{ protocol: 'icmp', from: 0, to: 65535, cidrs: ['10.0.0.0/8'] }]), 'InvalidParameterValue', 'ICMP code (65535) out of range');
      expect((await ec2.authorize(groupId, [{ protocol: 'icmp', from: 30, to: 0, cidrs: ['10.0.0.0/8'] }])).status).toBe(200);
    });

    it('rejects a non-integer port on the wire', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(
        await ec2.call('AuthorizeSecurityGroupEgress', { GroupId: groupId, 'IpPermissions.1.IpProtocol': 'tcp', 'IpPermissions.1.FromPort': 'http', 'IpPermissions.1.ToPort': '80' }),
        'InvalidParameterValue',
        "Invalid value 'http' for fromPort. Expected an integer.",
      );
    });
  });

  describe('peers', () => {
    it.each([
      ['58.29.99.44', 'B-20'],
      ['::/0', 'B-21'],
      ['sg-05cbbd25a44de07f5', 'B-22'],
      ['10.0.0.0/33', 'B-22'],
    ])('rejects the CidrIp %s as malformed (%s)', async (cidr) => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 2, cidrs: [cidr] }]), 'InvalidParameterValue', `CIDR block ${cidr} is malformed`);
    });

    it('rejects an IPv4 CIDR in CidrIpv6 the same way (reverse of B-21, unverified)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 2, cidrsV6: ['10.0.0.0/8'] }]), 'InvalidParameterValue', 'CIDR block 10.0.0.0/8 is malformed');
    });

    it('rejects a permission without a peer (B-23)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'tcp', from: 22, to: 22 }]),
        'MissingParameter',
        'Missing source specification: include source security group or CIDR information',
      );
    });

    it('rejects a group pair without a group id (B-24)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(
        await ec2.call('AuthorizeSecurityGroupEgress', { GroupId: groupId, 'IpPermissions.1.IpProtocol': '-1', 'IpPermissions.1.Groups.1.UserId': '000000000000' }),
        'MissingParameter',
        'Source group ID missing.',
      );
    });

    it.each(["customer's", '->'])('rejects the rule description %j with the two-space text (B-25)', async (description) => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 2, cidrs: ['10.0.0.0/8'], description }]),
        'InvalidParameterValue',
        'Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*',
      );
    });

    it('rejects an unknown prefix list (B-28)', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      for (const id of ['pl-xxxxxx', 'pl-0123456789abcdef0']) {
        expectError(await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 2, prefixLists: [id] }]), 'InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`);
      }
    });

    it('accepts an AWS-managed prefix list as a peer', async () => {
      const ec2 = emulator();
      const groupId = await ec2.createGroup('web');
      // AWS-managed lists have AWS's own id (us-east-1 S3: pl-63a5400a), the same for every account.
      const s3List = 'pl-63a5400a';
      expect(ec2.store.getPrefixList({ accountId: '000000000000', region: 'us-east-1' }, s3List)?.name).toBe('com.amazonaws.us-east-1.s3');
      const res = await ec2.authorize(groupId, [{ protocol: 'tcp', from: 443, to: 443, prefixLists: [s3List] }]);
      expect(res.status).toBe(200);
      expect(res.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item[0].prefixListId).toBe(s3List);
      expect((await ec2.group(groupId)).ipPermissionsEgress.item[1].prefixListIds.item).toEqual([{ prefixListId: s3List }]);
    });
  });

  describe('quota', () => {
    it('rejects a request that would pass the rules-per-group quota, adding nothing (B-26)', async () => {
      const ec2 = emulator({ rulesPerSecurityGroup: 3 });
      const groupId = await ec2.createGroup('web');
      // The default egress rule counts: 1 + 2 = 3 is allowed.
      expect((await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 1, cidrs: ['10.0.0.0/8', '10.1.0.0/16'] }])).status).toBe(200);
      const before = (await ec2.rules(groupId)).map(ruleKey);
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'tcp', from: 2, to: 2, cidrs: ['10.2.0.0/16'] }]),
        'RulesPerSecurityGroupLimitExceeded',
        'The maximum number of rules per security group has been reached.',
      );
      expect((await ec2.rules(groupId)).map(ruleKey)).toEqual(before);
    });

    it('counts IPv4 and IPv6 rules separately (§3.3)', async () => {
      const ec2 = emulator({ rulesPerSecurityGroup: 3 });
      const groupId = await ec2.createGroup('web');
      await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 1, cidrs: ['10.0.0.0/8', '10.1.0.0/16'] }]);
      expect((await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 1, cidrsV6: ['::/0', '2001:db8::/32', '2001:db9::/32'] }])).status).toBe(200);
      expectError(await ec2.authorize(groupId, [{ protocol: 'tcp', from: 2, to: 2, cidrsV6: ['::/0'] }]), 'RulesPerSecurityGroupLimitExceeded');
    });

    it('rejects a single request larger than the quota', async () => {
      const ec2 = emulator({ rulesPerSecurityGroup: 3 });
      const groupId = await ec2.createGroup('web');
      expectError(
        await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 1, cidrs: ['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16'] }]),
        'RulesPerSecurityGroupLimitExceeded',
      );
      expect(await ec2.rules(groupId)).toHaveLength(1);
    });
  });

  it('rejects the flat legacy parameters with UnknownParameter (B-29)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    expectError(
      await ec2.call('AuthorizeSecurityGroupEgress', { GroupId: groupId, CidrIp: '10.0.0.0/8', IpProtocol: 'tcp', FromPort: '22', ToPort: '22' }),
      'UnknownParameter',
      'The parameter CidrIp is not recognized',
    );
    expect(await ec2.rules(groupId)).toHaveLength(1);
  });

  it('requires IpPermissions', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    expectError(await ec2.call('AuthorizeSecurityGroupEgress', { GroupId: groupId }), 'MissingParameter', 'The request must contain the parameter ipPermissions');
  });

  it('changes nothing when one permission among good ones is bad', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    await ec2.authorize(groupId, [{ protocol: 'udp', from: 53, to: 53, cidrs: ['10.0.0.0/8'] }]);
    const before = (await ec2.rules(groupId)).map(ruleKey);
    const bad: Permission[][] = [
      [{ protocol: 'tcp', from: 80, to: 80, cidrs: ['10.0.0.0/8'] }, { protocol: 'tcp', from: 443, to: 443, cidrs: ['not-a-cidr'] }],
      [{ protocol: 'tcp', from: 80, to: 80, cidrs: ['10.0.0.0/8'] }, { protocol: 'all', cidrs: ['10.0.0.0/8'] }],
      [{ protocol: 'tcp', from: 80, to: 80, cidrs: ['10.0.0.0/8'] }, { protocol: 'tcp', from: 1, to: 2, groups: ['sg-0fedcba9876543210'] }],
      [{ protocol: 'tcp', from: 80, to: 80, cidrs: ['10.0.0.0/8'] }, { protocol: 'tcp', from: 1, to: 2 }],
      [{ protocol: 'tcp', from: 80, to: 80, cidrs: ['10.0.0.0/8'] }, { protocol: 'udp', from: 53, to: 53, cidrs: ['10.0.0.0/8'] }],
    ];
    for (const permissions of bad) {
      const res = await ec2.authorize(groupId, permissions);
      expect(res.status).toBe(400);
      expect((await ec2.rules(groupId)).map(ruleKey)).toEqual(before);
    }
  });
});

// ====================================================================== RevokeSecurityGroupEgress

describe('RevokeSecurityGroupEgress', () => {
  /** A group in a non-default VPC, where revoke is all-or-nothing (C-1). */
  async function vpcGroup(ec2: ReturnType<typeof emulator>): Promise<string> {
    return ec2.createGroup('web', await ec2.createVpc());
  }

  it('revokes the default -1 egress sent with FromPort=0,ToPort=0', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    const res = await ec2.revoke(groupId, [{ protocol: '-1', from: 0, to: 0, cidrs: ['0.0.0.0/0'] }]);
    expect(res.status).toBe(200);
    expect(res.xml.RevokeSecurityGroupEgressResponse.return).toBe('true');
    expect(await ec2.rules(groupId)).toEqual([]);
    expect((await ec2.group(groupId)).ipPermissionsEgress).toBe('');
  });

  it('revokes by permission, ignoring descriptions (C-4), and reports what it revoked', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 443, to: 443, cidrs: ['10.0.0.0/16'], description: 'https' }]);
    const res = await ec2.revoke(groupId, [{ protocol: 'tcp', from: 443, to: 443, cidrs: ['10.0.0.0/16'] }]);
    expect(res.status).toBe(200);
    const revoked = res.xml.RevokeSecurityGroupEgressResponse.revokedSecurityGroupRuleSet.item;
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ groupId, isEgress: 'true', ipProtocol: 'tcp', fromPort: '443', toPort: '443', cidrIpv4: '10.0.0.0/16', description: 'https' });
    expect(res.xml.RevokeSecurityGroupEgressResponse).not.toHaveProperty('unknownIpPermissionSet');
    expect((await ec2.rules(groupId)).map((r) => r.ipProtocol)).toEqual(['-1']);
  });

  it('matches non-canonical CIDRs and numeric protocols against the stored rule', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['100.68.0.0/18'] }]);
    expect((await ec2.revoke(groupId, [{ protocol: '6', from: 22, to: 22, cidrs: ['100.68.0.18/18'] }])).status).toBe(200);
    expect(await ec2.rules(groupId)).toHaveLength(1);
  });

  it('answers a rule that does not exist with NotFound (C-1)', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    expectError(
      await ec2.revoke(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['10.0.0.0/8'] }]),
      'InvalidPermission.NotFound',
      'The specified rule does not exist in this security group.',
    );
  });

  it('revokes nothing when one peer of the request matches nothing (C-2)', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['10.0.0.0/8'] }]);
    const before = (await ec2.rules(groupId)).map(ruleKey);
    expectError(await ec2.revoke(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['10.0.0.0/8', '10.9.0.0/16'] }]), 'InvalidPermission.NotFound');
    expect((await ec2.rules(groupId)).map(ruleKey)).toEqual(before);
  });

  it('in the default VPC revokes what matches and reports the rest (C-3, docs only)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['10.0.0.0/8'] }]);
    const res = await ec2.revoke(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['10.0.0.0/8', '10.9.0.0/16'] }]);
    expect(res.status).toBe(200);
    const body = res.xml.RevokeSecurityGroupEgressResponse;
    expect(body.return).toBe('true');
    expect(body.unknownIpPermissionSet.item).toEqual([
      { ipProtocol: 'tcp', fromPort: '22', toPort: '22', groups: '', ipRanges: { item: [{ cidrIp: '10.9.0.0/16' }] }, ipv6Ranges: '', prefixListIds: '' },
    ]);
    expect(body.revokedSecurityGroupRuleSet.item.map((r: Record<string, string>) => r.cidrIpv4)).toEqual(['10.0.0.0/8']);
    expect(await ec2.rules(groupId)).toHaveLength(1);
  });

  it('requires an exact port match (C-5)', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 0, to: 65535, cidrs: ['10.0.0.0/8'] }]);
    expectError(await ec2.revoke(groupId, [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['10.0.0.0/8'] }]), 'InvalidPermission.NotFound');
    expect(await ec2.rules(groupId)).toHaveLength(2);
  });

  it('revokes by SecurityGroupRuleId (C-6)', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    const created = await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 1, cidrs: ['10.0.0.0/8', '10.1.0.0/16'] }]);
    const [first] = created.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item;
    const res = await ec2.call('RevokeSecurityGroupEgress', { GroupId: groupId, 'SecurityGroupRuleId.1': first.securityGroupRuleId });
    expect(res.status).toBe(200);
    const body = res.xml.RevokeSecurityGroupEgressResponse;
    expect(body.return).toBe('true');
    expect(body.revokedSecurityGroupRuleSet.item).toEqual([
      { securityGroupRuleId: first.securityGroupRuleId, groupId, isEgress: 'true', ipProtocol: 'tcp', fromPort: '1', toPort: '1', cidrIpv4: '10.0.0.0/8' },
    ]);
    expect((await ec2.rules(groupId)).map((r) => r.cidrIpv4)).toEqual(['0.0.0.0/0', '10.1.0.0/16']);
  });

  it('answers an unknown rule id with NotFound and revokes nothing (C-7, L)', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    const [existing] = await ec2.rules(groupId);
    expectError(
      await ec2.call('RevokeSecurityGroupEgress', {
        GroupId: groupId,
        'SecurityGroupRuleId.1': existing!.securityGroupRuleId,
        'SecurityGroupRuleId.2': 'sgr-0000000000000000a',
      }),
      'InvalidSecurityGroupRuleId.NotFound',
      "The security group rule ID 'sgr-0000000000000000a' does not exist",
    );
    expect(await ec2.rules(groupId)).toHaveLength(1);
  });

  it("answers a rule id of another group, or of the other direction's rule, with NotFound", async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    const defaultGroup = await ec2.defaultGroupId();
    const ingress = (await ec2.rules(defaultGroup)).find((r) => r.isEgress === 'false')!;
    expectError(
      await ec2.call('RevokeSecurityGroupEgress', { GroupId: groupId, 'SecurityGroupRuleId.1': ingress.securityGroupRuleId }),
      'InvalidSecurityGroupRuleId.NotFound',
      `The security group rule ID '${ingress.securityGroupRuleId}' does not exist`,
    );
  });

  it('answers a malformed rule id with Malformed', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    expectError(
      await ec2.call('RevokeSecurityGroupEgress', { GroupId: groupId, 'SecurityGroupRuleId.1': 'rule-1' }),
      'InvalidSecurityGroupRuleId.Malformed',
      "The security group rule ID 'rule-1' is malformed",
    );
  });

  it('answers an absent or malformed group (C-8)', async () => {
    const ec2 = emulator();
    expectError(await ec2.revoke('sg-00000000', [{ protocol: '-1', cidrs: ['0.0.0.0/0'] }]), 'InvalidGroup.NotFound', "The security group 'sg-00000000' does not exist");
    expectError(
      await ec2.revoke('tcp_elb_security_group', [{ protocol: '-1', cidrs: ['0.0.0.0/0'] }]),
      'InvalidGroupId.Malformed',
      'Invalid id: "tcp_elb_security_group" (expecting "sg-...")',
    );
  });

  it('answers a revoke on a group with no egress rules with NotFound (C-10)', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    await ec2.revoke(groupId, [{ protocol: '-1', cidrs: ['0.0.0.0/0'] }]);
    expectError(await ec2.revoke(groupId, [{ protocol: '-1', cidrs: ['0.0.0.0/0'] }]), 'InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
  });

  it('validates like authorize: icmp without ports (C-12)', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    expectError(
      await ec2.revoke(groupId, [{ protocol: 'icmp', cidrs: ['10.0.0.0/8'] }]),
      'InvalidParameterValue',
      "Invalid value 'Must specify both from and to ports with ICMP.' for portRange.",
    );
  });

  it('rejects CidrIp on egress revoke (B-29)', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    expectError(await ec2.call('RevokeSecurityGroupEgress', { GroupId: groupId, CidrIp: '0.0.0.0/0' }), 'UnknownParameter', 'The parameter CidrIp is not recognized');
  });

  it('requires permissions or rule ids', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    expectError(await ec2.call('RevokeSecurityGroupEgress', { GroupId: groupId }), 'MissingParameter', 'The request must contain the parameter ipPermissions or securityGroupRuleIds');
  });

  it('revokes by ids and permissions together', async () => {
    const ec2 = emulator();
    const groupId = await vpcGroup(ec2);
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 1, cidrs: ['10.0.0.0/8'] }]);
    const [defaultRule] = await ec2.rules(groupId);
    const res = await ec2.revoke(groupId, [{ protocol: 'tcp', from: 1, to: 1, cidrs: ['10.0.0.0/8'] }], { 'SecurityGroupRuleId.1': defaultRule!.securityGroupRuleId });
    expect(res.status).toBe(200);
    expect(res.xml.RevokeSecurityGroupEgressResponse.revokedSecurityGroupRuleSet.item).toHaveLength(2);
    expect(await ec2.rules(groupId)).toEqual([]);
  });
});

// ====================================================================== DescribeSecurityGroupRules

describe('DescribeSecurityGroupRules', () => {
  it('rejects a malformed group-id filter without a hyphen in the text (E-1)', async () => {
    const ec2 = emulator();
    expectError(
      await ec2.call('DescribeSecurityGroupRules', { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': 'foobar' }),
      'InvalidGroupId.Malformed',
      "The security group ID 'foobar' is malformed",
    );
  });

  it('rejects an empty group-id filter (E-2)', async () => {
    const ec2 = emulator();
    expectError(
      await ec2.call('DescribeSecurityGroupRules', { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': '' }),
      'InvalidGroupId.Malformed',
      "The security group ID '' is malformed",
    );
  });

  it('answers an unknown rule id with NotFound (E-3)', async () => {
    const ec2 = emulator();
    expectError(
      await ec2.call('DescribeSecurityGroupRules', { 'SecurityGroupRuleId.1': 'sgr-0f80c7e764c18b3c0' }),
      'InvalidSecurityGroupRuleId.NotFound',
      "The security group rule ID 'sgr-0f80c7e764c18b3c0' does not exist",
    );
  });

  it('answers a group-id filter of an absent group with an empty set (E-4)', async () => {
    const ec2 = emulator();
    const res = await ec2.call('DescribeSecurityGroupRules', { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': 'sg-005216b55886f0fdc' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<securityGroupRuleSet/>');
  });

  it('rejects filters it does not document (E-5; text is ours)', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('DescribeSecurityGroupRules', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-12345678' }), 'InvalidParameterValue', "The filter 'vpc-id' is invalid");
  });

  it('describes rules by id, with every field (A-1 shape)', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    const created = await ec2.authorize(groupId, [{ protocol: 'udp', from: 53, to: 53, cidrsV6: ['2001:db8::/32'], description: 'dns' }]);
    const ruleId = created.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item[0].securityGroupRuleId;
    const res = await ec2.call('DescribeSecurityGroupRules', { 'SecurityGroupRuleId.1': ruleId });
    expect(res.xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item).toEqual([
      {
        securityGroupRuleId: ruleId,
        groupId,
        groupOwnerId: '000000000000',
        isEgress: 'true',
        ipProtocol: 'udp',
        fromPort: '53',
        toPort: '53',
        cidrIpv6: '2001:db8::/32',
        description: 'dns',
        tagSet: '',
        securityGroupRuleArn: `arn:aws:ec2:us-east-1:000000000000:security-group-rule/${ruleId}`,
      },
    ]);
  });

  it('filters by security-group-rule-id and pages', async () => {
    const ec2 = emulator();
    const groupId = await ec2.createGroup('web');
    await ec2.authorize(groupId, [{ protocol: 'tcp', from: 1, to: 1, cidrs: ['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16', '10.4.0.0/16', '10.5.0.0/16'] }]);
    const all = await ec2.rules(groupId);
    const byId = await ec2.call('DescribeSecurityGroupRules', { 'Filter.1.Name': 'security-group-rule-id', 'Filter.1.Value.1': all[2]!.securityGroupRuleId });
    expect(byId.xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item.map((r: Record<string, string>) => r.cidrIpv4)).toEqual(['10.1.0.0/16']);

    const filter = { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groupId, MaxResults: '5' };
    const page1 = (await ec2.call('DescribeSecurityGroupRules', filter)).xml.DescribeSecurityGroupRulesResponse;
    expect(page1.securityGroupRuleSet.item).toHaveLength(5);
    const page2 = (await ec2.call('DescribeSecurityGroupRules', { ...filter, NextToken: page1.nextToken })).xml.DescribeSecurityGroupRulesResponse;
    expect(page2.securityGroupRuleSet.item).toHaveLength(2);
    expect(page2).not.toHaveProperty('nextToken');
    expect([...page1.securityGroupRuleSet.item, ...page2.securityGroupRuleSet.item].map((r: Record<string, string>) => r.securityGroupRuleId)).toEqual(
      all.map((r) => r.securityGroupRuleId),
    );
  });

  it('rejects an invalid NextToken', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('DescribeSecurityGroupRules', { NextToken: 'bogus' }), 'InvalidParameterValue', 'Value ( bogus ) for parameter NextToken is invalid. The token is invalid.');
  });
});

// ====================================================================== VPCs

describe('CreateVpc / DescribeVpcs / DeleteVpc', () => {
  it('creates a VPC answered as pending, with a default group (H-1)', async () => {
    const ec2 = emulator();
    const res = await ec2.call('CreateVpc', {
      CidrBlock: '10.0.0.0/16',
      'TagSpecification.1.ResourceType': 'vpc',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'lab',
    });
    expect(res.status).toBe(200);
    const vpc = res.xml.CreateVpcResponse.vpc;
    expect(vpc.vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(vpc).toMatchObject({
      cidrBlock: '10.0.0.0/16',
      instanceTenancy: 'default',
      isDefault: 'false',
      ownerId: '000000000000',
      state: 'pending',
      ipv6CidrBlockAssociationSet: '',
      tagSet: { item: [{ key: 'Name', value: 'lab' }] },
    });
    expect(vpc.dhcpOptionsId).toMatch(/^dopt-/);
    expect(vpc.cidrBlockAssociationSet.item).toEqual([
      { associationId: expect.stringMatching(/^vpc-cidr-assoc-/), cidrBlock: '10.0.0.0/16', cidrBlockState: { state: 'associated' } },
    ]);
    const described = (await ec2.call('DescribeVpcs', { 'VpcId.1': vpc.vpcId })).xml.DescribeVpcsResponse.vpcSet.item[0];
    expect(described.state).toBe('available');
    const defaultGroup = await ec2.group(await ec2.defaultGroupId(vpc.vpcId));
    expect(defaultGroup).toMatchObject({ groupName: 'default', groupDescription: 'default VPC security group', vpcId: vpc.vpcId });
  });

  it('answers an unknown VPC id with NotFound (H-2)', async () => {
    const ec2 = emulator();
    for (const id of ['vpc-deadbeef00000000', 'vpc-12345678', 'vpc-0123456789abcdef0']) {
      expectError(await ec2.call('DescribeVpcs', { 'VpcId.1': id }), 'InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    }
  });

  it('answers DeleteVpc of a malformed VPC id with Malformed (our text)', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('DeleteVpc', { VpcId: 'lab' }), 'InvalidVpcID.Malformed', 'Invalid id: "lab" (expecting "vpc-...")');
  });

  it('canonicalises a non-canonical CIDR block (H-3)', async () => {
    const ec2 = emulator();
    const res = await ec2.call('CreateVpc', { CidrBlock: '100.68.0.18/18' });
    expect(res.xml.CreateVpcResponse.vpc.cidrBlock).toBe('100.68.0.0/18');
  });

  it('rejects CIDR blocks outside /16../28 and non-CIDRs', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('CreateVpc', { CidrBlock: '10.0.0.0/8' }), 'InvalidVpc.Range', "The CIDR '10.0.0.0/8' is invalid.");
    expectError(await ec2.call('CreateVpc', { CidrBlock: 'ten' }), 'InvalidParameterValue', 'Value (ten) for parameter cidrBlock is invalid. This is not a valid CIDR block.');
    expectError(await ec2.call('CreateVpc'), 'MissingParameter', "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  });

  it('gives an IPv6 block when asked', async () => {
    const ec2 = emulator();
    const vpc = (await ec2.call('CreateVpc', { CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: 'true' })).xml.CreateVpcResponse.vpc;
    const association = vpc.ipv6CidrBlockAssociationSet.item[0];
    expect(association.ipv6CidrBlock).toMatch(/^2600:1f[0-9a-f]{2}:[0-9a-f]{1,4}:(0|[0-9a-f]{1,2}00)::\/56$/);
    expect(association.ipv6CidrBlockState).toEqual({ state: 'associated' });
  });

  it('filters the default VPC with is-default (H-6)', async () => {
    const ec2 = emulator();
    await ec2.createVpc();
    const res = await ec2.call('DescribeVpcs', { 'Filter.1.Name': 'is-default', 'Filter.1.Value.1': 'true' });
    const items = res.xml.DescribeVpcsResponse.vpcSet.item;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ isDefault: 'true', cidrBlock: '172.31.0.0/16' });
  });

  it('deletes a VPC and its default group', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    const defaultGroup = await ec2.defaultGroupId(vpcId);
    const res = await ec2.call('DeleteVpc', { VpcId: vpcId });
    expect(res.status).toBe(200);
    expect(res.xml.DeleteVpcResponse.return).toBe('true');
    expectError(await ec2.call('DescribeVpcs', { 'VpcId.1': vpcId }), 'InvalidVpcID.NotFound');
    expectError(await ec2.call('DescribeSecurityGroups', { 'GroupId.1': defaultGroup }), 'InvalidGroup.NotFound');
  });

  it('refuses to delete a VPC that still has groups (H-5, L)', async () => {
    const ec2 = emulator();
    const vpcId = await ec2.createVpc();
    await ec2.createGroup('web', vpcId);
    expectError(await ec2.call('DeleteVpc', { VpcId: vpcId }), 'DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
  });

  it('answers DeleteVpc of an unknown id with NotFound', async () => {
    const ec2 = emulator();
    expectError(await ec2.call('DeleteVpc', { VpcId: 'vpc-12345678' }), 'InvalidVpcID.NotFound', "The vpc ID 'vpc-12345678' does not exist");
    expectError(await ec2.call('DeleteVpc'), 'MissingParameter', 'The request must contain the parameter vpcId');
  });
});
