/**
 * Describe calls over an account of very many rules run a slice at a time (server/sliced-reads.ts):
 * the answer is byte for byte the one the ordinary path writes (request id aside), other requests
 * are answered while it runs, writes wait for it, and a change that does not wait makes it answer
 * again from the start, so the answer is always one state of the store. The threshold is lowered here so a
 * few thousand rules take the sliced path; what is checked is order and content, never time.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { openDatabase } from '../../store/db.js';
import { createStore } from '../../store/store.js';
import { post } from '../helpers/inject.js';

const GROUPS = 30;
const RULES_PER_GROUP = 200;
/** With each group's default egress rule and the default group's two rules. */
const ALL_RULES = GROUPS * RULES_PER_GROUP + GROUPS + 2;

const store = createStore(openDatabase(':memory:'));
const common = { store, limits: { ...DEFAULT_LIMITS, rulesPerSecurityGroup: 1000 }, defaultRegion: 'us-east-1', defaultAccountId: '000000000000' };
/** Two servers over one store: one slices every describe over an account with a rule, one never does. */
const sliced = buildApp({ ...common, slicedReadMinRules: 1 });
const whole = buildApp({ ...common, slicedReadMinRules: Number.MAX_SAFE_INTEGER });
const groups: string[] = [];

beforeAll(async () => {
  const vpc = (await post(whole, { Action: 'DescribeVpcs' })).xml.DescribeVpcsResponse.vpcSet.item[0].vpcId as string;
  for (let g = 0; g < GROUPS; g++) {
    groups.push((await post(whole, { Action: 'CreateSecurityGroup', GroupName: `g${g}`, GroupDescription: 'd', VpcId: vpc })).xml.CreateSecurityGroupResponse.groupId);
    const fields: Record<string, string> = { Action: g % 2 ? 'AuthorizeSecurityGroupEgress' : 'AuthorizeSecurityGroupIngress', GroupId: groups[g]! };
    for (let i = 1; i <= RULES_PER_GROUP; i++) {
      fields[`IpPermissions.${i}.IpProtocol`] = i % 3 ? 'tcp' : 'udp';
      fields[`IpPermissions.${i}.FromPort`] = String(i);
      fields[`IpPermissions.${i}.ToPort`] = String(i + (i % 7));
      fields[`IpPermissions.${i}.IpRanges.1.CidrIp`] = `10.${g}.${i}.0/24`;
      fields[`IpPermissions.${i}.IpRanges.1.Description`] = `rule {${i}} & ${g};`;
    }
    expect((await post(whole, fields)).status).toBe(200);
  }
  await post(whole, { Action: 'CreateTags', 'ResourceId.1': groups[3]!, 'Tag.1.Key': 'Name', 'Tag.1.Value': 'three' });
});
afterAll(async () => {
  await sliced.close();
  await whole.close();
});

const withoutRequestId = (body: string) => body.replace(/<requestId>[^<]*<\/requestId>|<RequestID>[^<]*<\/RequestID>/, '');

describe('answers in slices are the ordinary answers', () => {
  it.each<[string, Record<string, string>]>([
    ['every group', { Action: 'DescribeSecurityGroups' }],
    ['every rule', { Action: 'DescribeSecurityGroupRules' }],
    ['a rule filter on groups', { Action: 'DescribeSecurityGroups', 'Filter.1.Name': 'egress.ip-permission.protocol', 'Filter.1.Value.1': 'udp' }],
    ['a page of groups', { Action: 'DescribeSecurityGroups', MaxResults: '7' }],
    ['a page of rules by wildcard group id', { Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': 'sg-*', MaxResults: '900' }],
    ['a tag filter', { Action: 'DescribeSecurityGroups', 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'thr*' }],
    ['groups by id', { Action: 'DescribeSecurityGroups', 'GroupId.1': 'GROUP0', 'GroupId.2': 'GROUP5' }],
    ['a malformed group id', { Action: 'DescribeSecurityGroups', 'GroupId.1': 'sg-nope' }],
    ['an unknown filter', { Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'colour', 'Filter.1.Value.1': 'red' }],
    ['a MaxResults out of range', { Action: 'DescribeSecurityGroupRules', MaxResults: '2' }],
    ['a dry run', { Action: 'DescribeSecurityGroupRules', DryRun: 'true' }],
  ])('%s', async (_name, fields) => {
    const request = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.replace(/^GROUP(\d+)$/, (_m, n: string) => groups[Number(n)]!)]));
    const [a, b] = await Promise.all([post(sliced, request), post(whole, request)]);
    expect(a.status).toBe(b.status);
    expect(withoutRequestId(a.body)).toBe(withoutRequestId(b.body));
  });

  it('and the pages, followed by NextToken, are the same pages', async () => {
    for (const app of [sliced, whole]) {
      let token: string | undefined;
      let rules = 0;
      do {
        const page = await post(app, { Action: 'DescribeSecurityGroupRules', MaxResults: '1000', ...(token ? { NextToken: token } : {}) });
        rules += page.xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item.length;
        token = page.xml.DescribeSecurityGroupRulesResponse.nextToken;
      } while (token);
      // Each group's default egress rule, the default group's two rules, and the ones written here.
      expect(rules).toBe(ALL_RULES);
    }
  });
});

