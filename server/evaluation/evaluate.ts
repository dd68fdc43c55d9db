/**
 * Flow evaluation: would this traffic be allowed by the security groups? And, for many groups at
 * once, which traffic is allowed between each pair (the matrix).
 *
 * AWS rules implemented (security groups only: route tables, network ACLs and peering routes are
 * not part of the decision):
 * - traffic from A to B is allowed iff some egress rule of one of A's groups permits B AND some
 *   ingress rule of one of B's groups permits A; groups are stateful, so the reply needs no rule;
 * - an outside address holds no group: traffic from it needs only B's ingress, traffic to it only
 *   A's egress;
 * - a rule's peer permits the other side when it is a CIDR of the flow's family containing the
 *   other side's address (for an outside block such as 0.0.0.0/0, the whole block), a prefix list
 *   with such an entry at the list's current version (AWS-managed lists included), or a group the
 *   other side holds (a group's rule naming itself allows traffic among its members); a group
 *   never contains an outside address;
 * - an endpoint given by its groups without an address may have any address of its VPC: a CIDR
 *   rule decides for it only when it contains the VPC's whole block (0.0.0.0/0 does; a subnet's
 *   /24 does not until the address is given).
 *
 * The core is pure over an EvaluationSource; `storeEvaluationSource` reads one from the store
 * (store/evaluation-reads.ts), caching within one evaluation.
 */
import { ec2Error } from '../../protocol/errors.js';
import type { Direction, Scope } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { ReadWriteGate, runToEnd, runWithPauses, SLICED_READ_MIN_RULES, type Sliced } from '../slices.js';
import { cidrRange, rangeContains, rangeText, type AddressRange, type Family } from './addresses.js';
import {
  EvaluationError,
  parseFlowRequest,
  type EndpointRequest,
  parseMatrixRequest,
  type FlowRequest,
  type MatrixRequest,
  type ParsedEndpoint,
  type ParsedFlow,
  type ParsedMatrix,
} from './input.js';
import {
  intersectTraffic,
  isIcmpProtocol,
  isPortProtocol,
  NO_TRAFFIC,
  protocolName,
  protocolNumber,
  ruleTraffic,
  trafficToPermissions,
  unionTraffic,
  type Permission,
  type TrafficSet,
} from './ports.js';

export { EvaluationError, type EndpointRequest, type FlowRequest, type MatrixRequest };

// ---------------------------------------------------------------- what evaluation reads

export interface EvaluationRule {
  readonly ruleId: string;
  readonly groupId: string;
  readonly direction: Direction;
  /** As EC2 stores it: tcp/udp/icmp/icmpv6, -1 or a protocol number. */
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly peerKind: 'ipv4' | 'ipv6' | 'pl' | 'sg';
  /** A canonical CIDR, a prefix-list id or a group id. */
  readonly peer: string;
  readonly description: string | undefined;
}

export interface EvaluationPrefixList {
  readonly family: Family;
  readonly version: number;
  readonly entries: readonly AddressRange[];
}

export interface EvaluationVpc {
  readonly ipv4: AddressRange | undefined;
  readonly ipv6: AddressRange | undefined;
}

export interface EvaluationGroup {
  readonly groupId: string;
  readonly groupName: string;
  readonly vpcId: string;
}

/** Everything evaluation reads, for one account and region. */
export interface EvaluationSource {
  readonly scope: Scope;
  group(groupId: string): EvaluationGroup | undefined;
  rules(groupId: string, direction: Direction): readonly EvaluationRule[];
  prefixList(prefixListId: string): EvaluationPrefixList | undefined;
  vpc(vpcId: string): EvaluationVpc | undefined;
  networkInterface(networkInterfaceId: string): { vpcId: string; groupIds: readonly string[]; privateIpAddresses: readonly string[] } | undefined;
  isGroupAssociatedWithVpc(groupId: string, vpcId: string): boolean;
  /** The groups of a VPC, or of the whole account and region, in creation order. */
  groups(vpcId?: string): readonly EvaluationGroup[];
}

