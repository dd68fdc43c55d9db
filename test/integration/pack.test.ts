/**
 * Installed as a user would, by the two routes that need no registry entry: `npm pack` the package
 * and `npm install` the tarball, or `npm install git+file://…` from a git repository (npm clones
 * it, installs its dev dependencies and runs `prepare`, which builds dist/, then packs it). Each
 * into an empty folder (compiling better-sqlite3 there: minutes, not seconds), with no engine
 * warning on the Node running the test, then `npx ec2-sg-emulator` from that folder: `--version`,
 * calls with the SDK, and a SIGTERM to npx that stops the server (npx runs it under `sh -c`, which
 * does not pass the signal on; the server notices its shell is gone). Also checks the tarball
 * ships the compiled code, the launcher and the README, and no sources, tests or source maps.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/built-server.js';
import { killGroup, launch, listeningUrl, processesWith, refusedWithin, type Launched } from '../helpers/launched.js';
import { ec2Client } from '../helpers/server.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Installs use the npm cache first; nothing here needs the registry's newest metadata. */
const INSTALL_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline'];

let scratch: string;
let tarball: string;
let files: string[];
const launched: Launched[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-pack-'));
  // `prepare` builds dist/ first (or finds it up to date).
  const packed = spawnSync(npm, ['pack', '--json', '--pack-destination', scratch], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(scratch, report[0]!.filename.replace(/^@.*\//, ''));
  files = report[0]!.files.map((f) => f.path);
}, 300_000);

afterAll(() => {
  for (const one of launched) killGroup(one);
  rmSync(scratch, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('ships the compiled code with its types, the launcher, the console assets, the README with its docs pages and package.json, and nothing else', () => {
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'scripts/start.mjs', 'dist/server/main.js', 'dist/server/emulator.js', 'dist/server/emulator.d.ts', 'docs/fidelity.md']),
    );
    for (const file of files) {
      expect(file, file).toMatch(/^(package\.json|README\.md|scripts\/start\.mjs|docs\/[^/]+\.md|server\/console\/assets\/[^/]+|dist\/(server|store|protocol)\/.+\.(js|d\.ts))$/);
    }
  });
});

/** An empty project that installs `spec`; returns its folder. */
function installInto(name: string, spec: string): string {
  const app = join(scratch, name);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  const installed = spawnSync(npm, ['install', ...INSTALL_FLAGS, spec], { cwd: app, encoding: 'utf8', timeout: 580_000 });
  expect(installed.status, installed.stderr).toBe(0);
  // Our engines say >=20: no dependency may ask for more on the Node running this.
  expect(`${installed.stdout}\n${installed.stderr}`).not.toContain('EBADENGINE');
  expect(readdirSync(join(app, 'node_modules', '.bin'))).toContain('ec2-sg-emulator');
  return app;
}

/** `npx ec2-sg-emulator --version` from the project. */
function npxVersion(app: string): string {
  const result = spawnSync(npx, ['ec2-sg-emulator', '--version'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

/** Starts `npx ec2-sg-emulator`, runs `use` against it, then SIGTERMs npx itself (not its group). */
async function runAndStopWithSigterm(app: string, use: (url: string) => Promise<void>): Promise<void> {
  const db = join(app, 'marker-state.db');
  const server = launch(npx, ['ec2-sg-emulator', '--port', '0', '--db', db], { cwd: app, env: process.env });
  launched.push(server);
  const url = await listeningUrl(server);
  await use(url);
  expect(processesWith(db).length).toBeGreaterThan(0);
  process.kill(server.child.pid!, 'SIGTERM');
  await server.exited;
  // npx has exited once its shell died; the server follows as soon as it sees that.
  expect(await refusedWithin(url, 15_000)).toBe(true);
  expect(processesWith(db)).toEqual([]);
}

describe('npm install <tarball> into an empty folder', () => {
  it('gives a working `npx ec2-sg-emulator` that stops on SIGTERM', async () => {
    const app = installInto('user-app', tarball);
    expect(npxVersion(app)).toBe(`${version}\n`);
    await runAndStopWithSigterm(app, async (url) => {
      const client = ec2Client(url);
      const created = await client.send(new CreateSecurityGroupCommand({ GroupName: 'installed', Description: 'from the tarball' }));
      const seen = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }));
      expect(seen.SecurityGroups![0]!.GroupName).toBe('installed');
      client.destroy();
      const health = (await (await fetch(`${url}/_emulator/health`)).json()) as { version: string };
      expect(health.version).toBe(version);
    });
  }, 600_000);
});

describe('npm install git+file://… into an empty folder', () => {
  it('builds dist/ through `prepare` and gives a working `npx ec2-sg-emulator`', async () => {
    const repo = repositoryOfWorkingTree();
    const app = installInto('git-user-app', `git+${pathToFileURL(repo).href}`);
    expect(existsSync(join(app, 'node_modules', 'ec2-sg-emulator', 'dist', 'server', 'main.js'))).toBe(true);
    expect(npxVersion(app)).toBe(`${version}\n`);
    await runAndStopWithSigterm(app, async (url) => {
      const client = ec2Client(url);
      const created = await client.send(new CreateSecurityGroupCommand({ GroupName: 'from-git', Description: 'installed from git' }));
      expect(created.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
      client.destroy();
    });
  }, 900_000);
});

/**
 * A git repository holding this working tree as one commit (the files git lists: tracked and
 * untracked-but-not-ignored), so the install sees what the clone holds now; in CI that is HEAD.
 * No dist/ and no node_modules: the install must build everything itself.
 */
function repositoryOfWorkingTree(): string {
  const repo = join(scratch, 'repo');
  mkdirSync(repo);
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(listed.status, listed.stderr).toBe(0);
  for (const path of listed.stdout.split('\0').filter((p) => p.length > 0 && existsSync(join(REPO_ROOT, p)))) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    copyFileSync(join(REPO_ROOT, path), join(repo, path));
  }
  const git = (...args: string[]) => {
    const result = spawnSync('git', ['-c', 'user.name=pack test', '-c', 'user.email=pack-test@localhost', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  };
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'the working tree');
  return repo;
}
