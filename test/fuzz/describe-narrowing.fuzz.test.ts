/**
 * DescribeSecurityGroupRules and DescribeSecurityGroups run their filters inside SQLite first (so a
 * filter over 100,000 rules builds only the rules it keeps), then check them again in the handler.
 * Whatever the filters, values, wildcards and page size, paging through the answer must give
 * exactly what the filters alone give over every rule and group the store holds: the reference
 * here applies the compiled filters to everything, in `seq` order, with no narrowing at all.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Filter } from '@aws-sdk/client-ec2';
import { compileFilters } from '../../server/filters.js';
import { SECURITY_GROUP_FILTERS, SECURITY_GROUP_RULE_FILTERS, type GroupWithRules } from '../../server/security-groups/filters.js';
import type { Scope } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { buildTestApp, post } from '../helpers/inject.js';
import { fuzzParameters } from './support.js';

const SCOPE: Scope = { accountId: '000000000000', region: 'us-east-1' };
const { app, store } = buildTestApp({ rulesPerSecurityGroup: 1000 });

const items = (list: any): any[] => (list && Array.isArray(list.item) ? list.item : []);
const must = async (fields: Record<string, string>) => {
  const answer = await post(app, fields);
  if (answer.status !== 200) throw new Error(`${fields.Action}: ${answer.body}`);
  return answer.xml[`${fields.Action}Response`];
};

/** Groups in the default VPC and in a second VPC, with rules of every peer kind, some tagged. */
beforeAll(async () => {
  const defaultVpc = items((await must({ Action: 'DescribeVpcs' })).vpcSet)[0].vpcId as string;
  const otherVpc = (await must({ Action: 'CreateVpc', CidrBlock: '10.20.0.0/16', AmazonProvidedIpv6CidrBlock: 'true' })).vpc.vpcId as string;
  const prefixList = (await must({ Action: 'CreateManagedPrefixList', PrefixListName: 'office', AddressFamily: 'IPv4', MaxEntries: '2' })).prefixList
    .prefixListId as string;
  const groups: string[] = [];
  for (let g = 0; g < 12; g++) {
    const vpc = g % 3 === 2 ? otherVpc : defaultVpc;
    groups.push((await must({ Action: 'CreateSecurityGroup', GroupName: `tier-${g}`, GroupDescription: 'd', VpcId: vpc })).groupId);
  }
  for (let g = 0; g < groups.length; g++) {
    const fields: Record<string, string> = { Action: g % 2 === 0 ? 'AuthorizeSecurityGroupIngress' : 'AuthorizeSecurityGroupEgress', GroupId: groups[g]! };
    const permissions = [
      { IpProtocol: 'tcp', FromPort: String(80 + g), ToPort: String(80 + g), peer: ['IpRanges.1.CidrIp', `10.${g}.0.0/16`] },
      { IpProtocol: 'udp', FromPort: '53', ToPort: '53', peer: ['IpRanges.1.CidrIp', `172.16.${g % 4}.0/24`] },
      { IpProtocol: 'icmp', FromPort: '-1', ToPort: '-1', peer: ['IpRanges.1.CidrIp', '0.0.0.0/0'] },
      { IpProtocol: '-1', FromPort: '-1', ToPort: '-1', peer: ['PrefixListIds.1.PrefixListId', prefixList] },
      { IpProtocol: 'tcp', FromPort: '443', ToPort: String(443 + g), peer: ['Groups.1.GroupId', groups[(g + 3) % groups.length]!] },
    ];
    if (g % 3 === 2) permissions.push({ IpProtocol: 'tcp', FromPort: '22', ToPort: '22', peer: ['Ipv6Ranges.1.CidrIpv6', `2001:db8:${g}::/48`] });
    permissions.forEach((p, i) => {
      const at = `IpPermissions.${i + 1}`;
      fields[`${at}.IpProtocol`] = p.IpProtocol;
      fields[`${at}.FromPort`] = p.FromPort;
      fields[`${at}.ToPort`] = p.ToPort;
      // A rule pair naming a group of another VPC is refused; such a pair stays within the VPC.
      if (p.peer[0]!.startsWith('Groups') && (g % 3 === 2) !== (((g + 3) % groups.length) % 3 === 2)) {
        fields[`${at}.IpRanges.1.CidrIp`] = `192.168.${g}.0/24`;
      } else fields[`${at}.${p.peer[0]}`] = p.peer[1]!;
    });
    const rules = items((await must(fields)).securityGroupRuleSet).map((r) => r.securityGroupRuleId as string);
    rules.forEach((ruleId, i) => {
      if ((g + i) % 3 === 0) store.setTags(SCOPE, ruleId, 'security-group-rule', [{ key: 'Name', value: `rule-${g}-${i}` }]);
      if ((g + i) % 4 === 1) store.setTags(SCOPE, ruleId, 'security-group-rule', [{ key: `team-${g % 2}`, value: i % 2 === 0 ? 'a*b' : 'ab' }]);
    });
  }
});

