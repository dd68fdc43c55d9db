/**
 * Contract between our hand-written shape table and the EC2 (and STS) model the SDK ships, so the
 * table cannot drift from AWS. `@aws-sdk/client-ec2` exports its Smithy model at runtime as
 * "static schema" tuples (`ec2.DescribeVpcs$` is the operation, its input and output structures
 * hang off it); this file walks them next to OPERATION_SHAPES, member by member, recursively.
 *
 * AWS rule checked (Smithy `ec2Query` / botocore `EC2Serializer`, as `@aws-sdk/core`'s
 * QueryShapeSerializer and XmlShapeDeserializer implement it):
 * - request: a member's query name is its `ec2QueryName` trait, else its `xmlName` trait with the
 *   first letter upper-cased, else the member name — it must equal our `wireName()`. EC2 flattens
 *   every list as `Wire.N` (the `flattenLists` setting), which is what our parser reads, so list
 *   item names never reach the wire;
 * - response: a member's element is its `xmlName` trait, else the member name as it is (the SDK
 *   deserializer's fallback) — it must equal our `xmlName()`; a list is a container of entries whose
 *   element is the list member's `xmlName` (EC2 `item`, the one our writer emits), never flattened;
 * - in both directions the SDK structure has every member we declare (we declare a subset; what we
 *   leave out is not checked) and the kinds agree: string ↔ string/enum, integer ↔ numeric
 *   (integer/long), boolean ↔ boolean, timestamp ↔ timestamp, list ↔ list, structure ↔ structure.
 *
 * STS (`GetCallerIdentity`, plain `awsQuery`) is checked by the same walker under the plain Query
 * naming: query name `xmlName` else member name, lists `Wire.member.N` unless flattened, response
 * elements `xmlName` else member name (as xml-writer's QUERY_NAMING writes them), entries `member`.
 *
 * Where the model and we knowingly differ, KNOWN_DIFFERENCES says so with a reason, and a test
 * fails when an entry no longer matches a difference, so the list cannot rot.
 */
import * as ec2 from '@aws-sdk/client-ec2';
import * as sts from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { OPERATION_SHAPES, wireName, xmlName, type Member, type Shape, type StructureShape } from '../../protocol/shapes.js';
import { STS_OPERATION_SHAPES } from '../../protocol/sts-shapes.js';

// ---------------------------------------------------------------- reading the SDK's static schemas

/*
 * The encoding (@smithy/types `schema/static-schemas.d.ts` and `schema/sentinels.d.ts`,
 * @smithy/core `schema/schemas/NormalizedSchema.js`):
 *
 * - a schema reference is a number (a simple type), the string 'unit' (no shape), an array (a
 *   static schema), or a function returning one of those (a lazy reference, for recursion);
 * - a member schema is a 2-tuple `[ref, traits]`; it may also be a bare ref (no member traits);
 * - traits are an object (`{ ec2QueryName, xmlName, xmlFlattened, … }`) or a number, a bit set of
 *   HTTP-ish traits (httpLabel, idempotent, idempotencyToken, sensitive…) that never carry names;
 * - simple type numbers: 0 string (enums included), 1 numeric (byte…double, intEnum), 2 boolean,
 *   4–7 timestamp (default, date-time, http-date, epoch-seconds), 15 document, 17 bigInteger,
 *   19 bigDecimal, 21 blob, 42 streaming blob; `64 | x` is a list of simple type x, `128 | x` a map;
 * - static schemas are tuples `[id, namespace, name, traits, …]` with id 0 a named simple type
 *   `[0, ns, name, traits, ref]`, 1 a list `[1, ns, name, traits, memberRef]`, 2 a map
 *   `[2, ns, name, traits, keyRef, valueRef]`, 3 a structure (-3 an error)
 *   `[3, ns, name, traits, memberNames[], memberRefs[]]`, 4 a union (same layout), 9 an operation
 *   `[9, ns, name, traits, inputRef, outputRef]`.
 */

type SdkKind =
  | 'string'
  | 'numeric'
  | 'boolean'
  | 'timestamp'
  | 'list'
  | 'map'
  | 'structure'
  | 'union'
  | 'document'
  | 'big number'
  | 'blob'
  | 'unit';

type Traits = Readonly<Record<string, unknown>>;

