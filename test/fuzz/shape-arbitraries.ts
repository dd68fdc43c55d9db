/**
 * Requests built from the operation shapes (protocol/shapes.ts): a generator walks an input shape
 * and emits wire keys and values, mostly plausible (`IpPermissions.1.IpRanges.2.CidrIp=10.0.0.0/8`,
 * known ids, real protocol names, now and then 0-based or gapped indexes as Libcloud sends) and
 * sometimes not (leading-zero, negative or out-of-range indexes, member names instead of wire
 * names, wrong case, hostile strings). Plausible requests reach the handlers' deep
 * checks; implausible ones the parser's.
 */
import fc from 'fast-check';
import { wireName, type Shape, type StructureShape } from '../../protocol/shapes.js';
import { nastyString } from './support.js';

export type Pair = readonly [string, string];

/** Ids of resources that exist when a batch of cases starts, so plausible requests find something. */
export interface KnownIds {
  readonly groupIds: readonly string[];
  readonly groupNames: readonly string[];
  readonly ruleIds: readonly string[];
  readonly vpcIds: readonly string[];
  readonly prefixListIds: readonly string[];
}

/**
 * A reference to the n-th known id of a kind, resolved when the case runs (`resolveIds`). Cases do
 * not hold real ids, so a property can start over on a fresh app (and a small store) now and then.
 */
export const idRef = (pool: keyof KnownIds): fc.Arbitrary<string> => fc.nat({ max: 15 }).map((n) => `{{${pool}:${n}}}`);

export function resolveIds(pairs: readonly Pair[], known: KnownIds): Pair[] {
  const resolve = (text: string) =>
    text.replace(/\{\{(\w+):(\d+)\}\}/g, (reference, pool: string, n: string) => {
      const ids = known[pool as keyof KnownIds] as readonly string[] | undefined;
      return ids && ids.length > 0 ? ids[Number(n) % ids.length]! : reference;
    });
  return pairs.map(([key, value]) => [resolve(key), resolve(value)]);
}

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const octet = fc.integer({ min: 0, max: 255 });
const cidrV4 = fc
  .tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 33 }))
  .map(([a, b, c, d, bits]) => `${a}.${b}.${c}.${d}/${bits}`);
const cidrV6 = fc
  .tuple(fc.array(hex(4), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 129 }))
  .map(([groups, bits]) => `${groups.join(':')}${groups.length < 8 ? '::' : ''}/${bits}`);
const port = fc.oneof(fc.integer({ min: -2, max: 65536 }).map(String), fc.constantFrom('-1', '0', '22', '443', '65535'));
const ruleText = fc.string({ unit: fc.constantFrom(...'abcXYZ019 ._-:/()#,@[]+=&;{}!$*'), maxLength: 30 });

/** A value for a scalar member, chosen by its member name (`GroupId`, `CidrIp`, `FromPort`, …). */
function scalarValue(memberName: string, kind: 'string' | 'integer' | 'boolean' | 'timestamp'): fc.Arbitrary<string> {
  const fromPool = (pool: keyof KnownIds, prefix: string) =>
    fc.oneof({ weight: 5, arbitrary: idRef(pool) }, { weight: 1, arbitrary: hex(17).map((h) => prefix + h) });
  let plausible: fc.Arbitrary<string>;
  if (kind === 'boolean') plausible = fc.constantFrom('true', 'false');
  else if (kind === 'timestamp') plausible = fc.constantFrom('2026-01-01T00:00:00Z', '2026-12-04T16:13:36.000Z', '1700000000', 'yesterday');
  else if (kind === 'integer') plausible = /Port$/.test(memberName) ? port : fc.integer({ min: -1, max: 1001 }).map(String);
  else if (/^(GroupId|ReferencedGroupId|ResourceId|Resources)$/.test(memberName)) plausible = fromPool('groupIds', 'sg-');
  else if (/RuleId/.test(memberName)) plausible = fromPool('ruleIds', 'sgr-');
  else if (/VpcId/.test(memberName)) plausible = fromPool('vpcIds', 'vpc-');
  else if (/PrefixListId/.test(memberName)) plausible = fromPool('prefixListIds', 'pl-');
  else if (/GroupName/.test(memberName)) plausible = fc.oneof(idRef('groupNames'), ruleText);
  else if (/^(CidrIp|CidrIpv4|CidrBlock|Cidr)$/.test(memberName)) plausible = cidrV4;
  else if (/Ipv6/.test(memberName)) plausible = cidrV6;
  else if (memberName === 'IpProtocol') plausible = fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6', '-1', '6', '17', '58', 'all', '50', 'TCP');
  else if (memberName === 'ResourceType') plausible = fc.constantFrom('security-group', 'security-group-rule', 'vpc', 'prefix-list', 'instance');
  else if (memberName === 'AddressFamily') plausible = fc.constantFrom('IPv4', 'IPv6', 'ipv4');
  else if (memberName === 'InstanceTenancy') plausible = fc.constantFrom('default', 'dedicated', 'host');
  else if (memberName === 'Name') {
    plausible = fc.constantFrom('group-id', 'group-name', 'vpc-id', 'tag:Name', 'tag-key', 'ip-permission.cidr', 'egress.ip-permission.from-port', 'is-egress', 'cidr', 'owner-id', 'description');
  } else if (memberName === 'UserId' || memberName === 'SourceSecurityGroupOwnerId') plausible = fc.constantFrom('000000000000', '123456789012', 'amazon-elb');
  else if (memberName === 'Value' || memberName === 'Values') plausible = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('*', 'sg-*', 'tcp', 'true'));
  else plausible = ruleText;
  return fc.oneof({ weight: 6, arbitrary: plausible }, { weight: 1, arbitrary: nastyString });
}

