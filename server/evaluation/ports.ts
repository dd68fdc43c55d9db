/**
 * The traffic a rule covers, as sets that can be unioned and intersected: the range algebra of
 * flow evaluation and of the reachability matrix.
 *
 * AWS rules implemented (aws-reference §3.2, A-5..A-7):
 * - protocol `-1` covers every protocol, with all its ports;
 * - tcp (6) and udp (17) rules cover a port range 0-65535;
 * - icmp (1) and icmpv6 (58) rules cover an ICMP type (FromPort) and code (ToPort), -1 meaning
 *   "any"; a type of -1 covers every type and code;
 * - any other protocol number has no ports: a rule for it covers all of that protocol's traffic;
 * - the names tcp/udp/icmp/icmpv6 and the numbers 6/17/1/58 are the same protocol.
 *
 * A protocol's traffic is laid on one integer line so one range algebra serves them all: tcp/udp
 * ports are the points 0-65535; an ICMP (type, code) pair is the point type × 256 + code (so "type
 * 8, any code" is the range 2048-2303); a protocol without ports is the single point 0.
 */

/** Sorted, disjoint, non-adjacent inclusive ranges. */
export type Ranges = readonly (readonly [number, number])[];

/** Protocol number → the part of its line that is covered. Absent protocols cover nothing. */
export type TrafficSet = ReadonlyMap<number, Ranges>;

export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 };
const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

export const MAX_PORT = 65535;
const FULL: Ranges = [[0, MAX_PORT]];
const POINT: Ranges = [[0, 0]];

export const isPortProtocol = (protocol: number): boolean => protocol === 6 || protocol === 17;
export const isIcmpProtocol = (protocol: number): boolean => protocol === 1 || protocol === 58;
const hasLine = (protocol: number): boolean => isPortProtocol(protocol) || isIcmpProtocol(protocol);

/** The whole line of a protocol: all its ports, all its ICMP types and codes, or its one point. */
export const domainOf = (protocol: number): Ranges => (hasLine(protocol) ? FULL : POINT);

