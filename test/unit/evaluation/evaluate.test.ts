/**
 * Flow evaluation, rule kind by rule kind and mistake by mistake: groups and rules are made through
 * the EC2 wire (so they are stored exactly as the emulator normalises them), then flows are decided
 * by evaluateFlowInStore over the same store.
 */
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { EvaluationError, evaluateFlowInStore, evaluateMatrixInStore, type FlowVerdict } from '../../../server/evaluation/evaluate.js';
import { awsManagedPrefixListId } from '../../../store/prefix-lists.js';
import { openDatabase } from '../../../store/db.js';
import { createEvaluationReads } from '../../../store/evaluation-reads.js';
import type { Store } from '../../../store/store.js';
import { buildTestApp, rawClient, type Fields } from '../../helpers/inject.js';

const DEFAULTS = { accountId: '000000000000', region: 'us-east-1' };

let app: FastifyInstance;
let store: Store;
let ec2: ReturnType<typeof rawClient>;
let vpcId: string;

beforeEach(async () => {
  ({ app, store } = buildTestApp());
  ec2 = rawClient(app);
  vpcId = (await ec2.ok('CreateVpc', { CidrBlock: '10.0.0.0/16' })).vpc.vpcId;
});

const evaluate = (flow: unknown): FlowVerdict => evaluateFlowInStore(store, DEFAULTS, flow);

async function group(name: string, inVpc = vpcId): Promise<string> {
  return (await ec2.ok('CreateSecurityGroup', { GroupName: name, GroupDescription: name, VpcId: inVpc })).groupId;
}

type PeerSpec = { cidr: string } | { cidr6: string } | { group: string } | { prefixList: string };

/** One permission's wire fields: protocol, ports (or ICMP type/code) and one peer. */
function permission(protocol: string, ports: [number, number] | undefined, peer: PeerSpec): Fields {
  const fields: Fields = { 'IpPermissions.1.IpProtocol': protocol };
  if (ports) {
    fields['IpPermissions.1.FromPort'] = String(ports[0]);
    fields['IpPermissions.1.ToPort'] = String(ports[1]);
  }
  if ('cidr' in peer) fields['IpPermissions.1.IpRanges.1.CidrIp'] = peer.cidr;
  if ('cidr6' in peer) fields['IpPermissions.1.Ipv6Ranges.1.CidrIpv6'] = peer.cidr6;
  if ('group' in peer) fields['IpPermissions.1.Groups.1.GroupId'] = peer.group;
  if ('prefixList' in peer) fields['IpPermissions.1.PrefixListIds.1.PrefixListId'] = peer.prefixList;
  return fields;
}

/** Authorizes one rule and answers its sgr- id. */
async function allow(direction: 'ingress' | 'egress', groupId: string, protocol: string, ports: [number, number] | undefined, peer: PeerSpec) {
  const action = direction === 'ingress' ? 'AuthorizeSecurityGroupIngress' : 'AuthorizeSecurityGroupEgress';
  const answer = await ec2.ok(action, { GroupId: groupId, ...permission(protocol, ports, peer) });
  return answer.securityGroupRuleSet.item[0].securityGroupRuleId as string;
}

/** The group's rule ids of one direction (the default egress rule, say). */
function ruleIds(groupId: string, direction: 'ingress' | 'egress'): string[] {
  return store.evaluationRulesOf(groupId, direction).map(([ruleId]) => ruleId);
}

async function revokeDefaultEgress(groupId: string): Promise<void> {
  await ec2.ok('RevokeSecurityGroupEgress', { GroupId: groupId, ...permission('-1', undefined, { cidr: '0.0.0.0/0' }) });
}

const matchedIds = (side: FlowVerdict['egress']) => side.matchedRules.map((r) => r.securityGroupRuleId);

function evaluationError(flow: unknown, evaluateWith: (flow: unknown) => unknown = evaluate): { code: string; message: string } {
  try {
    evaluateWith(flow);
  } catch (err) {
    expect(err).toBeInstanceOf(EvaluationError);
    return { code: (err as EvaluationError).code, message: (err as Error).message };
  }
  throw new Error('expected an EvaluationError');
}

