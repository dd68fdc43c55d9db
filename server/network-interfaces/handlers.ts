/**
 * Network interfaces: the members of security groups. CreateNetworkInterface,
 * DescribeNetworkInterfaces, DeleteNetworkInterface, ModifyNetworkInterfaceAttribute,
 * DescribeNetworkInterfaceAttribute.
 *
 * AWS rules (API reference, ENI user guide, errors quoted in public issues; docs/fidelity.md):
 * - an interface lives in one subnet and holds 1 to 5 security groups of that subnet's VPC; none
 *   named means the VPC's `default` group; a group of another VPC is
 *   `InvalidParameter: Security group sg-… and subnet subnet-… belong to different networks.`;
 * - its primary private IPv4 address is the one asked for or a free one of the subnet, never one of
 *   the 5 AWS reserves; an address another interface holds is `InvalidIPAddress.InUse`;
 * - a new interface is answered `pending`, and is `available` (not attached) from then on;
 * - holding a group keeps `DeleteSecurityGroup` from deleting it (`DependencyViolation`), and an
 *   interface keeps its subnet (and so its VPC) from being deleted;
 * - ModifyNetworkInterfaceAttribute changes one attribute per request; Describe…Attribute answers
 *   the one attribute asked for;
 * - CreateNetworkInterface with a ClientToken already used answers the interface it made, or
 *   `IdempotentParameterMismatch` if the parameters differ.
 */
import type {
  CreateNetworkInterfaceRequest,
  CreateNetworkInterfaceResult,
  DeleteNetworkInterfaceRequest,
  DescribeNetworkInterfaceAttributeRequest,
  DescribeNetworkInterfaceAttributeResult,
  DescribeNetworkInterfacesRequest,
  DescribeNetworkInterfacesResult,
  ModifyNetworkInterfaceAttributeRequest,
  NetworkInterface,
} from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import { ipv4Range, ipv4ToNumber, numberToIpv4 } from '../../protocol/cidr.js';
import { Ec2Error, ec2Error, invalidValue } from '../../protocol/errors.js';
import { isNetworkInterfaceId, isSecurityGroupId } from '../../store/ids.js';
import type { NetworkInterfaceRecord, Sequenced, SubnetRecord } from '../../store/records.js';
import type { Deps, RequestContext } from '../context.js';
import { namedOrAll } from '../describe.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { takePage, validatePageRequest } from '../paging.js';
import { toSdkTags } from '../security-groups/views.js';
import { requireSubnetId } from '../subnets/handlers.js';
import { tagsFromSpecifications } from '../tags/rules.js';

/** Security groups per network interface (VPC quota; aws-reference §3.3). */
export const SECURITY_GROUPS_PER_INTERFACE = 5;

/** What CreateNetworkInterface takes for `InterfaceType` (the SDK's NetworkInterfaceCreationType). */
const CREATABLE_INTERFACE_TYPES = ['efa', 'efa-only', 'branch', 'trunk'];

