/**
 * Describe-call filters as EC2 evaluates them: a table per resource maps each documented filter
 * name to the values a record has for it. A record matches when, for every filter (AND), one of
 * the filter's values (OR) matches one of the record's values. Values may use `*` (any run of
 * characters) and `?` (one character), and `\*`, `\?`, `\\` for the literal characters, as EC2
 * documents (server/glob.ts). `tag:<key>`, `tag-key` and the older `tag-value` are generic.
 *
 * An unknown filter name is `InvalidParameterValue: The filter 'x' is invalid`; some filters also
 * reject malformed values (DescribeSecurityGroups `vpc-id=dev` answers `InvalidParameterValue: vpc-id`).
 *
 * A request may carry at most 200 filter values in all, across its filters: more is
 * `FilterLimitExceeded: The maximum number of filter values specified on a single call is 200`, the
 * answer AWS gives DescribeInstances and DescribeTags. More than 200 filters (possible only with
 * filters that have no value) is `FilterLimitExceeded` with the text the EC2 error-code list gives.
 * Both bounds are checked before any filter name or value, as a whole-request limit.
 */
import type { Filter } from '@aws-sdk/client-ec2';
import { Ec2Error, ec2Error, invalidValue } from '../protocol/errors.js';
import type { Tag, ValueTest } from '../store/records.js';
import { compileGlob, type Glob, type WorkMeter } from './glob.js';

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

/**
 * What a compiled filter looks at, with its values as a test of one value: what a handler hands the
 * store to narrow a scan of many rows before any record is built.
 */
export type FilterTarget =
  | { readonly kind: 'field'; readonly values: ValueTest }
  | { readonly kind: 'tag'; readonly key: string; readonly values: ValueTest }
  | { readonly kind: 'tag-key' | 'tag-value'; readonly values: ValueTest };

/** One of the request's filters, validated and compiled. */
export interface CompiledFilter<R> {
  readonly name: string;
  readonly test: Predicate<R>;
  readonly target: FilterTarget;
}

/**
 * Validates the request's filters in request order (the first bad one is the error) and compiles
 * each. Their tests charge `meter`, one per request (tests pass their own to read the count).
 */
export function compileEachFilter<R>(
  filters: readonly Filter[] | undefined,
  table: FilterTable<R>,
  meter: WorkMeter = requestMeter(),
): CompiledFilter<R>[] {
  checkFilterLimits(filters ?? []);
  const lastRead: LastRead<R> = new Map();
  return (filters ?? []).map((filter) => ({ name: filter.Name ?? '', ...compileOne(filter, table, meter, lastRead) }));
}

/** At most this many values in all the filters of one request. */
export const MAX_FILTER_VALUES = 200;
/** At most this many filters in one request (each with a value is already bounded by the above). */
export const MAX_FILTERS = 200;

/**
 * The filter work one request may do, in the steps of server/glob.ts (a nanosecond or two each, so
 * some 100 ms at most). Requests within the bounds above can still ask for far more: 200 wildcard
 * values against each of thousands of long names, or 200 filters over 100,000 rules. Such a request
 * is refused as using too many filters or values, rather than holding every other client's requests
 * for seconds. Ordinary requests stay well below it: a dozen wildcard values against every group of
 * a full region, or a tag filter over 100,000 rules, take a few million.
 */
export const MAX_MATCH_STEPS = 50_000_000;
/** What testing a record costs beyond its values, and reading one value from a record (once per name). */
const STEPS_PER_RECORD = 8;
const STEPS_PER_VALUE = 4;

const TOO_MANY_FILTERS = 'The request uses too many filters or too many filter values.';

/** A meter of MAX_MATCH_STEPS that refuses the request past it. */
export const requestMeter = (): WorkMeter => ({
  steps: 0,
  limit: MAX_MATCH_STEPS,
  exceeded: () => new Ec2Error('FilterLimitExceeded', TOO_MANY_FILTERS),
});

function checkFilterLimits(filters: readonly Filter[]): void {
  if (filters.length > MAX_FILTERS) throw new Ec2Error('FilterLimitExceeded', TOO_MANY_FILTERS);
  let values = 0;
  for (const filter of filters) values += filter.Values?.length ?? 0;
  if (values > MAX_FILTER_VALUES) throw ec2Error('FilterLimitExceeded', String(MAX_FILTER_VALUES));
}

/** A record matches when every one of these filters matches it (AND). */
export function allOf<R>(compiled: readonly CompiledFilter<R>[]): Predicate<R> {
  if (compiled.length === 0) return () => true;
  return (record) => compiled.every((filter) => filter.test(record));
}

/** Validates the request's filters and returns one predicate for all of them. */
export function compileFilters<R>(filters: readonly Filter[] | undefined, table: FilterTable<R>, meter?: WorkMeter): Predicate<R> {
  return allOf(compileEachFilter(filters, table, meter));
}