describe('a CIDR rule', () => {
  it('allows a source whose address it contains, naming both deciding rules', async () => {
    const app_ = await group('app');
    const db = await group('db');
    const ingress = await allow('ingress', db, 'tcp', [5432, 5432], { cidr: '10.0.1.0/24' });
    const verdict = evaluate({ from: { groupIds: [app_], address: '10.0.1.5' }, to: db, protocol: 'tcp', port: 5432 });
    expect(verdict.verdict).toBe('ALLOWED');
    expect(verdict.allowed).toBe(true);
    expect(matchedIds(verdict.egress)).toEqual(ruleIds(app_, 'egress'));
    expect(matchedIds(verdict.ingress)).toEqual([ingress]);
    expect(verdict.ingress.summary).toBe(`allowed by ${ingress}`);
    expect(verdict.ingress.matchedRules[0]).toMatchObject({ cidrIpv4: '10.0.1.0/24', ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, summary: 'tcp 5432 from 10.0.1.0/24' });
    expect(verdict.from).toEqual({ kind: 'members', groupIds: [app_], vpcId, address: '10.0.1.5' });
    expect(verdict.flow).toEqual({ family: 'ipv4', protocol: 'tcp', port: 5432 });
  });

  it('does not allow a source outside it, and says which rule came closest and why', async () => {
    const app_ = await group('app');
    const db = await group('db');
    const ingress = await allow('ingress', db, 'tcp', [5432, 5432], { cidr: '10.0.1.0/24' });
    const verdict = evaluate({ from: { groupIds: [app_], address: '10.0.2.5' }, to: db, protocol: 'tcp', port: 5432 });
    expect(verdict.verdict).toBe('DENIED');
    expect(verdict.egress.allowed).toBe(true);
    expect(verdict.ingress).toMatchObject({ allowed: false, summary: 'no rule matches', matchedRules: [] });
    expect(verdict.ingress.closestRules).toEqual([
      expect.objectContaining({ securityGroupRuleId: ingress, reason: '10.0.1.0/24 does not contain 10.0.2.5' }),
    ]);
  });

  it('covers a port range, inclusive at both ends', async () => {
    const web = await group('web');
    await allow('ingress', web, 'tcp', [8000, 8010], { cidr: '0.0.0.0/0' });
    for (const [port, allowed] of [[7999, false], [8000, true], [8005, true], [8010, true], [8011, false]] as const) {
      expect([port, evaluate({ from: '198.51.100.7', to: web, protocol: 'tcp', port }).allowed]).toEqual([port, allowed]);
    }
    const closest = evaluate({ from: '198.51.100.7', to: web, protocol: 'tcp', port: 22 }).ingress.closestRules;
    expect(closest.map((r) => r.reason)).toEqual(['ports 8000-8010; the flow is port 22']);
  });

  it('decides for a group endpoint without an address only when it contains the whole VPC block', async () => {
    const app_ = await group('app');
    const db = await group('db');
    const subnetRule = await allow('ingress', db, 'tcp', [5432, 5432], { cidr: '10.0.1.0/24' });
    const denied = evaluate({ from: app_, to: db, protocol: 'tcp', port: 5432 });
    expect(denied.verdict).toBe('DENIED');
    expect(denied.from).toEqual({ kind: 'members', groupIds: [app_], vpcId, anyAddressIn: '10.0.0.0/16' });
    expect(denied.ingress.closestRules).toEqual([
      expect.objectContaining({
        securityGroupRuleId: subnetRule,
        reason: `10.0.1.0/24 does not contain every address of ${vpcId} (10.0.0.0/16): give the source's address to decide`,
      }),
    ]);
    const vpcRule = await allow('ingress', db, 'tcp', [5432, 5432], { cidr: '10.0.0.0/8' });
    expect(matchedIds(evaluate({ from: app_, to: db, protocol: 'tcp', port: 5432 }).ingress)).toEqual([vpcRule]);
    // With the address given, both rules decide.
    expect(matchedIds(evaluate({ from: { groupIds: [app_], address: '10.0.1.9' }, to: db, protocol: 'tcp', port: 5432 }).ingress)).toEqual([subnetRule, vpcRule]);
  });

  it('contains an outside block only whole: 0.0.0.0/0 needs a rule for 0.0.0.0/0', async () => {
    const web = await group('web');
    const partial = await allow('ingress', web, 'tcp', [80, 80], { cidr: '10.0.0.0/8' });
    const world = evaluate({ from: '0.0.0.0/0', to: web, protocol: 'tcp', port: 80 });
    expect(world.verdict).toBe('DENIED');
    expect(world.ingress.closestRules).toEqual([expect.objectContaining({ securityGroupRuleId: partial, reason: '10.0.0.0/8 does not contain all of 0.0.0.0/0' })]);
    expect(evaluate({ from: '10.1.0.0/16', to: web, protocol: 'tcp', port: 80 }).allowed).toBe(true);
    expect(evaluate({ from: { cidr: '10.1.2.3' }, to: web, protocol: 'tcp', port: 80 }).allowed).toBe(true);
    await allow('ingress', web, 'tcp', [80, 80], { cidr: '0.0.0.0/0' });
    expect(evaluate({ from: '0.0.0.0/0', to: web, protocol: 'tcp', port: 80 }).allowed).toBe(true);
  });
});