type StoreReads = Pick<
  Store,
  | 'evaluationRulesOf'
  | 'prefixListForEvaluation'
  | 'vpcCidrBlocks'
  | 'groupsForEvaluation'
  | 'getGroupFacts'
  | 'getNetworkInterface'
  | 'isGroupAssociatedWithVpc'
>;

/** A source over the store for one scope; each group's rules, list and VPC is read at most once. */
export function storeEvaluationSource(store: StoreReads, scope: Scope): EvaluationSource {
  const groups = new Map<string, EvaluationGroup | undefined>();
  const rules = new Map<string, readonly EvaluationRule[]>();
  const lists = new Map<string, EvaluationPrefixList | undefined>();
  const vpcs = new Map<string, EvaluationVpc | undefined>();
  const once = <V>(cache: Map<string, V>, key: string, read: () => V): V => {
    if (cache.has(key)) return cache.get(key)!;
    const value = read();
    cache.set(key, value);
    return value;
  };
  return {
    scope,
    group: (groupId) =>
      once(groups, groupId, () => {
        const facts = store.getGroupFacts(scope, groupId);
        return facts && { groupId, groupName: facts.groupName, vpcId: facts.vpcId };
      }),
    rules: (groupId, direction) =>
      once(rules, `${groupId}/${direction}`, () =>
        store.evaluationRulesOf(groupId, direction).map(([ruleId, protocol, fromPort, toPort, peerKind, peer, description]) => ({
          ruleId,
          groupId,
          direction,
          protocol,
          fromPort,
          toPort,
          peerKind,
          peer,
          description: description ?? undefined,
        })),
      ),
    prefixList: (prefixListId) =>
      once(lists, prefixListId, () => {
        const list = store.prefixListForEvaluation(scope, prefixListId);
        if (!list) return undefined;
        const entries = list.cidrs.map(cidrRange).filter((range): range is AddressRange => range !== undefined);
        return { family: list.addressFamily === 'IPv6' ? 'ipv6' : 'ipv4', version: list.version, entries };
      }),
    vpc: (vpcId) =>
      once(vpcs, vpcId, () => {
        const blocks = store.vpcCidrBlocks(scope, vpcId);
        return blocks && { ipv4: cidrRange(blocks.cidrBlock), ipv6: blocks.ipv6CidrBlock === undefined ? undefined : cidrRange(blocks.ipv6CidrBlock) };
      }),
    networkInterface: (networkInterfaceId) => {
      const eni = store.getNetworkInterface(scope, networkInterfaceId);
      return eni && { vpcId: eni.vpcId, groupIds: eni.groups.map((g) => g.groupId), privateIpAddresses: eni.privateIpAddresses };
    },
    isGroupAssociatedWithVpc: (groupId, vpcId) => store.isGroupAssociatedWithVpc(scope, groupId, vpcId),
    groups: (vpcId) => store.groupsForEvaluation(scope, vpcId),
  };
}

// ---------------------------------------------------------------- endpoints

/** An endpoint resolved against the store. */
export type Endpoint =
  | {
      readonly kind: 'members';
      readonly groupIds: readonly string[];
      readonly vpcId: string;
      /** Given by the caller or the interface's; undefined: any address of the VPC. */
      readonly address: AddressRange | undefined;
      readonly networkInterfaceId?: string;
    }
  | { readonly kind: 'outside'; readonly range: AddressRange };

