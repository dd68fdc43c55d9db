/**
 * CreateSubnet, DescribeSubnets, DeleteSubnet.
 *
 * AWS rules (API reference, VPC user guide, errors quoted in public issues; docs/fidelity.md):
 * - a subnet's IPv4 block is /16 to /28, inside its VPC's block, and overlaps no other subnet of
 *   the VPC: otherwise `InvalidSubnet.Range: The CIDR 'x' is invalid.` or
 *   `InvalidSubnet.Conflict: The CIDR 'x' conflicts with another subnet`;
 * - its zone is one of the region's (`InvalidParameterValue: Value (x) for parameter
 *   availabilityZone is invalid. Subnets can currently only be created in the following
 *   availability zones: a, b.`); without one AWS picks one (here: the zone with fewest subnets of the
 *   VPC, first by name on a tie);
 * - AWS keeps 5 addresses of every subnet (the first four and the last): `availableIpAddressCount`
 *   is the size less 5 less the addresses interfaces hold;
 * - a subnet that still has network interfaces cannot be deleted
 *   (`DependencyViolation: The subnet 'x' has dependencies and cannot be deleted.`).
 */
import type {
  CreateSubnetRequest,
  CreateSubnetResult,
  DeleteSubnetRequest,
  DescribeSubnetsRequest,
  DescribeSubnetsResult,
  Subnet,
} from '@aws-sdk/client-ec2';
import { ipv4Range, ipv4RangesOverlap, parseCidr } from '../../protocol/cidr.js';
import { Ec2Error, ec2Error, invalidValue } from '../../protocol/errors.js';
import { availabilityZonesOf, type AvailabilityZoneInfo } from '../../store/availability-zones.js';
import { isSubnetId } from '../../store/ids.js';
import type { Scope, SubnetRecord } from '../../store/records.js';
import type { Deps, RequestContext } from '../context.js';
import { namedOrAll } from '../describe.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { takePage, validatePageRequest } from '../paging.js';
import { toSdkTags } from '../security-groups/views.js';
import { tagsFromSpecifications } from '../tags/rules.js';
import { requireVpcId } from '../vpcs/handlers.js';

/** Addresses AWS reserves in every subnet: the network address, the next three, and the last. */
export const RESERVED_ADDRESSES_PER_SUBNET = 5;

export const subnetArn = (scope: Scope, subnetId: string): string =>
  `arn:aws:ec2:${scope.region}:${scope.accountId}:subnet/${subnetId}`;

export function toSubnet(subnet: SubnetRecord): Subnet {
  const { first, last } = ipv4Range(subnet.cidrBlock);
  return {
    AvailabilityZoneId: subnet.availabilityZoneId,
    MapCustomerOwnedIpOnLaunch: false,
    OwnerId: subnet.ownerId,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Tags: subnet.tags.length > 0 ? toSdkTags(subnet.tags) : undefined,
    SubnetArn: subnetArn({ accountId: subnet.ownerId, region: subnet.region }, subnet.subnetId),
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
    SubnetId: subnet.subnetId,
    State: 'available',
    VpcId: subnet.vpcId,
    CidrBlock: subnet.cidrBlock,
    AvailableIpAddressCount: last - first + 1 - RESERVED_ADDRESSES_PER_SUBNET - subnet.usedAddressCount,
    AvailabilityZone: subnet.availabilityZone,
    DefaultForAz: subnet.defaultForAz,
    MapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
  };
}

/** The zone the request names (by name or id), or the one AWS would pick for the VPC. */
function chooseZone(input: CreateSubnetRequest, ctx: RequestContext, deps: Deps, vpcId: string): AvailabilityZoneInfo {
  const zones = availabilityZonesOf(ctx.scope.region);
  const { AvailabilityZone: name, AvailabilityZoneId: id } = input;
  if (name !== undefined && id !== undefined) {
    throw new Ec2Error('InvalidParameterCombination', 'Only one of availabilityZone or availabilityZoneId may be specified.');
  }
  if (name !== undefined || id !== undefined) {
    const zone = zones.find((z) => (name !== undefined ? z.zoneName === name : z.zoneId === id));
    if (!zone) {
      const [parameter, value, valid] =
        name !== undefined ? ['availabilityZone', name, zones.map((z) => z.zoneName)] : ['availabilityZoneId', id!, zones.map((z) => z.zoneId)];
      throw invalidValue(
        `Value (${value}) for parameter ${parameter} is invalid. Subnets can currently only be created in the following availability zones: ${valid.join(', ')}.`,
      );
    }
    return zone;
  }
  const counts = deps.store.subnetCountByZone(vpcId);
  return zones.reduce((best, zone) => ((counts.get(zone.zoneName) ?? 0) < (counts.get(best.zoneName) ?? 0) ? zone : best));
}

