/**
 * CreateTags, DeleteTags, DescribeTags on the resources this emulator has: security groups
 * (`sg-`), security-group rules (`sgr-`), VPCs (`vpc-`), customer-managed prefix lists (`pl-`),
 * subnets (`subnet-`), network interfaces (`eni-`), network ACLs (`acl-`), route tables (`rtb-`) and
 * VPC peering connections (`pcx-`).
 *
 * AWS rules implemented (aws-reference §2F, §3.3, §4.2):
 * - `ResourceId.N` is required (F-7); an id of no known kind is `InvalidID` (F-3); a missing
 *   resource answers its own NotFound code (F-4), not `InvalidID`;
 * - tag keys 1-127 characters, not starting with `aws:` (F-2, F-5); values at most 256, any
 *   Unicode, may be empty (F-1); at most 50 tags per resource (F-6); an existing key is overwritten;
 * - DeleteTags: `Tag.N.Key` alone deletes the key whatever its value; with `Value` (even empty)
 *   only when the value matches; no `Tag.N` deletes every tag except AWS's own `aws:` ones;
 * - DescribeTags filters `key`, `resource-id`, `resource-type`, `value`, `tag:<key>`, with
 *   wildcards; MaxResults 5-1000 with NextToken paging in the order tags were first written.
 * The whole request succeeds or fails: every id and tag is checked before anything is written.
 */
import type {
  CreateTagsRequest,
  DeleteTagsRequest,
  DescribeTagsRequest,
  DescribeTagsResult,
} from '@aws-sdk/client-ec2';
import { ec2Error, invalidValue } from '../../protocol/errors.js';
import {
  isNetworkAclId,
  isNetworkInterfaceId,
  isPrefixListId,
  isRouteTableId,
  isSecurityGroupId,
  isSecurityGroupRuleId,
  isSubnetId,
  isVpcId,
  isVpcPeeringConnectionId,
} from '../../store/ids.js';
import type { Tag } from '../../store/records.js';
import type { TaggedResourceType } from '../../store/store.js';
import type { TagDescriptionRecord } from '../../store/tags.js';
import type { Deps, RequestContext } from '../context.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { takePage, validatePageRequest } from '../paging.js';
import { awsManagedListIsReadOnly, isAwsManaged, prefixListNotFound } from '../prefix-lists/handlers.js';
import { MAX_TAGS_PER_RESOURCE, validateTag, validateTagKey } from './rules.js';

interface TaggableResource {
  readonly resourceId: string;
  readonly resourceType: TaggedResourceType;
}

/** The kind of resource an id names, by its prefix; `InvalidID` for any other id. */
function resourceTypeOf(resourceId: string): TaggedResourceType {
  if (isSecurityGroupRuleId(resourceId)) return 'security-group-rule';
  if (isSecurityGroupId(resourceId)) return 'security-group';
  if (isVpcId(resourceId)) return 'vpc';
  if (isPrefixListId(resourceId)) return 'prefix-list';
  if (isSubnetId(resourceId)) return 'subnet';
  if (isNetworkInterfaceId(resourceId)) return 'network-interface';
  if (isNetworkAclId(resourceId)) return 'network-acl';
  if (isRouteTableId(resourceId)) return 'route-table';
  if (isVpcPeeringConnectionId(resourceId)) return 'vpc-peering-connection';
  throw ec2Error('InvalidID', resourceId);
}

/** The request's resources, each id's form checked (existence comes later: `assertAllExist`). */
function taggableResources(resourceIds: readonly string[] | undefined): TaggableResource[] {
  if (!resourceIds || resourceIds.length === 0) throw ec2Error('MissingParameter', 'resourceIdSet');
  return [...new Set(resourceIds)].map((resourceId) => ({ resourceId, resourceType: resourceTypeOf(resourceId) }));
}

function assertAllExist(resources: readonly TaggableResource[], ctx: RequestContext, deps: Deps): void {
  for (const { resourceId, resourceType } of resources) assertExists(resourceId, resourceType, ctx, deps);
}