/** `ip-10-0-1-4.ec2.internal` in us-east-1, `ip-10-0-1-4.<region>.compute.internal` elsewhere. */
export function privateDnsName(address: string, region: string): string {
  const host = `ip-${address.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

export function toNetworkInterface(eni: NetworkInterfaceRecord, status = 'available'): NetworkInterface {
  const [primary] = eni.privateIpAddresses;
  return {
    AvailabilityZone: eni.availabilityZone,
    Description: eni.description,
    Groups: eni.groups.map((g) => ({ GroupId: g.groupId, GroupName: g.groupName })),
    InterfaceType: eni.interfaceType as NetworkInterface['InterfaceType'],
    Ipv6Addresses: [],
    MacAddress: eni.macAddress,
    NetworkInterfaceId: eni.networkInterfaceId,
    OwnerId: eni.ownerId,
    PrivateDnsName: primary !== undefined ? privateDnsName(primary, eni.region) : undefined,
    PrivateIpAddress: primary,
    PrivateIpAddresses: eni.privateIpAddresses.map((address, index) => ({
      Primary: index === 0,
      PrivateDnsName: privateDnsName(address, eni.region),
      PrivateIpAddress: address,
    })),
    RequesterManaged: false,
    SourceDestCheck: eni.sourceDestCheck,
    Status: status as NetworkInterface['Status'],
    SubnetId: eni.subnetId,
    TagSet: toSdkTags(eni.tags),
    VpcId: eni.vpcId,
    Ipv6Native: false,
    Operator: { Managed: false },
    AvailabilityZoneId: eni.availabilityZoneId,
  };
}

// ---------------------------------------------------------------- checks shared by create and modify

/**
 * The groups an interface in `subnet` may hold, in request order without repeats: each well-formed,
 * existing, in the subnet's VPC; at most five (`tooMany` is the action's error for more).
 */
function checkedGroups(
  groupIds: readonly string[],
  subnet: SubnetRecord,
  ctx: RequestContext,
  deps: Deps,
  tooMany: () => Ec2Error,
): string[] {
  const unique = [...new Set(groupIds)];
  for (const groupId of unique) {
    if (!isSecurityGroupId(groupId)) throw ec2Error('InvalidGroupId.Malformed', groupId);
    const group = deps.store.getGroupFacts(ctx.scope, groupId);
    if (!group) throw ec2Error('InvalidGroup.NotFound', groupId);
    // A group associated with the subnet's VPC (AssociateSecurityGroupVpc) may be held there too.
    if (group.vpcId !== subnet.vpcId && !deps.store.isGroupAssociatedWithVpc(ctx.scope, groupId, subnet.vpcId)) {
      throw new Ec2Error('InvalidParameter', `Security group ${groupId} and subnet ${subnet.subnetId} belong to different networks.`);
    }
  }
  if (unique.length > SECURITY_GROUPS_PER_INTERFACE) throw tooMany();
  return unique;
}

/** The addresses a new interface gets, primary first: those asked for, then free ones as needed. */
function assignAddresses(input: CreateNetworkInterfaceRequest, subnet: SubnetRecord, deps: Deps): string[] {
  const { first, last } = ipv4Range(subnet.cidrBlock);
  // AWS keeps the first four addresses and the last one of every subnet.
  const lowest = first + 4;
  const highest = last - 1;
  const inUse = deps.store.addressesInUse(subnet.subnetId);

  const requested: { address: string; primary: boolean }[] = [];
  if (input.PrivateIpAddress !== undefined) requested.push({ address: input.PrivateIpAddress, primary: true });
  for (const spec of input.PrivateIpAddresses ?? []) {
    if (spec.PrivateIpAddress === undefined) throw ec2Error('MissingParameter', 'privateIpAddresses.privateIpAddress');
    if (spec.PrivateIpAddress === input.PrivateIpAddress) continue;
    requested.push({ address: spec.PrivateIpAddress, primary: spec.Primary === true && input.PrivateIpAddress === undefined });
  }
  if (requested.filter((r) => r.primary).length > 1) {
    throw invalidValue('Only one primary private IP address can be specified.');
  }
  const taken = new Set<string>();
  for (const { address } of requested) {
    const value = ipv4ToNumber(address);
    if (value === undefined) throw invalidValue(`Value (${address}) for parameter privateIpAddress is invalid. Invalid IPv4 address.`);
    if (value < lowest || value > highest) throw invalidValue(`Address ${address} does not fall within the subnet's address range`);
    if (inUse.has(address) || taken.has(address)) throw ec2Error('InvalidIPAddress.InUse');
    taken.add(address);
  }
  // The primary first; without one named, the first address asked for.
  requested.sort((a, b) => Number(b.primary) - Number(a.primary));
  const addresses = requested.map((r) => r.address);

  const secondaryCount = input.SecondaryPrivateIpAddressCount ?? 0;
  if (secondaryCount < 0) {
    throw invalidValue(`Value (${secondaryCount}) for parameter secondaryPrivateIpAddressCount is invalid. Must be a non-negative number.`);
  }
  let wanted = (addresses.length === 0 ? 1 : 0) + secondaryCount;
  for (let candidate = lowest; wanted > 0 && candidate <= highest; candidate++) {
    const address = numberToIpv4(candidate);
    if (inUse.has(address) || taken.has(address)) continue;
    addresses.push(address);
    taken.add(address);
    wanted--;
  }
  if (wanted > 0) throw ec2Error('InsufficientFreeAddressesInSubnet');
  return addresses;
}

