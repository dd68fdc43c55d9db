/**
 * docs/faults.md, checked against the product: every JSON example in it is applied with
 * PUT /_emulator/realism and must do what the page says, every example has its check here (and
 * every check its example), and the command-line example parses to the same settings.
 *
 * The Realism under test has a clock and a random source the test controls, so `rate`,
 * `consistencyDelayMs` and the counts are checked exactly, without waiting or chance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { NO_REALISM, Realism, type RealismSettings } from '../../server/realism.js';
import { openDatabase } from '../../store/db.js';
import { createStore } from '../../store/store.js';
import { REPO_ROOT } from '../helpers/built-server.js';
import { errorOf, items, post, type Fields } from '../helpers/inject.js';

const PAGE = readFileSync(join(REPO_ROOT, 'docs', 'faults.md'), 'utf8');
/** The page's ```json blocks, normalised (parsed and written back). */
const EXAMPLES = [...PAGE.matchAll(/^```json\n([\s\S]*?)\n```$/gm)].map((m) => JSON.stringify(JSON.parse(m[1]!)));

interface Harness {
  readonly app: FastifyInstance;
  /** The next draws of the random source (then 0.99: no fault by rate). */
  readonly draws: number[];
  /** Moves the clock forward. */
  advance(ms: number): void;
  call(fields: Fields | string): Promise<{ status: number; code: string | undefined; xml: Record<string, any> }>;
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.app.close();
  harness = undefined;
});

async function applyExample(example: string): Promise<Harness> {
  let now = 1_000_000;
  const draws: number[] = [];
  const realism = new Realism(NO_REALISM, () => draws.shift() ?? 0.99, () => now);
  const app = buildApp({ store: createStore(openDatabase(':memory:')), limits: DEFAULT_LIMITS, defaultRegion: 'us-east-1', defaultAccountId: '000000000000', realism });
  const put = await app.inject({ method: 'PUT', url: '/_emulator/realism', headers: { 'content-type': 'application/json' }, payload: example });
  expect(put.statusCode, put.body).toBe(200);
  const document = JSON.parse(example) as Partial<RealismSettings>;
  expect(JSON.parse(put.body)).toEqual({ faults: document.faults ?? [], consistencyDelayMs: document.consistencyDelayMs ?? 0 });
  harness = {
    app,
    draws,
    advance: (ms) => void (now += ms),
    async call(fields) {
      const answer = await post(app, fields);
      const code = answer.status === 200 ? undefined : (errorOf(answer.xml).code ?? answer.xml.ErrorResponse?.Error?.Code);
      return { status: answer.status, code, xml: answer.xml };
    },
  };
  return harness;
}

const outcome = (answer: { status: number; code: string | undefined }) => (answer.code === undefined ? answer.status : `${answer.status} ${answer.code}`);
const THROTTLED = '503 RequestLimitExceeded';
let groupNumber = 0;
const createGroup = (h: Harness) => h.call({ Action: 'CreateSecurityGroup', GroupName: `g${++groupNumber}`, GroupDescription: 'doc example' });
const ingress = (groupId: string): Fields => ({
  Action: 'AuthorizeSecurityGroupIngress',
  GroupId: groupId,
  'IpPermissions.1.IpProtocol': 'tcp',
  'IpPermissions.1.FromPort': '443',
  'IpPermissions.1.ToPort': '443',
  'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8',
});
const rulesOf = async (h: Harness, groupId: string) =>
  items((await h.call({ Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groupId })).xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet);

