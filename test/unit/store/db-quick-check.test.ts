/**
 * A damaged database file is refused at open (SQLite's quick_check), with one line naming the
 * file, instead of opening without complaint and answering 500 to reads of its damaged pages; the
 * built command then prints that line and exits 2, as for any other unusable --db file.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtRoot, cleanEnv, runToEnd } from '../../helpers/built-server.js';
import { buildApp } from '../../../server/app.js';
import { DEFAULT_LIMITS } from '../../../server/limits.js';
import { DatabaseOpenError, openDatabase } from '../../../store/db.js';
import { createStore } from '../../../store/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database file with a few hundred groups in it (so most of its pages are table and index pages). */
async function populatedDatabaseFile(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ec2-sg-quick-check-'));
  dirs.push(dir);
  const path = join(dir, 'state.db');
  const db = openDatabase(path);
  const app = buildApp({ store: createStore(db), limits: DEFAULT_LIMITS, defaultRegion: 'us-east-1', defaultAccountId: '000000000000' });
  for (let i = 0; i < 300; i++) {
    const response = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        Action: 'CreateSecurityGroup',
        Version: '2016-11-15',
        GroupName: `group-${i}`,
        GroupDescription: `a group with a long description to fill pages ${'x'.repeat(200)}`,
      }).toString(),
    });
    expect(response.statusCode).toBe(200);
  }
  await app.close();
  db.close();
  return path;
}

/** Overwrites the page in the middle of the file (not the header page) with a byte pattern. */
function damageMiddlePage(path: string): void {
  const header = readFileSync(path).subarray(0, 100);
  const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
  const pages = Math.floor(statSync(path).size / pageSize);
  expect(pages).toBeGreaterThan(10);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, Math.floor(pages / 2) * pageSize);
  } finally {
    closeSync(fd);
  }
}

function openError(path: string): Error {
  try {
    openDatabase(path).close();
  } catch (err) {
    return err as Error;
  }
  throw new Error(`${path} opened without complaint`);
}

describe('openDatabase on a damaged file', () => {
  it('opens the intact file, then refuses it once a page in the middle is overwritten', async () => {
    const path = await populatedDatabaseFile();
    openDatabase(path).close();
    damageMiddlePage(path);
    const error = openError(path);
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect(error.message).toContain(path);
    expect(error.message).not.toContain('\n');
    // Refused again on every attempt: nothing was written to the file in between.
    expect(openError(path).message).toBe(error.message);
  });

  it('stops the built command with that one line and exit code 2', async () => {
    const root = await builtRoot();
    const path = await populatedDatabaseFile();
    damageMiddlePage(path);
    const result = runToEnd([join(root, 'dist', 'server', 'main.js'), '--db', path, '--port', '0'], { cwd: root, env: cleanEnv() });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ec2-sg-emulator: database file .* is damaged/);
    expect(lines[0]).toContain(path);
  }, 180_000);

  it('checks nothing for an in-memory database', () => {
    const db = openDatabase(':memory:');
    expect(db.open).toBe(true);
    db.close();
  });
});
