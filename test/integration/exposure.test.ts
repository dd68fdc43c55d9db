/**
 * The built command on a non-loopback address: the start-up line names the address as bound, one
 * warning says that the control endpoints are open to anyone who can reach the port, and
 * --control-token (CONTROL_TOKEN) closes them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtRoot, cleanEnv, runToEnd, startProcess, type ServerProcess } from '../helpers/built-server.js';

let main: string;
let scratch: string;
const running: ServerProcess[] = [];

beforeAll(async () => {
  main = join(await builtRoot(), 'dist', 'server', 'main.js');
  scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-exposure-'));
}, 180_000);

afterAll(async () => {
  for (const server of running) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  rmSync(scratch, { recursive: true, force: true });
});

async function start(args: string[], env: Record<string, string> = {}): Promise<ServerProcess & { local: string }> {
  const server = await startProcess([main, '--port', '0', ...args], { cwd: scratch, env: cleanEnv(env) });
  running.push(server);
  const port = new URL(server.url).port;
  return Object.assign(server, { local: `http://127.0.0.1:${port}` });
}

/**
 * Gives the process's stderr time to arrive: the warning is written right after the URL line, but
 * through another pipe, which the test may read later.
 */
const settled = () => new Promise((resolve) => setTimeout(resolve, 200));

async function warningOf(server: ServerProcess): Promise<string[]> {
  for (let i = 0; i < 50 && !server.stderr().includes('warning'); i++) await settled();
  return server.stderr().split('\n').filter((line) => line.includes('warning'));
}

const WARNING = /^ec2-sg-emulator: warning: listening on http:\/\/0\.0\.0\.0:\d+, reachable from other machines: .*\/_emulator\/.*--control-token/;

describe('listening on every interface', () => {
  it('prints the address as bound and warns once that the control endpoints are open', async () => {
    const server = await start(['--host', '0.0.0.0']);
    expect(server.stdout()).toMatch(/^ec2-sg-emulator listening on http:\/\/0\.0\.0\.0:\d+\n$/);
    const warnings = await warningOf(server);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(WARNING);
    // Open indeed: a reset needs nothing.
    expect((await fetch(`${server.local}/_emulator/reset`, { method: 'POST' })).status).toBe(200);
    await settled();
    expect(server.stderr().split('\n').filter((line) => line.includes('warning'))).toHaveLength(1);
  });

  it('with --control-token, does not warn and asks control calls for the token', async () => {
    const server = await start(['--host', '0.0.0.0', '--control-token', 's3cr3t-token']);
    await settled();
    expect(server.stderr()).not.toMatch(/warning/);
    const refused = await fetch(`${server.local}/_emulator/reset`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'Unauthorized', message: expect.stringContaining('control token') });
    const bearer = await fetch(`${server.local}/_emulator/reset`, { method: 'POST', headers: { authorization: 'Bearer s3cr3t-token' } });
    expect(bearer.status).toBe(200);
    const header = await fetch(`${server.local}/_emulator/state`, { headers: { 'x-emulator-control-token': 's3cr3t-token' } });
    expect(header.status).toBe(200);
    // EC2 and the health probe stay as they were.
    expect((await fetch(`${server.local}/?Action=DescribeVpcs&Version=2016-11-15`)).status).toBe(200);
    expect((await fetch(`${server.local}/_emulator/health`)).status).toBe(200);
  });

  it('reads the token from CONTROL_TOKEN too, also on loopback', async () => {
    const server = await start([], { CONTROL_TOKEN: 'from-the-env' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server.url}/_emulator/reset`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${server.url}/_emulator/reset`, { method: 'POST', headers: { authorization: 'Bearer from-the-env' } })).status).toBe(200);
  });

  it('does not warn on loopback, nor with the control endpoints turned off', async () => {
    const loopback = await start([]);
    const quiet = await start(['--host', '0.0.0.0', '--no-control']);
    await settled();
    expect(loopback.stdout()).toMatch(/^ec2-sg-emulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(loopback.stderr()).toBe('');
    expect(quiet.stderr()).toBe('');
  });
});

describe('--control-token configuration', () => {
  it('is listed by --help with its variable', () => {
    const result = runToEnd([main, '--help'], { cwd: scratch });
    expect(result.stdout).toMatch(/--control-token TOKEN .*CONTROL_TOKEN/);
  });

  it('refuses an empty token or one with spaces in one line, exit code 2', () => {
    for (const token of ['', 'two words']) {
      const result = runToEnd([main, '--control-token', token], { cwd: scratch });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^ec2-sg-emulator: --control-token \/ CONTROL_TOKEN: .*\n$/);
    }
  });
});
