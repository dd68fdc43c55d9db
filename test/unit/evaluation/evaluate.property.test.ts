/**
 * Flow evaluation against an independent reference written here, over small generated worlds: a
 * few groups in one or two VPCs, rules of every kind, prefix lists with a history of versions, the
 * AWS-managed S3 list. Addresses live in small spaces (a /28 and a /124 plus a few witnesses
 * outside them), ports in 0-21, ICMP types 0-4 and codes 0-3, so the reference can decide by
 * enumeration: "a CIDR contains that side" is "every address of that side is in the CIDR",
 * checked address by address with node's own BlockList; a rule covers a flow when its protocol,
 * ports and peer say so, read literally.
 *
 * The worlds are written to a real store (SQLite in memory) and evaluated through it, so the
 * store's reads (rules, current prefix-list versions, VPC blocks) are under test too. The
 * reference and evaluateFlowInStore must agree on every flow, side by side and rule by rule; the
 * matrix must hold exactly the points the reference allows between every pair of groups and from
 * the world. The range algebra (server/evaluation/ports.ts) is checked against sets of points.
 */
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateFlowInStore, evaluateMatrixInStore, type FlowVerdict, type MatrixAnswer } from '../../../server/evaluation/evaluate.js';
import {
  intersectRanges,
  normalizeRanges,
  ruleTraffic,
  trafficToPermissions,
  unionRanges,
  type Permission,
  type Ranges,
} from '../../../server/evaluation/ports.js';
import { openDatabase } from '../../../store/db.js';
import { AWS_MANAGED_PREFIX_LIST_ENTRIES, awsManagedPrefixListId } from '../../../store/prefix-lists.js';
import type { Peer, RuleSpec } from '../../../store/records.js';
import { createStore, type Store } from '../../../store/store.js';

const SCOPE = { accountId: '000000000000', region: 'us-east-1' };
type Family = 'ipv4' | 'ipv6';

// ---------------------------------------------------------------- the small spaces

/** Every address the reference enumerates, per family: a /28 (/124) and witnesses outside it. */
const WITNESSES: Record<Family, readonly string[]> = {
  ipv4: [...Array.from({ length: 16 }, (_, i) => `10.0.0.${i}`), '10.0.0.16', '10.0.0.200', '192.168.0.1', '8.8.8.8', '52.216.0.1'],
  ipv6: [...Array.from({ length: 16 }, (_, i) => `fd00::${i.toString(16)}`), 'fd00::10', 'fd00::100', '2001:db8::1', '2600::1'],
};
/** CIDRs for rules, prefix-list entries and outside endpoints. */
const CIDRS: Record<Family, readonly string[]> = {
  ipv4: ['0.0.0.0/0', '10.0.0.0/27', '10.0.0.0/28', '10.0.0.0/29', '10.0.0.8/29', '10.0.0.4/30', '10.0.0.5/32', '10.0.0.12/32', '192.168.0.0/16', '8.8.8.8/32', '52.216.0.0/16'],
  ipv6: ['::/0', 'fd00::/120', 'fd00::/124', 'fd00::8/125', 'fd00::4/126', 'fd00::5/128', '2001:db8::/32'],
};
const VPC_BLOCKS = ['10.0.0.0/28', '10.0.0.0/29', '10.0.0.8/29'];
const VPC_IPV6_BLOCKS = [undefined, 'fd00::/124', 'fd00::8/125'];
const S3 = awsManagedPrefixListId(SCOPE.region, 's3');
const PORTS = Array.from({ length: 22 }, (_, i) => i);
const ICMP_TYPES = [0, 1, 2, 3, 4];
const ICMP_CODES = [0, 1, 2, 3];
const OTHER_PROTOCOLS = [47, 50, 132];

/** Whether `address` is in `cidr`, by node's BlockList: nothing of the code under test. */
const blockLists = new Map<string, BlockList>();
function inCidr(address: string, cidr: string): boolean {
  let list = blockLists.get(cidr);
  if (!list) {
    const [network, prefix] = cidr.split('/');
    list = new BlockList();
    list.addSubnet(network!, Number(prefix), cidr.includes(':') ? 'ipv6' : 'ipv4');
    blockLists.set(cidr, list);
  }
  const family = address.includes(':') ? 'ipv6' : 'ipv4';
  return (cidr.includes(':') ? 'ipv6' : 'ipv4') === family && list.check(address, family);
}
const familyOf = (text: string): Family => (text.includes(':') ? 'ipv6' : 'ipv4');

