/**
 * The network edge: what a browser page on another site, a stalled or flooding client, a body of
 * one absurdly deep key, or a signature scoped to the wrong service or region can do. Raw wire
 * through app.inject, and real sockets where timeouts and connection caps are the subject.
 */
import { createHash, createHmac } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { AWS_REGIONS } from '../../server/auth.js';
import { startEmulator, type Emulator } from '../../server/emulator.js';
import { appsClosedAfterEach, errorOf, parseXml } from '../helpers/inject.js';

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const HOST = 'emulator.test:4566';
const KEYS = { accessKeyId: 'AKIDEDGE', secretAccessKey: 'edge-secret' };

const emulators: Emulator[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const emulator of emulators.splice(0)) await emulator.stop();
});

const appWith = appsClosedAfterEach();

interface Call {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url?: string;
  body?: string;
  headers?: Record<string, string>;
}

async function call(app: FastifyInstance, { method = 'POST', url = '/', body, headers = {} }: Call) {
  const response = await app.inject({
    method,
    url,
    headers: { host: HOST, ...(body !== undefined && method === 'POST' && url === '/' ? { 'content-type': FORM } : {}), ...headers },
    ...(body !== undefined ? { payload: body } : {}),
  });
  const json = response.headers['content-type']?.toString().startsWith('application/json') ? (JSON.parse(response.body) as Record<string, unknown>) : undefined;
  return { status: response.statusCode, body: response.body, json, headers: response.headers };
}

const form = (fields: Record<string, string>) => new URLSearchParams({ Version: '2016-11-15', ...fields }).toString();
const createGroup = (name: string) => form({ Action: 'CreateSecurityGroup', GroupName: name, GroupDescription: name });

/** The names of the groups the default account sees in us-east-1. */
async function groupNames(app: FastifyInstance, headers: Record<string, string> = {}): Promise<string[]> {
  const answer = await call(app, { body: form({ Action: 'DescribeSecurityGroups' }), headers });
  expect(answer.status, answer.body).toBe(200);
  const items = parseXml(answer.body).DescribeSecurityGroupsResponse.securityGroupInfo?.item ?? [];
  return (items as Array<{ groupName: string }>).map((g) => g.groupName).sort();
}