function loadSubnet(ctx: RequestContext, deps: Deps, subnetId: string | undefined): SubnetRecord {
  const id = requireSubnetId(subnetId);
  const subnet = deps.store.getSubnet(ctx.scope, id);
  if (!subnet) throw ec2Error('InvalidSubnetID.NotFound', id);
  return subnet;
}

function requireNetworkInterfaceId(networkInterfaceId: string | undefined): string {
  if (networkInterfaceId === undefined || networkInterfaceId === '') throw ec2Error('MissingParameter', 'networkInterfaceId');
  if (!isNetworkInterfaceId(networkInterfaceId)) throw ec2Error('InvalidNetworkInterfaceId.Malformed', networkInterfaceId);
  return networkInterfaceId;
}

function loadNetworkInterface(ctx: RequestContext, deps: Deps, networkInterfaceId: string | undefined): NetworkInterfaceRecord {
  const id = requireNetworkInterfaceId(networkInterfaceId);
  const eni = deps.store.getNetworkInterface(ctx.scope, id);
  if (!eni) throw ec2Error('InvalidNetworkInterfaceID.NotFound', id);
  return eni;
}

// ---------------------------------------------------------------- actions

export function createNetworkInterface(
  input: CreateNetworkInterfaceRequest,
  ctx: RequestContext,
  deps: Deps,
): CreateNetworkInterfaceResult {
  const { store } = deps;
  const interfaceType = input.InterfaceType ?? 'interface';
  if (input.InterfaceType !== undefined && !CREATABLE_INTERFACE_TYPES.includes(input.InterfaceType)) {
    throw invalidValue(
      `Value (${input.InterfaceType}) for parameter interfaceType is invalid. Valid values: ${CREATABLE_INTERFACE_TYPES.join(', ')}`,
    );
  }
  const tags = tagsFromSpecifications(input.TagSpecifications, 'network-interface');
  const subnet = loadSubnet(ctx, deps, input.SubnetId);

  let requestHash: string | undefined;
  if (input.ClientToken !== undefined) {
    const { ClientToken, DryRun, ...parameters } = input;
    requestHash = createHash('sha256').update(JSON.stringify(parameters)).digest('hex');
    const earlier = store.networkInterfaceByClientToken(ctx.scope, ClientToken);
    if (earlier) {
      if (earlier.requestHash !== requestHash) throw ec2Error('IdempotentParameterMismatch', ClientToken);
      const eni = store.getNetworkInterface(ctx.scope, earlier.networkInterfaceId);
      if (eni) return { NetworkInterface: toNetworkInterface(eni), ClientToken };
    }
  }

  const tooMany = () =>
    invalidValue(`user ${ctx.scope.accountId} exceeded limit ${SECURITY_GROUPS_PER_INTERFACE} on the number of interface security group memberships`);
  let groupIds = checkedGroups(input.Groups ?? [], subnet, ctx, deps, tooMany);
  if (groupIds.length === 0) {
    const defaultGroup = store.findGroupByName(subnet.vpcId, 'default');
    groupIds = defaultGroup ? [defaultGroup.groupId] : [];
  }
  const addresses = assignAddresses(input, subnet, deps);
  const networkInterfaceId = store.insertNetworkInterface(ctx.scope, {
    vpcId: subnet.vpcId,
    subnetId: subnet.subnetId,
    description: input.Description ?? '',
    interfaceType,
    privateIpAddresses: addresses,
    groupIds,
    clientToken: input.ClientToken,
    requestHash,
  });
  if (tags.length > 0) store.setTags(ctx.scope, networkInterfaceId, 'network-interface', tags);
  const eni = store.getNetworkInterface(ctx.scope, networkInterfaceId)!;
  // AWS answers a new interface as `pending`; it is `available` in every later describe.
  return { NetworkInterface: toNetworkInterface(eni, 'pending'), ClientToken: input.ClientToken };
}

