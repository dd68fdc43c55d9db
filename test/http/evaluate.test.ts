/**
 * POST /_emulator/evaluate and /_emulator/evaluate/matrix on the wire (app.inject): every request
 * docs/evaluation.md shows, answered exactly as the page says; the shorthands; the server's default
 * account and region; the errors; and 404 with the control endpoints turned off.
 */
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { openDatabase } from '../../store/db.js';
import { createStore, type Store } from '../../store/store.js';
import { docHttpExamples, FIXTURE_IDS, loadEvaluationFixture } from '../helpers/evaluation-fixture.js';
import { buildTestApp, rawClient } from '../helpers/inject.js';

let app: FastifyInstance;
let store: Store;

beforeEach(() => {
  ({ app, store } = buildTestApp());
  loadEvaluationFixture(store);
});

async function send(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, on = app) {
  const response = await on.inject({ method: 'POST', url: path, headers, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.statusCode, contentType: response.headers['content-type'], json: JSON.parse(response.body) as Record<string, any> };
}
const evaluate = (body: unknown) => send('/_emulator/evaluate', body);
const { web, app: appTier, db, vpc, defaultGroup } = FIXTURE_IDS;

describe('the examples of docs/evaluation.md', () => {
  const examples = docHttpExamples();

  it('are found on the page', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it.each(examples.map((e) => [`docs/evaluation.md:${e.line}`, e] as const))('%s answers what the page shows', async (_where, example) => {
    expect(example.method).toBe('POST');
    const answer = await send(example.path, example.body);
    expect(answer.status).toBe(example.status);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.json).toEqual(example.answer);
  });
});

describe('POST /_emulator/evaluate', () => {
  it('decides the flows of the layout', async () => {
    const cases: [unknown, string][] = [
      [{ from: '0.0.0.0/0', to: web, protocol: 'tcp', port: 443 }, 'ALLOWED'],
      [{ from: '::/0', to: web, protocol: 'tcp', port: 443 }, 'DENIED'],
      [{ from: web, to: appTier, protocol: 'tcp', port: 8080 }, 'ALLOWED'],
      [{ from: web, to: appTier, protocol: 'tcp', port: 8081 }, 'DENIED'],
      [{ from: appTier, to: db, protocol: 6, port: 5432 }, 'ALLOWED'],
      [{ from: { groupId: appTier, address: '10.0.3.4' }, to: { groupIds: [db], address: '10.0.9.9' }, protocol: 'tcp', port: 5432 }, 'ALLOWED'],
      [{ from: db, to: appTier, protocol: 'tcp', port: 5432 }, 'DENIED'],
      [{ from: db, to: '8.8.8.8', protocol: 'udp', port: 53 }, 'ALLOWED'],
      [{ from: defaultGroup, to: defaultGroup, protocol: 'icmp', icmpType: 8 }, 'ALLOWED'],
    ];
    for (const [flow, verdict] of cases) {
      const answer = await evaluate(flow);
      expect([flow, answer.status, answer.json.verdict]).toEqual([flow, 200, verdict]);
    }
  });

  it('answers the matrix for {"matrix": …}, with accountId and region beside it or inside it', async () => {
    const direct = await send('/_emulator/evaluate/matrix', { vpcId: vpc });
    const wrapped = await evaluate({ matrix: { vpcId: vpc } });
    expect(wrapped).toEqual(direct);
    const scoped = await evaluate({ matrix: { vpcId: vpc, region: 'us-east-1' }, accountId: '000000000000' });
    expect(scoped.json).toEqual(direct.json);
    const byGroups = await send('/_emulator/evaluate/matrix', { groupIds: [appTier, db] });
    expect(byGroups.json.pairs).toEqual([{ from: appTier, to: db, family: 'ipv4', allowed: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }] }]);
    expect(byGroups.json.world).toEqual([]);
  });

  it('looks in the account and region asked for, else in the server’s defaults', async () => {
    const elsewhere = buildApp({
      store: createStore(openDatabase(':memory:')),
      limits: DEFAULT_LIMITS,
      defaultRegion: 'eu-west-1',
      defaultAccountId: '111122223333',
    });
    const ec2 = rawClient(elsewhere);
    const groupId = (await ec2.ok('CreateSecurityGroup', { GroupName: 'g', GroupDescription: 'g' })).groupId as string;
    const flow = { from: '0.0.0.0/0', to: groupId, protocol: 'tcp', port: 22 };
    const defaults = await send('/_emulator/evaluate', flow, undefined, elsewhere);
    expect([defaults.status, defaults.json.accountId, defaults.json.region, defaults.json.verdict]).toEqual([200, '111122223333', 'eu-west-1', 'DENIED']);
    const named = await send('/_emulator/evaluate', { ...flow, accountId: '111122223333', region: 'eu-west-1' }, undefined, elsewhere);
    expect(named.json.verdict).toBe('DENIED');
    const other = await send('/_emulator/evaluate', { ...flow, region: 'us-east-1' }, undefined, elsewhere);
    expect([other.status, other.json.error]).toEqual([400, 'InvalidGroup.NotFound']);
  });

  it('refuses what is not a flow with 400 and a JSON error', async () => {
    const cases: [string, unknown, string, string][] = [
      ['not JSON', '{"from":', 'InvalidJson', 'the body is not JSON'],
      ['not an object', '[1,2]', 'InvalidFlow', 'the flow must be a JSON object with from, to and protocol'],
      ['an unknown group', { from: 'sg-0123456789abcdef0', to: db, protocol: 'tcp', port: 5432 }, 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist"],
      ['an unknown interface', { from: 'eni-0123456789abcdef0', to: db, protocol: 'tcp', port: 5432 }, 'InvalidNetworkInterfaceID.NotFound', "The networkInterface ID 'eni-0123456789abcdef0' does not exist"],
      ['an unknown VPC', { matrix: { vpcId: 'vpc-0123456789abcdef0' } }, 'InvalidVpcID.NotFound', "The vpc ID 'vpc-0123456789abcdef0' does not exist"],
      ['a matrix that is not an object', { matrix: 'vpc-1' }, 'InvalidFlow', 'matrix: must be an object with vpcId or groupIds'],
      ['a matrix with both', { matrix: { vpcId: vpc, groupIds: [db] } }, 'InvalidFlow', 'matrix: give exactly one of vpcId and groupIds'],
      ['a bad region', { from: web, to: db, protocol: 'tcp', port: 1, region: 'moon' }, 'InvalidFlow', "region: 'moon' is not a region name"],
      ['an endpoint of the wrong type', { from: 7, to: db, protocol: 'tcp', port: 1 }, 'InvalidFlow', 'from: must be a string (sg-…, eni-…, an address or a CIDR) or an object'],
    ];
    for (const [name, body, error, message] of cases) {
      const answer = await evaluate(body);
      expect([name, answer.status, answer.json.error]).toEqual([name, 400, error]);
      expect(answer.json.message as string, name).toContain(message);
    }
    const matrix = await send('/_emulator/evaluate/matrix', { vpcId: 'nope' });
    expect([matrix.status, matrix.json]).toEqual([400, { error: 'InvalidFlow', message: "vpcId: 'nope' is not a VPC id (vpc-…)" }]);
  });

  it('takes JSON only, as every control endpoint', async () => {
    const answer = await send('/_emulator/evaluate', JSON.stringify({ from: web, to: db, protocol: 'tcp', port: 1 }), { 'content-type': 'text/plain' });
    expect([answer.status, answer.json.error]).toEqual([415, 'UnsupportedMediaType']);
  });

  it('answers only POST', async () => {
    const answer = await app.inject({ method: 'GET', url: '/_emulator/evaluate' });
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ error: 'NotFound', message: 'no such control endpoint' });
  });

  it('keeps nothing: evaluating a scope never written to leaves no trace', async () => {
    const before = store.tableCounts();
    const answer = await evaluate({ from: '0.0.0.0/0', to: 'sg-0123456789abcdef0', protocol: 'tcp', port: 1, region: 'ap-south-1' });
    expect(answer.json.error).toBe('InvalidGroup.NotFound');
    expect(store.tableCounts()).toEqual(before);
  });
});

describe('with the control endpoints turned off', () => {
  it('both paths answer 404', async () => {
    const off = buildApp({ store: createStore(openDatabase(':memory:')), limits: DEFAULT_LIMITS, defaultRegion: 'us-east-1', defaultAccountId: '000000000000', controlEndpoints: false });
    for (const path of ['/_emulator/evaluate', '/_emulator/evaluate/matrix']) {
      const answer = await send(path, { from: '0.0.0.0/0', to: 'sg-1a2b3c4d', protocol: 'tcp', port: 1 }, undefined, off);
      expect([path, answer.status, answer.json]).toEqual([path, 404, { error: 'NotFound', message: 'control endpoints are turned off' }]);
    }
  });
});
