#!/usr/bin/env node
/**
 * The crash test (test/integration/crash.test.ts) for many kill-and-restart rounds: the built
 * server under write load, SIGKILLed at random moments, restarted on the same database file, and
 * checked each time (answered rules kept with their ids, refused ones absent, integrity_check ok).
 * Usage: npm run crash:soak -- [rounds]   (default 100)
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [roundsArgument = '100'] = process.argv.slice(2);
if (!/^[1-9]\d*$/.test(roundsArgument)) {
  process.stderr.write(`crash-soak: rounds must be a positive whole number, not '${roundsArgument}'\n`);
  process.exit(2);
}

process.stdout.write(`crash-soak: ${roundsArgument} rounds of SIGKILL under write load\n`);
const result = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/integration/crash.test.ts', '--testTimeout=0'],
  { cwd: root, env: { ...process.env, CRASH_ROUNDS: roundsArgument }, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
