/**
 * Pure rule logic: validate `IpPermission`s and expand them into one rule per peer, render the
 * duplicate-rule text, and fold rules back into permissions for DescribeSecurityGroups.
 * Nothing here reads the store; peers that need a lookup (groups, prefix lists) are resolved by
 * the handler through the `resolve` callbacks.
 *
 * AWS rules implemented (aws-reference §2A, §2B, §3.2, §3.5):
 * - protocol: tcp/udp/icmp/icmpv6 in any case, -1, or 0-255; 6/17/1/58 become names; `all` and
 *   anything else is "Unknown protocol"; a missing protocol is reported as 'null';
 * - tcp/udp need both ports (0-65535); icmp needs type and code (-1 = all; type -1 needs code -1);
 *   icmpv6 may omit them; every other protocol ignores ports (stored as -1/-1);
 * - one rule per peer: each CIDR, IPv6 CIDR, prefix list and group pair of a permission;
 * - CIDRs are canonicalised (100.68.0.18/18 -> 100.68.0.0/18); an IPv6 CIDR in CidrIp, or
 *   anything that is not a CIDR, is "CIDR block X is malformed";
 * - descriptions: at most 255 characters of a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$*.
 */
import type { IpPermission, UserIdGroupPair } from '@aws-sdk/client-ec2';
import { parseCidr } from '../../protocol/cidr.js';
import { ec2Error, Ec2Error, invalidRuleDescription, invalidValue } from '../../protocol/errors.js';
import { isPrefixListId, isSecurityGroupId } from '../../store/ids.js';
import { peerValue, ruleIdentity, type Peer, type RuleRecord, type RuleSpec } from '../../store/records.js';

const PROTOCOL_NAMES: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };
const NAMED_PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'icmpv6']);

export function normalizeProtocol(raw: string | undefined): string {
  if (raw === undefined) {
    throw invalidValue("Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly.");
  }
  const lower = raw.toLowerCase();
  if (NAMED_PROTOCOLS.has(lower)) return lower;
  if (/^-?[0-9]{1,3}$/.test(raw)) {
    const n = Number(raw);
    if (n === -1) return '-1';
    if (n >= 0 && n <= 255) return PROTOCOL_NAMES[String(n)] ?? String(n);
  }
  throw invalidValue(`Invalid value '${raw}' for IP protocol. Unknown protocol.`);
}

/** Protocols whose rules carry ports (ICMP's "ports" are type and code). */
export const hasPorts = (protocol: string): boolean => NAMED_PROTOCOLS.has(protocol);

