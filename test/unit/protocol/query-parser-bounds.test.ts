/**
 * The query parser's bound on key depth: a key is cut into at most MAX_KEY_SEGMENTS segments
 * before anything is built, so a body made of one key of a million dots costs a few tree nodes,
 * and any key deeper than every shape still answers EC2's `UnknownParameter`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyTree, MAX_KEY_SEGMENTS, parseQueryInput, type KeyNode } from '../../../protocol/query-parser.js';
import { OPERATION_SHAPES, wireName, type Shape, type StructureShape } from '../../../protocol/shapes.js';
import { STS_OPERATION_SHAPES } from '../../../protocol/sts-shapes.js';
import { thrownEc2Error } from '../../helpers/errors.js';

/** The wire key with the most segments an input shape takes (a list index counts as one). */
function deepestKey(shape: Shape, path: readonly string[] = [], open: ReadonlySet<Shape> = new Set()): string[] {
  if (shape.kind === 'list') return deepestKey(shape.member, [...path, '1'], open);
  if (shape.kind !== 'structure') return [...path];
  // A shape that contains itself would make every depth legal: none may exist.
  expect(open.has(shape), `recursive shape at ${path.join('.')}`).toBe(false);
  let deepest = [...path];
  for (const [name, member] of Object.entries(shape.members)) {
    const candidate = deepestKey(member.shape, [...path, wireName(name, member)], new Set([...open, shape]));
    if (candidate.length > deepest.length) deepest = candidate;
  }
  return deepest;
}

/** Nodes below `node` and the depth of the deepest one. */
function measure(node: KeyNode): { nodes: number; depth: number } {
  let nodes = 0;
  let depth = 0;
  for (const child of node.children?.values() ?? []) {
    const below = measure(child);
    nodes += 1 + below.nodes;
    depth = Math.max(depth, 1 + below.depth);
  }
  return { nodes, depth };
}

const egress = OPERATION_SHAPES.AuthorizeSecurityGroupEgress.input;
const MILLION_DOTS = '.'.repeat(1_000_000);

describe('MAX_KEY_SEGMENTS', () => {
  it('is deep enough for every key of every operation we serve', () => {
    const inputs: Array<[string, StructureShape]> = [
      ...Object.entries(OPERATION_SHAPES).map(([name, shapes]) => [name, shapes.input] as [string, StructureShape]),
      ...Object.entries(STS_OPERATION_SHAPES).map(([name, shapes]) => [name, shapes.input as StructureShape] as [string, StructureShape]),
    ];
    const deepest = inputs
      .map(([operation, input]) => ({ operation, key: deepestKey(input) }))
      .reduce((a, b) => (b.key.length > a.key.length ? b : a));
    expect(deepest.key.length).toBe(5); // e.g. IpPermissions.1.Groups.1.GroupId
    expect(deepest.key.length).toBeLessThanOrEqual(MAX_KEY_SEGMENTS);
  });

  it('still reads the deepest keys in full', () => {
    const input = parseQueryInput(
      [
        ['GroupId', 'sg-0123456789abcdef0'],
        ['IpPermissions.1.IpProtocol', 'tcp'],
        ['IpPermissions.1.Groups.1.GroupId', 'sg-0fedcba9876543210'],
        ['TagSpecification.1.ResourceType', 'security-group-rule'],
        ['TagSpecification.1.Tag.1.Key', 'team'],
      ],
      egress,
    ) as Record<string, any>;
    expect(input.IpPermissions[0].UserIdGroupPairs[0].GroupId).toBe('sg-0fedcba9876543210');
    expect(input.TagSpecifications[0].Tags[0].Key).toBe('team');
  });
});

describe('keyTree never splits a key beyond the bound', () => {
  it('builds MAX_KEY_SEGMENTS nodes for a key of a million dots, the last holding the rest', () => {
    const root = keyTree([[MILLION_DOTS, 'x']]);
    expect(measure(root)).toEqual({ nodes: MAX_KEY_SEGMENTS, depth: MAX_KEY_SEGMENTS });
    let node = root;
    while (node.children) node = node.children.values().next().value as KeyNode;
    expect(node.key).toBe(MILLION_DOTS);
    expect(node.value).toBe('x');
  });

  it('holds for any key: no deeper than the bound, at most that many nodes per key', () => {
    const segment = fc.oneof(fc.constantFrom('', '1', 'IpPermissions', 'Groups', 'GroupId'), fc.string({ maxLength: 4 }));
    const key = fc.array(segment, { minLength: 1, maxLength: 40 }).map((segments) => segments.join('.'));
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 10 }), (keys) => {
        const { nodes, depth } = measure(keyTree(keys.map((k) => [k, 'v'] as [string, string])));
        expect(depth).toBeLessThanOrEqual(MAX_KEY_SEGMENTS);
        expect(nodes).toBeLessThanOrEqual(keys.length * MAX_KEY_SEGMENTS);
      }),
    );
  });

  it('splits keys within the bound at every dot, as before', () => {
    const key = Array.from({ length: MAX_KEY_SEGMENTS }, (_, i) => `s${i}`).join('.');
    expect(measure(keyTree([[key, 'v']])).depth).toBe(MAX_KEY_SEGMENTS);
  });
});

describe('a key deeper than the bound', () => {
  it('is UnknownParameter naming the key as sent', () => {
    expect(thrownEc2Error(() => parseQueryInput([[MILLION_DOTS, 'x']], egress))).toEqual({
      code: 'UnknownParameter',
      message: `The parameter ${MILLION_DOTS} is not recognized`,
    });
    const deep = 'IpPermissions.1.Groups.1.GroupId.a.b.c.d';
    expect(thrownEc2Error(() => parseQueryInput([['GroupId', 'sg-1'], [deep, 'x']], egress))).toEqual({
      code: 'UnknownParameter',
      message: `The parameter ${deep} is not recognized`,
    });
  });

  it('does not jump ahead of an unknown key sent before it', () => {
    expect(thrownEc2Error(() => parseQueryInput([['CidrIp', '10.0.0.0/8'], ['a.b.c.d.e.f.g.h', 'x']], egress))).toEqual({
      code: 'UnknownParameter',
      message: 'The parameter CidrIp is not recognized',
    });
  });
});
