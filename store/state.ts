/**
 * The whole state at once: empty it (reset), write it out as JSON (export), replace it from JSON
 * (import). Generic over the schema: the tables are read from sqlite_master, so a table added to
 * schema.ts is covered without a change here.
 *
 * The JSON is the rows as stored, column by column, so ids, `seq` order (which describe paging
 * relies on) and tag order survive a round trip. `meta` (the schema version) is not state.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { SCHEMA_VERSION } from './schema.js';

export const STATE_FORMAT = 'ec2-sg-emulator/state';

export interface StateDocument {
  readonly format: typeof STATE_FORMAT;
  readonly schemaVersion: number;
  readonly tables: Record<string, Record<string, string | number | null>[]>;
}

/** A document that cannot be imported; the message says which part and why. */
export class StateImportError extends Error {}

type Cell = string | number | null;

/**
 * `upgradeData` brings imported rows written by an earlier release up to what this release's
 * resources are born with (store/migrations.ts describes each version's additions).
 */
export function createStateAccess(db: Db, forgetCaches: () => void, upgradeData: () => void) {
  // Statements built from table names are prepared once per text and kept: a statement prepared per
  // call holds native memory V8 does not see until a full GC, so RSS crept up over many resets.
  const prepared = new Map<string, Statement<unknown[]>>();
  const statement = (sql: string): Statement<unknown[]> => {
    let found = prepared.get(sql);
    if (!found) prepared.set(sql, (found = db.prepare(sql)));
    return found;
  };
  // The schema is fixed once the database is open (store/db.ts migrates it first).
  let tableNames: string[] | undefined;
  const stateTables = (): string[] =>
    (tableNames ??= (
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'meta' ORDER BY rowid",
        )
        .all() as { name: string }[]
    ).map((row) => row.name));
  const columnsOf = (table: string): string[] =>
    (db.pragma(`table_info(${quoted(table)})`) as { name: string }[]).map((column) => column.name);
  const hasSequenceTable = (): boolean =>
    statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get() !== undefined;

  function emptyAll(): void {
    // Children first is not needed: foreign keys are deferred to the end of the transaction.
    for (const table of stateTables()) statement(`DELETE FROM ${quoted(table)}`).run();
    // New ids' `seq` restarts, as on a fresh start.
    if (hasSequenceTable()) statement('DELETE FROM sqlite_sequence').run();
  }

  function inTransaction<T>(fn: () => T): T {
    return db.transaction(() => {
      statement('PRAGMA defer_foreign_keys = ON').run();
      const result = fn();
      const broken = statement('PRAGMA foreign_key_check').all() as { table: string; parent: string }[];
      if (broken.length > 0) {
        const first = broken[0]!;
        throw new StateImportError(`a row of ${first.table} refers to a missing row of ${first.parent}`);
      }
      return result;
    })();
  }

  return {
    /** Back to the state of a fresh start: every table empty; defaults are recreated on next use. */
    reset(): void {
      inTransaction(emptyAll);
      forgetCaches();
    },

    /** Row counts per table, for the health endpoint. */
    tableCounts(): Record<string, number> {
      const counts: Record<string, number> = {};
      for (const table of stateTables()) {
        counts[table] = (statement(`SELECT count(*) AS n FROM ${quoted(table)}`).get() as { n: number }).n;
      }
      return counts;
    },

    exportState(): StateDocument {
      const tables: Record<string, Record<string, Cell>[]> = {};
      for (const table of stateTables()) {
        tables[table] = db.prepare(`SELECT * FROM ${quoted(table)} ORDER BY rowid`).all() as Record<string, Cell>[];
      }
      return { format: STATE_FORMAT, schemaVersion: SCHEMA_VERSION, tables };
    },

    /**
     * Replaces the whole state with `document`, all or nothing. Tables it leaves out end up empty.
     * Throws StateImportError for anything that does not fit the schema.
     */
    importState(document: unknown): void {
      const tables = checkedTables(document);
      const known = new Set(stateTables());
      for (const name of Object.keys(tables)) {
        if (!known.has(name)) throw new StateImportError(`tables.${name}: no such table`);
      }
      try {
        inTransaction(() => {
          emptyAll();
          for (const table of known) {
            const rows = tables[table];
            if (rows === undefined) continue;
            const columns = new Set(columnsOf(table));
            rows.forEach((row, index) => {
              const names = Object.keys(row);
              for (const name of names) {
                if (!columns.has(name)) throw new StateImportError(`tables.${table}[${index}].${name}: no such column`);
              }
              const sql = `INSERT INTO ${quoted(table)} (${names.map(quoted).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
              try {
                statement(sql).run(...names.map((name) => row[name]));
              } catch (err) {
                throw new StateImportError(`tables.${table}[${index}]: ${(err as Error).message}`);
              }
            });
          }
          upgradeData();
        });
      } finally {
        forgetCaches();
      }
    },
  };
}

function checkedTables(document: unknown): Record<string, Record<string, Cell>[]> {
  if (!isObject(document)) throw new StateImportError('the state must be a JSON object');
  if (document.format !== undefined && document.format !== STATE_FORMAT) {
    throw new StateImportError(`format: expected '${STATE_FORMAT}'`);
  }
  const version = document.schemaVersion;
  if (version !== undefined && (typeof version !== 'number' || version > SCHEMA_VERSION)) {
    throw new StateImportError(`schemaVersion: ${String(version)} is not one this ec2-sg-emulator reads (up to ${SCHEMA_VERSION})`);
  }
  if (!isObject(document.tables)) throw new StateImportError('tables: must be an object of table name to rows');
  for (const [table, rows] of Object.entries(document.tables)) {
    if (!Array.isArray(rows)) throw new StateImportError(`tables.${table}: must be an array of rows`);
    rows.forEach((row: unknown, index) => {
      if (!isObject(row)) throw new StateImportError(`tables.${table}[${index}]: must be an object`);
      for (const [column, value] of Object.entries(row)) {
        const ok = value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
        if (!ok) throw new StateImportError(`tables.${table}[${index}].${column}: must be a string, a number or null`);
      }
    });
  }
  return document.tables as Record<string, Record<string, Cell>[]>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