/** One resolved SDK schema, as seen through one member (its member traits kept apart). */
interface SdkNode {
  readonly kind: SdkKind;
  /** `Namespace#Name` for static schemas, for messages. */
  readonly name: string;
  /** Traits on the member that points here (`xmlName`, `ec2QueryName`…). */
  readonly memberTraits: Traits;
  /** The target shape's own traits (`xmlFlattened` on a list, for instance). */
  readonly ownTraits: Traits;
  /** Structures and unions: member name → its (unresolved) member schema. */
  readonly members?: ReadonlyMap<string, unknown>;
  /** Lists: the (unresolved) member schema of the items. */
  readonly item?: unknown;
}

/** Number traits are a bit set of HTTP-ish traits that carry no names; only objects matter here. */
const traitsOf = (indicator: unknown): Traits =>
  typeof indicator === 'object' && indicator !== null ? (indicator as Traits) : {};

const deref = (ref: unknown): unknown => (typeof ref === 'function' ? (ref as () => unknown)() : ref);

/** A 2-tuple is a member schema `[ref, traits]`; any static schema has at least 5 entries. */
const isMemberTuple = (ref: unknown): ref is readonly [unknown, unknown] => Array.isArray(ref) && ref.length === 2;

const SIMPLE_KINDS: Readonly<Record<number, SdkKind>> = {
  0: 'string',
  1: 'numeric',
  2: 'boolean',
  4: 'timestamp',
  5: 'timestamp',
  6: 'timestamp',
  7: 'timestamp',
  15: 'document',
  17: 'big number',
  19: 'big number',
  21: 'blob',
  42: 'blob',
};

/** Resolves a member schema (or a bare ref) into a node, keeping member and target traits apart. */
function resolve(ref: unknown): SdkNode {
  // Member tuples may nest; the outer traits win, as in NormalizedSchema.
  let memberTraits: Traits = {};
  let target = ref;
  while (isMemberTuple(target)) {
    memberTraits = { ...traitsOf(target[1]), ...memberTraits };
    target = target[0];
  }
  let schema = deref(target);
  let ownTraits: Traits = {};
  let name = '';
  // A named simple type wraps the real one: `[0, ns, name, traits, ref]`.
  while (Array.isArray(schema) && schema[0] === 0) {
    ownTraits = { ...traitsOf(schema[3]), ...ownTraits };
    name ||= `${String(schema[1])}#${String(schema[2])}`;
    schema = deref(schema[4]);
  }
  const base = { memberTraits, ownTraits, name: name || String(schema) };
  if (schema === 'unit') return { ...base, kind: 'unit' };
  if (typeof schema === 'number') {
    if (schema >= 64 && schema < 128) return { ...base, kind: 'list', item: schema & 0b0011_1111 };
    if (schema >= 128 && schema <= 255) return { ...base, kind: 'map' };
    const kind = SIMPLE_KINDS[schema];
    if (kind === undefined) throw new Error(`unknown simple schema ${schema}`);
    return { ...base, kind };
  }
  if (!Array.isArray(schema) || schema.length < 5) throw new Error(`not a schema: ${JSON.stringify(schema)}`);
  const [id, namespace, shapeName, traits] = schema as [number, string, string, unknown];
  const node = { ...base, ownTraits: { ...traitsOf(traits), ...ownTraits }, name: name || `${namespace}#${shapeName}` };
  switch (id) {
    case 1:
      return { ...node, kind: 'list', item: schema[4] };
    case 2:
      return { ...node, kind: 'map' };
    case 3:
    case -3:
    case 4: {
      const names = schema[4] as readonly string[];
      const refs = schema[5] as readonly unknown[];
      return {
        ...node,
        kind: id === 4 ? 'union' : 'structure',
        members: new Map(names.map((memberName, i) => [memberName, refs[i]])),
      };
    }
    default:
      throw new Error(`unexpected static schema id ${id} (${node.name})`);
  }
}

/** An operation's input and output, from the exported operation schema `[9, ns, name, traits, in, out]`. */
function sdkOperation(client: Readonly<Record<string, unknown>>, operation: string): { input: SdkNode; output: SdkNode } {
  const schema = client[`${operation}$`];
  if (!Array.isArray(schema) || schema[0] !== 9) throw new Error(`the SDK exports no operation schema ${operation}$`);
  return { input: resolve(schema[4]), output: resolve(schema[5]) };
}