// ---------------------------------------------------------------- the model

type ModelPeer = { kind: 'cidr'; cidr: string } | { kind: 'group'; index: number } | { kind: 'list'; index: number } | { kind: 's3' };
interface ModelRule {
  protocol: string; // as stored: tcp/udp/icmp/icmpv6/-1/47/50
  fromPort: number;
  toPort: number;
  peer: ModelPeer;
}
interface ModelGroup {
  vpc: number;
  ingress: ModelRule[];
  egress: ModelRule[];
}
interface ModelList {
  family: Family;
  /** Entries of version 1, then each later version's full entry set. */
  versions: string[][];
}
interface World {
  vpcs: { cidr: string; ipv6: string | undefined }[];
  groups: ModelGroup[];
  lists: ModelList[];
}

const ruleArb = (groups: number, lists: number): fc.Arbitrary<ModelRule> => {
  const peer: fc.Arbitrary<ModelPeer> = fc.oneof(
    fc.constantFrom(...CIDRS.ipv4, ...CIDRS.ipv6).map((cidr) => ({ kind: 'cidr' as const, cidr })),
    fc.nat(groups - 1).map((index) => ({ kind: 'group' as const, index })),
    ...(lists > 0 ? [fc.nat(lists - 1).map((index) => ({ kind: 'list' as const, index }))] : []),
    fc.constant({ kind: 's3' as const }),
  );
  type Traffic = { protocol: string; fromPort: number; toPort: number };
  const ports = fc.tuple(fc.constantFrom(...PORTS.slice(0, 21)), fc.constantFrom(...PORTS.slice(0, 21)));
  const traffic: fc.Arbitrary<Traffic> = fc.oneof(
    fc.tuple(fc.constantFrom('tcp', 'udp'), ports).map(([protocol, [a, b]]) => ({ protocol, fromPort: Math.min(a, b), toPort: Math.max(a, b) })),
    fc.tuple(fc.constantFrom('icmp', 'icmpv6'), fc.constantFrom(...ICMP_TYPES.slice(0, 4)), fc.constantFrom(-1, 0, 1, 2), fc.boolean()).map(
      ([protocol, type, code, anyType]) => (anyType ? { protocol, fromPort: -1, toPort: -1 } : { protocol, fromPort: type, toPort: code }),
    ),
    fc.constantFrom('-1', '47', '50').map((protocol) => ({ protocol, fromPort: -1, toPort: -1 })),
  );
  return fc.record({ traffic, peer }).map(({ traffic: t, peer: p }) => ({ ...t, peer: p }));
};

