/**
 * The command as a user runs it: `ec2-sg-emulator [flags]` (the built dist/server/main.js).
 * Help, one-line configuration errors, the single start-up line, one log line per request, and a
 * clean stop on SIGTERM/SIGINT that lets an in-flight request finish and closes the database.
 */
import { connect } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtRoot, cleanEnv, runToEnd, startProcess, type ServerProcess } from '../helpers/built-server.js';
import { ec2Client } from '../helpers/server.js';

let root: string;
let main: string;
let scratch: string;
const running: ServerProcess[] = [];

beforeAll(async () => {
  root = await builtRoot();
  main = join(root, 'dist', 'server', 'main.js');
  scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-cli-'));
}, 180_000);

afterAll(() => {
  for (const server of running) server.child.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

async function start(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startProcess([main, ...args], { cwd: scratch, env: cleanEnv(env) });
  running.push(server);
  return server;
}

const lines = (text: string) => text.split('\n').filter((line) => line.length > 0);

describe('--help', () => {
  it('prints every flag with its environment variable and exits 0', () => {
    const result = runToEnd([main, '--help'], { cwd: scratch });
    expect(result.status).toBe(0);
    for (const flag of ['--host', '--port', '--db', '--region', '--account-id', '--log-level', '--log-format', '--rules-per-group', '--groups-per-region', '--no-control']) {
      expect(result.stdout).toContain(flag);
    }
    for (const variable of ['HOST', 'PORT', 'DB_PATH', 'AWS_DEFAULT_REGION', 'ACCOUNT_ID', 'LOG_LEVEL', 'LOG_FORMAT', 'CONTROL_ENDPOINTS']) {
      expect(result.stdout).toContain(variable);
    }
  });
});

describe('invalid configuration', () => {
  const cases: { name: string; args: string[]; env?: Record<string, string>; says: string }[] = [
    { name: 'a port that is not a number', args: ['--port', 'abc'], says: '--port / PORT' },
    { name: 'a port out of range from the environment', args: [], env: { PORT: '70000' }, says: '--port / PORT' },
    { name: 'an unknown flag', args: ['--bogus'], says: '--bogus' },
    { name: 'a region that is not a region name', args: ['--region', 'moon'], says: '--region' },
    { name: 'an account id that is not 12 digits', args: ['--account-id', '123'], says: '--account-id' },
    { name: 'an unknown log format', args: ['--log-format', 'xml'], says: '--log-format' },
    { name: 'an unknown log level', args: [], env: { LOG_LEVEL: 'loud' }, says: 'LOG_LEVEL' },
    { name: 'a quota of zero', args: ['--rules-per-group', '0'], says: '--rules-per-group' },
    { name: 'a CONTROL_ENDPOINTS value that is not on or off', args: [], env: { CONTROL_ENDPOINTS: 'maybe' }, says: 'CONTROL_ENDPOINTS' },
    { name: 'a host address this machine does not have', args: ['--host', '192.0.2.1', '--port', '0'], says: 'EADDRNOTAVAIL' },
    { name: 'a database in a directory that does not exist', args: ['--db', '/nonexistent-dir/state.db', '--port', '0'], says: '/nonexistent-dir/state.db' },
  ];
  for (const c of cases) {
    it(`stops with one line and a non-zero exit for ${c.name}`, () => {
      const result = runToEnd([main, ...c.args], { cwd: scratch, env: cleanEnv(c.env) });
      expect(result.status).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(/^ec2-sg-emulator: /);
      expect(result.stderr).toContain(c.says);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('stops with one line when the database file is not SQLite', () => {
    const notSqlite = join(scratch, 'not-sqlite.db');
    writeFileSync(notSqlite, 'this is not a database, just text that is long enough to have a header page'.repeat(20));
    const result = runToEnd([main, '--db', notSqlite, '--port', '0'], { cwd: scratch });
    expect(result.status).not.toBe(0);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(notSqlite);
  });

  it('stops with one line when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = runToEnd([main, '--port', String(port)], { cwd: scratch });
      expect(result.status).not.toBe(0);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe('start-up and request logs', () => {
  it('prints exactly one line, the URL, on start', async () => {
    const server = await start(['--port', '0']);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines(server.stdout())).toEqual([`ec2-sg-emulator listening on ${server.url}`]);
    expect(server.stderr()).toBe('');
  });

  it('logs one readable line per request with action, status, duration and request id', async () => {
    const server = await start(['--port', '0']);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeSecurityGroups&Version=2016-11-15',
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-amzn-requestid')!;
    await waitFor(() => server.stdout().includes(requestId));
    const line = lines(server.stdout()).find((l) => l.includes(requestId))!;
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  DescribeSecurityGroups 200 /);
    // Each fact once: `DescribeSecurityGroups 200 0.41ms req=…`, no key=value repeats.
    expect(line).toMatch(new RegExp(` [0-9.]+ms req=${requestId}$`));
    expect(line).not.toMatch(/action=|status=|ms=/);
    expect(line).not.toMatch(/^\{/);
  });

  it('logs JSON lines with --log-format json, and errors with their status', async () => {
    const server = await start(['--port', '0', '--log-format', 'json']);
    const ok = await fetch(`${server.url}/?Action=DescribeVpcs&Version=2016-11-15`);
    const bad = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DeleteSecurityGroup&Version=2016-11-15&GroupId=sg-0123456789abcdef0',
    });
    expect(bad.status).toBe(400);
    const badId = bad.headers.get('x-amzn-requestid')!;
    await waitFor(() => server.stdout().includes(badId));
    const events = lines(server.stdout())
      .slice(1)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toContainEqual(
      expect.objectContaining({ action: 'DescribeVpcs', status: 200, requestId: ok.headers.get('x-amzn-requestid'), ms: expect.any(Number) }),
    );
    expect(events).toContainEqual(expect.objectContaining({ action: 'DeleteSecurityGroup', status: 400, requestId: badId }));
  });

  it('takes its configuration from the environment', async () => {
    const server = await start([], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ACCOUNT_ID: '123456789012', AWS_DEFAULT_REGION: 'eu-west-1' });
    const response = await fetch(`${server.url}/?Action=DescribeSecurityGroups&Version=2016-11-15`);
    const xml = await response.text();
    expect(xml).toContain('<ownerId>123456789012</ownerId>');
    // LOG_LEVEL=warn: the request is not logged.
    expect(lines(server.stdout())).toHaveLength(1);
  });
});

describe('stopping', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal} exits 0 and leaves a database file that is intact`, async () => {
      const dbPath = join(scratch, `stop-${signal}.db`);
      const server = await start(['--port', '0', '--db', dbPath, '--log-level', 'warn']);
      const client = ec2Client(server.url);
      const created = await client.send(new CreateSecurityGroupCommand({ GroupName: `kept-${signal}`, Description: 'survives the stop' }));
      client.destroy();
      server.child.kill(signal);
      expect(await server.exited).toBe(0);
      expect(server.stderr()).toBe('');
      // The last connection closing checkpoints the write-ahead log into the file.
      expect(existsSync(`${dbPath}-wal`)).toBe(false);
      const db = new Database(dbPath, { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const row = db.prepare('SELECT group_name FROM security_groups WHERE group_id = ?').get(created.GroupId) as { group_name: string } | undefined;
        expect(row?.group_name).toBe(`kept-${signal}`);
      } finally {
        db.close();
      }
    });
  }

  it('finishes a request that is in flight when SIGTERM arrives', async () => {
    const server = await start(['--port', '0', '--db', join(scratch, 'in-flight.db')]);
    const { hostname, port } = new URL(server.url);
    const body = 'Action=CreateSecurityGroup&Version=2016-11-15&GroupName=in-flight&GroupDescription=sent+in+two+halves';
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // Headers and half the body: the request has started but cannot be answered yet.
    socket.write(
      `POST / HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 20)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');
    await waitFor(() => server.stdout().includes('shutting down'));
    socket.write(body.slice(20));
    await waitFor(() => answer.includes('</CreateSecurityGroupResponse>'));
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/<groupId>sg-[0-9a-f]{17}<\/groupId>/);
    socket.end();
    expect(await server.exited).toBe(0);
  });

  it('answers control endpoints unless CONTROL_ENDPOINTS=off', async () => {
    const on = await start(['--port', '0']);
    expect((await fetch(`${on.url}/_emulator/health`)).status).toBe(200);
    const off = await start(['--port', '0'], { CONTROL_ENDPOINTS: 'off' });
    expect((await fetch(`${off.url}/_emulator/health`)).status).toBe(404);
    const flagged = await start(['--port', '0', '--no-control']);
    expect((await fetch(`${flagged.url}/_emulator/health`)).status).toBe(404);
    // EC2 itself is unaffected.
    const client = ec2Client(off.url);
    expect((await client.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups).toHaveLength(1);
    client.destroy();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(condition()).toBe(true);
}
