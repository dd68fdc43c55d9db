/**
 * Shared pieces of the property tests: how many cases to run, how to send a raw request, and the
 * invariants every answer must keep whatever was sent.
 *
 * The invariants (issue 6): the answer is a well-formed EC2 success or error document with the
 * status its code has in the catalogue; never a 5xx, never a stack trace, never a character XML 1.0
 * cannot carry; and a request that was refused left the store exactly as it was.
 *
 * Scale: `FUZZ_SCALE=N` multiplies every property's case count (scripts/fuzz-soak.mjs sets it);
 * `FUZZ_SEED=n` replays a run (fast-check prints the seed and path of any failure).
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';
import { EC2_ERRORS } from '../../protocol/errors.js';
import { STS_VERSION, STS_XML_NAMESPACE } from '../../protocol/sts-shapes.js';
import { EC2_XML_NAMESPACE } from '../../protocol/xml-writer.js';
import { OPERATIONS } from '../../server/operations.js';
import type { Store } from '../../store/store.js';

const scale = Number(process.env['FUZZ_SCALE'] ?? '1');
const seed = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);

/** fast-check parameters for a property that runs `baseRuns` cases in CI. */
export function fuzzParameters(baseRuns: number): fc.Parameters<unknown> {
  return {
    numRuns: Math.max(1, Math.round(baseRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
    ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}),
    // A counterexample is shrunk to its smallest form, but a hung shrink must not stall CI.
    interruptAfterTimeLimit: 10 * 60_000,
  };
}

export const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
export const EC2_VERSION = '2016-11-15';

export interface RawRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query string, as sent. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer;
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

export async function send(app: FastifyInstance, request: RawRequest): Promise<RawAnswer> {
  const response = await app.inject({
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
  });
  return { status: response.statusCode, headers: response.headers, body: response.body };
}

/** A form body from pairs, percent-encoded as SDKs do (keys and values both). */
export function formBody(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([key, value]) => `${encodeUtf8(key)}=${encodeUtf8(value)}`).join('&');
}

/** A lone surrogate has no UTF-8 form; like Buffer.from, an encoder sends U+FFFD for it. */
const encodeUtf8 = (text: string): string => encodeURIComponent(text.replace(/\p{Surrogate}/gu, '\uFFFD'));

