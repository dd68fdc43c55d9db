/**
 * STS GetCallerIdentity: answers the account that owns this request's groups (the access key's
 * 12 digits, or the default account), so Terraform's account id and our `ownerId`s agree and
 * group references show no perpetual diff (clients.md §3.1). There is no IAM here: the caller is
 * the account's root.
 */
import type { GetCallerIdentityResponse } from '@aws-sdk/client-sts';
import type { Deps, RequestContext } from '../context.js';

export function getCallerIdentity(_input: object, ctx: RequestContext, _deps: Deps): GetCallerIdentityResponse {
  const account = ctx.scope.accountId;
  return { UserId: account, Account: account, Arn: `arn:aws:iam::${account}:root` };
}
