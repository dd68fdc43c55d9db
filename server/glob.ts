/**
 * EC2 filter values as patterns.
 *
 * AWS rule (EC2 API reference, "Filter"): in a filter value `*` matches zero or more characters and
 * `?` exactly one; `\*`, `\?` and `\\` stand for a literal `*`, `?` and backslash. Matching is
 * case-sensitive and of the whole value. A backslash before any other character, or at the end, is
 * our choice (AWS does not say): it is itself a literal backslash, and the next character keeps its
 * usual meaning (docs/fidelity.md).
 *
 * A value is compiled once per request and then tested against many record values, so a test costs
 * time linear in the record value, never its square: 200 values against thousands of long names
 * would otherwise hold the event loop for seconds. The value is split at its stars into segments.
 * The first segment must match at the start and the last at the end; each segment between them is
 * taken at its leftmost place after the previous one (with `*` the only variable-length token, the
 * leftmost place never loses a match). A short segment is looked for position by position (at most
 * 8 comparisons a position); a longer one by a bit-parallel scan (shift-and) that reads each character
 * once and keeps one 32-bit word per 32 characters of the segment. Both run in JavaScript on purpose:
 * `indexOf` costs some 10 ns a character on repetitive text, up to 30 times its usual cost, where the cost
 * of these loops is the same for any text, so the work they report (below) is the time they take.
 * `?` and lengths count UTF-16 code units, as the matcher before this one did.
 */

export interface Glob {
  /** Without wildcards: the value with its escapes resolved, the one text it matches. */
  readonly literal: string | undefined;
  readonly test: (text: string) => boolean;
}

/**
 * Where the tests of one request count their work, in steps: a character comparison, or a character
 * a scan reads times the words it keeps (a nanosecond or two each), plus a fixed charge per test. A
 * test that takes the count past `limit` throws `exceeded()`; one test's own work is linear in its
 * text, so a request stops within one test of the limit.
 */
export interface WorkMeter {
  steps: number;
  readonly limit: number;
  readonly exceeded: () => Error;
}

/** A meter that only counts. */
export const countingMeter = (): WorkMeter => ({ steps: 0, limit: Infinity, exceeded: () => new Error('no limit') });

/** What one test costs beyond the characters it reads: the call and the length checks. */
export const STEPS_PER_TEST = 16;

/** Segments up to this long are looked for position by position, longer ones by shift-and. */
const SHORT_SEGMENT = 8;
/** What placing a segment between stars costs beyond the characters it reads. */
const STEPS_PER_FIND = 4;

/** A stretch of the value between stars: literal characters and `?`s. */
interface Segment {
  /** The characters; at a `?` position, a placeholder. */
  readonly text: string;
  /** 1 at the positions of `?`; undefined when there are none. */
  readonly any: Uint8Array | undefined;
  /** Shift-and tables, built on first use (a segment longer than every value never needs them). */
  scanner: Scanner | undefined;
}

/** The steps of the test under way (tests run one at a time); the test charges them when it ends. */
let work = 0;

/** Compiles one filter value; its tests charge `meter`. */
export function compileGlob(value: string, meter: WorkMeter = countingMeter()): Glob {
  const segments = parse(value);
  const first = segments[0]!;
  if (segments.length === 1 && first.any === undefined) {
    const literal = first.text;
    return { literal, test: (text) => text === literal };
  }
  const charge = (): void => {
    meter.steps += work + STEPS_PER_TEST;
    work = 0;
    if (meter.steps > meter.limit) throw meter.exceeded();
  };
  if (segments.length === 1) {
    const length = first.text.length;
    return {
      literal: undefined,
      test: (text) => {
        work = 0;
        const matched = text.length === length && matchesAt(first, text, 0);
        charge();
        return matched;
      },
    };
  }
  const head = first;
  const tail = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1).filter((s) => s.text.length > 0);
  const minLength = segments.reduce((sum, s) => sum + s.text.length, 0);
  const placeAll = (text: string): boolean => {
    if (text.length < minLength) return false;
    const end = text.length - tail.text.length;
    if (!matchesAt(head, text, 0) || !endsWith(tail, text)) return false;
    let from = head.text.length;
    for (const segment of middle) {
      const at = find(segment, text, from, end);
      if (at < 0) return false;
      from = at + segment.text.length;
    }
    return true;
  };
  return {
    literal: undefined,
    test: (text) => {
      work = 0;
      const matched = placeAll(text);
      charge();
      return matched;
    },
  };
}

/** The value's segments, split at unescaped stars with escapes resolved (stars in a row are one). */
function parse(value: string): Segment[] {
  const segments: Segment[] = [];
  // An array joined once, not `+=`: a string built by appends is a rope, slow to read by index.
  let chars: string[] = [];
  let any: number[] = [];
  const close = () => {
    segments.push({ text: chars.join(''), any: any.length > 0 ? markPositions(chars.length, any) : undefined, scanner: undefined });
    chars = [];
    any = [];
  };
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        chars.push(next);
        i++;
      } else {
        chars.push('\\'); // a backslash escaping nothing stands for itself
      }
    } else if (ch === '*') {
      close();
    } else {
      if (ch === '?') any.push(chars.length);
      chars.push(ch);
    }
  }
  close();
  return segments;
}