// ---------------------------------------------------------------- the two protocols' naming rules

interface Protocol {
  readonly client: Readonly<Record<string, unknown>>;
  /** The query-string name the SDK's serializer sends for a structure member (merged traits). */
  readonly sdkWire: (memberName: string, node: SdkNode) => string;
  /** Whether the SDK sends a list as `Wire.N` (what our parser reads) rather than `Wire.member.N`. */
  readonly sdkFlatInputList: (node: SdkNode) => boolean;
  /** Our request name for a member. */
  readonly ourWire: (memberName: string, member: Member) => string;
  /** Our response element for a member. */
  readonly ourElement: (memberName: string, member: Member) => string;
  /** The list entry element our writer emits. */
  readonly ourEntry: string;
}

const merged = (node: SdkNode): Traits => ({ ...node.ownTraits, ...node.memberTraits });
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const EC2: Protocol = {
  client: ec2 as unknown as Readonly<Record<string, unknown>>,
  // QueryShapeSerializer.getKey with { ec2: true, capitalizeKeys: true }, key source "struct".
  sdkWire: (memberName, node) => {
    const traits = merged(node);
    return str(traits['ec2QueryName']) ?? upperFirst(str(traits['xmlName']) ?? memberName);
  },
  // AwsEc2QueryProtocol sets flattenLists: every list is `Wire.N`.
  sdkFlatInputList: () => true,
  ourWire: wireName,
  ourElement: xmlName,
  ourEntry: 'item',
};

const STS: Protocol = {
  client: sts as unknown as Readonly<Record<string, unknown>>,
  // QueryShapeSerializer.getKey with plain Query settings: no ec2QueryName, no capitalizing.
  sdkWire: (memberName, node) => str(merged(node)['xmlName']) ?? memberName,
  sdkFlatInputList: (node) => merged(node)['xmlFlattened'] === true,
  ourWire: wireName,
  // xml-writer's QUERY_NAMING.
  ourElement: (memberName, member) => member.xml ?? memberName,
  ourEntry: 'member',
};

// ---------------------------------------------------------------- the walk

/** Our kinds → the SDK kind each must be. Keyed by string so a kind added later (timestamp) maps. */
const KIND_MATCH: Readonly<Record<string, SdkKind>> = {
  string: 'string',
  integer: 'numeric',
  boolean: 'boolean',
  timestamp: 'timestamp',
  list: 'list',
  structure: 'structure',
};

interface Finding {
  /** `Operation.input|output.Member[].Member…` — the key KNOWN_DIFFERENCES uses. */
  readonly path: string;
  readonly message: string;
}

interface WalkResult {
  readonly findings: Finding[];
  /** How many of our members were compared (so a test never passes by comparing nothing). */
  checked: number;
}

type Direction = 'input' | 'output';

/** Compares one of our shapes with the SDK node at the same place; recurses into lists and structures. */
function compareShape(ours: Shape, sdk: SdkNode, path: string, direction: Direction, protocol: Protocol, out: WalkResult): void {
  const want = KIND_MATCH[ours.kind];
  if (want === undefined) {
    out.findings.push({ path, message: `our kind '${ours.kind}' has no SDK counterpart in KIND_MATCH` });
    return;
  }
  if (sdk.kind !== want) {
    out.findings.push({ path, message: `kind: ours '${ours.kind}', SDK '${sdk.kind}' (${sdk.name})` });
    return;
  }
  if (ours.kind === 'list') {
    const item = resolve(sdk.item);
    if (direction === 'input') {
      if (!protocol.sdkFlatInputList(sdk)) {
        out.findings.push({ path, message: `the SDK sends this list as Wire.member.N; our parser reads Wire.N` });
      }
    } else {
      // XmlShapeDeserializer reads a non-flattened list's entries under the item member's xmlName ?? "member".
      if (merged(sdk)['xmlFlattened'] === true) {
        out.findings.push({ path, message: `the SDK reads this list flattened; our writer wraps entries` });
      }
      const entry = str(merged(item)['xmlName']) ?? 'member';
      if (entry !== protocol.ourEntry) {
        out.findings.push({ path, message: `list entry element: ours <${protocol.ourEntry}>, SDK <${entry}>` });
      }
    }
    compareShape(ours.member, item, `${path}[]`, direction, protocol, out);
  } else if (ours.kind === 'structure') {
    compareStructure(ours, sdk, path, direction, protocol, out);
  }
}

