/**
 * The README and the user docs, kept from drifting away from the product: their commands run here
 * as a reader runs them, and their lists of actions, flags and control endpoints are compared with
 * the code.
 *
 * Every fenced block of the pages in PAGES carries a marker on the line before it:
 *
 *   <!-- runnable -->          runs: `sh` blocks in one shell session per page (exports and `cd`
 *                              carry over to the next block, as in a terminal), `js` as an ES module
 *                              and `python` with python3, both from the session's directory, `hcl`
 *                              as a whole Terraform configuration (init, apply, destroy). Each must
 *                              exit 0.
 *   <!-- runnable: server -->  an `sh` block that starts a server: it must print its start-up line
 *                              and answer /_emulator/health, and it keeps running for the blocks
 *                              after it until the next server block or the end of the page, when
 *                              SIGTERM must stop it.
 *   <!-- not-runnable: WHY; covered by PATH… -->  the paths named after "covered by" (the tests
 *                              that run the same thing another way) must exist.
 *   <!-- excerpt: PATH -->     the block's lines appear in that file, in order.
 *
 * A reader's session starts in a fresh copy of the repository (the files git lists, untracked ones
 * included), so "from a clone" commands run as in a clone: the README's first block is `npm ci`.
 * The session's environment sets PORT to a free port, and every `127.0.0.1:4566` / `localhost:4566`
 * in a block is rewritten to it; the reader's own AWS config files are hidden. Blocks that need a
 * tool this machine lacks (the aws CLI, boto3, Terraform with its provider mirror) are skipped with
 * the reason, like the other real-client tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELP } from '../../server/config.js';
import { startEmulator } from '../../server/emulator.js';
import { OPERATIONS } from '../../server/operations.js';
import { cleanEnv, REPO_ROOT } from '../helpers/built-server.js';
import { hasAwsCli } from '../helpers/cli.js';
import { terraformAvailable, terraformWorkdir } from '../helpers/terraform.js';

/**
 * The pages whose blocks are marked (and, where runnable, run), in the order a reader follows them.
 * A page whose blocks are all marked belongs here.
 */
const PAGES = ['README.md', 'docs/fidelity.md', 'docs/errors.md', 'docs/faults.md', 'docs/evaluation.md', 'docs/performance.md', 'docs/console.md'] as const;

const RUNNABLE_LANGUAGES = ['sh', 'js', 'python', 'hcl'] as const;

type Marker =
  | { readonly kind: 'runnable' }
  | { readonly kind: 'server' }
  | { readonly kind: 'not-runnable'; readonly reason: string; readonly coveredBy: readonly string[] }
  | { readonly kind: 'excerpt'; readonly path: string };

interface Block {
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly body: string;
  /** The marker, or why the comment before the block is not one. */
  readonly marker: Marker | { readonly kind: 'invalid'; readonly why: string };
}

