/**
 * Property tests on the raw wire, through app.inject: arbitrary keys and values, list indexes that
 * are zero, negative, huge, sparse or repeated (0-based and gapped ones are valid ordering keys), broken percent-encoding, invalid UTF-8, very long
 * values, bodies over the size limit, wrong content types and GET with a query string.
 *
 * Whatever arrives, the answer is a well-formed EC2 document with its catalogue status (no 5xx, no
 * stack trace, no invalid XML), a refused request leaves the store as it was, and the app keeps
 * serving (see support.ts for the invariants).
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { parseQueryInput } from '../../protocol/query-parser.js';
import { OPERATION_SHAPES } from '../../protocol/shapes.js';
import { DEFAULT_BODY_LIMIT } from '../../server/app.js';
import { OPERATIONS } from '../../server/operations.js';
import type { Store } from '../../store/store.js';
import { thrownEc2Error } from '../helpers/errors.js';
import { buildTestApp } from '../helpers/inject.js';
import { wireKeysOf, type Pair } from './shape-arbitraries.js';
import {
  EC2_VERSION,
  FORM,
  expectWellFormedAnswer,
  firstValue,
  formBody,
  fuzzParameters,
  nastyString,
  postForm,
  send,
  storeWatcher,
  type RawRequest,
} from './support.js';

const ACTIONS = [...OPERATIONS.keys()];
const SIGNED_EU_WEST_1 =
  'AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd';
const SIGNED_ACCOUNT =
  'AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00';
const ALL_WIRE_KEYS = [...new Set(Object.values(OPERATION_SHAPES).flatMap((shapes) => wireKeysOf(shapes.input)))];

/** A fresh app whose default scope is already seeded, so the first snapshot is the steady state. */
async function freshApp(): Promise<{ app: FastifyInstance; store: Store; watcher: ReturnType<typeof storeWatcher> }> {
  const { app, store } = buildTestApp();
  // The scopes the Authorization headers below name, with their defaults: a request keeps those
  // only when it writes (reads and refusals roll them back), so they are made here.
  for (const [accountId, region] of [['000000000000', 'us-east-1'], ['000000000000', 'eu-west-1'], ['123456789012', 'us-east-1']] as const) {
    store.ensureScope({ accountId, region });
  }
  return { app, store, watcher: storeWatcher(store) };
}

/** Sends the request, checks every invariant, and returns whether it succeeded. */
async function sendAndCheck(
  setup: { app: FastifyInstance; watcher: ReturnType<typeof storeWatcher> },
  request: RawRequest,
  sent: { action?: string | undefined; version?: string | undefined },
): Promise<boolean> {
  const answer = await send(setup.app, request);
  const verdict = expectWellFormedAnswer(answer, sent);
  setup.watcher.afterRequest(verdict, `${request.method} ${request.url} ${String(request.payload ?? '').slice(0, 300)}`);
  return verdict.succeeded;
}

/** The app still answers an ordinary request after the property's abuse. */
async function expectStillServing(app: FastifyInstance): Promise<void> {
  const answer = await send(app, postForm([['Action', 'DescribeSecurityGroups'], ['Version', EC2_VERSION]]));
  expect(answer.status).toBe(200);
  expect(answer.body).toContain('<DescribeSecurityGroupsResponse');
}

const actionValue = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ACTIONS) }, { weight: 1, arbitrary: nastyString });
const versionValue = fc.oneof(
  { weight: 8, arbitrary: fc.constant(EC2_VERSION) },
  { weight: 1, arbitrary: fc.constant('2011-06-15') },
  { weight: 1, arbitrary: nastyString },
);
const randomKey = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ALL_WIRE_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom('Action', 'Version', 'DryRun', 'Signature', 'X-Amz-Date', 'AWSAccessKeyId') },
  { weight: 2, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...ALL_WIRE_KEYS), fc.nat({ max: 3 }).map(String), nastyString), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')) },
);

