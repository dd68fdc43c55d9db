/**
 * Describe filters on the wire: the FilterLimitExceeded bounds on every action that takes filters
 * (200 values in all, 200 filters, and the matching work of one request), the backslash escapes of
 * filter values, and the request shape that once held the event loop for seconds.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { OPERATION_SHAPES } from '../../protocol/shapes.js';
import { buildTestApp, filterFields, items, post, rawClient, type Fields } from '../helpers/inject.js';

const TOO_MANY_VALUES = 'The maximum number of filter values specified on a single call is 200';
const TOO_MANY_FILTERS = 'The request uses too many filters or too many filter values.';

/** Every action whose input takes `Filter.N`, from the shape table. */
const FILTERED_ACTIONS = Object.entries(OPERATION_SHAPES)
  .filter(([, shapes]) => 'Filters' in shapes.input.members)
  .map(([action]) => action);

const values = (count: number, make: (i: number) => string = (i) => `v${i}`): string[] => Array.from({ length: count }, (_, i) => make(i));

let app: FastifyInstance;
let ec2: ReturnType<typeof rawClient>;
/** Fields an action needs besides its filters. */
let required: Record<string, Fields>;

beforeEach(async () => {
  ({ app } = buildTestApp());
  ec2 = rawClient(app);
  const vpcs = await ec2.ok('DescribeVpcs');
  required = { GetSecurityGroupsForVpc: { VpcId: items(vpcs.vpcSet)[0]!.vpcId } };
});

const describeWith = (action: string, fields: Fields) => ec2.call(action, { ...required[action], ...fields });

/** A filter each action documents: `tag:Name` wherever tags are taken. */
const FILTER_OF: Record<string, string> = {
  DescribeAvailabilityZones: 'group-name',
  DescribePrefixLists: 'prefix-list-name',
  DescribeSecurityGroupVpcAssociations: 'group-owner-id',
  GetSecurityGroupsForVpc: 'group-name',
};

describe('FilterLimitExceeded', () => {
  it('is served on every action that takes filters', () => {
    expect(FILTERED_ACTIONS).toEqual(expect.arrayContaining(['DescribeSecurityGroups', 'DescribeSecurityGroupRules', 'DescribeTags', 'DescribeVpcs']));
    expect(FILTERED_ACTIONS.length).toBeGreaterThanOrEqual(14);
  });

  it.each(FILTERED_ACTIONS)('%s takes 200 values in all and refuses 201', async (action) => {
    const name = FILTER_OF[action] ?? 'tag:Name';
    const within = await describeWith(action, filterFields([name, ...values(150)], [name, ...values(50)]));
    expect([action, within.status]).toEqual([action, 200]);
    await ec2.fails(action, { ...required[action], ...filterFields([name, ...values(201)]) }, 'FilterLimitExceeded', TOO_MANY_VALUES);
    await ec2.fails(action, { ...required[action], ...filterFields([name, ...values(150)], [name, ...values(51)]) }, 'FilterLimitExceeded', TOO_MANY_VALUES);
  });

  it('counts repeated values, and checks the bound before filter names and values', async () => {
    await ec2.fails('DescribeSecurityGroups', filterFields(['group-name', ...values(201, () => 'same')]), 'FilterLimitExceeded', TOO_MANY_VALUES);
    await ec2.fails('DescribeSecurityGroups', filterFields(['no-such-filter', ...values(201)]), 'FilterLimitExceeded', TOO_MANY_VALUES);
    await ec2.fails('DescribeSecurityGroupRules', filterFields(['group-id', ...values(201)]), 'FilterLimitExceeded', TOO_MANY_VALUES);
    // Within the bound, the per-filter checks answer as before.
    await ec2.fails('DescribeSecurityGroups', filterFields(['no-such-filter', ...values(200)]), 'InvalidParameterValue', "The filter 'no-such-filter' is invalid");
  });

  it('takes 200 filters without values and refuses 201, with the text of the EC2 error list', async () => {
    const names = (count: number): Fields => Object.fromEntries(values(count).map((_, i) => [`Filter.${i + 1}.Name`, 'group-name']));
    const within = await ec2.ok('DescribeSecurityGroups', names(200));
    expect(items(within.securityGroupInfo)).toEqual([]); // a filter without values matches nothing
    await ec2.fails('DescribeSecurityGroups', names(201), 'FilterLimitExceeded', TOO_MANY_FILTERS);
  });

  it('refuses a request whose wildcard values would each scan every long name in full, and serves the next one', async () => {
    // 200 names of 246 characters and 200 values of 120 `a?` each: some 2,000 steps a name and
    // value, 80 million in all, past the bound of one request. (Each value has its own number of
    // leading stars, so none is folded into another.)
    for (let i = 0; i < 200; i++) await ec2.ok('CreateSecurityGroup', { GroupName: `${'a'.repeat(240)}${String(i).padStart(6, '0')}`, GroupDescription: 'd' });
    const costly = values(200, (i) => `${'*'.repeat(i + 1)}${'a?'.repeat(120)}1?a*`);
    await ec2.fails('DescribeSecurityGroups', filterFields(['group-name', ...costly]), 'FilterLimitExceeded', TOO_MANY_FILTERS);
    const cheap = await ec2.ok('DescribeSecurityGroups', filterFields(['group-name', ...values(200, (i) => `${'a'.repeat(240)}000${String(i).padStart(3, '0')}`)]));
    expect(items(cheap.securityGroupInfo)).toHaveLength(200);
  });
});

