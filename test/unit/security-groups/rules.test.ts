import type { IpPermission } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { Ec2Error } from '../../../protocol/errors.js';
import type { RuleRecord, RuleSpec } from '../../../store/records.js';
import {
  aggregatePermissions,
  assertNoRepeats,
  canonicalCidr,
  duplicateRuleText,
  expandPermissions,
  hasPorts,
  normalizePorts,
  normalizeProtocol,
  validateRuleDescription,
  type GroupReference,
  type PeerResolvers,
} from '../../../server/security-groups/rules.js';
import { thrownEc2Error } from '../../helpers/errors.js';

const invalid = (message: string) => ({ code: 'InvalidParameterValue', message });

const OWNER = '111122223333';
const KNOWN_GROUPS = new Set(['sg-11111111', 'sg-22222222']);

/** Resolvers over a fixed world: two groups and one prefix list; records what was looked up. */
function resolvers(lookups: string[] = []): PeerResolvers {
  return {
    group(reference: GroupReference) {
      const id = 'groupId' in reference ? reference.groupId : `sg-by-name-${reference.groupName}`;
      lookups.push(id);
      if ('groupId' in reference && !KNOWN_GROUPS.has(id)) {
        throw new Ec2Error('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
      }
      return { groupId: id, userId: OWNER };
    },
    prefixList(id: string) {
      lookups.push(id);
      if (id !== 'pl-0123456789abcdef0') throw new Ec2Error('InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`);
    },
  };
}
const authorize = { purpose: 'authorize' } as const;
const expand = (permissions: IpPermission[]) => expandPermissions(permissions, resolvers(), authorize);

describe('normalizeProtocol', () => {
  it.each([
    ['tcp', 'tcp'],
    ['TCP', 'tcp'],
    ['Tcp', 'tcp'],
    ['6', 'tcp'],
    ['udp', 'udp'],
    ['17', 'udp'],
    ['icmp', 'icmp'],
    ['1', 'icmp'],
    ['ICMPv6', 'icmpv6'],
    ['58', 'icmpv6'],
    ['-1', '-1'],
    ['0', '0'],
    ['50', '50'],
    ['132', '132'],
    ['255', '255'],
    ['006', 'tcp'],
  ])('normalises %j to %j (A-6)', (raw, expected) => {
    expect(normalizeProtocol(raw)).toBe(expected);
  });

  it.each(['256', 'all', '', '-2', '1000', 'tcp6', ' tcp', '6.0'])('rejects %j as an unknown protocol (B-14)', (raw) => {
    expect(thrownEc2Error(() => normalizeProtocol(raw))).toEqual(invalid(`Invalid value '${raw}' for IP protocol. Unknown protocol.`));
  });

  it('reports a missing protocol as null (B-13)', () => {
    expect(thrownEc2Error(() => normalizeProtocol(undefined))).toEqual(
      invalid("Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly."),
    );
  });

  it('hasPorts is true only for tcp, udp, icmp and icmpv6', () => {
    expect(['tcp', 'udp', 'icmp', 'icmpv6'].every(hasPorts)).toBe(true);
    expect(['-1', '50', '0', '132'].some(hasPorts)).toBe(false);
  });
});

describe('normalizePorts', () => {
  it('keeps a tcp/udp range', () => {
    expect(normalizePorts('tcp', 0, 65535)).toEqual({ fromPort: 0, toPort: 65535 });
    expect(normalizePorts('udp', 53, 53)).toEqual({ fromPort: 53, toPort: 53 });
  });

  it.each([
    [undefined, 22],
    [22, undefined],
    [undefined, undefined],
  ])('requires both tcp/udp ports (B-15): from %s to %s', (from, to) => {
    const expected = invalid("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
    expect(thrownEc2Error(() => normalizePorts('tcp', from, to))).toEqual(expected);
    expect(thrownEc2Error(() => normalizePorts('udp', from, to))).toEqual(expected);
  });

  it('rejects out-of-range tcp/udp ports (B-18)', () => {
    expect(thrownEc2Error(() => normalizePorts('tcp', -1, -1))).toEqual(invalid('TCP/UDP (from) port (-1) out of range'));
    expect(thrownEc2Error(() => normalizePorts('tcp', 70000, 70000))).toEqual(invalid('TCP/UDP (from) port (70000) out of range'));
    expect(thrownEc2Error(() => normalizePorts('udp', 0, 65536))).toEqual(invalid('TCP/UDP (to) port (65536) out of range'));
  });

  it('rejects a tcp range whose from port is above its to port (our text; no AWS evidence)', () => {
    expect(thrownEc2Error(() => normalizePorts('tcp', 443, 80))).toEqual(
      invalid('Invalid value for portRange. From port (443) must not be greater than to port (80).'),
    );
  });

  it('requires both icmp type and code (B-16)', () => {
    const expected = invalid("Invalid value 'Must specify both from and to ports with ICMP.' for portRange.");
    expect(thrownEc2Error(() => normalizePorts('icmp', undefined, undefined))).toEqual(expected);
    expect(thrownEc2Error(() => normalizePorts('icmp', 8, undefined))).toEqual(expected);
    expect(thrownEc2Error(() => normalizePorts('icmp', undefined, 0))).toEqual(expected);
  });

  it('accepts icmp types and codes, -1 for all, and type 30 code 0', () => {
    expect(normalizePorts('icmp', -1, -1)).toEqual({ fromPort: -1, toPort: -1 });
    expect(normalizePorts('icmp', 8, 0)).toEqual({ fromPort: 8, toPort: 0 });
    expect(normalizePorts('icmp', 30, 0)).toEqual({ fromPort: 30, toPort: 0 });
    expect(normalizePorts('icmp', 3, -1)).toEqual({ fromPort: 3, toPort: -1 });
  });

  it('rejects an icmp code out of range (B-19), and type -1 with a code other than -1', () => {
    expect(thrownEc2Error(() => normalizePorts('icmp', 0, 65535))).toEqual(invalid('ICMP code (65535) out of range'));
    expect(thrownEc2Error(() => normalizePorts('icmp', -1, 0))).toEqual(invalid('ICMP code (0) out of range'));
    expect(thrownEc2Error(() => normalizePorts('icmp', 256, 0))).toEqual(invalid('ICMP type (256) out of range'));
  });

  it('lets icmpv6 omit type and code (all types and codes)', () => {
    expect(normalizePorts('icmpv6', undefined, undefined)).toEqual({ fromPort: -1, toPort: -1 });
    expect(normalizePorts('icmpv6', 128, 0)).toEqual({ fromPort: 128, toPort: 0 });
    expect(thrownEc2Error(() => normalizePorts('icmpv6', 0, 300))).toEqual(invalid('ICMPv6 code (300) out of range'));
  });

  it('ignores ports for -1 and other protocol numbers (A-5, A-7)', () => {
    expect(normalizePorts('-1', 0, 0)).toEqual({ fromPort: -1, toPort: -1 });
    expect(normalizePorts('-1', 111, 111)).toEqual({ fromPort: -1, toPort: -1 });
    expect(normalizePorts('-1', undefined, undefined)).toEqual({ fromPort: -1, toPort: -1 });
    expect(normalizePorts('50', 1, 65535)).toEqual({ fromPort: -1, toPort: -1 });
  });
});

describe('canonicalCidr', () => {
  it.each([
    ['10.0.0.0/16', '10.0.0.0/16'],
    ['100.68.0.18/18', '100.68.0.0/18'],
    ['92.68.201.91/29', '92.68.201.88/29'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['203.0.113.7/32', '203.0.113.7/32'],
    ['255.255.255.255/0', '0.0.0.0/0'],
  ])('canonicalises IPv4 %s to %s (A-8)', (raw, expected) => {
    expect(canonicalCidr(raw, 'ipv4')).toBe(expected);
  });

  it.each([
    ['::/0', '::/0'],
    ['2001:DB8::1/64', '2001:db8::/64'],
    ['2001:0db8:0000:0000:0000:0000:0000:0000/32', '2001:db8::/32'],
    ['2600:1F18:ABCD:1200::/56', '2600:1f18:abcd:1200::/56'],
    ['fe80::1/128', 'fe80::1/128'],
  ])('canonicalises IPv6 %s to lower-case compressed %s', (raw, expected) => {
    expect(canonicalCidr(raw, 'ipv6')).toBe(expected);
  });

  it.each([
    ['58.29.99.44', 'ipv4'],
    ['::/0', 'ipv4'],
    ['sg-05cbbd25a44de07f5', 'ipv4'],
    ['10.0.0.0/33', 'ipv4'],
    ['10.0.0.256/8', 'ipv4'],
    ['', 'ipv4'],
    ['10.0.0.0/8', 'ipv6'],
    ['2001:db8::/129', 'ipv6'],
    ['fe80::1%eth0/64', 'ipv6'],
  ] as const)('rejects %j for %s as a malformed CIDR block (B-20, B-21, B-22)', (raw, family) => {
    expect(thrownEc2Error(() => canonicalCidr(raw, family))).toEqual(invalid(`CIDR block ${raw} is malformed`));
  });
});

describe('validateRuleDescription', () => {
  const b25 = invalid(
    'Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*',
  );

  it('accepts the documented character set, empty text, absence and 255 characters', () => {
    expect(() => validateRuleDescription(undefined)).not.toThrow();
    expect(() => validateRuleDescription('')).not.toThrow();
    expect(() => validateRuleDescription('a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*')).not.toThrow();
    expect(() => validateRuleDescription('x'.repeat(255))).not.toThrow();
  });

  it.each(["customer's", '->', 'a"b', 'tab\there', 'ü', 'x'.repeat(256), 'a%b', 'q?'])(
    'rejects %j with the exact B-25 text',
    (text) => {
      expect(thrownEc2Error(() => validateRuleDescription(text))).toEqual(b25);
    },
  );
});

describe('expandPermissions', () => {
  it('returns one spec per peer, in request order (A-1)', () => {
    const specs = expand([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'a' }, { CidrIp: '10.1.0.0/16' }],
        Ipv6Ranges: [{ CidrIpv6: '2001:DB8::/32' }],
        PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }],
        UserIdGroupPairs: [{ GroupId: 'sg-11111111' }],
      },
    ]);
    expect(specs).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, peer: { kind: 'ipv4', cidr: '10.0.0.0/16' }, description: 'a' },
      { protocol: 'tcp', fromPort: 443, toPort: 443, peer: { kind: 'ipv4', cidr: '10.1.0.0/16' }, description: undefined },
      { protocol: 'tcp', fromPort: 443, toPort: 443, peer: { kind: 'ipv6', cidr: '2001:db8::/32' }, description: undefined },
      {
        protocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        peer: { kind: 'prefixList', prefixListId: 'pl-0123456789abcdef0' },
        description: undefined,
      },
      {
        protocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        peer: { kind: 'group', groupId: 'sg-11111111', userId: OWNER },
        description: undefined,
      },
    ]);
  });

  it('expands several permissions, normalising protocol and ports in each', () => {
    const specs = expand([
      { IpProtocol: '6', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '100.68.0.18/18' }] },
      { IpProtocol: '-1', FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ]);
    expect(specs.map((s) => [s.protocol, s.fromPort, s.toPort, s.peer])).toEqual([
      ['tcp', 22, 22, { kind: 'ipv4', cidr: '100.68.0.0/18' }],
      ['-1', -1, -1, { kind: 'ipv4', cidr: '0.0.0.0/0' }],
    ]);
  });

  it('fills the owner of a group pair even when only GroupId was sent (A-10)', () => {
    const [spec] = expand([{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, UserIdGroupPairs: [{ GroupId: 'sg-22222222' }] }]);
    expect(spec!.peer).toEqual({ kind: 'group', groupId: 'sg-22222222', userId: OWNER });
  });

  it('rejects a permission with no peer (B-23)', () => {
    expect(thrownEc2Error(() => expand([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }]))).toEqual({
      code: 'MissingParameter',
      message: 'Missing source specification: include source security group or CIDR information',
    });
    expect(thrownEc2Error(() => expand([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [] }])).code).toBe('MissingParameter');
  });

  it('rejects a group pair without a group id (B-24)', () => {
    const expected = { code: 'MissingParameter', message: 'Source group ID missing.' };
    expect(thrownEc2Error(() => expand([{ IpProtocol: '-1', UserIdGroupPairs: [{ UserId: OWNER }] }]))).toEqual(expected);
    expect(thrownEc2Error(() => expand([{ IpProtocol: '-1', UserIdGroupPairs: [{}] }]))).toEqual(expected);
  });

  it('checks ports before peers (B-17 order)', () => {
    expect(thrownEc2Error(() => expand([{ IpProtocol: 'tcp', ToPort: 22 }])).message).toBe(
      "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.",
    );
  });

  it('rejects a malformed peer group id and an unknown one', () => {
    expect(thrownEc2Error(() => expand([{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'web' }] }]))).toEqual({
      code: 'InvalidGroupId.Malformed',
      message: 'Invalid id: "web" (expecting "sg-...")',
    });
    expect(thrownEc2Error(() => expand([{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-99999999' }] }]))).toEqual({
      code: 'InvalidGroup.NotFound',
      message: "The security group 'sg-99999999' does not exist",
    });
  });

  it('passes a group name to the resolver when no id is given', () => {
    const lookups: string[] = [];
    const specs = expandPermissions(
      [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupName: 'web' }] }],
      resolvers(lookups),
      authorize,
    );
    expect(lookups).toEqual(['sg-by-name-web']);
    expect(specs[0]!.peer).toEqual({ kind: 'group', groupId: 'sg-by-name-web', userId: OWNER });
  });

  it('rejects prefix lists that are malformed or unknown (B-28)', () => {
    const expected = (id: string) => ({ code: 'InvalidPrefixListID.NotFound', message: `The prefix list ID '${id}' does not exist` });
    expect(thrownEc2Error(() => expand([{ IpProtocol: '-1', PrefixListIds: [{ PrefixListId: 'pl-xxxxxx' }] }]))).toEqual(expected('pl-xxxxxx'));
    expect(thrownEc2Error(() => expand([{ IpProtocol: '-1', PrefixListIds: [{ PrefixListId: 'pl-00000000' }] }]))).toEqual(
      expected('pl-00000000'),
    );
  });

  it('requires the CIDR of each range entry', () => {
    expect(thrownEc2Error(() => expand([{ IpProtocol: '-1', IpRanges: [{ Description: 'x' }] }]))).toEqual({
      code: 'MissingParameter',
      message: 'The request must contain the parameter cidrIp',
    });
    expect(thrownEc2Error(() => expand([{ IpProtocol: '-1', Ipv6Ranges: [{}] }])).message).toBe(
      'The request must contain the parameter cidrIpv6',
    );
  });

  it('rejects an IPv6 CIDR in CidrIp and an IPv4 CIDR in CidrIpv6', () => {
    expect(thrownEc2Error(() => expand([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '::/0' }] }]))).toEqual(invalid('CIDR block ::/0 is malformed'));
    expect(thrownEc2Error(() => expand([{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '0.0.0.0/0' }] }]))).toEqual(
      invalid('CIDR block 0.0.0.0/0 is malformed'),
    );
  });

  it('validates descriptions on authorize but ignores them on revoke (C-4)', () => {
    const permission: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8', Description: "it's" }] };
    expect(thrownEc2Error(() => expand([permission])).message).toMatch(/^Invalid rule description\./);
    expect(expandPermissions([permission], resolvers(), { purpose: 'revoke' })).toHaveLength(1);
  });

  it('returns nothing for no permissions', () => {
    expect(expand([])).toEqual([]);
  });
});