const listArb: fc.Arbitrary<ModelList> = fc.constantFrom<Family>('ipv4', 'ipv6').chain((family) =>
  fc.record({
    family: fc.constant(family),
    versions: fc.array(fc.uniqueArray(fc.constantFrom(...CIDRS[family]), { maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  }),
);

const worldArb: fc.Arbitrary<World> = fc
  .record({
    vpcs: fc.array(fc.record({ cidr: fc.constantFrom(...VPC_BLOCKS), ipv6: fc.constantFrom(...VPC_IPV6_BLOCKS) }), { minLength: 1, maxLength: 2 }),
    groupCount: fc.integer({ min: 1, max: 4 }),
    lists: fc.array(listArb, { maxLength: 2 }),
  })
  .chain(({ vpcs, groupCount, lists }) =>
    fc.record({
      vpcs: fc.constant(vpcs),
      lists: fc.constant(lists),
      groups: fc.array(
        fc.record({
          vpc: fc.nat(vpcs.length - 1),
          ingress: fc.array(ruleArb(groupCount, lists.length), { maxLength: 5 }),
          egress: fc.array(ruleArb(groupCount, lists.length), { maxLength: 5 }),
        }),
        { minLength: groupCount, maxLength: groupCount },
      ),
    }),
  );

type ModelEndpoint = { kind: 'members'; groups: number[]; address?: string } | { kind: 'outside'; cidr: string };
interface ModelFlow {
  from: ModelEndpoint;
  to: ModelEndpoint;
  family: Family;
  /** Whether the request names the family (it must when no address says it). */
  sayFamily: boolean;
  protocol: number;
  port?: number;
  icmpType?: number;
  icmpCode?: number;
}

function flowArb(world: World): fc.Arbitrary<ModelFlow> {
  return fc.constantFrom<Family>('ipv4', 'ipv6').chain((family) => {
    const members: fc.Arbitrary<ModelEndpoint> = fc
      .record({
        groups: fc.uniqueArray(fc.nat(world.groups.length - 1), { minLength: 1, maxLength: 2 }),
        address: fc.option(fc.constantFrom(...WITNESSES[family]), { nil: undefined }),
      })
      .map(({ groups, address }) => {
        // One endpoint's groups share a VPC.
        const vpc = world.groups[groups[0]!]!.vpc;
        const same = groups.filter((g) => world.groups[g]!.vpc === vpc);
        return address === undefined ? { kind: 'members' as const, groups: same } : { kind: 'members' as const, groups: same, address };
      });
    const outside: fc.Arbitrary<ModelEndpoint> = fc
      .constantFrom(...CIDRS[family], ...WITNESSES[family].map((w) => `${w}/${family === 'ipv4' ? 32 : 128}`))
      .map((cidr) => ({ kind: 'outside' as const, cidr }));
    const endpoint = fc.oneof({ arbitrary: members, weight: 3 }, { arbitrary: outside, weight: 1 });
    const traffic = fc.oneof(
      fc.record({ protocol: fc.constantFrom(6, 17), port: fc.constantFrom(...PORTS) }),
      fc.record({ protocol: fc.constantFrom(1, 58), icmpType: fc.constantFrom(...ICMP_TYPES), icmpCode: fc.constantFrom(...ICMP_CODES) }),
      fc.record({ protocol: fc.constantFrom(...OTHER_PROTOCOLS) }),
    );
    return fc
      .record({ from: endpoint, to: endpoint, traffic, sayFamily: fc.boolean() })
      .filter(({ from, to }) => from.kind === 'members' || to.kind === 'members')
      .map(({ from, to, traffic: t, sayFamily }) => {
        const addressed = [from, to].some((e) => e.kind === 'outside' || e.address !== undefined);
        // Without an address the family is IPv4, or IPv6 for icmpv6, unless the request names it.
        const implied: Family = t.protocol === 58 ? 'ipv6' : 'ipv4';
        return { from, to, family, sayFamily: sayFamily || (!addressed && family !== implied), ...t };
      });
  });
}

// ---------------------------------------------------------------- the world in a store

interface Stored {
  store: Store;
  close(): void;
  groupIds: string[];
  listIds: string[];
  /** sgr- id → the reference's key of the rule: `group index/direction/rule`. */
  ruleIds: Map<string, string>;
}

function currentEntries(list: ModelList): string[] {
  return list.versions[list.versions.length - 1]!;
}

function peerOf(peer: ModelPeer, stored: { groupIds: string[]; listIds: string[] }): Peer {
  switch (peer.kind) {
    case 'cidr':
      return { kind: familyOf(peer.cidr), cidr: peer.cidr };
    case 'group':
      return { kind: 'group', groupId: stored.groupIds[peer.index]!, userId: SCOPE.accountId };
    case 'list':
      return { kind: 'prefixList', prefixListId: stored.listIds[peer.index]! };
    case 's3':
      return { kind: 'prefixList', prefixListId: S3 };
  }
}

/** The rules of a model, without the ones EC2's unique index would refuse as duplicates. */
function distinct(rules: ModelRule[]): ModelRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const key = JSON.stringify(rule);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function store(world: World): Stored {
  const db = openDatabase(':memory:');
  const s = createStore(db);
  s.ensureScope(SCOPE);
  const vpcIds = world.vpcs.map((vpc) =>
    s.insertVpc(SCOPE, { cidrBlock: vpc.cidr, ...(vpc.ipv6 ? { ipv6CidrBlock: vpc.ipv6 } : {}), isDefault: false, instanceTenancy: 'default' }),
  );
  const listIds = world.lists.map((list, n) => {
    const id = s.insertCustomerPrefixList(SCOPE, {
      name: `list-${n}`,
      addressFamily: list.family === 'ipv4' ? 'IPv4' : 'IPv6',
      maxEntries: 5,
      entries: list.versions[0]!.map((cidr) => ({ cidr, description: undefined })),
      clientToken: undefined,
      requestHash: undefined,
    });
    for (let v = 1; v < list.versions.length; v++) {
      const before = list.versions[v - 1]!;
      const after = list.versions[v]!;
      s.updatePrefixList(SCOPE, id, {
        name: `list-${n}`,
        maxEntries: 5,
        version: v + 1,
        state: 'modify-complete',
        entryChanges: {
          add: after.filter((c) => !before.includes(c)).map((cidr) => ({ cidr, description: undefined })),
          removeCidrs: before.filter((c) => !after.includes(c)),
        },
      });
    }
    return id;
  });
  const groupIds = world.groups.map((g, n) => s.insertGroup(SCOPE, { groupName: `g${n}`, description: 'g', vpcId: vpcIds[g.vpc]!, isDefault: false }));
  const ruleIds = new Map<string, string>();
  world.groups.forEach((g, n) => {
    for (const direction of ['ingress', 'egress'] as const) {
      const rules = distinct(g[direction]);
      const specs: RuleSpec[] = rules.map((r) => ({ protocol: r.protocol, fromPort: r.fromPort, toPort: r.toPort, peer: peerOf(r.peer, { groupIds, listIds }), description: undefined }));
      s.insertRules(SCOPE, groupIds[n]!, direction, specs).forEach((record, i) => ruleIds.set(record.ruleId, `${n}/${direction}/${JSON.stringify(rules[i])}`));
    }
  });
  return { store: s, close: () => db.close(), groupIds, listIds, ruleIds };
}

// ---------------------------------------------------------------- the reference

/** The addresses a side may have in the family, or undefined when it has none known. */
function addresses(world: World, endpoint: ModelEndpoint, family: Family): string[] | undefined {
  if (endpoint.kind === 'outside') return WITNESSES[family].filter((w) => inCidr(w, endpoint.cidr));
  if (endpoint.address !== undefined) return [endpoint.address];
  const vpc = world.vpcs[world.groups[endpoint.groups[0]!]!.vpc]!;
  const block = family === 'ipv4' ? vpc.cidr : vpc.ipv6;
  return block === undefined ? undefined : WITNESSES[family].filter((w) => inCidr(w, block));
}

const PROTOCOL_OF: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

function ruleCoversTraffic(rule: ModelRule, flow: ModelFlow): boolean {
  if (rule.protocol === '-1') return true;
  if ((PROTOCOL_OF[rule.protocol] ?? Number(rule.protocol)) !== flow.protocol) return false;
  if (flow.protocol === 6 || flow.protocol === 17) return rule.fromPort <= flow.port! && flow.port! <= rule.toPort;
  if (flow.protocol === 1 || flow.protocol === 58) {
    return (rule.fromPort === -1 || rule.fromPort === flow.icmpType) && (rule.toPort === -1 || rule.toPort === flow.icmpCode);
  }
  return true;
}

/** rulePermits' answers per world: the matrix check asks the same question for every point. */
const permitsMemo = new WeakMap<World, Map<string, boolean>>();

function rulePermits(world: World, rule: ModelRule, other: ModelEndpoint, family: Family): boolean {
  let memo = permitsMemo.get(world);
  if (!memo) permitsMemo.set(world, (memo = new Map()));
  const key = `${JSON.stringify(rule.peer)}|${JSON.stringify(other)}|${family}`;
  let answer = memo.get(key);
  if (answer === undefined) memo.set(key, (answer = peerPermits(world, rule, other, family)));
  return answer;
}

function peerPermits(world: World, rule: ModelRule, other: ModelEndpoint, family: Family): boolean {
  const all = (cidr: string) => {
    const addrs = addresses(world, other, family);
    return addrs !== undefined && addrs.length > 0 && familyOf(cidr) === family && addrs.every((a) => inCidr(a, cidr));
  };
  switch (rule.peer.kind) {
    case 'group':
      return other.kind === 'members' && other.groups.includes(rule.peer.index);
    case 'cidr':
      return all(rule.peer.cidr);
    case 'list':
      return currentEntries(world.lists[rule.peer.index]!).some(all);
    case 's3':
      return AWS_MANAGED_PREFIX_LIST_ENTRIES.s3.some((entry) => all(entry.cidr));
  }
}

/** Keys (`group/direction/rule`) of the rules that permit the flow on one side. */
function referenceSide(world: World, direction: 'ingress' | 'egress', holder: ModelEndpoint, other: ModelEndpoint, flow: ModelFlow): string[] | 'unchecked' {
  if (holder.kind === 'outside') return 'unchecked';
  const keys: string[] = [];
  for (const g of holder.groups) {
    for (const rule of distinct(world.groups[g]![direction])) {
      if (ruleCoversTraffic(rule, flow) && rulePermits(world, rule, other, flow.family)) keys.push(`${g}/${direction}/${JSON.stringify(rule)}`);
    }
  }
  return keys;
}

function referenceAllows(world: World, flow: ModelFlow): boolean {
  const egress = referenceSide(world, 'egress', flow.from, flow.to, flow);
  const ingress = referenceSide(world, 'ingress', flow.to, flow.from, flow);
  return (egress === 'unchecked' || egress.length > 0) && (ingress === 'unchecked' || ingress.length > 0);
}

// ---------------------------------------------------------------- comparing

function request(flow: ModelFlow, stored: Stored): unknown {
  const endpoint = (e: ModelEndpoint) =>
    e.kind === 'outside'
      ? e.cidr
      : { groupIds: e.groups.map((g) => stored.groupIds[g]!), ...(e.address !== undefined ? { address: e.address } : {}) };
  return {
    from: endpoint(flow.from),
    to: endpoint(flow.to),
    protocol: flow.protocol,
    ...(flow.port !== undefined ? { port: flow.port } : {}),
    ...(flow.icmpType !== undefined ? { icmpType: flow.icmpType, icmpCode: flow.icmpCode } : {}),
    ...(flow.sayFamily ? { family: flow.family } : {}),
  };
}

function sideKeys(side: FlowVerdict['egress'], stored: Stored): string[] | 'unchecked' {
  return side.checked ? side.matchedRules.map((r) => stored.ruleIds.get(r.securityGroupRuleId)!) : 'unchecked';
}

/** Whether a permission list covers one point: read literally, independent of ports.ts. */
function covers(permissions: readonly Permission[], protocol: number, point: { port?: number; icmpType?: number; icmpCode?: number }): boolean {
  const name = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' }[protocol] ?? String(protocol);
  return permissions.some((p) => {
    if (p.protocol === '-1') return true;
    if (p.protocol !== name) return false;
    if ('fromPort' in p) return p.fromPort <= point.port! && point.port! <= p.toPort;
    if ('icmpType' in p) return (p.icmpType === -1 || p.icmpType === point.icmpType) && (p.icmpCode === -1 || p.icmpCode === point.icmpCode);
    return true;
  });
}

/** Every (protocol, point) of the small spaces, as flows without endpoints. */
const POINTS: Pick<ModelFlow, 'protocol' | 'port' | 'icmpType' | 'icmpCode'>[] = [
  ...[6, 17].flatMap((protocol) => PORTS.map((port) => ({ protocol, port }))),
  ...[1, 58].flatMap((protocol) => ICMP_TYPES.flatMap((icmpType) => ICMP_CODES.map((icmpCode) => ({ protocol, icmpType, icmpCode })))),
  ...OTHER_PROTOCOLS.map((protocol) => ({ protocol })),
];

const PROPERTY_RUNS = { numRuns: 150 };

describe('flow evaluation agrees with the reference', () => {
  it('on every flow: the verdict, each side, and the rules that matched', () => {
    fc.assert(
      fc.property(
        worldArb.chain((world) => fc.tuple(fc.constant(world), fc.array(flowArb(world), { minLength: 1, maxLength: 25 }))),
        ([world, flows]) => {
          const stored = store(world);
          try {
            for (const flow of flows) {
              const verdict = evaluateFlowInStore(stored.store, SCOPE, request(flow, stored));
              const expected = {
                allowed: referenceAllows(world, flow),
                family: flow.family,
                egress: referenceSide(world, 'egress', flow.from, flow.to, flow),
                ingress: referenceSide(world, 'ingress', flow.to, flow.from, flow),
              };
              const actual = {
                allowed: verdict.allowed,
                family: verdict.flow.family,
                egress: sideKeys(verdict.egress, stored),
                ingress: sideKeys(verdict.ingress, stored),
              };
              expect(actual, JSON.stringify(flow)).toEqual(expected);
              expect(verdict.verdict).toBe(verdict.allowed ? 'ALLOWED' : 'DENIED');
            }
          } finally {
            stored.close();
          }
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('on the matrix: every pair of groups and the world, point by point', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const stored = store(world);
        let matrix: MatrixAnswer;
        try {
          matrix = evaluateMatrixInStore(stored.store, SCOPE, { groupIds: stored.groupIds });
        } finally {
          stored.close();
        }
        const pairOf = (from: string, to: string, family: Family) =>
          matrix.pairs.find((p) => p.from === from && p.to === to && p.family === family)?.allowed ?? [];
        const worldOf = (to: string, family: Family) => matrix.world.find((p) => p.to === to && p.family === family)?.allowed ?? [];
        // Every disagreement, collected: one comparison per world keeps a run fast.
        const disagreements: unknown[] = [];
        for (const family of ['ipv4', 'ipv6'] as const) {
          for (let b = 0; b < world.groups.length; b++) {
            const to: ModelEndpoint = { kind: 'members', groups: [b] };
            const sources: [string, ModelEndpoint, readonly Permission[]][] = world.groups.map((_, a) => [
              `g${a}`,
              { kind: 'members', groups: [a] },
              pairOf(stored.groupIds[a]!, stored.groupIds[b]!, family),
            ]);
            const anywhere: ModelEndpoint = { kind: 'outside', cidr: family === 'ipv4' ? '0.0.0.0/0' : '::/0' };
            sources.push(['world', anywhere, worldOf(stored.groupIds[b]!, family)]);
            for (const [name, from, listed] of sources) {
              for (const point of POINTS) {
                const expected = referenceAllows(world, { from, to, family, sayFamily: true, ...point });
                if (covers(listed, point.protocol, point) !== expected) disagreements.push({ from: name, to: `g${b}`, family, point, expected });
              }
            }
          }
        }
        expect(disagreements).toEqual([]);
        // Only pairs with something allowed are listed.
        for (const pair of [...matrix.pairs, ...matrix.world]) expect(pair.allowed.length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------- the range algebra

const SPACE = 40;
const rangesArb = fc.array(
  fc.tuple(fc.nat(SPACE), fc.nat(SPACE)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const),
  { maxLength: 5 },
);
const pointsOf = (ranges: readonly (readonly [number, number])[]): Set<number> => {
  const out = new Set<number>();
  for (const [lo, hi] of ranges) for (let p = lo; p <= hi; p++) out.add(p);
  return out;
};
const isNormal = (ranges: Ranges): boolean => ranges.every(([lo, hi], i) => lo <= hi && (i === 0 || lo > ranges[i - 1]![1] + 1));

describe('the range algebra agrees with sets of points', () => {
  it('normalise, union and intersect', () => {
    fc.assert(
      fc.property(rangesArb, rangesArb, (a, b) => {
        const na = normalizeRanges(a);
        const nb = normalizeRanges(b);
        expect(isNormal(na)).toBe(true);
        expect([...pointsOf(na)].sort()).toEqual([...pointsOf(a)].sort());
        const union = unionRanges(na, nb);
        const both = intersectRanges(na, nb);
        expect(isNormal(union) && isNormal(both)).toBe(true);
        for (let p = 0; p <= SPACE; p++) {
          const inA = pointsOf(a).has(p);
          const inB = pointsOf(b).has(p);
          expect([p, pointsOf(union).has(p), pointsOf(both).has(p)]).toEqual([p, inA || inB, inA && inB]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a rule’s traffic, written as permissions, covers exactly what the rule does', () => {
    const traffic = fc.oneof(
      fc.tuple(fc.constantFrom('tcp', 'udp'), fc.nat(21), fc.nat(21)).map(([p, a, b]) => [p, Math.min(a, b), Math.max(a, b)] as const),
      fc.tuple(fc.constantFrom('icmp', 'icmpv6'), fc.constantFrom(-1, 0, 3, 4), fc.constantFrom(-1, 0, 2)).map(([p, t, c]) => [p, t, t === -1 ? -1 : c] as const),
      fc.tuple(fc.constantFrom('-1', '47'), fc.constant(-1), fc.constant(-1)),
    );
    fc.assert(
      fc.property(traffic, ([protocol, fromPort, toPort]) => {
        const permissions = trafficToPermissions(ruleTraffic(protocol, fromPort, toPort));
        const rule: ModelRule = { protocol, fromPort, toPort, peer: { kind: 'cidr', cidr: '0.0.0.0/0' } };
        for (const point of POINTS) {
          const flow: ModelFlow = { from: { kind: 'outside', cidr: '0.0.0.0/0' }, to: { kind: 'members', groups: [0] }, family: 'ipv4', sayFamily: true, ...point };
          expect([point, covers(permissions, point.protocol, point)]).toEqual([point, ruleCoversTraffic(rule, flow)]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
