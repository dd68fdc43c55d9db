/** The console's words for a rule: the type, protocol and port range columns of the AWS console. */
import { describe, expect, it } from 'vitest';
import { portRangeLabel, protocolLabel, ruleType, ruleView, trafficLabel } from '../../../server/console/views.js';

describe('rule type', () => {
  it.each([
    ['-1', -1, -1, 'All traffic'],
    ['tcp', 22, 22, 'SSH'],
    ['tcp', 443, 443, 'HTTPS'],
    ['tcp', 80, 80, 'HTTP'],
    ['tcp', 3389, 3389, 'RDP'],
    ['tcp', 5432, 5432, 'PostgreSQL'],
    ['tcp', 3306, 3306, 'MYSQL/Aurora'],
    ['tcp', 53, 53, 'DNS (TCP)'],
    ['udp', 53, 53, 'DNS (UDP)'],
    ['tcp', 8080, 8080, 'Custom TCP'],
    ['tcp', 1024, 65535, 'Custom TCP'],
    ['tcp', 0, 65535, 'All TCP'],
    ['udp', 0, 65535, 'All UDP'],
    ['udp', 123, 123, 'Custom UDP'],
    ['icmp', -1, -1, 'All ICMP - IPv4'],
    ['icmp', 8, -1, 'Custom ICMP - IPv4'],
    ['icmpv6', -1, -1, 'All ICMP - IPv6'],
    ['47', -1, -1, 'Custom protocol'],
  ])('%s %i-%i is %s', (protocol, from, to, type) => {
    expect(ruleType(protocol, from, to)).toBe(type);
  });
});

describe('protocol and port range', () => {
  it('name the protocol as the AWS console does', () => {
    expect([protocolLabel('-1'), protocolLabel('tcp'), protocolLabel('icmpv6'), protocolLabel('47'), protocolLabel('253')]).toEqual([
      'All',
      'TCP',
      'ICMPv6',
      'GRE (47)',
      '253',
    ]);
  });

  it('show one port, a range, All, or an ICMP type and code', () => {
    expect(portRangeLabel('tcp', 443, 443)).toBe('443');
    expect(portRangeLabel('udp', 1024, 2048)).toBe('1024 - 2048');
    expect(portRangeLabel('-1', -1, -1)).toBe('All');
    expect(portRangeLabel('icmp', -1, -1)).toBe('All');
    expect(portRangeLabel('icmp', 3, 4)).toBe('type 3, code 4');
    expect(portRangeLabel('icmp', 8, -1)).toBe('type 8, all codes');
  });

  it('label a reference arrow briefly', () => {
    expect(trafficLabel('tcp', 5432, 5432)).toBe('tcp 5432');
    expect(trafficLabel('udp', 1000, 2000)).toBe('udp 1000-2000');
    expect(trafficLabel('-1', -1, -1)).toBe('all traffic');
    expect(trafficLabel('icmp', 8, -1)).toBe('icmp type 8');
  });
});

describe('a rule view', () => {
  it('names the peer group and says whether the console can open it', () => {
    const view = ruleView(
      {
        ruleId: 'sgr-1',
        groupId: 'sg-a',
        ownerId: '000000000000',
        direction: 'ingress',
        protocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        peer: { kind: 'group', groupId: 'sg-b', userId: '000000000000' },
        description: 'from b',
        tags: [],
      },
      { groups: new Map([['sg-b', { groupName: 'web', ownerId: '000000000000', local: true }]]), prefixLists: new Map() },
    );
    expect(view).toMatchObject({
      ruleId: 'sgr-1',
      ipVersion: '–',
      type: 'HTTPS',
      protocol: 'TCP',
      portRange: '443',
      peer: { kind: 'group', id: 'sg-b', name: 'web', ownerId: '000000000000', local: true },
      description: 'from b',
    });
  });
});
