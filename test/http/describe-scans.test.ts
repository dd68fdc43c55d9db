/**
 * Describe calls over many rules read only what their answer needs: a filter runs inside the store,
 * so the rules handed to the handler are the ones the filter keeps (and, with MaxResults, one page
 * of them plus one), never every rule of the account first. Counted on the store's own answers, not
 * timed (test/unit/store/rule-scans.test.ts covers the store's side).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { openDatabase } from '../../store/db.js';
import type { Scope } from '../../store/records.js';
import { createStore, type Store } from '../../store/store.js';
import { post } from '../helpers/inject.js';

const SCOPE: Scope = { accountId: '000000000000', region: 'us-east-1' };
const RULES_PER_GROUP = 100;
const GROUPS = 40;

/** Rule records the store handed out, by method, since the last reset. */
const handedOut = new Map<string, number>();
function counting(store: Store): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || !/^(listRules|listRulesWhere|rulesOfGroup|getRule)$/.test(String(name))) return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        const count = Array.isArray(result) ? result.length : result === undefined ? 0 : 1;
        handedOut.set(String(name), (handedOut.get(String(name)) ?? 0) + count);
        return result;
      };
    },
  });
}
const rulesHandedOut = () => [...handedOut.values()].reduce((a, b) => a + b, 0);

const store = createStore(openDatabase(':memory:'));
const app = buildApp({ store: counting(store), limits: { ...DEFAULT_LIMITS, rulesPerSecurityGroup: 1000 }, defaultRegion: 'us-east-1', defaultAccountId: SCOPE.accountId });
const groups: string[] = [];
let taggedRule = '';

beforeAll(async () => {
  const vpc = (await post(app, { Action: 'DescribeVpcs' })).xml.DescribeVpcsResponse.vpcSet.item[0].vpcId as string;
  for (let g = 0; g < GROUPS; g++) {
    const created = await post(app, { Action: 'CreateSecurityGroup', GroupName: `g${g}`, GroupDescription: 'd', VpcId: vpc });
    groups.push(created.xml.CreateSecurityGroupResponse.groupId);
    const fields: Record<string, string> = { Action: 'AuthorizeSecurityGroupIngress', GroupId: groups[g]! };
    for (let i = 1; i <= RULES_PER_GROUP; i++) {
      fields[`IpPermissions.${i}.IpProtocol`] = 'tcp';
      fields[`IpPermissions.${i}.FromPort`] = String(1000 + i);
      fields[`IpPermissions.${i}.ToPort`] = String(1000 + i);
      fields[`IpPermissions.${i}.IpRanges.1.CidrIp`] = `10.${g}.${i}.0/24`;
    }
    const authorized = await post(app, fields);
    expect(authorized.status).toBe(200);
    if (g === GROUPS - 1) taggedRule = authorized.xml.AuthorizeSecurityGroupIngressResponse.securityGroupRuleSet.item[7].securityGroupRuleId;
  }
  expect((await post(app, { Action: 'CreateTags', 'ResourceId.1': taggedRule, 'Tag.1.Key': 'Owner', 'Tag.1.Value': 'payments' })).status).toBe(200);
});
afterAll(() => app.close());

async function describeCounting(fields: Record<string, string>) {
  handedOut.clear();
  const answer = await post(app, fields);
  expect(answer.status).toBe(200);
  return { xml: answer.xml, handedOut: rulesHandedOut() };
}

describe(`DescribeSecurityGroupRules over ${(GROUPS * RULES_PER_GROUP).toLocaleString('en-US')} rules`, () => {
  it.each([
    ['tag-key', 'Owner'],
    ['tag:Owner', 'pay*'],
    ['tag-value', 'payments'],
    ['security-group-rule-id', 'RULE'],
    ['security-group-rule-id', 'RULE_PREFIX*'],
  ])('a %s filter (%s) reads only the rule it finds', async (name, value) => {
    const filterValue = value.replace('RULE_PREFIX', taggedRule.slice(0, 12)).replace('RULE', taggedRule);
    const { xml, handedOut: read } = await describeCounting({ Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': name, 'Filter.1.Value.1': filterValue });
    const found = xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item.map((r: any) => r.securityGroupRuleId);
    expect(found).toContain(taggedRule);
    expect(read).toBe(found.length);
  });

  it('a wildcard group-id filter with MaxResults reads one page and one more rule', async () => {
    const { xml, handedOut: read } = await describeCounting({
      Action: 'DescribeSecurityGroupRules',
      'Filter.1.Name': 'group-id',
      'Filter.1.Value.1': 'sg-*',
      MaxResults: '50',
    });
    expect(xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item).toHaveLength(50);
    expect(xml.DescribeSecurityGroupRulesResponse.nextToken).toBeDefined();
    expect(read).toBe(51);
  });

  it('a page of the whole account reads that page and one more rule', async () => {
    const { read } = { read: (await describeCounting({ Action: 'DescribeSecurityGroupRules', MaxResults: '20' })).handedOut };
    expect(read).toBe(21);
  });
});

describe(`DescribeSecurityGroups with rule filters over ${GROUPS} groups of ${RULES_PER_GROUP} rules`, () => {
  it('a cidr filter reads the rules of the one group that has the range', async () => {
    const { xml, handedOut: read } = await describeCounting({
      Action: 'DescribeSecurityGroups',
      'Filter.1.Name': 'ip-permission.cidr',
      'Filter.1.Value.1': '10.7.3.0/24',
    });
    expect(xml.DescribeSecurityGroupsResponse.securityGroupInfo.item.map((g: any) => g.groupId)).toEqual([groups[7]]);
    expect(read).toBe(RULES_PER_GROUP + 1); // and its default egress rule
  });

  it('a port filter every group matches reads, with MaxResults 5, the rules of six groups', async () => {
    const { xml, handedOut: read } = await describeCounting({
      Action: 'DescribeSecurityGroups',
      'Filter.1.Name': 'ip-permission.from-port',
      'Filter.1.Value.1': '1050',
      MaxResults: '5',
    });
    expect(xml.DescribeSecurityGroupsResponse.securityGroupInfo.item).toHaveLength(5);
    expect(read).toBe(6 * (RULES_PER_GROUP + 1));
  });

  it('a filter no rule matches reads no rule at all', async () => {
    const { xml, handedOut: read } = await describeCounting({
      Action: 'DescribeSecurityGroups',
      'Filter.1.Name': 'egress.ip-permission.prefix-list-id',
      'Filter.1.Value.1': 'pl-*',
    });
    expect(xml.DescribeSecurityGroupsResponse.securityGroupInfo).toBe('');
    expect(read).toBe(0);
  });
});
