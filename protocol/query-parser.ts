/**
 * Reads an EC2 Query request (form fields) into a typed input object by walking the shape table.
 *
 * AWS rule (EC2 query protocol): `Name.Sub.N.Field=value` with flattened list indexes and wire
 * names from `shapes.ts`; booleans are `true`/`false`, integers decimal. EC2 rejects any parameter
 * it does not know with `UnknownParameter: The parameter X is not recognized`. SDKs number list
 * items 1, 2, 3…, but EC2 reads an index as an ordering key, not a position: `ResourceId.0`,
 * `Tag.0.Key` (Apache Libcloud's CreateTags since 2011) and gapped indexes (`.1`, `.3`) are taken,
 * items in ascending index order (aws-reference §4.1, M).
 *
 * How we read it: the keys are first folded into a tree (one node per dotted segment), so a sparse
 * or huge index such as `IpPermissions.999999999` costs one map entry, never an array of that size;
 * a list costs one sort of the indexes it was sent. An index is `0` or a decimal without leading
 * zeros up to 2147483647 (a Java int, what a Java service reads it into); anything else (`01`, `-1`,
 * `+1`, `1e3`, 2147483648 and beyond) is `UnknownParameter` naming the full key. With no leading
 * zeros each index has one spelling, so a repeated index is a repeated key: it keeps its first
 * value, as a Java servlet's getParameter does for any key sent twice.
 *
 * No EC2 key is more than a handful of segments deep (the deepest, `IpPermissions.N.Groups.N.GroupId`,
 * has five), so a key is cut into at most MAX_KEY_SEGMENTS segments: the last one keeps the rest of a
 * deeper key, dots and all, which no shape has, so the key reads as `UnknownParameter` naming it in
 * full, like any other unknown key. A key of a million dots thus costs a few nodes, not a million.
 */
import { Ec2Error, ec2Error, invalidValue } from './errors.js';
import { wireName, type ListShape, type Shape, type StructureShape } from './shapes.js';

export interface KeyNode {
  /** The dotted key as sent, for error messages. */
  readonly key: string;
  value?: string;
  children?: Map<string, KeyNode>;
}

/** Parameters that belong to the envelope or to signing, not to any operation's input. */
const ENVELOPE_PARAMETERS = new Set([
  'Action',
  'Version',
  'AWSAccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'Timestamp',
  'Expires',
  'SecurityToken',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
]);

export function isEnvelopeParameter(key: string): boolean {
  return ENVELOPE_PARAMETERS.has(key);
}

export function parseQueryInput(params: Iterable<[string, string]>, shape: StructureShape): Record<string, unknown> {
  return readStructure(keyTree(params), shape);
}

/**
 * Segments a key is cut into at most; the last keeps the rest of a deeper key. Above the deepest
 * key of any shape (five; test/unit/protocol/query-parser-bounds.test.ts checks it).
 */
export const MAX_KEY_SEGMENTS = 6;

/** The keys folded into a tree, one node per segment (exported for the bounds test). */
export function keyTree(params: Iterable<[string, string]>): KeyNode {
  const root: KeyNode = { key: '' };
  for (const [key, value] of params) {
    if (ENVELOPE_PARAMETERS.has(key)) continue;
    insertKey(root, key, value);
  }
  return root;
}

function insertKey(root: KeyNode, key: string, value: string): void {
  let node = root;
  let start = 0;
  for (let depth = 1; ; depth++) {
    // Past the bound the remainder is not searched for dots at all: one segment, one node.
    const dot = depth >= MAX_KEY_SEGMENTS ? -1 : key.indexOf('.', start);
    const segment = dot === -1 ? key.slice(start) : key.slice(start, dot);
    const path = dot === -1 ? key : key.slice(0, dot);
    node.children ??= new Map();
    let child = node.children.get(segment);
    if (!child) {
      child = { key: path };
      node.children.set(segment, child);
    }
    node = child;
    if (dot === -1) break;
    start = dot + 1;
  }
  if (node.value === undefined) node.value = value;
}

const wireMaps = new WeakMap<StructureShape, Map<string, string>>();
function membersByWireName(shape: StructureShape): Map<string, string> {
  let map = wireMaps.get(shape);
  if (!map) {
    map = new Map(Object.entries(shape.members).map(([name, member]) => [wireName(name, member), name]));
    wireMaps.set(shape, map);
  }
  return map;
}

