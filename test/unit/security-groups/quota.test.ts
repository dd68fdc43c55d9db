import { describe, expect, it } from 'vitest';
import { ruleWeights } from '../../../server/security-groups/quota.js';
import { Realism } from '../../../server/realism.js';
import { DEFAULT_LIMITS } from '../../../server/limits.js';
import type { Deps, RequestContext } from '../../../server/context.js';
import { openDatabase } from '../../../store/db.js';
import type { RuleSpec } from '../../../store/records.js';
import { createStore } from '../../../store/store.js';

const SCOPE = { accountId: '000000000000', region: 'us-east-1' };

describe('rule quota counting', () => {
  const store = createStore(openDatabase(':memory:'));
  store.ensureScope(SCOPE);
  const deps: Deps = { store, limits: DEFAULT_LIMITS, realism: new Realism() };
  const ctx: RequestContext = { requestId: 'r', action: 'AuthorizeSecurityGroupEgress', scope: SCOPE };
  const vpcId = store.getDefaultVpc(SCOPE)!.vpcId;
  const groupId = store.insertGroup(SCOPE, { groupName: 'counted', description: 'd', vpcId, isDefault: false });
  const peerGroup = store.insertGroup(SCOPE, { groupName: 'peer', description: 'd', vpcId, isDefault: false });
  const v6List = store.insertCustomerPrefixList(SCOPE, {
    name: 'v6',
    addressFamily: 'IPv6',
    maxEntries: 7,
    entries: [],
    clientToken: undefined,
    requestHash: undefined,
  });
  const v4List = store.insertCustomerPrefixList(SCOPE, {
    name: 'v4',
    addressFamily: 'IPv4',
    maxEntries: 5,
    entries: [],
    clientToken: undefined,
    requestHash: undefined,
  });
  const tcp = (port: number) => ({ protocol: 'tcp', fromPort: port, toPort: port, description: undefined });
  const rules: RuleSpec[] = [
    { ...tcp(1), peer: { kind: 'ipv4', cidr: '10.0.0.0/16' } },
    { ...tcp(2), peer: { kind: 'ipv4', cidr: '10.1.0.0/16' } },
    { ...tcp(3), peer: { kind: 'ipv6', cidr: '::/0' } },
    { ...tcp(4), peer: { kind: 'group', groupId: peerGroup, userId: SCOPE.accountId } },
    { ...tcp(5), peer: { kind: 'prefixList', prefixListId: v6List } },
    { ...tcp(6), peer: { kind: 'prefixList', prefixListId: v4List } },
  ];
  store.insertRules(SCOPE, groupId, 'egress', rules);

  it('counts a CIDR in its family, a group in both, a prefix list by its MaxEntries in its family', () => {
    const expected = { ipv4: 2 + 1 + 5, ipv6: 1 + 1 + 7 };
    expect(store.ruleQuotaUsage(groupId, 'egress')).toEqual(expected);
    expect(ruleWeights(ctx, deps, store.rulesOfGroup(groupId).filter((r) => r.direction === 'egress'))).toEqual(expected);
  });

  it('counts a list at the size it is about to take when asked to', () => {
    const resized = ruleWeights(ctx, deps, rules, { prefixListId: v6List, maxEntries: 20 });
    expect(resized).toEqual({ ipv4: 2 + 1 + 5, ipv6: 1 + 1 + 20 });
  });

  it('counts nothing for a direction without rules', () => {
    expect(store.ruleQuotaUsage(groupId, 'ingress')).toEqual({ ipv4: 0, ipv6: 0 });
  });

  it('finds an existing rule whatever its description, and only in its own direction', () => {
    expect(store.ruleExists(groupId, 'egress', { ...tcp(1), peer: { kind: 'ipv4', cidr: '10.0.0.0/16' } })).toBe(true);
    expect(store.ruleExists(groupId, 'ingress', { ...tcp(1), peer: { kind: 'ipv4', cidr: '10.0.0.0/16' } })).toBe(false);
    expect(store.ruleExists(groupId, 'egress', { ...tcp(1), peer: { kind: 'ipv4', cidr: '10.9.0.0/16' } })).toBe(false);
  });
});
