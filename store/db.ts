/**
 * Opens the SQLite database: in memory by default, or a file that survives restarts.
 *
 * WAL with synchronous=NORMAL: a committed transaction survives the process being killed (the
 * write is in the OS before COMMIT returns); only a power cut may lose the last commits.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS, upgradeData } from './migrations.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';

export class DatabaseOpenError extends Error {}

export type Db = Database.Database;

export class SchemaVersionError extends Error {}

export function openDatabase(path: string = ':memory:'): Db {
  let db: Db;
  try {
    db = new Database(path);
  } catch (err) {
    throw new DatabaseOpenError(`cannot open database file ${path}: ${(err as Error).message}`);
  }
  try {
    if (path !== ':memory:' && path !== '') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (path !== ':memory:' && path !== '') requireIntactFile(db, path);
    applyMigrations(db, MIGRATIONS, SCHEMA_VERSION, upgradeData);
    return db;
  } catch (err) {
    db.close();
    // A file that is not SQLite, or is read-only, fails on the first pragma: one line, no stack.
    if ((err as { code?: unknown }).code?.toString().startsWith('SQLITE_')) {
      throw new DatabaseOpenError(`cannot use database file ${path}: ${(err as Error).message}`);
    }
    throw err;
  }
}

/**
 * A damaged file opens without complaint (opening reads only its header and schema); reads of a
 * damaged page then fail with a 500 while writes elsewhere go on, so the damage spreads. SQLite's
 * quick_check (every page and index structure, without cross-checking index contents, linear in
 * the file's size) refuses such a file at start instead. A file whose damage SQLite meets before
 * the check even runs throws SQLITE_CORRUPT / SQLITE_NOTADB, turned into the same one line above.
 */
function requireIntactFile(db: Db, path: string): void {
  const rows = db.pragma('quick_check(1)') as Array<Record<string, unknown>>;
  const verdict = String(Object.values(rows[0] ?? {})[0] ?? 'no answer');
  if (verdict !== 'ok') {
    throw new DatabaseOpenError(
      `database file ${path} is damaged (SQLite quick_check: ${verdict.replace(/\s+/g, ' ')}); restore it from a copy or use another --db file`,
    );
  }
}

/**
 * Upgrades from older files, in order. A fresh database gets SCHEMA_SQL (the current schema) and
 * the current version at once; a file stamped with version N runs every step above N, each in the
 * same transaction as the new stamp. Version 1 is the first released schema, so there is no step
 * to it. A step is added in store/migrations.ts (and SCHEMA_VERSION raised) whenever the schema or
 * what every resource is born with changes.
 */
export interface Migration {
  readonly toVersion: number;
  readonly up: (db: Db) => void;
}
export { MIGRATIONS };

/** The version a file is stamped with, or undefined for a database this program never opened. */
export function schemaVersionOf(db: Db): number | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return undefined;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  return row ? Number(row.value) : undefined;
}

/**
 * Brings `db` to `target`: all steps, `afterSteps` (the data upgrade, run once the schema is the
 * current one, only when some step ran) and the new stamp commit together, or none of them.
 */
export function applyMigrations(
  db: Db,
  migrations: readonly Migration[],
  target: number,
  afterSteps: (db: Db) => void = () => {},
): void {
  const found = schemaVersionOf(db);
  if (found !== undefined && found > target) {
    throw new SchemaVersionError(
      `database schema version ${found} is newer than this ec2-sg-emulator understands (${target}); use a newer release or another --db file`,
    );
  }
  db.transaction(() => {
    let upgraded = false;
    for (const step of [...migrations].sort((a, b) => a.toVersion - b.toVersion)) {
      if (found !== undefined && step.toVersion > found && step.toVersion <= target) {
        step.up(db);
        upgraded = true;
      }
    }
    // Every statement of SCHEMA_SQL is IF NOT EXISTS: it creates a fresh database, and adds tables
    // and indexes introduced since an older file was written.
    db.exec(SCHEMA_SQL);
    if (upgraded) afterSteps(db);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
      String(target),
    );
  })();
}