function resolveEndpoint(source: EvaluationSource, endpoint: ParsedEndpoint, where: 'from' | 'to'): Endpoint {
  switch (endpoint.kind) {
    case 'outside':
      return endpoint;
    case 'networkInterface': {
      const eni = source.networkInterface(endpoint.networkInterfaceId);
      if (!eni) throw notFound('InvalidNetworkInterfaceID.NotFound', endpoint.networkInterfaceId);
      let address = eni.privateIpAddresses[0] === undefined ? undefined : cidrRange(`${eni.privateIpAddresses[0]}/32`);
      if (endpoint.address) {
        // The emulator keeps an interface's IPv4 addresses only: an IPv4 one must be among them.
        const given = endpoint.address;
        if (given.family === 'ipv4' && !eni.privateIpAddresses.some((ip) => cidrRange(`${ip}/32`)?.first === given.first)) {
          throw new EvaluationError(
            'InvalidFlow',
            `${where}.address: ${rangeText(given)} is not a private address of ${endpoint.networkInterfaceId} (${eni.privateIpAddresses.join(', ')})`,
          );
        }
        address = given;
      }
      return { kind: 'members', groupIds: eni.groupIds, vpcId: eni.vpcId, address, networkInterfaceId: endpoint.networkInterfaceId };
    }
    case 'groups': {
      const groups = endpoint.groupIds.map((groupId) => {
        const group = source.group(groupId);
        if (!group) throw notFound('InvalidGroup.NotFound', groupId);
        return group;
      });
      const vpcId = endpoint.vpcId ?? commonVpc(source, groups, where);
      if (endpoint.vpcId !== undefined) {
        if (!source.vpc(endpoint.vpcId)) throw notFound('InvalidVpcID.NotFound', endpoint.vpcId);
        for (const group of groups) checkGroupUsableIn(source, group, endpoint.vpcId, where);
      }
      return { kind: 'members', groupIds: endpoint.groupIds, vpcId, address: endpoint.address };
    }
  }
}

/**
 * The one VPC all of an endpoint's groups can be held in: a network interface holds groups of its
 * own VPC, or groups associated with that VPC.
 */
function commonVpc(source: EvaluationSource, groups: readonly EvaluationGroup[], where: string): string {
  const homes = [...new Set(groups.map((g) => g.vpcId))];
  if (homes.length === 1) return homes[0]!;
  const usable = homes.find((vpcId) => groups.every((g) => g.vpcId === vpcId || source.isGroupAssociatedWithVpc(g.groupId, vpcId)));
  if (usable === undefined) {
    throw new EvaluationError(
      'InvalidFlow',
      `${where}: the groups are in different VPCs (${homes.join(', ')}); one endpoint holds groups of one VPC`,
    );
  }
  return usable;
}

function checkGroupUsableIn(source: EvaluationSource, group: EvaluationGroup, vpcId: string, where: string): void {
  if (group.vpcId !== vpcId && !source.isGroupAssociatedWithVpc(group.groupId, vpcId)) {
    throw new EvaluationError('InvalidFlow', `${where}: ${group.groupId} belongs to ${group.vpcId}, not ${vpcId}, and is not associated with it`);
  }
}

function notFound(code: 'InvalidGroup.NotFound' | 'InvalidNetworkInterfaceID.NotFound' | 'InvalidVpcID.NotFound', id: string): EvaluationError {
  return new EvaluationError(code, ec2Error(code, id).message);
}

/**
 * The addresses a side may have in the flow's family: its own, the outside block, or (address not
 * given) every address of its VPC. Undefined when it has none in that family (a VPC without an
 * IPv6 block).
 */
function addressesOf(source: EvaluationSource, endpoint: Endpoint, family: Family): AddressRange | undefined {
  if (endpoint.kind === 'outside') return endpoint.range;
  if (endpoint.address) return endpoint.address;
  return source.vpc(endpoint.vpcId)?.[family];
}

// ---------------------------------------------------------------- one rule

type Match = { readonly ok: true } | { readonly ok: false; readonly why: string };
const OK: Match = { ok: true };

/** The flow's protocol, and its port (or ICMP type × 256 + code) as one point of that protocol's line (server/evaluation/ports.ts). */
interface Traffic {
  readonly protocol: number;
  readonly point: number;
}

function trafficMatch(rule: EvaluationRule, flow: Traffic): Match {
  const protocol = protocolNumber(rule.protocol);
  if (protocol === -1) return OK;
  if (protocol !== flow.protocol) return { ok: false, why: `protocol ${rule.protocol}; the flow is ${protocolName(flow.protocol)}` };
  if (isPortProtocol(protocol)) {
    if (rule.fromPort <= flow.point && flow.point <= rule.toPort) return OK;
    return { ok: false, why: `${portsText(rule.fromPort, rule.toPort)}; the flow is port ${flow.point}` };
  }
  if (isIcmpProtocol(protocol)) {
    const type = flow.point >> 8;
    const code = flow.point & 255;
    if ((rule.fromPort === -1 || rule.fromPort === type) && (rule.toPort === -1 || rule.toPort === code)) return OK;
    return { ok: false, why: `${icmpText(rule.fromPort, rule.toPort)}; the flow is type ${type} code ${code}` };
  }
  return OK;
}

