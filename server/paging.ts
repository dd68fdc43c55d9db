/**
 * `MaxResults` / `NextToken` paging for describe calls.
 *
 * The token is the `seq` of the last item returned (opaque base64 to the client). Items are
 * ordered by `seq`, which only grows, so paging while others write never shows an item twice and
 * never skips one that existed throughout; new items appear on a later page, deleted ones vanish.
 *
 * AWS texts: `Value ( 1 ) for parameter maxResults is invalid. Expecting a value greater than 5.`
 * and `Value (  ) for parameter NextToken is invalid. The token is invalid.` (docs/fidelity.md).
 */
import { invalidValue } from '../protocol/errors.js';

export interface PageBounds {
  readonly min: number;
  readonly max: number;
}
export const DESCRIBE_BOUNDS: PageBounds = { min: 5, max: 1000 };

export interface PageRequest {
  readonly MaxResults?: number | undefined;
  readonly NextToken?: string | undefined;
}

export function validatePageRequest(request: PageRequest, bounds: PageBounds = DESCRIBE_BOUNDS): void {
  const max = request.MaxResults;
  if (max !== undefined && max < bounds.min) {
    throw invalidValue(`Value ( ${max} ) for parameter maxResults is invalid. Expecting a value greater than ${bounds.min}.`);
  }
  if (max !== undefined && max > bounds.max) {
    throw invalidValue(`Value ( ${max} ) for parameter maxResults is invalid. Expecting a value less than ${bounds.max}.`);
  }
  if (request.NextToken !== undefined) decodeToken(request.NextToken);
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

/** The `seq` a page starts after: the request's NextToken, or 0 for the first page. */
export function pageStartsAfter(request: PageRequest): number {
  return request.NextToken === undefined ? 0 : decodeToken(request.NextToken);
}

/** Returns one page of `items` (already filtered and in `seq` order) and the token for the next. */
export function takePage<T extends { readonly seq: number }>(items: readonly T[], request: PageRequest): Page<T> {
  const after = pageStartsAfter(request);
  const start = after === 0 ? 0 : firstIndexAfter(items, after);
  const limit = request.MaxResults;
  if (limit === undefined) return { items: items.slice(start), nextToken: undefined };
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { items: page, nextToken: more ? encodeToken(page[page.length - 1]!.seq) : undefined };
}

function firstIndexAfter(items: readonly { readonly seq: number }[], seq: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const TOKEN_PREFIX = 'v1:';
function encodeToken(seq: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${seq}`).toString('base64url');
}
function decodeToken(token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const seq = text.startsWith(TOKEN_PREFIX) ? Number(text.slice(TOKEN_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 1 || encodeToken(seq) !== token) {
    throw invalidValue(`Value ( ${token} ) for parameter NextToken is invalid. The token is invalid.`);
  }
  return seq;
}