function markPositions(length: number, positions: readonly number[]): Uint8Array {
  const marks = new Uint8Array(length);
  for (const position of positions) marks[position] = 1;
  return marks;
}

/** Whether the segment matches the text at `at` (the caller keeps it inside the text). */
function matchesAt(segment: Segment, text: string, at: number): boolean {
  const { text: chars, any } = segment;
  const length = chars.length;
  for (let i = 0; i < length; i++) {
    if (any !== undefined && any[i] === 1) continue;
    if (text.charCodeAt(at + i) !== chars.charCodeAt(i)) {
      work += i + 1;
      return false;
    }
  }
  work += length;
  return true;
}

/** Whether the segment matches the end of the text, compared from the last character (where most differ). */
function endsWith(segment: Segment, text: string): boolean {
  const { text: chars, any } = segment;
  const offset = text.length - chars.length;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (any !== undefined && any[i] === 1) continue;
    if (text.charCodeAt(offset + i) !== chars.charCodeAt(i)) {
      work += chars.length - i;
      return false;
    }
  }
  work += chars.length;
  return true;
}

/** Where the segment first lies wholly inside text[from, end), or -1. */
function find(segment: Segment, text: string, from: number, end: number): number {
  const length = segment.text.length;
  const last = end - length;
  if (last < from) return -1;
  work += STEPS_PER_FIND;
  if (length <= SHORT_SEGMENT) return findShort(segment, text, from, last);
  segment.scanner ??= buildScanner(segment);
  return scan(segment.scanner, text, from, end);
}

/** Position by position: the first character, then the rest where it matches. */
function findShort(segment: Segment, text: string, from: number, last: number): number {
  const { text: chars, any } = segment;
  const length = chars.length;
  const first = any !== undefined && any[0] === 1 ? -1 : chars.charCodeAt(0);
  let steps = 0;
  for (let at = from; at <= last; at++) {
    steps++;
    if (first >= 0 && text.charCodeAt(at) !== first) continue;
    let i = 1;
    while (i < length && ((any !== undefined && any[i] === 1) || text.charCodeAt(at + i) === chars.charCodeAt(i))) i++;
    steps += i; // the comparisons made, the failing one included
    if (i === length) {
      work += steps;
      return at;
    }
  }
  work += steps;
  return -1;
}

/**
 * Shift-and over 32-bit words: after reading a character, bit i says the segment's first i+1
 * characters match the characters just read. A row per character code below 128; other codes have
 * their own row when the segment names them, else the row of characters it does not name (its `?`
 * positions only).
 */
interface Scanner {
  readonly length: number;
  readonly words: number;
  readonly ascii: Int32Array;
  readonly others: Map<number, Int32Array>;
  readonly unnamed: Int32Array;
}

const ASCII = 128;

function buildScanner(segment: Segment): Scanner {
  const { text, any } = segment;
  const length = text.length;
  const words = Math.ceil(length / 32);
  const unnamed = new Int32Array(words);
  if (any !== undefined) {
    for (let i = 0; i < length; i++) if (any[i] === 1) unnamed[i >>> 5]! |= 1 << (i & 31);
  }
  const ascii = new Int32Array(ASCII * words);
  for (let code = 0; code < ASCII; code++) ascii.set(unnamed, code * words);
  const others = new Map<number, Int32Array>();
  for (let i = 0; i < length; i++) {
    if (any !== undefined && any[i] === 1) continue;
    const code = text.charCodeAt(i);
    const bit = 1 << (i & 31);
    if (code < ASCII) {
      ascii[code * words + (i >>> 5)]! |= bit;
    } else {
      let row = others.get(code);
      if (!row) others.set(code, (row = Int32Array.from(unnamed)));
      row[i >>> 5]! |= bit;
    }
  }
  return { length, words, ascii, others, unnamed };
}

function scan(scanner: Scanner, text: string, from: number, end: number): number {
  const { length, words, ascii, others, unnamed } = scanner;
  const found = 1 << ((length - 1) & 31);
  if (words === 1) {
    let state = 0;
    for (let i = from; i < end; i++) {
      const code = text.charCodeAt(i);
      state = ((state << 1) | 1) & (code < ASCII ? ascii[code]! : (others.get(code) ?? unnamed)[0]!);
      if (state & found) {
        work += i + 1 - from;
        return i + 1 - length;
      }
    }
    work += end - from;
    return -1;
  }
  const top = words - 1;
  const state = new Int32Array(words);
  for (let i = from; i < end; i++) {
    const code = text.charCodeAt(i);
    let row = ascii;
    let base = 0;
    if (code < ASCII) base = code * words;
    else row = others.get(code) ?? unnamed;
    let carry = 1;
    for (let w = 0; w < words; w++) {
      const old = state[w]!;
      state[w] = ((old << 1) | carry) & row[base + w]!;
      carry = old >>> 31;
    }
    if (state[top]! & found) {
      work += (i + 1 - from) * words;
      return i + 1 - length;
    }
  }
  work += (end - from) * words;
  return -1;
}
