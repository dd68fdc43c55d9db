/**
 * The server as a user launches it through npm (`npm start`, `npx ec2-sg-emulator`): a process
 * tree we did not write (npm, its `sh -c`, then node), watched from outside the way a user or a
 * process manager sees it: the start-up line, the port, and what is left running after a signal.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

export interface Launched {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code, or the signal's name, once the launched command (npm, npx) has ended. */
  readonly exited: Promise<number | string>;
}

/** Spawns `command args` in its own process group (so a test can signal the group as a terminal does). */
export function launch(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Launched {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves with the URL of the start-up line; rejects if the command ends first. */
export function listeningUrl(launched: Launched): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(launched.stdout());
      if (match) {
        launched.child.stdout!.off('data', check);
        resolve(match[1]!);
      }
    };
    launched.child.stdout!.on('data', check);
    check();
    void launched.exited.then((code) => reject(new Error(`exited (${code}) before listening:\n${launched.stdout()}\n${launched.stderr()}`)));
  });
}

/** Whether a TCP connection to the URL's port is refused (nothing listens there any more). */
export function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve(true) : reject(err)));
  });
}

/** Waits (at most `limitMs`) for the port to be refused, for stops that follow the launcher's exit. */
export async function refusedWithin(url: string, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await refused(url)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Command lines of running processes that contain `marker` (a path unique to one test). */
export function processesWith(marker: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

/** Kills whatever is left of a launched command's process group (cleanup after a failed test). */
export function killGroup(launched: Launched | undefined): void {
  if (launched?.child.pid === undefined) return;
  try {
    process.kill(-launched.child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