/** What a filter reads from a record: the values it matches, and how many values it looked through. */
interface RecordValues {
  readonly values: readonly (string | undefined)[];
  readonly read: number;
}
type ReadValues<R> = (record: R) => RecordValues;

/**
 * The values each filter name last read and the record it read them from. Records are tested filter
 * by filter, so filters of one name (200 of them, say) read a record's values once between them.
 */
type LastRead<R> = Map<string, { record: R | undefined; read: RecordValues }>;

function compileOne<R>(
  filter: Filter,
  table: FilterTable<R>,
  meter: WorkMeter,
  lastRead: LastRead<R>,
): Pick<CompiledFilter<R>, 'test' | 'target'> {
  const name = filter.Name ?? '';
  // Compiled once the name (and, for a table filter, every value) has passed its checks, so an
  // unknown name is the error whatever its values.
  const compile = () => compileValues(filter.Values ?? [], meter);
  const test = (values: CompiledValues, readValues: ReadValues<R>): Predicate<R> => {
    let last = lastRead.get(name);
    if (!last) lastRead.set(name, (last = { record: undefined, read: { values: [], read: 0 } }));
    const slot = last;
    return (record) => {
      if (slot.record !== record) {
        slot.read = readValues(record);
        slot.record = record;
        meter.steps += STEPS_PER_VALUE * slot.read.read;
      }
      return values.anyOf(slot.read.values);
    };
  };

  if (table.tags && name.startsWith('tag:')) {
    const key = name.slice(4);
    const readTags = table.tags;
    const values = compile();
    return {
      target: { kind: 'tag', key, values: values.one },
      test: test(values, (record) => {
        const tags = readTags(record);
        return { values: tags.filter((t) => t.key === key).map((t) => t.value), read: tags.length };
      }),
    };
  }
  // `tag-key` matches any tag's key; the older `tag-value` any tag's value, whatever its key.
  if (table.tags && table.tagKeyFilter !== false && (name === 'tag-key' || name === 'tag-value')) {
    const readTags = table.tags;
    const part = name === 'tag-key' ? 'key' : 'value';
    const values = compile();
    return {
      target: { kind: name, values: values.one },
      test: test(values, (record) => {
        const recordValues = readTags(record).map((t) => t[part]);
        return { values: recordValues, read: recordValues.length };
      }),
    };
  }
  const definition = Object.hasOwn(table.filters, name) ? table.filters[name] : undefined;
  if (!definition) throw invalidValue(`The filter '${name}' is invalid`);
  if (definition.validate) {
    for (const value of filter.Values ?? []) if (!hasWildcard(value)) definition.validate(value);
  }
  const values = compile();
  return {
    target: { kind: 'field', values: values.one },
    test: test(values, (record) => {
      const recordValues = definition.values(record);
      return { values: recordValues, read: recordValues.length };
    }),
  };
}

const hasWildcard = (value: string): boolean => value.includes('*') || value.includes('?');

/**
 * One filter's values as a test of a record's values (`anyOf`) and of a single value (`one`): values
 * without wildcards go in a set (a lookup, however many there are), the others are compiled once
 * for the whole request. Each test and each value it looks at are steps on the request's meter too,
 * so the bound covers every filter's work, not only the wildcards', wherever the test runs.
 */
interface CompiledValues {
  readonly anyOf: (candidates: readonly (string | undefined)[]) => boolean;
  readonly one: ValueTest;
}

function compileValues(values: readonly string[], meter: WorkMeter): CompiledValues {
  const exact = new Set<string>();
  const globs: Glob[] = [];
  for (const value of new Set(values)) {
    const glob = compileGlob(value, meter);
    if (glob.literal !== undefined) exact.add(glob.literal);
    else globs.push(glob);
  }
  const matches = (candidate: string) => exact.has(candidate) || globs.some((glob) => glob.test(candidate));
  const charge = (looked: number) => {
    meter.steps += STEPS_PER_RECORD + looked;
    if (meter.steps > meter.limit) throw meter.exceeded();
  };
  return {
    anyOf: (candidates) => {
      let looked = 0;
      let matched = false;
      for (const candidate of candidates) {
        looked++;
        if (candidate !== undefined && matches(candidate)) {
          matched = true;
          break;
        }
      }
      charge(looked);
      return matched;
    },
    one: {
      exact: globs.length === 0 ? [...exact] : undefined,
      test: (value) => {
        const matched = matches(value);
        charge(1);
        return matched;
      },
    },
  };
}

/** A validator that answers EC2's terse `InvalidParameterValue: <filter name>` (aws-reference D-21). */
export function namedValueCheck(filterName: string, isValid: (value: string) => boolean): (value: string) => void {
  return (value) => {
    if (!isValid(value)) throw new Ec2Error('InvalidParameterValue', filterName);
  };
}
