/**
 * The repository over the schema, composed of one store per resource (store/vpcs.ts,
 * store/security-groups.ts, store/prefix-lists.ts, store/tags.ts, ...): each prepares its
 * statements once and maps its typed rows to records. This file builds them, passing each the
 * stores it writes through, and adds what spans them all: `transaction()` so a request's reads and
 * writes happen as one unit, the per-account-region defaults, and the whole-state access.
 *
 * The store knows SQL and nothing of EC2's errors: it returns records or `undefined`, and the
 * handlers decide what that means inside the same transaction.
 */
import type { Db } from './db.js';
import { createStateAccess } from './state.js';
import { createNetworkInterfaceStore } from './network-interfaces.js';
import { createPrefixListStore } from './prefix-lists.js';
import type { Scope } from './records.js';
import { createSecurityGroupAssociationStore } from './security-group-associations.js';
import { createSecurityGroupStore } from './security-groups.js';
import { createSubnetStore } from './subnets.js';
import { createTagStore } from './tags.js';
import { createVpcNetworkStore } from './vpc-network.js';
import { createVpcPeeringStore } from './vpc-peering.js';
import { createVpcStore, DEFAULT_VPC_CIDR } from './vpcs.js';

// What handlers and tests import from here, from the modules that now hold it.
export type { Sequenced } from './records.js';
export type { TaggedResourceType } from './tags.js';
export { defaultEgressRules, type RuleFootprint } from './security-groups.js';
export { DEFAULT_VPC_CIDR, defaultSubnetCidr } from './vpcs.js';

export function createStore(db: Db) {
  const sql = {
    scopeExists: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM scopes WHERE account_id = ? AND region = ?',
    ),
    insertScope: db.prepare<[string, string]>('INSERT INTO scopes (account_id, region) VALUES (?, ?)'),
  };

  // ---------------------------------------------------------------- the resources' stores

  const tagStore = createTagStore(db);
  const prefixListStore = createPrefixListStore(db);
  const securityGroupStore = createSecurityGroupStore(db, tagStore);
  const vpcNetworkStore = createVpcNetworkStore(db, tagStore);
  const subnetStore = createSubnetStore(db, tagStore);
  const networkInterfaceStore = createNetworkInterfaceStore(db, tagStore);
  const securityGroupAssociationStore = createSecurityGroupAssociationStore(db);
  const vpcStore = createVpcStore(db, tagStore, securityGroupStore, vpcNetworkStore, subnetStore);
  const vpcPeeringStore = createVpcPeeringStore(db, tagStore);

  // ---------------------------------------------------------------- the store's API

  const seededScopes = new Set<string>();
  /** The data upgrade of rows an earlier release wrote (store/migrations.ts); idempotent. */
  const upgradeOlderRows = (): void => {
    vpcStore.addMissingVpcNetworks();
    prefixListStore.upgradeAwsManagedPrefixListIds();
  };
  // One transaction wrapper for every request: db.transaction() builds a new one per call.
  const inTransaction = db.transaction((fn: () => unknown) => fn());

  return {
    /** Runs `fn` in one SQLite transaction: any throw rolls back every write it made. */
    transaction<T>(fn: () => T): T {
      return inTransaction(fn) as T;
    },

    /** Creates an account-region's defaults the first time it is used. */
    ensureScope(scope: Scope): void {
      const key = `${scope.accountId}/${scope.region}`;
      if (seededScopes.has(key)) return;
      db.transaction(() => {
        if (sql.scopeExists.get(scope.accountId, scope.region)) return;
        sql.insertScope.run(scope.accountId, scope.region);
        vpcStore.insertVpc(scope, { cidrBlock: DEFAULT_VPC_CIDR, isDefault: true, instanceTenancy: 'default' });
        prefixListStore.seedAwsManagedPrefixLists(scope);
      })();
      seededScopes.add(key);
    },

    /** Forgets which scopes were seeded (after the database was emptied). */
    forgetSeededScopes(): void {
      seededScopes.clear();
    },

    // ---- the whole state: reset(), tableCounts(), exportState(), importState() (store/state.ts)
    ...createStateAccess(db, () => seededScopes.clear(), upgradeOlderRows),

    upgradeOlderRows,

    // ---- one store per resource
    ...vpcStore, // VPCs (store/vpcs.ts)
    ...securityGroupStore, // groups and their rules (store/security-groups.ts)
    ...prefixListStore, // prefix lists with their versions (store/prefix-lists.ts)
    ...tagStore, // tags of every resource (store/tags.ts)
    // the network around the groups: ACLs and route tables (store/vpc-network.ts), subnets
    // (store/subnets.ts), network interfaces (store/network-interfaces.ts)
    ...vpcNetworkStore,
    ...subnetStore,
    ...networkInterfaceStore,
    ...securityGroupAssociationStore, // groups associated with other VPCs (store/security-group-associations.ts)
    ...vpcPeeringStore, // peering connections (store/vpc-peering.ts)
  };
}

export type Store = ReturnType<typeof createStore>;
