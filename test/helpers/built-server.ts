/**
 * Tests that run the server as users do (a process, the Docker command) need the compiled
 * JavaScript. It is built once per vitest run into `.test-build/vitest-<pid>/dist`, laid out like
 * the package and the image (`dist/server/main.js` under a root whose parents hold node_modules),
 * so these tests neither depend on a stale `dist/` nor race other builds writing to it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILDS = join(REPO_ROOT, '.test-build');

/** Builds (or waits for this run's build) and returns the root that holds `dist/`. */
export async function builtRoot(): Promise<string> {
  // Every test file of one vitest run has the same parent process: one build per run.
  const root = join(BUILDS, `vitest-${process.ppid}`);
  const done = join(root, 'built');
  mkdirSync(BUILDS, { recursive: true });
  removeBuildsOfFinishedRuns();
  let owner = false;
  try {
    mkdirSync(root);
    owner = true;
  } catch {
    // Another test file of this run is building it.
  }
  if (owner) {
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // Type errors are the typecheck's business; what matters here is the emitted JavaScript.
    spawnSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', join(root, 'dist')], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
    if (!existsSync(join(root, 'dist', 'server', 'main.js'))) throw new Error('the test build emitted no dist/server/main.js');
    writeFileSync(done, '');
  }
  while (!existsSync(done)) await new Promise((resolve) => setTimeout(resolve, 200));
  return root;
}

function removeBuildsOfFinishedRuns(): void {
  for (const name of readdirSync(BUILDS)) {
    const pid = Number(/^vitest-(\d+)$/.exec(name)?.[1]);
    if (!pid || pid === process.ppid || isAlive(pid)) continue;
    rmSync(join(BUILDS, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** The URL from the start-up line. */
  readonly url: string;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/** Runs `node <args>` from `cwd` and waits for the start-up line. */
export async function startProcess(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      // The readable start-up line, or with --log-format json the event {"msg":"listening","url":…}.
      const match = /listening on (http:\/\/\S+)/.exec(out) ?? /"msg":"listening","url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) {
        child.stdout!.off('data', check);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${err}`)));
  });
  return { child, url, stdout: () => out, stderr: () => err, exited };
}

/** Runs `node <args>` to completion. */
export function runToEnd(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const result = spawnSync(process.execPath, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The environment without variables that would change the server's configuration. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...extra };
}
