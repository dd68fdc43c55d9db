/**
 * The domain records the store hands out and takes in (camelCase), shared by handlers and rules.
 * Row types that mirror SQL columns stay private to the store.
 */

/** Every resource lives in one account and one region; nothing crosses scopes. */
export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

export type Direction = 'ingress' | 'egress';

/**
 * A describe filter's test of one value, as the store runs it inside SQLite to narrow a scan
 * before it builds any record (server/filters.ts compiles them). `exact` lists the accepted values
 * when there are no wildcards, so the store looks them up instead of calling back for every row.
 */
export interface ValueTest {
  readonly exact: readonly string[] | undefined;
  readonly test: (value: string) => boolean;
}

/** A record with the `seq` its describe call pages by. */
export type Sequenced<T> = T & { readonly seq: number };

/** The one source (ingress) or destination (egress) of a rule. */
export type Peer =
  | { readonly kind: 'ipv4'; readonly cidr: string }
  | { readonly kind: 'ipv6'; readonly cidr: string }
  | { readonly kind: 'prefixList'; readonly prefixListId: string }
  | {
      readonly kind: 'group';
      readonly groupId: string;
      readonly userId: string;
      /** The group's VPC when it is another VPC than the rule's, reached through a peering. */
      readonly vpcId?: string | undefined;
    };

/**
 * A rule as EC2 stores it after normalisation: the protocol is `tcp`/`udp`/`icmp`/`icmpv6`, `-1`
 * or another protocol number as text; ports are -1 where the protocol has none.
 */
export interface RuleSpec {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly peer: Peer;
  readonly description: string | undefined;
}

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface RuleRecord extends RuleSpec {
  readonly ruleId: string;
  readonly groupId: string;
  readonly ownerId: string;
  readonly direction: Direction;
  readonly tags: readonly Tag[];
}

export interface GroupRecord {
  readonly groupId: string;
  readonly groupName: string;
  readonly description: string;
  readonly vpcId: string;
  readonly ownerId: string;
  /** The `default` group every VPC gets: it cannot be deleted by a user. */
  readonly isDefault: boolean;
  readonly tags: readonly Tag[];
}

/** A group without its tags: all that the rule actions need, one query cheaper. */
export type GroupFacts = Omit<GroupRecord, 'tags'>;

export interface VpcRecord {
  readonly vpcId: string;
  readonly ownerId: string;
  readonly cidrBlock: string;
  readonly cidrAssociationId: string;
  readonly ipv6CidrBlock: string | undefined;
  readonly ipv6AssociationId: string | undefined;
  readonly isDefault: boolean;
  readonly instanceTenancy: string;
  readonly dhcpOptionsId: string;
  readonly tags: readonly Tag[];
  /** DescribeVpcAttribute / ModifyVpcAttribute. */
  readonly enableDnsSupport: boolean;
  readonly enableDnsHostnames: boolean;
  readonly enableNetworkAddressUsageMetrics: boolean;
}

export type VpcAttributes = Pick<VpcRecord, 'enableDnsSupport' | 'enableDnsHostnames' | 'enableNetworkAddressUsageMetrics'>;

/** A VPC's default network ACL (the only kind there is here). */
export interface NetworkAclRecord {
  readonly networkAclId: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly isDefault: boolean;
  readonly tags: readonly Tag[];
}

/** A VPC's main route table (the only kind there is here). */
export interface RouteTableRecord {
  readonly routeTableId: string;
  readonly vpcId: string;
  readonly ownerId: string;
  /** The `rtbassoc-` id of its main association. */
  readonly mainAssociationId: string | undefined;
  readonly tags: readonly Tag[];
}

export interface SubnetRecord {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly region: string;
  readonly cidrBlock: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly defaultForAz: boolean;
  readonly mapPublicIpOnLaunch: boolean;
  readonly networkAclId: string;
  readonly networkAclAssociationId: string;
  /** Private addresses taken by network interfaces in the subnet. */
  readonly usedAddressCount: number;
  readonly tags: readonly Tag[];
}

export interface NetworkInterfaceRecord {
  readonly networkInterfaceId: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly ownerId: string;
  readonly region: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly description: string;
  readonly sourceDestCheck: boolean;
  readonly macAddress: string;
  readonly interfaceType: string;
  /** Private IPv4 addresses, the primary first. */
  readonly privateIpAddresses: readonly string[];
  /** The groups it holds, in the order they were given, with their names. */
  readonly groups: readonly { readonly groupId: string; readonly groupName: string }[];
  readonly tags: readonly Tag[];
}

export interface PrefixListRecord {
  readonly prefixListId: string;
  readonly name: string;
  readonly addressFamily: 'IPv4' | 'IPv6';
  readonly maxEntries: number;
  /** `AWS` for the AWS-managed lists every region has, else the account id. */
  readonly ownerId: string;
}

/** The key that makes two rules "the same rule" for EC2: everything but the description. */
export function ruleIdentity(spec: Pick<RuleSpec, 'protocol' | 'fromPort' | 'toPort' | 'peer'>): string {
  return `${spec.protocol}|${spec.fromPort}|${spec.toPort}|${peerKind(spec.peer)}|${peerValue(spec.peer)}`;
}

export function peerKind(peer: Peer): 'ipv4' | 'ipv6' | 'pl' | 'sg' {
  switch (peer.kind) {
    case 'ipv4':
    case 'ipv6':
      return peer.kind;
    case 'prefixList':
      return 'pl';
    case 'group':
      return 'sg';
  }
}

export function peerValue(peer: Peer): string {
  switch (peer.kind) {
    case 'ipv4':
    case 'ipv6':
      return peer.cidr;
    case 'prefixList':
      return peer.prefixListId;
    case 'group':
      return peer.groupId;
  }
}
