/**
 * Describe-call filters as EC2 evaluates them: a table per resource maps each documented filter
 * name to the values a record has for it. A record matches when, for every filter (AND), one of
 * the filter's values (OR) matches one of the record's values. Values may use `*` (any run of
 * characters) and `?` (one character), as EC2 documents. `tag:<key>`, `tag-key` and the older
 * `tag-value` are generic.
 *
 * An unknown filter name is `InvalidParameterValue: The filter 'x' is invalid`; some filters also
 * reject malformed values (DescribeSecurityGroups `vpc-id=dev` answers `InvalidParameterValue: vpc-id`).
 */
import type { Filter } from '@aws-sdk/client-ec2';
import { Ec2Error, invalidValue } from '../protocol/errors.js';
import type { Tag } from '../store/records.js';

export interface FilterDefinition<R> {
  /** Every value of the record for this filter; the filter matches if any of them matches. */
  readonly values: (record: R) => readonly (string | undefined)[];
  /** Throws the EC2 error for a malformed value (wildcard values are not checked). */
  readonly validate?: (value: string) => void;
}

export interface FilterTable<R> {
  readonly filters: Readonly<Record<string, FilterDefinition<R>>>;
  /** Where `tag:<key>` and `tag-key` apply, how to read the record's tags. */
  readonly tags?: (record: R) => readonly Tag[];
  /** `false` where the action documents `tag:<key>` but not `tag-key` or `tag-value` (DescribeTags). */
  readonly tagKeyFilter?: false;
}

export type Predicate<R> = (record: R) => boolean;

/** One of the request's filters, validated and compiled. */
export interface CompiledFilter<R> {
  readonly name: string;
  readonly test: Predicate<R>;
}

/** Validates the request's filters in request order (the first bad one is the error) and compiles each. */
export function compileEachFilter<R>(filters: readonly Filter[] | undefined, table: FilterTable<R>): CompiledFilter<R>[] {
  return (filters ?? []).map((filter) => ({ name: filter.Name ?? '', test: compileOne(filter, table) }));
}

/** A record matches when every one of these filters matches it (AND). */
export function allOf<R>(compiled: readonly CompiledFilter<R>[]): Predicate<R> {
  if (compiled.length === 0) return () => true;
  return (record) => compiled.every((filter) => filter.test(record));
}

/** Validates the request's filters and returns one predicate for all of them. */
export function compileFilters<R>(filters: readonly Filter[] | undefined, table: FilterTable<R>): Predicate<R> {
  return allOf(compileEachFilter(filters, table));
}

function compileOne<R>(filter: Filter, table: FilterTable<R>): Predicate<R> {
  const name = filter.Name ?? '';
  const patterns = (filter.Values ?? []).map((value) => compilePattern(value));
  const anyMatches = (candidates: readonly (string | undefined)[]) =>
    candidates.some((candidate) => candidate !== undefined && patterns.some((pattern) => pattern(candidate)));

  if (table.tags && name.startsWith('tag:')) {
    const key = name.slice(4);
    const readTags = table.tags;
    return (record) => anyMatches(readTags(record).filter((t) => t.key === key).map((t) => t.value));
  }
  // `tag-key` matches any tag's key; the older `tag-value` any tag's value, whatever its key.
  if (table.tags && table.tagKeyFilter !== false && (name === 'tag-key' || name === 'tag-value')) {
    const readTags = table.tags;
    const part = name === 'tag-key' ? 'key' : 'value';
    return (record) => anyMatches(readTags(record).map((t) => t[part]));
  }
  const definition = Object.hasOwn(table.filters, name) ? table.filters[name] : undefined;
  if (!definition) throw invalidValue(`The filter '${name}' is invalid`);
  if (definition.validate) {
    for (const value of filter.Values ?? []) if (!hasWildcard(value)) definition.validate(value);
  }
  return (record) => anyMatches(definition.values(record));
}

const hasWildcard = (value: string): boolean => value.includes('*') || value.includes('?');

function compilePattern(value: string): (candidate: string) => boolean {
  if (!hasWildcard(value)) return (candidate) => candidate === value;
  return (candidate) => wildcardMatches(value, candidate);
}

/**
 * `*` and `?` without a regular expression: a backtracking RegExp takes exponential time on a
 * value such as `*a*a*a*a*a*a*a*a*a*a*a*a*b` (one request would stall the server for minutes), and
 * a long one fails to compile. This greedy match returns to the last `*` on a mismatch, so it never
 * revisits an earlier `*`: at worst candidate length squared plus pattern length per comparison.
 */
function wildcardMatches(pattern: string, candidate: string): boolean {
  let p = 0;
  let c = 0;
  let star = -1;
  let resumeAt = 0;
  while (c < candidate.length) {
    const token = pattern[p];
    if (token === '*') {
      star = p++;
      resumeAt = c;
    } else if (token !== undefined && (token === '?' || token === candidate[c])) {
      p++;
      c++;
    } else if (star !== -1) {
      // Let the last `*` swallow one more character and try the rest again from there.
      p = star + 1;
      c = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** A validator that answers EC2's terse `InvalidParameterValue: <filter name>` (aws-reference D-21). */
export function namedValueCheck(filterName: string, isValid: (value: string) => boolean): (value: string) => void {
  return (value) => {
    if (!isValid(value)) throw new Ec2Error('InvalidParameterValue', filterName);
  };
}