/**
 * Whether a rule's peer permits the other side. `other` is the destination for an egress rule and
 * the source for an ingress rule; `addresses` are its addresses in the flow's family.
 */
function peerMatch(
  source: EvaluationSource,
  rule: EvaluationRule,
  other: Endpoint,
  addresses: AddressRange | undefined,
  family: Family,
  otherLabel: string,
): Match {
  switch (rule.peerKind) {
    case 'sg':
      if (other.kind === 'outside') return { ok: false, why: `references ${rule.peer}; an outside address is in no security group` };
      if (other.groupIds.includes(rule.peer)) return OK;
      return { ok: false, why: `references ${rule.peer}, which the ${otherLabel} does not hold` };
    case 'ipv4':
    case 'ipv6': {
      if (rule.peerKind !== family) return { ok: false, why: `an ${familyText(rule.peerKind)} rule; the flow is ${familyText(family)}` };
      const peer = cidrRange(rule.peer);
      if (peer && addresses && rangeContains(peer, addresses)) return OK;
      return { ok: false, why: notContained({ cidr: rule.peer }, other, addresses, family, otherLabel) };
    }
    case 'pl': {
      const list = source.prefixList(rule.peer);
      if (!list) return { ok: false, why: `prefix list ${rule.peer} does not exist` };
      if (list.family !== family) return { ok: false, why: `prefix list ${rule.peer} is ${familyText(list.family)}; the flow is ${familyText(family)}` };
      if (addresses && list.entries.some((entry) => rangeContains(entry, addresses))) return OK;
      return { ok: false, why: notContained({ prefixListId: rule.peer, version: list.version }, other, addresses, family, otherLabel) };
    }
  }
}

/**
 * Why no CIDR of a rule's peer permits the other side: `<cidr> does not contain 10.0.2.5`, or for a
 * prefix list `no entry of pl-… (version 3) contains …`; for a member without an address, a hint
 * to give it.
 */
function notContained(peer: { cidr: string } | { prefixListId: string; version: number }, other: Endpoint, addresses: AddressRange | undefined, family: Family, label: string): string {
  if (!addresses) {
    const vpc = other.kind === 'members' ? ` (its VPC ${other.vpcId} has no ${familyText(family)} block)` : '';
    return `the ${label}'s ${familyText(family)} address is unknown${vpc}: give it to decide`;
  }
  let what: string;
  let hint = '';
  if (other.kind === 'outside') what = other.range.first === other.range.last ? rangeText(other.range) : `all of ${other.range.cidr}`;
  else if (other.address) what = rangeText(other.address);
  else {
    what = `every address of ${other.vpcId} (${addresses.cidr})`;
    hint = `: give the ${label}'s address to decide`;
  }
  return 'cidr' in peer ? `${peer.cidr} does not contain ${what}${hint}` : `no entry of ${peer.prefixListId} (version ${peer.version}) contains ${what}${hint}`;
}

// ---------------------------------------------------------------- answers

/** A rule in an answer, in DescribeSecurityGroupRules' terms, with a one-line summary. */
export interface RuleView {
  readonly securityGroupRuleId: string;
  readonly groupId: string;
  readonly isEgress: boolean;
  readonly ipProtocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly prefixListId?: string;
  readonly referencedGroupId?: string;
  readonly description?: string;
  /** `tcp 5432 from sg-…`, `all traffic to 0.0.0.0/0`. */
  readonly summary: string;
  /** For a closest rule: why it does not permit this flow. */
  readonly reason?: string;
}

export interface SideVerdict {
  readonly direction: Direction;
  /** Whose rules: the source's egress, the destination's ingress. */
  readonly of: 'source' | 'destination';
  readonly groupIds: readonly string[];
  /** False for an outside address: it has no groups, so nothing filters this side. */
  readonly checked: boolean;
  readonly allowed: boolean;
  /** `allowed by sgr-…`, `no rule matches`, or why the side was not checked. */
  readonly summary: string;
  readonly matchedRules: readonly RuleView[];
  /** When nothing matched: rules with the right peer but another protocol or port first, then rules with the right traffic but another peer. */
  readonly closestRules: readonly RuleView[];
}

