/**
 * scripts/with-node.sh, which CI uses to run the tests on each supported Node version. Checked
 * here with the version already running (no download): its argument handling, that the command
 * runs with its arguments intact, and that the command's exit status is the script's. Fetching
 * another version is what .ci/run itself does on every run.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/built-server.js';

const script = join(REPO_ROOT, 'scripts', 'with-node.sh');
const major = process.versions.node.split('.')[0]!;
// This test's node first on PATH, as in a shell where it is the machine's node.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };
const run = (...args: string[]) => spawnSync('bash', [script, ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 30_000 });

describe('scripts/with-node.sh', () => {
  it('refuses a missing command or a version that is not a number, with its usage and exit 2', () => {
    for (const args of [[], [major], ['latest', 'node', '-v'], ['v22', 'node', '-v'], ['22.1', 'node', '-v']]) {
      const result = run(...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^usage: scripts\/with-node\.sh VERSION COMMAND/);
      expect(result.stdout).toBe('');
    }
  });

  it('runs the command on the node already there when it is that major or exact version', () => {
    for (const version of [major, process.versions.node]) {
      const result = run(version, 'node', '-p', 'process.version');
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${process.version}\n`);
      expect(result.stderr).toContain("(this machine's)");
    }
  });

  it('passes the arguments on as they are and exits with the command’s status', () => {
    const echoed = run(major, 'node', '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', 'two words', '', '$HOME');
    expect(JSON.parse(echoed.stdout)).toEqual(['two words', '', '$HOME']);
    expect(run(major, 'sh', '-c', 'exit 7').status).toBe(7);
  });
});
