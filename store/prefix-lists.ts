/**
 * Managed prefix lists and their versioned entries.
 *
 * AWS keeps every version of a list (up to 1,000) readable through GetManagedPrefixListEntries
 * `TargetVersion`. Rather than copying the whole entry set per version, an entry row carries the
 * interval of versions it belongs to, `[added_in, removed_in)`: version V of a list is every row
 * with `added_in <= V` and (`removed_in` NULL or `> V`). A modification closes the removed rows'
 * intervals and opens new rows at the next version, so a version, once written, never changes.
 * A restore is such a modification too: the next version gets the entries of an earlier one.
 *
 * Every region also has AWS-managed lists (S3, DynamoDB), seeded here with the account-region's
 * other defaults (the store's `inScope`: kept from its first write) with AWS's own ids where known;
 * rules may name them as peers like any other list.
 *
 * The store knows SQL and nothing of EC2's errors: handlers validate inside the same transaction.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import { newPrefixListId } from './ids.js';
import type { PrefixListRecord, Scope, Tag } from './records.js';

interface PrefixListRow {
  seq: number;
  prefix_list_id: string;
  account_id: string;
  region: string;
  name: string;
  address_family: 'IPv4' | 'IPv6';
  max_entries: number;
  owner_id: string;
  version: number;
  state: string;
  client_token: string | null;
  request_hash: string | null;
}
interface EntryRow {
  seq: number;
  cidr: string;
  description: string | null;
}
interface AssociatedGroupRow {
  seq: number;
  group_id: string;
  account_id: string;
}
interface TagRow {
  resource_id: string;
  key: string;
  value: string;
}

/** Everything DescribeManagedPrefixLists shows of a list. */
export interface PrefixListDetails extends PrefixListRecord {
  readonly seq: number;
  readonly version: number;
  readonly state: string;
  readonly tags: readonly Tag[];
  /** Digest of the create parameters, for ClientToken idempotency (undefined without a token). */
  readonly requestHash: string | undefined;
}

export interface PrefixListEntry {
  readonly cidr: string;
  readonly description: string | undefined;
}

/** A resource whose configuration references a list (GetManagedPrefixListAssociations). */
export interface PrefixListAssociationRecord {
  readonly seq: number;
  readonly resourceId: string;
  readonly resourceOwner: string;
}

/** A list's new name, size, version and state, with the entry changes that make the new version. */
export interface PrefixListChange {
  readonly name: string;
  readonly maxEntries: number;
  readonly version: number;
  readonly state: string;
  readonly entryChanges?: { readonly add: readonly PrefixListEntry[]; readonly removeCidrs: readonly string[] };
}

/** AWS keeps this many versions of a list readable (aws-reference §3.3). */
export const PREFIX_LIST_VERSIONS_KEPT = 1000;

/** The AWS-managed prefix lists every region has (aws-reference G-2). */
const AWS_MANAGED_PREFIX_LISTS = [
  { service: 's3', maxEntries: 1 },
  { service: 'dynamodb', maxEntries: 1 },
] as const;

/**
 * AWS's own ids of its lists, the ones users copy into configurations (docs/fidelity.md, "Managed
 * prefix lists", says where each comes from): 8 hex digits, fixed per region and service.
 */
export const KNOWN_AWS_MANAGED_PREFIX_LIST_IDS: Readonly<Record<string, Readonly<Record<'s3' | 'dynamodb', string>>>> = {
  'us-east-1': { s3: 'pl-63a5400a', dynamodb: 'pl-02cd2c6b' },
  'us-east-2': { s3: 'pl-7ba54012', dynamodb: 'pl-4ca54025' },
  'us-west-1': { s3: 'pl-6ba54002', dynamodb: 'pl-6ea54007' },
  'us-west-2': { s3: 'pl-68a54001', dynamodb: 'pl-00a54069' },
};

/**
 * The id of an AWS-managed list: AWS's own where known, else 8 hex digits derived from the region
 * and service (stable across restarts and releases). The same for every account of a region, as on AWS.
 */
export function awsManagedPrefixListId(region: string, service: string): string {
  const known = KNOWN_AWS_MANAGED_PREFIX_LIST_IDS[region]?.[service as 's3' | 'dynamodb'];
  return known ?? `pl-${createHash('sha256').update(`${region}/${service}`).digest('hex').slice(0, 8)}`;
}

