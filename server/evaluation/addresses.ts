/**
 * Addresses and CIDR blocks as ranges of integers, for "does this rule's CIDR contain that side".
 *
 * AWS rules implemented: an IPv4 rule (CidrIpv4) never matches IPv6 traffic and an IPv6 rule
 * (CidrIpv6) never matches IPv4 traffic; a CIDR contains the addresses from its network address
 * up to its broadcast address. Both families are held as bigint so one comparison serves both.
 */
import { parseCidr } from '../../protocol/cidr.js';

export type Family = 'ipv4' | 'ipv6';

export interface AddressRange {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
  /** The canonical CIDR (`10.0.1.5/32` for one address). */
  readonly cidr: string;
}

/** Whether every address of `inner` is in `outer` (never across families). */
export function rangeContains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/**
 * A canonical CIDR as stored by the emulator (rules, prefix-list entries, VPC blocks) as a range.
 * Not memoised: parsing one is cheaper than a map of every CIDR a large store holds (a bounded
 * memo thrashed on 50,000 rules and cost more than it saved).
 */
export function cidrRange(canonical: string): AddressRange | undefined {
  return computeRange(canonical);
}

function computeRange(cidr: string): AddressRange | undefined {
  const slash = cidr.indexOf('/');
  if (slash === -1) return undefined;
  const prefix = Number(cidr.slice(slash + 1));
  const text = cidr.slice(0, slash);
  if (!text.includes(':')) {
    // IPv4 in plain numbers, turned into bigint once: bigint arithmetic per octet cost a large
    // share of an evaluation.
    const value = ipv4Number(text);
    if (value === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
    const size = 2 ** (32 - prefix);
    const first = value - (value % size);
    return { family: 'ipv4', first: BigInt(first), last: BigInt(first + size - 1), cidr };
  }
  const value = ipv6Value(text);
  if (value === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 128) return undefined;
  const hostBits = BigInt(128 - prefix);
  const first = (value >> hostBits) << hostBits;
  return { family: 'ipv6', first, last: first + (1n << hostBits) - 1n, cidr };
}

const IPV4 = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/;

function ipv4Number(text: string): number | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  const octets = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])];
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets[0]! * 16777216 + octets[1]! * 65536 + octets[2]! * 256 + octets[3]!;
}

function ipv4Value(text: string): bigint | undefined {
  const value = ipv4Number(text);
  return value === undefined ? undefined : BigInt(value);
}

/** Hexadecimal groups with at most one `::`, and an optional dotted IPv4 tail (`::ffff:1.2.3.4`). */
function ipv6Value(text: string): bigint | undefined {
  let groups = text;
  let tail: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail = ipv4Value(text.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    groups = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const group of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let value = 0n;
  for (const group of [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest]) {
    value = (value << 16n) | BigInt(group);
  }
  return tail === undefined ? value : (value & ~0xffffffffn) | tail;
}

/**
 * What a user wrote as an address or a CIDR (`10.0.1.5`, `0.0.0.0/0`, `2001:db8::1`), any form
 * EC2 accepts in a rule, canonicalised: an address alone is its /32 or /128. Undefined if it is
 * neither.
 */
export function parseAddressOrCidr(raw: string): AddressRange | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 64) return undefined;
  const withPrefix = raw.includes('/') ? raw : `${raw}/${raw.includes(':') ? 128 : 32}`;
  const parsed = parseCidr(withPrefix);
  return parsed && cidrRange(parsed.canonical);
}

/** Whether a range is one address (a /32 or a /128). */
export const isSingleAddress = (range: AddressRange): boolean => range.first === range.last;

/** `10.0.1.5` for a single address, else the CIDR. */
export const rangeText = (range: AddressRange): string => (isSingleAddress(range) ? range.cidr.slice(0, range.cidr.indexOf('/')) : range.cidr);
