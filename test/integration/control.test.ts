/**
 * The control endpoints under /_emulator/ (and moto's reset path), called the way a test suite
 * calls them: plain fetch for the JSON, the SDK for what EC2 then shows.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, ec2ErrorOf, startServerWithClient, startTestServer, stopServer } from '../helpers/server.js';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let emulator: Emulator;
let client: EC2Client;

beforeAll(async () => {
  ({ emulator, ec2: client } = await startServerWithClient());
});
afterAll(() => stopServer(emulator, client));
afterEach(async () => {
  await control('POST', '/_emulator/reset');
});

async function control(method: 'GET' | 'POST', path: string, body?: string) {
  const response = await fetch(`${emulator.url}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), json: JSON.parse(text) as Record<string, any> };
}

/** A group with a custom egress rule (with a description) and a tag. */
async function createFixture(name: string) {
  const group = await client.send(
    new CreateSecurityGroupCommand({
      GroupName: name,
      Description: 'fixture',
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'team', Value: 'blue' }] }],
    }),
  );
  await client.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: group.GroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'https' }] }],
    }),
  );
  return group.GroupId!;
}

async function snapshot() {
  const groups = (await client.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
  const rules = (await client.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules ?? [];
  const vpcs = (await client.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
  return { groups, rules, vpcs };
}

describe('GET /_emulator/health', () => {
  it('answers JSON with the status, the package version, the uptime and counts', async () => {
    await createFixture('counted');
    const health = await control('GET', '/_emulator/health');
    expect(health.status).toBe(200);
    expect(health.contentType).toMatch(/^application\/json/);
    expect(health.json).toEqual({
      status: 'ok',
      version: packageVersion,
      uptimeSeconds: expect.any(Number),
      // The default VPC and its default group, plus ours; default group: 2 rules, ours: 2 egress rules;
      // the default VPC's six default subnets (us-east-1 has six zones), and no interfaces.
      counts: { vpcs: 1, securityGroups: 2, securityGroupRules: 4, subnets: 6, networkInterfaces: 0 },
    });
  });
});

describe('reset', () => {
  for (const path of ['/_emulator/reset', '/moto-api/reset']) {
    it(`POST ${path} goes back to the initial state`, async () => {
      const initial = await snapshot();
      const groupId = await createFixture('to-be-forgotten');
      const reset = await control('POST', path);
      expect(reset).toMatchObject({ status: 200, json: { status: 'ok' } });

      const after = await snapshot();
      expect(after.groups.map((g) => g.GroupName)).toEqual(['default']);
      expect(after.vpcs).toHaveLength(1);
      expect(after.vpcs[0]!.IsDefault).toBe(true);
      // A fresh default VPC, as on a fresh start: not the one from before.
      expect(after.vpcs[0]!.VpcId).not.toBe(initial.vpcs[0]!.VpcId);
      const missing = await ec2ErrorOf(() => client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })));
      expect(missing.code).toBe('InvalidGroup.NotFound');
    });
  }

  it('is what the embedding API reset() does too', async () => {
    await createFixture('embedded');
    emulator.reset();
    expect((await snapshot()).groups.map((g) => g.GroupName)).toEqual(['default']);
  });
});