describe('the two sides', () => {
  it('egress allowed but ingress missing: DENIED, the ingress side says no rule matches', async () => {
    const app_ = await group('app');
    const db = await group('db');
    const verdict = evaluate({ from: app_, to: db, protocol: 'tcp', port: 5432 });
    expect(verdict.verdict).toBe('DENIED');
    expect(verdict.egress).toMatchObject({ direction: 'egress', of: 'source', groupIds: [app_], checked: true, allowed: true });
    expect(verdict.ingress).toMatchObject({ direction: 'ingress', of: 'destination', groupIds: [db], checked: true, allowed: false, summary: 'no rule matches', closestRules: [] });
  });

  it('ingress allowed but egress revoked: DENIED on the egress side', async () => {
    const app_ = await group('app');
    const db = await group('db');
    await allow('ingress', db, 'tcp', [5432, 5432], { group: app_ });
    expect(evaluate({ from: app_, to: db, protocol: 'tcp', port: 5432 }).allowed).toBe(true);
    await revokeDefaultEgress(app_);
    const verdict = evaluate({ from: app_, to: db, protocol: 'tcp', port: 5432 });
    expect([verdict.verdict, verdict.egress.allowed, verdict.ingress.allowed]).toEqual(['DENIED', false, true]);
  });

  it('from an outside address needs only the destination ingress; to one only the source egress', async () => {
    const web = await group('web');
    const fromWorld = evaluate({ from: '203.0.113.9', to: web, protocol: 'tcp', port: 443 });
    expect(fromWorld.egress).toMatchObject({ checked: false, allowed: true, groupIds: [], summary: 'not checked: the source is an outside address, in no security group' });
    expect(fromWorld.ingress.allowed).toBe(false);
    expect(fromWorld.from).toEqual({ kind: 'outside', cidr: '203.0.113.9/32' });

    const out = evaluate({ from: web, to: '8.8.8.8', protocol: 'udp', port: 53 });
    expect(out.verdict).toBe('ALLOWED');
    expect(out.ingress).toMatchObject({ checked: false, allowed: true, summary: 'not checked: the destination is an outside address, in no security group' });
    await revokeDefaultEgress(web);
    expect(evaluate({ from: web, to: '8.8.8.8', protocol: 'udp', port: 53 }).verdict).toBe('DENIED');
  });

  it('any of an endpoint’s groups may hold the deciding rule', async () => {
    const a = await group('a');
    const b = await group('b');
    const src = await group('src');
    const rule = await allow('ingress', b, 'tcp', [22, 22], { group: src });
    const verdict = evaluate({ from: src, to: { groupIds: [a, b] }, protocol: 'tcp', port: 22 });
    expect(verdict.ingress.groupIds).toEqual([a, b]);
    expect(verdict.ingress.matchedRules).toEqual([expect.objectContaining({ securityGroupRuleId: rule, groupId: b })]);
    expect(evaluate({ from: src, to: `${a},${b}`, protocol: 'tcp', port: 22 }).allowed).toBe(true);
  });

  it('names every rule that matched, not just the first', async () => {
    const web = await group('web');
    const one = await allow('ingress', web, 'tcp', [443, 443], { cidr: '0.0.0.0/0' });
    const two = await allow('ingress', web, 'tcp', [0, 65535], { cidr: '203.0.113.0/24' });
    expect(matchedIds(evaluate({ from: '203.0.113.1', to: web, protocol: 'tcp', port: 443 }).ingress)).toEqual([one, two]);
  });
});