export type EndpointView =
  | {
      readonly kind: 'members';
      readonly groupIds: readonly string[];
      readonly vpcId: string;
      readonly networkInterfaceId?: string;
      /** The address the flow uses, when known. */
      readonly address?: string;
      /** Without an address: the block CIDR rules are judged against (every address of the VPC), or null if the VPC has none in this family. */
      readonly anyAddressIn?: string | null;
    }
  | { readonly kind: 'outside'; readonly cidr: string };

export interface FlowVerdict {
  readonly allowed: boolean;
  readonly verdict: 'ALLOWED' | 'DENIED';
  readonly accountId: string;
  readonly region: string;
  readonly flow: {
    readonly family: Family;
    readonly protocol: string;
    readonly port?: number;
    readonly icmpType?: number;
    readonly icmpCode?: number;
  };
  readonly from: EndpointView;
  readonly to: EndpointView;
  /** The source's egress rules. */
  readonly egress: SideVerdict;
  /** The destination's ingress rules. */
  readonly ingress: SideVerdict;
}

const CLOSEST_LIMIT = 10;

function familyText(family: 'ipv4' | 'ipv6'): string {
  return family === 'ipv4' ? 'IPv4' : 'IPv6';
}

function portsText(from: number, to: number): string {
  return from === to ? `port ${from}` : `ports ${from}-${to}`;
}

function icmpText(type: number, code: number): string {
  if (type === -1) return 'every type';
  return `type ${type} ${code === -1 ? 'any code' : `code ${code}`}`;
}

/** `tcp 5432`, `all traffic`, `icmp type 8 any code`, `protocol 47`. */
export function trafficText(protocol: string, fromPort: number, toPort: number): string {
  const number = protocolNumber(protocol);
  if (number === -1) return 'all traffic';
  if (number !== undefined && isPortProtocol(number)) {
    return fromPort === 0 && toPort === 65535 ? `${protocol} all ports` : `${protocol} ${fromPort === toPort ? fromPort : `${fromPort}-${toPort}`}`;
  }
  if (number !== undefined && isIcmpProtocol(number)) return `${protocol} ${icmpText(fromPort, toPort)}`;
  return `protocol ${protocol}`;
}

export function ruleView(rule: EvaluationRule, reason?: string): RuleView {
  const peerField =
    rule.peerKind === 'ipv4'
      ? { cidrIpv4: rule.peer }
      : rule.peerKind === 'ipv6'
        ? { cidrIpv6: rule.peer }
        : rule.peerKind === 'pl'
          ? { prefixListId: rule.peer }
          : { referencedGroupId: rule.peer };
  return {
    securityGroupRuleId: rule.ruleId,
    groupId: rule.groupId,
    isEgress: rule.direction === 'egress',
    ipProtocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    ...peerField,
    ...(rule.description !== undefined ? { description: rule.description } : {}),
    summary: `${trafficText(rule.protocol, rule.fromPort, rule.toPort)} ${rule.direction === 'egress' ? 'to' : 'from'} ${rule.peer}`,
    ...(reason !== undefined ? { reason } : {}),
  };
}

