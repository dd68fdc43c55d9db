import { describe, expect, it } from 'vitest';
import { compileFilters, namedValueCheck, type FilterTable } from '../../../server/filters.js';
import { SECURITY_GROUP_FILTERS, SECURITY_GROUP_RULE_FILTERS, type GroupWithRules } from '../../../server/security-groups/filters.js';
import type { GroupRecord, RuleRecord, Tag } from '../../../store/records.js';
import { thrownEc2Error } from '../../helpers/errors.js';

interface Thing {
  readonly name: string;
  readonly colours: readonly string[];
  readonly size?: string;
  readonly tags: readonly Tag[];
}

const TABLE: FilterTable<Thing> = {
  tags: (t) => t.tags,
  filters: {
    name: { values: (t) => [t.name] },
    colour: { values: (t) => t.colours },
    size: { values: (t) => [t.size], validate: namedValueCheck('size', (v) => /^[0-9]+$/.test(v)) },
  },
};

const THINGS: Thing[] = [
  { name: 'web-1', colours: ['red', 'blue'], size: '10', tags: [{ key: 'Name', value: 'web' }, { key: 'env', value: 'prod' }] },
  { name: 'web-2', colours: ['green'], size: '20', tags: [{ key: 'env', value: 'dev' }] },
  { name: 'db', colours: [], tags: [] },
  { name: 'a.b', colours: ['(x)'], size: '3', tags: [{ key: 'Name', value: '' }] },
];

function select(filters: Array<{ Name?: string; Values?: string[] }> | undefined): string[] {
  const matches = compileFilters(filters, TABLE);
  return THINGS.filter(matches).map((t) => t.name);
}

