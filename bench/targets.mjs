/**
 * The servers under test, each a separate process on loopback: ec2-sg-emulator from the built
 * output, moto's server, and the bare Fastify ceiling. Here: spawning one, timing its cold start
 * (spawn to the first successful answer), reading its resident memory, and plain signed calls for
 * the setup steps that are not measured.
 */
import { execFileSync, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSigner, formBody } from './sigv4.mjs';

/** A free loopback port (taken by the OS, then released for the child to bind). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `moto_server` as the real executable: under pyenv the name on PATH is a bash shim that costs
 * moto a few hundred milliseconds of start-up that are not moto's own.
 */
export function findMotoServer() {
  const onPath = (name) => {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const found = onPath('moto_server');
  if (!found) return undefined;
  if (found.includes('/shims/') && onPath('pyenv')) {
    try {
      return execFileSync('pyenv', ['which', 'moto_server'], { encoding: 'utf8' }).trim();
    } catch {
      return found;
    }
  }
  return found;
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux). On a shared machine this is
 * steadier than requests/s: other processes taking the cores lower the rate, not the CPU per request.
 */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** One signed EC2 call; resolves to { status, text }. */
export async function call(target, params) {
  const body = formBody(params);
  const response = await fetch(`${target.url}/`, { method: 'POST', headers: target.sign(body), body });
  return { status: response.status, text: await response.text() };
}

/**
 * Like call(), but a non-200 answer is an error (for setup steps that must succeed). A 500 is
 * tried again, twice: moto's server sometimes fails concurrent requests with "dictionary changed
 * size during iteration", and the setup should not stop on that.
 */
export async function mustCall(target, params) {
  let result = await call(target, params);
  for (let retry = 0; retry < 2 && result.status === 500; retry++) result = await call(target, params);
  if (result.status !== 200) {
    throw new Error(`${target.name}: ${params.Action} answered ${result.status}: ${result.text.slice(0, 300)}`);
  }
  return result.text;
}

/** Runs `task(i)` for i in [0, count) with at most `parallel` in flight. */
export async function inParallel(count, parallel, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}

/**
 * Starts a target and waits for its first successful answer to DescribeSecurityGroups, polling
 * every 2 ms. The same probe for every target, so "cold start" means the same thing for each.
 */
export async function startTarget(spec, { logFile }) {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const target = { name: spec.name, url: `http://${host}`, sign: createSigner({ host }) };
  const log = openSync(logFile, 'a');
  const started = process.hrtime.bigint();
  const child = spawn(spec.command, spec.args(port), { stdio: ['ignore', log, log] });
  let exited;
  child.once('exit', (code, signal) => (exited = `exited (${signal ?? code})`));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`${spec.name} ${exited} before answering; see ${logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${spec.name} did not answer within 30 s; see ${logFile}`);
    }
    try {
      const { status } = await call(target, { Action: 'DescribeSecurityGroups' });
      if (status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(2);
  }
  const coldStartMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    ...target,
    pid: child.pid,
    coldStartMs,
    rssMb: () => rssMb(child.pid),
    cpuSeconds: () => cpuSeconds(child.pid),
    async stop() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
