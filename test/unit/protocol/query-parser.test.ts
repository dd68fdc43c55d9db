import { describe, expect, it } from 'vitest';
import { isEnvelopeParameter, parseQueryInput } from '../../../protocol/query-parser.js';
import { OPERATION_SHAPES, type StructureShape } from '../../../protocol/shapes.js';
import { thrownEc2Error } from '../../helpers/errors.js';

const egress = OPERATION_SHAPES.AuthorizeSecurityGroupEgress.input;
const createGroup = OPERATION_SHAPES.CreateSecurityGroup.input;
const describeGroups = OPERATION_SHAPES.DescribeSecurityGroups.input;
const revokeEgress = OPERATION_SHAPES.RevokeSecurityGroupEgress.input;
const createVpc = OPERATION_SHAPES.CreateVpc.input;

/** Parses `key=value` pairs (unencoded) against a shape. */
function parse(shape: typeof egress, pairs: Array<[string, string]>): Record<string, any> {
  return parseQueryInput(pairs, shape) as Record<string, any>;
}

/** The EC2 error a parse throws, as code and message. */
function parseError(shape: typeof egress, pairs: Array<[string, string]>): { code: string; message: string } {
  return thrownEc2Error(() => parseQueryInput(pairs, shape));
}

describe('parseQueryInput: wire names', () => {
  it('reads Groups.N as UserIdGroupPairs and IpRanges/Ipv6Ranges/PrefixListIds by their own names', () => {
    const input = parse(egress, [
      ['GroupId', 'sg-0123456789abcdef0'],
      ['IpPermissions.1.IpProtocol', 'tcp'],
      ['IpPermissions.1.FromPort', '443'],
      ['IpPermissions.1.ToPort', '443'],
      ['IpPermissions.1.IpRanges.1.CidrIp', '10.0.0.0/16'],
      ['IpPermissions.1.IpRanges.1.Description', 'https out'],
      ['IpPermissions.1.Ipv6Ranges.1.CidrIpv6', '::/0'],
      ['IpPermissions.1.PrefixListIds.1.PrefixListId', 'pl-0123456789abcdef0'],
      ['IpPermissions.1.Groups.1.GroupId', 'sg-0fedcba9876543210'],
      ['IpPermissions.1.Groups.1.UserId', '111122223333'],
    ]);
    expect(input).toEqual({
      GroupId: 'sg-0123456789abcdef0',
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'https out' }],
          Ipv6Ranges: [{ CidrIpv6: '::/0' }],
          PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }],
          UserIdGroupPairs: [{ GroupId: 'sg-0fedcba9876543210', UserId: '111122223333' }],
        },
      ],
    });
  });

  it('does not accept the SDK member name UserIdGroupPairs on the wire', () => {
    expect(parseError(egress, [['IpPermissions.1.UserIdGroupPairs.1.GroupId', 'sg-12345678']])).toEqual({
      code: 'UnknownParameter',
      message: 'The parameter IpPermissions.1.UserIdGroupPairs.1.GroupId is not recognized',
    });
  });

  it('reads GroupDescription as Description on CreateSecurityGroup', () => {
    expect(parse(createGroup, [['GroupName', 'web'], ['GroupDescription', 'web tier']])).toEqual({
      GroupName: 'web',
      Description: 'web tier',
    });
  });

  it('rejects Description on CreateSecurityGroup as an unknown parameter (D-8)', () => {
    expect(parseError(createGroup, [['GroupName', 'web'], ['Description', 'x']])).toEqual({
      code: 'UnknownParameter',
      message: 'The parameter Description is not recognized',
    });
  });

  it('reads TagSpecification.N.Tag.M as TagSpecifications[].Tags[]', () => {
    const input = parse(createGroup, [
      ['TagSpecification.1.ResourceType', 'security-group'],
      ['TagSpecification.1.Tag.1.Key', 'Name'],
      ['TagSpecification.1.Tag.1.Value', 'web'],
      ['TagSpecification.1.Tag.2.Key', 'env'],
      ['TagSpecification.1.Tag.2.Value', ''],
    ]);
    expect(input.TagSpecifications).toEqual([
      {
        ResourceType: 'security-group',
        Tags: [
          { Key: 'Name', Value: 'web' },
          { Key: 'env', Value: '' },
        ],
      },
    ]);
  });

  it('reads Filter.N.Name / Filter.N.Value.M as Filters[].Values[]', () => {
    const input = parse(describeGroups, [
      ['Filter.1.Name', 'group-name'],
      ['Filter.1.Value.1', 'web'],
      ['Filter.1.Value.2', 'db'],
      ['Filter.2.Name', 'vpc-id'],
      ['Filter.2.Value.1', 'vpc-12345678'],
    ]);
    expect(input.Filters).toEqual([
      { Name: 'group-name', Values: ['web', 'db'] },
      { Name: 'vpc-id', Values: ['vpc-12345678'] },
    ]);
  });

  it('reads GroupId.N and GroupName.N as the GroupIds and GroupNames lists', () => {
    const input = parse(describeGroups, [
      ['GroupId.1', 'sg-11111111'],
      ['GroupId.2', 'sg-22222222'],
      ['GroupName.1', 'web'],
    ]);
    expect(input).toEqual({ GroupIds: ['sg-11111111', 'sg-22222222'], GroupNames: ['web'] });
  });

  it('reads SecurityGroupRuleId.N as SecurityGroupRuleIds', () => {
    expect(parse(revokeEgress, [['GroupId', 'sg-11111111'], ['SecurityGroupRuleId.1', 'sgr-11111111']])).toEqual({
      GroupId: 'sg-11111111',
      SecurityGroupRuleIds: ['sgr-11111111'],
    });
  });
});

