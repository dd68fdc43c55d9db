/**
 * The console's words for a rule, as the AWS console shows a security group's rules: a type
 * ("SSH", "HTTPS", "Custom TCP", "All traffic"), a protocol ("TCP", "All"), a port range ("22",
 * "1024 - 65535", "All") and a source or destination (a CIDR, a prefix list, or a group with its
 * name). Display only: nothing here decides what a rule means.
 */
import type { Peer, RuleRecord, Tag } from '../../store/records.js';

/** Well-known TCP/UDP ports by the names the AWS console's rule-type list gives them. */
const TCP_TYPES: Readonly<Record<number, string>> = {
  22: 'SSH',
  25: 'SMTP',
  53: 'DNS (TCP)',
  80: 'HTTP',
  110: 'POP3',
  143: 'IMAP',
  389: 'LDAP',
  443: 'HTTPS',
  445: 'SMB',
  465: 'SMTPS',
  993: 'IMAPS',
  995: 'POP3S',
  1433: 'MSSQL',
  1521: 'Oracle-RDS',
  2049: 'NFS',
  3306: 'MYSQL/Aurora',
  3389: 'RDP',
  5432: 'PostgreSQL',
  5439: 'Redshift',
  5985: 'WinRM-HTTP',
  5986: 'WinRM-HTTPS',
};
const UDP_TYPES: Readonly<Record<number, string>> = { 53: 'DNS (UDP)' };

/** IANA names of the protocol numbers a rule most often names. */
const PROTOCOL_NUMBERS: Readonly<Record<string, string>> = {
  '2': 'IGMP',
  '4': 'IPv4',
  '41': 'IPv6',
  '47': 'GRE',
  '50': 'ESP',
  '51': 'AH',
  '89': 'OSPF',
  '103': 'PIM',
  '112': 'VRRP',
  '132': 'SCTP',
};

export function ruleType(protocol: string, fromPort: number, toPort: number): string {
  switch (protocol) {
    case '-1':
      return 'All traffic';
    case 'tcp':
    case 'udp': {
      const upper = protocol.toUpperCase();
      if (fromPort === 0 && toPort === 65535) return `All ${upper}`;
      const named = fromPort === toPort ? (protocol === 'tcp' ? TCP_TYPES : UDP_TYPES)[fromPort] : undefined;
      return named ?? `Custom ${upper}`;
    }
    case 'icmp':
      return fromPort === -1 ? 'All ICMP - IPv4' : 'Custom ICMP - IPv4';
    case 'icmpv6':
      return fromPort === -1 ? 'All ICMP - IPv6' : 'Custom ICMP - IPv6';
    default:
      return 'Custom protocol';
  }
}

export function protocolLabel(protocol: string): string {
  switch (protocol) {
    case '-1':
      return 'All';
    case 'tcp':
    case 'udp':
    case 'icmp':
      return protocol.toUpperCase();
    case 'icmpv6':
      return 'ICMPv6';
    default: {
      const name = PROTOCOL_NUMBERS[protocol];
      return name === undefined ? protocol : `${name} (${protocol})`;
    }
  }
}

export function portRangeLabel(protocol: string, fromPort: number, toPort: number): string {
  if (protocol === 'tcp' || protocol === 'udp') return fromPort === toPort ? String(fromPort) : `${fromPort} - ${toPort}`;
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    // ICMP "ports" are the type and the code; -1 is every type (or every code of the type).
    if (fromPort === -1) return 'All';
    return toPort === -1 ? `type ${fromPort}, all codes` : `type ${fromPort}, code ${toPort}`;
  }
  return 'All';
}

export interface PeerView {
  readonly kind: 'ipv4' | 'ipv6' | 'prefixList' | 'group';
  /** The CIDR, the prefix-list id or the group id. */
  readonly id: string;
  /** The prefix list's or the group's name, when known. */
  readonly name?: string;
  /** The owner of a referenced group. */
  readonly ownerId?: string;
  /** The VPC of a group referenced across a peering. */
  readonly vpcId?: string;
  /** Whether the console can open it (a group or list of the same account and region). */
  readonly local: boolean;
}

export interface RuleView {
  readonly ruleId: string;
  readonly ipVersion: 'IPv4' | 'IPv6' | '–';
  readonly type: string;
  readonly protocol: string;
  readonly portRange: string;
  readonly peer: PeerView;
  readonly description: string;
  readonly tags: readonly Tag[];
  /** The raw fields, for sorting and for the graph. */
  readonly ipProtocol: string;
  readonly fromPort: number;
  readonly toPort: number;
}

export interface NameLookups {
  readonly groups: ReadonlyMap<string, { readonly groupName: string; readonly ownerId: string; readonly local: boolean }>;
  readonly prefixLists: ReadonlyMap<string, string>;
}

export function peerView(peer: Peer, lookups: NameLookups): PeerView {
  switch (peer.kind) {
    case 'ipv4':
    case 'ipv6':
      return { kind: peer.kind, id: peer.cidr, local: false };
    case 'prefixList': {
      const name = lookups.prefixLists.get(peer.prefixListId);
      return name === undefined ? { kind: 'prefixList', id: peer.prefixListId, local: false } : { kind: 'prefixList', id: peer.prefixListId, name, local: true };
    }
    case 'group': {
      const group = lookups.groups.get(peer.groupId);
      return {
        kind: 'group',
        id: peer.groupId,
        ...(group ? { name: group.groupName } : {}),
        ownerId: peer.userId,
        ...(peer.vpcId !== undefined ? { vpcId: peer.vpcId } : {}),
        local: group?.local ?? false,
      };
    }
  }
}

export function ruleView(rule: RuleRecord, lookups: NameLookups): RuleView {
  return {
    ruleId: rule.ruleId,
    ipVersion: rule.peer.kind === 'ipv4' ? 'IPv4' : rule.peer.kind === 'ipv6' ? 'IPv6' : '–',
    type: ruleType(rule.protocol, rule.fromPort, rule.toPort),
    protocol: protocolLabel(rule.protocol),
    portRange: portRangeLabel(rule.protocol, rule.fromPort, rule.toPort),
    peer: peerView(rule.peer, lookups),
    description: rule.description ?? '',
    tags: rule.tags,
    ipProtocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
  };
}

/** The short label of a reference arrow: `tcp 443`, `udp 1024-2048`, `all traffic`. */
export function trafficLabel(protocol: string, fromPort: number, toPort: number): string {
  if (protocol === '-1') return 'all traffic';
  const name = protocol === 'tcp' || protocol === 'udp' || protocol === 'icmp' || protocol === 'icmpv6' ? protocol : protocolLabel(protocol);
  if (protocol === 'tcp' || protocol === 'udp') return fromPort === toPort ? `${name} ${fromPort}` : `${name} ${fromPort}-${toPort}`;
  if ((protocol === 'icmp' || protocol === 'icmpv6') && fromPort !== -1) return `${name} type ${fromPort}`;
  return name;
}