export function deleteNetworkInterface(input: DeleteNetworkInterfaceRequest, ctx: RequestContext, deps: Deps): { Return: boolean } {
  const eni = loadNetworkInterface(ctx, deps, input.NetworkInterfaceId);
  deps.store.deleteNetworkInterface(eni.networkInterfaceId);
  return { Return: true };
}

/** Request member → the attribute name AWS uses in its messages. */
const MODIFIABLE = { Description: 'description', SourceDestCheck: 'sourceDestCheck', Groups: 'groupSet' } as const;

export function modifyNetworkInterfaceAttribute(
  input: ModifyNetworkInterfaceAttributeRequest,
  ctx: RequestContext,
  deps: Deps,
): { Return: boolean } {
  const eni = loadNetworkInterface(ctx, deps, input.NetworkInterfaceId);
  // The attributes in the order the request named them (the parser keeps that order).
  const requested = Object.keys(input).filter((key): key is keyof typeof MODIFIABLE => Object.hasOwn(MODIFIABLE, key));
  if (requested.length === 0) throw new Ec2Error('InvalidParameterCombination', 'No attributes specified.');
  if (requested.length > 1) {
    throw new Ec2Error(
      'InvalidParameterCombination',
      `Fields for multiple attribute types specified: ${requested.map((key) => MODIFIABLE[key]).join(', ')}`,
    );
  }
  const { store } = deps;
  switch (requested[0]!) {
    case 'Description':
      store.setNetworkInterfaceDescription(eni.networkInterfaceId, input.Description?.Value ?? '');
      break;
    case 'SourceDestCheck': {
      const value = input.SourceDestCheck?.Value;
      if (value === undefined) throw ec2Error('MissingParameter', 'SourceDestCheck.Value');
      store.setNetworkInterfaceSourceDestCheck(eni.networkInterfaceId, value);
      break;
    }
    case 'Groups': {
      const subnet = store.getSubnet(ctx.scope, eni.subnetId)!;
      const groupIds = checkedGroups(input.Groups ?? [], subnet, ctx, deps, () => ec2Error('SecurityGroupsPerInterfaceLimitExceeded'));
      store.replaceNetworkInterfaceGroups(eni.networkInterfaceId, groupIds);
      break;
    }
  }
  return { Return: true };
}

const READABLE_ATTRIBUTES = ['description', 'groupSet', 'sourceDestCheck', 'attachment', 'associatePublicIpAddress'];