/** `tcp`, `UDP`, `6`, `58`, `47` → the protocol number; `-1` → -1; anything else → undefined. */
export function protocolNumber(raw: string): number | undefined {
  const named = PROTOCOL_NUMBERS[raw.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^-?[0-9]{1,3}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n === -1 || (n >= 0 && n <= 255) ? n : undefined;
}

/** The name AWS answers with: tcp/udp/icmp/icmpv6 for 6/17/1/58, else the number as text. */
export const protocolName = (protocol: number): string => PROTOCOL_NAMES[protocol] ?? String(protocol);

/** The point of one ICMP type and code on the ICMP line. */
export const icmpPoint = (type: number, code: number): number => type * 256 + code;

// ---------------------------------------------------------------- ranges

/** Sorts and merges overlapping or adjacent ranges. */
export function normalizeRanges(ranges: readonly (readonly [number, number])[]): Ranges {
  if (ranges.length <= 1) return ranges;
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [[sorted[0]![0], sorted[0]![1]]];
  for (let i = 1; i < sorted.length; i++) {
    const [lo, hi] = sorted[i]!;
    const last = merged[merged.length - 1]!;
    if (lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

export function unionRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return normalizeRanges([...a, ...b]);
}

/** Both inputs normalised: a linear merge. */
export function intersectRanges(a: Ranges, b: Ranges): Ranges {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [aLo, aHi] = a[i]!;
    const [bLo, bHi] = b[j]!;
    const lo = Math.max(aLo, bLo);
    const hi = Math.min(aHi, bHi);
    if (lo <= hi) out.push([lo, hi]);
    if (aHi < bHi) i++;
    else j++;
  }
  return out;
}

export function rangesContain(ranges: Ranges, point: number): boolean {
  for (const [lo, hi] of ranges) {
    if (point < lo) return false;
    if (point <= hi) return true;
  }
  return false;
}

// ---------------------------------------------------------------- traffic sets

export const NO_TRAFFIC: TrafficSet = new Map();
let allTraffic: TrafficSet | undefined;
/** Every protocol 0-255 with its whole line: what a `-1` rule covers. */
export function everything(): TrafficSet {
  allTraffic ??= new Map(Array.from({ length: 256 }, (_, protocol) => [protocol, domainOf(protocol)] as const));
  return allTraffic;
}

/**
 * What one stored rule covers. `protocol` is as EC2 stores it (tcp/udp/icmp/icmpv6, -1 or a
 * number); ports are -1 where the protocol has none.
 */
export function ruleTraffic(protocol: string, fromPort: number, toPort: number): TrafficSet {
  const number = protocolNumber(protocol);
  if (number === undefined) return NO_TRAFFIC;
  if (number === -1) return everything();
  if (isPortProtocol(number)) return new Map([[number, [[fromPort, toPort] as const]]]);
  if (isIcmpProtocol(number)) {
    if (fromPort === -1) return new Map([[number, FULL]]);
    const first = icmpPoint(fromPort, toPort === -1 ? 0 : toPort);
    const last = icmpPoint(fromPort, toPort === -1 ? 255 : toPort);
    return new Map([[number, [[first, last] as const]]]);
  }
  return new Map([[number, POINT]]);
}

export function unionTraffic(a: TrafficSet, b: TrafficSet): TrafficSet {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  if (a === allTraffic || b === allTraffic) return everything();
  const out = new Map(a);
  for (const [protocol, ranges] of b) out.set(protocol, unionRanges(out.get(protocol) ?? [], ranges));
  return out;
}

export function intersectTraffic(a: TrafficSet, b: TrafficSet): TrafficSet {
  if (a === allTraffic) return b;
  if (b === allTraffic) return a;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const out = new Map<number, Ranges>();
  for (const [protocol, ranges] of small) {
    const other = large.get(protocol);
    if (!other) continue;
    const both = intersectRanges(ranges, other);
    if (both.length > 0) out.set(protocol, both);
  }
  return out;
}

export function isEverything(set: TrafficSet): boolean {
  if (set === allTraffic) return true;
  if (set.size !== 256) return false;
  for (const [protocol, ranges] of set) {
    const domain = domainOf(protocol)[0]!;
    if (ranges.length !== 1 || ranges[0]![0] !== domain[0] || ranges[0]![1] !== domain[1]) return false;
  }
  return true;
}

// ---------------------------------------------------------------- as permissions

/** One line of an answer: what is allowed, in the terms rules are written in. */
export type Permission =
  | { readonly protocol: '-1' }
  | { readonly protocol: string; readonly fromPort: number; readonly toPort: number }
  | { readonly protocol: string; readonly icmpType: number; readonly icmpCode: number }
  | { readonly protocol: string };

/**
 * A traffic set as permissions: `[{protocol: '-1'}]` for everything; tcp/udp port ranges; ICMP
 * per type (code -1 = every code; type -1 = every type); a port-less protocol by its number.
 * Protocols come in numeric order.
 */
export function trafficToPermissions(set: TrafficSet): Permission[] {
  if (isEverything(set)) return [{ protocol: '-1' }];
  const out: Permission[] = [];
  for (const protocol of [...set.keys()].sort((a, b) => a - b)) {
    const ranges = set.get(protocol)!;
    const name = protocolName(protocol);
    if (isPortProtocol(protocol)) {
      for (const [fromPort, toPort] of ranges) out.push({ protocol: name, fromPort, toPort });
    } else if (isIcmpProtocol(protocol)) {
      out.push(...icmpPermissions(name, ranges));
    } else {
      out.push({ protocol: name });
    }
  }
  return out;
}

function icmpPermissions(name: string, ranges: Ranges): Permission[] {
  if (ranges.length === 1 && ranges[0]![0] === 0 && ranges[0]![1] === MAX_PORT) return [{ protocol: name, icmpType: -1, icmpCode: -1 }];
  const out: Permission[] = [];
  for (const [lo, hi] of ranges) {
    for (let type = lo >> 8; type <= hi >> 8; type++) {
      const firstCode = Math.max(lo, type * 256) - type * 256;
      const lastCode = Math.min(hi, type * 256 + 255) - type * 256;
      if (firstCode === 0 && lastCode === 255) {
        out.push({ protocol: name, icmpType: type, icmpCode: -1 });
      } else {
        for (let code = firstCode; code <= lastCode; code++) out.push({ protocol: name, icmpType: type, icmpCode: code });
      }
    }
  }
  return out;
}