function assertExists(resourceId: string, type: TaggedResourceType, ctx: RequestContext, deps: Deps): void {
  const store = deps.store;
  switch (type) {
    case 'security-group':
      if (!store.getGroup(ctx.scope, resourceId)) throw ec2Error('InvalidGroup.NotFound', resourceId);
      return;
    case 'security-group-rule':
      if (!store.getRule(ctx.scope, resourceId)) throw ec2Error('InvalidSecurityGroupRuleId.NotFound', resourceId);
      return;
    case 'vpc':
      if (!store.getVpc(ctx.scope, resourceId)) throw ec2Error('InvalidVpcID.NotFound', resourceId);
      return;
    case 'subnet':
      if (!store.getSubnet(ctx.scope, resourceId)) throw ec2Error('InvalidSubnetID.NotFound', resourceId);
      return;
    case 'network-interface':
      if (!store.getNetworkInterface(ctx.scope, resourceId)) throw ec2Error('InvalidNetworkInterfaceID.NotFound', resourceId);
      return;
    case 'network-acl':
      if (!store.getNetworkAcl(ctx.scope, resourceId)) throw ec2Error('InvalidNetworkAclID.NotFound', resourceId);
      return;
    case 'route-table':
      if (!store.getRouteTable(ctx.scope, resourceId)) throw ec2Error('InvalidRouteTableID.NotFound', resourceId);
      return;
    case 'vpc-peering-connection':
      if (!store.getVpcPeering(ctx.scope, resourceId)) throw ec2Error('InvalidVpcPeeringConnectionID.NotFound', resourceId);
      return;
    case 'prefix-list': {
      const list = store.getPrefixListDetails(ctx.scope, resourceId);
      if (!list) throw prefixListNotFound(resourceId);
      if (isAwsManaged(list)) throw awsManagedListIsReadOnly(resourceId, 'tagged');
      return;
    }
  }
}

// ---------------------------------------------------------------- CreateTags

export function createTags(input: CreateTagsRequest, ctx: RequestContext, deps: Deps): { Return: boolean } {
  const resources = taggableResources(input.Resources);
  if (!input.Tags || input.Tags.length === 0) throw ec2Error('MissingParameter', 'tagSet');
  const tags = new Map<string, Tag>();
  for (const raw of input.Tags) {
    const tag = validateTag(raw, 'request');
    if (tags.has(tag.key)) throw invalidValue(`Duplicate tag key '${tag.key}' specified.`);
    tags.set(tag.key, tag);
  }
  assertAllExist(resources, ctx, deps);
  for (const { resourceId } of resources) {
    const keys = new Set(deps.store.tagsOfResource(resourceId).map((t) => t.key));
    for (const key of tags.keys()) keys.add(key);
    if (keys.size > MAX_TAGS_PER_RESOURCE) throw ec2Error('TagLimitExceeded');
  }
  for (const { resourceId, resourceType } of resources) {
    deps.store.setTags(ctx.scope, resourceId, resourceType, [...tags.values()]);
  }
  return { Return: true };
}

// ---------------------------------------------------------------- DeleteTags

export function deleteTags(input: DeleteTagsRequest, ctx: RequestContext, deps: Deps): { Return: boolean } {
  const resources = taggableResources(input.Resources);
  const selectors = input.Tags ?? [];
  // Keys follow CreateTags' rules; values are not checked, they only select.
  for (const tag of selectors) validateTagKey(tag.Key ?? '', 'request');
  assertAllExist(resources, ctx, deps);
  for (const { resourceId } of resources) {
    if (selectors.length === 0) {
      deps.store.deleteUserTags(resourceId);
      continue;
    }
    for (const tag of selectors) deps.store.deleteTag(resourceId, tag.Key!, tag.Value);
  }
  return { Return: true };
}

// ---------------------------------------------------------------- DescribeTags

const TAG_FILTERS: FilterTable<TagDescriptionRecord> = {
  filters: {
    key: { values: (t) => [t.key] },
    value: { values: (t) => [t.value] },
    'resource-id': { values: (t) => [t.resourceId] },
    'resource-type': { values: (t) => [t.resourceType] },
  },
  // `tag:<key>` selects the tags with that key and one of the values (an item is one tag).
  tags: (t) => [t],
  // DescribeTags documents `tag:<key>` but not `tag-key` (its `key` filter does that).
  tagKeyFilter: false,
};

export function describeTags(input: DescribeTagsRequest, ctx: RequestContext, deps: Deps): DescribeTagsResult {
  validatePageRequest(input);
  const matches = compileFilters(input.Filters, TAG_FILTERS);
  // Tags of a resource still hidden by the consistency delay (server/realism.ts) are hidden with it.
  const { isVisible } = deps.realism;
  const tags = deps.store.listTagDescriptions(ctx.scope).filter((t) => isVisible(t.resourceId) && matches(t));
  const page = takePage(tags, input);
  return {
    Tags: page.items.map((t) => ({
      Key: t.key,
      ResourceId: t.resourceId,
      ResourceType: t.resourceType as NonNullable<DescribeTagsResult['Tags']>[number]['ResourceType'],
      Value: t.value,
    })),
    NextToken: page.nextToken,
  };
}
