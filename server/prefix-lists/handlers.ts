/**
 * Managed prefix lists: CreateManagedPrefixList, DescribeManagedPrefixLists,
 * GetManagedPrefixListEntries, ModifyManagedPrefixList, DeleteManagedPrefixList
 * (DescribePrefixLists and GetManagedPrefixListAssociations: ./reads.ts; RestoreManagedPrefixListVersion:
 * ./restore.ts).
 *
 * AWS rules implemented (aws-reference §2G, §3.3, §4.2):
 * - a name of 1-255 characters not starting with `com.amazonaws`; AddressFamily IPv4 or IPv6;
 *   MaxEntries 1-1000 (G-3); at most 100 entries per request (G-4); CIDRs of the list's family,
 *   canonicalised, each at most once; at most 100 customer lists per region;
 * - every change of entries makes a new version; the last 1,000 versions stay readable through
 *   `TargetVersion`; a name or size change keeps the version; `CurrentVersion` must match;
 * - MaxEntries is changed alone, never below the entry count, and never so far that a group
 *   referencing the list would pass its rule quota (a rule counts a list by its MaxEntries);
 * - AWS-managed lists (owner `AWS`) are read-only.
 * - deleting a list a rule references is accepted (`delete-in-progress`) and fails in the
 *   background: the list stays, in state `delete-failed` with a state message, and the rules keep
 *   naming it, until a later Delete finds no references. A `delete-failed` list is otherwise an
 *   ordinary list: it can be modified, restored, tagged and named by new rules (docs/fidelity.md).
 *
 * AWS does the work of Create/Modify/Delete in the background: their answers carry the state
 * `create-in-progress` / `modify-in-progress` / `delete-in-progress`, while describes show the
 * finished state (`create-complete`, `modify-complete`, `delete-failed`), which here is reached at once.
 */
import type {
  AddPrefixListEntry,
  CreateManagedPrefixListRequest,
  CreateManagedPrefixListResult,
  DeleteManagedPrefixListRequest,
  DeleteManagedPrefixListResult,
  DescribeManagedPrefixListsRequest,
  DescribeManagedPrefixListsResult,
  GetManagedPrefixListEntriesRequest,
  GetManagedPrefixListEntriesResult,
  ManagedPrefixList,
  ModifyManagedPrefixListRequest,
  ModifyManagedPrefixListResult,
  PrefixListState,
} from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import { Ec2Error, ec2Error, invalidValue } from '../../protocol/errors.js';
import { isPrefixListId } from '../../store/ids.js';
import {
  deleteFailedMessage,
  PREFIX_LIST_VERSIONS_KEPT,
  type PrefixListDetails,
  type PrefixListEntry,
} from '../../store/prefix-lists.js';
import type { Direction, Scope } from '../../store/records.js';
import type { Deps, RequestContext } from '../context.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { takePage, validatePageRequest, type PageBounds } from '../paging.js';
import { assertWithinQuota, ruleWeights } from '../security-groups/quota.js';
import { canonicalCidr } from '../security-groups/rules.js';
import { toSdkTags } from '../security-groups/views.js';
import { tagsFromSpecifications } from '../tags/rules.js';

const PREFIX_LIST_PAGE_BOUNDS: PageBounds = { min: 1, max: 100 };
const MAX_ENTRIES_LIMIT = 1000;
const ENTRIES_PER_REQUEST = 100;

// ---------------------------------------------------------------- shared checks and views

/** The prefix-list API's own wording (G-5); rules naming a missing list use the quote form (B-28). */
export function prefixListNotFound(prefixListId: string): Ec2Error {
  return new Ec2Error('InvalidPrefixListID.NotFound', `The prefix list (${prefixListId}) does not exist.`);
}

export const isAwsManaged = (list: { readonly ownerId: string }): boolean => list.ownerId === 'AWS';

export function awsManagedListIsReadOnly(
  prefixListId: string,
  action: 'modified' | 'restored' | 'deleted' | 'tagged',
): Ec2Error {
  return new Ec2Error(
    'InvalidPrefixListModification',
    `The prefix list ${prefixListId} is managed by AWS and cannot be ${action}.`,
  );
}

export function loadPrefixList(ctx: RequestContext, deps: Deps, prefixListId: string | undefined): PrefixListDetails {
  if (prefixListId === undefined) throw ec2Error('MissingParameter', 'PrefixListId');
  const list = isPrefixListId(prefixListId) ? deps.store.getPrefixListDetails(ctx.scope, prefixListId) : undefined;
  if (!list) throw prefixListNotFound(prefixListId);
  return list;
}