describe('assertNoRepeats', () => {
  const spec = (cidr: string, description?: string): RuleSpec => ({
    protocol: 'tcp',
    fromPort: 80,
    toPort: 80,
    peer: { kind: 'ipv4', cidr },
    description,
  });

  it('accepts distinct rules', () => {
    expect(() => assertNoRepeats([spec('10.0.0.0/8'), spec('10.1.0.0/16')])).not.toThrow();
  });

  it('rejects the same rule twice, whatever the descriptions (B-7)', () => {
    const expected = invalid('The same permission must not appear multiple times');
    expect(thrownEc2Error(() => assertNoRepeats([spec('10.0.0.0/8'), spec('10.0.0.0/8')]))).toEqual(expected);
    expect(thrownEc2Error(() => assertNoRepeats([spec('10.0.0.0/8', 'a'), spec('10.0.0.0/8', 'b')]))).toEqual(expected);
  });

  it('treats a non-canonical repeat as the same rule once expanded', () => {
    const specs = expand([{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.1/8' }, { CidrIp: '10.0.0.0/8' }] }]);
    expect(thrownEc2Error(() => assertNoRepeats(specs)).message).toBe('The same permission must not appear multiple times');
  });

  it('treats -1 with different sent ports as the same rule', () => {
    const specs = expand([
      { IpProtocol: '-1', FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: '-1', FromPort: 111, ToPort: 111, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ]);
    expect(thrownEc2Error(() => assertNoRepeats(specs)).code).toBe('InvalidParameterValue');
  });
});

describe('duplicateRuleText', () => {
  const text = (protocol: string, fromPort: number, toPort: number, peer: RuleSpec['peer']) =>
    duplicateRuleText({ protocol, fromPort, toPort, peer, description: undefined });

  it('writes group peers with TCP and ports (B-1)', () => {
    expect(text('tcp', 0, 65535, { kind: 'group', groupId: 'sg-8b3b99f3', userId: OWNER })).toBe(
      'peer: sg-8b3b99f3, TCP, from port: 0, to port: 65535, ALLOW',
    );
    expect(text('tcp', 80, 443, { kind: 'ipv4', cidr: '72.246.150.0/24' })).toBe(
      'peer: 72.246.150.0/24, TCP, from port: 80, to port: 443, ALLOW',
    );
  });

  it('writes UDP (B-2)', () => {
    expect(text('udp', 50000, 60000, { kind: 'ipv4', cidr: '0.0.0.0/0' })).toBe(
      'peer: 0.0.0.0/0, UDP, from port: 50000, to port: 60000, ALLOW',
    );
  });

  it('writes other protocol numbers without ports (B-3)', () => {
    expect(text('50', -1, -1, { kind: 'ipv4', cidr: '0.0.0.0/0' })).toBe('peer: 0.0.0.0/0, protocol: 50, ALLOW');
  });

  it('writes -1 as ALL (B-4)', () => {
    expect(text('-1', -1, -1, { kind: 'ipv4', cidr: '0.0.0.0/0' })).toBe('peer: 0.0.0.0/0, ALL, ALLOW');
  });

  it('writes IPv6 peers (B-5)', () => {
    expect(text('tcp', 3306, 3306, { kind: 'ipv6', cidr: '::/0' })).toBe('peer: ::/0, TCP, from port: 3306, to port: 3306, ALLOW');
  });

  it('writes ICMP, ICMPv6 and prefix-list peers in the same pattern (B-6, our choice)', () => {
    expect(text('icmp', 8, 0, { kind: 'ipv4', cidr: '10.0.0.0/8' })).toBe('peer: 10.0.0.0/8, ICMP, type: 8, code: 0, ALLOW');
    expect(text('icmpv6', -1, -1, { kind: 'ipv6', cidr: '::/0' })).toBe('peer: ::/0, ICMPv6, type: -1, code: -1, ALLOW');
    expect(text('tcp', 22, 22, { kind: 'prefixList', prefixListId: 'pl-0123456789abcdef0' })).toBe(
      'peer: pl-0123456789abcdef0, TCP, from port: 22, to port: 22, ALLOW',
    );
  });
});

describe('aggregatePermissions', () => {
  let n = 0;
  const rule = (protocol: string, fromPort: number, toPort: number, peer: RuleSpec['peer'], description?: string): RuleRecord => ({
    ruleId: `sgr-${String(++n).padStart(8, '0')}`,
    groupId: 'sg-11111111',
    ownerId: OWNER,
    direction: 'egress',
    protocol,
    fromPort,
    toPort,
    peer,
    description,
    tags: [],
  });

  it('folds rules sharing (protocol, from, to) into one permission, existing peers first (A-4)', () => {
    const permissions = aggregatePermissions([
      rule('-1', -1, -1, { kind: 'ipv4', cidr: '0.0.0.0/0' }),
      rule('tcp', 443, 443, { kind: 'ipv4', cidr: '10.0.0.0/16' }, 'https'),
      rule('-1', -1, -1, { kind: 'ipv4', cidr: '10.0.0.0/24' }),
      rule('-1', -1, -1, { kind: 'ipv6', cidr: '::/0' }),
      rule('-1', -1, -1, { kind: 'group', groupId: 'sg-22222222', userId: OWNER }),
      rule('-1', -1, -1, { kind: 'prefixList', prefixListId: 'pl-0123456789abcdef0' }, 'pl'),
    ]);
    expect(permissions).toEqual([
      {
        IpProtocol: '-1',
        UserIdGroupPairs: [{ UserId: OWNER, GroupId: 'sg-22222222', Description: undefined }],
        IpRanges: [
          { CidrIp: '0.0.0.0/0', Description: undefined },
          { CidrIp: '10.0.0.0/24', Description: undefined },
        ],
        Ipv6Ranges: [{ CidrIpv6: '::/0', Description: undefined }],
        PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0', Description: 'pl' }],
      },
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        UserIdGroupPairs: [],
        IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'https' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
      },
    ]);
  });

  it('omits FromPort/ToPort for -1 and other protocol numbers (A-5) but keeps them for icmp', () => {
    const [all, esp, icmp] = aggregatePermissions([
      rule('-1', -1, -1, { kind: 'ipv4', cidr: '0.0.0.0/0' }),
      rule('50', -1, -1, { kind: 'ipv4', cidr: '0.0.0.0/0' }),
      rule('icmp', -1, -1, { kind: 'ipv4', cidr: '0.0.0.0/0' }),
    ]);
    expect(all).not.toHaveProperty('FromPort');
    expect(all).not.toHaveProperty('ToPort');
    expect(esp).not.toHaveProperty('FromPort');
    expect(icmp).toMatchObject({ IpProtocol: 'icmp', FromPort: -1, ToPort: -1 });
  });

  it('keeps different port ranges of one protocol apart', () => {
    const permissions = aggregatePermissions([
      rule('tcp', 80, 80, { kind: 'ipv4', cidr: '0.0.0.0/0' }),
      rule('tcp', 443, 443, { kind: 'ipv4', cidr: '0.0.0.0/0' }),
      rule('udp', 80, 80, { kind: 'ipv4', cidr: '0.0.0.0/0' }),
    ]);
    expect(permissions.map((p) => [p.IpProtocol, p.FromPort])).toEqual([
      ['tcp', 80],
      ['tcp', 443],
      ['udp', 80],
    ]);
  });

  it('returns no permissions for no rules', () => {
    expect(aggregatePermissions([])).toEqual([]);
  });
});