function readStructure(node: KeyNode, shape: StructureShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (node.value !== undefined && node.key !== '' && node.value !== '') throw unknownParameter(node);
  if (!node.children) return out;
  const byWire = membersByWireName(shape);
  for (const [segment, child] of node.children) {
    const memberName = byWire.get(segment);
    if (memberName === undefined) throw unknownParameter(child);
    const value = readValue(child, shape.members[memberName]!.shape);
    if (value !== undefined) out[memberName] = value;
  }
  return out;
}

function readValue(node: KeyNode, shape: Shape): unknown {
  switch (shape.kind) {
    case 'structure':
      return readStructure(node, shape);
    case 'list':
      return readList(node, shape);
    case 'string':
    case 'integer':
    case 'boolean':
    case 'timestamp':
      if (node.children) throw unknownParameter(firstLeaf(node));
      return readScalar(node, shape.kind);
    default: {
      const never: never = shape;
      throw new Error(`unknown shape ${String(never)}`);
    }
  }
}

function readList(node: KeyNode, shape: ListShape): unknown[] {
  // An empty list may arrive as `Name=` (older SDK serializers); anything else must be indexed.
  if (node.value !== undefined && node.value !== '') throw unknownParameter(node);
  if (!node.children) return [];
  const entries: Array<[number, KeyNode]> = [];
  for (const [segment, child] of node.children) {
    // At most 10 digits are converted, so no index costs more than its own key did to read.
    const index = LIST_INDEX.test(segment) ? Number(segment) : NaN;
    if (!(index <= MAX_LIST_INDEX)) throw unknownParameter(child);
    entries.push([index, child]);
  }
  // Ordering keys, not positions: `.0` comes first, gaps are closed, nothing is allocated per index value.
  entries.sort(([a], [b]) => a - b);
  return entries.map(([, child]) => readValue(child, shape.member));
}

/** `0`, or a decimal of up to 10 digits without a leading zero (so every index has one spelling). */
const LIST_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;
/** The largest index taken: 2^31 - 1, a Java int. */
const MAX_LIST_INDEX = 2147483647;

function readScalar(node: KeyNode, kind: 'string' | 'integer' | 'boolean' | 'timestamp'): unknown {
  const raw = node.value ?? '';
  if (kind === 'timestamp') {
    // SDKs send ISO 8601 (`2026-01-01T00:00:00Z`); epoch seconds are not a form EC2 takes.
    const parts = ISO_TIMESTAMP.exec(raw);
    // Without a zone designator it is UTC, never the server's local time (Date.parse's reading).
    let time = parts ? Date.parse(parts[4] ? raw : `${raw}Z`) : NaN;
    // A day the month does not have (02-30) is refused, not rolled over into the next month.
    if (parts && new Date(Date.UTC(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]))).getUTCDate() !== Number(parts[3])) {
      time = NaN;
    }
    if (Number.isNaN(time)) throw invalidValue(`Invalid value '${raw}' for ${parameterLabel(node.key)}. Expected a timestamp.`);
    return new Date(time);
  }
  if (kind === 'string') {
    // Every string may come back in an XML answer; one XML 1.0 cannot carry is refused here,
    // before anything is stored (AWS's own answer for these is not documented).
    const unwritable = NOT_XML_CHARACTER.exec(raw);
    if (unwritable) {
      const codePoint = unwritable[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      throw invalidValue(`Value for parameter ${node.key} is invalid. The character U+${codePoint} is not allowed.`);
    }
    return raw;
  }
  if (kind === 'boolean') {
    const lower = raw.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw invalidValue(`Invalid value '${raw}' for ${parameterLabel(node.key)}. Expected a boolean.`);
  }
  if (/^[+-]?[0-9]{1,10}$/.test(raw)) {
    const n = Number(raw);
    if (n >= -2147483648 && n <= 2147483647) return n;
  }
  throw invalidValue(`Invalid value '${raw}' for ${parameterLabel(node.key)}. Expected an integer.`);
}

/** `YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]`; groups: year, month, day, zone. */
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Outside XML 1.0's `Char` production: C0 controls other than tab/LF/CR, lone surrogates, U+FFFE, U+FFFF. */
const NOT_XML_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** `IpPermissions.1.FromPort` is reported by its last segment in lower camel case, as EC2 names fields. */
function parameterLabel(key: string): string {
  const last = key.slice(key.lastIndexOf('.') + 1);
  return last.charAt(0).toLowerCase() + last.slice(1);
}

function firstLeaf(node: KeyNode): KeyNode {
  let current = node;
  while (current.children && current.value === undefined) {
    const next = current.children.values().next().value as KeyNode;
    current = next;
  }
  return current;
}

function unknownParameter(node: KeyNode): Ec2Error {
  return ec2Error('UnknownParameter', firstLeaf(node).key);
}