/** The state message of a list whose deletion failed (our text; docs/fidelity.md: "Managed prefix lists"). */
export function deleteFailedMessage(prefixListId: string): string {
  return `The prefix list ${prefixListId} could not be deleted because it is referenced by one or more resources.`;
}

export function createPrefixListStore(db: Db) {
  const sql = {
    listById: db.prepare<[string, string, string], PrefixListRow>(
      'SELECT * FROM prefix_lists WHERE prefix_list_id = ? AND account_id = ? AND region = ?',
    ),
    listsOfScope: db.prepare<[string, string], PrefixListRow>(
      'SELECT * FROM prefix_lists WHERE account_id = ? AND region = ? ORDER BY seq',
    ),
    listByToken: db.prepare<[string, string, string], PrefixListRow>(
      'SELECT * FROM prefix_lists WHERE account_id = ? AND region = ? AND client_token = ?',
    ),
    countCustomerLists: db.prepare<[string, string], { n: number }>(
      "SELECT count(*) AS n FROM prefix_lists WHERE account_id = ? AND region = ? AND owner_id <> 'AWS'",
    ),
    insertAwsManagedList: db.prepare(
      `INSERT INTO prefix_lists (prefix_list_id, account_id, region, name, address_family, max_entries, owner_id)
       VALUES (@prefix_list_id, @account_id, @region, @name, @address_family, @max_entries, @owner_id)`,
    ),
    insertList: db.prepare(
      `INSERT INTO prefix_lists (prefix_list_id, account_id, region, name, address_family, max_entries, owner_id,
         version, state, client_token, request_hash)
       VALUES (@prefix_list_id, @account_id, @region, @name, @address_family, @max_entries, @owner_id,
         1, 'create-complete', @client_token, @request_hash)`,
    ),
    updateList: db.prepare(
      `UPDATE prefix_lists SET name = @name, max_entries = @max_entries, version = @version, state = @state
       WHERE prefix_list_id = @prefix_list_id AND account_id = @account_id AND region = @region`,
    ),
    setState: db.prepare<[string, string, string, string]>(
      'UPDATE prefix_lists SET state = ? WHERE prefix_list_id = ? AND account_id = ? AND region = ?',
    ),
    awsManagedLists: db.prepare<[], { prefix_list_id: string; account_id: string; region: string; name: string }>(
      "SELECT prefix_list_id, account_id, region, name FROM prefix_lists WHERE owner_id = 'AWS' ORDER BY seq",
    ),
    renameListId: db.prepare<[string, string, string, string]>(
      'UPDATE prefix_lists SET prefix_list_id = ? WHERE prefix_list_id = ? AND account_id = ? AND region = ?',
    ),
    renameEntriesListId: db.prepare<[string, string, string, string]>(
      'UPDATE prefix_list_entries SET prefix_list_id = ? WHERE prefix_list_id = ? AND account_id = ? AND region = ?',
    ),
    renameRulePeer: db.prepare<[string, string, string, string]>(
      "UPDATE security_group_rules SET peer = ? WHERE peer = ? AND peer_kind = 'pl' AND account_id = ? AND region = ?",
    ),
    renameTagsResource: db.prepare<[string, string, string, string]>(
      'UPDATE tags SET resource_id = ? WHERE resource_id = ? AND account_id = ? AND region = ?',
    ),
    deleteList: db.prepare<[string, string, string]>(
      'DELETE FROM prefix_lists WHERE prefix_list_id = ? AND account_id = ? AND region = ?',
    ),
    entriesAt: db.prepare<[string, string, string, number, number], EntryRow>(
      `SELECT seq, cidr, description FROM prefix_list_entries
       WHERE prefix_list_id = ? AND account_id = ? AND region = ? AND added_in <= ? AND (removed_in IS NULL OR removed_in > ?)
       ORDER BY seq`,
    ),
    insertEntry: db.prepare(
      `INSERT INTO prefix_list_entries (prefix_list_id, account_id, region, cidr, description, added_in)
       VALUES (@prefix_list_id, @account_id, @region, @cidr, @description, @added_in)`,
    ),
    closeEntry: db.prepare<[number, string, string, string, string]>(
      `UPDATE prefix_list_entries SET removed_in = ?
       WHERE prefix_list_id = ? AND account_id = ? AND region = ? AND cidr = ? AND removed_in IS NULL`,
    ),
    forgetOldEntries: db.prepare<[string, string, string, number]>(
      `DELETE FROM prefix_list_entries
       WHERE prefix_list_id = ? AND account_id = ? AND region = ? AND removed_in IS NOT NULL AND removed_in <= ?`,
    ),
    deleteEntries: db.prepare<[string, string, string]>(
      'DELETE FROM prefix_list_entries WHERE prefix_list_id = ? AND account_id = ? AND region = ?',
    ),
    tagsOf: db.prepare<[string], TagRow>('SELECT resource_id, key, value FROM tags WHERE resource_id = ? ORDER BY seq'),
    tagsOfType: db.prepare<[string, string], TagRow>(
      "SELECT resource_id, key, value FROM tags WHERE account_id = ? AND region = ? AND resource_type = 'prefix-list' ORDER BY seq",
    ),
    deleteTagsOf: db.prepare<[string]>('DELETE FROM tags WHERE resource_id = ?'),
    associatedGroups: db.prepare<[string, string, string], AssociatedGroupRow>(
      `SELECT g.seq, g.group_id, g.account_id FROM security_groups g
       WHERE g.group_id IN (
         SELECT r.group_id FROM security_group_rules r
         WHERE r.peer = ? AND r.peer_kind = 'pl' AND r.account_id = ? AND r.region = ?)
       ORDER BY g.seq`,
    ),
    referencingRules: db.prepare<[string, string, string], { group_id: string; is_egress: number }>(
      `SELECT DISTINCT group_id, is_egress FROM security_group_rules
       WHERE peer = ? AND peer_kind = 'pl' AND account_id = ? AND region = ? ORDER BY group_id, is_egress`,
    ),
  };

  const toRecord = (row: PrefixListRow): PrefixListRecord => ({
    prefixListId: row.prefix_list_id,
    name: row.name,
    addressFamily: row.address_family,
    maxEntries: row.max_entries,
    ownerId: row.owner_id,
  });
  const toDetails = (row: PrefixListRow, tags: readonly Tag[]): PrefixListDetails => ({
    seq: row.seq,
    ...toRecord(row),
    version: row.version,
    state: row.state,
    tags,
    requestHash: row.request_hash ?? undefined,
  });
  // AWS-managed lists are never tagged by an account (the handlers refuse), so their shared id
  // cannot pick up another account's tags here.
  const tagsOf = (id: string): Tag[] => sql.tagsOf.all(id).map((t) => ({ key: t.key, value: t.value }));

  function insertEntries(scope: Scope, prefixListId: string, version: number, entries: readonly PrefixListEntry[]): void {
    for (const entry of entries) {
      sql.insertEntry.run({
        prefix_list_id: prefixListId,
        account_id: scope.accountId,
        region: scope.region,
        cidr: entry.cidr,
        description: entry.description ?? null,
        added_in: version,
      });
    }
  }

  /** Entries of an AWS-managed list (version 1), written when the region is first used. */
  function seedPrefixListEntries(scope: Scope, prefixListId: string, entries: readonly PrefixListEntry[]): void {
    insertEntries(scope, prefixListId, 1, entries);
  }

  /** The entries of one version, in the order they were added. */
  function entriesAt(scope: Scope, prefixListId: string, version: number): (PrefixListEntry & { seq: number })[] {
    return sql.entriesAt
      .all(prefixListId, scope.accountId, scope.region, version, version)
      .map((row) => ({ seq: row.seq, cidr: row.cidr, description: row.description ?? undefined }));
  }

  /**
   * Writes a list's new name, size, version and state. With `entryChanges`, the new version
   * drops `removeCidrs` and gains `add`; versions older than the last 1,000 are forgotten.
   */
  function updatePrefixList(scope: Scope, prefixListId: string, change: PrefixListChange): void {
    sql.updateList.run({
      prefix_list_id: prefixListId,
      account_id: scope.accountId,
      region: scope.region,
      name: change.name,
      max_entries: change.maxEntries,
      version: change.version,
      state: change.state,
    });
    if (!change.entryChanges) return;
    for (const cidr of change.entryChanges.removeCidrs) {
      sql.closeEntry.run(change.version, prefixListId, scope.accountId, scope.region, cidr);
    }
    insertEntries(scope, prefixListId, change.version, change.entryChanges.add);
    const oldestKept = change.version - PREFIX_LIST_VERSIONS_KEPT + 1;
    if (oldestKept > 1) sql.forgetOldEntries.run(prefixListId, scope.accountId, scope.region, oldestKept);
  }

  return {
    /** A list as a rule's peer sees it (the rule quota weighs it by its MaxEntries). */
    getPrefixList(scope: Scope, prefixListId: string): PrefixListRecord | undefined {
      const row = sql.listById.get(prefixListId, scope.accountId, scope.region);
      return row && toRecord(row);
    },

    getPrefixListDetails(scope: Scope, prefixListId: string): PrefixListDetails | undefined {
      const row = sql.listById.get(prefixListId, scope.accountId, scope.region);
      return row && toDetails(row, tagsOf(row.prefix_list_id));
    },

    listPrefixLists(scope: Scope): PrefixListDetails[] {
      const tags = new Map<string, Tag[]>();
      for (const t of sql.tagsOfType.all(scope.accountId, scope.region)) {
        let list = tags.get(t.resource_id);
        if (!list) tags.set(t.resource_id, (list = []));
        list.push({ key: t.key, value: t.value });
      }
      return sql.listsOfScope
        .all(scope.accountId, scope.region)
        .map((row) => toDetails(row, row.owner_id === 'AWS' ? [] : (tags.get(row.prefix_list_id) ?? [])));
    },

    findPrefixListByClientToken(scope: Scope, clientToken: string): PrefixListDetails | undefined {
      const row = sql.listByToken.get(scope.accountId, scope.region, clientToken);
      return row && toDetails(row, tagsOf(row.prefix_list_id));
    },

    countCustomerPrefixLists(scope: Scope): number {
      return sql.countCustomerLists.get(scope.accountId, scope.region)!.n;
    },

    /** A customer-managed list at version 1 with its first entries; returns its new id. */
    insertCustomerPrefixList(
      scope: Scope,
      list: {
        name: string;
        addressFamily: 'IPv4' | 'IPv6';
        maxEntries: number;
        entries: readonly PrefixListEntry[];
        clientToken: string | undefined;
        requestHash: string | undefined;
      },
    ): string {
      const prefixListId = newPrefixListId();
      sql.insertList.run({
        prefix_list_id: prefixListId,
        account_id: scope.accountId,
        region: scope.region,
        name: list.name,
        address_family: list.addressFamily,
        max_entries: list.maxEntries,
        owner_id: scope.accountId,
        client_token: list.clientToken ?? null,
        request_hash: list.requestHash ?? null,
      });
      insertEntries(scope, prefixListId, 1, list.entries);
      return prefixListId;
    },

    seedPrefixListEntries,

    /** The region's AWS-managed lists with their entries, for an account-region used the first time. */
    seedAwsManagedPrefixLists(scope: Scope): void {
      for (const list of AWS_MANAGED_PREFIX_LISTS) {
        const prefixListId = awsManagedPrefixListId(scope.region, list.service);
        sql.insertAwsManagedList.run({
          prefix_list_id: prefixListId,
          account_id: scope.accountId,
          region: scope.region,
          name: `com.amazonaws.${scope.region}.${list.service}`,
          address_family: 'IPv4',
          max_entries: list.maxEntries,
          owner_id: 'AWS',
        });
        seedPrefixListEntries(scope, prefixListId, AWS_MANAGED_PREFIX_LIST_ENTRIES[list.service]);
      }
    },

    /** The entries of one version, in the order they were added. */
    prefixListEntries: entriesAt,

    updatePrefixList,

    /**
     * Makes `change.version` a copy of the entries of `previousVersion` (RestoreManagedPrefixListVersion):
     * current entries that version lacks (or has with another description) are closed, its entries
     * the current version lacks are added again. Returns how many entries the new version has.
     */
    restorePrefixListVersion(
      scope: Scope,
      prefixListId: string,
      previousVersion: number,
      currentVersion: number,
      change: Omit<PrefixListChange, 'entryChanges'>,
    ): number {
      const previous = entriesAt(scope, prefixListId, previousVersion);
      const current = entriesAt(scope, prefixListId, currentVersion);
      const previousByCidr = new Map(previous.map((entry) => [entry.cidr, entry]));
      const currentByCidr = new Map(current.map((entry) => [entry.cidr, entry]));
      const same = (a: PrefixListEntry | undefined, b: PrefixListEntry) => a !== undefined && a.description === b.description;
      const removeCidrs = current.filter((entry) => !same(previousByCidr.get(entry.cidr), entry)).map((entry) => entry.cidr);
      const add = previous
        .filter((entry) => !same(currentByCidr.get(entry.cidr), entry))
        .map((entry) => ({ cidr: entry.cidr, description: entry.description }));
      updatePrefixList(scope, prefixListId, { ...change, entryChanges: { add, removeCidrs } });
      return previous.length;
    },

    /** Each security group of the scope with a rule naming the list as its peer, in creation order. */
    prefixListAssociations(scope: Scope, prefixListId: string): PrefixListAssociationRecord[] {
      return sql.associatedGroups
        .all(prefixListId, scope.accountId, scope.region)
        .map((row) => ({ seq: row.seq, resourceId: row.group_id, resourceOwner: row.account_id }));
    },

    /** Sets a list's state alone (a delete refused because rules reference the list: `delete-failed`). */
    setPrefixListState(scope: Scope, prefixListId: string, state: string): void {
      sql.setState.run(state, prefixListId, scope.accountId, scope.region);
    },

    /**
     * Gives AWS-managed lists written by an earlier release (random 17-hex ids) the ids this
     * release seeds, in every table that holds one: the list, its entries, rules naming it as their
     * peer, tags. Idempotent; run by the data upgrade of a file or an imported state document.
     */
    upgradeAwsManagedPrefixListIds(): void {
      for (const row of sql.awsManagedLists.all()) {
        const prefix = `com.amazonaws.${row.region}.`;
        if (!row.name.startsWith(prefix)) continue;
        const wanted = awsManagedPrefixListId(row.region, row.name.slice(prefix.length));
        if (wanted === row.prefix_list_id) continue;
        const args = [wanted, row.prefix_list_id, row.account_id, row.region] as const;
        sql.renameListId.run(...args);
        sql.renameEntriesListId.run(...args);
        sql.renameRulePeer.run(...args);
        sql.renameTagsResource.run(...args);
      }
    },

    deletePrefixList(scope: Scope, prefixListId: string): void {
      sql.deleteEntries.run(prefixListId, scope.accountId, scope.region);
      sql.deleteTagsOf.run(prefixListId);
      sql.deleteList.run(prefixListId, scope.accountId, scope.region);
    },

    /** Each (group, direction) that has a rule naming the list as its peer. */
    prefixListReferences(scope: Scope, prefixListId: string): { groupId: string; direction: 'ingress' | 'egress' }[] {
      return sql.referencingRules
        .all(prefixListId, scope.accountId, scope.region)
        .map((row) => ({ groupId: row.group_id, direction: row.is_egress === 1 ? 'egress' : 'ingress' }));
    },
  };
}

export type PrefixListStore = ReturnType<typeof createPrefixListStore>;

/**
 * Entries of the AWS-managed lists every region has. Illustrative: real ranges of S3 and DynamoDB
 * in us-east-1 (from AWS's published ip-ranges), used for every region.
 */
export const AWS_MANAGED_PREFIX_LIST_ENTRIES: Readonly<Record<'s3' | 'dynamodb', readonly PrefixListEntry[]>> = {
  s3: ['3.5.0.0/19', '16.182.0.0/16', '18.34.0.0/19', '52.216.0.0/15', '54.231.0.0/16'].map((cidr) => ({
    cidr,
    description: undefined,
  })),
  dynamodb: ['3.218.180.0/22', '3.218.184.0/22', '52.94.0.0/22', '52.119.224.0/20'].map((cidr) => ({
    cidr,
    description: undefined,
  })),
};
