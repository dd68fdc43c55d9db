/**
 * Asserting what the code under test called, not only the state it left: the emulator's request
 * journal (`emulator.requests(filter)`) lists every EC2 and STS request it answered, oldest first,
 * with the parsed input in the SDK's member names, the status and error code, and the answer.
 *
 * This file runs with the project's own test suite; copy it into yours as it is.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { startEmulator, type Emulator } from 'ec2-sg-emulator';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';

// ---- the code under test: a module that creates a group with no way out but HTTPS to one network

async function createLockedDownGroup(ec2: EC2Client, name: string): Promise<string> {
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: 'HTTPS out to 10.0.0.0/8 only' }));
  // A new group allows all traffic out: take that rule away, then allow what is needed.
  await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'internal clients' }] }],
    }),
  );
  return GroupId!;
}

// ---- the tests

let emulator: Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  ec2 = new EC2Client({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
});

afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

// A reset empties the journal too: each test sees only its own requests.
beforeEach(() => emulator.reset());

it('revokes the default egress rule exactly once', async () => {
  const groupId = await createLockedDownGroup(ec2, 'locked-down');

  const revokes = emulator.requests({ action: 'RevokeSecurityGroupEgress' });
  expect(revokes).toHaveLength(1);
  expect(revokes[0]).toMatchObject({
    outcome: 'ok',
    input: { GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
  });
});

it('never opens a port to the whole internet', async () => {
  await createLockedDownGroup(ec2, 'locked-down');

  const opened = emulator
    .requests({ action: ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress'] })
    .flatMap((request) => request.input?.IpPermissions ?? [])
    .flatMap((permission: { IpRanges?: { CidrIp: string }[] }) => permission.IpRanges ?? []);
  expect(opened.map((range) => range.CidrIp)).toEqual(['10.0.0.0/8']);
});

it('makes its calls in order, and no call failed', async () => {
  await createLockedDownGroup(ec2, 'locked-down');

  expect(emulator.requests().map((r) => r.action)).toEqual(['CreateSecurityGroup', 'RevokeSecurityGroupEgress', 'AuthorizeSecurityGroupIngress']);
  expect(emulator.requests({ status: 'error' })).toEqual([]);
});