describe('arbitrary keys and values', () => {
  it('answers every form of random pairs with a well-formed EC2 document and changes nothing when it refuses', async () => {
    const setup = await freshApp();
    let succeeded = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.option(actionValue, { nil: undefined, freq: 10 }),
        fc.option(versionValue, { nil: undefined, freq: 10 }),
        fc.array(fc.tuple(randomKey, fc.oneof(nastyString, fc.string({ maxLength: 12 }))), { maxLength: 8 }),
        fc.boolean(),
        async (action, version, randomPairs, envelopeLast) => {
          const envelope: Pair[] = [];
          if (action !== undefined) envelope.push(['Action', action]);
          if (version !== undefined) envelope.push(['Version', version]);
          const pairs = envelopeLast ? [...randomPairs, ...envelope] : [...envelope, ...randomPairs];
          // The server reads the first Action and Version; a random pair may have supplied them.
          const sent = { action: firstValue(pairs, 'Action'), version: firstValue(pairs, 'Version') };
          if (await sendAndCheck(setup, postForm(pairs), sent)) succeeded++;
        },
      ),
      fuzzParameters(1500),
    );
    // The property is only meaningful if the generator reaches the handlers as well as the parser.
    expect(succeeded).toBeGreaterThan(0);
    await expectStillServing(setup.app);
  });
});

describe('list indexes', () => {
  const index = fc.oneof(
    fc.integer({ min: 1, max: 4 }).map(String),
    fc.constantFrom('0', '-1', '-0', '00', '01', '1e3', '0x1', '999999999', '2147483648', '18446744073709551617', '9'.repeat(400), '', ' ', '1 ', '+1', '١'),
  );
  const listKey = fc.constantFrom(
    (i: string) => `IpPermissions.${i}.IpProtocol`,
    (i: string) => `IpPermissions.${i}.FromPort`,
    (i: string) => `IpPermissions.1.IpRanges.${i}.CidrIp`,
    (i: string) => `IpPermissions.${i}.Groups.${i}.GroupId`,
    (i: string) => `TagSpecification.${i}.Tag.1.Key`,
    (i: string) => `SecurityGroupRuleId.${i}`,
    (i: string) => `GroupId.${i}`,
    (i: string) => `Filter.${i}.Name`,
    (i: string) => `Filter.1.Value.${i}`,
  );

  it('answers zero, negative, huge, sparse and repeated indexes without a 5xx', async () => {
    const setup = await freshApp();
    const { store } = setup;
    const [group] = store.exportState().tables['security_groups'] as { group_id: string }[];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ACTIONS),
        fc.array(fc.tuple(listKey, index, fc.oneof(fc.constantFrom('tcp', '-1', '22', '10.0.0.0/8', group!.group_id, 'group-id'), nastyString)), {
          minLength: 1,
          maxLength: 8,
        }),
        async (action, entries) => {
          const pairs: Pair[] = [
            ['Action', action],
            ['Version', EC2_VERSION],
            ['GroupId', group!.group_id],
            ...entries.map(([key, i, value]): Pair => [key(i), value]),
          ];
          await sendAndCheck(setup, postForm(pairs), { action, version: EC2_VERSION });
        },
      ),
      fuzzParameters(1200),
    );
    await expectStillServing(setup.app);
  });

  it('reads 0-based, huge or sparse indexes as one list entry each, in ascending order, never an array of that size', () => {
    const shape = OPERATION_SHAPES.AuthorizeSecurityGroupEgress.input;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 2147483647 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 6 }),
        (indexes) => {
          const input = parseQueryInput(
            indexes.map((i): [string, string] => [`IpPermissions.${i}.IpProtocol`, `p${i}`]),
            shape,
          ) as { IpPermissions: { IpProtocol: string }[] };
          // One entry per index sent, in numeric order: the gaps are closed, not filled.
          const sorted = [...indexes].sort((a, b) => a - b);
          expect(input.IpPermissions.map((p) => p.IpProtocol)).toEqual(sorted.map((i) => `p${i}`));
        },
      ),
      fuzzParameters(500),
    );
  });

  it('refuses any index with a leading zero, a sign or beyond 2147483647, naming the full key', () => {
    const shape = OPERATION_SHAPES.AuthorizeSecurityGroupEgress.input;
    const refused = fc.oneof(
      fc.bigInt({ min: 2147483648n, max: 10n ** 30n }).map(String),
      fc.nat({ max: 2147483647 }).map((n) => `0${n}`),
      fc.nat({ max: 2147483647 }).map((n) => `-${n}`),
      fc.nat({ max: 2147483647 }).map((n) => `+${n}`),
    );
    fc.assert(
      fc.property(fc.nat({ max: 5 }), refused, fc.boolean(), (valid, index, refusedFirst) => {
        const good: [string, string] = [`IpPermissions.${valid}.IpProtocol`, 'tcp'];
        const bad: [string, string] = [`IpPermissions.${index}.IpProtocol`, 'udp'];
        expect(thrownEc2Error(() => parseQueryInput(refusedFirst ? [bad, good] : [good, bad], shape))).toEqual({
          code: 'UnknownParameter',
          message: `The parameter IpPermissions.${index}.IpProtocol is not recognized`,
        });
      }),
      fuzzParameters(500),
    );
  });
});

