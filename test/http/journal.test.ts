/**
 * The request journal over the wire: GET/DELETE /_emulator/requests with its filters, a reset
 * emptying it, what an entry holds (parsed input, answer, DryRun, faults, refusals, STS, never
 * the Authorization header), the live stream, and the switches that turn it off.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { Realism } from '../../server/realism.js';
import { appsClosedAfterEach, post, sigV4Authorization } from '../helpers/inject.js';

const appWith = appsClosedAfterEach();

async function requests(app: FastifyInstance, query = ''): Promise<{ status: number; body: any }> {
  const response = await app.inject({ method: 'GET', url: `/_emulator/requests${query}` });
  return { status: response.statusCode, body: response.json() };
}

async function createGroup(app: FastifyInstance, name: string): Promise<string> {
  const created = await post(app, { Action: 'CreateSecurityGroup', GroupName: name, GroupDescription: `group ${name}` });
  expect(created.status).toBe(200);
  return created.xml.CreateSecurityGroupResponse.groupId as string;
}

describe('GET /_emulator/requests', () => {
  it('lists the EC2 requests oldest first, each with its parsed input and its answer', async () => {
    const app = appWith();
    const groupId = await createGroup(app, 'web');
    const authorized = await post(app, {
      Action: 'AuthorizeSecurityGroupIngress',
      GroupId: groupId,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '443',
      'IpPermissions.1.ToPort': '443',
      'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8',
      'IpPermissions.1.IpRanges.1.Description': 'inside',
    });
    expect(authorized.status).toBe(200);

    const { status, body } = await requests(app);
    expect(status).toBe(200);
    expect(body.journalSize).toBe(1000);
    expect(body.requests.map((r: { action: string }) => r.action)).toEqual(['CreateSecurityGroup', 'AuthorizeSecurityGroupIngress']);
    const [create, authorize] = body.requests;
    expect(create).toMatchObject({ seq: 1, service: 'ec2', accountId: '000000000000', region: 'us-east-1', status: 200, outcome: 'ok' });
    expect(create.summary.ids).toEqual([groupId]);
    expect(authorize.requestId).toBe(authorized.headers['x-amzn-requestid']);
    expect(authorize.input).toEqual({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'inside' }] }],
    });
    const ruleId = authorize.output.SecurityGroupRules[0].SecurityGroupRuleId;
    expect(ruleId).toMatch(/^sgr-/);
    expect(authorize.summary).toEqual({ ids: [ruleId], counts: { SecurityGroupRules: 1 } });
    expect(body.latestSeq).toBe(2);
  });

  it('keeps the input of older entries (read again from their parameters) and a summary of their answer', async () => {
    const app = appWith();
    const groupId = await createGroup(app, 'first');
    for (let i = 0; i < 25; i++) await post(app, { Action: 'DescribeVpcs', 'VpcId.1': 'vpc-0123456789abcdef0' });
    const { body } = await requests(app, '?limit=26');
    const [first, second] = body.requests;
    expect(first).toMatchObject({ action: 'CreateSecurityGroup', input: { GroupName: 'first', Description: 'group first' }, summary: { ids: [groupId] } });
    expect(first.output).toBeUndefined();
    expect(second).toMatchObject({ action: 'DescribeVpcs', status: 400, errorCode: 'InvalidVpcID.NotFound', input: { VpcIds: ['vpc-0123456789abcdef0'] } });
    expect(body.requests.at(-1).input).toEqual({ VpcIds: ['vpc-0123456789abcdef0'] });
  });

  it('filters by action, status, error code, account, region, since and limit', async () => {
    const app = appWith();
    await createGroup(app, 'a');
    const missing = await post(app, { Action: 'DeleteSecurityGroup', GroupId: 'sg-0123456789abcdef0' });
    expect(missing.status).toBe(400);
    await post(app, { Action: 'DescribeSecurityGroups' }, { authorization: sigV4Authorization('eu-west-1', '111122223333') });
    await createGroup(app, 'b');
    const actions = async (query: string) => (await requests(app, query)).body.requests.map((r: { action: string }) => r.action);

    expect(await actions('?action=CreateSecurityGroup')).toEqual(['CreateSecurityGroup', 'CreateSecurityGroup']);
    expect(await actions('?action=DeleteSecurityGroup,DescribeSecurityGroups')).toEqual(['DeleteSecurityGroup', 'DescribeSecurityGroups']);
    expect(await actions('?status=4xx')).toEqual(['DeleteSecurityGroup']);
    expect(await actions('?status=200')).toHaveLength(3);
    expect(await actions('?errorCode=InvalidGroup.NotFound')).toEqual(['DeleteSecurityGroup']);
    expect(await actions('?account=111122223333')).toEqual(['DescribeSecurityGroups']);
    expect(await actions('?region=eu-west-1')).toEqual(['DescribeSecurityGroups']);
    expect(await actions(`?since=${missing.headers['x-amzn-requestid'] as string}`)).toEqual(['DescribeSecurityGroups', 'CreateSecurityGroup']);
    expect(await actions('?since=3')).toEqual(['CreateSecurityGroup']);
    expect(await actions('?limit=1')).toEqual(['CreateSecurityGroup']);

    const bad = await requests(app, '?status=sometimes');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('InvalidFilter');
    expect((await requests(app, '?since=not-a-request')).status).toBe(400);
  });

  it('records a DryRun, an injected fault, an error, a refused request and STS as what they were', async () => {
    const realism = new Realism({ faults: [{ action: 'DescribeVpcs', error: 'RequestLimitExceeded', times: 1 }], consistencyDelayMs: 0 });
    const app = appWith({ realism, bodyLimit: 2048 });
    expect((await post(app, { Action: 'CreateSecurityGroup', GroupName: 'x', GroupDescription: 'd', DryRun: 'true' })).status).toBe(412);
    expect((await post(app, { Action: 'DescribeVpcs' })).status).toBe(503);
    expect((await post(app, { Action: 'NoSuchAction' })).status).toBe(400);
    const tooLarge = await app.inject({
      method: 'POST',
      url: '/?Action=CreateSecurityGroup',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `GroupDescription=${'x'.repeat(4096)}`,
    });
    expect(tooLarge.statusCode).toBeGreaterThanOrEqual(400);
    expect((await post(app, 'Action=GetCallerIdentity&Version=2011-06-15')).status).toBe(200);

    const { body } = await requests(app);
    const [dryRun, fault, unknown, refused, sts] = body.requests;
    expect(dryRun).toMatchObject({ action: 'CreateSecurityGroup', outcome: 'dry-run', dryRun: true, status: 412, errorCode: 'DryRunOperation' });
    expect(fault).toMatchObject({ action: 'DescribeVpcs', outcome: 'fault', fault: true, status: 503, errorCode: 'RequestLimitExceeded' });
    expect(unknown).toMatchObject({ action: 'NoSuchAction', outcome: 'error', errorCode: 'InvalidAction' });
    expect(refused).toMatchObject({ action: 'CreateSecurityGroup', outcome: 'refused', refused: true, input: null, status: tooLarge.statusCode });
    expect(sts).toMatchObject({ action: 'GetCallerIdentity', service: 'sts', outcome: 'ok', output: { Account: '000000000000' } });
  });

  it('never stores the Authorization header or a signature', async () => {
    const app = appWith();
    const authorization =
      'AWS4-HMAC-SHA256 Credential=123456789012/20260101/eu-central-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=feedfacecafebeef0123';
    await post(app, { Action: 'DescribeSecurityGroups' }, { authorization });
    await post(app, { Action: 'DescribeVpcs', 'X-Amz-Signature': 'presignedsig987', 'X-Amz-Credential': 'AKIDPRESIGN/20260101/us-west-2/ec2/aws4_request' });
    const response = await app.inject({ method: 'GET', url: '/_emulator/requests' });
    expect(response.body).not.toContain('feedfacecafebeef0123');
    expect(response.body).not.toContain('presignedsig987');
    expect(response.body).not.toContain('AWS4-HMAC-SHA256');
    expect(response.body).not.toContain('AKIDPRESIGN');
    const [signed, presigned] = response.json().requests;
    expect(signed).toMatchObject({ accountId: '123456789012', region: 'eu-central-1', input: {} });
    expect(presigned).toMatchObject({ region: 'us-west-2', input: {} });
  });

  it('is emptied by DELETE and by a reset; numbering goes on', async () => {
    const app = appWith();
    await createGroup(app, 'a');
    expect((await app.inject({ method: 'DELETE', url: '/_emulator/requests' })).json()).toEqual({ status: 'ok' });
    expect((await requests(app)).body.requests).toEqual([]);
    await createGroup(app, 'b');
    expect((await app.inject({ method: 'POST', url: '/_emulator/reset' })).statusCode).toBe(200);
    expect((await requests(app)).body.requests).toEqual([]);
    await createGroup(app, 'c');
    expect((await requests(app)).body.requests.map((r: { seq: number }) => r.seq)).toEqual([3]);
  });

  it('keeps at most --journal-size entries; 0 turns it off', async () => {
    const small = appWith({ journalSize: 2 });
    for (const name of ['a', 'b', 'c']) await createGroup(small, name);
    const { body } = await requests(small);
    expect(body.journalSize).toBe(2);
    expect(body.requests.map((r: { input: { GroupName: string } }) => r.input.GroupName)).toEqual(['b', 'c']);

    const off = appWith({ journalSize: 0 });
    await createGroup(off, 'a');
    expect((await requests(off)).body).toEqual({ journalSize: 0, latestSeq: 0, requests: [] });
    expect((await off.inject({ method: 'GET', url: '/_emulator/requests/stream' })).statusCode).toBe(404);
  });

  it('is gone with the other control endpoints (--no-control)', async () => {
    const app = appWith({ controlEndpoints: false });
    await createGroup(app, 'a');
    expect((await app.inject({ method: 'GET', url: '/_emulator/requests' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/_emulator/requests' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/_emulator/requests/stream' })).statusCode).toBe(404);
  });
});

describe('GET /_emulator/requests/stream', () => {
  /** Reads the event stream until `until` holds for what arrived, or fails after a while. */
  async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: (text: string) => boolean): Promise<string> {
    const decoder = new TextDecoder();
    let text = '';
    const deadline = Date.now() + 10_000;
    while (!until(text)) {
      if (Date.now() > deadline) throw new Error(`the stream did not deliver in time; got: ${text}`);
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended; got: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    return text;
  }

  it('sends each new entry as a `request` event with its seq as the event id, and `cleared` on a reset', async () => {
    const app = appWith();
    await createGroup(app, 'before');
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const controller = new AbortController();
    const response = await fetch(`${url}/_emulator/requests/stream?since=0&action=CreateSecurityGroup`, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    try {
      // `since=0`: what the journal holds first, then new entries as they come.
      let text = await readUntil(reader, (t) => t.includes('"GroupName":"before"'));
      expect(text).toMatch(/id: 1\nevent: request\ndata: \{/);

      await post(app, { Action: 'DescribeSecurityGroups' }); // filtered out by action
      await createGroup(app, 'after');
      text = await readUntil(reader, (t) => t.includes('"GroupName":"after"'));
      expect(text).toMatch(/id: 3\nevent: request\ndata: /);
      expect(text).not.toContain('DescribeSecurityGroups');

      await app.inject({ method: 'POST', url: '/_emulator/reset' });
      await readUntil(reader, (t) => t.includes('event: cleared'));
    } finally {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    }
  });

  it('does not keep the server from closing', async () => {
    const app = appWith();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const response = await fetch(`${url}/_emulator/requests/stream`);
    const reader = response.body!.getReader();
    await readUntil(reader, (t) => t.includes('retry:'));
    // An open stream would keep close() waiting for its client; the server ends it instead.
    await expect(app.close()).resolves.toBeUndefined();
    let ended = false;
    while (!ended) ended = (await reader.read()).done;
    expect(ended).toBe(true);
  });
});
