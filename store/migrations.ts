/**
 * Upgrade steps for database files written by earlier releases (store/db.ts runs them in order,
 * each in the same transaction as the new version stamp), and the same data upgrade for state
 * documents exported by an earlier release (store/state.ts).
 *
 * A step only changes tables (statements of the current release may not prepare before all steps
 * ran); `upgradeData` then fills in what older rows lack, once, in the same transaction.
 *
 * Version 2 (the network around the groups): VPCs gained their DNS attributes, and every VPC its
 * default network ACL and main route table; a default VPC gained its default subnets. A file from
 * version 1 gets all of that as if those VPCs had been created by this release.
 * Version 3 (peering and VPC associations): rules gained the VPC of a group they reference across a
 * peering (`peer_vpc_id`, NULL for every older rule: they could only reference their own VPC).
 * Version 4 (AWS's own prefix-list ids): no table changes; the AWS-managed lists, seeded before
 * with random 17-hex ids, get the ids this release seeds (AWS's real ones where known, 8 hex digits
 * derived from region and service elsewhere), consistently in the lists, their entries, the rules
 * that name them and tags (the store's `upgradeAwsManagedPrefixListIds`).
 */
import type { Db, Migration } from './db.js';
import { createStore } from './store.js';

/** Adds the columns a table lacks; SQLite gives every existing row the column's default. */
function addColumns(db: Db, table: string, definitions: readonly string[]): void {
  const columns = new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
  for (const definition of definitions) {
    if (!columns.has(definition.split(' ')[0]!)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${definition}`);
  }
}

export const MIGRATIONS: readonly Migration[] = [
  {
    toVersion: 2,
    up: (db) =>
      addColumns(db, 'vpcs', [
        'enable_dns_support INTEGER NOT NULL DEFAULT 1',
        'enable_dns_hostnames INTEGER NOT NULL DEFAULT 0',
        'enable_network_address_usage_metrics INTEGER NOT NULL DEFAULT 0',
      ]),
  },
  {
    toVersion: 3,
    up: (db) => addColumns(db, 'security_group_rules', ['peer_vpc_id TEXT']),
  },
  {
    toVersion: 4,
    // Data only: `upgradeData` rewrites the AWS-managed lists' ids once this step has run.
    up: () => {},
  },
];

/**
 * What rows of an older release lack or hold differently (the store's `upgradeOlderRows`:
 * `addMissingVpcNetworks`, `upgradeAwsManagedPrefixListIds`); idempotent.
 */
export function upgradeData(db: Db): void {
  createStore(db).upgradeOlderRows();
}