describe('percent-encoding and bytes', () => {
  /** Body fragments that no encoder produces: bad escapes, truncated UTF-8, raw bytes, overlong forms. */
  const brokenFragment = fc.oneof(
    fc.constantFrom('%', '%z', '%zz', '%%', '%E0%A4', '%C0%AF', '%ED%A0%80', '%F4%90%80%80', '%FF', '%00', '%0', '+', '=', '&', '==', '&&', '%26', '%3D', '%2E'),
    fc.uint8Array({ minLength: 1, maxLength: 6 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    fc.string({ maxLength: 8 }),
  );

  it('answers broken escapes and invalid UTF-8 anywhere in the body', async () => {
    const setup = await freshApp();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ACTIONS),
        fc.array(fc.tuple(fc.constantFrom(...ALL_WIRE_KEYS, 'Action', 'Version'), fc.array(brokenFragment, { maxLength: 4 }), fc.array(brokenFragment, { maxLength: 4 })), {
          maxLength: 5,
        }),
        fc.uint8Array({ maxLength: 24 }),
        async (action, fields, trailingBytes) => {
          const text = [`Action=${action}`, `Version=${EC2_VERSION}`, ...fields.map(([key, k, v]) => `${key}${k.join('')}=${v.join('')}`)].join('&');
          // Latin-1 keeps each fragment's raw bytes; the trailing bytes are any bytes at all.
          const payload = Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from('&'), Buffer.from(trailingBytes)]);
          const parsed = new URLSearchParams(payload.toString('utf8'));
          await sendAndCheck(setup, { method: 'POST', url: '/', headers: { 'content-type': FORM }, payload }, {
            action: parsed.get('Action') ?? undefined,
            version: parsed.get('Version') ?? undefined,
          });
        },
      ),
      fuzzParameters(1200),
    );
    await expectStillServing(setup.app);
  });
});