export function createSubnet(input: CreateSubnetRequest, ctx: RequestContext, deps: Deps): CreateSubnetResult {
  const vpcId = requireVpcId(input.VpcId);
  if (input.CidrBlock === undefined) throw ec2Error('MissingParameter', 'cidrBlock');
  const cidr = parseCidr(input.CidrBlock);
  if (cidr === undefined || cidr.family !== 'ipv4') {
    throw invalidValue(`Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  }
  const tags = tagsFromSpecifications(input.TagSpecifications, 'subnet');
  const { store } = deps;
  const vpc = store.getVpc(ctx.scope, vpcId);
  if (!vpc) throw ec2Error('InvalidVpcID.NotFound', vpcId);
  const zone = chooseZone(input, ctx, deps, vpcId);

  const range = ipv4Range(cidr.canonical);
  const vpcRange = ipv4Range(vpc.cidrBlock);
  if (cidr.prefix < 16 || cidr.prefix > 28 || range.first < vpcRange.first || range.last > vpcRange.last) {
    throw ec2Error('InvalidSubnet.Range', input.CidrBlock);
  }
  if (store.subnetCidrsOfVpc(vpcId).some((sibling) => ipv4RangesOverlap(range, ipv4Range(sibling.cidrBlock)))) {
    throw ec2Error('InvalidSubnet.Conflict', input.CidrBlock);
  }
  const networkAclId = store.defaultNetworkAclIdOf(vpcId)!;
  const subnetId = store.insertSubnet(ctx.scope, {
    vpcId,
    cidrBlock: cidr.canonical,
    availabilityZone: zone.zoneName,
    availabilityZoneId: zone.zoneId,
    defaultForAz: false,
    mapPublicIpOnLaunch: false,
    networkAclId,
  });
  if (tags.length > 0) store.setTags(ctx.scope, subnetId, 'subnet', tags);
  return { Subnet: toSubnet(store.getSubnet(ctx.scope, subnetId)!) };
}

export function requireSubnetId(subnetId: string | undefined): string {
  if (subnetId === undefined || subnetId === '') throw ec2Error('MissingParameter', 'subnetId');
  if (!isSubnetId(subnetId)) throw ec2Error('InvalidSubnetID.Malformed', subnetId);
  return subnetId;
}

export function deleteSubnet(input: DeleteSubnetRequest, ctx: RequestContext, deps: Deps): { Return: boolean } {
  const subnetId = requireSubnetId(input.SubnetId);
  const subnet = deps.store.getSubnet(ctx.scope, subnetId);
  if (!subnet) throw ec2Error('InvalidSubnetID.NotFound', subnetId);
  if (deps.store.countNetworkInterfacesOfSubnet(subnetId) > 0) {
    throw new Ec2Error('DependencyViolation', `The subnet '${subnetId}' has dependencies and cannot be deleted.`);
  }
  deps.store.deleteSubnet(subnetId);
  return { Return: true };
}

const availabilityZone = { values: (s: SubnetRecord) => [s.availabilityZone] };
const availabilityZoneId = { values: (s: SubnetRecord) => [s.availabilityZoneId] };
const cidrBlock = { values: (s: SubnetRecord) => [s.cidrBlock] };
const defaultForAz = { values: (s: SubnetRecord) => [String(s.defaultForAz)] };

/** The documented filters; AWS also takes the older camel-case names it documents as aliases. */
const SUBNET_FILTERS: FilterTable<SubnetRecord> = {
  tags: (s) => s.tags,
  filters: {
    'availability-zone': availabilityZone,
    availabilityZone,
    'availability-zone-id': availabilityZoneId,
    availabilityZoneId,
    'available-ip-address-count': { values: (s) => [String(toSubnet(s).AvailableIpAddressCount)] },
    'cidr-block': cidrBlock,
    cidr: cidrBlock,
    cidrBlock,
    'customer-owned-ipv4-pool': { values: () => [] },
    'default-for-az': defaultForAz,
    defaultForAz,
    'enable-dns64': { values: () => ['false'] },
    'enable-lni-at-device-index': { values: () => [] },
    'ipv6-cidr-block-association.ipv6-cidr-block': { values: () => [] },
    'ipv6-cidr-block-association.association-id': { values: () => [] },
    'ipv6-cidr-block-association.state': { values: () => [] },
    'ipv6-native': { values: () => ['false'] },
    'map-customer-owned-ip-on-launch': { values: () => ['false'] },
    'map-public-ip-on-launch': { values: (s) => [String(s.mapPublicIpOnLaunch)] },
    'outpost-arn': { values: () => [] },
    'owner-id': { values: (s) => [s.ownerId] },
    'private-dns-name-options-on-launch.hostname-type': { values: () => ['ip-name'] },
    'private-dns-name-options-on-launch.enable-resource-name-dns-a-record': { values: () => ['false'] },
    'private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record': { values: () => ['false'] },
    state: { values: () => ['available'] },
    'subnet-arn': { values: (s) => [subnetArn({ accountId: s.ownerId, region: s.region }, s.subnetId)] },
    'subnet-id': { values: (s) => [s.subnetId] },
    'vpc-id': { values: (s) => [s.vpcId] },
  },
};

export function describeSubnets(input: DescribeSubnetsRequest, ctx: RequestContext, deps: Deps): DescribeSubnetsResult {
  validatePageRequest(input);
  const matches = compileFilters(input.Filters, SUBNET_FILTERS);
  const { isVisible } = deps.realism; // new resources hide for a while under eventual consistency
  const subnets = namedOrAll(input.SubnetIds, {
    find: (id) => (isVisible(id) ? deps.store.getSubnet(ctx.scope, id) : undefined),
    notFound: (id) => ec2Error('InvalidSubnetID.NotFound', id),
    all: () => deps.store.listSubnets(ctx.scope).filter((s) => isVisible(s.subnetId)),
  });
  const page = takePage(subnets.filter(matches), input);
  return { Subnets: page.items.map(toSubnet), NextToken: page.nextToken };
}