describe('GET and POST /_emulator/state', () => {
  it('round-trips everything: ids, rules with their ids and descriptions, tags, order', async () => {
    await createFixture('first');
    await createFixture('second');
    const before = await snapshot();
    const exported = await control('GET', '/_emulator/state');
    expect(exported.status).toBe(200);
    expect(exported.json.format).toBe('ec2-sg-emulator/state');
    expect(Object.keys(exported.json.tables)).toEqual(expect.arrayContaining(['vpcs', 'security_groups', 'security_group_rules', 'tags', 'prefix_lists', 'scopes']));

    await control('POST', '/_emulator/reset');
    const imported = await control('POST', '/_emulator/state', JSON.stringify(exported.json));
    expect(imported).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(await snapshot()).toEqual(before);
  });

  it('replaces the state: what was created after the export is gone', async () => {
    await createFixture('kept');
    const exported = (await control('GET', '/_emulator/state')).json;
    const laterId = await createFixture('later');
    await control('POST', '/_emulator/state', JSON.stringify(exported));
    const names = (await snapshot()).groups.map((g) => g.GroupName);
    expect(names).toEqual(['default', 'kept']);
    expect((await ec2ErrorOf(() => client.send(new DescribeSecurityGroupsCommand({ GroupIds: [laterId] })))).code).toBe('InvalidGroup.NotFound');
  });

  it('continues after an import: new groups are created next to the imported ones', async () => {
    await createFixture('imported');
    const exported = (await control('GET', '/_emulator/state')).json;
    await control('POST', '/_emulator/state', JSON.stringify(exported));
    await createFixture('new');
    expect((await snapshot()).groups.map((g) => g.GroupName)).toEqual(['default', 'imported', 'new']);
  });

  const rejected: { name: string; body: (state: Record<string, any>) => string; error: string; says: string }[] = [
    { name: 'a body that is not JSON', body: () => '{"tables": ', error: 'InvalidJson', says: 'not JSON' },
    { name: 'an empty body', body: () => '', error: 'InvalidJson', says: 'not JSON' },
    { name: 'JSON that is not an object', body: () => '[1, 2]', error: 'InvalidState', says: 'JSON object' },
    { name: 'an unknown table', body: (s) => JSON.stringify({ ...s, tables: { ...s.tables, instances: [] } }), error: 'InvalidState', says: 'tables.instances' },
    {
      name: 'an unknown column',
      body: (s) => JSON.stringify({ ...s, tables: { ...s.tables, vpcs: [{ ...s.tables.vpcs[0], colour: 'red' }] } }),
      error: 'InvalidState',
      says: 'colour',
    },
    {
      name: 'a value that is neither a string, a number nor null',
      body: (s) => JSON.stringify({ ...s, tables: { ...s.tables, vpcs: [{ ...s.tables.vpcs[0], is_default: true }] } }),
      error: 'InvalidState',
      says: 'is_default',
    },
    {
      name: 'a missing required column',
      body: (s) => JSON.stringify({ ...s, tables: { ...s.tables, vpcs: [{ ...s.tables.vpcs[0], cidr_block: undefined }] } }),
      error: 'InvalidState',
      says: 'cidr_block',
    },
    {
      name: 'a group in a VPC the document does not have',
      body: (s) => JSON.stringify({ ...s, tables: { ...s.tables, vpcs: [] } }),
      error: 'InvalidState',
      says: 'vpcs',
    },
    { name: 'a newer schema version', body: (s) => JSON.stringify({ ...s, schemaVersion: 999 }), error: 'InvalidState', says: 'schemaVersion' },
  ];
  for (const c of rejected) {
    it(`answers 400 with a JSON error and changes nothing for ${c.name}`, async () => {
      await createFixture('untouched');
      const state = (await control('GET', '/_emulator/state')).json;
      const before = await snapshot();
      const answer = await control('POST', '/_emulator/state', c.body(state));
      expect(answer.status).toBe(400);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(answer.json.error).toBe(c.error);
      expect(answer.json.message).toContain(c.says);
      expect(await snapshot()).toEqual(before);
    });
  }
});

describe('the reserved prefix', () => {
  it('answers 404 JSON for an unknown control path instead of an EC2 error', async () => {
    const answer = await control('GET', '/_emulator/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.json.error).toBe('NotFound');
  });

  it('leaves EC2 requests on other paths to EC2', async () => {
    const response = await fetch(`${emulator.url}/?Action=DescribeVpcs&Version=2016-11-15`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<DescribeVpcsResponse');
  });

  it('is turned off by controlEndpoints: false (404, and EC2 still works)', async () => {
    const quiet = await startTestServer({ controlEndpoints: false });
    try {
      for (const [method, path] of [
        ['GET', '/_emulator/health'],
        ['POST', '/_emulator/reset'],
        ['POST', '/moto-api/reset'],
        ['GET', '/_emulator/state'],
        ['POST', '/_emulator/state'],
      ] as const) {
        const response = await fetch(`${quiet.url}${path}`, { method });
        expect(response.status, `${method} ${path}`).toBe(404);
      }
      const quietClient = ec2Client(quiet.url);
      expect((await quietClient.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(1);
      quietClient.destroy();
    } finally {
      await quiet.stop();
    }
  });
});