export function postForm(pairs: ReadonlyArray<readonly [string, string]>): RawRequest {
  return { method: 'POST', url: '/', headers: { 'content-type': FORM }, payload: formBody(pairs) };
}

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, ignoreDeclaration: true });
/** Outside XML 1.0's `Char` production. */
const NOT_XML_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** What a Node stack trace looks like in text: "    at fn (file.js:1:2)". */
const STACK_FRAME = /\n\s+at\s+\S+.*[:(]/;
const EC2_CODES = new Set(Object.keys(EC2_ERRORS));

export interface Verdict {
  /** true for a 2xx success document, false for an error document. */
  readonly succeeded: boolean;
  readonly code?: string;
}

/**
 * Checks the answer against every invariant and says whether it was a success. `action` is the
 * Action the request carried (the first one, if it carried several), `version` its Version.
 */
export function expectWellFormedAnswer(answer: RawAnswer, sent: { action?: string | undefined; version?: string | undefined }): Verdict {
  const context = `status ${answer.status}, body ${answer.body.slice(0, 600)}`;
  expect(answer.status, context).toBeGreaterThanOrEqual(200);
  expect(answer.status, context).toBeLessThan(500);
  expect(answer.headers['content-type'], context).toBe('text/xml;charset=UTF-8');
  const requestId = answer.headers['x-amzn-requestid'];
  expect(typeof requestId, context).toBe('string');
  expect(STACK_FRAME.test(answer.body), `stack trace in ${context}`).toBe(false);
  expect(NOT_XML_CHARACTER.exec(answer.body)?.[0], `character XML cannot carry in ${context}`).toBeUndefined();
  expect(XMLValidator.validate(answer.body), context).toBe(true);
  const document = parser.parse(answer.body) as Record<string, any>;
  const roots = Object.keys(document);
  expect(roots, context).toHaveLength(1);
  const root = roots[0]!;
  const body = document[root];

  if (answer.status < 300) {
    const isSts = sent.version === STS_VERSION;
    expect(root, context).toBe(`${sent.action}Response`);
    if (isSts) {
      expect(sent.action, context).toBe('GetCallerIdentity');
      expect(body['@_xmlns'], context).toBe(STS_XML_NAMESPACE);
      expect(body.ResponseMetadata?.RequestId, context).toBe(requestId);
    } else {
      expect(OPERATIONS.has(sent.action ?? ''), context).toBe(true);
      expect(body['@_xmlns'], context).toBe(EC2_XML_NAMESPACE);
      expect(body.requestId, context).toBe(requestId);
    }
    return { succeeded: true };
  }

  let error: { Code?: unknown; Message?: unknown };
  if (root === 'ErrorResponse') {
    // The plain Query envelope, only for requests addressed to STS.
    expect(sent.version, context).toBe(STS_VERSION);
    expect(body['@_xmlns'], context).toBe(STS_XML_NAMESPACE);
    expect(body.RequestId, context).toBe(requestId);
    error = body.Error;
  } else {
    expect(root, context).toBe('Response');
    expect(Object.keys(body), context).toEqual(['Errors', 'RequestID']);
    expect(Object.keys(body.Errors), context).toEqual(['Error']);
    expect(Array.isArray(body.Errors.Error), `exactly one <Error> in ${context}`).toBe(false);
    expect(body.RequestID, context).toBe(requestId);
    error = body.Errors.Error;
  }
  const code = String(error.Code);
  expect(EC2_CODES.has(code), `unknown code in ${context}`).toBe(true);
  expect(typeof error.Message === 'string' && error.Message.length > 0, context).toBe(true);
  expect(code, context).not.toBe('InternalError');
  // An HTTP-level refusal keeps its HTTP status (405 method, 408 timeout, 431 headers too large).
  const statuses = code === 'InvalidHttpRequest' ? [400, 405, 408, 431] : [EC2_ERRORS[code as keyof typeof EC2_ERRORS].status];
  expect(statuses, context).toContain(answer.status);
  return { succeeded: false, code };
}

/**
 * Watches the store across requests: `afterEach` compares the state after a refused request with
 * the state before it. The snapshot is the store's own export (every table, every row).
 */
export function storeWatcher(store: Store) {
  let last = JSON.stringify(store.exportState());
  return {
    afterRequest(verdict: Verdict, context: string): void {
      const now = JSON.stringify(store.exportState());
      if (!verdict.succeeded) expect(now === last, `a refused request (${verdict.code}) changed the store: ${context}`).toBe(true);
      last = now;
    },
  };
}

/** The first value of a key in pairs, as the server reads it. */
export function firstValue(pairs: ReadonlyArray<readonly [string, string]>, key: string): string | undefined {
  return pairs.find(([k]) => k === key)?.[1];
}

/** Strings that have broken parsers before: markup, entities, controls, long, non-BMP, odd numbers. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(
    '',
    ' ',
    '&',
    '<',
    '>',
    '"',
    "'",
    '&amp;',
    '<![CDATA[x]]>',
    ']]>',
    '<?xml?>',
    '\u0000',
    '\u0001',
    '\u001f',
    '\r',
    '\r\n',
    '\t',
    '\u0085',
    '\u2028',
    '\ufeff',
    '\ufffe',
    '\uffff',
    '😀',
    '\ud83d',
    '\ude00',
    '%',
    '%zz',
    '%E0%A4',
    '+',
    '-1',
    '0',
    '2147483648',
    '-2147483649',
    '1e3',
    '0x10',
    '1.5',
    'NaN',
    'true',
    'TRUE',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    'toString',
    "'; DROP TABLE security_groups; --",
    '%s%n',
    '${x}',
    `${'*a'.repeat(14)}*b`,
    '?*'.repeat(50),
    '*'.repeat(3000),
  ) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  // Long values (past every length limit); the size-limit property sends far longer ones.
  fc.string({ maxLength: 20 }).map((s) => s.repeat(20)),
  fc.integer({ min: 256, max: 4_000 }).map((n) => 'x'.repeat(n)),
);
