/**
 * Many clients at once, over real HTTP with a socket each: every request is checked and applied as
 * one unit, so identical writes race to exactly one winner, quotas hold under parallel authorizes,
 * and paging while others write neither repeats nor skips a rule.
 */
import { Agent } from 'node:http';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator, EmulatorOptions } from '../../server/emulator.js';
import { TEST_CREDENTIALS, startTestServer } from '../helpers/server.js';

const PARALLEL = 200;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server and an SDK client with enough keep-alive sockets for every request to be in flight at once. */
async function setUp(options: EmulatorOptions = {}): Promise<{ emulator: Emulator; ec2: EC2Client }> {
  const emulator = await startTestServer(options);
  const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL + 10 });
  const ec2 = new EC2Client({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { httpAgent: agent },
  });
  cleanups.push(() => emulator.stop(), () => agent.destroy(), () => ec2.destroy());
  return { emulator, ec2 };
}

async function newGroup(ec2: EC2Client, name: string): Promise<string> {
  const vpcId = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups![0]!.VpcId!;
  return (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }))).GroupId!;
}

/** Outcomes of settled SDK calls: the values of the successes, and the error codes of the failures. */
function outcomes<T>(settled: PromiseSettledResult<T>[]): { values: T[]; codes: string[] } {
  const values: T[] = [];
  const codes: string[] = [];
  for (const result of settled) {
    if (result.status === 'fulfilled') values.push(result.value);
    else codes.push((result.reason as { name: string }).name);
  }
  return { values, codes };
}

async function rulesOf(ec2: EC2Client, groupId: string) {
  return (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))).SecurityGroupRules!;
}

const cidrRule = (port: number, cidr = '10.0.0.0/8'): IpPermission => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] });

describe('identical writes at the same time', () => {
  it(`creates exactly one rule from ${PARALLEL} identical AuthorizeSecurityGroupEgress; the rest are InvalidPermission.Duplicate`, async () => {
    const { ec2 } = await setUp();
    const groupId = await newGroup(ec2, 'race-egress');
    const settled = await Promise.allSettled(
      Array.from({ length: PARALLEL }, () => ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [cidrRule(443)] }))),
    );
    const { values, codes } = outcomes(settled);
    expect(values).toHaveLength(1);
    expect(codes).toEqual(Array(PARALLEL - 1).fill('InvalidPermission.Duplicate'));
    const winner = values[0]!.SecurityGroupRules![0]!;
    const https = (await rulesOf(ec2, groupId)).filter((rule) => rule.IsEgress && rule.FromPort === 443);
    expect(https.map((rule) => rule.SecurityGroupRuleId)).toEqual([winner.SecurityGroupRuleId]);
  });

  it('creates exactly one group from parallel CreateSecurityGroup of one name; the rest are InvalidGroup.Duplicate', async () => {
    const { ec2 } = await setUp();
    const vpcId = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups![0]!.VpcId!;
    const settled = await Promise.allSettled(
      Array.from({ length: PARALLEL }, () => ec2.send(new CreateSecurityGroupCommand({ GroupName: 'only-one', Description: 'race', VpcId: vpcId }))),
    );
    const { values, codes } = outcomes(settled);
    expect(values).toHaveLength(1);
    expect(codes).toEqual(Array(PARALLEL - 1).fill('InvalidGroup.Duplicate'));
    const named = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['only-one'] }] }));
    expect(named.SecurityGroups!.map((group) => group.GroupId)).toEqual([values[0]!.GroupId]);
  });
});