function evaluateSide(
  source: EvaluationSource,
  direction: Direction,
  holder: Endpoint,
  other: Endpoint,
  traffic: Traffic,
  family: Family,
): SideVerdict {
  const of = direction === 'egress' ? 'source' : 'destination';
  const otherLabel = direction === 'egress' ? 'destination' : 'source';
  if (holder.kind === 'outside') {
    return {
      direction,
      of,
      groupIds: [],
      checked: false,
      allowed: true,
      summary: `not checked: the ${of} is an outside address, in no security group`,
      matchedRules: [],
      closestRules: [],
    };
  }
  const addresses = addressesOf(source, other, family);
  const matched: RuleView[] = [];
  const sameTraffic: RuleView[] = [];
  // Rules of the wrong protocol or port: their peers are judged only if nothing matches, for the
  // closest rules (a peer can cost a prefix-list read).
  const otherTraffic: { rule: EvaluationRule; why: string }[] = [];
  for (const groupId of holder.groupIds) {
    for (const rule of source.rules(groupId, direction)) {
      const byTraffic = trafficMatch(rule, traffic);
      if (!byTraffic.ok) {
        otherTraffic.push({ rule, why: byTraffic.why });
        continue;
      }
      const byPeer = peerMatch(source, rule, other, addresses, family, otherLabel);
      if (byPeer.ok) matched.push(ruleView(rule));
      else sameTraffic.push(ruleView(rule, byPeer.why));
    }
  }
  const allowed = matched.length > 0;
  const samePeer: RuleView[] = [];
  if (!allowed) {
    for (const { rule, why } of otherTraffic) {
      if (samePeer.length >= CLOSEST_LIMIT) break;
      if (peerMatch(source, rule, other, addresses, family, otherLabel).ok) samePeer.push(ruleView(rule, why));
    }
  }
  return {
    direction,
    of,
    groupIds: holder.groupIds,
    checked: true,
    allowed,
    summary: allowed ? `allowed by ${matched.map((r) => r.securityGroupRuleId).join(', ')}` : 'no rule matches',
    matchedRules: matched,
    closestRules: allowed ? [] : [...samePeer, ...sameTraffic].slice(0, CLOSEST_LIMIT),
  };
}

function endpointView(source: EvaluationSource, endpoint: Endpoint, family: Family): EndpointView {
  if (endpoint.kind === 'outside') return { kind: 'outside', cidr: endpoint.range.cidr };
  const base = {
    kind: 'members' as const,
    groupIds: endpoint.groupIds,
    vpcId: endpoint.vpcId,
    ...(endpoint.networkInterfaceId !== undefined ? { networkInterfaceId: endpoint.networkInterfaceId } : {}),
  };
  if (endpoint.address && endpoint.address.family === family) return { ...base, address: rangeText(endpoint.address) };
  return { ...base, anyAddressIn: source.vpc(endpoint.vpcId)?.[family]?.cidr ?? null };
}

/**
 * The flow's family: that of the addresses the caller gave, else the one asked for, else IPv6 for
 * icmpv6, else IPv4. A network interface's own primary address (IPv4) does not fix it: an IPv6 flow
 * to an interface is judged on its VPC's IPv6 block.
 */
function flowFamily(flow: ParsedFlow): Family {
  const given = [flow.from, flow.to]
    .map((endpoint) => (endpoint.kind === 'outside' ? endpoint.range : endpoint.address))
    .filter((range): range is AddressRange => range !== undefined);
  const families = [...new Set(given.map((range) => range.family))];
  if (families.length > 1) throw new EvaluationError('InvalidFlow', 'from and to have addresses of different families (IPv4 and IPv6)');
  const fromAddresses = families[0];
  if (fromAddresses === undefined) return flow.family ?? (flow.protocol === 58 ? 'ipv6' : 'ipv4');
  if (flow.family !== undefined && flow.family !== fromAddresses) {
    throw new EvaluationError('InvalidFlow', `family: '${flow.family}', but the addresses given are ${familyText(fromAddresses)}`);
  }
  return fromAddresses;
}

/** Decides one flow. Throws EvaluationError for unknown groups, interfaces and impossible flows. */
export function evaluateFlow(source: EvaluationSource, flow: ParsedFlow): FlowVerdict {
  const family = flowFamily(flow);
  // An interface's primary address is IPv4: in an IPv6 flow its address is unknown.
  const inFamily = (e: Endpoint): Endpoint => (e.kind === 'members' && e.address && e.address.family !== family ? { ...e, address: undefined } : e);
  const from = inFamily(resolveEndpoint(source, flow.from, 'from'));
  const to = inFamily(resolveEndpoint(source, flow.to, 'to'));
  const egress = evaluateSide(source, 'egress', from, to, flow, family);
  const ingress = evaluateSide(source, 'ingress', to, from, flow, family);
  const allowed = egress.allowed && ingress.allowed;
  return {
    allowed,
    verdict: allowed ? 'ALLOWED' : 'DENIED',
    accountId: source.scope.accountId,
    region: source.scope.region,
    flow: {
      family,
      protocol: protocolName(flow.protocol),
      ...(flow.port !== undefined ? { port: flow.port } : {}),
      ...(flow.icmpType !== undefined ? { icmpType: flow.icmpType, icmpCode: flow.icmpCode ?? 0 } : {}),
    },
    from: endpointView(source, from, family),
    to: endpointView(source, to, family),
    egress,
    ingress,
  };
}

