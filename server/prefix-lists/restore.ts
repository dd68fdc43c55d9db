/**
 * RestoreManagedPrefixListVersion: a new version of a customer-managed list whose entries are
 * those of an earlier version.
 *
 * AWS rules implemented (our research notes on managed prefix lists, the API reference and its sample):
 * - `PrefixListId`, `PreviousVersion` (the version to restore) and `CurrentVersion` are required;
 *   `CurrentVersion` must be the list's version (`PrefixListVersionMismatch`, as for Modify);
 * - the restore makes version CurrentVersion + 1 with the entries (and their descriptions) of
 *   PreviousVersion; the answer is the list as it was, with state `restore-in-progress` and the
 *   old version number (the API reference's sample), describes then show `restore-complete`;
 * - AWS-managed lists are read-only, as for Modify.
 *
 * Our choices (docs/fidelity.md): the version to restore must be one of the last 1,000
 * versions and older than the current one; restored entries must fit the list's MaxEntries
 * (it may have shrunk since), refused at once with `PrefixListMaxEntriesExceeded`. Nothing else
 * needs re-checking: MaxEntries, the name and the address family are unchanged, and the rule
 * quota weighs a list by its MaxEntries, not by its entries.
 */
import type { RestoreManagedPrefixListVersionRequest, RestoreManagedPrefixListVersionResult } from '@aws-sdk/client-ec2';
import { ec2Error, invalidValue } from '../../protocol/errors.js';
import { PREFIX_LIST_VERSIONS_KEPT } from '../../store/prefix-lists.js';
import type { Deps, RequestContext } from '../context.js';
import { awsManagedListIsReadOnly, isAwsManaged, loadPrefixList, toManagedPrefixList } from './handlers.js';

export function restoreManagedPrefixListVersion(
  input: RestoreManagedPrefixListVersionRequest,
  ctx: RequestContext,
  deps: Deps,
): RestoreManagedPrefixListVersionResult {
  if (input.PrefixListId === undefined) throw ec2Error('MissingParameter', 'PrefixListId');
  const previousVersion = input.PreviousVersion;
  if (previousVersion === undefined) throw ec2Error('MissingParameter', 'PreviousVersion');
  const currentVersion = input.CurrentVersion;
  if (currentVersion === undefined) throw ec2Error('MissingParameter', 'CurrentVersion');

  const list = loadPrefixList(ctx, deps, input.PrefixListId);
  if (isAwsManaged(list)) throw awsManagedListIsReadOnly(list.prefixListId, 'restored');
  if (currentVersion !== list.version) throw ec2Error('PrefixListVersionMismatch');
  if (previousVersion === currentVersion) {
    throw invalidValue(
      `Value (${previousVersion}) for parameter previousVersion is invalid. ` +
        `The version to restore must be earlier than the current version (${currentVersion}).`,
    );
  }
  const oldestKept = Math.max(1, list.version - PREFIX_LIST_VERSIONS_KEPT + 1);
  if (previousVersion < oldestKept || previousVersion > list.version) {
    throw invalidValue(
      `Value (${previousVersion}) for parameter previousVersion is invalid. The prefix list has no version ${previousVersion}.`,
    );
  }
  const restored = deps.store.prefixListEntries(ctx.scope, list.prefixListId, previousVersion).length;
  if (restored > list.maxEntries) {
    throw ec2Error('PrefixListMaxEntriesExceeded', String(restored), String(list.maxEntries));
  }

  deps.store.restorePrefixListVersion(ctx.scope, list.prefixListId, previousVersion, list.version, {
    name: list.name,
    maxEntries: list.maxEntries,
    version: list.version + 1,
    state: 'restore-complete',
  });
  return { PrefixList: toManagedPrefixList(list, ctx.scope, 'restore-in-progress') };
}
