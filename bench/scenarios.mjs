/**
 * What the benchmark sends: the setup steps (not measured) and, per scenario, the requests
 * autocannon sends, built and signed one by one. Every target gets the same sequence.
 */
import { formBody } from './sigv4.mjs';
import { inParallel, mustCall } from './targets.mjs';

const GROUP_ID = /<groupId>(sg-[0-9a-f]+)<\/groupId>/;

/** A request autocannon sends: `POST /` with this form, signed for this target. */
function signed(target, params) {
  const body = formBody(params);
  return { method: 'POST', path: '/', headers: target.sign(body), body };
}

/** One permission of one CIDR: the n-th distinct rule (IPv4 and IPv6 alternate, ports vary). */
function distinctPermission(prefix, n) {
  const port = 1024 + (n % 60000);
  const block = Math.floor(n / 2);
  const params = { [`${prefix}.IpProtocol`]: 'tcp', [`${prefix}.FromPort`]: String(port), [`${prefix}.ToPort`]: String(port) };
  if (n % 2 === 0) params[`${prefix}.IpRanges.1.CidrIp`] = `10.${(block >> 8) & 255}.${block & 255}.0/24`;
  else params[`${prefix}.Ipv6Ranges.1.CidrIpv6`] = `2001:db8:${((block % 0xffff) + 1).toString(16)}::/48`;
  return params;
}

/** Many CIDRs in one permission: how the 100,000-rule store is filled quickly. */
function wideEgress(groupId, ipv4Count, ipv6Count, seed) {
  const params = { Action: 'AuthorizeSecurityGroupEgress', GroupId: groupId, 'IpPermissions.1.IpProtocol': 'tcp', 'IpPermissions.1.FromPort': '443', 'IpPermissions.1.ToPort': '443' };
  for (let i = 0; i < ipv4Count; i++) {
    params[`IpPermissions.1.IpRanges.${i + 1}.CidrIp`] = `10.${seed & 255}.${i}.0/24`;
  }
  for (let i = 0; i < ipv6Count; i++) {
    params[`IpPermissions.1.Ipv6Ranges.${i + 1}.CidrIpv6`] = `2001:db8:${(seed & 0xffff).toString(16)}:${(i + 1).toString(16)}::/64`;
  }
  return params;
}

export async function createGroups(target, count, namePrefix) {
  const ids = new Array(count);
  await inParallel(count, 8, async (i) => {
    const xml = await mustCall(target, { Action: 'CreateSecurityGroup', GroupName: `${namePrefix}-${i}`, GroupDescription: 'bench' });
    ids[i] = GROUP_ID.exec(xml)[1];
  });
  return ids;
}

/**
 * The probe group the describe scenarios read: 50 rules (its default egress rule and 49 more).
 * With the default VPC's group and a filler group the store then holds 100 rules.
 */
export async function createProbeGroup(target) {
  const [probe, filler] = await createGroups(target, 2, 'bench-probe');
  await mustCall(target, wideEgress(probe, 25, 24, 1));
  await mustCall(target, wideEgress(filler, 24, 23, 2));
  return probe;
}

/**
 * Fills the store up to 100,000 more rules: groups of 100 rules each (50 IPv4, 50 IPv6, within
 * EC2's default quota of 60 per family), each filled by one authorize call.
 */
export async function seedRules(target, totalRules) {
  const groups = Math.ceil(totalRules / 100);
  const ids = await createGroups(target, groups, 'bench-seed');
  // A new group already has one egress rule (all traffic to 0.0.0.0/0): 49 + 50 more make 100.
  await inParallel(groups, 4, (i) => mustCall(target, wideEgress(ids[i], 49, 50, i)));
}

export const requestsFor = {
  describeGroup(target, { probeGroupId }) {
    const request = signed(target, { Action: 'DescribeSecurityGroups', 'GroupId.1': probeGroupId });
    return [{ setupRequest: () => request }];
  },

  describeRulesOfGroup(target, { probeGroupId }) {
    const request = signed(target, { Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': probeGroupId });
    return [{ setupRequest: () => request }];
  },

  /** Each request adds a rule no group has yet, round-robin over the groups. */
  authorizeEgress(target, { groupIds }) {
    let n = 0;
    return [
      {
        setupRequest: () => {
          const i = n++;
          const groupId = groupIds[i % groupIds.length];
          return signed(target, { Action: 'AuthorizeSecurityGroupEgress', GroupId: groupId, ...distinctPermission('IpPermissions.1', Math.floor(i / groupIds.length)) });
        },
      },
    ];
  },

  /**
   * What `terraform apply` then `destroy` does to one security group, per connection: create it,
   * drop its default egress rule, add two, read the group and its rules, delete it.
   */
  terraformLike(target) {
    let n = 0;
    const rememberGroupId = (_status, body, context) => {
      context.groupId = GROUP_ID.exec(body)?.[1];
    };
    const withGroup = (params) => (_request, context) => signed(target, { ...params(), GroupId: context.groupId ?? 'sg-00000000' });
    return [
      { setupRequest: () => signed(target, { Action: 'CreateSecurityGroup', GroupName: `bench-tf-${n++}`, GroupDescription: 'Managed by Terraform' }), onResponse: rememberGroupId },
      {
        setupRequest: withGroup(() => ({
          Action: 'RevokeSecurityGroupEgress',
          'IpPermissions.1.IpProtocol': '-1',
          'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0',
        })),
      },
      {
        setupRequest: withGroup(() => ({
          Action: 'AuthorizeSecurityGroupEgress',
          'IpPermissions.1.IpProtocol': 'tcp',
          'IpPermissions.1.FromPort': '443',
          'IpPermissions.1.ToPort': '443',
          'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/16',
          'IpPermissions.2.IpProtocol': 'udp',
          'IpPermissions.2.FromPort': '53',
          'IpPermissions.2.ToPort': '53',
          'IpPermissions.2.Ipv6Ranges.1.CidrIpv6': '::/0',
        })),
      },
      {
        setupRequest: (_request, context) => signed(target, { Action: 'DescribeSecurityGroups', 'GroupId.1': context.groupId ?? 'sg-00000000' }),
      },
      {
        setupRequest: (_request, context) =>
          signed(target, { Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': context.groupId ?? 'sg-00000000' }),
      },
      { setupRequest: withGroup(() => ({ Action: 'DeleteSecurityGroup' })) },
    ];
  },
};

/** A little state between resets, so each reset has something to throw away. */
export async function resetRound(target, round) {
  await mustCall(target, { Action: 'CreateSecurityGroup', GroupName: `bench-reset-${round}`, GroupDescription: 'bench' }).then((xml) =>
    mustCall(target, { Action: 'AuthorizeSecurityGroupEgress', GroupId: GROUP_ID.exec(xml)[1], ...distinctPermission('IpPermissions.1', round) }),
  );
  const response = await fetch(`${target.url}/moto-api/reset`, { method: 'POST' });
  await response.arrayBuffer();
  return response.status;
}