function ec2Error(answer: { status: number; body: string }) {
  return { status: answer.status, ...errorOf(parseXml(answer.body)) };
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** The SDK's hash interface over node:crypto, for @smithy/signature-v4. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** Headers of a request signed by the SDK's own signer for `service` in `region`. */
async function signed(
  request: { method: string; path: string; body?: string; headers?: Record<string, string> },
  scope: { region?: string; service?: string; secretAccessKey?: string } = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: KEYS.accessKeyId, secretAccessKey: scope.secretAccessKey ?? KEYS.secretAccessKey },
    region: scope.region ?? 'us-east-1',
    service: scope.service ?? 'ec2',
    sha256: Sha256,
    applyChecksum: false,
  });
  const result = await signer.sign({
    method: request.method,
    protocol: 'http:',
    hostname: 'emulator.test',
    port: 4566,
    path: request.path,
    headers: { ...request.headers, host: HOST },
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  return result.headers as Record<string, string>;
}

const credentials = new Map([[KEYS.accessKeyId, KEYS.secretAccessKey]]);

async function signedEc2(app: FastifyInstance, body: string, scope: { region?: string; service?: string } = {}) {
  const headers = await signed({ method: 'POST', path: '/', body, headers: { 'content-type': FORM } }, scope);
  return call(app, { body, headers });
}

describe('browser pages on other sites, against EC2 actions', () => {
  it('refuses a GET that changes state from a cross-site or same-site page, and creates nothing', async () => {
    const app = appWith();
    for (const site of ['cross-site', 'same-site']) {
      const answer = await call(app, { method: 'GET', url: `/?${createGroup(`from-${site}`)}`, headers: { 'sec-fetch-site': site } });
      expect(ec2Error(answer)).toEqual({
        status: 403,
        code: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation. A web page on another site cannot call CreateSecurityGroup; send it from an SDK or the CLI.',
      });
    }
    expect(await groupNames(app)).toEqual(['default']);
  });

  it('refuses a form POST carrying a foreign Origin, whatever the action', async () => {
    const app = appWith();
    for (const origin of ['http://evil.example', 'http://emulator.test:9999', 'null']) {
      for (const body of [createGroup('posted'), form({ Action: 'DescribeVpcs' })]) {
        const answer = await call(app, { body, headers: { origin, 'sec-fetch-site': 'cross-site' } });
        expect(ec2Error(answer)).toEqual({
          status: 403,
          code: 'UnauthorizedOperation',
          message: `You are not authorized to perform this operation. Requests from a web page on ${origin} are refused; send them from an SDK or the CLI.`,
        });
      }
    }
    expect(await groupNames(app)).toEqual(['default']);
  });

  it('serves reads from any page, and everything from a page of its own origin', async () => {
    const app = appWith();
    const read = await call(app, { method: 'GET', url: `/?${form({ Action: 'DescribeVpcs' })}`, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(read.status).toBe(200);
    const own = await call(app, { body: createGroup('own-origin'), headers: { origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' } });
    expect(own.status, own.body).toBe(200);
    const typed = await call(app, { method: 'GET', url: `/?${createGroup('typed-url')}`, headers: { 'sec-fetch-site': 'none' } });
    expect(typed.status, typed.body).toBe(200);
    expect(await groupNames(app)).toEqual(['default', 'own-origin', 'typed-url']);
  });
});

describe('browser pages on other sites, against the control endpoints', () => {
  it('refuses a reset or a state import from a foreign Origin with 403 JSON, and changes nothing', async () => {
    const app = appWith();
    expect((await call(app, { body: createGroup('kept') })).status).toBe(200);
    const state = (await call(app, { method: 'GET', url: '/_emulator/state' })).body;
    expect((await call(app, { body: createGroup('kept-too') })).status).toBe(200);
    for (const attempt of [
      { url: '/_emulator/reset' },
      { url: '/moto-api/reset' },
      { url: '/_emulator/state', body: state, headers: { 'content-type': 'application/json' } },
    ]) {
      const answer = await call(app, { ...attempt, headers: { ...attempt.headers, origin: 'http://evil.example' } });
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual({ error: 'ForeignOrigin', message: expect.stringContaining('http://evil.example') });
    }
    const crossSite = await call(app, { url: '/_emulator/reset', headers: { 'sec-fetch-site': 'same-site' } });
    expect(crossSite.status).toBe(403);
    expect(await groupNames(app)).toEqual(['default', 'kept', 'kept-too']);
    // Its own origin may: a page the emulator serves.
    const own = await call(app, { url: '/_emulator/reset', headers: { origin: `http://${HOST}` } });
    expect(own.status).toBe(200);
    expect(await groupNames(app)).toEqual(['default']);
  });

  it('takes a body only as JSON: text/plain and forms are 415 before anything changes', async () => {
    const app = appWith();
    const state = (await call(app, { method: 'GET', url: '/_emulator/state' })).body;
    expect((await call(app, { body: createGroup('stays') })).status).toBe(200);
    const realism = JSON.stringify({ faults: [{ action: '*', rate: 1 }] });
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const imported = await call(app, { url: '/_emulator/state', body: state, headers: { 'content-type': type } });
      expect(imported.status).toBe(415);
      expect(imported.json).toEqual({ error: 'UnsupportedMediaType', message: expect.stringContaining('application/json') });
      const faults = await call(app, { method: 'PUT', url: '/_emulator/realism', body: realism, headers: { 'content-type': type } });
      expect(faults.status).toBe(415);
    }
    expect(await groupNames(app)).toEqual(['default', 'stays']);
    expect((await call(app, { method: 'GET', url: '/_emulator/realism' })).json).toEqual({ faults: [], consistencyDelayMs: 0 });

    const json = await call(app, { method: 'PUT', url: '/_emulator/realism', body: JSON.stringify({ faults: [], consistencyDelayMs: 5 }), headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(json.status).toBe(200);
    // A reset has no body and needs no content type (curl -X POST, fetch with no body).
    expect((await call(app, { url: '/_emulator/reset' })).status).toBe(200);
  });
});

describe('--control-token', () => {
  const TOKEN = 'tok-3f9a1c';

  it('asks for the token at every control endpoint but the health probe: 401 without, 403 wrong, served right', async () => {
    const app = appWith({ controlToken: TOKEN });
    for (const [method, url] of [
      ['POST', '/_emulator/reset'],
      ['POST', '/moto-api/reset'],
      ['GET', '/_emulator/state'],
      ['GET', '/_emulator/realism'],
    ] as const) {
      const missing = await call(app, { method, url });
      expect(missing.status, `${method} ${url}`).toBe(401);
      expect(missing.json).toEqual({ error: 'Unauthorized', message: expect.stringContaining('control token') });
      expect(missing.headers['www-authenticate']).toMatch(/^Bearer /);
      for (const headers of [{ authorization: 'Bearer wrong' }, { 'x-emulator-control-token': `${TOKEN}x` }] as Record<string, string>[]) {
        const wrong = await call(app, { method, url, headers });
        expect(wrong.status).toBe(403);
        expect(wrong.json).toEqual({ error: 'Forbidden', message: 'the control token is wrong' });
      }
      for (const headers of [{ authorization: `Bearer ${TOKEN}` }, { 'x-emulator-control-token': TOKEN }] as Record<string, string>[]) {
        expect((await call(app, { method, url, headers })).status, `${method} ${url}`).toBe(200);
      }
    }
    expect((await call(app, { method: 'GET', url: '/_emulator/health' })).status).toBe(200);
  });

  it("opens the console's page to a browser, but not the state it shows", async () => {
    const app = appWith({ controlToken: TOKEN });
    expect((await call(app, { method: 'GET', url: '/_emulator/ui' })).status).not.toBe(401);
    for (const url of ['/_emulator/ui/api/scopes', '/_emulator/ui/api/groups', '/_emulator/requests']) {
      expect((await call(app, { method: 'GET', url })).status, url).toBe(401);
      expect((await call(app, { method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } })).status, url).toBe(200);
    }
  });

  it('refuses a reset without the token and keeps the state; EC2 calls need no token', async () => {
    const app = appWith({ controlToken: TOKEN });
    expect((await call(app, { body: createGroup('guarded') })).status).toBe(200);
    expect((await call(app, { url: '/_emulator/reset' })).status).toBe(401);
    expect(await groupNames(app)).toEqual(['default', 'guarded']);
  });

  it('is refused unless a token is configured, when only signatures are', async () => {
    const app = appWith({ credentials });
    const answer = await call(app, { url: '/_emulator/reset', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(answer.status).toBe(403);
    expect(answer.json?.['error']).toBe('Forbidden');
  });
});

describe('control endpoints under signature checking (--credentials)', () => {
  it('want a SigV4 signature by a configured key (or the token), else 401', async () => {
    const app = appWith({ credentials });
    expect((await signedEc2(app, createGroup('signed'))).status).toBe(200);
    const unsigned = await call(app, { url: '/_emulator/reset' });
    expect(unsigned.status).toBe(401);
    expect(unsigned.json).toEqual({ error: 'Unauthorized', message: expect.stringContaining('SigV4') });
    expect((await call(app, { method: 'GET', url: '/_emulator/health' })).status).toBe(200);

    const wrongSecret = await signed({ method: 'POST', path: '/_emulator/reset' }, { secretAccessKey: 'guess' });
    const refused = await call(app, { url: '/_emulator/reset', headers: wrongSecret });
    expect(refused.status).toBe(403);
    expect(refused.json?.['error']).toBe('AuthFailure');
    const forS3 = await signed({ method: 'POST', path: '/_emulator/reset' }, { service: 's3' });
    const wrongService = await call(app, { url: '/_emulator/reset', headers: forS3 });
    expect(wrongService.status).toBe(403);
    expect(wrongService.json).toEqual({ error: 'SignatureDoesNotMatch', message: "Credential should be scoped to correct service: 'ec2'. " });
    expect(await groupNames(app, await signed({ method: 'POST', path: '/', body: form({ Action: 'DescribeSecurityGroups' }), headers: { 'content-type': FORM } }))).toEqual(['default', 'signed']);

    const ok = await call(app, { url: '/_emulator/reset', headers: await signed({ method: 'POST', path: '/_emulator/reset' }) });
    expect(ok.status, ok.body).toBe(200);
    const body = JSON.stringify({ faults: [], consistencyDelayMs: 7 });
    const put = await call(app, {
      method: 'PUT',
      url: '/_emulator/realism',
      body,
      headers: await signed({ method: 'PUT', path: '/_emulator/realism', body, headers: { 'content-type': 'application/json' } }),
    });
    expect(put.status, put.body).toBe(200);
    expect(put.json).toEqual({ faults: [], consistencyDelayMs: 7 });
  });

  it('take the token instead when both are configured', async () => {
    const app = appWith({ credentials, controlToken: 'both-ways' });
    expect((await call(app, { url: '/_emulator/reset', headers: { authorization: 'Bearer both-ways' } })).status).toBe(200);
    expect((await call(app, { url: '/_emulator/reset', headers: await signed({ method: 'POST', path: '/_emulator/reset' }) })).status).toBe(200);
    expect((await call(app, { url: '/_emulator/reset' })).json?.['message']).toMatch(/control token .* or a SigV4 signature/);
  });
});

describe('credential scopes (--credentials)', () => {
  it('refuses a signature scoped to a region AWS does not have, and creates nothing', async () => {
    const app = appWith({ credentials });
    for (const region of ['xx-fake-9', 'us-east-7', 'moon-base-1']) {
      const answer = await signedEc2(app, createGroup(`in-${region}`), { region });
      expect(ec2Error(answer)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
      // AWS's text ends in a space (the XML parser above trims it).
      expect(answer.body).toContain('<Message>Credential should be scoped to a valid region. </Message>');
    }
    expect(await groupNames(app, await signed({ method: 'POST', path: '/', body: form({ Action: 'DescribeSecurityGroups' }), headers: { 'content-type': FORM } }))).toEqual(['default']);
  });

  it('serves every partition: commercial, China, GovCloud, the isolated clouds', async () => {
    const app = appWith({ credentials });
    for (const region of ['us-east-1', 'ap-southeast-7', 'mx-central-1', 'cn-northwest-1', 'us-gov-west-1', 'us-isob-east-1', 'eusc-de-east-1']) {
      expect(AWS_REGIONS.has(region)).toBe(true);
      const answer = await signedEc2(app, form({ Action: 'DescribeVpcs' }), { region });
      expect(answer.status, `${region}: ${answer.body}`).toBe(200);
    }
  });

  it("refuses an EC2 call signed for STS, and an STS call signed for EC2, naming the service they need", async () => {
    const app = appWith({ credentials });
    const ec2 = await signedEc2(app, createGroup('as-sts'), { service: 'sts' });
    expect(ec2Error(ec2)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(ec2.body).toContain('<Message>Credential should be scoped to correct service: &apos;ec2&apos;. </Message>');
    const sts = await signedEc2(app, 'Action=GetCallerIdentity&Version=2011-06-15', { service: 'ec2' });
    expect(sts.status).toBe(403);
    expect(sts.body).toContain('<Message>Credential should be scoped to correct service: &apos;sts&apos;. </Message>');
    expect((await signedEc2(app, 'Action=GetCallerIdentity&Version=2011-06-15', { service: 'sts' })).status).toBe(200);
  });

  it('never runs an EC2 action signed for another service (s3, iam)', async () => {
    const app = appWith({ credentials });
    for (const service of ['s3', 'iam']) {
      const answer = await signedEc2(app, createGroup(`via-${service}`), { service });
      expect(answer.status, answer.body).toBeGreaterThanOrEqual(400);
    }
    expect(await groupNames(app, await signed({ method: 'POST', path: '/', body: form({ Action: 'DescribeSecurityGroups' }), headers: { 'content-type': FORM } }))).toEqual(['default']);
  });
});

describe('a body of one key of a million dots', () => {
  it('is answered at once with UnknownParameter, a 400 EC2 error', async () => {
    const app = appWith();
    const key = '.'.repeat(1024 * 1024 - 64);
    const answer = await call(app, { body: `Action=CreateSecurityGroup&Version=2016-11-15&${key}=x` });
    expect(ec2Error(answer)).toEqual({ status: 400, code: 'UnknownParameter', message: `The parameter ${key} is not recognized` });
    expect(await groupNames(app)).toEqual(['default']);
  });
});

/** Everything a raw socket receives until the server closes it. */
function untilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(received));
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    sockets.push(socket);
    socket.once('error', reject);
  });
}

/** One keep-alive request on an open socket; resolves with the status line of its answer. */
function requestOn(socket: Socket, body = 'Action=DescribeVpcs&Version=2016-11-15'): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('utf8');
      const headerEnd = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received)?.[1];
      if (headerEnd !== -1 && length !== undefined && received.length >= headerEnd + 4 + Number(length)) {
        socket.off('data', onData);
        resolve(received.slice(0, received.indexOf('\r\n')));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed after: ${received}`)));
    socket.write(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`,
    );
  });
}

describe('slow and numerous clients', () => {
  it('answers a stalled upload 408 in the EC2 envelope and closes its socket', async () => {
    const emulator = await startEmulator({ port: 0, requestTimeoutMs: 300 });
    emulators.push(emulator);
    const socket = await open(emulator.port);
    const closed = untilClosed(socket);
    const body = createGroup('never-finished');
    // A declared length, half of the body, then silence.
    socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, body.length / 2)}`);
    const received = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(received).toContain('Connection: close');
    expect(received).toContain('<Code>InvalidHttpRequest</Code><Message>The HTTP request is invalid. Reason: the request was not received in time</Message>');
    // Nothing of it was run, and the server goes on serving.
    const client = await open(emulator.port);
    expect(await requestOn(client, form({ Action: 'DescribeSecurityGroups', 'GroupName.1': 'never-finished' }))).toBe('HTTP/1.1 400 Bad Request');
    expect(await requestOn(client)).toBe('HTTP/1.1 200 OK');
  });

  it('closes connections past maxConnections at once, and keeps serving those it holds', async () => {
    const emulator = await startEmulator({ port: 0, maxConnections: 3 });
    emulators.push(emulator);
    const held = [await open(emulator.port), await open(emulator.port), await open(emulator.port)];
    for (const socket of held) expect(await requestOn(socket)).toBe('HTTP/1.1 200 OK');

    const extra = await open(emulator.port);
    const extraClosed = untilClosed(extra);
    extra.write(`GET /?Action=DescribeVpcs&Version=2016-11-15 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(await extraClosed).toBe('');

    for (const socket of held) expect(await requestOn(socket)).toBe('HTTP/1.1 200 OK');
    // A held connection that ends makes room for a new one.
    const ended = untilClosed(held[0]!);
    held[0]!.end();
    await ended;
    // The server counts the connection gone once its side has closed too.
    let fresh: string | undefined;
    for (let attempt = 0; attempt < 50 && fresh === undefined; attempt++) {
      const socket = await open(emulator.port);
      fresh = await requestOn(socket).catch(() => undefined);
      if (fresh === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(fresh).toBe('HTTP/1.1 200 OK');
  });
});
