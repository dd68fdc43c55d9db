/**
 * Describe filters run inside SQLite, so a scan of 100,000 rules returns only the rows a request's
 * filters can keep, before any record is built (building every rule first took 300-600 ms and
 * held every other request that long).
 *
 * A filter's values arrive as a ValueTest: exact values are looked up (`IN json_each(?)`), wildcard
 * values call back into the request's own compiled matcher through one SQL function, so the match
 * is the same linear glob, charged to the same per-request work meter, wherever it runs. A test the
 * matcher throws from (the work bound) ends the statement and reaches the handler as thrown.
 *
 * Narrowing only ever drops rows the caller's filters would drop too; the caller still applies its
 * filters to what comes back, so a condition may be looser than the filter (never stricter).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import type { ValueTest } from './records.js';

/** The SQL function the WHERE fragments call for wildcard values: (slot, value) → 0 or 1. */
const ACCEPTS = 'describe_filter_accepts';
/** Distinct statement shapes kept prepared; past it the cache starts again (shapes are few in practice). */
const MAX_CACHED_STATEMENTS = 128;

/** A WHERE fragment under construction: its SQL text, its parameters, and the tests its slots call. */
export class Conditions {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  readonly tests: ((value: string) => boolean)[] = [];

  /** `expression` (an SQL expression over the scanned row) passes `test`. */
  add(expression: string, test: ValueTest): this {
    this.parts.push(this.accepts(expression, test));
    return this;
  }

  /** A fragment built with `param` and `accepts`, whose parameters are already appended in order. */
  addSql(fragment: string): this {
    this.parts.push(fragment);
    return this;
  }

  /** A plain parameter: appends it and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return '?';
  }

  /** The fragment testing `expression`, its parameters appended in the order they appear. */
  accepts(expression: string, test: ValueTest): string {
    if (test.exact !== undefined) {
      this.params.push(JSON.stringify(test.exact));
      return `${expression} IN (SELECT value FROM json_each(?))`;
    }
    this.params.push(this.tests.length);
    this.tests.push(test.test);
    return `${ACCEPTS}(?, ${expression})`;
  }

  /** The fragments joined with AND (`1` when there are none). */
  sql(): string {
    return this.parts.length === 0 ? '1' : this.parts.join(' AND ');
  }
}

export interface Narrowing {
  /**
   * Runs `sql` (built with `conditions`' fragments, its own parameters first: `leading` then the
   * conditions' then `trailing`) through a cached statement, with the conditions' tests in place.
   */
  run<T>(sql: string, conditions: Conditions, leading: readonly unknown[], trailing: readonly unknown[], read: (statement: Statement, params: unknown[]) => T): T;
}

export function createNarrowing(db: Db): Narrowing {
  // The tests of the statement running now: statements run one at a time on this connection, and
  // the slot numbers are the request's own.
  let tests: readonly ((value: string) => boolean)[] = [];
  db.function(ACCEPTS, (slot: unknown, value: unknown) => {
    if (value === null) return 0;
    const test = tests[Number(slot)];
    return test !== undefined && test(String(value)) ? 1 : 0;
  });
  const statements = new Map<string, Statement>();
  return {
    run(sql, conditions, leading, trailing, read) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      tests = conditions.tests;
      try {
        return read(statement, [...leading, ...conditions.params, ...trailing]);
      } finally {
        tests = [];
      }
    },
  };
}