function compareStructure(
  ours: StructureShape,
  sdk: SdkNode,
  path: string,
  direction: Direction,
  protocol: Protocol,
  out: WalkResult,
): void {
  for (const [memberName, member] of Object.entries(ours.members)) {
    const memberPath = `${path}.${memberName}`;
    out.checked += 1;
    if (sdk.kind === 'unit') {
      out.findings.push({ path: memberPath, message: `the model has no ${direction} shape` });
      continue;
    }
    const ref = sdk.members?.get(memberName);
    if (sdk.members === undefined || ref === undefined) {
      out.findings.push({ path: memberPath, message: `the SDK's ${sdk.name} has no member ${memberName}` });
      continue;
    }
    const node = resolve(ref);
    if (direction === 'input') {
      const sdkWire = protocol.sdkWire(memberName, node);
      const ourWire = protocol.ourWire(memberName, member);
      if (ourWire !== sdkWire) {
        out.findings.push({ path: memberPath, message: `query name: ours '${ourWire}', SDK sends '${sdkWire}'` });
      }
    } else {
      // XmlShapeDeserializer: the member's own xmlName trait, else the member name as it is.
      const sdkElement = str(node.memberTraits['xmlName']) ?? memberName;
      const ourElement = protocol.ourElement(memberName, member);
      if (ourElement !== sdkElement) {
        out.findings.push({ path: memberPath, message: `element: ours <${ourElement}>, SDK reads <${sdkElement}>` });
      }
    }
    compareShape(member.shape, node, memberPath, direction, protocol, out);
  }
}

function walkOperation(
  table: Readonly<Record<string, { readonly input: StructureShape; readonly output: StructureShape }>>,
  protocol: Protocol,
  operation: string,
  direction: Direction,
): WalkResult {
  const ours = table[operation];
  if (ours === undefined) throw new Error(`no shapes for ${operation}`);
  const out: WalkResult = { findings: [], checked: 0 };
  const sdk = sdkOperation(protocol.client, operation)[direction];
  const path = `${operation}.${direction}`;
  if (sdk.kind !== 'structure' && sdk.kind !== 'unit') {
    out.findings.push({ path, message: `the SDK's ${direction} is a ${sdk.kind}, not a structure` });
    return out;
  }
  compareStructure(ours[direction], sdk, path, direction, protocol, out);
  return out;
}

// ---------------------------------------------------------------- known, deliberate differences

