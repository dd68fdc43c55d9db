/**
 * STS on the EC2 endpoint, through the real `@aws-sdk/client-sts` (clients.md §3.1, §3.6):
 * GetCallerIdentity answers the account that owns this caller's security groups, and an action
 * STS does not serve here is an STS-shaped `<ErrorResponse>` the SDK parses into its code.
 */
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, startTestServer, stsClient } from '../helpers/server.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestServer();
});
afterAll(async () => {
  await emulator?.stop();
});

describe('GetCallerIdentity', () => {
  it('answers the default account, the same account that owns the groups', async () => {
    const sts = stsClient(emulator.url);
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: '000000000000', UserId: '000000000000', Arn: 'arn:aws:iam::000000000000:root' });
    expect(identity.$metadata.httpStatusCode).toBe(200);
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const ec2 = ec2Client(emulator.url);
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!;
    expect(groups.length).toBeGreaterThan(0);
    expect(new Set(groups.map((g) => g.OwnerId))).toEqual(new Set([identity.Account]));
    sts.destroy();
    ec2.destroy();
  });

  it('answers the account named by a 12-digit access key id, which also owns that caller\'s groups', async () => {
    const credentials = { accessKeyId: '123456789012', secretAccessKey: 'test' };
    const sts = stsClient(emulator.url, 'us-east-1', credentials);
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('123456789012');
    expect(identity.Arn).toBe('arn:aws:iam::123456789012:root');

    const ec2 = ec2Client(emulator.url, 'us-east-1', credentials);
    const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'sts-owner', Description: 'owner check' }));
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }))).SecurityGroups![0]!;
    expect(group.OwnerId).toBe(identity.Account);
    sts.destroy();
    ec2.destroy();
  });

  it('answers in any region the client signs for', async () => {
    const sts = stsClient(emulator.url, 'eu-west-1');
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
    sts.destroy();
  });
});

describe('STS errors', () => {
  it('an STS action not served here is InvalidAction in an <ErrorResponse> the STS SDK parses', async () => {
    const sts = stsClient(emulator.url);
    let caught: unknown;
    try {
      await sts.send(new GetSessionTokenCommand({}));
    } catch (err) {
      caught = err;
    }
    const error = caught as { name: string; message: string; $metadata: { httpStatusCode?: number }; $fault?: string };
    expect(error.name).toBe('InvalidAction');
    expect(error.message).toBe('Could not find operation GetSessionToken for version 2011-06-15');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$fault).toBe('client');
    sts.destroy();
  });

  it('writes the STS error envelope on the wire (ErrorResponse, Type Sender, RequestId)', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=AssumeRole&Version=2011-06-15',
    });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(body).toContain('<Error><Type>Sender</Type><Code>InvalidAction</Code>');
    expect(body).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
  });

  it('a request without Action is MissingAction, in the STS envelope', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Version=2011-06-15',
    });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(body).toContain('<Code>MissingAction</Code><Message>The request must contain the parameter Action</Message>');
  });

  it('answers GetCallerIdentity in the Query envelope with its Result wrapper and namespace', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(body).toContain('<GetCallerIdentityResult>');
    expect(body).toContain('<Account>000000000000</Account>');
    expect(body).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
  });
});
