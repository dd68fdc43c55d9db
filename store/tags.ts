/**
 * Tag listing and deletes for the tag actions (writes go through the store's `setTags`, one
 * resource's tags through its `tagsOfResource`).
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

/** One tag of one resource, as DescribeTags reports it. */
export interface TagDescriptionRecord extends Tag {
  readonly seq: number;
  readonly resourceId: string;
  readonly resourceType: string;
}

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
    tagsOf: db.prepare<[string], Pick<TagRow, 'key' | 'value'>>('SELECT key, value FROM tags WHERE resource_id = ? ORDER BY seq'),
    deleteTagsOf: db.prepare<[string]>('DELETE FROM tags WHERE resource_id = ?'),
  };

  return {
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

    /** One resource's tags, oldest first. */
    tagsOf(resourceId: string): Tag[] {
      return sql.tagsOf.all(resourceId).map((row) => ({ key: row.key, value: row.value }));
    },

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
