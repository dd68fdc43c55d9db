/**
 * The whole state at once: empty it (reset), write it out as JSON (export), replace it from JSON
 * (import). Generic over the schema: the tables are read from sqlite_master, so a table added to
 * schema.ts is covered without a change here (store/state-validation.ts lists what each column of
 * an imported document may hold, and a test checks it covers every column).
 *
 * The JSON is the rows as stored, column by column, so ids, `seq` order (which describe paging
 * relies on) and tag order survive a round trip. `meta` (the schema version) is not state.
 *
 * An imported document is checked whole before anything is written (store/state-validation.ts):
 * a state the EC2 actions could not have made, and that a later call could trip over, is refused.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { SCHEMA_VERSION } from './schema.js';
import { STATE_FORMAT, StateImportError, validateStateDocument } from './state-validation.js';

export { STATE_FORMAT, StateImportError };

export interface StateDocument {
  readonly format: typeof STATE_FORMAT;
  readonly schemaVersion: number;
  readonly tables: Record<string, Record<string, string | number | null>[]>;
}

type Cell = string | number | null;

export interface StateHooks {
  /** Forgets what the store caches about the rows (which scopes are seeded). */
  readonly forgetCaches: () => void;
  /**
   * Brings imported rows written by an earlier release up to what this release's resources are
   * born with (store/migrations.ts describes each version's additions).
   */
  readonly upgradeData: () => void;
  /** Draws a new salt for the ids of scopes' defaults; runs inside the reset's or import's transaction. */
  readonly newDefaultIdSalt: () => void;
}

export function createStateAccess(db: Db, hooks: StateHooks) {
  const { forgetCaches, upgradeData, newDefaultIdSalt } = hooks;
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
    /**
     * Back to the state of a fresh start: every table empty; defaults are recreated on next use.
     * Foreign keys are off while it empties them (nothing is left to refer to anything): SQLite then
     * drops each table's pages at once instead of deleting row by row, 100,000 rules in a few ms
     * rather than some 300 ms. (The pragma cannot change inside a transaction, hence outside it.)
     */
    reset(): void {
      db.pragma('foreign_keys = OFF');
      try {
        inTransaction(() => {
          emptyAll();
          newDefaultIdSalt();
        });
      } finally {
        db.pragma('foreign_keys = ON');
      }
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

    /**
     * exportState()'s document as JSON text in parts (joined, exactly `JSON.stringify(exportState())`),
     * each table read `rowsPerPart` rows at a time, so a caller can pause between parts. It must check
     * changeCount() between parts: rows written meanwhile would make the parts disagree.
     */
    *exportStateParts(rowsPerPart: number): Generator<string, void, undefined> {
      yield `{"format":${JSON.stringify(STATE_FORMAT)},"schemaVersion":${JSON.stringify(SCHEMA_VERSION)},"tables":{`;
      let firstTable = true;
      for (const table of stateTables()) {
        let text = `${firstTable ? '' : ','}${JSON.stringify(table)}:[`;
        firstTable = false;
        const page = statement(`SELECT rowid AS "rowid:", * FROM ${quoted(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`);
        let after = Number.MIN_SAFE_INTEGER;
        let firstRow = true;
        for (;;) {
          const rows = page.all(after, rowsPerPart) as Record<string, Cell>[];
          for (const row of rows) {
            after = row['rowid:'] as number;
            delete row['rowid:'];
            text += (firstRow ? '' : ',') + JSON.stringify(row);
            firstRow = false;
          }
          if (rows.length < rowsPerPart) break;
          yield text;
          text = '';
        }
        yield `${text}]`;
      }
      yield '}}';
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
     * Throws StateImportError, naming the first problem, for anything that does not fit the schema
     * or could not have been made by the EC2 actions (store/state-validation.ts).
     */
    importState(document: unknown): void {
      const tables = validateStateDocument(document);
      const known = new Set(stateTables());
      for (const name of Object.keys(tables)) {
        if (!known.has(name)) throw new StateImportError(`tables.${name}: no such table`);
      }
      try {
        inTransaction(() => {
          emptyAll();
          newDefaultIdSalt();
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
          try {
            upgradeData();
          } catch (err) {
            // The checks above leave the upgrade nothing to trip over; should one slip through,
            // the document is still refused, never answered with a 500.
            throw new StateImportError(`the rows cannot be upgraded to this release: ${(err as Error).message}`);
          }
        });
      } finally {
        forgetCaches();
      }
    },
  };
}

function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
