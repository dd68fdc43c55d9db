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

/**
 * Gives every VPC that has none its default network ACL and main route table, DNS hostnames to
 * default VPCs, and default subnets to a default VPC without subnets. Idempotent.
 */
export function addVpcNetworks(db: Db): void {
  const store = createStore(db);
  const vpcs = db
    .prepare(
      `SELECT vpc_id, account_id, region, is_default FROM vpcs v
       WHERE NOT EXISTS (SELECT 1 FROM network_acls a WHERE a.vpc_id = v.vpc_id) ORDER BY seq`,
    )
    .all() as { vpc_id: string; account_id: string; region: string; is_default: number }[];
  for (const vpc of vpcs) {
    const scope = { accountId: vpc.account_id, region: vpc.region };
    const { networkAclId } = store.insertVpcDefaults(scope, vpc.vpc_id);
    if (vpc.is_default === 1) {
      db.prepare('UPDATE vpcs SET enable_dns_hostnames = 1 WHERE vpc_id = ?').run(vpc.vpc_id);
      if (store.subnetIdsOfVpc(vpc.vpc_id).length === 0) store.insertDefaultSubnets(scope, vpc.vpc_id, networkAclId);
    }
  }
}
