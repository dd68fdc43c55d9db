/**
 * The queries every request runs must read through an index, never scan a table: that is what
 * keeps DescribeSecurityGroupRules by group id, and every lookup by id, as cheap with 100,000 rules
 * in the store as with 100. Checked on the statements the store really prepares, with SQLite's
 * EXPLAIN QUERY PLAN (no timings). The filtered scans, prepared per filter shape, are checked in
 * rule-scans.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../store/db.js';
import { createStore } from '../../../store/store.js';

/** Every SQL text createStore() prepares. */
function preparedStatements(): { db: Db; statements: string[] } {
  const db = openDatabase(':memory:');
  const statements: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    statements.push(source);
    return prepare(source);
  }) as Db['prepare'];
  createStore(db);
  db.prepare = prepare;
  return { db, statements };
}

function planOf(db: Db, sql: string): string[] {
  const parameters = sql.split('?').length - 1;
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...new Array<null>(parameters).fill(null)) as { detail: string }[];
  return rows.map((row) => row.detail);
}

const GROUP_COLUMNS = String.raw`SELECT seq, group_id, account_id, vpc_id, group_name, description, is_default FROM security_groups`;
const HOT_QUERIES: Record<string, RegExp> = {
  'rules of a group, with their tags':
    /^SELECT json_group_array\(json_array\(r\.seq,[\s\S]*FROM \(SELECT \* FROM security_group_rules WHERE group_id = \?\) r LEFT JOIN tags t/,
  'a duplicate-rule probe':
    /^SELECT 1 FROM security_group_rules\s+WHERE group_id = \? AND is_egress = \? AND ip_protocol = \? AND from_port = \? AND to_port = \? AND peer_kind = \? AND peer = \?/,
  "a group's rule-quota count": /^SELECT sum\(peer_kind = 'ipv4'\)[\s\S]*FROM security_group_rules WHERE group_id = \?/,
  "the prefix-list weights of a group's rules": /^SELECT\s+sum\(CASE[\s\S]*FROM security_group_rules r\s+LEFT JOIN prefix_lists pl/,
  'a rule by id, with its tags': /^SELECT r\.seq,[\s\S]*FROM security_group_rules r LEFT JOIN tags t[\s\S]*WHERE r\.rule_id = \?/,
  'a group by id': new RegExp(`^${GROUP_COLUMNS} WHERE group_id = \\?`),
  'a group by name in its VPC': new RegExp(`^${GROUP_COLUMNS} WHERE vpc_id = \\? AND group_name_key = \\?`),
  'the groups of an account and region': new RegExp(`^${GROUP_COLUMNS} WHERE account_id = \\? AND region = \\?`),
  'the rules of an account and region, with their tags':
    /^SELECT json_group_array\(json_array\(r\.seq,[\s\S]*FROM \(SELECT \* FROM security_group_rules WHERE account_id = \? AND region = \?\) r LEFT JOIN tags t/,
  'the tags of one resource': /^SELECT resource_id, key, value FROM tags WHERE resource_id = \?/,
  'the rules that reference a group (DependencyViolation)': /^SELECT count\(\*\) AS n FROM security_group_rules WHERE peer = \? AND peer_kind = 'sg'/,
  'the groups that reference a prefix list (GetManagedPrefixListAssociations)':
    /^SELECT g\.seq, g\.group_id, g\.account_id FROM security_groups g\s+WHERE g\.group_id IN \(/,
};

describe('query plans of the hot queries', () => {
  const { db, statements } = preparedStatements();

  it.each(Object.entries(HOT_QUERIES))('%s is read through an index', (_name, pattern) => {
    const matching = statements.filter((sql) => pattern.test(sql.trim()));
    expect(matching.length).toBeGreaterThan(0);
    for (const sql of matching) {
      const plan = planOf(db, sql.trim());
      expect(plan.some((step) => /^SEARCH \w+ USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(step))).toBe(true);
      expect(plan.filter((step) => /^SCAN (security_group_rules|security_groups|tags|vpcs)\b/.test(step))).toEqual([]);
    }
  });
});