describe('compileFilters', () => {
  it('matches everything without filters', () => {
    expect(select(undefined)).toEqual(['web-1', 'web-2', 'db', 'a.b']);
    expect(select([])).toEqual(['web-1', 'web-2', 'db', 'a.b']);
  });

  it('ORs the values of one filter', () => {
    expect(select([{ Name: 'name', Values: ['db', 'web-2'] }])).toEqual(['web-2', 'db']);
  });

  it('ANDs different filters', () => {
    expect(select([{ Name: 'name', Values: ['web-1', 'web-2'] }, { Name: 'colour', Values: ['green'] }])).toEqual(['web-2']);
    expect(select([{ Name: 'name', Values: ['db'] }, { Name: 'colour', Values: ['green'] }])).toEqual([]);
  });

  it('matches when any of the record values matches', () => {
    expect(select([{ Name: 'colour', Values: ['blue'] }])).toEqual(['web-1']);
  });

  it('matches nothing for a filter with no values', () => {
    expect(select([{ Name: 'name', Values: [] }])).toEqual([]);
    expect(select([{ Name: 'name' }])).toEqual([]);
  });

  it('compares exactly and case-sensitively without wildcards', () => {
    expect(select([{ Name: 'name', Values: ['WEB-1'] }])).toEqual([]);
    expect(select([{ Name: 'name', Values: ['web'] }])).toEqual([]);
  });

  it('treats * as any run of characters, including none', () => {
    expect(select([{ Name: 'name', Values: ['web*'] }])).toEqual(['web-1', 'web-2']);
    expect(select([{ Name: 'name', Values: ['*'] }])).toEqual(['web-1', 'web-2', 'db', 'a.b']);
    expect(select([{ Name: 'name', Values: ['web-1*'] }])).toEqual(['web-1']);
    expect(select([{ Name: 'name', Values: ['*b'] }])).toEqual(['db', 'a.b']);
  });

  it('treats ? as exactly one character', () => {
    expect(select([{ Name: 'name', Values: ['web-?'] }])).toEqual(['web-1', 'web-2']);
    expect(select([{ Name: 'name', Values: ['d?'] }])).toEqual(['db']);
    expect(select([{ Name: 'name', Values: ['web?'] }])).toEqual([]);
  });

  it('treats regular-expression characters literally', () => {
    expect(select([{ Name: 'name', Values: ['a?b'] }])).toEqual(['a.b']);
    expect(select([{ Name: 'name', Values: ['a.*'] }])).toEqual(['a.b']);
    expect(select([{ Name: 'name', Values: ['.*'] }])).toEqual([]);
    expect(select([{ Name: 'colour', Values: ['(*)'] }])).toEqual(['a.b']);
  });

  it('rejects an unknown filter name', () => {
    expect(thrownEc2Error(() => compileFilters([{ Name: 'x', Values: ['1'] }], TABLE))).toEqual({
      code: 'InvalidParameterValue',
      message: "The filter 'x' is invalid",
    });
    expect(thrownEc2Error(() => compileFilters([{ Values: ['1'] }], TABLE)).message).toBe("The filter '' is invalid");
  });

  it('does not take inherited object keys for filter names', () => {
    expect(thrownEc2Error(() => compileFilters([{ Name: 'toString', Values: ['1'] }], TABLE)).message).toBe("The filter 'toString' is invalid");
    expect(thrownEc2Error(() => compileFilters([{ Name: '__proto__', Values: ['1'] }], TABLE)).message).toBe("The filter '__proto__' is invalid");
  });

  it('validates values without wildcards, with the filter name as the whole message (D-21)', () => {
    expect(thrownEc2Error(() => compileFilters([{ Name: 'size', Values: ['10', 'big'] }], TABLE))).toEqual({
      code: 'InvalidParameterValue',
      message: 'size',
    });
    expect(select([{ Name: 'size', Values: ['b*g', '1?'] }])).toEqual(['web-1']);
  });

  it('never matches an undefined record value', () => {
    expect(select([{ Name: 'size', Values: ['*'] }])).toEqual(['web-1', 'web-2', 'a.b']);
  });

  it('filters tag:<key> by the value of that key', () => {
    expect(select([{ Name: 'tag:env', Values: ['prod'] }])).toEqual(['web-1']);
    expect(select([{ Name: 'tag:env', Values: ['*'] }])).toEqual(['web-1', 'web-2']);
    expect(select([{ Name: 'tag:Name', Values: [''] }])).toEqual(['a.b']);
    expect(select([{ Name: 'tag:name', Values: ['web'] }])).toEqual([]);
    expect(select([{ Name: 'tag:missing', Values: ['*'] }])).toEqual([]);
  });

  it('filters tag-key by key', () => {
    expect(select([{ Name: 'tag-key', Values: ['Name'] }])).toEqual(['web-1', 'a.b']);
    expect(select([{ Name: 'tag-key', Values: ['e*'] }])).toEqual(['web-1', 'web-2']);
  });

  it('filters tag-value by any tag value, whatever its key', () => {
    expect(select([{ Name: 'tag-value', Values: ['prod'] }])).toEqual(['web-1']);
    expect(select([{ Name: 'tag-value', Values: ['web', 'dev'] }])).toEqual(['web-1', 'web-2']);
    expect(select([{ Name: 'tag-value', Values: [''] }])).toEqual(['a.b']);
    expect(select([{ Name: 'tag-value', Values: ['*'] }])).toEqual(['web-1', 'web-2', 'a.b']);
    expect(select([{ Name: 'tag-value', Values: ['env'] }])).toEqual([]);
  });

  it('rejects tag-key and tag-value where tag-key is not taken (DescribeTags)', () => {
    const noTagKey: FilterTable<Thing> = { ...TABLE, tagKeyFilter: false };
    expect(thrownEc2Error(() => compileFilters([{ Name: 'tag-value', Values: ['x'] }], noTagKey)).message).toBe("The filter 'tag-value' is invalid");
    expect(thrownEc2Error(() => compileFilters([{ Name: 'tag-key', Values: ['x'] }], noTagKey)).message).toBe("The filter 'tag-key' is invalid");
    expect(THINGS.filter(compileFilters([{ Name: 'tag:env', Values: ['dev'] }], noTagKey)).map((t) => t.name)).toEqual(['web-2']);
  });

  it('combines tag filters with others', () => {
    expect(select([{ Name: 'tag-key', Values: ['env'] }, { Name: 'colour', Values: ['green'] }])).toEqual(['web-2']);
  });

  it('rejects tag filters where the table has no tags', () => {
    const untagged: FilterTable<Thing> = { filters: TABLE.filters };
    expect(thrownEc2Error(() => compileFilters([{ Name: 'tag:env', Values: ['x'] }], untagged)).message).toBe("The filter 'tag:env' is invalid");
    expect(thrownEc2Error(() => compileFilters([{ Name: 'tag-key', Values: ['x'] }], untagged)).message).toBe("The filter 'tag-key' is invalid");
    expect(thrownEc2Error(() => compileFilters([{ Name: 'tag-value', Values: ['x'] }], untagged)).message).toBe("The filter 'tag-value' is invalid");
  });
});

