#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * The `ec2-sg-emulator` command (the package's bin) and `npm start`: runs the compiled server in
 * this very process, so a signal sent to it reaches the server and nothing outlives it.
 *
 * - In a clone (sources present), dist/ is rebuilt first only when the sources changed since the
 *   last build (scripts/build.mjs compares a fingerprint of them with dist/.build-stamp); an
 *   installed package has no sources and starts at once.
 * - Signals: `npm start` execs node, so npm's forwarded SIGINT/SIGTERM arrives here. A terminal's
 *   Ctrl-C reaches both npm and us, and npm forwards it again: a repeat of a signal while the server
 *   is already stopping is ignored, so the second copy cannot kill the graceful stop halfway.
 * - npx (and an npm script naming the bin) runs us through `sh -c`, and Debian's sh (dash) neither
 *   passes signals on nor execs: a SIGTERM to npx kills sh and leaves us orphaned, still holding
 *   the port. When npm's shell existed only to run us (its script is one simple command that
 *   starts this file), its disappearance stops the server as SIGTERM would, within PARENT_CHECK_MS.
 *   A script that backgrounds us or runs more commands is left alone, and so is a server started
 *   any other way (the Docker image runs dist/server/main.js directly).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist', 'server', 'main.js');
const SIGNALS = ['SIGINT', 'SIGTERM'];
/** How often the parent is checked (one getppid call; the timer does not keep the process alive). */
const PARENT_CHECK_MS = 200;

async function launch() {
  let release = () => {};
  // `--version` and `--help` must not wait for a compile.
  const informational = process.argv.slice(2).some((arg) => ['--version', '-v', '--help', '-h'].includes(arg));
  // scripts/build.mjs is not shipped: an installed package runs its dist/ as it is.
  const builder = existsSync(join(ROOT, 'scripts', 'build.mjs')) ? await import('./build.mjs') : undefined;
  if (builder?.isSourceCheckout() && !informational) {
    // Checked again under the build lock: of two starts at once, one compiles, the other waits.
    if (builder.staleness() !== undefined) {
      try {
        await builder.build({ ifStale: true });
      } catch (err) {
        process.stderr.write(`ec2-sg-emulator: ${err instanceof builder.BuildError ? err.message : (err.stack ?? err)}\n`);
        process.exit(1);
      }
    }
    // Held while the server's modules load, so a concurrent build cannot swap dist/ under them.
    release = await builder.acquireLock(undefined, (line) => process.stderr.write(`${line}\n`));
  }
  handleSignals();
  watchParent();
  try {
    await import(pathToFileURL(MAIN).href);
  } catch (err) {
    release();
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(MAIN)) {
      process.stderr.write('ec2-sg-emulator: dist/ is missing: run `npm ci` (or `npm run build`) first\n');
      process.exit(1);
    }
    throw err;
  }
  release();
}

/**
 * The server (dist/server/main.js) registers a one-shot handler per signal once it listens. Until
 * then a signal keeps its default meaning (the process ends); afterwards repeats are swallowed.
 */
let stopping = false;
function handleSignals() {
  const onSignal = (signal) => {
    if (stopping) return;
    if (process.listenerCount(signal) > 1) {
      stopping = true; // the server's own handler, after this one, stops it gracefully
      return;
    }
    for (const s of SIGNALS) process.off(s, onSignal);
    process.kill(process.pid, signal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function watchParent() {
  if (!runByNpmShellAlone(process.env['npm_lifecycle_script'])) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    if (!stopping) process.kill(process.pid, 'SIGTERM');
  }, PARENT_CHECK_MS);
  timer.unref();
}

/**
 * Whether npm's script (npx's is the quoted command name) is one simple command that runs this
 * launcher: our bin, or node with this file. Then the shell running it is our parent and exists
 * only for us. (The variable is inherited, so a process the script starts in other ways sees it too.)
 */
function runByNpmShellAlone(script) {
  if (script === undefined || /[;&|\n`()<>$]/.test(script)) return false;
  const words = script.trim().split(/\s+/).map((word) => word.replace(/^['"]|['"]$/g, ''));
  if (words[0] === 'exec') words.shift();
  const command = basename(words[0] ?? '');
  if (command === 'ec2-sg-emulator') return true;
  return command === 'node' && words.some((word) => /(?:^|\/)scripts\/start\.mjs$/.test(word));
}

await launch();
