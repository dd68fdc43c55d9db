/**
 * What DescribeSecurityGroups reads from the store: only the rules its answer or its filters need.
 * A lookup by name and VPC (Ansible, Terraform data sources) or one page of groups must not read
 * every rule of the account; with 100,000 rules that is the difference between milliseconds and
 * a third of a second. Checked by counting store calls, not by timing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, parseXml, post } from '../helpers/inject.js';

async function storeWithGroups(count: number) {
  const { app, store } = buildTestApp();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await post(app, { Action: 'CreateSecurityGroup', GroupName: `g${i}`, GroupDescription: 'd' });
    ids.push(created.xml.CreateSecurityGroupResponse.groupId as string);
  }
  return { app, store, ids };
}

const groupIdsOf = (body: string): string[] =>
  ((parseXml(body).DescribeSecurityGroupsResponse.securityGroupInfo?.item ?? []) as { groupId: string }[]).map((g) => g.groupId);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('DescribeSecurityGroups reads', () => {
  it("only the matching group's rules for a lookup by group-name and vpc-id", async () => {
    const { app, store, ids } = await storeWithGroups(30);
    const vpcId = store.getGroupFacts({ accountId: '000000000000', region: 'us-east-1' }, ids[0]!)!.vpcId;
    const listRules = vi.spyOn(store, 'listRules');
    const rulesOfGroup = vi.spyOn(store, 'rulesOfGroup');
    const answer = await post(app, {
      Action: 'DescribeSecurityGroups',
      'Filter.1.Name': 'group-name',
      'Filter.1.Value.1': 'g7',
      'Filter.2.Name': 'vpc-id',
      'Filter.2.Value.1': vpcId,
    });
    expect(groupIdsOf(answer.body)).toEqual([ids[7]]);
    expect(listRules).not.toHaveBeenCalled();
    expect(rulesOfGroup.mock.calls).toEqual([[ids[7]]]);
  });

  it("only the page's groups' rules for a page without rule filters", async () => {
    const { app, store, ids } = await storeWithGroups(30);
    const listRules = vi.spyOn(store, 'listRules');
    const rulesOfGroup = vi.spyOn(store, 'rulesOfGroup');
    const answer = await post(app, { Action: 'DescribeSecurityGroups', MaxResults: '5' });
    const page = groupIdsOf(answer.body);
    expect(page).toHaveLength(5);
    expect(listRules).not.toHaveBeenCalled();
    expect(rulesOfGroup.mock.calls.map(([groupId]) => groupId)).toEqual(page);
    // The rules are still there: each new group's default egress rule.
    expect(answer.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item[0].ipPermissionsEgress.item).toHaveLength(1);
    // In creation order: the default VPC's default group (made on first use), then g0..g3.
    expect(page.slice(1)).toEqual(ids.slice(0, 4));
  });

  it('one query per group for a page of many groups out of many more', async () => {
    const { app, store } = await storeWithGroups(60);
    const listRules = vi.spyOn(store, 'listRules');
    const rulesOfGroup = vi.spyOn(store, 'rulesOfGroup');
    const answer = await post(app, { Action: 'DescribeSecurityGroups', MaxResults: '25' });
    expect(groupIdsOf(answer.body)).toHaveLength(25);
    expect(listRules).not.toHaveBeenCalled();
    expect(rulesOfGroup).toHaveBeenCalledTimes(25);
  });

  it('all rules once when a rule filter has to look at many groups', async () => {
    const { app, store } = await storeWithGroups(30);
    const listRules = vi.spyOn(store, 'listRules');
    const answer = await post(app, { Action: 'DescribeSecurityGroups', 'Filter.1.Name': 'egress.ip-permission.cidr', 'Filter.1.Value.1': '0.0.0.0/0' });
    // The 30 groups and the default VPC's default group all allow all egress to 0.0.0.0/0.
    expect(groupIdsOf(answer.body)).toHaveLength(31);
    expect(listRules).toHaveBeenCalledTimes(1);
  });
});

describe('DescribeSecurityGroupRules reads', () => {
  const ruleIdsOf = (body: string): string[] =>
    ((parseXml(body).DescribeSecurityGroupRulesResponse.securityGroupRuleSet?.item ?? []) as { securityGroupRuleId: string }[]).map(
      (r) => r.securityGroupRuleId,
    );

  it('one page at a time without filters: the pages add up to the unpaged answer, and no page reads every rule', async () => {
    const { app, store } = await storeWithGroups(12);
    const everything = ruleIdsOf((await post(app, { Action: 'DescribeSecurityGroupRules' })).body);
    // 12 groups with one egress rule each, and the default group's two rules.
    expect(everything).toHaveLength(14);
    const listRules = vi.spyOn(store, 'listRules');
    const paged: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const answer = await post(app, { Action: 'DescribeSecurityGroupRules', MaxResults: '5', ...(token ? { NextToken: token } : {}) });
      paged.push(...ruleIdsOf(answer.body));
      token = answer.xml.DescribeSecurityGroupRulesResponse.nextToken as string | undefined;
      pages += 1;
    } while (token);
    expect(paged).toEqual(everything);
    expect(pages).toBe(3);
    expect(listRules).not.toHaveBeenCalled();
  });
});