/**
 * AWS-managed lists have an ARN in the `aws` account and no MaxEntries or Version of their own
 * (their quota weight is kept in the MaxEntries column for the rule-quota count). Only a
 * `delete-failed` list has a StateMessage.
 */
export function toManagedPrefixList(
  list: PrefixListDetails,
  scope: Scope,
  state: string = list.state,
): ManagedPrefixList {
  const awsManaged = isAwsManaged(list);
  return {
    PrefixListId: list.prefixListId,
    AddressFamily: list.addressFamily,
    State: state as PrefixListState,
    StateMessage: state === 'delete-failed' ? deleteFailedMessage(list.prefixListId) : undefined,
    PrefixListArn: `arn:aws:ec2:${scope.region}:${awsManaged ? 'aws' : scope.accountId}:prefix-list/${list.prefixListId}`,
    PrefixListName: list.name,
    MaxEntries: awsManaged ? undefined : list.maxEntries,
    Version: awsManaged ? undefined : list.version,
    Tags: toSdkTags(list.tags),
    OwnerId: list.ownerId,
  };
}

function validateName(name: string | undefined): string {
  if (name === undefined) throw ec2Error('MissingParameter', 'PrefixListName');
  if (name.length === 0 || [...name].length > 255) {
    throw invalidValue(
      `Value (${name}) for parameter prefixListName is invalid. Prefix list names must be between 1 and 255 characters.`,
    );
  }
  if (name.toLowerCase().startsWith('com.amazonaws')) {
    throw invalidValue(`Value (${name}) for parameter prefixListName is invalid. Prefix list names cannot start with com.amazonaws.`);
  }
  return name;
}

function validateMaxEntries(maxEntries: number): number {
  if (maxEntries < 1 || maxEntries > MAX_ENTRIES_LIMIT) throw invalidValue('Must specify a max size between 1 and 1000');
  return maxEntries;
}

/** New entries in the list's family, canonical, each CIDR once. */
function validateNewEntries(entries: readonly AddPrefixListEntry[], family: 'IPv4' | 'IPv6'): PrefixListEntry[] {
  const seen = new Set<string>();
  return entries.map((entry) => {
    if (entry.Cidr === undefined) throw ec2Error('MissingParameter', 'cidr');
    const cidr = canonicalCidr(entry.Cidr, family === 'IPv4' ? 'ipv4' : 'ipv6');
    if (seen.has(cidr)) throw invalidValue(`The CIDR ${cidr} is specified more than once in the request.`);
    seen.add(cidr);
    const description = entry.Description;
    if (description !== undefined && [...description].length > 255) {
      throw invalidValue(
        `Value (${description}) for parameter description is invalid. Entry descriptions cannot be longer than 255 characters.`,
      );
    }
    return { cidr, description };
  });
}

// ---------------------------------------------------------------- create

export function createManagedPrefixList(
  input: CreateManagedPrefixListRequest,
  ctx: RequestContext,
  deps: Deps,
): CreateManagedPrefixListResult {
  const name = validateName(input.PrefixListName);
  if (input.MaxEntries === undefined) throw ec2Error('MissingParameter', 'MaxEntries');
  if (input.AddressFamily === undefined) throw ec2Error('MissingParameter', 'AddressFamily');
  const family = input.AddressFamily;
  if (family !== 'IPv4' && family !== 'IPv6') {
    throw invalidValue(`Value (${family}) for parameter addressFamily is invalid. Valid values are IPv4 and IPv6.`);
  }
  const maxEntries = validateMaxEntries(input.MaxEntries);
  const requested = input.Entries ?? [];
  if (requested.length > ENTRIES_PER_REQUEST) {
    throw invalidValue('The number of entries per request cannot exceeds limit (100).');
  }
  const entries = validateNewEntries(requested, family);
  if (entries.length > maxEntries) throw ec2Error('PrefixListMaxEntriesExceeded', String(entries.length), String(maxEntries));
  const tags = tagsFromSpecifications(input.TagSpecifications, 'prefix-list');

  // Same token, same parameters: the list that token made, not a second one.
  const clientToken = input.ClientToken;
  let requestHash: string | undefined;
  if (clientToken !== undefined) {
    if ([...clientToken].length > 255) {
      throw invalidValue('Value for parameter clientToken is invalid. Client tokens cannot be longer than 255 characters.');
    }
    requestHash = createHash('sha256').update(JSON.stringify({ name, family, maxEntries, entries, tags })).digest('hex');
    const earlier = deps.store.findPrefixListByClientToken(ctx.scope, clientToken);
    if (earlier) {
      if (earlier.requestHash !== requestHash) throw ec2Error('IdempotentParameterMismatch', clientToken);
      return { PrefixList: toManagedPrefixList(earlier, ctx.scope) };
    }
  }

  const limit = deps.limits.prefixListsPerRegion;
  if (deps.store.countCustomerPrefixLists(ctx.scope) >= limit) throw ec2Error('ResourceLimitExceeded', String(limit));

  const prefixListId = deps.store.insertCustomerPrefixList(ctx.scope, {
    name,
    addressFamily: family,
    maxEntries,
    entries,
    clientToken,
    requestHash,
  });
  if (tags.length > 0) deps.store.setTags(ctx.scope, prefixListId, 'prefix-list', tags);
  const created = deps.store.getPrefixListDetails(ctx.scope, prefixListId)!;
  return { PrefixList: toManagedPrefixList(created, ctx.scope, 'create-in-progress') };
}

