/**
 * Prefix-list reads besides the managed-list describes: DescribePrefixLists and
 * GetManagedPrefixListAssociations.
 *
 * AWS rules implemented (our research notes on managed prefix lists):
 * - DescribePrefixLists shows the AWS service lists (`com.amazonaws.<region>.s3` / `.dynamodb`),
 *   the same lists and `pl-` ids DescribeManagedPrefixLists shows with owner `AWS`, as
 *   `prefixListId`, `prefixListName` and `cidrSet` (bare CIDR strings); filters `prefix-list-id`
 *   and `prefix-list-name`; an id that is not such a list is `InvalidPrefixListID.NotFound`.
 *   `MaxResults` has no bounds in the model; the older API reference says "If the value specified
 *   is greater than 1000, we return only 1000 items", so more than 1,000 is served as 1,000.
 * - GetManagedPrefixListAssociations lists the resources whose configuration references the list,
 *   one item per resource: here the account's security groups with a rule naming the list (route
 *   tables here only ever hold their local route). `MaxResults` is 5-255 (the model's bounds).
 */
import type {
  DescribePrefixListsRequest,
  DescribePrefixListsResult,
  GetManagedPrefixListAssociationsRequest,
  GetManagedPrefixListAssociationsResult,
} from '@aws-sdk/client-ec2';
import { ec2Error } from '../../protocol/errors.js';
import type { PrefixListDetails } from '../../store/prefix-lists.js';
import type { Deps, RequestContext } from '../context.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { takePage, validatePageRequest, type PageBounds } from '../paging.js';
import { isAwsManaged, loadPrefixList, prefixListNotFound } from './handlers.js';

/** No bounds in the model; values above 1,000 are served as 1,000 (older API reference). */
const SERVICE_LIST_PAGE_BOUNDS: PageBounds = { min: 1, max: Number.MAX_SAFE_INTEGER };
const SERVICE_LIST_PAGE_LIMIT = 1000;
/** GetManagedPrefixListAssociationsMaxResults: min 5, max 255 (SDK model). */
const ASSOCIATION_PAGE_BOUNDS: PageBounds = { min: 5, max: 255 };

// ---------------------------------------------------------------- DescribePrefixLists

const SERVICE_LIST_FILTERS: FilterTable<PrefixListDetails> = {
  filters: {
    'prefix-list-id': { values: (l) => [l.prefixListId] },
    'prefix-list-name': { values: (l) => [l.name] },
  },
};

export function describePrefixLists(
  input: DescribePrefixListsRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribePrefixListsResult {
  validatePageRequest(input, SERVICE_LIST_PAGE_BOUNDS);
  const matches = compileFilters(input.Filters, SERVICE_LIST_FILTERS);
  const serviceLists = deps.store.listPrefixLists(ctx.scope).filter(isAwsManaged);
  const wanted = input.PrefixListIds;
  if (wanted) {
    const known = new Set(serviceLists.map((list) => list.prefixListId));
    for (const id of wanted) if (!known.has(id)) throw prefixListNotFound(id);
  }
  const wantedIds = wanted && wanted.length > 0 ? new Set(wanted) : undefined;
  const lists = serviceLists.filter((list) => (!wantedIds || wantedIds.has(list.prefixListId)) && matches(list));
  const maxResults = input.MaxResults === undefined ? undefined : Math.min(input.MaxResults, SERVICE_LIST_PAGE_LIMIT);
  const page = takePage(lists, { MaxResults: maxResults, NextToken: input.NextToken });
  return {
    PrefixLists: page.items.map((list) => ({
      PrefixListId: list.prefixListId,
      PrefixListName: list.name,
      Cidrs: deps.store.prefixListEntries(ctx.scope, list.prefixListId, list.version).map((entry) => entry.cidr),
    })),
    NextToken: page.nextToken,
  };
}

// ---------------------------------------------------------------- GetManagedPrefixListAssociations

export function getManagedPrefixListAssociations(
  input: GetManagedPrefixListAssociationsRequest,
  ctx: RequestContext,
  deps: Deps,
): GetManagedPrefixListAssociationsResult {
  if (input.PrefixListId === undefined) throw ec2Error('MissingParameter', 'PrefixListId');
  validatePageRequest(input, ASSOCIATION_PAGE_BOUNDS);
  const list = loadPrefixList(ctx, deps, input.PrefixListId);
  const page = takePage(deps.store.prefixListAssociations(ctx.scope, list.prefixListId), input);
  return {
    PrefixListAssociations: page.items.map((association) => ({
      ResourceId: association.resourceId,
      ResourceOwner: association.resourceOwner,
    })),
    NextToken: page.nextToken,
  };
}