describe('backslash escapes in filter values', () => {
  async function groupNames(fields: Fields): Promise<string[]> {
    const answer = await ec2.ok('DescribeSecurityGroups', fields);
    return items(answer.securityGroupInfo)
      .map((g) => String(g.groupName))
      .sort();
  }

  it('\\* and \\? stand for the characters on DescribeSecurityGroups', async () => {
    for (const name of ['a*b', 'axb', 'a.b']) await ec2.ok('CreateSecurityGroup', { GroupName: name, GroupDescription: `about ${name}` });
    expect(await groupNames(filterFields(['group-name', 'a\\*b']))).toEqual(['a*b']);
    expect(await groupNames(filterFields(['group-name', 'a*b']))).toEqual(['a*b', 'a.b', 'axb']);
    expect(await groupNames(filterFields(['group-name', 'a?b']))).toEqual(['a*b', 'a.b', 'axb']);
    expect(await groupNames(filterFields(['group-name', 'a\\?b']))).toEqual([]);
    expect(await groupNames(filterFields(['description', '*\\*b']))).toEqual(['a*b']);
  });

  it('\\*, \\?, \\\\ and a backslash escaping nothing on DescribeTags and tag:<key>', async () => {
    const created = await ec2.ok('CreateSecurityGroup', { GroupName: 'tagged', GroupDescription: 'd' });
    const tagValues = ['*', '?', '\\', '\\x', 'x', 'a\\', '*amazon?\\'];
    const tags: Fields = { 'ResourceId.1': created.groupId };
    tagValues.forEach((value, i) => {
      tags[`Tag.${i + 1}.Key`] = `k${i}`;
      tags[`Tag.${i + 1}.Value`] = value;
    });
    await ec2.ok('CreateTags', tags);
    const matchingValues = async (value: string): Promise<string[]> => {
      const answer = await ec2.ok('DescribeTags', filterFields(['resource-id', created.groupId], ['value', value]));
      return items(answer.tagSet).map((t) => String(t.value));
    };
    expect(await matchingValues('\\*')).toEqual(['*']);
    expect(await matchingValues('\\?')).toEqual(['?']);
    expect(await matchingValues('\\\\')).toEqual(['\\']);
    expect(await matchingValues('\\\\*')).toEqual(['\\', '\\x']);
    expect(await matchingValues('\\x')).toEqual(['\\x']);
    expect(await matchingValues('a\\')).toEqual(['a\\']);
    expect(await matchingValues('\\*amazon\\?\\\\')).toEqual(['*amazon?\\']); // the EC2 reference's example
    expect(await matchingValues('?')).toEqual(['*', '?', '\\', 'x']);
    expect(await matchingValues('*')).toEqual(tagValues);
    expect(await groupNames(filterFields(['tag:k2', '\\\\']))).toEqual(['tagged']);
    expect(await groupNames(filterFields(['tag:k0', '\\?']))).toEqual([]);
  });
});

describe('the request that once froze the server', () => {
  it('answers 40 values `*aaa…b` over 2,000 groups with 246-character names', async () => {
    const names = values(2000, (i) => `${String(i).padStart(5, '0')}${'a'.repeat(240)}${i % 100 === 0 ? 'b' : 'c'}`);
    for (const name of names) await ec2.ok('CreateSecurityGroup', { GroupName: name, GroupDescription: 'd' });
    const freeze = values(40, (k) => `*${'a'.repeat(120 - k)}b`);
    const answer = await post(app, { Action: 'DescribeSecurityGroups', ...filterFields(['group-name', ...freeze]) });
    expect(answer.status).toBe(200);
    const found = items(answer.xml.DescribeSecurityGroupsResponse.securityGroupInfo).map((g) => String(g.groupName));
    expect(found).toEqual(names.filter((name) => name.endsWith('b')));
    expect(found).toHaveLength(20);
  });
});
