/**
 * Filter values chosen to be expensive: many stars, runs of `?`, long segments, matched against
 * many long and repetitive names. Whatever the value, a test's work (the matcher's own count of
 * characters read, not a clock) stays linear in the name, the answer agrees with a plain reference
 * matcher, and a whole request either answers correctly or is refused with FilterLimitExceeded
 * once it reaches the bound, never running on past it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ec2Error } from '../../protocol/errors.js';
import { compileFilters, MAX_MATCH_STEPS, requestMeter } from '../../server/filters.js';
import { compileGlob, countingMeter, STEPS_PER_TEST, type WorkMeter } from '../../server/glob.js';
import { SECURITY_GROUP_FILTERS, SECURITY_GROUP_RULE_FILTERS, type GroupWithRules } from '../../server/security-groups/filters.js';
import type { GroupRecord, RuleRecord } from '../../store/records.js';
import { fuzzParameters } from './support.js';

/**
 * The reference: the textbook table of which prefix of the value matches which prefix of the text,
 * O(value × text) and obviously right. (A regular expression backtracks exponentially on these
 * values, so it cannot serve here.) Escapes are resolved first into tokens.
 */
function referenceMatches(value: string, text: string): boolean {
  const tokens: Array<{ star: true } | { star: false; char: string | undefined }> = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const next = value[i + 1];
    if (ch === '\\' && (next === '*' || next === '?' || next === '\\')) {
      tokens.push({ star: false, char: next });
      i++;
    } else if (ch === '*') tokens.push({ star: true });
    else tokens.push({ star: false, char: ch === '?' ? undefined : ch });
  }
  // row[j]: tokens so far match text[0, j).
  let row = new Array<boolean>(text.length + 1).fill(false);
  row[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(text.length + 1).fill(false);
    for (let j = 0; j <= text.length; j++) {
      if (token.star) next[j] = row[j]! || (j > 0 && next[j - 1]!);
      else next[j] = j > 0 && row[j - 1]! && (token.char === undefined || token.char === text[j - 1]);
    }
    row = next;
  }
  return row[text.length]!;
}

/**
 * The most one test may cost: its fixed charge, each character of the value once (the anchored
 * ends) plus a few steps per segment, and each character of the text read at most 9 times (a short
 * segment's comparisons) or once per word of the widest scan (a 32nd of a segment's length).
 */
function testBound(value: string, text: string): number {
  const widest = Math.ceil(Math.min(value.length, text.length) / 32);
  return STEPS_PER_TEST + 5 * (value.length + 1) + Math.max(9, widest) * text.length;
}

// Repetitive text is the worst case for every search; a rare letter makes some tests match.
const letter = fc.constantFrom('a', 'a', 'a', 'a', 'b');
const longName = fc.array(letter, { minLength: 200, maxLength: 255 }).map((chars) => chars.join(''));
const piece = fc.oneof(
  fc.constantFrom('*', '?', '\\*', '\\?', '\\\\', '\\'),
  fc.array(letter, { minLength: 1, maxLength: 40 }).map((chars) => chars.join('')),
  fc.array(fc.constantFrom('a?', '?a', 'a'), { minLength: 1, maxLength: 60 }).map((parts) => parts.join('')),
);
const pathologicalValue = fc.array(piece, { minLength: 1, maxLength: 30 }).map((pieces) => pieces.join(''));
/**
 * Values open at both ends, of runs the names are full of, so nothing turns a name away early; most
 * end in something no name has there, so each is searched through the whole name and fails.
 */
const costlyValue = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.integer({ min: 1, max: 60 }).map((n) => 'a'.repeat(n)),
        fc.integer({ min: 1, max: 60 }).map((n) => 'a?'.repeat(n)),
        fc.constantFrom('?', '*', 'b', 'c', '0'),
      ),
      { minLength: 1, maxLength: 12 },
    ),
    fc.constantFrom('', 'x', '1?a', 'x', '1?a'),
  )
  .map(([pieces, end]) => `*${pieces.join('')}${end}*`);