describe('methods, content types, query strings and sizes', () => {
  const contentType = fc.constantFrom(
    FORM,
    'application/x-www-form-urlencoded',
    'APPLICATION/X-WWW-FORM-URLENCODED; charset=ISO-8859-1',
    'application/x-www-form-urlencodedx',
    'application/json',
    'application/x-amz-json-1.1',
    'text/xml',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    '',
    ';;;',
    'x/y; charset=utf-32',
  );
  const body = fc.oneof(
    fc.constant(''),
    fc.constantFrom(...ACTIONS).map((action) => formBody([['Action', action], ['Version', EC2_VERSION]])),
    fc.constant('{"Action":"DescribeSecurityGroups"}'),
    fc.constant('<DescribeSecurityGroups/>'),
    fc.array(fc.tuple(fc.constantFrom('Action', 'Version', ...ALL_WIRE_KEYS), nastyString), { maxLength: 4 }).map((pairs) => formBody(pairs)),
    nastyString,
  );
  const path = fc.constantFrom('/', '//', '/anything', '/a/b/c', '/%zz', '/?', '/..%2F');

  it('answers GET and POST on any path, with any content type, query string and body, with an EC2 document', async () => {
    const setup = await freshApp();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST') as fc.Arbitrary<'GET' | 'POST'>,
        path,
        fc.array(fc.tuple(fc.constantFrom('Action', 'Version', ...ALL_WIRE_KEYS), fc.oneof(fc.constantFrom(...ACTIONS, EC2_VERSION), nastyString)), { maxLength: 4 }),
        fc.option(contentType, { nil: undefined }),
        body,
        fc.option(
          fc.constantFrom(
            SIGNED_EU_WEST_1,
            SIGNED_ACCOUNT,
            'AWS4-HMAC-SHA256',
            'AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=',
            'AWS4-HMAC-SHA256 Credential=AKID/2026/us-east-1/ec2/aws4_request',
            'AWS AKID:c2lnbmF0dXJl',
            'Bearer x',
            '\u00ff\u00fe',
          ),
          { nil: undefined },
        ),
        async (method, basePath, queryPairs, type, payload, authorization) => {
          const query = formBody(queryPairs);
          const url = query === '' ? basePath : `${basePath}${basePath.includes('?') ? '&' : '?'}${query}`;
          const request: RawRequest = {
            method,
            url,
            headers: { ...(type === undefined ? {} : { 'content-type': type }), ...(authorization === undefined ? {} : { authorization }) },
            ...(payload !== '' || method === 'POST' ? { payload } : {}),
          };
          // The query string comes first, then the body's pairs (see server/app.ts requestParameters).
          const queryStart = url.indexOf('?');
          const all = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
          for (const [k, v] of new URLSearchParams(payload)) all.append(k, v);
          await sendAndCheck(setup, request, { action: all.get('Action') ?? undefined, version: all.get('Version') ?? undefined });
        },
      ),
      fuzzParameters(1000),
    );
    await expectStillServing(setup.app);
  });

  it('answers very long values, and bodies around and over the 1 MiB limit (413 above it)', async () => {
    const setup = await freshApp();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GroupName', 'GroupDescription', 'Filter.1.Value.1', 'TagSpecification.1.Tag.1.Value', 'NextToken', 'IpPermissions.1.IpRanges.1.Description'),
        fc.oneof(fc.integer({ min: 200, max: 100_000 }), fc.integer({ min: DEFAULT_BODY_LIMIT - 200, max: DEFAULT_BODY_LIMIT + 200 })),
        fc.constantFrom('a', '&', '%26', 'é', '😀'),
        async (key, approximateSize, unit) => {
          const prefix = `Action=CreateSecurityGroup&Version=${EC2_VERSION}&GroupDescription=d&TagSpecification.1.ResourceType=security-group&TagSpecification.1.Tag.1.Key=k&${key}=`;
          const unitBytes = Buffer.byteLength(unit);
          const payload = prefix + unit.repeat(Math.max(1, Math.floor((approximateSize - prefix.length) / unitBytes)));
          const answer = await send(setup.app, { method: 'POST', url: '/', headers: { 'content-type': FORM }, payload });
          const verdict = expectWellFormedAnswer(answer, { action: 'CreateSecurityGroup', version: EC2_VERSION });
          setup.watcher.afterRequest(verdict, `${key} of ${approximateSize} bytes`);
          if (Buffer.byteLength(payload) > DEFAULT_BODY_LIMIT) {
            expect(answer.status).toBe(413);
            expect(verdict.code).toBe('RequestEntityTooLarge');
          }
        },
      ),
      fuzzParameters(60),
    );
    await expectStillServing(setup.app);
  });
});
