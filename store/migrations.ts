/**
 * Upgrade steps for database files written by earlier releases (store/db.ts runs them in order,
 * each in the same transaction as the new version stamp), and the same data upgrade for state
 * documents exported by an earlier release (store/state.ts).
 *
 * Version 2 (the network around the groups): VPCs gained their DNS attributes, and every VPC its
 * default network ACL and main route table; a default VPC gained its default subnets. A file from
 * version 1 gets all of that as if those VPCs had been created by this release.
 */
import type { Db, Migration } from './db.js';
import { SCHEMA_SQL } from './schema.js';
import { createStore } from './store.js';

/** The version-1 `vpcs` table lacked these; SQLite adds a column with its default to every row. */
const VPC_ATTRIBUTE_COLUMNS = [
  'enable_dns_support INTEGER NOT NULL DEFAULT 1',
  'enable_dns_hostnames INTEGER NOT NULL DEFAULT 0',
  'enable_network_address_usage_metrics INTEGER NOT NULL DEFAULT 0',
];

export const MIGRATIONS: readonly Migration[] = [
  {
    toVersion: 2,
    up(db) {
      const columns = new Set((db.pragma('table_info(vpcs)') as { name: string }[]).map((c) => c.name));
      for (const definition of VPC_ATTRIBUTE_COLUMNS) {
        if (!columns.has(definition.split(' ')[0]!)) db.exec(`ALTER TABLE vpcs ADD COLUMN ${definition}`);
      }
      db.exec(SCHEMA_SQL); // the new tables
      addVpcNetworks(db);
    },
  },
];

/** See the store's `addMissingVpcNetworks`: the data half of the version-2 step. */
export function addVpcNetworks(db: Db): void {
  createStore(db).addMissingVpcNetworks();
}