/** A request's values: any mix, or a hundred and more costly ones that mostly fail (the refusals). */
const requestValues = fc.oneof(
  fc.array(fc.oneof(costlyValue, pathologicalValue), { minLength: 1, maxLength: 200, size: 'max' }),
  fc.array(costlyValue, { minLength: 100, maxLength: 200 }),
);

describe('one value against long names', () => {
  it('agrees with the reference, and each test reads each character a bounded number of times', () => {
    fc.assert(
      fc.property(pathologicalValue, fc.array(longName, { minLength: 1, maxLength: 12 }), (value, names) => {
        const meter = countingMeter();
        const glob = compileGlob(value, meter);
        for (const name of names) {
          const before = meter.steps;
          expect([value, name, glob.test(name)]).toEqual([value, name, referenceMatches(value, name)]);
          expect(meter.steps - before).toBeLessThanOrEqual(testBound(value, name));
        }
      }),
      fuzzParameters(300),
    );
  });

  it('costs the same bound on texts built to match (every segment found, late)', () => {
    fc.assert(
      fc.property(pathologicalValue, fc.array(fc.constantFrom('', 'a', 'ab', 'aaaa'), { maxLength: 40 }), (value, fillers) => {
        let k = 0;
        const text = value.replace(/\\([*?\\])/g, '$1').replace(/[*?]/g, () => `${fillers[k++ % Math.max(fillers.length, 1)] ?? ''}`);
        const meter = countingMeter();
        expect(compileGlob(value, meter).test(text)).toBe(referenceMatches(value, text));
        expect(meter.steps).toBeLessThanOrEqual(testBound(value, text));
      }),
      fuzzParameters(300),
    );
  });
});

const group = (groupName: string, i: number): GroupWithRules => {
  const record: GroupRecord = {
    groupId: `sg-${i.toString(16).padStart(17, '0')}`,
    groupName,
    description: groupName,
    vpcId: 'vpc-00000000000000001',
    ownerId: '000000000000',
    isDefault: false,
    tags: [],
  };
  return { group: record, rules: [], groupNameOf: () => undefined };
};

/** Runs `select` and answers the matching names, or the FilterLimitExceeded it threw. */
function outcome(select: () => string[]): string[] | { code: string; message: string } {
  try {
    return select();
  } catch (error) {
    expect(error).toBeInstanceOf(Ec2Error);
    return { code: (error as Ec2Error).code, message: (error as Ec2Error).message };
  }
}
const REFUSED = { code: 'FilterLimitExceeded', message: 'The request uses too many filters or too many filter values.' };