/** What each example of the page must do, keyed by its JSON. */
const CHECKS: Record<string, (h: Harness, example: RealismSettings) => Promise<void>> = {
  '{"faults":[{"action":"CreateSecurityGroup"}]}': async (h) => {
    const first = await createGroup(h);
    expect(outcome(first)).toBe(THROTTLED);
    expect(errorOf(first.xml).message).toBe('Request limit exceeded.');
    expect(outcome(await createGroup(h))).toBe(THROTTLED);
    expect(outcome(await h.call({ Action: 'DescribeSecurityGroups' }))).toBe(200);
  },

  '{"faults":[{"action":"*","error":"Unavailable"}]}': async (h) => {
    expect(outcome(await h.call({ Action: 'DescribeVpcs' }))).toBe('503 Unavailable');
    const sts = await h.call('Action=GetCallerIdentity&Version=2011-06-15');
    expect(sts.xml.ErrorResponse?.Error?.Code).toBe('Unavailable');
    expect((await h.app.inject({ method: 'GET', url: '/_emulator/health' })).statusCode).toBe(200);
  },

  '{"faults":[{"action":"AuthorizeSecurityGroupIngress","error":"InternalError"}]}': async (h) => {
    const groupId: string = (await createGroup(h)).xml.CreateSecurityGroupResponse.groupId;
    const failed = await h.call(ingress(groupId));
    expect(outcome(failed)).toBe('500 InternalError');
    expect((await rulesOf(h, groupId)).map((r) => r.isEgress)).toEqual(['true']);
  },

  '{"faults":[{"action":"*","rate":0.2}]}': async (h) => {
    // A call fails when the draw is below the rate.
    h.draws.push(0.1, 0.5, 0.19, 0.2, 0.9);
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(outcome(await h.call({ Action: 'DescribeVpcs' })));
    expect(outcomes).toEqual([THROTTLED, 200, THROTTLED, 200, 200]);
  },

  '{"faults":[{"action":"CreateSecurityGroup","nth":2}]}': async (h) => {
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(outcome(await createGroup(h)));
    expect(outcomes).toEqual([200, THROTTLED, 200]);
  },

  '{"faults":[{"action":"DescribeSecurityGroups","times":2}]}': async (h) => {
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(outcome(await h.call({ Action: 'DescribeSecurityGroups' })));
    expect(outcomes).toEqual([THROTTLED, THROTTLED, 200, 200]);
  },

  '{"faults":[{"action":"*","rate":0.5,"times":3}]}': async (h) => {
    h.draws.push(0.1, 0.7, 0.2, 0.3, 0.1, 0.1);
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(outcome(await h.call({ Action: 'DescribeVpcs' })));
    expect(outcomes).toEqual([THROTTLED, 200, THROTTLED, THROTTLED, 200, 200]);
  },

  '{"faults":[{"action":"DescribeVpcs","error":null,"latencyMs":300}]}': async (h, example) => {
    // The latency a call is given, from the rule itself: tests do not time calls.
    const rule = new Realism(example);
    expect(rule.beforeAction('DescribeVpcs')).toEqual({ latencyMs: 300, fault: undefined });
    expect(rule.beforeAction('DescribeSubnets')).toEqual({ latencyMs: 0, fault: undefined });
    expect(outcome(await h.call({ Action: 'DescribeVpcs' }))).toBe(200);
  },

  '{"faults":[{"action":"DeleteSecurityGroup","error":"Unavailable","nth":1,"latencyMs":1000}]}': async (h, example) => {
    const rule = new Realism(example);
    expect(rule.beforeAction('DeleteSecurityGroup')).toMatchObject({ latencyMs: 1000, fault: { code: 'Unavailable' } });
    expect(rule.beforeAction('DeleteSecurityGroup')).toEqual({ latencyMs: 1000, fault: undefined });
    const groupId: string = (await createGroup(h)).xml.CreateSecurityGroupResponse.groupId;
    expect(outcome(await h.call({ Action: 'DeleteSecurityGroup', GroupId: groupId }))).toBe('503 Unavailable');
    expect(outcome(await h.call({ Action: 'DeleteSecurityGroup', GroupId: groupId }))).toBe(200);
  },

  '{"faults":[{"action":"DescribeSecurityGroups","error":null,"latencyMs":200},{"action":"AuthorizeSecurityGroupIngress","nth":1}]}': async (h, example) => {
    const groupId: string = (await createGroup(h)).xml.CreateSecurityGroupResponse.groupId;
    expect(outcome(await h.call({ Action: 'DescribeSecurityGroups' }))).toBe(200);
    expect(outcome(await h.call(ingress(groupId)))).toBe(THROTTLED);
    expect(outcome(await h.call(ingress(groupId)))).toBe(200);
    const rules = new Realism(example);
    expect(rules.beforeAction('DescribeSecurityGroups')).toEqual({ latencyMs: 200, fault: undefined });
    expect(rules.beforeAction('AuthorizeSecurityGroupIngress')).toMatchObject({ latencyMs: 0, fault: { code: 'RequestLimitExceeded' } });
  },

  '{"faults":[],"consistencyDelayMs":2000}': async (h) => {
    const created = await h.call({
      Action: 'CreateSecurityGroup',
      GroupName: 'later',
      GroupDescription: 'later',
      'TagSpecification.1.ResourceType': 'security-group',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'later',
    });
    const groupId: string = created.xml.CreateSecurityGroupResponse.groupId;
    const seen = async () => ({
      group: outcome(await h.call({ Action: 'DescribeSecurityGroups', 'GroupId.1': groupId })),
      rules: (await rulesOf(h, groupId)).length,
      tags: items((await h.call({ Action: 'DescribeTags', 'Filter.1.Name': 'resource-id', 'Filter.1.Value.1': groupId })).xml.DescribeTagsResponse.tagSet).length,
    });
    expect(await seen()).toEqual({ group: '400 InvalidGroup.NotFound', rules: 0, tags: 0 });
    // Writes see it at once.
    expect(outcome(await h.call(ingress(groupId)))).toBe(200);
    h.advance(1_999);
    expect(await seen()).toEqual({ group: '400 InvalidGroup.NotFound', rules: 0, tags: 0 });
    h.advance(1);
    expect(await seen()).toEqual({ group: 200, rules: 2, tags: 1 });
  },
};