describe('parseQueryInput: flattened lists', () => {
  it('orders items by numeric index, so 10 comes after 9 and 2', () => {
    const pairs: Array<[string, string]> = [];
    for (const i of [10, 2, 9, 1, 11]) pairs.push([`GroupId.${i}`, `sg-0000000${i % 10}`]);
    const input = parse(describeGroups, pairs);
    expect(input.GroupIds).toEqual(['sg-00000001', 'sg-00000002', 'sg-00000009', 'sg-00000000', 'sg-00000001']);
  });

  it('closes gaps in sparse indexes', () => {
    const input = parse(describeGroups, [
      ['GroupId.7', 'sg-77777777'],
      ['GroupId.3', 'sg-33333333'],
    ]);
    expect(input.GroupIds).toEqual(['sg-33333333', 'sg-77777777']);
  });

  it('turns a huge index into one item without allocating an array of that size', () => {
    const before = process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;
    const input = parse(egress, [
      ['IpPermissions.999999999.IpProtocol', 'tcp'],
      ['IpPermissions.999999999.FromPort', '22'],
    ]);
    expect(input.IpPermissions).toHaveLength(1);
    expect(input.IpPermissions[0]).toEqual({ IpProtocol: 'tcp', FromPort: 22 });
    const after = process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;
    // An array of 10^9 slots would need gigabytes; one item needs nothing worth measuring.
    expect(after - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('takes indexes up to 2147483647 (a Java int) as ordering keys', () => {
    const input = parse(describeGroups, [
      ['GroupId.2147483647', 'sg-bbbbbbbb'],
      ['GroupId.2147483646', 'sg-aaaaaaaa'],
      ['GroupId.5', 'sg-55555555'],
    ]);
    expect(input.GroupIds).toEqual(['sg-55555555', 'sg-aaaaaaaa', 'sg-bbbbbbbb']);
  });

  it.each(['2147483648', '4294967297', '9999999999', '10000000000', '99999999999999999999999', '9'.repeat(400)])(
    'refuses index %s, beyond a Java int, as UnknownParameter naming the full key',
    (index) => {
      const key = `IpPermissions.${index}.IpProtocol`;
      expect(parseError(egress, [['IpPermissions.1.IpProtocol', 'tcp'], [key, 'udp']])).toEqual({
        code: 'UnknownParameter',
        message: `The parameter ${key} is not recognized`,
      });
    },
  );

  it('reads `Name=` with an empty value as an empty list (older serializers)', () => {
    expect(parse(describeGroups, [['GroupId', '']])).toEqual({ GroupIds: [] });
    expect(parse(egress, [['GroupId', 'sg-12345678'], ['IpPermissions', '']])).toEqual({
      GroupId: 'sg-12345678',
      IpPermissions: [],
    });
  });

  it('rejects a list given a non-empty value without an index', () => {
    expect(parseError(describeGroups, [['GroupId', 'sg-12345678']])).toEqual({
      code: 'UnknownParameter',
      message: 'The parameter GroupId is not recognized',
    });
  });

  it('nests lists inside list items (IpPermissions.2.IpRanges.3)', () => {
    const input = parse(egress, [
      ['IpPermissions.2.IpProtocol', 'udp'],
      ['IpPermissions.2.IpRanges.3.CidrIp', '10.3.0.0/16'],
      ['IpPermissions.2.IpRanges.1.CidrIp', '10.1.0.0/16'],
      ['IpPermissions.1.IpProtocol', 'tcp'],
    ]);
    expect(input.IpPermissions).toEqual([
      { IpProtocol: 'tcp' },
      { IpProtocol: 'udp', IpRanges: [{ CidrIp: '10.1.0.0/16' }, { CidrIp: '10.3.0.0/16' }] },
    ]);
  });

  it.each([
    ['-1', 'IpPermissions.-1.IpProtocol'],
    ['-0', 'IpPermissions.-0.IpProtocol'],
    ['x', 'IpPermissions.x.IpProtocol'],
    ['01', 'IpPermissions.01.IpProtocol'],
    ['00', 'IpPermissions.00.IpProtocol'],
    ['+1', 'IpPermissions.+1.IpProtocol'],
    [' 1', 'IpPermissions. 1.IpProtocol'],
    ['1.5', 'IpPermissions.1.5.IpProtocol'],
    ['', 'IpPermissions..IpProtocol'],
    ['1e3', 'IpPermissions.1e3.IpProtocol'],
    ['0x1', 'IpPermissions.0x1.IpProtocol'],
    ['١ (Arabic-Indic one)', 'IpPermissions.١.IpProtocol'],
  ])('rejects list index %s as UnknownParameter naming the full key', (_index, key) => {
    expect(parseError(egress, [[key, 'tcp']])).toEqual({
      code: 'UnknownParameter',
      message: `The parameter ${key} is not recognized`,
    });
  });

  it('names the full key of an unknown nested member', () => {
    expect(parseError(egress, [['IpPermissions.1.Foo', 'x']])).toEqual({
      code: 'UnknownParameter',
      message: 'The parameter IpPermissions.1.Foo is not recognized',
    });
    expect(parseError(egress, [['IpPermissions.1.IpRanges.1.Cidr', '10.0.0.0/8']])).toEqual({
      code: 'UnknownParameter',
      message: 'The parameter IpPermissions.1.IpRanges.1.Cidr is not recognized',
    });
  });

  it('names the leaf key when a scalar is given sub-keys', () => {
    expect(parseError(egress, [['GroupId.1', 'sg-12345678']])).toEqual({
      code: 'UnknownParameter',
      message: 'The parameter GroupId.1 is not recognized',
    });
  });

  it('rejects a structure given a value of its own', () => {
    expect(parseError(egress, [['IpPermissions.1', 'tcp']]).code).toBe('UnknownParameter');
  });
});

describe('parseQueryInput: indexes are ordering keys, not positions', () => {
  const createTags = OPERATION_SHAPES.CreateTags.input;

  it('reads 0-based indexes (GroupId.0, GroupId.1)', () => {
    expect(parse(describeGroups, [['GroupId.0', 'sg-00000000'], ['GroupId.1', 'sg-11111111']]).GroupIds).toEqual([
      'sg-00000000',
      'sg-11111111',
    ]);
    expect(parse(describeGroups, [['GroupId.0', 'sg-00000000']]).GroupIds).toEqual(['sg-00000000']);
  });

  it('closes a gap (.1, .3) into consecutive items', () => {
    expect(parse(describeGroups, [['GroupId.1', 'sg-11111111'], ['GroupId.3', 'sg-33333333']]).GroupIds).toEqual([
      'sg-11111111',
      'sg-33333333',
    ]);
  });

  it('takes items in ascending index order whatever order they arrive in, 0 first', () => {
    const input = parse(describeGroups, [
      ['GroupId.5', 'sg-55555555'],
      ['GroupId.0', 'sg-00000000'],
      ['GroupId.12', 'sg-12121212'],
      ['GroupId.2', 'sg-22222222'],
    ]);
    expect(input.GroupIds).toEqual(['sg-00000000', 'sg-22222222', 'sg-55555555', 'sg-12121212']);
  });

  it('keeps index 0 and index 1 as two items when both are sent', () => {
    const input = parse(egress, [
      ['IpPermissions.1.IpProtocol', 'udp'],
      ['IpPermissions.0.IpProtocol', 'tcp'],
      ['IpPermissions.0.FromPort', '22'],
      ['IpPermissions.1.FromPort', '53'],
    ]);
    expect(input.IpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 22 },
      { IpProtocol: 'udp', FromPort: 53 },
    ]);
  });

  it("reads Libcloud's CreateTags: ResourceId.0 with Tag.0.Key/Tag.0.Value and Tag.1", () => {
    const input = parse(createTags, [
      ['ResourceId.0', 'sg-0123456789abcdef0'],
      ['Tag.0.Key', 'Name'],
      ['Tag.0.Value', 'web'],
      ['Tag.1.Key', 'env'],
      ['Tag.1.Value', 'prod'],
    ]);
    expect(input).toEqual({
      Resources: ['sg-0123456789abcdef0'],
      Tags: [
        { Key: 'Name', Value: 'web' },
        { Key: 'env', Value: 'prod' },
      ],
    });
  });

  it('reads nested 0-based and gapped indexes (IpPermissions.0.IpRanges.0, IpRanges.4)', () => {
    const input = parse(egress, [
      ['IpPermissions.0.IpProtocol', 'tcp'],
      ['IpPermissions.0.IpRanges.4.CidrIp', '10.4.0.0/16'],
      ['IpPermissions.0.IpRanges.0.CidrIp', '10.0.0.0/16'],
    ]);
    expect(input.IpPermissions).toEqual([{ IpProtocol: 'tcp', IpRanges: [{ CidrIp: '10.0.0.0/16' }, { CidrIp: '10.4.0.0/16' }] }]);
  });

  it('reads Filter.0.Name / Filter.0.Value.0', () => {
    const input = parse(describeGroups, [
      ['Filter.0.Name', 'group-name'],
      ['Filter.0.Value.0', 'web'],
      ['Filter.0.Value.2', 'db'],
      ['Filter.3.Name', 'vpc-id'],
      ['Filter.3.Value.0', 'vpc-12345678'],
    ]);
    expect(input.Filters).toEqual([
      { Name: 'group-name', Values: ['web', 'db'] },
      { Name: 'vpc-id', Values: ['vpc-12345678'] },
    ]);
  });

  it('reads a repeated index as a repeated key: its first value wins', () => {
    expect(parse(describeGroups, [['GroupId.0', 'sg-first000'], ['GroupId.0', 'sg-second00']]).GroupIds).toEqual(['sg-first000']);
    expect(
      parse(egress, [
        ['IpPermissions.1.IpProtocol', 'tcp'],
        ['IpPermissions.1.IpProtocol', 'udp'],
      ]).IpPermissions,
    ).toEqual([{ IpProtocol: 'tcp' }]);
  });

  it('refuses a second spelling of an index (.01 beside .1): leading zeros are not an index', () => {
    expect(parseError(describeGroups, [['GroupId.1', 'sg-11111111'], ['GroupId.01', 'sg-22222222']])).toEqual({
      code: 'UnknownParameter',
      message: 'The parameter GroupId.01 is not recognized',
    });
    expect(parseError(createTags, [['ResourceId.0', 'sg-11111111'], ['Tag.00.Key', 'k']])).toEqual({
      code: 'UnknownParameter',
      message: 'The parameter Tag.00.Key is not recognized',
    });
  });
});

describe('parseQueryInput: unknown parameters', () => {
  it.each(['CidrIp', 'IpProtocol', 'FromPort', 'ToPort', 'SourceSecurityGroupName', 'SourceSecurityGroupOwnerId'])(
    'rejects the flat legacy parameter %s on egress (B-29)',
    (name) => {
      expect(parseError(egress, [['GroupId', 'sg-12345678'], [name, '1']])).toEqual({
        code: 'UnknownParameter',
        message: `The parameter ${name} is not recognized`,
      });
    },
  );

  it('is case-sensitive about parameter names', () => {
    expect(parseError(egress, [['groupId', 'sg-12345678']]).message).toBe('The parameter groupId is not recognized');
  });

  it('names the first unknown parameter in request order', () => {
    expect(
      parseError(egress, [
        ['GroupId', 'sg-12345678'],
        ['CidrIp', '10.0.0.0/8'],
        ['IpProtocol', 'tcp'],
      ]).message,
    ).toBe('The parameter CidrIp is not recognized');
  });
});

describe('parseQueryInput: scalars', () => {
  it.each([
    ['22', 22],
    ['-1', -1],
    ['0', 0],
    ['+7', 7],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
  ])('reads integer %s as %d', (raw, expected) => {
    expect(parse(egress, [['IpPermissions.1.FromPort', raw]]).IpPermissions[0].FromPort).toBe(expected);
  });

  it.each(['abc', '1.5', '', ' 1', '2147483648', '-2147483649', '99999999999', '0x10'])(
    'rejects integer %j with InvalidParameterValue',
    (raw) => {
      expect(parseError(egress, [['IpPermissions.1.FromPort', raw]])).toEqual({
        code: 'InvalidParameterValue',
        message: `Invalid value '${raw}' for fromPort. Expected an integer.`,
      });
    },
  );

  it.each([
    ['true', true],
    ['false', false],
    ['TRUE', true],
    ['False', false],
  ])('reads boolean %s', (raw, expected) => {
    expect(parse(egress, [['DryRun', raw]]).DryRun).toBe(expected);
  });

  it.each(['yes', '1', ''])('rejects boolean %j with InvalidParameterValue', (raw) => {
    expect(parseError(createVpc, [['AmazonProvidedIpv6CidrBlock', raw]])).toEqual({
      code: 'InvalidParameterValue',
      message: `Invalid value '${raw}' for amazonProvidedIpv6CidrBlock. Expected a boolean.`,
    });
  });

  it('keeps strings verbatim, including empty strings and unicode', () => {
    expect(parse(createGroup, [['GroupName', ''], ['GroupDescription', 'セキュリティ & <x>']])).toEqual({
      GroupName: '',
      Description: 'セキュリティ & <x>',
    });
  });

  it('keeps the first value of a key sent twice', () => {
    expect(parse(createGroup, [['GroupName', 'first'], ['GroupName', 'second']]).GroupName).toBe('first');
    expect(
      parse(egress, [
        ['IpPermissions.1.FromPort', '80'],
        ['IpPermissions.1.FromPort', 'not-a-number'],
      ]).IpPermissions[0].FromPort,
    ).toBe(80);
  });
});

describe('parseQueryInput: envelope parameters', () => {
  const envelope = [
    'Action',
    'Version',
    'AWSAccessKeyId',
    'Signature',
    'SignatureMethod',
    'SignatureVersion',
    'Timestamp',
    'Expires',
    'SecurityToken',
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
    'X-Amz-Security-Token',
  ];

  it('ignores the action, version and signing parameters', () => {
    const pairs: Array<[string, string]> = envelope.map((name) => [name, 'v']);
    pairs.push(['GroupName', 'web']);
    expect(parse(createGroup, pairs)).toEqual({ GroupName: 'web' });
  });

  it.each(envelope)('isEnvelopeParameter(%s) is true', (name) => {
    expect(isEnvelopeParameter(name)).toBe(true);
  });

  it('isEnvelopeParameter is false for operation parameters', () => {
    expect(isEnvelopeParameter('GroupId')).toBe(false);
    expect(isEnvelopeParameter('action')).toBe(false);
  });

  it('accepts an empty request as an empty input', () => {
    expect(parse(egress, [])).toEqual({});
  });

  it('reads URLSearchParams directly', () => {
    const params = new URLSearchParams('Action=CreateSecurityGroup&GroupName=a%20b&GroupDescription=x%2Fy');
    expect(parseQueryInput(params, createGroup)).toEqual({ GroupName: 'a b', Description: 'x/y' });
  });
});

describe('parseQueryInput: timestamps', () => {
  const stamped: StructureShape = { kind: 'structure', members: { Since: { shape: { kind: 'timestamp' } } } };
  const since = (raw: string) => (parseQueryInput([['Since', raw]], stamped) as { Since: Date }).Since;

  it.each([
    ['2014-04-02T16:13:36.000Z', '2014-04-02T16:13:36.000Z'],
    ['2014-04-02T16:13:36Z', '2014-04-02T16:13:36.000Z'],
    ['2014-04-02T16:13:36.123Z', '2014-04-02T16:13:36.123Z'],
    ['2014-04-02T16:13Z', '2014-04-02T16:13:00.000Z'],
    ['2014-04-02T18:13:36.5+02:00', '2014-04-02T16:13:36.500Z'],
    // No zone designator: UTC, whatever the server's own time zone.
    ['2014-04-02T16:13:36', '2014-04-02T16:13:36.000Z'],
  ])('reads ISO 8601 %s as a Date (%s)', (raw, iso) => {
    const value = since(raw);
    expect(value).toBeInstanceOf(Date);
    expect(value.toISOString()).toBe(iso);
  });

  it.each(['1396455216', '1396455216.5', '', 'yesterday', '2014-04-02', '2014-02-30T00:00:00Z', '2014-04-02T25:00:00Z', '2014-04-02T16:13:36Z junk', 'Wed, 02 Apr 2014 16:13:36 GMT'])(
    'refuses %j (epoch seconds and anything not ISO 8601) with InvalidParameterValue',
    (raw) => {
      expect(thrownEc2Error(() => parseQueryInput([['Since', raw]], stamped))).toEqual({
        code: 'InvalidParameterValue',
        message: `Invalid value '${raw}' for since. Expected a timestamp.`,
      });
    },
  );

  it('reads a timestamp without zone designator as UTC even where the server runs in another time zone', () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(since('2014-04-02T16:13:36').toISOString()).toBe('2014-04-02T16:13:36.000Z');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('refuses sub-keys under a timestamp as an unknown parameter', () => {
    expect(thrownEc2Error(() => parseQueryInput([['Since.1', '2014-04-02T16:13:36Z']], stamped))).toEqual({
      code: 'UnknownParameter',
      message: 'The parameter Since.1 is not recognized',
    });
  });
});
