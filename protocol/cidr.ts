/**
 * Canonical CIDR blocks without a big-number library, for the forms clients actually send.
 *
 * EC2 stores a CIDR as its network address and prefix (aws-reference §2A: `100.68.0.18/18` is
 * kept as `100.68.0.0/18`), IPv6 in RFC 5952 form (lower case, the longest run of two or more zero
 * groups as `::`, the first such run on a tie). `fastCanonicalCidr` handles plain dotted IPv4 and
 * plain hexadecimal IPv6 and answers `undefined` for anything else (leading zeros, embedded IPv4,
 * zone ids, malformed input): the caller then takes its general path, which also decides what is
 * malformed. It never calls valid what that path would reject, and gives the same text for all it
 * accepts (test/unit/protocol/cidr.test.ts compares the two).
 */
import { createRequire } from 'node:module';
import type IPCIDR from 'ip-cidr';

const IPV4_CIDR = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\/(0|[1-9][0-9]?)$/;
const IPV6_CIDR = /^([0-9a-fA-F:]+)\/(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function fastCanonicalCidr(raw: string, family: 'ipv4' | 'ipv6'): string | undefined {
  return family === 'ipv4' ? canonicalIpv4(raw) : canonicalIpv6(raw);
}

function canonicalIpv4(raw: string): string | undefined {
  const match = IPV4_CIDR.exec(raw);
  if (!match) return undefined;
  const octets = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])];
  const prefix = Number(match[5]);
  if (prefix > 32 || octets.some((octet) => octet > 255)) return undefined;
  const address = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (address & mask) >>> 0;
  return `${network >>> 24}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}/${prefix}`;
}

function canonicalIpv6(raw: string): string | undefined {
  const match = IPV6_CIDR.exec(raw);
  if (!match) return undefined;
  const groups = ipv6Groups(match[1]!);
  const prefix = Number(match[2]);
  if (!groups || prefix > 128) return undefined;
  for (let i = 0; i < 8; i++) {
    const bitsKept = Math.min(16, Math.max(0, prefix - 16 * i));
    groups[i] = bitsKept === 0 ? 0 : groups[i]! & ((0xffff << (16 - bitsKept)) & 0xffff);
  }
  return `${formatIpv6(groups)}/${prefix}`;
}

/** The eight 16-bit groups of a hexadecimal IPv6 address, with at most one `::`. */
export function ipv6Groups(address: string): number[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const group of part.split(':')) {
      if (!HEX_GROUP.test(group)) return undefined;
      groups.push(parseInt(group, 16));
    }
    return groups;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  // `::` stands for at least one zero group.
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** RFC 5952: lower-case hex without leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end += 1;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * ip-cidr decides every form the fast path does not take (leading zeros in a prefix, and what is
 * malformed). It is loaded on first need, which keeps it off the start-up path: where Node can
 * `require` an ES module synchronously (20.19 and later) that happens lazily; elsewhere
 * `preloadCidrLibrary()` loads it during start-up.
 */
type IpCidrLibrary = typeof IPCIDR;
let library: IpCidrLibrary | undefined;
function ipCidr(): IpCidrLibrary {
  library ??= (createRequire(import.meta.url)('ip-cidr') as { default: IpCidrLibrary }).default;
  return library;
}
export async function preloadCidrLibrary(): Promise<void> {
  if (!(process.features as { require_module?: boolean }).require_module) library ??= (await import('ip-cidr')).default;
}

export interface ParsedCidr {
  /** Network address and prefix, IPv6 in RFC 5952 form. */
  readonly canonical: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly prefix: number;
}

/** Any valid IPv4 or IPv6 CIDR, canonicalised; `undefined` for anything else (zone ids included). */
export function parseCidr(raw: string): ParsedCidr | undefined {
  for (const family of ['ipv4', 'ipv6'] as const) {
    const fast = fastCanonicalCidr(raw, family);
    if (fast !== undefined) return { canonical: fast, family, prefix: Number(fast.slice(fast.indexOf('/') + 1)) };
  }
  const IpCidr = ipCidr();
  if (raw.includes('%') || !IpCidr.isValidCIDR(raw)) return undefined;
  const cidr = new IpCidr(raw);
  const prefix = cidr.address.subnetMask;
  const family = 'v4' in cidr.address && cidr.address.v4 === true ? 'ipv4' : 'ipv6';
  return { canonical: `${cidr.addressStart.correctForm()}/${prefix}`, family, prefix };
}

// ---------------------------------------------------------------- IPv4 address arithmetic (subnets, interfaces)

const IPV4_ADDRESS = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;

/** A dotted IPv4 address as a number, or undefined if it is not one (no leading zeros, as EC2). */
export function ipv4ToNumber(address: string): number | undefined {
  const match = IPV4_ADDRESS.exec(address);
  if (!match) return undefined;
  const octets = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])];
  if (octets.some((octet) => octet > 255)) return undefined;
  return ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
}

export function numberToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** First and last address of a canonical IPv4 CIDR (`10.0.1.0/24` → 10.0.1.0 … 10.0.1.255). */
export function ipv4Range(canonicalCidr: string): { readonly first: number; readonly last: number } {
  const slash = canonicalCidr.indexOf('/');
  const first = ipv4ToNumber(canonicalCidr.slice(0, slash))!;
  const prefix = Number(canonicalCidr.slice(slash + 1));
  return { first, last: first + 2 ** (32 - prefix) - 1 };
}

/** Whether two IPv4 ranges share any address. */
export function ipv4RangesOverlap(a: { first: number; last: number }, b: { first: number; last: number }): boolean {
  return a.first <= b.last && b.first <= a.last;
}