/**
 * Paths (see Finding.path) where we knowingly differ from the model, each with its reason. Every
 * finding at a listed path is accepted; every entry must still match at least one finding.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  // The model gives these operations no output (unit), but EC2 answers `<return>true</return>` as
  // the API reference documents; we write it, the SDK ignores it.
  'DeleteVpc.output.Return': 'the model has no output shape; the API reference documents <return>',
  'CreateTags.output.Return': 'the model has no output shape; the API reference documents <return>',
  'DeleteTags.output.Return': 'the model has no output shape; the API reference documents <return>',
  'ModifyVpcAttribute.output.Return': 'the model has no output shape; the API reference documents <return>',
  'DeleteSubnet.output.Return': 'the model has no output shape; the API reference documents <return>',
  'DeleteNetworkInterface.output.Return': 'the model has no output shape; the API reference documents <return>',
  'ModifyNetworkInterfaceAttribute.output.Return': 'the model has no output shape; the API reference documents <return>',
  // The model's CreateSecurityGroupResult has GroupId, Tags and SecurityGroupArn only, but the API
  // reference's sample answer starts with <return>true</return> and clients (Perl's Net::Amazon::EC2)
  // treat an answer without it as a failure; we write it, the SDK ignores it.
  'CreateSecurityGroup.output.Return': 'the model lacks it; the API reference sample answer carries <return>true</return>',
};

const isKnown = (finding: Finding): boolean => Object.hasOwn(KNOWN_DIFFERENCES, finding.path);

// ---------------------------------------------------------------- the tests

interface Suite {
  readonly label: string;
  readonly table: Readonly<Record<string, { readonly input: StructureShape; readonly output: StructureShape }>>;
  readonly protocol: Protocol;
}

const SUITES: readonly Suite[] = [
  { label: 'EC2 (ec2Query)', table: OPERATION_SHAPES, protocol: EC2 },
  { label: 'STS (awsQuery)', table: STS_OPERATION_SHAPES, protocol: STS },
];

const allFindings = (): Finding[] =>
  SUITES.flatMap(({ table, protocol }) =>
    Object.keys(table).flatMap((operation) =>
      (['input', 'output'] as const).flatMap((direction) => walkOperation(table, protocol, operation, direction).findings),
    ),
  );

for (const { label, table, protocol } of SUITES) {
  const operations = Object.keys(table);

  describe(`${label}: our shapes agree with the SDK model`, () => {
    it('the SDK exports an operation schema with structure (or unit) input and output for every operation', () => {
      expect(operations.length).toBeGreaterThan(0);
      for (const operation of operations) {
        const { input, output } = sdkOperation(protocol.client, operation);
        expect(input.kind, `${operation} input`).toBe('structure');
        expect(['structure', 'unit'], `${operation} output`).toContain(output.kind);
      }
    });

    describe.each(['input', 'output'] as const)('%s', (direction) => {
      it.each(operations)('%s', (operation) => {
        const result = walkOperation(table, protocol, operation, direction);
        const unexpected = result.findings.filter((finding) => !isKnown(finding));
        expect(unexpected).toEqual([]);
        // Every member we declare was looked at (structures with no members, like
        // GetCallerIdentity's input, compare only the operation's existence above).
        expect(result.checked).toBeGreaterThanOrEqual(Object.keys(table[operation]?.[direction].members ?? {}).length);
      });
    });
  });
}

describe('the walker itself', () => {
  it('reads the SDK encoding as documented: names, renames, kinds, lazy list refs', () => {
    const { input, output } = sdkOperation(EC2.client, 'DescribeSecurityGroups');
    const groupIds = resolve(input.members?.get('GroupIds'));
    expect(groupIds.kind).toBe('list');
    expect(EC2.sdkWire('GroupIds', groupIds)).toBe('GroupId'); // xmlName "GroupId", no ec2QueryName
    expect(EC2.sdkWire('DryRun', resolve(input.members?.get('DryRun')))).toBe('DryRun');
    expect(resolve(input.members?.get('MaxResults')).kind).toBe('numeric');
    expect(resolve(input.members?.get('NextToken')).kind).toBe('string');
    const groups = resolve(output.members?.get('SecurityGroups'));
    expect(groups.memberTraits['xmlName']).toBe('securityGroupInfo');
    const group = resolve(groups.item);
    expect(group.kind).toBe('structure');
    expect(group.memberTraits['xmlName']).toBe('item');
    expect(resolve(group.members?.get('IpPermissions')).kind).toBe('list');
    expect(sdkOperation(EC2.client, 'DeleteVpc').output.kind).toBe('unit');
  });

  it('reports a wrong wire name, a wrong element, a wrong kind and an unknown member', () => {
    const table = {
      DescribeVpcs: {
        input: {
          kind: 'structure',
          members: { VpcIds: { shape: { kind: 'list', member: { kind: 'string' } } }, Bogus: { shape: { kind: 'string' } } },
        },
        output: {
          kind: 'structure',
          members: { Vpcs: { shape: { kind: 'list', member: { kind: 'string' } }, xml: 'vpcs' } },
        },
      },
    } as const satisfies Record<string, { input: StructureShape; output: StructureShape }>;
    const input = walkOperation(table, EC2, 'DescribeVpcs', 'input').findings.map((f) => f.path);
    const output = walkOperation(table, EC2, 'DescribeVpcs', 'output').findings.map((f) => f.path);
    expect(input).toEqual(['DescribeVpcs.input.VpcIds', 'DescribeVpcs.input.Bogus']);
    expect(output).toEqual(['DescribeVpcs.output.Vpcs', 'DescribeVpcs.output.Vpcs[]']);
  });
});

describe('known differences', () => {
  const findings = allFindings();

  it.each(Object.entries(KNOWN_DIFFERENCES))('%s is still needed (%s)', (path) => {
    expect(findings.filter((finding) => finding.path === path)).not.toEqual([]);
  });
});