function parseMarker(comment: string | undefined): Block['marker'] {
  if (comment === undefined) return { kind: 'invalid', why: 'no <!-- … --> marker on the line before the block' };
  if (comment === 'runnable') return { kind: 'runnable' };
  if (comment === 'runnable: server') return { kind: 'server' };
  const excerpt = /^excerpt:\s*(\S+)$/.exec(comment);
  if (excerpt) return { kind: 'excerpt', path: excerpt[1]! };
  const notRunnable = /^not-runnable:\s*(.+?);\s*covered by\s+(.+)$/.exec(comment);
  if (notRunnable) {
    // The paths named after "covered by" (any word with a slash), whatever prose surrounds them.
    const coveredBy = [...notRunnable[2]!.matchAll(/(?:^|[\s(])((?:\.?[\w-]+\/)+[\w.-]*[\w-])/g)].map((m) => m[1]!);
    return { kind: 'not-runnable', reason: notRunnable[1]!, coveredBy };
  }
  return { kind: 'invalid', why: `'<!-- ${comment} -->' is not a marker` };
}

function blocksOf(page: string): Block[] {
  const lines = readFileSync(join(REPO_ROOT, page), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const comment = before >= 0 ? /^<!--\s*(.*?)\s*-->$/.exec(lines[before]!.trim())?.[1] : undefined;
    blocks.push({ page, line: i + 1, lang: open[1]!, body: lines.slice(i + 1, end).join('\n'), marker: parseMarker(comment) });
    i = end;
  }
  return blocks;
}

const BLOCKS = new Map<string, Block[]>(PAGES.map((page) => [page, blocksOf(page)]));
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The text of a `## heading` section of the README, up to the next `## `. */
function readmeSection(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  expect(start, `README has a '## ${heading}' section`).toBeGreaterThan(-1);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

describe('every fenced block is marked', () => {
  const all = PAGES.flatMap((page) => BLOCKS.get(page)!);

  it('finds the blocks of the README', () => {
    expect(BLOCKS.get('README.md')!.filter((b) => b.marker.kind === 'runnable' || b.marker.kind === 'server').length).toBeGreaterThan(4);
  });

  it.each(all.map((b) => [`${b.page}:${b.line}`, b] as const))('%s has a valid marker for its language', (_where, block) => {
    expect(block.marker.kind === 'invalid' ? block.marker.why : 'ok').toBe('ok');
    if (block.marker.kind === 'runnable') expect(RUNNABLE_LANGUAGES).toContain(block.lang);
    if (block.marker.kind === 'server') expect(block.lang).toBe('sh');
  });

  const notRunnable = all.filter((b) => b.marker.kind === 'not-runnable');
  it.each(notRunnable.map((b) => [`${b.page}:${b.line}`, b] as const))('%s names a reason and tests that exist', (_where, block) => {
    const marker = block.marker as Extract<Marker, { kind: 'not-runnable' }>;
    expect(marker.reason.length).toBeGreaterThan(10);
    expect(marker.coveredBy.length).toBeGreaterThan(0);
    for (const path of marker.coveredBy) expect(existsSync(join(REPO_ROOT, path)), `${path} exists`).toBe(true);
  });

  const excerpts = all.filter((b) => b.marker.kind === 'excerpt');
  it.each(excerpts.map((b) => [`${b.page}:${b.line}`, b] as const))('%s is an excerpt of its file, lines in order', (_where, block) => {
    const source = readFileSync(join(REPO_ROOT, (block.marker as Extract<Marker, { kind: 'excerpt' }>).path), 'utf8').split('\n');
    let at = 0;
    for (const line of block.body.split('\n').filter((l) => l.trim() !== '')) {
      while (at < source.length && source[at]!.trimEnd() !== line.trimEnd()) at++;
      expect(at, `'${line}' appears in order`).toBeLessThan(source.length);
      at++;
    }
  });
});

describe('the README matches the product', () => {
  it('lists exactly the EC2 actions the emulator serves', () => {
    const listed = new Set<string>();
    for (const row of readmeSection('Supported actions').split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Area'))) {
      const actions = row.split('|')[2] ?? '';
      for (const name of actions.replace(/`[^`]*`/g, '').split(/[,;]/)) {
        if (/^\s*[A-Z][A-Za-z]+\s*$/.test(name)) listed.add(name.trim());
      }
    }
    expect([...listed].sort()).toEqual([...OPERATIONS.keys()].sort());
  });

  it('has one row per flag of --help, with the variable the flag falls back to', () => {
    const helpFlags = [...HELP.matchAll(/^\s+(?:-\w, )?--([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((flag) => flag !== 'help');
    const section = readmeSection('Flags');
    const rows = new Map<string, string>();
    for (const line of section.split('\n')) {
      const match = /^\| `--([a-z][a-z-]*)/.exec(line);
      if (match) rows.set(match[1]!, line);
    }
    expect([...rows.keys()].sort()).toEqual([...helpFlags].sort());
    const config = readFileSync(join(REPO_ROOT, 'server', 'config.ts'), 'utf8');
    const picks = [...config.matchAll(/pick\('([a-z-]+)', '([A-Z_]+)'\)/g)];
    expect(picks.length).toBeGreaterThan(10);
    for (const [, flag, variable] of picks) expect(rows.get(flag!), `--${flag} names ${variable}`).toContain(`\`${variable}\``);
  });

  it('names every control endpoint the server registers', () => {
    const segments = new Set<string>();
    const serverDir = join(REPO_ROOT, 'server');
    for (const entry of readdirSync(serverDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const code = readFileSync(join(entry.parentPath, entry.name), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join('\n');
      for (const match of code.matchAll(/(?:CONTROL_PREFIX\}|['"`]\/_emulator)\/([a-z][a-z-]*)/g)) segments.add(match[1]!);
    }
    expect(segments.size).toBeGreaterThan(3);
    const section = readmeSection('Control endpoints');
    for (const segment of segments) expect(section, `/_emulator/${segment}`).toContain(`/_emulator/${segment}`);
  });

  it('lists control endpoints that answer (never 404) on a running emulator', async () => {
    const calls: Array<{ method: string; path: string }> = [];
    for (const row of readmeSection('Control endpoints').split('\n').filter((l) => l.startsWith('| `'))) {
      const first = row.split('|')[1]!;
      const path = /\/(?:_emulator|moto-api)\/[a-z/_-]*/.exec(first)![0];
      for (const method of first.match(/\b(GET|POST|PUT|DELETE)\b/g) ?? []) calls.push({ method, path });
    }
    expect(calls.length).toBeGreaterThan(6);
    const emulator = await startEmulator({ port: 0 });
    try {
      for (const { method, path } of calls) {
        const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
        const answer = await fetch(`${emulator.url}${path}`, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
        await answer.arrayBuffer();
        expect(answer.status, `${method} ${path}`).not.toBe(404);
      }
    } finally {
      await emulator.stop();
    }
  });

  it('names the tarball `npm pack` writes', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    const named = [...README.matchAll(/\bec2-sg-emulator-[0-9][^\s`]*\.tgz\b/g)].map((m) => m[0]);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(name).toBe(`${pkg.name}-${pkg.version}.tgz`);
  });

  it('gives the two commands, and CI runs the test one', () => {
    expect(README).toContain('npm ci && npm start');
    expect(README).toContain('npm ci && npm test');
    const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8').split('\n').map((l) => l.trim());
    expect(ci.indexOf('npm ci')).toBeGreaterThan(-1);
    expect(ci.indexOf('npm test')).toBeGreaterThan(ci.indexOf('npm ci'));
  });

  it.each([...PAGES])('%s links only to files and headings that exist', (page) => {
    const text = readFileSync(join(REPO_ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const path = file === '' ? join(REPO_ROOT, page) : resolve(dirname(join(REPO_ROOT, page)), file);
      expect(existsSync(path), `${page} links to ${target}`).toBe(true);
      if (anchor !== undefined && path.endsWith('.md')) expect(headingSlugs(path), `${page} links to ${target}`).toContain(anchor);
    }
  });
});

/** GitHub's anchors for a Markdown file's headings. */
function headingSlugs(path: string): string[] {
  return readFileSync(path, 'utf8')
    .replace(/```[\s\S]*?```/g, '')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) =>
      line
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, '')
        .replace(/ /g, '-'),
    );
}

// ---- running the blocks -------------------------------------------------------------------------

interface Outcome {
  readonly code: number | string;
  readonly output: string;
}

/** Runs a command to its end; `timeoutMs` kills its whole process group. */
function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; timeoutMs: number }): Promise<Outcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < 2_000_000) output += chunk.toString('utf8');
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs} ms]`;
      killGroup(child, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? signal ?? -1, output });
    });
    child.stdin!.end(options.input ?? '');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePromise(port));
    });
  });
}

/** A copy of the repository as a fresh clone has it (plus untracked, not ignored files), no node_modules. */
function copyRepository(target: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const source = join(REPO_ROOT, file);
    if (!existsSync(source)) continue; // deleted in the working tree
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(source, join(target, file));
  }
}

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
const hasCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
const terraform = terraformAvailable();

/** Why this machine cannot run the block, or undefined when it can. */
function missingTool(block: Block): string | undefined {
  if (block.lang === 'hcl') return terraform.ok ? undefined : terraform.why;
  if (block.lang === 'python' && !hasBoto3) return 'python3 with boto3 is not installed';
  if (block.lang !== 'sh') return undefined;
  if (/^\s*aws\s/m.test(block.body) && !hasAwsCli) return 'the aws CLI is not on PATH';
  if (/\bboto3\b/.test(block.body) && !hasBoto3) return 'python3 with boto3 is not installed';
  if (/^\s*curl\s/m.test(block.body) && !hasCurl) return 'curl is not installed';
  return undefined;
}

interface RunningServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | string>;
  output(): string;
}

interface Session {
  env: NodeJS.ProcessEnv;
  cwd: string;
  server: RunningServer | undefined;
}

let scratch: string;
let clone: string;
let port: number;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-readme-'));
  // Named like a clone, so commands that mention the folder read naturally.
  clone = join(scratch, 'ec2-sg-emulator');
  copyRepository(clone);
  port = await freePort();
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function newSession(): Session {
  const env = cleanEnv({
    LANG: 'C.UTF-8',
    PORT: String(port),
    // The reader's own AWS configuration must not change what the commands do.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    // npm takes what its cache holds (no network needed here); nothing else about the commands changes.
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  });
  // pyenv shims need to know which Python they front; Terraform's provider mirror may be elsewhere;
  // npm_config_nodedir (set by scripts/with-node.sh) makes npm ci build better-sqlite3 for the Node running.
  for (const name of ['PYENV_ROOT', 'PYENV_VERSION', 'TF_PLUGIN_MIRROR', 'npm_config_nodedir']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { env, cwd: clone, server: undefined };
}

const rewrite = (body: string): string => body.replace(/\b(?:127\.0\.0\.1|localhost):4566\b/g, `127.0.0.1:${port}`);

/** Variables a shell sets on its own, or that carry the session's state between blocks. */
const SHELL_OWN = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD', 'README_SESSION_ENV', 'README_SESSION_PWD']);

async function runShellBlock(block: Block, session: Session): Promise<void> {
  const stateDir = mkdtempSync(join(scratch, 'session-'));
  const envFile = join(stateDir, 'env');
  const pwdFile = join(stateDir, 'pwd');
  const script = `${rewrite(block.body)}\nenv -0 > "$README_SESSION_ENV"\npwd > "$README_SESSION_PWD"\n`;
  const outcome = await run('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], {
    cwd: session.cwd,
    env: { ...session.env, README_SESSION_ENV: envFile, README_SESSION_PWD: pwdFile },
    timeoutMs: 9 * 60_000,
  });
  expect(outcome.code, `${block.page}:${block.line} exited ${outcome.code}:\n${outcome.output}`).toBe(0);
  const env: NodeJS.ProcessEnv = {};
  for (const pair of readFileSync(envFile, 'utf8').split('\0').filter(Boolean)) {
    const name = pair.slice(0, pair.indexOf('='));
    if (!SHELL_OWN.has(name)) env[name] = pair.slice(pair.indexOf('=') + 1);
  }
  session.env = env;
  session.cwd = readFileSync(pwdFile, 'utf8').trim();
}

async function runScriptBlock(block: Block, session: Session): Promise<void> {
  let outcome: Outcome;
  if (block.lang === 'js') {
    // Inside the package's folder, so `import … from 'ec2-sg-emulator'` resolves as in a project that installed it.
    const file = join(session.cwd, `.readme-block-${block.line}.mjs`);
    writeFileSync(file, rewrite(block.body));
    try {
      outcome = await run(process.execPath, [file], { cwd: session.cwd, env: session.env, timeoutMs: 120_000 });
    } finally {
      rmSync(file, { force: true });
    }
  } else {
    outcome = await run('python3', ['-'], { cwd: session.cwd, env: session.env, input: rewrite(block.body), timeoutMs: 120_000 });
  }
  expect(outcome.code, `${block.page}:${block.line} exited ${outcome.code}:\n${outcome.output}`).toBe(0);
}

async function runTerraformBlock(block: Block, session: Session): Promise<void> {
  const workdir = terraformWorkdir('readme');
  try {
    writeFileSync(join(workdir.dir, 'main.tf'), rewrite(block.body));
    const env = { ...session.env, TF_CLI_CONFIG_FILE: join(workdir.dir, 'cli.tfrc'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    for (const args of [['init', '-input=false'], ['apply', '-auto-approve', '-input=false'], ['destroy', '-auto-approve', '-input=false']]) {
      const outcome = await run('terraform', [...args, '-no-color'], { cwd: workdir.dir, env, timeoutMs: 150_000 });
      expect(outcome.code, `terraform ${args[0]} for ${block.page}:${block.line}:\n${outcome.output}`).toBe(0);
    }
  } finally {
    workdir.remove();
  }
}

async function startServerBlock(block: Block, session: Session): Promise<void> {
  await stopServer(session);
  const child = spawn('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', rewrite(block.body)], {
    cwd: session.cwd,
    env: session.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 2_000_000) output += chunk.toString('utf8');
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | string>((resolvePromise) => child.on('exit', (code, signal) => resolvePromise(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line after 9 minutes:\n${output}`)), 9 * 60_000);
    const check = () => {
      const url = startUpUrl(output);
      if (url !== undefined) {
        clearTimeout(timer);
        resolvePromise(url);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${block.page}:${block.line} exited (${code}) before listening:\n${output}`));
    });
  }).catch((err: unknown) => {
    killGroup(child, 'SIGKILL');
    throw err;
  });
  session.server = { child, url, exited, output: () => output };
  // The blocks after it reach it through the rewritten 127.0.0.1:4566.
  expect(url).toBe(`http://127.0.0.1:${port}`);
  const health = await fetch(`${url}/_emulator/health`);
  expect(((await health.json()) as { status: string }).status).toBe('ok');
}

/** The URL of the start-up line: `ec2-sg-emulator listening on URL`, or with --log-format json a `listening` event. */
function startUpUrl(output: string): string | undefined {
  for (const line of output.split('\n')) {
    const plain = /^ec2-sg-emulator listening on (http:\/\/\S+)$/.exec(line.trim());
    if (plain) return plain[1];
    if (!line.startsWith('{')) continue;
    try {
      const event = JSON.parse(line) as { msg?: unknown; url?: unknown };
      if (event.msg === 'listening' && typeof event.url === 'string') return event.url;
    } catch {
      // A log line cut in the middle, or not JSON after all.
    }
  }
  return undefined;
}

async function stopServer(session: Session): Promise<void> {
  const server = session.server;
  if (!server) return;
  session.server = undefined;
  killGroup(server.child, 'SIGTERM');
  const stopped = await Promise.race([server.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
  if (!stopped) killGroup(server.child, 'SIGKILL');
  expect(stopped, `the server stops on SIGTERM:\n${server.output()}`).toBe(true);
  await expect(fetch(`${server.url}/_emulator/health`)).rejects.toThrow();
}

async function runBlock(block: Block, session: Session): Promise<void> {
  if (block.marker.kind === 'server') return startServerBlock(block, session);
  if (block.lang === 'sh') return runShellBlock(block, session);
  if (block.lang === 'hcl') return runTerraformBlock(block, session);
  return runScriptBlock(block, session);
}

for (const page of PAGES) {
  const runnable = BLOCKS.get(page)!.filter((b) => b.marker.kind === 'runnable' || b.marker.kind === 'server');
  if (runnable.length === 0) continue;

  describe(`the runnable blocks of ${page}, in order, in a fresh copy of the repository`, () => {
    let session: Session;
    beforeAll(() => {
      session = newSession();
    });
    afterAll(async () => {
      // A failed block may leave its server running; never leave it behind.
      if (session?.server) killGroup(session.server.child, 'SIGKILL');
    });

    for (const block of runnable) {
      const missing = missingTool(block);
      if (missing) console.warn(`[readme-commands] ${page}:${block.line} skipped: ${missing}`);
      const title = `${page}:${block.line} (${block.marker.kind === 'server' ? 'server' : block.lang}): ${block.body.split('\n')[0]}`;
      it.skipIf(missing !== undefined)(title, () => runBlock(block, session), 10 * 60_000);
    }

    if (runnable.some((b) => b.marker.kind === 'server')) {
      it(`the last server ${page} started stops on SIGTERM`, () => stopServer(session), 60_000);
    }
  });
}
