/**
 * Tags of every resource type: the writes (`setTags`), one resource's tags, the tags of all
 * resources of one type (what each describe call joins to its records), the tag actions' listing,
 * and the deletes. Every resource store reads and deletes tags through this one, so the tag SQL
 * lives in one place.
 * Tags live in one table for every resource type; `seq` (AUTOINCREMENT, never reused) is the order
 * DescribeTags lists and pages them in, so a tag written while a client pages appears once, later.
 */
import type { Db } from './db.js';
import type { Scope, Tag } from './records.js';

interface TagRow {
  seq: number;
  resource_id: string;
  resource_type: string;
  key: string;
  value: string;
}

/** The `resource_type` column: what DescribeTags reports and filters by. */
export type TaggedResourceType =
  | 'security-group'
  | 'security-group-rule'
  | 'vpc'
  | 'prefix-list'
  | 'subnet'
  | 'network-interface'
  | 'network-acl'
  | 'route-table'
  | 'vpc-peering-connection';

/** One tag of one resource, as DescribeTags reports it. */
export interface TagDescriptionRecord extends Tag {
  readonly seq: number;
  readonly resourceId: string;
  readonly resourceType: string;
}

/** The tags of an untagged resource: one shared frozen array, no allocation per record. */
export const NO_TAGS: readonly Tag[] = Object.freeze([]);

export function createTagStore(db: Db) {
  const sql = {
    tagsOfScope: db.prepare<[string, string], TagRow>(
      'SELECT seq, resource_id, resource_type, key, value FROM tags WHERE account_id = ? AND region = ? ORDER BY seq',
    ),
    deleteKey: db.prepare<[string, string]>('DELETE FROM tags WHERE resource_id = ? AND key = ?'),
    deleteKeyWithValue: db.prepare<[string, string, string]>(
      'DELETE FROM tags WHERE resource_id = ? AND key = ? AND value = ?',
    ),
    deleteAll: db.prepare<[string]>("DELETE FROM tags WHERE resource_id = ? AND key NOT LIKE 'aws:%'"),
    tagsOfType: db.prepare<[string, string, string], Pick<TagRow, 'resource_id' | 'key' | 'value'>>(
      'SELECT resource_id, key, value FROM tags WHERE account_id = ? AND region = ? AND resource_type = ? ORDER BY seq',
    ),
    // One resource's tags: on every Describe of a single group or VPC (test/unit/store/query-plans.test.ts).
    tagsOf: db.prepare<[string], Pick<TagRow, 'resource_id' | 'key' | 'value'>>(
      'SELECT resource_id, key, value FROM tags WHERE resource_id = ? ORDER BY rowid',
    ),
    upsertTag: db.prepare<[string, string, string, string, string, string]>(
      `INSERT INTO tags (resource_id, resource_type, account_id, region, key, value)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (resource_id, key) DO UPDATE SET value = excluded.value`,
    ),
    deleteTagsOf: db.prepare<[string]>('DELETE FROM tags WHERE resource_id = ?'),
  };

  /** One resource's tags, oldest first. */
  const tagsOf = (resourceId: string): readonly Tag[] => {
    const rows = sql.tagsOf.all(resourceId);
    return rows.length === 0 ? NO_TAGS : rows.map((row) => ({ key: row.key, value: row.value }));
  };

  return {
    /** Adds the tags to the resource, replacing the value of a key it already has. */
    setTags(scope: Scope, resourceId: string, resourceType: TaggedResourceType, tags: readonly Tag[]): void {
      for (const tag of tags) {
        sql.upsertTag.run(resourceId, resourceType, scope.accountId, scope.region, tag.key, tag.value);
      }
    },

    /** The tags of every resource of one type in the account-region, by resource id. */
    tagsByResourceOfType(scope: Scope, resourceType: string): Map<string, Tag[]> {
      const map = new Map<string, Tag[]>();
      for (const row of sql.tagsOfType.all(scope.accountId, scope.region, resourceType)) {
        let list = map.get(row.resource_id);
        if (!list) map.set(row.resource_id, (list = []));
        list.push({ key: row.key, value: row.value });
      }
      return map;
    },

    tagsOf,
    /** The same as `tagsOf`, under the name the tag actions call it by. */
    tagsOfResource: tagsOf,

    /** Deletes every tag of a resource that is being deleted. */
    deleteTagsOfResource(resourceId: string): void {
      sql.deleteTagsOf.run(resourceId);
    },

    /** Every tag of the account-region, oldest first. */
    listTagDescriptions(scope: Scope): TagDescriptionRecord[] {
      return sql.tagsOfScope.all(scope.accountId, scope.region).map((row) => ({
        seq: row.seq,
        resourceId: row.resource_id,
        resourceType: row.resource_type,
        key: row.key,
        value: row.value,
      }));
    },

    /** Deletes `key` whatever its value, or (with `value`) only when the value is exactly that. */
    deleteTag(resourceId: string, key: string, value?: string): void {
      if (value === undefined) sql.deleteKey.run(resourceId, key);
      else sql.deleteKeyWithValue.run(resourceId, key, value);
    },

    /** Deletes every tag of the resource except AWS's own (`aws:` keys). */
    deleteUserTags(resourceId: string): void {
      sql.deleteAll.run(resourceId);
    },
  };
}

export type TagStore = ReturnType<typeof createTagStore>;