// ---------------------------------------------------------------- describe / get entries

const PREFIX_LIST_FILTERS: FilterTable<PrefixListDetails> = {
  // `tag:<key>` and `tag-key` (and `tag-value`): Terraform's aws_ec2_managed_prefix_list data source
  // filters by `tag:`; the model's Filter documentation applies them to every taggable resource.
  tags: (l) => l.tags,
  filters: {
    'owner-id': { values: (l) => [l.ownerId] },
    'prefix-list-id': { values: (l) => [l.prefixListId] },
    'prefix-list-name': { values: (l) => [l.name] },
  },
};

export function describeManagedPrefixLists(
  input: DescribeManagedPrefixListsRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeManagedPrefixListsResult {
  validatePageRequest(input, PREFIX_LIST_PAGE_BOUNDS);
  const matches = compileFilters(input.Filters, PREFIX_LIST_FILTERS);
  const wanted = input.PrefixListIds;
  if (wanted) for (const id of wanted) loadPrefixList(ctx, deps, id);
  const wantedIds = wanted && wanted.length > 0 ? new Set(wanted) : undefined;
  const lists = deps.store
    .listPrefixLists(ctx.scope)
    .filter((list) => (!wantedIds || wantedIds.has(list.prefixListId)) && matches(list));
  const page = takePage(lists, input);
  return { PrefixLists: page.items.map((list) => toManagedPrefixList(list, ctx.scope)), NextToken: page.nextToken };
}

export function getManagedPrefixListEntries(
  input: GetManagedPrefixListEntriesRequest,
  ctx: RequestContext,
  deps: Deps,
): GetManagedPrefixListEntriesResult {
  const list = loadPrefixList(ctx, deps, input.PrefixListId);
  validatePageRequest(input, PREFIX_LIST_PAGE_BOUNDS);
  const version = input.TargetVersion ?? list.version;
  const oldestKept = Math.max(1, list.version - PREFIX_LIST_VERSIONS_KEPT + 1);
  if (version < oldestKept || version > list.version) {
    throw invalidValue(`Value (${version}) for parameter targetVersion is invalid. The prefix list has no version ${version}.`);
  }
  const page = takePage(deps.store.prefixListEntries(ctx.scope, list.prefixListId, version), input);
  return {
    Entries: page.items.map((entry) => ({ Cidr: entry.cidr, Description: entry.description })),
    NextToken: page.nextToken,
  };
}

// ---------------------------------------------------------------- modify


/** Growing a list must not take any group that references it past its rule quota. */
function assertReferencingGroupsFit(ctx: RequestContext, deps: Deps, list: PrefixListDetails, newMaxEntries: number): void {
  if (newMaxEntries <= list.maxEntries) return;
  for (const { groupId, direction } of deps.store.prefixListReferences(ctx.scope, list.prefixListId)) {
    const rules = deps.store.rulesOfGroup(groupId).filter((rule) => rule.direction === (direction as Direction));
    // A list counts as its MaxEntries (§3.3): count this one at the size it is about to take.
    assertWithinQuota(deps, ruleWeights(ctx, deps, rules, { prefixListId: list.prefixListId, maxEntries: newMaxEntries }));
  }
}

export function modifyManagedPrefixList(
  input: ModifyManagedPrefixListRequest,
  ctx: RequestContext,
  deps: Deps,
): ModifyManagedPrefixListResult {
  const list = loadPrefixList(ctx, deps, input.PrefixListId);
  if (isAwsManaged(list)) throw awsManagedListIsReadOnly(list.prefixListId, 'modified');
  if (input.CurrentVersion !== undefined && input.CurrentVersion !== list.version) {
    throw ec2Error('PrefixListVersionMismatch');
  }
  const additions = input.AddEntries ?? [];
  const removals = input.RemoveEntries ?? [];
  const changesEntries = additions.length > 0 || removals.length > 0;
  if (additions.length + removals.length > ENTRIES_PER_REQUEST) {
    throw invalidValue('The request cannot contain more than 100 entry additions or removals.');
  }
  if (input.MaxEntries !== undefined && changesEntries) {
    throw new Ec2Error(
      'InvalidParameterCombination',
      'You cannot modify the entries of a prefix list and modify the size of a prefix list at the same time.',
    );
  }
  const name = input.PrefixListName === undefined ? list.name : validateName(input.PrefixListName);
  const current = deps.store.prefixListEntries(ctx.scope, list.prefixListId, list.version);
  const currentCidrs = new Set(current.map((entry) => entry.cidr));

  let maxEntries = list.maxEntries;
  if (input.MaxEntries !== undefined) {
    maxEntries = validateMaxEntries(input.MaxEntries);
    if (maxEntries < current.length) {
      throw ec2Error('PrefixListMaxEntriesExceeded', String(current.length), String(maxEntries));
    }
    assertReferencingGroupsFit(ctx, deps, list, maxEntries);
  }

  const family = list.addressFamily === 'IPv4' ? 'ipv4' : 'ipv6';
  const removeCidrs = new Set<string>();
  for (const removal of removals) {
    if (removal.Cidr === undefined) throw ec2Error('MissingParameter', 'cidr');
    const cidr = canonicalCidr(removal.Cidr, family);
    if (!currentCidrs.has(cidr)) {
      throw new Ec2Error('InvalidPrefixListModification', `The prefix list entry ${cidr} does not exist.`);
    }
    removeCidrs.add(cidr);
  }
  const add = validateNewEntries(additions, list.addressFamily);
  for (const entry of add) {
    if (removeCidrs.has(entry.cidr)) {
      throw new Ec2Error(
        'InvalidPrefixListModification',
        `The prefix list entry ${entry.cidr} cannot be added and removed in the same request.`,
      );
    }
    if (currentCidrs.has(entry.cidr)) {
      throw new Ec2Error('InvalidPrefixListModification', `The prefix list entry ${entry.cidr} already exists.`);
    }
  }
  const newCount = current.length - removeCidrs.size + add.length;
  if (newCount > maxEntries) throw ec2Error('PrefixListMaxEntriesExceeded', String(newCount), String(maxEntries));

  // Only a change of entries makes a version; a new name or size keeps it (API reference).
  const version = changesEntries ? list.version + 1 : list.version;
  deps.store.updatePrefixList(ctx.scope, list.prefixListId, {
    name,
    maxEntries,
    version,
    state: 'modify-complete',
    ...(changesEntries ? { entryChanges: { add, removeCidrs: [...removeCidrs] } } : {}),
  });
  const modified = deps.store.getPrefixListDetails(ctx.scope, list.prefixListId)!;
  return { PrefixList: toManagedPrefixList(modified, ctx.scope, 'modify-in-progress') };
}

// ---------------------------------------------------------------- delete

export function deleteManagedPrefixList(
  input: DeleteManagedPrefixListRequest,
  ctx: RequestContext,
  deps: Deps,
): DeleteManagedPrefixListResult {
  const list = loadPrefixList(ctx, deps, input.PrefixListId);
  if (isAwsManaged(list)) throw awsManagedListIsReadOnly(list.prefixListId, 'deleted');
  // AWS accepts the request and fails in the background while rules still name the list; the
  // list stays, `delete-failed`, until a Delete finds it unreferenced.
  if (deps.store.prefixListReferences(ctx.scope, list.prefixListId).length > 0) {
    deps.store.setPrefixListState(ctx.scope, list.prefixListId, 'delete-failed');
  } else {
    deps.store.deletePrefixList(ctx.scope, list.prefixListId);
  }
  return { PrefixList: toManagedPrefixList(list, ctx.scope, 'delete-in-progress') };
}