// ---------------------------------------------------------------- the matrix

export interface MatrixPair {
  readonly from: string;
  readonly to: string;
  readonly family: Family;
  readonly allowed: readonly Permission[];
}

export interface MatrixAnswer {
  readonly accountId: string;
  readonly region: string;
  readonly vpcId?: string;
  readonly groups: readonly EvaluationGroup[];
  /** Every ordered pair of groups (a group with itself included) with the traffic its members may send; pairs with none are left out. */
  readonly pairs: readonly MatrixPair[];
  /** What each group lets in from anywhere: from 0.0.0.0/0 and from ::/0. */
  readonly world: readonly MatrixPair[];
}

const WORLD: Record<Family, AddressRange> = {
  ipv4: cidrRange('0.0.0.0/0')!,
  ipv6: cidrRange('::/0')!,
};

/**
 * What one group's rules of one direction allow towards (egress) or from (ingress) a member of
 * another group: the rules naming a group, by that group; the others by the block the other side's
 * addresses may come from (a VPC's block, or the world), computed once per block.
 */
class GroupTraffic {
  private readonly byGroup = new Map<string, TrafficSet>();
  private readonly addressRules: EvaluationRule[] = [];
  private readonly byBlock = new Map<string, TrafficSet>();

  constructor(
    private readonly source: EvaluationSource,
    rules: readonly EvaluationRule[],
  ) {
    for (const rule of rules) {
      if (rule.peerKind === 'sg') this.byGroup.set(rule.peer, unionTraffic(this.byGroup.get(rule.peer) ?? NO_TRAFFIC, traffic(rule)));
      else this.addressRules.push(rule);
    }
  }

  /** Towards/from a member of `other` (any address of its VPC) or an outside block. */
  with(other: Endpoint, family: Family): TrafficSet {
    const addresses = addressesOf(this.source, other, family);
    const key = `${family}|${addresses?.cidr ?? 'none'}`;
    let byAddress = this.byBlock.get(key);
    if (byAddress === undefined) {
      byAddress = NO_TRAFFIC;
      for (const rule of this.addressRules) {
        if (peerMatch(this.source, rule, other, addresses, family, '').ok) byAddress = unionTraffic(byAddress, traffic(rule));
      }
      this.byBlock.set(key, byAddress);
    }
    if (other.kind === 'outside') return byAddress;
    let out = byAddress;
    for (const groupId of other.groupIds) out = unionTraffic(out, this.byGroup.get(groupId) ?? NO_TRAFFIC);
    return out;
  }
}

const traffic = (rule: EvaluationRule): TrafficSet => ruleTraffic(rule.protocol, rule.fromPort, rule.toPort);

/** The traffic allowed between every ordered pair of the groups, and from the world to each. */
export function evaluateMatrix(source: EvaluationSource, request: ParsedMatrix): MatrixAnswer {
  return runToEnd(evaluateMatrixInSlices(source, request));
}

/** Rows of the matrix (groups as the source of traffic) computed between two pauses. */
const MATRIX_ROWS_PER_SLICE = 10;