describe('a rule naming a group', () => {
  it('allows members of that group and no one else', async () => {
    const web = await group('web');
    const other = await group('other');
    const app_ = await group('app');
    const rule = await allow('ingress', app_, 'tcp', [8080, 8080], { group: web });
    expect(matchedIds(evaluate({ from: web, to: app_, protocol: 'tcp', port: 8080 }).ingress)).toEqual([rule]);
    const denied = evaluate({ from: other, to: app_, protocol: 'tcp', port: 8080 });
    expect(denied.verdict).toBe('DENIED');
    expect(denied.ingress.closestRules).toEqual([
      expect.objectContaining({ securityGroupRuleId: rule, referencedGroupId: web, reason: `references ${web}, which the source does not hold` }),
    ]);
    // Holding it beside another group is enough.
    expect(evaluate({ from: { groupIds: [other, web] }, to: app_, protocol: 'tcp', port: 8080 }).allowed).toBe(true);
  });

  it('never matches an outside address, even 0.0.0.0/0', async () => {
    const web = await group('web');
    const app_ = await group('app');
    await allow('ingress', app_, 'tcp', [8080, 8080], { group: web });
    const verdict = evaluate({ from: '10.0.0.7', to: app_, protocol: 'tcp', port: 8080 });
    expect(verdict.verdict).toBe('DENIED');
    expect(verdict.ingress.closestRules[0]?.reason).toBe(`references ${web}; an outside address is in no security group`);
  });

  it('a group naming itself allows traffic among its members (the default group does from birth)', async () => {
    const defaultGroup = (await ec2.ok('DescribeSecurityGroups', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': vpcId, 'Filter.2.Name': 'group-name', 'Filter.2.Value.1': 'default' }))
      .securityGroupInfo.item[0].groupId as string;
    for (const flow of [
      { protocol: 'tcp', port: 22 },
      { protocol: 'udp', port: 53 },
      { protocol: 'icmp', icmpType: 8 },
      { protocol: 50 },
    ]) {
      expect(evaluate({ from: defaultGroup, to: defaultGroup, ...flow }).allowed).toBe(true);
    }
    const stranger = await group('stranger');
    expect(evaluate({ from: stranger, to: defaultGroup, protocol: 'tcp', port: 22 }).allowed).toBe(false);

    const cluster = await group('cluster');
    const self = await allow('ingress', cluster, 'tcp', [7000, 7001], { group: cluster });
    expect(matchedIds(evaluate({ from: cluster, to: cluster, protocol: 'tcp', port: 7001 }).ingress)).toEqual([self]);
    expect(evaluate({ from: stranger, to: cluster, protocol: 'tcp', port: 7001 }).allowed).toBe(false);
  });
});

describe('IP families', () => {
  it('an IPv6 rule never matches IPv4 traffic, nor an IPv4 rule IPv6 traffic', async () => {
    const web = await group('web');
    const v6 = await allow('ingress', web, 'tcp', [443, 443], { cidr6: '::/0' });
    const v4 = evaluate({ from: '0.0.0.0/0', to: web, protocol: 'tcp', port: 443 });
    expect(v4.verdict).toBe('DENIED');
    expect(v4.ingress.closestRules).toEqual([expect.objectContaining({ securityGroupRuleId: v6, reason: 'an IPv6 rule; the flow is IPv4' })]);
    expect(matchedIds(evaluate({ from: '::/0', to: web, protocol: 'tcp', port: 443 }).ingress)).toEqual([v6]);

    await allow('ingress', web, 'tcp', [80, 80], { cidr: '0.0.0.0/0' });
    const v6flow = evaluate({ from: '2001:db8::1', to: web, protocol: 'tcp', port: 80 });
    expect(v6flow.verdict).toBe('DENIED');
    expect(v6flow.flow.family).toBe('ipv6');
    // The ::/0 rule has the right peer and the wrong port; the 0.0.0.0/0 rule the right port and the wrong family.
    expect(v6flow.ingress.closestRules.map((r) => r.reason)).toEqual(['port 443; the flow is port 80', 'an IPv4 rule; the flow is IPv6']);
  });

  it('a group endpoint in a VPC without an IPv6 block has no IPv6 address to match', async () => {
    const app_ = await group('app');
    const db = await group('db');
    await allow('ingress', db, 'tcp', [5432, 5432], { cidr6: '::/0' });
    const verdict = evaluate({ from: app_, to: db, protocol: 'tcp', port: 5432, family: 'ipv6' });
    expect(verdict.verdict).toBe('DENIED');
    expect(verdict.from).toMatchObject({ anyAddressIn: null });
    // The source's default egress is IPv4 only in a VPC without IPv6.
    expect(verdict.egress.closestRules[0]?.reason).toBe('an IPv4 rule; the flow is IPv6');
    expect(verdict.ingress.closestRules[0]?.reason).toBe(`the source's IPv6 address is unknown (its VPC ${vpcId} has no IPv6 block): give it to decide`);
  });

  it('a VPC with an IPv6 block: its groups reach ::/0 by their default egress', async () => {
    const v6vpc = (await ec2.ok('CreateVpc', { CidrBlock: '10.9.0.0/16', AmazonProvidedIpv6CidrBlock: 'true' })).vpc.vpcId as string;
    const app_ = await group('app6', v6vpc);
    const db = await group('db6', v6vpc);
    await allow('ingress', db, 'tcp', [5432, 5432], { cidr6: '::/0' });
    const verdict = evaluate({ from: app_, to: db, protocol: 'tcp', port: 5432, family: 'ipv6' });
    expect(verdict.verdict).toBe('ALLOWED');
    expect(verdict.egress.matchedRules.map((r) => r.cidrIpv6)).toEqual(['::/0']);
  });
});

describe('protocols, ports and ICMP', () => {
  it('protocol -1 matches every protocol and port', async () => {
    const db = await group('db');
    const all = await allow('ingress', db, '-1', undefined, { cidr: '10.0.0.0/8' });
    for (const flow of [
      { protocol: 'tcp', port: 22 },
      { protocol: 'udp', port: 65535 },
      { protocol: 'icmp', icmpType: 3, icmpCode: 4 },
      { protocol: 'icmpv6', icmpType: 128, family: 'ipv4' },
      { protocol: '47' },
      { protocol: 132 },
    ]) {
      const verdict = evaluate({ from: '10.2.3.4', to: db, ...flow });
      expect([flow, matchedIds(verdict.ingress)]).toEqual([flow, [all]]);
    }
    expect(evaluate({ from: '10.2.3.4', to: db, protocol: 'tcp', port: 1 }).ingress.matchedRules[0]?.summary).toBe('all traffic from 10.0.0.0/8');
  });

  it('names and numbers of tcp/udp/icmp/icmpv6 are the same protocol', async () => {
    const db = await group('db');
    const numbered = await allow('ingress', db, '6', [5432, 5432], { cidr: '10.0.0.0/8' });
    for (const protocol of ['tcp', 'TCP', '6', 6]) {
      expect(matchedIds(evaluate({ from: '10.0.0.1', to: db, protocol, port: 5432 }).ingress)).toEqual([numbered]);
    }
    expect(evaluate({ from: '10.0.0.1', to: db, protocol: 'tcp', port: 5432 }).ingress.matchedRules[0]?.ipProtocol).toBe('tcp');
    const udp = evaluate({ from: '10.0.0.1', to: db, protocol: 17, port: 5432 });
    expect(udp.flow.protocol).toBe('udp');
    expect(udp.ingress.closestRules.map((r) => r.reason)).toEqual(['protocol tcp; the flow is udp']);
  });

  it('ICMP: the type must match, the code too unless the rule says -1', async () => {
    const web = await group('web');
    const echo = await allow('ingress', web, 'icmp', [8, -1], { cidr: '0.0.0.0/0' });
    expect(matchedIds(evaluate({ from: '192.0.2.1', to: web, protocol: 'icmp', icmpType: 8, icmpCode: 0 }).ingress)).toEqual([echo]);
    expect(matchedIds(evaluate({ from: '192.0.2.1', to: web, protocol: 1, icmpType: 8 }).ingress)).toEqual([echo]);
    const reply = evaluate({ from: '192.0.2.1', to: web, protocol: 'icmp', icmpType: 0 });
    expect(reply.verdict).toBe('DENIED');
    expect(reply.ingress.closestRules).toEqual([expect.objectContaining({ securityGroupRuleId: echo, reason: 'type 8 any code; the flow is type 0 code 0' })]);

    const unreachable = await allow('ingress', web, 'icmp', [3, 4], { cidr: '0.0.0.0/0' });
    expect(matchedIds(evaluate({ from: '192.0.2.1', to: web, protocol: 'icmp', icmpType: 3, icmpCode: 4 }).ingress)).toEqual([unreachable]);
    expect(evaluate({ from: '192.0.2.1', to: web, protocol: 'icmp', icmpType: 3, icmpCode: 1 }).ingress.closestRules.map((r) => r.reason)).toContain(
      'type 3 code 4; the flow is type 3 code 1',
    );

    const anyIcmp = await allow('ingress', web, 'icmp', [-1, -1], { cidr: '0.0.0.0/0' });
    expect(matchedIds(evaluate({ from: '192.0.2.1', to: web, protocol: 'icmp', icmpType: 13, icmpCode: 0 }).ingress)).toEqual([anyIcmp]);
    // An icmp rule is not an icmpv6 rule.
    expect(evaluate({ from: '192.0.2.1', to: web, protocol: 'icmpv6', icmpType: 8, family: 'ipv4' }).allowed).toBe(false);
  });

  it('icmpv6 without ports covers every type; 58 is icmpv6; an icmpv6 flow is IPv6 by default', async () => {
    const web = await group('web');
    const rule = await allow('ingress', web, '58', undefined, { cidr6: '::/0' });
    const verdict = evaluate({ from: web, to: web, protocol: 'icmpv6', icmpType: 135 });
    expect(verdict.flow).toEqual({ family: 'ipv6', protocol: 'icmpv6', icmpType: 135, icmpCode: 0 });
    expect(verdict.ingress.closestRules.map((r) => r.securityGroupRuleId)).toContain(rule);
    expect(matchedIds(evaluate({ from: '2001:db8::9', to: web, protocol: 58, icmpType: 1, icmpCode: 3 }).ingress)).toEqual([rule]);
  });

  it('another protocol number has no ports: its rule covers all of that protocol', async () => {
    const vpn = await group('vpn');
    const gre = await allow('ingress', vpn, '47', undefined, { cidr: '198.51.100.0/24' });
    expect(matchedIds(evaluate({ from: '198.51.100.20', to: vpn, protocol: 47 }).ingress)).toEqual([gre]);
    expect(evaluate({ from: '198.51.100.20', to: vpn, protocol: 47 }).ingress.matchedRules[0]?.summary).toBe('protocol 47 from 198.51.100.0/24');
    expect(evaluate({ from: '198.51.100.20', to: vpn, protocol: 50 }).ingress.closestRules.map((r) => r.reason)).toEqual(['protocol 47; the flow is 50']);
  });

  it('lists rules with the right peer but the wrong traffic before rules with the right traffic but the wrong peer', async () => {
    const web = await group('web');
    const src = await group('src');
    const otherPeer = await allow('ingress', web, 'tcp', [22, 22], { cidr: '192.0.2.0/24' });
    const samePeer = await allow('ingress', web, 'tcp', [2222, 2222], { group: src });
    const verdict = evaluate({ from: src, to: web, protocol: 'tcp', port: 22 });
    expect(verdict.ingress.closestRules.map((r) => [r.securityGroupRuleId, r.reason])).toEqual([
      [samePeer, 'port 2222; the flow is port 22'],
      [otherPeer, `192.0.2.0/24 does not contain every address of ${vpcId} (10.0.0.0/16): give the source's address to decide`],
    ]);
  });
});

describe('prefix lists', () => {
  async function prefixList(cidrs: string[]): Promise<string> {
    const fields: Fields = { PrefixListName: 'offices', MaxEntries: '5', AddressFamily: 'IPv4' };
    cidrs.forEach((cidr, i) => (fields[`Entry.${i + 1}.Cidr`] = cidr));
    return (await ec2.ok('CreateManagedPrefixList', fields)).prefixList.prefixListId;
  }

  it('match at the list’s current version: an entry removed in a later version no longer allows', async () => {
    const bastion = await group('bastion');
    const pl = await prefixList(['192.0.2.0/24', '198.51.100.0/24']);
    const rule = await allow('ingress', bastion, 'tcp', [22, 22], { prefixList: pl });
    expect(matchedIds(evaluate({ from: '198.51.100.7', to: bastion, protocol: 'tcp', port: 22 }).ingress)).toEqual([rule]);

    await ec2.ok('ModifyManagedPrefixList', { PrefixListId: pl, CurrentVersion: '1', 'RemoveEntry.1.Cidr': '198.51.100.0/24' });
    const denied = evaluate({ from: '198.51.100.7', to: bastion, protocol: 'tcp', port: 22 });
    expect(denied.verdict).toBe('DENIED');
    expect(denied.ingress.closestRules).toEqual([
      expect.objectContaining({ securityGroupRuleId: rule, prefixListId: pl, reason: `no entry of ${pl} (version 2) contains 198.51.100.7` }),
    ]);
    expect(evaluate({ from: '192.0.2.50', to: bastion, protocol: 'tcp', port: 22 }).allowed).toBe(true);

    await ec2.ok('RestoreManagedPrefixListVersion', { PrefixListId: pl, PreviousVersion: '1', CurrentVersion: '2' });
    expect(evaluate({ from: '198.51.100.7', to: bastion, protocol: 'tcp', port: 22 }).allowed).toBe(true);
  });

  it('AWS-managed lists count like any other (the S3 list in an egress rule)', async () => {
    const worker = await group('worker');
    await revokeDefaultEgress(worker);
    const s3 = awsManagedPrefixListId('us-east-1', 's3');
    const rule = await allow('egress', worker, 'tcp', [443, 443], { prefixList: s3 });
    const verdict = evaluate({ from: worker, to: '52.216.10.20', protocol: 'tcp', port: 443 });
    expect(matchedIds(verdict.egress)).toEqual([rule]);
    expect(verdict.egress.matchedRules[0]?.summary).toBe(`tcp 443 to ${s3}`);
    const elsewhere = evaluate({ from: worker, to: '8.8.8.8', protocol: 'tcp', port: 443 });
    expect(elsewhere.verdict).toBe('DENIED');
    expect(elsewhere.egress.closestRules[0]?.reason).toBe(`no entry of ${s3} (version 1) contains 8.8.8.8`);
  });
});

describe('network interfaces as endpoints', () => {
  let subnetId: string;
  beforeEach(async () => {
    subnetId = (await ec2.ok('CreateSubnet', { VpcId: vpcId, CidrBlock: '10.0.1.0/24' })).subnet.subnetId;
  });

  it('take their groups and primary address from the store', async () => {
    const app_ = await group('app');
    const db = await group('db');
    const eni = (await ec2.ok('CreateNetworkInterface', { SubnetId: subnetId, 'SecurityGroupId.1': app_, PrivateIpAddress: '10.0.1.10' })).networkInterface
      .networkInterfaceId as string;
    const rule = await allow('ingress', db, 'tcp', [5432, 5432], { cidr: '10.0.1.0/24' });
    const verdict = evaluate({ from: eni, to: db, protocol: 'tcp', port: 5432 });
    expect(verdict.from).toEqual({ kind: 'members', groupIds: [app_], vpcId, networkInterfaceId: eni, address: '10.0.1.10' });
    expect(matchedIds(verdict.ingress)).toEqual([rule]);
    expect(evaluate({ from: { networkInterfaceId: eni, address: '10.0.1.10' }, to: db, protocol: 'tcp', port: 5432 }).allowed).toBe(true);
    expect(evaluationError({ from: { networkInterfaceId: eni, address: '10.0.1.99' }, to: db, protocol: 'tcp', port: 5432 })).toEqual({
      code: 'InvalidFlow',
      message: `from.address: 10.0.1.99 is not a private address of ${eni} (10.0.1.10)`,
    });
  });
});

describe('bad input', () => {
  it.each([
    ['no from', { to: 'sg-1a2b3c4d', protocol: 'tcp', port: 1 }, "flow: 'from' is required"],
    ['both outside', { from: '0.0.0.0/0', to: '10.0.0.1', protocol: 'tcp', port: 1 }, 'from and to are both outside addresses: no security group is involved; name a group or a network interface on one side'],
    ['protocol -1', { from: '0.0.0.0/0', to: 'sg-1a2b3c4d', protocol: '-1' }, 'protocol: a flow has one protocol; -1 (all) is for rules: give tcp, udp, icmp, icmpv6 or a number 0-255'],
    ['protocol all', { from: '0.0.0.0/0', to: 'sg-1a2b3c4d', protocol: 'all' }, "protocol: 'all' is not tcp, udp, icmp, icmpv6 or a protocol number 0-255"],
    ['tcp without a port', { from: '0.0.0.0/0', to: 'sg-1a2b3c4d', protocol: 'tcp' }, 'port: required for tcp (0-65535)'],
    ['a port out of range', { from: '0.0.0.0/0', to: 'sg-1a2b3c4d', protocol: 'udp', port: 70000 }, "port: '70000' is not a whole number from 0 to 65535"],
    ['icmp without a type', { from: '0.0.0.0/0', to: 'sg-1a2b3c4d', protocol: 'icmp' }, 'icmpType: required for icmp (0-255)'],
    ['a port for protocol 47', { from: '0.0.0.0/0', to: 'sg-1a2b3c4d', protocol: 47, port: 1 }, 'port: protocol 47 has no ports'],
    ['a misspelt field', { from: '0.0.0.0/0', to: 'sg-1a2b3c4d', protocol: 'tcp', prot: 1 }, "flow: unknown field 'prot' (expected one of from, to, protocol, port, icmpType, icmpCode, family, accountId, region)"],
    ['a malformed group id', { from: 'sg-xyz', to: 'sg-1a2b3c4d', protocol: 'tcp', port: 1 }, "from: 'sg-xyz' is not a security group id (sg-…)"],
    ['six groups', { from: 'sg-1,sg-2,sg-3,sg-4,sg-5,sg-6', to: '0.0.0.0/0', protocol: 'tcp', port: 1 }, 'from: 6 groups; a network interface holds at most 5'],
    ['a CIDR as a group member address', { from: { groupIds: ['sg-1'], address: '10.0.0.0/24' }, to: '0.0.0.0/0', protocol: 'tcp', port: 1 }, "from.address: '10.0.0.0/24' is not an IPv4 or IPv6 address"],
    ['mixed families', { from: '10.0.0.1', to: { groupIds: ['sg-1'], address: '2001:db8::1' }, protocol: 'tcp', port: 1 }, 'from and to have addresses of different families (IPv4 and IPv6)'],
    ['a family that contradicts the addresses', { from: '10.0.0.1', to: 'sg-1a2b3c4d', protocol: 'tcp', port: 1, family: 'ipv6' }, "family: 'ipv6', but the addresses given are IPv4"],
    ['a bad account id', { from: '10.0.0.1', to: 'sg-1a2b3c4d', protocol: 'tcp', port: 1, accountId: '12' }, "accountId: '12' is not a 12-digit account id"],
  ])('%s is refused, naming the field', (_name, flow, message) => {
    expect(evaluationError(flow)).toEqual({ code: 'InvalidFlow', message });
  });

  it('an unknown group, interface or VPC is refused with EC2’s NotFound code and text', async () => {
    const web = await group('web');
    expect(evaluationError({ from: 'sg-0123456789abcdef0', to: web, protocol: 'tcp', port: 1 })).toEqual({
      code: 'InvalidGroup.NotFound',
      message: "The security group 'sg-0123456789abcdef0' does not exist",
    });
    expect(evaluationError({ from: 'eni-0123456789abcdef0', to: web, protocol: 'tcp', port: 1 })).toEqual({
      code: 'InvalidNetworkInterfaceID.NotFound',
      message: "The networkInterface ID 'eni-0123456789abcdef0' does not exist",
    });
    expect(evaluationError({ vpcId: 'vpc-0123456789abcdef0' }, (body) => evaluateMatrixInStore(store, DEFAULTS, body))).toEqual({
      code: 'InvalidVpcID.NotFound',
      message: "The vpc ID 'vpc-0123456789abcdef0' does not exist",
    });
  });

  it('groups of two VPCs cannot be one endpoint', async () => {
    const other = (await ec2.ok('CreateVpc', { CidrBlock: '10.1.0.0/16' })).vpc.vpcId as string;
    const a = await group('a');
    const b = await group('b', other);
    expect(evaluationError({ from: { groupIds: [a, b] }, to: '0.0.0.0/0', protocol: 'tcp', port: 1 })).toEqual({
      code: 'InvalidFlow',
      message: `from: the groups are in different VPCs (${vpcId}, ${other}); one endpoint holds groups of one VPC`,
    });
  });

  it('a group of another account or region is not found there', async () => {
    const web = await group('web');
    expect(evaluationError({ from: '0.0.0.0/0', to: web, protocol: 'tcp', port: 1, region: 'eu-west-1' }).code).toBe('InvalidGroup.NotFound');
    expect(evaluationError({ from: '0.0.0.0/0', to: web, protocol: 'tcp', port: 1, accountId: '111122223333' }).code).toBe('InvalidGroup.NotFound');
  });
});

describe('the matrix', () => {
  it('merges overlapping port ranges and intersects egress with ingress', async () => {
    const a = await group('a');
    const b = await group('b');
    await allow('ingress', b, 'tcp', [80, 90], { group: a });
    await allow('ingress', b, 'tcp', [85, 100], { group: a });
    await allow('ingress', b, 'tcp', [101, 101], { group: a });
    await allow('ingress', b, 'udp', [53, 53], { group: a });
    await revokeDefaultEgress(a);
    await allow('egress', a, 'tcp', [95, 200], { cidr: '10.0.0.0/16' });
    const matrix = evaluateMatrixInStore(store, DEFAULTS, { groupIds: [a, b] });
    expect(matrix.pairs).toEqual([{ from: a, to: b, family: 'ipv4', allowed: [{ protocol: 'tcp', fromPort: 95, toPort: 101 }] }]);
    expect(matrix.world).toEqual([]);
    expect(matrix.groups).toEqual([
      { groupId: a, groupName: 'a', vpcId },
      { groupId: b, groupName: 'b', vpcId },
    ]);
  });

  it('writes all traffic as protocol -1, ICMP by type and code, other protocols by number', async () => {
    const a = await group('a');
    const b = await group('b');
    await allow('ingress', a, '-1', undefined, { group: a });
    await allow('ingress', b, 'icmp', [8, -1], { group: a });
    await allow('ingress', b, 'icmp', [3, 4], { group: a });
    await allow('ingress', b, '47', undefined, { group: a });
    await allow('ingress', b, 'icmp', [-1, -1], { cidr: '0.0.0.0/0' });
    const matrix = evaluateMatrixInStore(store, DEFAULTS, { groupIds: [a, b] });
    expect(matrix.pairs).toEqual([
      { from: a, to: a, family: 'ipv4', allowed: [{ protocol: '-1' }] },
      {
        from: a,
        to: b,
        family: 'ipv4',
        allowed: [{ protocol: 'icmp', icmpType: -1, icmpCode: -1 }, { protocol: '47' }],
      },
      { from: b, to: b, family: 'ipv4', allowed: [{ protocol: 'icmp', icmpType: -1, icmpCode: -1 }] },
    ]);
    expect(matrix.world).toEqual([{ from: '0.0.0.0/0', to: b, family: 'ipv4', allowed: [{ protocol: 'icmp', icmpType: -1, icmpCode: -1 }] }]);
  });

  it('covers the groups of a VPC, its default group included', async () => {
    const a = await group('a');
    const matrix = evaluateMatrixInStore(store, DEFAULTS, { vpcId });
    expect(matrix.vpcId).toBe(vpcId);
    expect(matrix.groups.map((g) => g.groupName)).toEqual(['default', 'a']);
    const defaultId = matrix.groups[0]!.groupId;
    expect(matrix.pairs).toEqual([{ from: defaultId, to: defaultId, family: 'ipv4', allowed: [{ protocol: '-1' }] }]);
    expect(a).toMatch(/^sg-/);
  });
});

describe('the evaluation reads', () => {
  it('read through indexes, never scanning a table', () => {
    const db = openDatabase(':memory:');
    const statements: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      statements.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    createEvaluationReads(db);
    db.prepare = prepare;
    expect(statements.length).toBeGreaterThan(0);
    for (const sql of statements) {
      const parameters = sql.split('?').length - 1;
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...new Array<null>(parameters).fill(null)) as { detail: string }[]).map((row) => row.detail);
      // A scan of a subquery's rows is not a table scan.
      expect([sql, plan.filter((step) => /^SCAN (?!\(subquery)/.test(step))]).toEqual([sql, []]);
      expect(plan.some((step) => /^SEARCH /.test(step))).toBe(true);
    }
    db.close();
  });
});
