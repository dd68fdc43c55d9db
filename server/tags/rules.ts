/**
 * Tag rules shared by every action that takes tags (aws-reference §2F, §3.3):
 * at most 50 tags per resource; keys 1-127 characters, values at most 256; keys starting with
 * `aws:` are reserved. `TagSpecifications` must name the resource type the action creates.
 */
import type { TagSpecification } from '@aws-sdk/client-ec2';
import { ec2Error, invalidValue } from '../../protocol/errors.js';
import type { Tag } from '../../store/records.js';
import type { TaggedResourceType } from '../../store/store.js';

export const MAX_TAGS_PER_RESOURCE = 50;

/** A tag key as CreateTags, DeleteTags and TagSpecifications all check it (F-2, F-5). */
export function validateTagKey(key: string, via: 'request' | 'specification'): void {
  if (key === '') throw invalidValue("Value ( '' ) for parameter Tag key is invalid. Tag key cannot be null or empty.");
  if ([...key].length > 127) {
    throw invalidValue(`Value ( ${key} ) for parameter key is invalid. Tag keys cannot be longer than 127 characters`);
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw invalidValue(
      via === 'request'
        ? `Value ( ${key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use`
        : "Tag keys starting with 'aws:' are reserved for internal use",
    );
  }
}

export function validateTag(tag: { Key?: string | undefined; Value?: string | undefined }, via: 'request' | 'specification'): Tag {
  const key = tag.Key ?? '';
  const value = tag.Value ?? '';
  validateTagKey(key, via);
  if ([...value].length > 256) {
    throw invalidValue(`Value ( ${value} ) for parameter value is invalid. Tag values cannot be longer than 256 characters`);
  }
  return { key, value };
}

/** The tags a create or authorize call asks for, for the one resource type it creates. */
export function tagsFromSpecifications(
  specifications: readonly TagSpecification[] | undefined,
  resourceType: TaggedResourceType,
): Tag[] {
  const tags = new Map<string, Tag>();
  let seenType = false;
  for (const specification of specifications ?? []) {
    const type = specification.ResourceType;
    if (type === undefined) throw ec2Error('MissingParameter', 'TagSpecification.ResourceType');
    if (type !== resourceType) {
      throw invalidValue(`'${type}' is not a valid taggable resource type for this operation.`);
    }
    if (seenType) throw invalidValue('The same resource type may not be specified more than once in tag specifications');
    seenType = true;
    for (const raw of specification.Tags ?? []) {
      const tag = validateTag(raw, 'specification');
      if (tags.has(tag.key)) throw invalidValue(`Duplicate tag key '${tag.key}' specified.`);
      tags.set(tag.key, tag);
    }
  }
  if (tags.size > MAX_TAGS_PER_RESOURCE) throw ec2Error('TagLimitExceeded');
  return [...tags.values()];
}