describe('quotas under parallel writes', () => {
  it('lets exactly the quota of distinct rules in, whatever order the requests arrive in', async () => {
    const quota = 10;
    const { ec2 } = await setUp({ limits: { rulesPerSecurityGroup: quota } });
    const groupId = await newGroup(ec2, 'quota');
    const attempts = 60;
    const ingress = Promise.allSettled(
      Array.from({ length: attempts }, (_, i) => ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [cidrRule(1000 + i)] }))),
    );
    // Egress already holds the default allow-all IPv4 rule, so one fewer fits there.
    const egress = Promise.allSettled(
      Array.from({ length: attempts }, (_, i) => ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [cidrRule(2000 + i)] }))),
    );
    const [ingressResults, egressResults] = [outcomes(await ingress), outcomes(await egress)];
    expect(ingressResults.values).toHaveLength(quota);
    expect(ingressResults.codes).toEqual(Array(attempts - quota).fill('RulesPerSecurityGroupLimitExceeded'));
    expect(egressResults.values).toHaveLength(quota - 1);
    expect(egressResults.codes).toEqual(Array(attempts - quota + 1).fill('RulesPerSecurityGroupLimitExceeded'));

    const rules = await rulesOf(ec2, groupId);
    expect(rules.filter((rule) => !rule.IsEgress)).toHaveLength(quota);
    expect(rules.filter((rule) => rule.IsEgress)).toHaveLength(quota);
    // The rules stored are exactly the ones whose authorize was answered 200.
    const answered = [...ingressResults.values, ...egressResults.values].map((result) => result.SecurityGroupRules![0]!.SecurityGroupRuleId).sort();
    expect(rules.filter((rule) => rule.FromPort !== -1).map((rule) => rule.SecurityGroupRuleId).sort()).toEqual(answered);
  });

  it('never lets a multi-rule authorize in halfway when it would cross the quota', async () => {
    const quota = 10;
    const { ec2 } = await setUp({ limits: { rulesPerSecurityGroup: quota } });
    const groupId = await newGroup(ec2, 'quota-batches');
    // Batches of three distinct rules: three fit three times (9), the fourth would cross 10.
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, (_, batch) =>
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [cidrRule(3000 + batch * 3), cidrRule(3001 + batch * 3), cidrRule(3002 + batch * 3)],
          }),
        ),
      ),
    );
    const { values, codes } = outcomes(settled);
    expect(values).toHaveLength(3);
    expect(codes).toEqual(Array(27).fill('RulesPerSecurityGroupLimitExceeded'));
    const stored = (await rulesOf(ec2, groupId)).filter((rule) => !rule.IsEgress);
    expect(stored).toHaveLength(9);
    // Whole batches only: every stored rule came from an answered batch.
    const answered = values.flatMap((result) => result.SecurityGroupRules!.map((rule) => rule.SecurityGroupRuleId)).sort();
    expect(stored.map((rule) => rule.SecurityGroupRuleId).sort()).toEqual(answered);
  });
});

describe('paging while others write', () => {
  it('never shows a rule twice and never skips one that existed throughout (MaxResults 5)', async () => {
    const { ec2 } = await setUp({ limits: { rulesPerSecurityGroup: 1000 } });
    const groupId = await newGroup(ec2, 'paging');
    // Stable rules, interleaved in seq order with rules that writers revoke and re-create.
    const stable: string[] = [];
    for (let i = 0; i < 30; i++) {
      const answer = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [cidrRule(100 + i), cidrRule(500 + i)] }));
      stable.push(answer.SecurityGroupRules!.find((rule) => rule.FromPort === 100 + i)!.SecurityGroupRuleId!);
    }

    // Writers run a fixed number of rounds (unbounded ones append at the end faster than a pager
    // of 5 per page can reach it); pagers keep making passes until the writers are done.
    let writersDone = false;
    const writer = async (id: number) => {
      for (let round = 0; round < 20; round++) {
        const churn = cidrRule(500 + ((id * 7 + round) % 30));
        // Revoke a churning rule and put it back (a new id, at the end of seq order), and add a
        // rule that did not exist before. Two writers may race on one rule: either may lose.
        await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [churn] })).catch(() => undefined);
        await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [churn] })).catch(() => undefined);
        await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [cidrRule(10_000 + id * 1000 + round)] }));
      }
    };
    const pager = async () => {
      const passes: { seen: string[]; duringWrites: boolean }[] = [];
      while (!writersDone || passes.length < 2) {
        const duringWrites = !writersDone;
        const seen: string[] = [];
        let token: string | undefined;
        do {
          const page = await ec2.send(
            new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }], MaxResults: 5, NextToken: token }),
          );
          expect(page.SecurityGroupRules!.length).toBeLessThanOrEqual(5);
          seen.push(...page.SecurityGroupRules!.map((rule) => rule.SecurityGroupRuleId!));
          token = page.NextToken;
        } while (token !== undefined);
        passes.push({ seen, duringWrites });
      }
      return passes;
    };

    const writers = Promise.all(Array.from({ length: 8 }, (_, id) => writer(id))).finally(() => (writersDone = true));
    const pagers = Promise.all(Array.from({ length: 4 }, pager));
    await writers;
    const passes = (await pagers).flat();

    // The property is about passes that overlapped the writes; there must be some.
    expect(passes.filter((pass) => pass.duringWrites).length).toBeGreaterThan(0);
    for (const { seen } of passes) {
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(stable));
    }
  });
});
