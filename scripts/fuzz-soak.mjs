#!/usr/bin/env node
/**
 * The property tests of test/fuzz/ at many times their CI case count (the suite runs few cases per property;
 * this script runs many more). Usage: npm run fuzz:soak -- [scale] [seed]
 *   scale  multiplies every property's runs (default 20: about 200,000 cases)
 *   seed   replays one run; fast-check prints the seed and path of any counterexample it finds
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [scaleArgument = '20', seedArgument] = process.argv.slice(2);
const scale = Number(scaleArgument);
if (!Number.isFinite(scale) || scale <= 0) {
  process.stderr.write(`fuzz-soak: scale must be a positive number, not '${scaleArgument}'\n`);
  process.exit(2);
}
if (seedArgument !== undefined && !/^-?\d+$/.test(seedArgument)) {
  process.stderr.write(`fuzz-soak: seed must be an integer, not '${seedArgument}'\n`);
  process.exit(2);
}

const env = { ...process.env, FUZZ_SCALE: String(scale), ...(seedArgument !== undefined ? { FUZZ_SEED: seedArgument } : {}) };
process.stdout.write(`fuzz-soak: test/fuzz at ${scale}x the CI case count${seedArgument !== undefined ? `, seed ${seedArgument}` : ''}\n`);
// No per-test time limit: a soak is as long as it needs to be.
const result = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/fuzz', '--testTimeout=0'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
