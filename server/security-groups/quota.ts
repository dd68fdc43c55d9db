/**
 * The rule quota as AWS counts it (aws-reference §3.3): per group, per direction, per IP family.
 * A CIDR counts once in its family, a group reference once in each family, a prefix list by its
 * MaxEntries in its family (an unknown or AWS-managed list by its own weight, at least 1).
 */
import { ec2Error } from '../../protocol/errors.js';
import type { RuleFootprint } from '../../store/store.js';
import type { Deps, RequestContext } from '../context.js';

export interface FamilyCounts {
  readonly ipv4: number;
  readonly ipv6: number;
}

/** `resized` counts one list at a MaxEntries it is about to take (ModifyManagedPrefixList). */
export function ruleWeights(
  ctx: RequestContext,
  deps: Deps,
  rules: readonly RuleFootprint[],
  resized?: { readonly prefixListId: string; readonly maxEntries: number },
): FamilyCounts {
  let ipv4 = 0;
  let ipv6 = 0;
  for (const { peer } of rules) {
    if (peer.kind === 'ipv4') ipv4 += 1;
    else if (peer.kind === 'ipv6') ipv6 += 1;
    else if (peer.kind === 'group') {
      ipv4 += 1;
      ipv6 += 1;
    } else {
      const list = deps.store.getPrefixList(ctx.scope, peer.prefixListId);
      const weight = peer.prefixListId === resized?.prefixListId ? resized.maxEntries : (list?.maxEntries ?? 1);
      if (list?.addressFamily === 'IPv6') ipv6 += weight;
      else ipv4 += weight;
    }
  }
  return { ipv4, ipv6 };
}

export function assertWithinQuota(deps: Deps, ...parts: FamilyCounts[]): void {
  const ipv4 = parts.reduce((sum, p) => sum + p.ipv4, 0);
  const ipv6 = parts.reduce((sum, p) => sum + p.ipv6, 0);
  const limit = deps.limits.rulesPerSecurityGroup;
  if (ipv4 > limit || ipv6 > limit) throw ec2Error('RulesPerSecurityGroupLimitExceeded');
}

/** The whole of a direction's rules, as ModifySecurityGroupRules leaves them. */
export function assertWithinRuleQuota(ctx: RequestContext, deps: Deps, rules: readonly RuleFootprint[]): void {
  assertWithinQuota(deps, ruleWeights(ctx, deps, rules));
}
