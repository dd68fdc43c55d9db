#!/usr/bin/env node
/**
 * Compiles server/, store/ and protocol/ into dist/ without ever leaving a broken or missing dist/
 * behind:
 *
 * - tsc writes into dist.tmp-<pid>/; only a successful compile replaces dist/ (two renames, under
 *   the lock), so a type error, a kill or a crash mid-build keeps the previous dist/ working.
 * - One build at a time: a lock directory (dist.lock, holding the builder's pid) serialises builds
 *   and the launcher's read of dist/ (scripts/start.mjs). A lock whose owner has died is taken over.
 * - dist/.build-stamp records a fingerprint of the inputs (path, size and mtime of every source,
 *   both tsconfigs, the TypeScript version): `--if-stale` skips the compile when it still matches,
 *   so `npm ci`, `npm pack` and a git install's double `prepare` build once, and `npm start` does
 *   not compile at all while nothing changed.
 *
 *   node scripts/build.mjs             always compile (npm run build)
 *   node scripts/build.mjs --if-stale  compile only when the sources changed (prepare)
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['server', 'store', 'protocol'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];
/** What tsc reads from the source folders (with resolveJsonModule, imported JSON too). */
const SOURCE_FILE = /\.(?:ts|mts|cts|json)$/;
const STAMP = '.build-stamp';
/** Bumped when what the fingerprint covers changes, so older stamps count as stale. */
const STAMP_FORMAT = 1;
/** A lock older than this is taken over even if its pid is alive (the pid was reused). */
const LOCK_MAX_AGE_MS = 10 * 60_000;
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export class BuildError extends Error {}

/** True where the sources are (a clone), false in an installed package (dist/ only). */
export function isSourceCheckout(root = ROOT) {
  return existsSync(join(root, 'tsconfig.build.json')) && existsSync(join(root, 'server'));
}

/** A hash of every input's path, size and mtime, and the compiler's version. */
export function fingerprint(root = ROOT) {
  const lines = [`format ${STAMP_FORMAT}`];
  const add = (file) => {
    const stat = statSync(file);
    // Whole milliseconds: what a Date (touch, utimes, a restore) can set back exactly.
    lines.push(`${relative(root, file)} ${stat.size} ${Math.trunc(stat.mtimeMs)}`);
  };
  for (const config of CONFIGS) if (existsSync(join(root, config))) add(join(root, config));
  for (const dir of SOURCE_DIRS) {
    if (!existsSync(join(root, dir))) continue;
    const files = readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && SOURCE_FILE.test(entry.name))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
    for (const file of files) add(file);
  }
  lines.push(`typescript ${typescriptVersion(root)}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** Why dist/ must be rebuilt, or undefined when it was built from the sources as they are now. */
export function staleness(root = ROOT) {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'server', 'main.js'))) return 'there is no build yet';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dist, STAMP), 'utf8'));
  } catch {
    return 'the build has no stamp';
  }
  return stamp.fingerprint === fingerprint(root) ? undefined : 'the sources changed since the last build';
}

/**
 * Compiles into a temporary folder and swaps it in. With `ifStale`, returns false without
 * compiling when dist/ is up to date. Throws BuildError when tsc fails (dist/ is then untouched).
 */
export async function build({ root = ROOT, ifStale = false, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const release = await acquireLock(root, log);
  const tmp = join(root, `dist.tmp-${process.pid}`);
  let child;
  // A signal mid-build stops tsc; once it has exited, the temporary folder and the lock are
  // removed, and this process ends of that signal as it would have without us.
  let interrupted;
  const onSignal = (signal) => {
    interrupted ??= signal;
    child?.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, onSignal);
  try {
    const reason = staleness(root);
    if (ifStale && reason === undefined) return false;
    log(`ec2-sg-emulator: compiling into dist/ (${reason ?? 'a full build'})`);
    removeLeftovers(root);
    // Taken before compiling: a source saved during the compile leaves the stamp stale.
    const inputs = fingerprint(root);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    if (!existsSync(tsc)) throw new BuildError('TypeScript is not installed: run `npm ci` first');
    // tsc reports errors on stdout; keep ours for the server's start-up line.
    child = spawn(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', tmp], {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    const code = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (status, signal) => resolve(status ?? signal));
    });
    if (interrupted) return false;
    if (code !== 0) throw new BuildError(`tsc failed (${code}); dist/ was left as it was`);
    if (!existsSync(join(tmp, 'server', 'main.js'))) throw new BuildError('tsc emitted no server/main.js');
    writeFileSync(join(tmp, STAMP), `${JSON.stringify({ fingerprint: inputs, builtAt: new Date().toISOString() })}\n`);
    swapIn(root, tmp);
    return true;
  } finally {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, onSignal);
    rmSync(tmp, { recursive: true, force: true });
    release();
    if (interrupted) {
      process.kill(process.pid, interrupted);
      await new Promise(() => {}); // the signal ends the process
    }
  }
}

/** dist.tmp-<pid> becomes dist/; the old dist/ is removed only after that. */
function swapIn(root, tmp) {
  const dist = join(root, 'dist');
  const old = join(root, `dist.old-${process.pid}`);
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(tmp, dist);
  rmSync(old, { recursive: true, force: true });
}

/** Temporary and replaced builds of builders that died (we hold the lock: nobody else builds). */
function removeLeftovers(root) {
  for (const name of readdirSync(root)) {
    if (/^dist\.(?:tmp|old)-\d+$/.test(name)) rmSync(join(root, name), { recursive: true, force: true });
  }
}

/**
 * Takes dist.lock (mkdir is atomic), waiting while a live process holds it. Returns the release
 * function (safe to call more than once).
 */
export async function acquireLock(root = ROOT, log = () => {}) {
  const lock = join(root, 'dist.lock');
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(lock, { recursive: true, force: true });
      };
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    if (lockIsAbandoned(lock)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      log('ec2-sg-emulator: waiting for another build of dist/ to finish');
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function lockIsAbandoned(lock) {
  let age;
  let pid;
  try {
    age = Date.now() - statSync(lock).mtimeMs;
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // Gone already, or its owner has not written the pid yet (it does right after mkdir).
    return age !== undefined && age > 30_000;
  }
  return age > LOCK_MAX_AGE_MS || !Number.isInteger(pid) || pid <= 0 || !isAlive(pid);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function typescriptVersion(root) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
  } catch {
    return 'none';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--if-stale');
  if (unknown.length > 0) {
    process.stderr.write(`usage: node scripts/build.mjs [--if-stale]\n`);
    process.exit(2);
  }
  build({ ifStale: args.includes('--if-stale') }).then(
    (built) => {
      if (!built) process.stderr.write('ec2-sg-emulator: dist/ is up to date\n');
    },
    (err) => {
      process.stderr.write(`ec2-sg-emulator: ${err instanceof BuildError ? err.message : (err.stack ?? err)}\n`);
      process.exit(1);
    },
  );
}
