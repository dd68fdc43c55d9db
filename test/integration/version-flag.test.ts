/**
 * `ec2-sg-emulator --version` / `-v`: the version of package.json on one line, exit 0, without
 * starting a server (whatever other flags are given), and `--help` says so.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtRoot, REPO_ROOT, runToEnd } from '../helpers/built-server.js';

const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let main: string;
let scratch: string;

beforeAll(async () => {
  main = join(await builtRoot(), 'dist', 'server', 'main.js');
  // Run from elsewhere: the version comes from the package's own package.json, not the cwd's.
  scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-version-'));
}, 180_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('--version', () => {
  for (const flag of ['--version', '-v']) {
    it(`${flag} prints the package version and exits 0`, () => {
      const result = runToEnd([main, flag], { cwd: scratch });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
      expect(result.stderr).toBe('');
    });
  }

  it('answers without starting, even next to flags that would start or fail a server', () => {
    const result = runToEnd([main, '--port', '0', '--log-format', 'xml', '-v'], { cwd: scratch });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });

  it('is listed in --help', () => {
    const result = runToEnd([main, '--help'], { cwd: scratch });
    expect(result.stdout).toMatch(/^\s+-v, --version\s+\S/m);
  });
});
