/**
 * Opens the SQLite database: in memory by default, or a file that survives restarts.
 *
 * WAL with synchronous=NORMAL: a committed transaction survives the process being killed (the
 * write is in the OS before COMMIT returns); only a power cut may lose the last commits.
 */
import Database from 'better-sqlite3';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';

export type Db = Database.Database;

export class SchemaVersionError extends Error {}

export function openDatabase(path: string = ':memory:'): Db {
  const db = new Database(path);
  try {
    if (path !== ':memory:' && path !== '') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: Db): void {
  db.exec(SCHEMA_SQL);
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  const found = row ? Number(row.value) : undefined;
  if (found !== undefined && found > SCHEMA_VERSION) {
    throw new SchemaVersionError(
      `database schema version ${found} is newer than this ec2-sg-emulator understands (${SCHEMA_VERSION}); use a newer release or another --db file`,
    );
  }
  if (found === undefined) {
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  }
}
