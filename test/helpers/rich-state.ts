/**
 * A state with something of every kind, built through the EC2 actions on an app (so it is exactly
 * what the emulator stores): in two accounts and two regions, groups, rules of every peer kind
 * (IPv4, IPv6, prefix list, own-VPC group, peered group, and a stale one whose group was deleted),
 * rule tags, prefix lists with several versions, subnets, network interfaces holding groups, VPC
 * associations, peering connections in several states, tags of every taggable type.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { rawClient, sigV4Authorization, type Item } from './inject.js';

export const RICH_SCOPES = [
  { name: 'default account, us-east-1', headers: {} as Record<string, string> },
  { name: 'account 111122223333, eu-west-1', headers: { authorization: sigV4Authorization('eu-west-1', '111122223333') } },
  { name: 'default account, ap-southeast-2', headers: { authorization: sigV4Authorization('ap-southeast-2') } },
] as const;

export async function buildRichState(app: FastifyInstance): Promise<void> {
  for (const scope of RICH_SCOPES) await buildScope(app, scope.headers);
}

async function buildScope(app: FastifyInstance, headers: Record<string, string>): Promise<void> {
  const { ok } = rawClient(app, headers);
  const tag = (resourceId: string, key: string, value: string) =>
    ok('CreateTags', { 'ResourceId.1': resourceId, 'Tag.1.Key': key, 'Tag.1.Value': value });

  const vpc = (await ok('CreateVpc', { CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: 'true' })).vpc as Item;
  const peerVpc = (await ok('CreateVpc', { CidrBlock: '10.1.0.0/16' })).vpc as Item;
  const thirdVpc = (await ok('CreateVpc', { CidrBlock: '10.2.0.0/16' })).vpc as Item;
  await tag(vpc.vpcId, 'Name', 'main');
  await ok('ModifyVpcAttribute', { VpcId: vpc.vpcId, 'EnableDnsHostnames.Value': 'true' });

  const list = (await ok('CreateManagedPrefixList', {
    PrefixListName: 'offices',
    MaxEntries: '10',
    AddressFamily: 'IPv4',
    'Entry.1.Cidr': '192.0.2.0/24',
    'Entry.1.Description': 'hq',
    'TagSpecification.1.ResourceType': 'prefix-list',
    'TagSpecification.1.Tag.1.Key': 'team',
    'TagSpecification.1.Tag.1.Value': 'net',
  })).prefixList as Item;
  await ok('ModifyManagedPrefixList', { PrefixListId: list.prefixListId, CurrentVersion: '1', 'AddEntry.1.Cidr': '198.51.100.0/24' });
  await ok('ModifyManagedPrefixList', { PrefixListId: list.prefixListId, CurrentVersion: '2', 'RemoveEntry.1.Cidr': '192.0.2.0/24' });
  await ok('RestoreManagedPrefixListVersion', { PrefixListId: list.prefixListId, CurrentVersion: '3', PreviousVersion: '1' });
  const v6List = (await ok('CreateManagedPrefixList', {
    PrefixListName: 'v6',
    MaxEntries: '5',
    AddressFamily: 'IPv6',
    'Entry.1.Cidr': '2001:db8::/32',
  })).prefixList as Item;
  const awsLists = (await ok('DescribeManagedPrefixLists', { 'Filter.1.Name': 'owner-id', 'Filter.1.Value.1': 'AWS' })).prefixListSet
    .item as Item[];

  const group = (name: string, vpcId: string) =>
    ok('CreateSecurityGroup', { GroupName: name, GroupDescription: `${name} tier`, VpcId: vpcId }).then((r) => r.groupId as string);
  const web = await group('web', vpc.vpcId);
  const app2 = await group('app', vpc.vpcId);
  const remote = await group('remote', peerVpc.vpcId);
  const doomed = await group('doomed', peerVpc.vpcId);
  const roaming = await group('roaming', thirdVpc.vpcId);
  await tag(web, 'Name', 'web');

  const peering = (await ok('CreateVpcPeeringConnection', { VpcId: vpc.vpcId, PeerVpcId: peerVpc.vpcId })).vpcPeeringConnection as Item;
  await ok('AcceptVpcPeeringConnection', { VpcPeeringConnectionId: peering.vpcPeeringConnectionId });
  await tag(peering.vpcPeeringConnectionId, 'Name', 'main-peer');
  const rejected = (await ok('CreateVpcPeeringConnection', { VpcId: vpc.vpcId, PeerVpcId: thirdVpc.vpcId })).vpcPeeringConnection as Item;
  await ok('RejectVpcPeeringConnection', { VpcPeeringConnectionId: rejected.vpcPeeringConnectionId });
  await ok('CreateVpcPeeringConnection', { VpcId: peerVpc.vpcId, PeerVpcId: thirdVpc.vpcId });
  await ok('CreateVpcPeeringConnection', { VpcId: vpc.vpcId, PeerVpcId: vpc.vpcId });
  await ok('CreateVpcPeeringConnection', { VpcId: vpc.vpcId, PeerVpcId: 'vpc-0123456789abcdef0', PeerOwnerId: '999988887777' });

  const authorized = await ok('AuthorizeSecurityGroupIngress', {
    GroupId: web,
    'IpPermissions.1.IpProtocol': 'tcp',
    'IpPermissions.1.FromPort': '443',
    'IpPermissions.1.ToPort': '443',
    'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8',
    'IpPermissions.1.IpRanges.1.Description': 'internal',
    'IpPermissions.1.Ipv6Ranges.1.CidrIpv6': '2001:db8::/48',
    'IpPermissions.1.PrefixListIds.1.PrefixListId': list.prefixListId,
    'IpPermissions.1.PrefixListIds.2.PrefixListId': awsLists[0]!.prefixListId,
    'IpPermissions.2.IpProtocol': 'icmp',
    'IpPermissions.2.FromPort': '8',
    'IpPermissions.2.ToPort': '-1',
    'IpPermissions.2.Groups.1.GroupId': app2,
    'IpPermissions.3.IpProtocol': '-1',
    'IpPermissions.3.Groups.1.GroupId': remote,
    'IpPermissions.4.IpProtocol': '-1',
    'IpPermissions.4.Groups.1.GroupId': doomed,
    'IpPermissions.5.IpProtocol': '50',
    'IpPermissions.5.PrefixListIds.1.PrefixListId': v6List.prefixListId,
    'TagSpecification.1.ResourceType': 'security-group-rule',
    'TagSpecification.1.Tag.1.Key': 'rule',
    'TagSpecification.1.Tag.1.Value': 'yes',
  });
  expect(authorized.securityGroupRuleSet.item.length).toBe(8);
  await ok('AuthorizeSecurityGroupEgress', {
    GroupId: app2,
    'IpPermissions.1.IpProtocol': 'udp',
    'IpPermissions.1.FromPort': '53',
    'IpPermissions.1.ToPort': '53',
    'IpPermissions.1.Ipv6Ranges.1.CidrIpv6': '::/0',
  });
  // The peered group goes: the rule naming it stays, stale.
  await ok('DeleteSecurityGroup', { GroupId: doomed });

  const subnet = (await ok('CreateSubnet', { VpcId: vpc.vpcId, CidrBlock: '10.0.1.0/24' })).subnet as Item;
  await tag(subnet.subnetId, 'tier', 'public');
  await ok('AssociateSecurityGroupVpc', { GroupId: roaming, VpcId: vpc.vpcId });
  const eni = (await ok('CreateNetworkInterface', {
    SubnetId: subnet.subnetId,
    'SecurityGroupId.1': web,
    'SecurityGroupId.2': roaming,
    SecondaryPrivateIpAddressCount: '2',
    Description: 'nic',
    ClientToken: 'token-1',
  })).networkInterface as Item;
  await tag(eni.networkInterfaceId, 'Name', 'nic');
  await ok('CreateNetworkInterface', { SubnetId: subnet.subnetId, PrivateIpAddress: '10.0.1.200' });

  const acls = (await ok('DescribeNetworkAcls', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': vpc.vpcId })).networkAclSet.item as Item[];
  await tag(acls[0]!.networkAclId, 'Name', 'acl');
  const tables = (await ok('DescribeRouteTables', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': vpc.vpcId })).routeTableSet.item as Item[];
  await tag(tables[0]!.routeTableId, 'Name', 'rtb');
}