describe('while a sliced answer is written', () => {
  it('other requests are answered before it', async () => {
    const order: string[] = [];
    const big = post(sliced, { Action: 'DescribeSecurityGroupRules' }).then((answer) => {
      order.push('all rules');
      return answer;
    });
    const small = post(sliced, { Action: 'DescribeVpcs' }).then(() => order.push('vpcs'));
    await Promise.all([big, small]);
    expect(order).toEqual(['vpcs', 'all rules']);
    expect((await big).xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item.length).toBe(ALL_RULES);
  });

  it('a write sent meanwhile waits for it, so it answers the state before the write, whole', async () => {
    const first = firstIngressRule((await post(whole, { Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groups[0]! })).xml);
    const before = withoutRequestId((await post(whole, { Action: 'DescribeSecurityGroupRules' })).body);
    // (The write's short answer may arrive before the read's last part: only the content says who went first.)
    const big = post(sliced, { Action: 'DescribeSecurityGroupRules' });
    const write = post(sliced, { Action: 'RevokeSecurityGroupIngress', GroupId: groups[0]!, 'SecurityGroupRuleId.1': first });
    const [answer, revoked] = await Promise.all([big, write]);
    expect(revoked.status).toBe(200);
    expect(withoutRequestId(answer.body)).toBe(before);
    const after = (await post(whole, { Action: 'DescribeSecurityGroupRules' })).xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item;
    expect(after.map((r: any) => r.securityGroupRuleId)).not.toContain(first);
  });

  it('a change that does not wait (the embedding API) makes it answer again, the state after the change', async () => {
    const first = firstIngressRule((await post(whole, { Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groups[0]! })).xml);
    // Once the first batch (the first group's rules among them) is read, delete one of them before
    // the next slice: a write that bypasses the server's gate, as emulator.store or reset() would.
    const readBatch = store.listRulesWhere;
    let changed = false;
    store.listRulesWhere = (...args) => {
      if (!changed) {
        changed = true;
        setImmediate(() => store.transaction(() => store.deleteRule(first)));
      }
      return readBatch(...args);
    };
    const answer = await post(sliced, { Action: 'DescribeSecurityGroupRules' }).finally(() => (store.listRulesWhere = readBatch));
    expect(changed).toBe(true);
    const ids = answer.xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item.map((r: any) => r.securityGroupRuleId);
    expect(ids).not.toContain(first);
    expect(withoutRequestId(answer.body)).toBe(withoutRequestId((await post(whole, { Action: 'DescribeSecurityGroupRules' })).body));
  });
});

/** The id of the first ingress rule in a DescribeSecurityGroupRules answer. */
function firstIngressRule(xml: Record<string, any>): string {
  return xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item.find((r: any) => r.isEgress === 'false').securityGroupRuleId;
}

describe('the threshold', () => {
  it('an account with fewer rules than it is answered at once, as one string', async () => {
    const app: FastifyInstance = buildApp({ ...common, slicedReadMinRules: 10 * GROUPS * RULES_PER_GROUP });
    const answer = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'Action=DescribeSecurityGroups&Version=2016-11-15' });
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
    await app.close();
  });

  it('a sliced answer is sent in parts, without a length', async () => {
    const answer = await sliced.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'Action=DescribeSecurityGroupRules&Version=2016-11-15' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-length']).toBeUndefined();
    expect(answer.headers['content-type']).toMatch(/^text\/xml/);
    expect(answer.body.endsWith('</DescribeSecurityGroupRulesResponse>')).toBe(true);
  });
});

describe('the evaluation matrix with pauses', () => {
  it('is the matrix computed at once, and other requests are answered meanwhile', async () => {
    const vpcId = (await post(whole, { Action: 'DescribeVpcs' })).xml.DescribeVpcsResponse.vpcSet.item[0].vpcId as string;
    const ask = (app: FastifyInstance) =>
      app.inject({ method: 'POST', url: '/_emulator/evaluate/matrix', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ vpcId }) });
    const order: string[] = [];
    const matrix = ask(sliced).then((answer) => (order.push('matrix'), answer));
    const small = post(sliced, { Action: 'DescribeVpcs' }).then(() => order.push('vpcs'));
    const [a, b] = await Promise.all([matrix, ask(whole), small]);
    expect(order).toEqual(['vpcs', 'matrix']);
    expect(a.statusCode).toBe(200);
    expect(JSON.parse(a.body).groups).toHaveLength(GROUPS + 1);
    expect(a.body).toBe(b.body);
  });
});

describe('GET /_emulator/state in parts', () => {
  it('is exactly the document read in one go', async () => {
    const answer = await sliced.inject({ method: 'GET', url: '/_emulator/state' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.body).toBe(JSON.stringify(store.exportState()));
  });

  it('a write sent while it is read waits: the document is the state before the write', async () => {
    const before = store.exportState();
    const exported = sliced.inject({ method: 'GET', url: '/_emulator/state' });
    const write = post(sliced, { Action: 'DeleteSecurityGroup', GroupId: groups[GROUPS - 1]! });
    const [document, deleted] = await Promise.all([exported.then((answer) => JSON.parse(answer.body)), write]);
    expect(deleted.status).toBe(200);
    expect(document).toEqual(before);
    expect(store.getGroup({ accountId: '000000000000', region: 'us-east-1' }, groups[GROUPS - 1]!)).toBeUndefined();
  });
});
