/**
 * The repository over the schema, composed of one store per resource (store/vpcs.ts,
 * store/security-groups.ts, store/prefix-lists.ts, store/tags.ts, ...): each prepares its
 * statements once and maps its typed rows to records. This file builds them, passing each the
 * stores it writes through, and adds what spans them all: `transaction()` so a request's reads and
 * writes happen as one unit, the per-account-region defaults, and the whole-state access.
 *
 * The store knows SQL and nothing of EC2's errors: it returns records or `undefined`, and the
 * handlers decide what that means inside the same transaction.
 *
 * An account-region's defaults (default VPC with its group, ACL, route table and subnets, the
 * AWS-managed prefix lists) are written lazily, inside the first request that names the scope
 * (`inScope`): a refused request rolls them back with everything else, and a request that writes
 * nothing of its own (a describe) sees them and rolls them back too. Only a successful write keeps
 * them. Their ids are derived from the scope and a per-database salt, so every read of a scope
 * nothing was written to yet shows the same ids, and the first write keeps exactly those.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';
import { withDerivedIds } from './ids.js';
import { createStateAccess } from './state.js';
import { createConsoleReads } from './console-reads.js';
import { createEvaluationReads } from './evaluation-reads.js';
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
    salt: db.prepare<[], string>(`SELECT value FROM meta WHERE key = '${DEFAULT_ID_SALT_KEY}'`).pluck(true),
    setSalt: db.prepare<[string]>(
      `INSERT INTO meta (key, value) VALUES ('${DEFAULT_ID_SALT_KEY}', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
    totalChanges: db.prepare<[], number>('SELECT total_changes()').pluck(true),
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

  /** Scopes whose `scopes` row is known to be committed: their requests skip the seeding check. */
  const seededScopes = new Set<string>();
  /** The data upgrade of rows an earlier release wrote (store/migrations.ts); idempotent. */
  const upgradeOlderRows = (): void => {
    vpcStore.addMissingVpcNetworks();
    prefixListStore.upgradeAwsManagedPrefixListIds();
  };
  // One transaction wrapper for every request: db.transaction() builds a new one per call.
  const inTransaction = db.transaction((fn: () => unknown) => fn());

  /**
   * The salt the default ids are derived with, kept in `meta` so a restart on the same file shows
   * the same defaults for scopes not yet written to. A reset or an import draws a new one: a fresh
   * start gets fresh default ids, and no id of an imported document can meet a derived one.
   */
  const newSalt = (): void => {
    sql.setSalt.run(randomBytes(16).toString('hex'));
  };
  if (sql.salt.get() === undefined) newSalt();

  /** Writes the scope's defaults unless its `scopes` row exists; whether it wrote them. */
  function seedScope(scope: Scope): boolean {
    if (sql.scopeExists.get(scope.accountId, scope.region)) return false;
    sql.insertScope.run(scope.accountId, scope.region);
    // Read in the transaction: a reset or import that rolled back leaves the salt it had.
    const salt = sql.salt.get() ?? '';
    withDerivedIds(`${salt}/${scope.accountId}/${scope.region}`, () => {
      vpcStore.insertVpc(scope, { cidrBlock: DEFAULT_VPC_CIDR, isDefault: true, instanceTenancy: 'default' });
      prefixListStore.seedAwsManagedPrefixLists(scope);
    });
    return true;
  }

  return {
    /**
     * A number that changes whenever anything is written (SQLite's total_changes(): rolled-back
     * writes count too). A read done in slices compares it to know that nothing changed in between.
     */
    changeCount(): number {
      return sql.totalChanges.get()!;
    },

    /** Runs `fn` in one SQLite transaction: any throw rolls back every write it made. */
    transaction<T>(fn: () => T): T {
      return inTransaction(fn) as T;
    },

    /**
     * Runs one request's `fn` in one transaction, with the scope's defaults present. In a scope
     * whose defaults are not stored yet they are written first, in the same transaction: kept if
     * `fn` succeeds and writes something itself, rolled back (after `fn`'s answer is taken) if it
     * writes nothing, and rolled back with everything else if it throws.
     */
    inScope<T>(scope: Scope, fn: () => T): T {
      const key = `${scope.accountId}/${scope.region}`;
      if (seededScopes.has(key)) return inTransaction(fn) as T;
      let existed = false;
      try {
        const result = inTransaction(() => {
          existed = !seedScope(scope);
          if (existed) return fn();
          const before = sql.totalChanges.get();
          const answer = fn();
          if (sql.totalChanges.get() === before) throw new UnkeptSeed(answer);
          return answer;
        }) as T;
        seededScopes.add(key);
        return result;
      } catch (error) {
        if (error instanceof UnkeptSeed) return error.answer as T;
        throw error;
      } finally {
        // The row was there before this transaction: nothing can have removed it.
        if (existed) seededScopes.add(key);
      }
    },

    /** Creates and keeps an account-region's defaults now, if it has none (tests, embedding). */
    ensureScope(scope: Scope): void {
      const key = `${scope.accountId}/${scope.region}`;
      if (seededScopes.has(key)) return;
      inTransaction(() => seedScope(scope));
      seededScopes.add(key);
    },

    /** Forgets which scopes were seeded (after the database was emptied). */
    forgetSeededScopes(): void {
      seededScopes.clear();
    },

    // ---- the whole state: reset(), tableCounts(), exportState(), importState() (store/state.ts)
    ...createStateAccess(db, {
      forgetCaches: () => seededScopes.clear(),
      upgradeData: upgradeOlderRows,
      // Inside the reset's or the import's transaction.
      newDefaultIdSalt: newSalt,
    }),

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
    ...createConsoleReads(db), // what the web console reads (store/console-reads.ts)
    ...createEvaluationReads(db), // what flow evaluation reads (store/evaluation-reads.ts)
  };
}

export type Store = ReturnType<typeof createStore>;

/** The `meta` key of the salt default ids are derived with. */
const DEFAULT_ID_SALT_KEY = 'default_id_salt';

/** Carries a read's answer out of the transaction that is rolled back to drop the seeded defaults. */
class UnkeptSeed {
  constructor(readonly answer: unknown) {}
}