/** Values drawn from what the store holds, then bent: prefixes with `*`, letters as `?`, escapes, misses. */
function valuesOf(pool: () => string[]): fc.Arbitrary<string[]> {
  return fc.array(
    fc.tuple(fc.nat(), fc.constantFrom('exact', 'prefix*', '*suffix', '?', 'miss', 'escaped', 'star')).map(([n, how]) => {
      const values = pool();
      const value = values.length === 0 ? 'none' : values[n % values.length]!;
      switch (how) {
        case 'exact':
          return value;
        case 'prefix*':
          return `${value.slice(0, Math.ceil(value.length / 2))}*`;
        case '*suffix':
          return `*${value.slice(Math.floor(value.length / 2))}`;
        case '?':
          return value.length > 1 ? `${value.slice(0, -2)}?${value.slice(-1)}` : '?';
        case 'miss': // same length and alphabet, so an id stays well-formed
          return `${value.slice(0, -1)}${value.endsWith('0') ? '1' : '0'}`;
        case 'escaped':
          return value.replaceAll('*', '\\*');
        default:
          return '*';
      }
    }),
    { minLength: 1, maxLength: 3 },
  );
}

const allRules = () => store.listRules(SCOPE);
const allGroups = () => store.listGroups(SCOPE);

const ruleFilter: fc.Arbitrary<Filter> = fc.oneof(
  valuesOf(() => allRules().map((r) => r.groupId)).map((Values) => ({ Name: 'group-id', Values })),
  valuesOf(() => allRules().map((r) => r.ruleId)).map((Values) => ({ Name: 'security-group-rule-id', Values })),
  valuesOf(() => allRules().flatMap((r) => r.tags.map((t) => t.key))).map((Values) => ({ Name: 'tag-key', Values })),
  valuesOf(() => allRules().flatMap((r) => r.tags.map((t) => t.value))).map((Values) => ({ Name: 'tag-value', Values })),
  fc
    .tuple(fc.constantFrom('Name', 'team-0', 'team-1'), valuesOf(() => allRules().flatMap((r) => r.tags.map((t) => t.value))))
    .map(([key, Values]) => ({ Name: `tag:${key}`, Values })),
);

const peerValues = (pick: (r: ReturnType<typeof allRules>[number]) => string | number | undefined) => () =>
  allRules().flatMap((r) => {
    const value = pick(r);
    return value === undefined ? [] : [String(value)];
  });
