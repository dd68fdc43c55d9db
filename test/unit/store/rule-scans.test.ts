/**
 * The store's filtered scans (store/narrowing.ts): conditions run inside SQLite, exact values
 * looked up and wildcard values through the request's own matcher; the scans read through the
 * account's index; and an error the matcher throws (the request's work bound) ends the statement,
 * reaches the caller as thrown and leaves the connection usable.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../store/db.js';
import type { RuleSpec, Scope, ValueTest } from '../../../store/records.js';
import { createStore, type Store } from '../../../store/store.js';

const SCOPE: Scope = { accountId: '111122223333', region: 'us-east-1' };
const OTHER: Scope = { accountId: '444455556666', region: 'us-east-1' };

const exact = (...values: string[]): ValueTest => ({ exact: values, test: (v) => values.includes(v) });
const matching = (pattern: RegExp): ValueTest => ({ exact: undefined, test: (v) => pattern.test(v) });
const tcp = (port: number, cidr: string): RuleSpec => ({ protocol: 'tcp', fromPort: port, toPort: port, peer: { kind: 'ipv4', cidr }, description: undefined });

let db: Db;
let store: Store;
let web: string;
let api: string;
let webRules: string[];
let apiRules: string[];
let prepared: string[];

beforeEach(() => {
  db = openDatabase(':memory:');
  prepared = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    prepared.push(source);
    return prepare(source);
  }) as Db['prepare'];
  store = createStore(db);
  for (const scope of [SCOPE, OTHER]) store.ensureScope(scope);
  const vpcId = store.getDefaultVpc(SCOPE)!.vpcId;
  web = store.insertGroup(SCOPE, { groupName: 'web', description: 'd', vpcId, isDefault: false });
  api = store.insertGroup(SCOPE, { groupName: 'api', description: 'd', vpcId, isDefault: false });
  webRules = store.insertRules(SCOPE, web, 'ingress', [tcp(80, '10.0.0.0/8'), tcp(443, '10.0.0.0/8')]).map((r) => r.ruleId);
  apiRules = store.insertRules(SCOPE, api, 'egress', [tcp(5432, '10.1.0.0/16')], [{ key: 'Owner', value: 'data' }]).map((r) => r.ruleId);
  // Another account's rule with the same tag: never part of SCOPE's scans.
  const otherVpc = store.getDefaultVpc(OTHER)!.vpcId;
  const otherGroup = store.insertGroup(OTHER, { groupName: 'web', description: 'd', vpcId: otherVpc, isDefault: false });
  store.insertRules(OTHER, otherGroup, 'egress', [tcp(5432, '10.1.0.0/16')], [{ key: 'Owner', value: 'data' }]);
});
afterEach(() => db.close());

const ids = (rules: { ruleId: string }[]) => rules.map((r) => r.ruleId);

describe('listRulesWhere', () => {
  it('keeps rules by exact and wildcard group id and rule id, in seq order, within the account', () => {
    expect(ids(store.listRulesWhere(SCOPE, [{ on: 'groupId', test: exact(web) }], 0, 100))).toEqual(webRules);
    expect(ids(store.listRulesWhere(SCOPE, [{ on: 'ruleId', test: matching(new RegExp(`^${apiRules[0]}$`)) }], 0, 100))).toEqual(apiRules);
    const all = ids(store.listRulesWhere(SCOPE, [], 0, 100));
    expect(all).toEqual(expect.arrayContaining([...webRules, ...apiRules]));
    expect(store.listRulesWhere(SCOPE, [], 0, 100).every((r) => r.ownerId === SCOPE.accountId)).toBe(true);
  });

  it('keeps rules with a tag whose key and value pass, and reads the rule with all its tags', () => {
    const tagged = store.listRulesWhere(SCOPE, [{ on: 'tag', key: exact('Owner'), value: matching(/^d/) }], 0, 100);
    expect(ids(tagged)).toEqual(apiRules);
    expect(tagged[0]!.tags).toEqual([{ key: 'Owner', value: 'data' }]);
    expect(store.listRulesWhere(SCOPE, [{ on: 'tag', value: exact('nobody') }], 0, 100)).toEqual([]);
    expect(ids(store.listRulesWhere(SCOPE, [{ on: 'tag', key: matching(/^Own/) }], 0, 100))).toEqual(apiRules);
  });

  it('holds every condition together, and pages by seq and limit', () => {
    expect(store.listRulesWhere(SCOPE, [{ on: 'groupId', test: exact(web) }, { on: 'tag', key: exact('Owner') }], 0, 100)).toEqual([]);
    const first = store.listRulesWhere(SCOPE, [{ on: 'groupId', test: exact(web, api) }], 0, 2);
    expect(ids(first)).toEqual(webRules);
    expect(ids(store.listRulesWhere(SCOPE, [{ on: 'groupId', test: exact(web, api) }], first[1]!.seq, 2))).toEqual(apiRules);
  });

  it('an empty exact list keeps nothing, as a filter with no values matches nothing', () => {
    expect(store.listRulesWhere(SCOPE, [{ on: 'groupId', test: exact() }], 0, 100)).toEqual([]);
  });

  it("lets the matcher's error through and stays usable after it", () => {
    const bound = new Error('work bound reached');
    let calls = 0;
    const throwing: ValueTest = {
      exact: undefined,
      test: () => {
        if (++calls === 2) throw bound;
        return true;
      },
    };
    expect(() => store.listRulesWhere(SCOPE, [{ on: 'ruleId', test: throwing }], 0, 100)).toThrow(bound);
    expect(calls).toBe(2);
    expect(ids(store.listRulesWhere(SCOPE, [{ on: 'groupId', test: exact(api) }], 0, 100))).toEqual(apiRules);
  });
});

describe('groupIdsWithRuleWhere', () => {
  it('names the groups with a rule of the direction whose field passes', () => {
    expect(store.groupIdsWithRuleWhere(SCOPE, 'ingress', 'fromPort', exact('443'))).toEqual(new Set([web]));
    expect(store.groupIdsWithRuleWhere(SCOPE, 'egress', 'fromPort', exact('443'))).toEqual(new Set());
    expect(store.groupIdsWithRuleWhere(SCOPE, 'egress', 'ipv4Cidr', matching(/^10\.1\./))).toEqual(new Set([api]));
    expect(store.groupIdsWithRuleWhere(SCOPE, 'ingress', 'protocol', exact('tcp'))).toContain(web);
    // The default group's egress rule (all traffic to 0.0.0.0/0); the store's insertGroup adds none.
    const defaultGroup = store.listGroups(SCOPE).find((g) => g.isDefault)!.groupId;
    expect(store.groupIdsWithRuleWhere(SCOPE, 'egress', 'ipv4Cidr', exact('0.0.0.0/0'))).toEqual(new Set([defaultGroup]));
    expect(store.groupIdsWithRuleWhere(SCOPE, 'ingress', 'prefixListId', matching(/./))).toEqual(new Set());
  });
});

describe('query plans of the filtered scans', () => {
  it('read the account rules through its index, never scanning a whole table', () => {
    store.listRulesWhere(SCOPE, [{ on: 'groupId', test: matching(/sg-/) }, { on: 'tag', key: exact('Owner'), value: matching(/./) }], 0, 10);
    store.listRulesWhere(SCOPE, [{ on: 'ruleId', test: exact(webRules[0]!) }], 0, 10);
    store.groupIdsWithRuleWhere(SCOPE, 'ingress', 'fromPort', matching(/./));
    const scans = prepared.filter((sql) => sql.includes('describe_filter_accepts') || sql.includes('json_each'));
    expect(scans.length).toBeGreaterThanOrEqual(3);
    for (const sql of scans) {
      const parameters = sql.split('?').length - 1;
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...new Array<null>(parameters).fill(null)) as { detail: string }[]).map((r) => r.detail);
      expect(plan.some((step) => /^SEARCH \w+ USING (COVERING )?INDEX/.test(step))).toBe(true);
      expect(plan.filter((step) => /^SCAN (security_group_rules|security_groups|tags)\b/.test(step))).toEqual([]);
    }
  });
});
