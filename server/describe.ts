/**
 * Where a describe call starts: the resources its request names by id, or all of the account's.
 *
 * AWS rule: a describe call given ids answers exactly those (each once, however often named) and
 * answers the resource type's NotFound error for the first one that does not exist; given none, it
 * answers every resource (before filters and paging). Either way in creation order, which paging
 * relies on (server/paging.ts).
 */
import type { Ec2Error } from '../protocol/errors.js';

export function namedOrAll<T extends { readonly seq: number }>(
  ids: readonly string[] | undefined,
  lookup: {
    /** The resource with this id, if it exists (and is visible yet). */
    readonly find: (id: string) => T | undefined;
    readonly notFound: (id: string) => Ec2Error;
    /** Every resource of the account and region, in creation order. */
    readonly all: () => T[];
  },
): T[] {
  if (!ids || ids.length === 0) return lookup.all();
  return [...new Set(ids)]
    .map((id) => {
      const found = lookup.find(id);
      if (!found) throw lookup.notFound(id);
      return found;
    })
    .sort((a, b) => a.seq - b.seq);
}
