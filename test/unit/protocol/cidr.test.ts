import fc from 'fast-check';
import IPCIDR from 'ip-cidr';
import { describe, expect, it } from 'vitest';
import { fastCanonicalCidr } from '../../../protocol/cidr.js';

/** The general path (ip-cidr), as server/security-groups/rules.ts uses it; undefined = malformed. */
function referenceCanonical(raw: string, family: 'ipv4' | 'ipv6'): string | undefined {
  if (raw.includes('%') || !IPCIDR.isValidCIDR(raw)) return undefined;
  const cidr = new IPCIDR(raw);
  const isV4 = 'v4' in cidr.address && cidr.address.v4 === true;
  if ((family === 'ipv4') !== isV4) return undefined;
  return `${cidr.addressStart.correctForm()}/${cidr.address.subnetMask}`;
}

describe('fastCanonicalCidr', () => {
  it.each([
    ['100.68.0.18/18', '100.68.0.0/18'],
    ['10.1.2.3/32', '10.1.2.3/32'],
    ['10.1.2.3/0', '0.0.0.0/0'],
    ['255.255.255.255/31', '255.255.255.254/31'],
  ])('keeps the network address of IPv4 %s', (raw, canonical) => {
    expect(fastCanonicalCidr(raw, 'ipv4')).toBe(canonical);
  });

  it.each([
    ['2001:DB8:0:0:1::/80', '2001:db8:0:0:1::/80'],
    ['2001:db8:0:0:0:0:2:1/128', '2001:db8::2:1/128'],
    ['2001:0:0:1:0:0:0:1/128', '2001:0:0:1::1/128'],
    ['2001:db8:1:0::/64', '2001:db8:1::/64'],
    ['2001:db8:1234::/33', '2001:db8::/33'],
    ['1:0:2:3:4:5:6:7/128', '1:0:2:3:4:5:6:7/128'],
    ['::/0', '::/0'],
  ])('writes IPv6 %s in RFC 5952 form', (raw, canonical) => {
    expect(fastCanonicalCidr(raw, 'ipv6')).toBe(canonical);
  });

  it.each([
    ['010.1.2.3/8', 'ipv4'],
    ['256.1.1.1/8', 'ipv4'],
    ['1.2.3.4/33', 'ipv4'],
    ['1.2.3/8', 'ipv4'],
    ['10.0.0.0', 'ipv4'],
    ['::/0', 'ipv4'],
    ['10.0.0.0/8', 'ipv6'],
    ['::ffff:1.2.3.4/128', 'ipv6'],
    ['fe80::1%eth0/64', 'ipv6'],
    ['1::2::3/64', 'ipv6'],
    ['1:2:3:4:5:6:7:8::/64', 'ipv6'],
    ['2001:db8::/129', 'ipv6'],
  ] as const)('leaves %s (%s) to the general path', (raw, family) => {
    expect(fastCanonicalCidr(raw, family)).toBeUndefined();
  });

  const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
  const ipv6Text = fc
    .tuple(fc.array(group, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.boolean())
    .map(([groups, start, length, upper]) => {
      const hex = groups.map((g) => g.toString(16));
      const end = Math.min(8, start + length);
      const text = end > start ? `${hex.slice(0, start).join(':')}::${hex.slice(end).join(':')}` : hex.join(':');
      return upper ? text.toUpperCase() : text;
    });
  const ipv4Text = fc
    .array(fc.integer({ min: 0, max: 300 }), { minLength: 4, maxLength: 4 })
    .map((octets) => octets.join('.'));

  it('gives the general path’s answer for every IPv4 CIDR it accepts', () => {
    fc.assert(
      fc.property(ipv4Text, fc.integer({ min: 0, max: 40 }), (address, prefix) => {
        const raw = `${address}/${prefix}`;
        const fast = fastCanonicalCidr(raw, 'ipv4');
        if (fast !== undefined) expect(fast).toBe(referenceCanonical(raw, 'ipv4'));
        else expect(referenceCanonical(raw, 'ipv4') === undefined || /(^|\.)0\d/.test(address)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the general path’s answer for every IPv6 CIDR it accepts', () => {
    fc.assert(
      fc.property(ipv6Text, fc.integer({ min: 0, max: 140 }), (address, prefix) => {
        const raw = `${address}/${prefix}`;
        const fast = fastCanonicalCidr(raw, 'ipv6');
        if (fast !== undefined) expect(fast).toBe(referenceCanonical(raw, 'ipv6'));
        else expect(referenceCanonical(raw, 'ipv6')).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});
