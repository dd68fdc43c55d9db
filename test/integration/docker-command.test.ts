/**
 * The image without a Docker engine: the Dockerfile is read for its final stage's ENV, WORKDIR,
 * CMD and HEALTHCHECK, and exactly that command runs here with exactly that environment (only the
 * port changed to a free one), from a directory laid out like the image's WORKDIR. The healthcheck
 * command must pass while it runs and fail once it has stopped. Reading them from the Dockerfile
 * keeps the test and the image from drifting apart.
 */
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtRoot, cleanEnv, REPO_ROOT, startProcess, type ServerProcess } from '../helpers/built-server.js';
import { ec2Client } from '../helpers/server.js';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructionsOf(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = instructionsOf(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const stages: Instruction[][] = [];
for (const instruction of dockerfile) {
  if (instruction.keyword === 'FROM') stages.push([]);
  stages.at(-1)?.push(instruction);
}
const buildStage = stages[0]!;
const runtime = stages.at(-1)!;
const one = (keyword: string) => runtime.filter((i) => i.keyword === keyword);

const imageEnv: Record<string, string> = {};
for (const env of one('ENV')) {
  for (const pair of env.args.match(/[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|\S+)/g) ?? []) {
    const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1).replace(/^"|"$/g, '')];
    imageEnv[name] = value;
  }
}
const cmd = JSON.parse(one('CMD')[0]!.args) as string[];
const healthcheck = JSON.parse(/\bCMD\s+(\[.*\])$/.exec(one('HEALTHCHECK')[0]!.args)![1]!) as string[];
const workdir = one('WORKDIR').at(-1)!.args;

let root: string;
let server: ServerProcess | undefined;
let port: number;

beforeAll(async () => {
  root = await builtRoot();
  // The image's WORKDIR holds dist/ (from the build) and what the runtime stage COPYs from the
  // context; place those files the same way under the test build's root.
  for (const copy of one('COPY').filter((c) => !c.args.includes('--from='))) {
    const [source, destination] = copy.args.replace(/--\S+\s*/g, '').split(/\s+/);
    const target = join(root, destination!.replace(/^\.\//, '').replace(new RegExp(`^${workdir}/?`), ''));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(REPO_ROOT, source!), target, { recursive: true });
  }
  port = await freePort();
}, 180_000);

afterAll(() => {
  server?.child.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
}

const containerEnv = () => cleanEnv({ ...imageEnv, PORT: String(port) });
const runHealthcheck = () =>
  spawnSync(healthcheck[0] === 'node' ? process.execPath : healthcheck[0]!, healthcheck.slice(1), { cwd: root, env: containerEnv(), timeout: 20_000 }).status;

describe('the Dockerfile', () => {
  it('builds in one stage and runs in a slim one, as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(buildStage[0]!.args).toMatch(/^node:24-bookworm-slim\b/);
    expect(runtime[0]!.args).toMatch(/^node:24-bookworm-slim$/);
    const buildRuns = buildStage.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' ');
    for (const needed of ['python3', 'make', 'g++', 'npm ci', 'npm run build', 'npm prune --omit=dev']) expect(buildRuns).toContain(needed);
    expect(one('USER').at(-1)!.args).toBe('node');
    expect(runtime.some((i) => i.keyword === 'RUN' && /apt-get install/.test(i.args))).toBe(false);
  });

  it('listens on every interface inside the container, on the port it exposes', () => {
    expect(imageEnv['HOST']).toBe('0.0.0.0');
    expect(one('EXPOSE')[0]!.args).toBe(imageEnv['PORT']);
    expect(imageEnv['PORT']).toBe('4566');
  });
});

describe('the image command, run outside Docker', () => {
  it('starts with the image environment and serves EC2 requests', async () => {
    expect(cmd).toEqual(['node', '--max-semi-space-size=4', 'dist/server/main.js']);
    server = await startProcess(cmd.slice(1), { cwd: root, env: containerEnv() });
    // The start-up line names the address as bound; clients on this machine use 127.0.0.1.
    expect(server.url).toBe(`http://0.0.0.0:${port}`);
    const client = ec2Client(`http://127.0.0.1:${port}`);
    const created = await client.send(new CreateSecurityGroupCommand({ GroupName: 'from-the-image', Description: 'docker command' }));
    const seen = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }));
    expect(seen.SecurityGroups![0]!.GroupName).toBe('from-the-image');
    // The console's static files are in the image too.
    const consolePage = await fetch(`http://127.0.0.1:${port}/_emulator/ui`);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<html');
    client.destroy();
  });

  it('passes its healthcheck command while running', () => {
    expect(server).toBeDefined();
    expect(runHealthcheck()).toBe(0);
  });

  it('stops on SIGTERM (docker stop) with exit code 0, and the healthcheck then fails', async () => {
    server!.child.kill('SIGTERM');
    expect(await server!.exited).toBe(0);
    expect(runHealthcheck()).not.toBe(0);
  });
});

describe('the healthcheck with control endpoints turned off', () => {
  it('falls back to an EC2 call and still passes', async () => {
    const quiet = await startProcess(cmd.slice(1), { cwd: root, env: cleanEnv({ ...imageEnv, PORT: String(port), CONTROL_ENDPOINTS: 'off' }) });
    try {
      expect((await fetch(`${quiet.url}/_emulator/health`)).status).toBe(404);
      expect(runHealthcheck()).toBe(0);
    } finally {
      quiet.child.kill('SIGTERM');
      await quiet.exited;
    }
  });
});

describe('docker/compose.yml', () => {
  const compose = readFileSync(join(REPO_ROOT, 'docker', 'compose.yml'), 'utf8');
  it('points an app at the emulator through AWS_ENDPOINT_URL_EC2 and waits for it to be healthy', () => {
    expect(compose).toMatch(/^\s+ec2:\s*$/m);
    expect(compose).toMatch(/AWS_ENDPOINT_URL_EC2:\s*http:\/\/ec2:4566/);
    expect(compose).toMatch(/depends_on:\s*\n\s+ec2:\s*\n\s+condition:\s*service_healthy/);
    expect(compose).toContain('docker/healthcheck.mjs');
  });
});
