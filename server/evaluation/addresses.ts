/**
 * Addresses and CIDR blocks as ranges of integers, for "does this rule's CIDR contain that side".
 *
 * AWS rules implemented: an IPv4 rule (CidrIpv4) never matches IPv6 traffic and an IPv6 rule
 * (CidrIpv6) never matches IPv4 traffic; a CIDR contains the addresses from its network address
 * up to its broadcast address. Both families are held as bigint so one comparison serves both.
 */
import { ipv4ToNumber, ipv6Groups, parseCidr } from '../../protocol/cidr.js';

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
    const value = ipv4ToNumber(text);
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

/** An IPv6 address (hexadecimal groups, as every canonical CIDR writes it) as one 128-bit number. */
function ipv6Value(text: string): bigint | undefined {
  const groups = ipv6Groups(text);
  if (groups === undefined) return undefined;
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
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