export function describeNetworkInterfaceAttribute(
  input: DescribeNetworkInterfaceAttributeRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeNetworkInterfaceAttributeResult {
  const eni = loadNetworkInterface(ctx, deps, input.NetworkInterfaceId);
  const attribute = input.Attribute as string | undefined;
  if (attribute === undefined || attribute === '') throw ec2Error('MissingParameter', 'attribute');
  if (!READABLE_ATTRIBUTES.includes(attribute)) {
    throw invalidValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
  const result: DescribeNetworkInterfaceAttributeResult = { NetworkInterfaceId: eni.networkInterfaceId };
  switch (attribute) {
    case 'description':
      return { ...result, Description: { Value: eni.description } };
    case 'groupSet':
      return { ...result, Groups: eni.groups.map((g) => ({ GroupId: g.groupId, GroupName: g.groupName })) };
    case 'sourceDestCheck':
      return { ...result, SourceDestCheck: { Value: eni.sourceDestCheck } };
    case 'associatePublicIpAddress':
      return { ...result, AssociatePublicIpAddress: false };
    default:
      // `attachment`: interfaces here are never attached to an instance.
      return result;
  }
}

// ---------------------------------------------------------------- DescribeNetworkInterfaces

const never = { values: () => [] };
const addresses = (eni: NetworkInterfaceRecord) => eni.privateIpAddresses;

/** Every documented filter. Those about attachments, public addresses and IPv6 match nothing here. */
const NETWORK_INTERFACE_FILTERS: FilterTable<Sequenced<NetworkInterfaceRecord>> = {
  tags: (eni) => eni.tags,
  filters: {
    'association.allocation-id': never,
    'association.association-id': never,
    'addresses.association.owner-id': never,
    'addresses.association.public-ip': never,
    'addresses.primary': { values: (eni) => eni.privateIpAddresses.map((_, index) => String(index === 0)) },
    'addresses.private-ip-address': { values: addresses },
    'association.ip-owner-id': never,
    'association.public-ip': never,
    'association.public-dns-name': never,
    'attachment.attach-time': never,
    'attachment.attachment-id': never,
    'attachment.delete-on-termination': never,
    'attachment.device-index': never,
    'attachment.instance-id': never,
    'attachment.instance-owner-id': never,
    'attachment.status': never,
    'availability-zone': { values: (eni) => [eni.availabilityZone] },
    'availability-zone-id': { values: (eni) => [eni.availabilityZoneId] },
    description: { values: (eni) => [eni.description] },
    'group-id': { values: (eni) => eni.groups.map((g) => g.groupId) },
    'group-name': { values: (eni) => eni.groups.map((g) => g.groupName) },
    'ipv6-addresses.ipv6-address': never,
    'interface-type': { values: (eni) => [eni.interfaceType] },
    'mac-address': { values: (eni) => [eni.macAddress] },
    'network-interface-id': { values: (eni) => [eni.networkInterfaceId] },
    'operator.managed': { values: () => ['false'] },
    'operator.principal': never,
    'owner-id': { values: (eni) => [eni.ownerId] },
    'private-dns-name': { values: (eni) => eni.privateIpAddresses.map((a) => privateDnsName(a, eni.region)) },
    'private-ip-address': { values: addresses },
    'requester-id': never,
    'requester-managed': { values: () => ['false'] },
    'source-dest-check': { values: (eni) => [String(eni.sourceDestCheck)] },
    status: { values: () => ['available'] },
    'subnet-id': { values: (eni) => [eni.subnetId] },
    'vpc-id': { values: (eni) => [eni.vpcId] },
  },
};

export function describeNetworkInterfaces(
  input: DescribeNetworkInterfacesRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeNetworkInterfacesResult {
  validatePageRequest(input);
  const matches = compileFilters(input.Filters, NETWORK_INTERFACE_FILTERS);
  const { isVisible } = deps.realism;
  const interfaces = namedOrAll(input.NetworkInterfaceIds, {
    find: (id) => {
      if (!isNetworkInterfaceId(id)) throw ec2Error('InvalidNetworkInterfaceId.Malformed', id);
      return isVisible(id) ? deps.store.getNetworkInterface(ctx.scope, id) : undefined;
    },
    notFound: (id) => ec2Error('InvalidNetworkInterfaceID.NotFound', id),
    all: () => deps.store.listNetworkInterfaces(ctx.scope).filter((eni) => isVisible(eni.networkInterfaceId)),
  });
  const page = takePage(interfaces.filter(matches), input);
  return { NetworkInterfaces: page.items.map((eni) => toNetworkInterface(eni)), NextToken: page.nextToken };
}