describe('security-group filter tables', () => {
  const group: GroupRecord = {
    groupId: 'sg-11111111',
    groupName: 'web',
    description: 'web tier',
    vpcId: 'vpc-11111111',
    ownerId: '111122223333',
    isDefault: false,
    tags: [{ key: 'Name', value: 'web' }],
  };
  const rule = (direction: 'ingress' | 'egress', protocol: string, port: number, peer: RuleRecord['peer']): RuleRecord => ({
    ruleId: `sgr-${port.toString(16).padStart(8, '0')}`,
    groupId: group.groupId,
    ownerId: group.ownerId,
    direction,
    protocol,
    fromPort: port,
    toPort: port,
    peer,
    description: undefined,
    tags: [],
  });
  const subject: GroupWithRules = {
    group,
    rules: [
      rule('ingress', 'tcp', 22, { kind: 'ipv4', cidr: '203.0.113.0/24' }),
      rule('ingress', 'tcp', 5432, { kind: 'group', groupId: 'sg-22222222', userId: '111122223333' }),
      rule('egress', '-1', -1, { kind: 'ipv6', cidr: '::/0' }),
    ],
    groupNameOf: (id) => (id === 'sg-22222222' ? 'db' : undefined),
  };
  const matches = (name: string, ...values: string[]) => compileFilters([{ Name: name, Values: values }], SECURITY_GROUP_FILTERS)(subject);

  it('matches group attributes', () => {
    expect(matches('group-id', 'sg-11111111')).toBe(true);
    expect(matches('group-name', 'web')).toBe(true);
    expect(matches('description', 'web*')).toBe(true);
    expect(matches('owner-id', '111122223333')).toBe(true);
    expect(matches('vpc-id', 'vpc-11111111')).toBe(true);
    expect(matches('vpc-id', 'vpc-22222222')).toBe(false);
    expect(matches('tag:Name', 'web')).toBe(true);
  });

  it('matches ingress and egress rules separately', () => {
    expect(matches('ip-permission.cidr', '203.0.113.0/24')).toBe(true);
    expect(matches('egress.ip-permission.cidr', '203.0.113.0/24')).toBe(false);
    expect(matches('egress.ip-permission.ipv6-cidr', '::/0')).toBe(true);
    expect(matches('ip-permission.protocol', 'tcp')).toBe(true);
    expect(matches('egress.ip-permission.protocol', '-1')).toBe(true);
    expect(matches('ip-permission.from-port', '5432')).toBe(true);
    expect(matches('ip-permission.to-port', '22')).toBe(true);
    expect(matches('ip-permission.group-id', 'sg-22222222')).toBe(true);
    expect(matches('ip-permission.group-name', 'db')).toBe(true);
    expect(matches('ip-permission.user-id', '111122223333')).toBe(true);
  });

  it('matches *.group-name only by the name the handler gives a pair (none outside the default VPC)', () => {
    const unnamed = compileFilters([{ Name: 'ip-permission.group-name', Values: ['db'] }], SECURITY_GROUP_FILTERS);
    expect(unnamed({ ...subject, groupNameOf: () => undefined })).toBe(false);
    expect(unnamed(subject)).toBe(true);
  });

  it('gives -1 rules no port for the port filters', () => {
    expect(matches('egress.ip-permission.from-port', '-1')).toBe(false);
  });

  it('answers a non-vpc-shaped vpc-id filter value with the bare filter name (D-21)', () => {
    expect(thrownEc2Error(() => matches('vpc-id', 'dev'))).toEqual({ code: 'InvalidParameterValue', message: 'vpc-id' });
  });

  it('rejects a malformed group-id on DescribeSecurityGroupRules with its own text (E-1, E-2)', () => {
    const compile = (value: string) => compileFilters([{ Name: 'group-id', Values: [value] }], SECURITY_GROUP_RULE_FILTERS);
    expect(thrownEc2Error(() => compile('foobar'))).toEqual({ code: 'InvalidGroupId.Malformed', message: "The security group ID 'foobar' is malformed" });
    expect(thrownEc2Error(() => compile(''))).toEqual({ code: 'InvalidGroupId.Malformed', message: "The security group ID '' is malformed" });
  });

  it('rejects filters DescribeSecurityGroupRules does not document (E-5)', () => {
    for (const name of ['vpc-id', 'group-name']) {
      expect(thrownEc2Error(() => compileFilters([{ Name: name, Values: ['x'] }], SECURITY_GROUP_RULE_FILTERS))).toEqual({
        code: 'InvalidParameterValue',
        message: `The filter '${name}' is invalid`,
      });
    }
  });
});