describe('docs/faults.md', () => {
  it('has a check here for every example, and an example for every check', () => {
    expect(EXAMPLES.length).toBeGreaterThan(5);
    expect([...EXAMPLES].sort()).toEqual(Object.keys(CHECKS).sort());
  });

  it('documents every field a fault rule may have', () => {
    const fields = new Set(EXAMPLES.flatMap((e) => (JSON.parse(e) as RealismSettings).faults.flatMap((rule) => Object.keys(rule))));
    expect([...fields].sort()).toEqual(['action', 'error', 'latencyMs', 'nth', 'rate', 'times']);
    for (const field of fields) expect(PAGE).toContain(`| \`${field}\` |`);
    // A field the page does not list is refused, so the table is the whole set.
    expect(() => new Realism({ faults: [{ action: '*', message: 'x' } as never], consistencyDelayMs: 0 })).toThrow(/not one of action, error, rate, nth, times, latencyMs/);
  });

  it.each(EXAMPLES)('%s does what the page says', async (example) => {
    const document = JSON.parse(example) as Partial<RealismSettings>;
    await CHECKS[example]!(await applyExample(example), { faults: document.faults ?? [], consistencyDelayMs: document.consistencyDelayMs ?? 0 });
  });

  it('its command line parses to the settings it shows', () => {
    const command = /^ec2-sg-emulator --faults '([^']+)' --consistency-delay-ms (\d+)$/m.exec(PAGE);
    expect(command).not.toBeNull();
    const config = loadConfig(['--faults', command![1]!, '--consistency-delay-ms', command![2]!], {});
    if (config === 'help') throw new Error('unexpected help');
    expect(config.realism).toEqual({ faults: [{ action: '*', error: 'RequestLimitExceeded', rate: 0.2 }], consistencyDelayMs: 2000 });
  });
});
