/**
 * Issue 6's opt-in realism and signature checking, through the real SDK:
 * throttling that the SDK's retries recover from, faults that write nothing, a client that polls
 * until its new rule is visible, and SigV4 verification with good, wrong and missing signatures.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { loadConfig } from '../../server/config.js';
import { createGroup, ec2Client, ec2ErrorOf, startTestServer } from '../helpers/server.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

/** A group in the default VPC whose description is its name. */
const newGroup = (client: EC2Client, name: string): Promise<string> => createGroup(client, name, name);

describe('injected faults', () => {
  it('lets the SDK retry logic recover from throttling (RequestLimitExceeded 503)', async () => {
    emulator = await startTestServer({
      realism: { faults: [{ action: 'DescribeSecurityGroups', error: 'RequestLimitExceeded', times: 2 }], consistencyDelayMs: 0 },
    });
    const retrying = new EC2Client({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
      maxAttempts: 3,
    });
    const result = await retrying.send(new DescribeSecurityGroupsCommand({}));
    expect(result.SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
    expect(result.$metadata.attempts).toBe(3);
  });

  it('answers the fault to a client that does not retry, and writes nothing', async () => {
    emulator = await startTestServer();
    const client = ec2Client(emulator.url);
    const groupId = await newGroup(client, 'faulted');
    const response = await fetch(`${emulator.url}/_emulator/realism`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: [{ action: 'AuthorizeSecurityGroupEgress', nth: 1 }] }),
    });
    expect(response.status).toBe(200);

    const permission = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.9.0.0/16' }] };
    const failure = await ec2ErrorOf(() =>
      client.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [permission] })),
    );
    expect(failure).toEqual({ code: 'RequestLimitExceeded', message: 'Request limit exceeded.', status: 503 });
    const rules = await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    expect(rules.SecurityGroupRules?.map((r) => r.CidrIpv4)).toEqual(['0.0.0.0/0']);

    // Only the first call was to fail: the same request now succeeds.
    const created = await client.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [permission] }));
    expect(created.SecurityGroupRules?.[0]?.CidrIpv4).toBe('10.9.0.0/16');
  });

  it('refuses invalid fault settings with a 400 that names the field', async () => {
    emulator = await startTestServer();
    const response = await fetch(`${emulator.url}/_emulator/realism`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: [{ action: '*', rate: 7 }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'InvalidRealism', message: expect.stringMatching(/rate/) });
    const settings = await (await fetch(`${emulator.url}/_emulator/realism`)).json();
    expect(settings).toEqual({ faults: [], consistencyDelayMs: 0 });
  });
});

describe('eventual consistency', () => {
  it('shows a new rule to describe calls only after the delay, so a client polls until it sees it', async () => {
    emulator = await startTestServer({ realism: { faults: [], consistencyDelayMs: 300 } });
    const client = ec2Client(emulator.url);
    const groupId = await newGroup(client, 'eventual');
    const created = await client.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.2/32' }] }],
      }),
    );
    const ruleId = created.SecurityGroupRules![0]!.SecurityGroupRuleId!;

    // The group itself was created by a write too, so it is hidden at first as well.
    expect((await ec2ErrorOf(() => client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))).code).toBe(
      'InvalidGroup.NotFound',
    );
    const first = await ec2ErrorOf(() => client.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] })));
    expect(first.code).toBe('InvalidSecurityGroupRuleId.NotFound');

    let polls = 1;
    for (;;) {
      const seen = await client
        .send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }))
        .catch(() => undefined);
      polls += 1;
      if (seen) {
        expect(seen.SecurityGroupRules?.map((r) => r.SecurityGroupRuleId)).toEqual([ruleId]);
        break;
      }
      expect(polls).toBeLessThan(200);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(polls).toBeGreaterThan(1);

    // Writes see it at once: the same authorize is already a duplicate.
    const duplicate = await ec2ErrorOf(() =>
      client.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.2/32' }] }],
        }),
      ),
    );
    expect(duplicate.code).toBe('InvalidPermission.Duplicate');
  });
});

describe('signature checking (opt-in)', () => {
  const good = { accessKeyId: 'AKIDGOOD', secretAccessKey: 'good-secret' };

  it('serves requests signed with a configured key', async () => {
    emulator = await startTestServer({ credentials: { AKIDGOOD: 'good-secret' } });
    const client = ec2Client(emulator.url, 'eu-central-1', good);
    const groupId = await newGroup(client, 'signed');
    const described = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    expect(described.SecurityGroups?.[0]?.GroupName).toBe('signed');
  });

  it('answers AuthFailure 401 to a wrong secret or an unknown key, and changes nothing', async () => {
    emulator = await startTestServer({ credentials: { AKIDGOOD: 'good-secret' } });
    const wrongSecret = ec2Client(emulator.url, 'us-east-1', { accessKeyId: 'AKIDGOOD', secretAccessKey: 'guess' });
    const unknownKey = ec2Client(emulator.url, 'us-east-1', { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'good-secret' });
    for (const client of [wrongSecret, unknownKey]) {
      expect(await ec2ErrorOf(() => newGroup(client, 'intruder'))).toEqual({
        code: 'AuthFailure',
        message: 'AWS was not able to validate the provided access credentials',
        status: 401,
      });
    }
    const honest = ec2Client(emulator.url, 'us-east-1', good);
    const groups = await honest.send(new DescribeSecurityGroupsCommand({}));
    expect(groups.SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
  });

  it('asks an unsigned request for its credentials', async () => {
    emulator = await startTestServer({ credentials: { AKIDGOOD: 'good-secret' } });
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateSecurityGroup&Version=2016-11-15&GroupName=x&GroupDescription=x',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      '<Code>MissingParameter</Code><Message>The request must contain the parameter AWSAccessKeyId</Message>',
    );
  });
});

describe('configuration of realism and credentials', () => {
  it('reads --faults, --consistency-delay-ms and --credentials, and their variables', () => {
    const config = loadConfig(
      ['--faults', '[{"action":"*","rate":0.25}]', '--consistency-delay-ms', '1500'],
      { AUTH_CREDENTIALS: 'AKID1:s1,AKID2:s2' },
    );
    if (config === 'help') throw new Error('unexpected help');
    expect(config.realism).toEqual({ faults: [{ action: '*', rate: 0.25 }], consistencyDelayMs: 1500 });
    expect([...config.credentials!.keys()]).toEqual(['AKID1', 'AKID2']);
  });

  it('stops on invalid settings with a one-line reason', () => {
    expect(() => loadConfig(['--faults', 'not json'], {})).toThrow(/--faults \/ FAULTS: not JSON/);
    expect(() => loadConfig(['--faults', '[{"action":"*","error":"Nope"}]'], {})).toThrow(/not an EC2 error code/);
    expect(() => loadConfig(['--credentials', 'nocolon'], {})).toThrow(/ACCESS_KEY_ID:SECRET/);
    expect(() => loadConfig([], { CONSISTENCY_DELAY_MS: '-5' })).toThrow(/CONSISTENCY_DELAY_MS/);
  });
});