/**
 * Indexes SDKs never send. `0` and huge ones up to 2147483647 are valid ordering keys (the first
 * four); the rest are refused with UnknownParameter (leading zeros, signs, beyond a Java int, not decimal).
 */
const strangeIndex = fc.constantFrom('0', '999999999', '2147483647', '1000000', '-1', '-0', '01', '00', '2147483648', '4294967297', '99999999999999999999999', '1.5', 'x', '', ' 1', '+1');

function valuePairs(prefix: string, memberName: string, shape: Shape, depth: number): fc.Arbitrary<Pair[]> {
  switch (shape.kind) {
    case 'string':
    case 'integer':
    case 'boolean':
    case 'timestamp':
      return scalarValue(memberName, shape.kind).map((value) => [[prefix, value] as const]);
    case 'structure':
      return structurePairs(prefix, shape, depth + 1);
    case 'list': {
      const item = (index: string) => valuePairs(`${prefix}.${index}`, memberName, shape.member, depth + 1);
      const maxItems = depth > 2 ? 2 : 3;
      // SDKs count from 1; Libcloud and fog count from 0, which EC2 takes too.
      const sequential = fc
        .tuple(fc.integer({ min: 1, max: maxItems }), fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(0) }))
        .chain(([n, base]) => fc.tuple(...Array.from({ length: n }, (_, i) => item(String(i + base)))))
        .map((items) => items.flat());
      const sparseOrStrange = fc
        .array(fc.oneof(fc.integer({ min: 0, max: 9 }).map(String), strangeIndex), { minLength: 1, maxLength: maxItems })
        .chain((indexes) => fc.tuple(...indexes.map(item)))
        .map((items) => items.flat());
      return fc.oneof(
        { weight: 8, arbitrary: sequential },
        { weight: 2, arbitrary: sparseOrStrange },
        { weight: 1, arbitrary: fc.constant<Pair[]>([[prefix, '']]) },
      );
    }
    default: {
      const never: never = shape;
      throw new Error(`unknown shape ${String(never)}`);
    }
  }
}

function structurePairs(prefix: string, shape: StructureShape, depth: number): fc.Arbitrary<Pair[]> {
  const members = Object.entries(shape.members).map(([name, member]) => {
    const key = prefix === '' ? wireName(name, member) : `${prefix}.${wireName(name, member)}`;
    // Deep structures get fewer members, so a request stays a request and not a tree of everything.
    return fc.option(valuePairs(key, name, member.shape, depth), { nil: undefined, freq: depth === 0 ? 2 : 3 });
  });
  return fc.tuple(...members).map((parts) => parts.flatMap((part) => part ?? []));
}

/** Changes a key the way a confused client might: case, member name for wire name, extra or missing index. */
const keyMutation: fc.Arbitrary<(key: string) => string> = fc.constantFrom(
  (key: string) => key.toLowerCase(),
  (key: string) => key.replace(/^Tag(Specification)?/, 'Tags'),
  (key: string) => key.replace(/Groups/, 'UserIdGroupPairs'),
  (key: string) => key.replace(/\.\d+\./, '.'),
  (key: string) => `${key}.1`,
  (key: string) => `${key}.`,
  (key: string) => `.${key}`,
  (key: string) => key.replace(/\./g, '..'),
  (key: string) => key.replace(/\d+/, '0'),
  (key: string) => `${key}[0]`,
);

/** Pairs for one operation's input: walked from its shape, with some keys mangled now and then. */
export function inputPairs(shape: StructureShape): fc.Arbitrary<Pair[]> {
  return fc
    .tuple(structurePairs('', shape, 0), fc.array(fc.tuple(fc.nat(), keyMutation), { maxLength: 2 }), fc.boolean())
    .map(([pairs, mutations, withMangling]) => {
      if (!withMangling || pairs.length === 0) return pairs;
      const out = [...pairs];
      for (const [at, mutate] of mutations) {
        const index = at % out.length;
        const [key, value] = out[index]!;
        out[index] = [mutate(key), value];
      }
      return out;
    });
}

/** Every key an operation accepts, with index 1 for each list: the pool random keys are drawn from. */
export function wireKeysOf(shape: StructureShape, prefix = ''): string[] {
  const keys: string[] = [];
  for (const [name, member] of Object.entries(shape.members)) {
    const key = prefix === '' ? wireName(name, member) : `${prefix}.${wireName(name, member)}`;
    keys.push(...keysOfShape(key, member.shape));
  }
  return keys;
}

function keysOfShape(key: string, shape: Shape): string[] {
  switch (shape.kind) {
    case 'structure':
      return wireKeysOf(shape, key);
    case 'list':
      return keysOfShape(`${key}.1`, shape.member);
    default:
      return [key];
  }
}