export function normalizePorts(
  protocol: string,
  fromPort: number | undefined,
  toPort: number | undefined,
): { fromPort: number; toPort: number } {
  switch (protocol) {
    case 'tcp':
    case 'udp': {
      if (fromPort === undefined || toPort === undefined) {
        throw invalidValue("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
      }
      if (fromPort < 0 || fromPort > 65535) throw invalidValue(`TCP/UDP (from) port (${fromPort}) out of range`);
      if (toPort < 0 || toPort > 65535) throw invalidValue(`TCP/UDP (to) port (${toPort}) out of range`);
      if (fromPort > toPort) {
        throw invalidValue(`Invalid value for portRange. From port (${fromPort}) must not be greater than to port (${toPort}).`);
      }
      return { fromPort, toPort };
    }
    case 'icmp':
    case 'icmpv6': {
      if (protocol === 'icmp' && (fromPort === undefined || toPort === undefined)) {
        throw invalidValue("Invalid value 'Must specify both from and to ports with ICMP.' for portRange.");
      }
      const type = fromPort ?? -1;
      const code = toPort ?? -1;
      const label = protocol === 'icmp' ? 'ICMP' : 'ICMPv6';
      if (type < -1 || type > 255) throw invalidValue(`${label} type (${type}) out of range`);
      if (code < -1 || code > 255 || (type === -1 && code !== -1)) {
        throw invalidValue(`${label} code (${code}) out of range`);
      }
      return { fromPort: type, toPort: code };
    }
    default:
      // -1 and every other protocol number cover all ports, whatever was sent.
      return { fromPort: -1, toPort: -1 };
  }
}

/** Canonical CIDR of the given family, or `CIDR block X is malformed`. */
export function canonicalCidr(raw: string, family: 'ipv4' | 'ipv6'): string {
  const cidr = parseCidr(raw);
  if (cidr === undefined || cidr.family !== family) throw invalidValue(`CIDR block ${raw} is malformed`);
  return cidr.canonical;
}

const DESCRIPTION_PATTERN = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
export function validateRuleDescription(description: string | undefined): void {
  if (description === undefined) return;
  if (description.length > 255 || !DESCRIPTION_PATTERN.test(description)) throw invalidRuleDescription();
}

/** What the handler must look up for a group pair: its id, or its name when only that was given. */
export type GroupReference = { readonly groupId: string } | { readonly groupName: string };

export interface PeerResolvers {
  /**
   * Checks the group exists in a usable VPC and returns its id and owner, and its VPC when that is
   * a peered one; throws the EC2 error otherwise.
   */
  group(reference: GroupReference, userId: string | undefined): { groupId: string; userId: string; vpcId?: string };
  /** Checks the prefix list exists; throws `InvalidPrefixListID.NotFound` otherwise. */
  prefixList(prefixListId: string): void;
}

export interface ExpandOptions {
  /** Revoke matches rules and ignores descriptions (C-4), so they are not validated there. */
  readonly purpose: 'authorize' | 'revoke';
}

/**
 * Validates permissions and returns one rule spec per peer, in request order.
 * Port checks come before peer checks (B-17); a permission with no peer is MissingParameter (B-23).
 */
export function expandPermissions(
  permissions: readonly IpPermission[],
  resolve: PeerResolvers,
  options: ExpandOptions,
): RuleSpec[] {
  const specs: RuleSpec[] = [];
  for (const permission of permissions) {
    const protocol = normalizeProtocol(permission.IpProtocol);
    const ports = normalizePorts(protocol, permission.FromPort, permission.ToPort);
    const base = { protocol, ...ports };
    const before = specs.length;
    const describe = (description: string | undefined): string | undefined => {
      if (options.purpose === 'authorize') validateRuleDescription(description);
      return description;
    };

    for (const range of permission.IpRanges ?? []) {
      if (range.CidrIp === undefined) throw ec2Error('MissingParameter', 'cidrIp');
      const peer: Peer = { kind: 'ipv4', cidr: canonicalCidr(range.CidrIp, 'ipv4') };
      specs.push({ ...base, peer, description: describe(range.Description) });
    }
    for (const range of permission.Ipv6Ranges ?? []) {
      if (range.CidrIpv6 === undefined) throw ec2Error('MissingParameter', 'cidrIpv6');
      const peer: Peer = { kind: 'ipv6', cidr: canonicalCidr(range.CidrIpv6, 'ipv6') };
      specs.push({ ...base, peer, description: describe(range.Description) });
    }
    for (const entry of permission.PrefixListIds ?? []) {
      const id = entry.PrefixListId;
      if (id === undefined) throw ec2Error('MissingParameter', 'prefixListId');
      if (!isPrefixListId(id)) throw ec2Error('InvalidPrefixListID.NotFound', id);
      resolve.prefixList(id);
      specs.push({ ...base, peer: { kind: 'prefixList', prefixListId: id }, description: describe(entry.Description) });
    }
    for (const pair of permission.UserIdGroupPairs ?? []) {
      let reference: GroupReference;
      if (pair.GroupId !== undefined) {
        if (!isSecurityGroupId(pair.GroupId)) throw ec2Error('InvalidGroupId.Malformed', pair.GroupId);
        reference = { groupId: pair.GroupId };
      } else if (pair.GroupName !== undefined) {
        reference = { groupName: pair.GroupName };
      } else {
        throw new Ec2Error('MissingParameter', 'Source group ID missing.');
      }
      specs.push({ ...base, peer: { kind: 'group', ...resolve.group(reference, pair.UserId) }, description: describe(pair.Description) });
    }

    if (specs.length === before) {
      throw new Ec2Error(
        'MissingParameter',
        'Missing source specification: include source security group or CIDR information',
      );
    }
  }
  return specs;
}

/** The same rule twice in one request is rejected as a whole (B-7). */
export function assertNoRepeats(specs: readonly RuleSpec[]): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    const key = ruleIdentity(spec);
    if (seen.has(key)) throw invalidValue('The same permission must not appear multiple times');
    seen.add(key);
  }
}

