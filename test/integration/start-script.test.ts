/**
 * `npm start` in a clone, as a contributor runs it: it compiles only when the sources changed
 * since the last build (never on every start), never leaves dist/ missing or half-written (a
 * failed, stopped or concurrent build keeps the previous one), and a signal to npm stops the
 * server, whose port is free by the time npm has exited.
 *
 * It runs in a copy of the sources (node_modules linked), so touching and breaking them here does
 * not disturb the repository or other tests.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPO_ROOT } from '../helpers/built-server.js';
import { killGroup, launch, listeningUrl, processesWith, refused, type Launched } from '../helpers/launched.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const BUILD_TIMEOUT = 240_000;

let clone: string;
const launched: Launched[] = [];

beforeAll(() => {
  clone = mkdtempSync(join(tmpdir(), 'ec2-sg-start-'));
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'server', 'store', 'protocol']) {
    cpSync(join(REPO_ROOT, entry), join(clone, entry), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
});

afterAll(() => {
  for (const one of launched) killGroup(one);
  rmSync(clone, { recursive: true, force: true });
});

function npmStart(...args: string[]): Launched {
  const one = launch(npm, ['start', '--', '--port', '0', ...args], { cwd: clone, env: cleanEnv() });
  launched.push(one);
  return one;
}

/** Stops a started server with SIGTERM to npm, as a process manager does, and waits for npm. */
async function stop(one: Launched): Promise<void> {
  process.kill(one.child.pid!, 'SIGTERM');
  await one.exited;
}

const distFile = (path: string) => join(clone, 'dist', path);
/** Identity of the build: a rebuild swaps in a new folder, so the file's inode changes. */
const buildIdentity = () => {
  const main = statSync(distFile('server/main.js'));
  return { ino: main.ino, mtimeMs: main.mtimeMs, stamp: readFileSync(distFile('.build-stamp'), 'utf8') };
};
/** A source saved now (its mtime moves on, whatever the file system's time resolution). */
const touchSource = (path = 'server/version.ts') => {
  const later = new Date(Date.now() + 5_000);
  utimesSync(join(clone, path), later, later);
};
const compiled = (one: Launched) => one.stderr().includes('compiling into dist/');
const leftovers = () => readdirSync(clone).filter((name) => /^dist\.(tmp|old)-|^dist\.lock$/.test(name));

describe('npm start', () => {
  it('compiles on the first start only, then starts the built server without compiling', async () => {
    const first = npmStart();
    const url = await listeningUrl(first);
    expect(compiled(first)).toBe(true);
    expect((await fetch(`${url}/_emulator/health`)).status).toBe(200);
    await stop(first);
    const built = buildIdentity();

    const second = npmStart();
    const again = await listeningUrl(second);
    expect(second.stderr()).not.toContain('compiling');
    expect(buildIdentity()).toEqual(built);
    expect((await fetch(`${again}/_emulator/health`)).status).toBe(200);
    await stop(second);
    expect(leftovers()).toEqual([]);
  }, BUILD_TIMEOUT);

  it('recompiles after a source changes; two starts at once compile once and both serve', async () => {
    writeFileSync(distFile('stray.js'), '// not from any build\n');
    const before = buildIdentity();
    touchSource();
    const [a, b] = [npmStart(), npmStart()];
    const urls = await Promise.all([listeningUrl(a), listeningUrl(b)]);
    expect(urls[0]).not.toBe(urls[1]);
    for (const url of urls) expect((await fetch(`${url}/_emulator/health`)).status).toBe(200);
    expect([a, b].filter(compiled)).toHaveLength(1);
    const after = buildIdentity();
    expect(after.ino).not.toBe(before.ino);
    expect(JSON.parse(after.stamp).fingerprint).not.toBe(JSON.parse(before.stamp).fingerprint);
    expect(existsSync(distFile('stray.js'))).toBe(false); // a build replaces dist/ whole
    await Promise.all([stop(a), stop(b)]);
    expect(leftovers()).toEqual([]);
  }, BUILD_TIMEOUT);

  it('keeps the working dist/ when the compile fails, and fails with tsc’s errors', async () => {
    const before = buildIdentity();
    // A broken tsconfig fails tsc at once (a type error fails it the same way, after a full check).
    const config = join(clone, 'tsconfig.build.json');
    const good = readFileSync(config, 'utf8');
    const { atime, mtime } = statSync(config);
    writeFileSync(config, JSON.stringify({ ...JSON.parse(good), include: ['no-such-folder'] }));
    try {
      const one = npmStart();
      expect(await one.exited).not.toBe(0);
      expect(one.stderr()).toMatch(/error TS\d+/);
      expect(one.stderr()).toContain('dist/ was left as it was');
      expect(one.stdout()).not.toContain('listening on');
      expect(buildIdentity()).toEqual(before);
      expect(leftovers()).toEqual([]);
    } finally {
      writeFileSync(config, good);
      utimesSync(config, atime, mtime); // as it was: the build is up to date again
    }
  }, BUILD_TIMEOUT);

  it('frees the port by the time npm exits after SIGTERM, leaving no process behind', async () => {
    const db = join(clone, 'sigterm.db');
    const one = npmStart('--db', db);
    const url = await listeningUrl(one);
    expect(processesWith(db).length).toBeGreaterThan(0);
    await stop(one);
    expect(await refused(url)).toBe(true);
    expect(processesWith(db)).toEqual([]);
  }, BUILD_TIMEOUT);

  it('stops gracefully on Ctrl-C (SIGINT to npm and the server at once) and exits 0', async () => {
    const db = join(clone, 'sigint.db');
    const one = npmStart('--db', db);
    const url = await listeningUrl(one);
    // A terminal signals the whole foreground group, and npm forwards the signal again: the
    // server sees it twice and must not die of the second copy halfway through its stop.
    process.kill(-one.child.pid!, 'SIGINT');
    expect(await one.exited).toBe(0);
    expect(one.stdout()).toContain('shutting down');
    expect(await refused(url)).toBe(true);
    expect(processesWith(db)).toEqual([]);
  }, BUILD_TIMEOUT);
});

describe('npm run build', () => {
  it('compiles even when dist/ is up to date', () => {
    const before = buildIdentity();
    const check = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: clone, env: cleanEnv(), encoding: 'utf8' });
    expect(check.stderr).toContain('dist/ is up to date');
    const result = spawnSync(npm, ['run', 'build'], { cwd: clone, env: cleanEnv(), encoding: 'utf8', timeout: BUILD_TIMEOUT });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('compiling into dist/');
    expect(buildIdentity().ino).not.toBe(before.ino);
    expect(leftovers()).toEqual([]);
  }, BUILD_TIMEOUT);
});

describe('npm start stopped while compiling', () => {
  it('leaves the previous dist/ whole and no lock behind', async () => {
    const before = buildIdentity();
    touchSource();
    const one = npmStart();
    await new Promise<void>((resolve, reject) => {
      const check = () => (compiled(one) ? resolve() : undefined);
      one.child.stderr!.on('data', check);
      check();
      void one.exited.then(() => reject(new Error(`exited before compiling:\n${one.stderr()}`)));
    });
    await stop(one);
    expect(one.stdout()).not.toContain('listening on');
    expect(buildIdentity()).toEqual(before);
    expect(leftovers()).toEqual([]);
    expect(existsSync(distFile('server/main.js'))).toBe(true);
  }, BUILD_TIMEOUT);
});
