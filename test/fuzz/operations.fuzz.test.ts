/**
 * Property tests per operation, through app.inject: requests walked from each action's input shape
 * (protocol/shapes.ts), and valid requests with fields mutated one to three at a time (dropped,
 * replaced with hostile values, repeated, re-indexed, re-cased, DryRun added, another Action).
 *
 * The invariants of support.ts hold for every answer; in particular a refused request, however far
 * into the handler it got (a duplicate found after other rules were checked, a quota reached on the
 * third permission), leaves the store exactly as it was: nothing is ever half-applied.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { OPERATION_SHAPES, type OperationName } from '../../protocol/shapes.js';
import { OPERATIONS } from '../../server/operations.js';
import { buildTestApp, parseXml } from '../helpers/inject.js';
import { idRef, inputPairs, resolveIds, type KnownIds, type Pair } from './shape-arbitraries.js';
import { EC2_VERSION, expectWellFormedAnswer, firstValue, fuzzParameters, nastyString, postForm, send, storeWatcher } from './support.js';

const ACTIONS = [...OPERATIONS.keys()] as OperationName[];
/**
 * Cases per app: successes grow the store, and every case exports it twice; starting over on a
 * fresh app keeps a soak run (FUZZ_SCALE) linear in its case count.
 */
const CASES_PER_APP = 400;

async function call(app: FastifyInstance, action: string, fields: Record<string, string>): Promise<Record<string, any>> {
  const answer = await send(app, postForm([['Action', action], ['Version', EC2_VERSION], ...Object.entries(fields)]));
  expect(answer.status, answer.body).toBe(200);
  return parseXml(answer.body)[`${action}Response`];
}

/** An app with a few resources of each kind, and their ids for plausible requests. */
async function seededApp(limits: { rulesPerSecurityGroup?: number }) {
  const { app, store } = buildTestApp(limits);
  const vpc = (await call(app, 'CreateVpc', { CidrBlock: '10.20.0.0/16' })).vpc.vpcId as string;
  const groupIds: string[] = [];
  const groupNames = ['fuzz-a', 'fuzz-b', 'fuzz-c'];
  for (const name of groupNames) {
    groupIds.push((await call(app, 'CreateSecurityGroup', { GroupName: name, GroupDescription: 'fuzz & co', VpcId: vpc })).groupId);
  }
  const authorized = await call(app, 'AuthorizeSecurityGroupIngress', {
    GroupId: groupIds[0]!,
    'IpPermissions.1.IpProtocol': 'tcp',
    'IpPermissions.1.FromPort': '22',
    'IpPermissions.1.ToPort': '22',
    'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8',
    'IpPermissions.1.IpRanges.2.CidrIp': '192.168.0.0/16',
  });
  const egress = await call(app, 'DescribeSecurityGroupRules', { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groupIds[1]! });
  const ruleIds = [
    ...authorized.securityGroupRuleSet.item.map((rule: { securityGroupRuleId: string }) => rule.securityGroupRuleId),
    ...egress.securityGroupRuleSet.item.map((rule: { securityGroupRuleId: string }) => rule.securityGroupRuleId),
  ];
  const prefixList = (
    await call(app, 'CreateManagedPrefixList', {
      PrefixListName: 'fuzz',
      AddressFamily: 'IPv4',
      MaxEntries: '5',
      'Entry.1.Cidr': '10.1.0.0/16',
    })
  ).prefixList.prefixListId as string;
  const defaults = await call(app, 'DescribeVpcs', {});
  const vpcIds = defaults.vpcSet.item.map((v: { vpcId: string }) => v.vpcId);
  // The default VPC's default group cannot be deleted, so some plausible group outlives the run.
  const defaultGroup = await call(app, 'DescribeSecurityGroups', { 'GroupName.1': 'default' });
  groupIds.push(defaultGroup.securityGroupInfo.item[0].groupId);
  const known: KnownIds = { groupIds, groupNames, ruleIds, vpcIds, prefixListIds: [prefixList] };
  return { app, store, known, watcher: storeWatcher(store) };
}