describe('a request over 2,000 groups with 246-character names', () => {
  // Unique names, as a VPC's group names are: 5 digits, 240 letters, and a last letter that is `b`
  // for one group in a hundred.
  const names = Array.from({ length: 2000 }, (_, i) => `${String(i).padStart(5, '0')}${'a'.repeat(240)}${i % 100 === 0 ? 'b' : 'c'}`);
  const groups = names.map(group);

  it('answers the 40 values `*aaa…b` that once froze the server, with a small share of the bound', () => {
    const values = Array.from({ length: 40 }, (_, k) => `*${'a'.repeat(120 - k)}b`);
    const meter = countingMeter();
    const matches = compileFilters([{ Name: 'group-name', Values: values }], SECURITY_GROUP_FILTERS, meter);
    const answer = groups.filter(matches).map((g) => g.group.groupName);
    expect(answer).toEqual(names.filter((name) => name.endsWith('b')));
    expect(answer).toHaveLength(20);
    expect(meter.steps).toBeLessThan(MAX_MATCH_STEPS / 10);
  });

  it('answers every request of up to 200 costly values correctly, or refuses it at the bound', () => {
    const sample = [0, 1, 99, 100, 1234, 1999];
    fc.assert(
      fc.property(requestValues, fc.constantFrom('group-name', 'description'), (values, name) => {
        const meter = requestMeter();
        const result = outcome(() => {
          const matches = compileFilters([{ Name: name, Values: values }], SECURITY_GROUP_FILTERS, meter);
          return groups.filter(matches).map((g) => g.group.groupName);
        });
        // Refused within one test of the bound, or finished below it.
        const worstTest = Math.max(...values.map((value) => testBound(value, names[0]!)));
        expect(meter.steps).toBeLessThanOrEqual(MAX_MATCH_STEPS + worstTest);
        if (!Array.isArray(result)) {
          expect(result).toEqual(REFUSED);
          expect(meter.steps).toBeGreaterThan(MAX_MATCH_STEPS);
          return;
        }
        for (const i of sample) {
          const expected = values.some((value) => referenceMatches(value, names[i]!));
          expect([values, i, result.includes(names[i]!)]).toEqual([values, i, expected]);
        }
      }),
      fuzzParameters(16),
    );
  });

  it('refuses 200 values of runs of `?` that would each scan every name in full', () => {
    // Each value differs (its leading stars) so none is folded into another.
    const values = Array.from({ length: 200 }, (_, k) => `${'*'.repeat(k + 1)}${'a?'.repeat(120)}1?a*`);
    const meter = requestMeter();
    const result = outcome(() => groups.filter(compileFilters([{ Name: 'group-name', Values: values }], SECURITY_GROUP_FILTERS, meter)).map((g) => g.group.groupName));
    expect(result).toEqual(REFUSED);
    expect(meter.steps).toBeLessThanOrEqual(MAX_MATCH_STEPS + testBound(values[199]!, names[0]!));
  });
});

describe('DescribeSecurityGroupRules filters over 100,000 rules', () => {
  const rules: RuleRecord[] = Array.from({ length: 100_000 }, (_, i) => ({
    ruleId: `sgr-${(i * 7919).toString(16).padStart(17, '0')}`,
    groupId: `sg-${Math.floor(i / 100).toString(16).padStart(17, '0')}`,
    ownerId: '000000000000',
    direction: 'ingress',
    protocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    peer: { kind: 'ipv4', cidr: `10.${Math.floor(i / 100) % 250}.${i % 100}.0/24` },
    description: undefined,
    tags: [{ key: 'Name', value: `web-tier-${Math.floor(i / 100)}` }],
  }));
  const select = (filters: Array<{ Name: string; Values: string[] }>, meter: WorkMeter) =>
    outcome(() => rules.filter(compileFilters(filters, SECURITY_GROUP_RULE_FILTERS, meter)).map((r) => r.ruleId));

  it('answers tag and id filters with wildcards well within the bound', () => {
    const meter = requestMeter();
    const values = Array.from({ length: 10 }, (_, k) => `*tier-${k}5`);
    const answer = select([{ Name: 'tag:Name', Values: values }], meter);
    expect(answer).toEqual(rules.filter((r) => /-[0-9]5$/.test(r.tags[0]!.value)).map((r) => r.ruleId));
    const ids = select([{ Name: 'security-group-rule-id', Values: ['sgr-0000000000000*', '*?f'] }], meter);
    expect(ids).toEqual(rules.filter((r) => r.ruleId.startsWith('sgr-0000000000000') || r.ruleId.endsWith('f')).map((r) => r.ruleId));
    expect(meter.steps).toBeLessThan(MAX_MATCH_STEPS / 2);
  });

  it('refuses 200 wildcard values over every rule id at the bound, not after it', () => {
    const meter = requestMeter();
    const values = Array.from({ length: 200 }, (_, k) => `${'*'.repeat(k + 1)}z*`);
    expect(select([{ Name: 'security-group-rule-id', Values: values }], meter)).toEqual(REFUSED);
    expect(meter.steps).toBeLessThanOrEqual(MAX_MATCH_STEPS + testBound('*z*', rules[0]!.ruleId));
  });

  it('refuses 200 filters each tested against every rule', () => {
    const meter = requestMeter();
    const filters = Array.from({ length: 200 }, () => ({ Name: 'tag-key', Values: ['Name'] }));
    expect(select(filters, meter)).toEqual(REFUSED);
  });
});