/**
 * The rule as EC2 writes it in `InvalidPermission.Duplicate` (B-1…B-5):
 * `peer: 10.0.0.0/16, TCP, from port: 80, to port: 80, ALLOW`. The ICMP and prefix-list forms are
 * not on record; ours follow the same pattern (docs/fidelity.md).
 */
export function duplicateRuleText(spec: RuleSpec): string {
  const peer = `peer: ${peerValue(spec.peer)}`;
  switch (spec.protocol) {
    case '-1':
      return `${peer}, ALL, ALLOW`;
    case 'tcp':
    case 'udp':
      return `${peer}, ${spec.protocol.toUpperCase()}, from port: ${spec.fromPort}, to port: ${spec.toPort}, ALLOW`;
    case 'icmp':
      return `${peer}, ICMP, type: ${spec.fromPort}, code: ${spec.toPort}, ALLOW`;
    case 'icmpv6':
      return `${peer}, ICMPv6, type: ${spec.fromPort}, code: ${spec.toPort}, ALLOW`;
    default:
      return `${peer}, protocol: ${spec.protocol}, ALLOW`;
  }
}


/**
 * Folds rules into DescribeSecurityGroups permissions: one permission per (protocol, from, to),
 * holding every peer, existing peers first. Port-less protocols carry no FromPort/ToPort.
 */
export function aggregatePermissions(rules: readonly RuleRecord[], peerings: PeeringLookup = NO_PEERINGS): IpPermission[] {
  const byKey = new Map<string, Required<Pick<IpPermission, 'IpRanges' | 'Ipv6Ranges' | 'PrefixListIds' | 'UserIdGroupPairs'>> & IpPermission>();
  for (const rule of rules) {
    const key = `${rule.protocol}|${rule.fromPort}|${rule.toPort}`;
    let permission = byKey.get(key);
    if (!permission) {
      permission = {
        IpProtocol: rule.protocol,
        ...(hasPorts(rule.protocol) ? { FromPort: rule.fromPort, ToPort: rule.toPort } : {}),
        UserIdGroupPairs: [],
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
      };
      byKey.set(key, permission);
    }
    const description = rule.description;
    switch (rule.peer.kind) {
      case 'ipv4':
        permission.IpRanges.push({ CidrIp: rule.peer.cidr, Description: description });
        break;
      case 'ipv6':
        permission.Ipv6Ranges.push({ CidrIpv6: rule.peer.cidr, Description: description });
        break;
      case 'prefixList':
        permission.PrefixListIds.push({ PrefixListId: rule.peer.prefixListId, Description: description });
        break;
      case 'group':
        permission.UserIdGroupPairs.push(
          rule.peer.vpcId === undefined
            ? { UserId: rule.peer.userId, GroupId: rule.peer.groupId, Description: description }
            : { ...peeredGroupPair(rule, peerings), Description: description },
        );
        break;
    }
  }
  return [...byKey.values()];
}

/**
 * How a rule's peer group in another VPC is reached: the peering between the rule's VPC and that
 * one (the active connection, else the latest), and its status. Only rules with a peered group
 * ask, so ordinary describes never pay for it.
 */
export type PeeringLookup = (
  rule: RuleRecord,
) => { readonly id: string | undefined; readonly status: string | undefined; readonly groupGone: boolean } | undefined;
export const NO_PEERINGS: PeeringLookup = () => undefined;

/** A pair naming a group across a peering, as DescribeSecurityGroups shows it. */
export function peeredGroupPair(rule: RuleRecord, peerings: PeeringLookup): UserIdGroupPair {
  const peer = rule.peer as Extract<RuleRecord['peer'], { kind: 'group' }>;
  const peering = peerings(rule);
  return {
    // A deleted group's owner is no longer shown (the SDK's UserIdGroupPair documentation).
    UserId: peering?.groupGone ? undefined : peer.userId,
    GroupId: peer.groupId,
    VpcId: peer.vpcId,
    VpcPeeringConnectionId: peering?.id,
    PeeringStatus: peering?.status,
  };
}