describe('requests walked from each operation shape', () => {
  it('answers random inputs of every action with a well-formed document and never half-applies one', async () => {
    let setup = await seededApp({ rulesPerSecurityGroup: 8 });
    let cases = 0;
    const outcomes = { succeeded: 0, refused: 0 };
    const byAction = new Map(ACTIONS.map((action) => [action, inputPairs(OPERATION_SHAPES[action].input)]));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ACTIONS).chain((action) => fc.tuple(fc.constant(action), byAction.get(action)!)),
        async ([action, pairs]) => {
          if (++cases % CASES_PER_APP === 0) setup = await seededApp({ rulesPerSecurityGroup: 8 });
          const request = postForm([['Action', action], ['Version', EC2_VERSION], ...resolveIds(pairs, setup.known)]);
          const verdict = expectWellFormedAnswer(await send(setup.app, request), { action, version: EC2_VERSION });
          setup.watcher.afterRequest(verdict, String(request.payload).slice(0, 400));
          outcomes[verdict.succeeded ? 'succeeded' : 'refused']++;
        },
      ),
      fuzzParameters(2500),
    );
    // Both sides of the handlers are reached, not only the parser's refusals.
    expect(outcomes.succeeded).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
  });
});

describe('valid requests with mutated fields', () => {
  const name = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 1, maxLength: 20 });
  const cidr = fc
    .tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 32 }))
    .map(([a, b, bits]) => `${a}.${b}.0.0/${bits}`);
  const tagValue = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('&<>"\'', 'a&amp;b', '😀 ünïcode'));

  function templates(): fc.Arbitrary<Pair[]> {
    const group = idRef('groupIds');
    const ruleId = idRef('ruleIds');
    const permission = fc
      .tuple(fc.constantFrom('tcp', 'udp', '-1', 'icmp'), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }), fc.array(cidr, { minLength: 1, maxLength: 3 }))
      .map(([protocol, a, b, cidrs]): Pair[] => [
        ['IpPermissions.1.IpProtocol', protocol],
        ['IpPermissions.1.FromPort', String(protocol === 'icmp' ? -1 : Math.min(a, b))],
        ['IpPermissions.1.ToPort', String(protocol === 'icmp' ? -1 : Math.max(a, b))],
        ...cidrs.map((c, i): Pair => [`IpPermissions.1.IpRanges.${i + 1}.CidrIp`, c]),
      ]);
    return fc.oneof(
      fc
        .tuple(fc.constantFrom('AuthorizeSecurityGroupEgress', 'AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'RevokeSecurityGroupIngress'), group, permission)
        .map(([action, groupId, rule]): Pair[] => [['Action', action], ['GroupId', groupId], ...rule]),
      fc.tuple(name, idRef('vpcIds'), tagValue).map(([groupName, vpcId, value]): Pair[] => [
        ['Action', 'CreateSecurityGroup'],
        ['GroupName', groupName],
        ['GroupDescription', 'made & mutated'],
        ['VpcId', vpcId],
        ['TagSpecification.1.ResourceType', 'security-group'],
        ['TagSpecification.1.Tag.1.Key', 'Name'],
        ['TagSpecification.1.Tag.1.Value', value],
      ]),
      fc.tuple(fc.constantFrom('CreateTags', 'DeleteTags'), group, name, tagValue).map(([action, groupId, key, value]): Pair[] => [
        ['Action', action],
        ['ResourceId.1', groupId],
        ['Tag.1.Key', key],
        ['Tag.1.Value', value],
      ]),
      fc.tuple(group, fc.integer({ min: 5, max: 1000 })).map(([groupId, max]): Pair[] => [
        ['Action', 'DescribeSecurityGroupRules'],
        ['Filter.1.Name', 'group-id'],
        ['Filter.1.Value.1', groupId],
        ['MaxResults', String(max)],
      ]),
      fc.tuple(group, ruleId, cidr, fc.integer({ min: 0, max: 65535 })).map(([groupId, id, c, p]): Pair[] => [
        ['Action', 'ModifySecurityGroupRules'],
        ['GroupId', groupId],
        ['SecurityGroupRule.1.SecurityGroupRuleId', id],
        ['SecurityGroupRule.1.SecurityGroupRule.IpProtocol', 'tcp'],
        ['SecurityGroupRule.1.SecurityGroupRule.FromPort', String(p)],
        ['SecurityGroupRule.1.SecurityGroupRule.ToPort', String(p)],
        ['SecurityGroupRule.1.SecurityGroupRule.CidrIpv4', c],
      ]),
      fc.tuple(fc.constantFrom('Egress', 'Ingress'), group, ruleId, name).map(([direction, groupId, id, text]): Pair[] => [
        ['Action', `UpdateSecurityGroupRuleDescriptions${direction}`],
        ['GroupId', groupId],
        ['SecurityGroupRuleDescription.1.SecurityGroupRuleId', id],
        ['SecurityGroupRuleDescription.1.Description', text],
      ]),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 28 })).map(([b, bits]): Pair[] => [
        ['Action', 'CreateVpc'],
        ['CidrBlock', `10.${b}.0.0/${bits}`],
      ]),
      fc.tuple(name, cidr).map(([listName, c]): Pair[] => [
        ['Action', 'CreateManagedPrefixList'],
        ['PrefixListName', listName],
        ['AddressFamily', 'IPv4'],
        ['MaxEntries', '3'],
        ['Entry.1.Cidr', c],
      ]),
      fc.tuple(fc.integer({ min: 1, max: 4 }), cidr).map(([version, c]): Pair[] => [
        ['Action', 'ModifyManagedPrefixList'],
        ['PrefixListId', '{{prefixListIds:0}}'],
        ['CurrentVersion', String(version)],
        ['AddEntry.1.Cidr', c],
      ]),
      group.map((groupId): Pair[] => [['Action', 'DeleteSecurityGroup'], ['GroupId', groupId]]),
    );
  }

  type Mutation = (pairs: Pair[]) => Pair[];
  const at = (pairs: Pair[], n: number) => n % pairs.length;
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.nat().map((n): Mutation => (pairs) => pairs.filter((_, i) => i !== at(pairs, n) || pairs[i]![0] === 'Action')),
    fc.tuple(fc.nat(), nastyString).map(([n, value]): Mutation => (pairs) => pairs.map((p, i) => (i === at(pairs, n) ? [p[0], value] : p))),
    fc.tuple(fc.nat(), nastyString, fc.boolean()).map(([n, value, before]): Mutation => (pairs) => {
      const [key] = pairs[at(pairs, n)]!;
      return before ? [[key, value], ...pairs] : [...pairs, [key, value]];
    }),
    fc
      .tuple(fc.nat(), fc.constantFrom('0', '-1', '999999999', '99999999999999999999', '01', '2', '7'))
      .map(([n, index]): Mutation => (pairs) => pairs.map((p, i) => (i === at(pairs, n) ? [p[0].replace(/\.\d+(\.|$)/, `.${index}$1`), p[1]] : p))),
    fc.nat().map((n): Mutation => (pairs) => pairs.map((p, i) => (i === at(pairs, n) ? [p[0].toLowerCase(), p[1]] : p))),
    fc.tuple(nastyString, nastyString).map(([key, value]): Mutation => (pairs) => [...pairs, [key, value]]),
    fc.constantFrom('true', 'false', 'TRUE', '1', '').map((value): Mutation => (pairs) => [...pairs, ['DryRun', value]]),
    fc.constantFrom(...ACTIONS).map((action): Mutation => (pairs) => pairs.map((p) => (p[0] === 'Action' ? ['Action', action] : p))),
  );

  it('answers every mutation of a valid request and changes nothing when it refuses one', async () => {
    let setup = await seededApp({ rulesPerSecurityGroup: 10 });
    let cases = 0;
    const outcomes = { succeeded: 0, refused: 0, dryRuns: 0 };
    await fc.assert(
      fc.asyncProperty(templates(), fc.array(mutation, { maxLength: 3 }), async (template, mutations) => {
        if (++cases % CASES_PER_APP === 0) setup = await seededApp({ rulesPerSecurityGroup: 10 });
        const pairs = resolveIds(
          mutations.reduce((current, mutate) => mutate(current), template),
          setup.known,
        );
        const request = postForm([...pairs, ['Version', EC2_VERSION]]);
        const verdict = expectWellFormedAnswer(await send(setup.app, request), { action: firstValue(pairs, 'Action'), version: EC2_VERSION });
        setup.watcher.afterRequest(verdict, String(request.payload).slice(0, 400));
        outcomes[verdict.succeeded ? 'succeeded' : 'refused']++;
        if (verdict.code === 'DryRunOperation') outcomes.dryRuns++;
      }),
      fuzzParameters(2000),
    );
    expect(outcomes.succeeded).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.dryRuns).toBeGreaterThan(0);
  });
});
