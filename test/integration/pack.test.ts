/**
 * Installed as a user would: `npm pack` the package, `npm install` the tarball into an empty
 * folder (which compiles better-sqlite3 there: minutes, not seconds), then `npx ec2-sg-emulator`
 * from that folder and call it with the SDK. Also checks the tarball ships the compiled code and
 * the README, and no sources, tests or source maps.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/built-server.js';
import { ec2Client } from '../helpers/server.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

let scratch: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-pack-'));
  // `prepack` builds dist/ first.
  const packed = spawnSync(npm, ['pack', '--json', '--pack-destination', scratch], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(scratch, report[0]!.filename.replace(/^@.*\//, ''));
  files = report[0]!.files.map((f) => f.path);
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the tarball', () => {
  it('ships the compiled code with its types, the README and package.json, and nothing else', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/server/main.js', 'dist/server/emulator.js', 'dist/server/emulator.d.ts']));
    for (const file of files) {
      expect(file, file).toMatch(/^(package\.json|README\.md|dist\/(server|store|protocol)\/.+\.(js|d\.ts))$/);
    }
  });
});

describe('npm install <tarball> into an empty folder', () => {
  it('gives a working `npx ec2-sg-emulator`', async () => {
    const app = join(scratch, 'user-app');
    spawnSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true }));
    const installed = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app, encoding: 'utf8', timeout: 280_000 });
    expect(installed.status, installed.stderr).toBe(0);
    expect(readdirSync(join(app, 'node_modules', '.bin'))).toContain('ec2-sg-emulator');

    // Detached: npx runs the command in a child; signalling the group reaches both.
    const child = spawn(npx, ['ec2-sg-emulator', '--port', '0'], { cwd: app, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`exited ${code} before listening: ${err}`)));
      });
      const client = ec2Client(url);
      const created = await client.send(new CreateSecurityGroupCommand({ GroupName: 'installed', Description: 'from the tarball' }));
      const seen = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }));
      expect(seen.SecurityGroups![0]!.GroupName).toBe('installed');
      client.destroy();

      const health = (await (await fetch(`${url}/_emulator/health`)).json()) as { version: string };
      expect(health.version).toBe((JSON.parse(spawnSync(npm, ['pkg', 'get', 'version'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout) as string));
      // npx re-raises the signal it forwarded, so its own exit status says nothing about ours (the
      // clean exit 0 is cli-process.test.ts's); what matters here is that the server is gone.
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
      await expect(fetch(`${url}/_emulator/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 300_000);
});
