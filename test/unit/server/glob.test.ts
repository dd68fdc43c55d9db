/**
 * Filter values as patterns (server/glob.ts): `*`, `?`, the backslash escapes, and the matcher
 * checked against a plain regular-expression reference on random values and texts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, countingMeter, STEPS_PER_TEST, type WorkMeter } from '../../../server/glob.js';

const matches = (value: string, text: string): boolean => compileGlob(value).test(text);
const matching = (value: string, texts: readonly string[]): string[] => texts.filter((text) => compileGlob(value).test(text));

/**
 * The reference: the value as a regular expression, written independently of the matcher. Without
 * the `u` flag `[\s\S]` is one UTF-16 code unit, as `?` is. Backtracking makes it slow on long
 * inputs with many stars, so it is only used on short ones.
 */
function reference(value: string): RegExp {
  let source = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const next = value[i + 1];
    if (ch === '\\' && (next === '*' || next === '?' || next === '\\')) {
      source += escapeRegExp(next);
      i++;
    } else if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^(?:${source})$`);
}
const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => `\\${c}`);

describe('values without wildcards', () => {
  it('match exactly and case-sensitively', () => {
    expect(matching('web', ['web', 'Web', 'WEB', 'web ', 'webs', ''])).toEqual(['web']);
    expect(matching('', ['', 'a'])).toEqual(['']);
  });

  it('report the one text they match, escapes resolved', () => {
    expect(compileGlob('web').literal).toBe('web');
    expect(compileGlob('a\\*b').literal).toBe('a*b');
    expect(compileGlob('a\\?b\\\\c').literal).toBe('a?b\\c');
    expect(compileGlob('a*b').literal).toBeUndefined();
    expect(compileGlob('a?b').literal).toBeUndefined();
  });
});

describe('* and ?', () => {
  it('* matches any run of characters, including none, anywhere in the value', () => {
    const texts = ['web-1', 'web-2', 'db', 'a.b', 'web', ''];
    expect(matching('web*', texts)).toEqual(['web-1', 'web-2', 'web']);
    expect(matching('*b', texts)).toEqual(['db', 'a.b', 'web']);
    expect(matching('*', texts)).toEqual(texts);
    expect(matching('**', texts)).toEqual(texts);
    expect(matching('w*-*', texts)).toEqual(['web-1', 'web-2']);
    expect(matching('*e*', texts)).toEqual(['web-1', 'web-2', 'web']);
  });

  it('? matches exactly one UTF-16 code unit', () => {
    expect(matching('web-?', ['web-1', 'web-', 'web-12'])).toEqual(['web-1']);
    expect(matches('?', '😀')).toBe(false); // two code units
    expect(matches('??', '😀')).toBe(true);
    expect(matches('a?c', 'aéc')).toBe(true);
  });

  it('needs each segment between stars in order, without overlap', () => {
    expect(matches('*ab*ba*', 'aba')).toBe(false);
    expect(matches('*ab*ba*', 'abba')).toBe(true);
    expect(matches('a*a', 'a')).toBe(false);
    expect(matches('a*a', 'aa')).toBe(true);
    expect(matches('*a?a*', 'xaya')).toBe(true);
    expect(matches('*a?a*', 'xay')).toBe(false);
  });

  it('treats regular-expression characters literally', () => {
    expect(matching('a.*', ['a.b', 'ab'])).toEqual(['a.b']);
    expect(matching('(*)', ['(x)', 'x'])).toEqual(['(x)']);
    expect(matching('[a-z]*', ['[a-z]1', 'b'])).toEqual(['[a-z]1']);
  });

  it('places segments longer than 32 characters, with and without ?, and characters past Latin-1', () => {
    const long = `${'ab'.repeat(20)}é€${'c'.repeat(40)}`;
    expect(matches(`*${'ab'.repeat(20)}é€*`, `xx${long}`)).toBe(true);
    expect(matches(`*${'a?'.repeat(20)}?€${'c'.repeat(40)}*`, `xx${long}yy`)).toBe(true);
    expect(matches(`*${'a?'.repeat(20)}?€${'c'.repeat(41)}*`, `xx${long}yy`)).toBe(false);
    for (const length of [31, 32, 33, 64, 65]) {
      const segment = 'x'.repeat(length - 1) + 'y';
      expect(matches(`*${segment}*`, `${'x'.repeat(100)}y`)).toBe(true);
      expect(matches(`*${segment.replace(/x/g, '?')}*`, `${'x'.repeat(100)}y`)).toBe(true);
      expect(matches(`*${segment}*`, 'x'.repeat(100))).toBe(false);
    }
  });
});

describe('backslash escapes', () => {
  const texts = ['a*b', 'axb', 'a?b', 'a\\b', 'a\\xb', '*', '?', '\\', '\\x', 'x', 'a\\', 'ab'];

  it('\\* is a literal star', () => {
    expect(matching('a\\*b', texts)).toEqual(['a*b']);
    expect(matching('\\*', texts)).toEqual(['*']);
  });

  it('\\? is a literal question mark', () => {
    expect(matching('a\\?b', texts)).toEqual(['a?b']);
    expect(matching('\\?', texts)).toEqual(['?']);
  });

  it('\\\\ is one literal backslash, and the character after it keeps its meaning', () => {
    expect(matching('a\\\\b', texts)).toEqual(['a\\b']);
    expect(matching('\\\\', texts)).toEqual(['\\']);
    expect(matching('\\\\*', texts)).toEqual(['\\', '\\x']);
    expect(matching('a\\\\?b', texts)).toEqual(['a\\xb']);
  });

  it('a backslash before any other character, or at the end, is itself', () => {
    expect(matching('\\x', texts)).toEqual(['\\x']);
    expect(matching('a\\xb', texts)).toEqual(['a\\xb']);
    expect(matching('a\\', texts)).toEqual(['a\\']);
    expect(matching('\\', texts)).toEqual(['\\']);
    expect(matching('\\x*', texts)).toEqual(['\\x']);
  });

  it('reads the example of the EC2 reference: \\*amazon\\?\\\\ is the literal string *amazon?\\', () => {
    expect(compileGlob('\\*amazon\\?\\\\').literal).toBe('*amazon?\\');
    expect(matching('\\*amazon\\?\\\\', ['*amazon?\\', 'xamazonx\\', '*amazon?'])).toEqual(['*amazon?\\']);
  });

  it('escapes mix with wildcards', () => {
    expect(matching('*\\**', texts)).toEqual(['a*b', '*']);
    expect(matching('?\\??', texts)).toEqual(['a?b']);
    expect(matching('a\\\\\\*', ['a\\*', 'a\\x'])).toEqual(['a\\*']);
  });
});

describe('against the regular-expression reference', () => {
  // Few letters, so random values and texts often match; the specials come up often.
  const alphabet = fc.constantFrom('a', 'b', 'é', '😀', '\\', '*', '?');
  const short = (max: number) => fc.array(alphabet, { maxLength: max }).map((chars) => chars.join(''));

  it('agrees on random values and texts', () => {
    fc.assert(
      fc.property(short(12), fc.array(short(16), { minLength: 1, maxLength: 8 }), (value, texts) => {
        const glob = compileGlob(value);
        const expected = reference(value);
        for (const text of texts) expect([value, text, glob.test(text)]).toEqual([value, text, expected.test(text)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees on texts built from the value, which match more often', () => {
    const filled = fc.tuple(short(10), fc.array(short(4), { maxLength: 12 }));
    fc.assert(
      fc.property(filled, ([value, fillers]) => {
        // Each star and question mark replaced by a filler: a text the value should often match.
        let k = 0;
        const text = value.replace(/[*?]/g, () => fillers[k++ % Math.max(fillers.length, 1)] ?? '');
        expect(compileGlob(value).test(text)).toBe(reference(value).test(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with segments long enough for the multi-word scan', () => {
    const segment = fc.array(fc.constantFrom('a', 'b', '?'), { minLength: 1, maxLength: 80 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.array(fc.constantFrom('a', 'b'), { maxLength: 240 }).map((chars) => chars.join('')),
        (segments, text) => {
          const value = `*${segments.join('*')}*`;
          expect(compileGlob(value).test(text)).toBe(reference(value).test(text));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the work meter', () => {
  it('charges every test of a wildcard value, and nothing for an exact value', () => {
    const meter = countingMeter();
    compileGlob('web', meter).test('web');
    expect(meter.steps).toBe(0);
    compileGlob('w?b', meter).test('web');
    expect(meter.steps).toBe(STEPS_PER_TEST + 3);
  });

  it('throws what the meter says once a test takes it past its limit', () => {
    const refused = new Error('refused');
    const meter: WorkMeter = { steps: 0, limit: 3 * STEPS_PER_TEST, exceeded: () => refused };
    const glob = compileGlob('*x*', meter);
    expect(glob.test('x')).toBe(true);
    expect(glob.test('x')).toBe(true);
    expect(() => glob.test('x')).toThrow(refused);
  });

  it('counts a scan once per character and word, however repetitive the text', () => {
    const meter = countingMeter();
    const text = 'a'.repeat(256);
    // Three words of state, read over the whole text (it never matches): about 3 × 256 steps.
    compileGlob(`*${'a?'.repeat(40)}b*`, meter).test(text);
    expect(meter.steps).toBeLessThanOrEqual(STEPS_PER_TEST + 8 + 3 * 256);
    expect(meter.steps).toBeGreaterThanOrEqual(3 * (256 - 81));
  });
});