/** evaluateMatrix as sliced work (server/slices.ts): 1,000 groups are two million pairs. */
function* evaluateMatrixInSlices(source: EvaluationSource, request: ParsedMatrix): Sliced<MatrixAnswer> {
  let groups: readonly EvaluationGroup[];
  if (request.vpcId !== undefined) {
    if (!source.vpc(request.vpcId)) throw notFound('InvalidVpcID.NotFound', request.vpcId);
    groups = source.groups(request.vpcId);
  } else {
    groups = request.groupIds!.map((groupId) => {
      const group = source.group(groupId);
      if (!group) throw notFound('InvalidGroup.NotFound', groupId);
      return group;
    });
  }
  const members = groups.map((g): Endpoint => ({ kind: 'members', groupIds: [g.groupId], vpcId: g.vpcId, address: undefined }));
  const egress = groups.map((g) => new GroupTraffic(source, source.rules(g.groupId, 'egress')));
  const ingress = groups.map((g) => new GroupTraffic(source, source.rules(g.groupId, 'ingress')));

  const pairs: MatrixPair[] = [];
  const world: MatrixPair[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (let a = 0; a < groups.length; a++) {
      for (let b = 0; b < groups.length; b++) {
        const allowed = intersectTraffic(egress[a]!.with(members[b]!, family), ingress[b]!.with(members[a]!, family));
        if (allowed.size > 0) pairs.push({ from: groups[a]!.groupId, to: groups[b]!.groupId, family, allowed: trafficToPermissions(allowed) });
      }
      if (a % MATRIX_ROWS_PER_SLICE === MATRIX_ROWS_PER_SLICE - 1) yield;
    }
    const outside: Endpoint = { kind: 'outside', range: WORLD[family] };
    for (let b = 0; b < groups.length; b++) {
      const allowed = ingress[b]!.with(outside, family);
      if (allowed.size > 0) world.push({ from: WORLD[family].cidr, to: groups[b]!.groupId, family, allowed: trafficToPermissions(allowed) });
    }
  }
  return {
    accountId: source.scope.accountId,
    region: source.scope.region,
    ...(request.vpcId !== undefined ? { vpcId: request.vpcId } : {}),
    groups: groups.map((g) => ({ groupId: g.groupId, groupName: g.groupName, vpcId: g.vpcId })),
    pairs,
    world,
  };
}

// ---------------------------------------------------------------- over the store

function scopeOf(requested: Partial<Scope>, defaults: Scope): Scope {
  return { accountId: requested.accountId ?? defaults.accountId, region: requested.region ?? defaults.region };
}

/**
 * Checks `request` (a FlowRequest, or JSON), then decides it against the store in one transaction,
 * seeing the scope as a describe call does (its default VPC and group even before anything was
 * written to it; store.inScope keeps nothing of a read).
 */
export function evaluateFlowInStore(store: Store, defaults: Scope, request: FlowRequest | unknown): FlowVerdict {
  const flow = parseFlowRequest(request);
  const scope = scopeOf(flow.scope, defaults);
  return store.inScope(scope, () => evaluateFlow(storeEvaluationSource(store, scope), flow));
}

/** Checks `request` (a MatrixRequest, or JSON), then computes the matrix in one transaction, as evaluateFlowInStore. */
export function evaluateMatrixInStore(store: Store, defaults: Scope, request: MatrixRequest | unknown): MatrixAnswer {
  const matrix = parseMatrixRequest(request);
  const scope = scopeOf(matrix.scope, defaults);
  return store.inScope(scope, () => evaluateMatrix(storeEvaluationSource(store, scope), matrix));
}

/**
 * evaluateMatrixInStore for the HTTP endpoint: over an account of many rules the matrix is computed
 * a slice of rows at a time, other requests answered in between (server/sliced-reads.ts explains
 * why); computed again at once if the store changed meanwhile.
 */
export async function evaluateMatrixInStoreWithPauses(
  store: Store,
  defaults: Scope,
  request: MatrixRequest | unknown,
  minRules: number = SLICED_READ_MIN_RULES,
  gate: ReadWriteGate = new ReadWriteGate(),
): Promise<MatrixAnswer> {
  const matrix = parseMatrixRequest(request);
  const scope = scopeOf(matrix.scope, defaults);
  // At least one rule: the scope's defaults are stored, so no transaction must seed them.
  const threshold = Math.max(1, minRules);
  if (store.countRulesUpTo(scope, threshold) >= threshold) {
    const done = await gate.read(() => runWithPauses(evaluateMatrixInSlices(storeEvaluationSource(store, scope), matrix), () => store.changeCount()));
    if (done !== undefined) return done.value;
  }
  return store.inScope(scope, () => evaluateMatrix(storeEvaluationSource(store, scope), matrix));
}