const groupRuleFilter: fc.Arbitrary<Filter> = fc
  .tuple(
    fc.constantFrom('ip-permission', 'egress.ip-permission'),
    fc.constantFrom(
      ['cidr', peerValues((r) => (r.peer.kind === 'ipv4' ? r.peer.cidr : undefined))] as const,
      ['ipv6-cidr', peerValues((r) => (r.peer.kind === 'ipv6' ? r.peer.cidr : undefined))] as const,
      ['prefix-list-id', peerValues((r) => (r.peer.kind === 'prefixList' ? r.peer.prefixListId : undefined))] as const,
      ['group-id', peerValues((r) => (r.peer.kind === 'group' ? r.peer.groupId : undefined))] as const,
      ['group-name', () => allGroups().map((g) => g.groupName)] as const,
      ['user-id', peerValues((r) => (r.peer.kind === 'group' ? r.peer.userId : undefined))] as const,
      ['protocol', peerValues((r) => r.protocol)] as const,
      ['from-port', peerValues((r) => r.fromPort)] as const,
      ['to-port', peerValues((r) => r.toPort)] as const,
    ),
  )
  .chain(([family, [field, pool]]) => valuesOf(pool).map((Values) => ({ Name: `${family}.${field}`, Values })));
const groupFilter: fc.Arbitrary<Filter> = fc.oneof(
  { weight: 3, arbitrary: groupRuleFilter },
  { weight: 1, arbitrary: valuesOf(() => allGroups().map((g) => g.groupName)).map((Values) => ({ Name: 'group-name', Values })) },
);

function filterFields(filters: readonly Filter[], pageSize: number | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  filters.forEach((filter, i) => {
    fields[`Filter.${i + 1}.Name`] = filter.Name!;
    filter.Values!.forEach((value, j) => (fields[`Filter.${i + 1}.Value.${j + 1}`] = value));
  });
  if (pageSize !== undefined) fields.MaxResults = String(pageSize);
  return fields;
}

/** Every page of the answer, followed by NextToken, as one list of ids. */
async function pagedIds(action: string, fields: Record<string, string>, list: string, id: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const answer = await must({ Action: action, ...fields, ...(token === undefined ? {} : { NextToken: token }) });
    ids.push(...items(answer[list]).map((item) => item[id] as string));
    token = answer.nextToken;
    if (token === undefined) return ids;
  }
  throw new Error('more than 200 pages');
}

function referenceGroups(s: Store, filters: readonly Filter[]): string[] {
  const matches = compileFilters(filters, SECURITY_GROUP_FILTERS);
  const defaultVpcId = s.getDefaultVpc(SCOPE)?.vpcId;
  return s
    .listGroups(SCOPE)
    .filter((group) =>
      matches({
        group,
        rules: s.rulesOfGroup(group.groupId),
        groupNameOf: group.vpcId === defaultVpcId ? (id) => s.getGroup(SCOPE, id)?.groupName : () => undefined,
      } satisfies GroupWithRules),
    )
    .map((group) => group.groupId);
}

const pageSize = fc.option(fc.integer({ min: 5, max: 40 }), { nil: undefined });

describe('filters run inside the store answer what the filters alone answer', () => {
  it('DescribeSecurityGroupRules: every filter combination and page size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ruleFilter, { minLength: 1, maxLength: 3 }), pageSize, async (filters, size) => {
        const expected = allRules().filter(compileFilters(filters, SECURITY_GROUP_RULE_FILTERS)).map((r) => r.ruleId);
        const answered = await pagedIds('DescribeSecurityGroupRules', filterFields(filters, size), 'securityGroupRuleSet', 'securityGroupRuleId');
        expect(answered).toEqual(expected);
      }),
      fuzzParameters(60),
    );
  });

  it('DescribeSecurityGroups: rule filters of both directions, alone and with group filters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(groupFilter, { minLength: 1, maxLength: 3 }), pageSize, async (filters, size) => {
        const answered = await pagedIds('DescribeSecurityGroups', filterFields(filters, size), 'securityGroupInfo', 'groupId');
        expect(answered).toEqual(referenceGroups(store, filters));
      }),
      fuzzParameters(60),
    );
  });

  it('finds something for most generated filters (the property is not vacuous)', () => {
    const hits = fc.sample(fc.array(ruleFilter, { minLength: 1, maxLength: 1 }), 200).filter(
      (filters) => allRules().filter(compileFilters(filters, SECURITY_GROUP_RULE_FILTERS)).length > 0,
    );
    expect(hits.length).toBeGreaterThan(60);
  });
});
