/**
 * Security-group actions: typed input in SDK member names → plain output object.
 * No XML, no SQL. Each runs inside one store transaction opened by the dispatcher, so an error
 * thrown anywhere leaves the store exactly as it was (and DryRun rolls back a successful run).
 */
import type {
  AuthorizeSecurityGroupEgressRequest,
  Filter,
  AuthorizeSecurityGroupEgressResult,
  CreateSecurityGroupRequest,
  CreateSecurityGroupResult,
  DeleteSecurityGroupRequest,
  DeleteSecurityGroupResult,
  DescribeSecurityGroupRulesRequest,
  DescribeSecurityGroupRulesResult,
  DescribeSecurityGroupsRequest,
  DescribeSecurityGroupsResult,
  IpPermission,
  RevokeSecurityGroupEgressRequest,
  SecurityGroup,
  SecurityGroupRule,
  RevokeSecurityGroupEgressResult,
} from '@aws-sdk/client-ec2';
import { Ec2Error, ec2Error, invalidGroupDescription, invalidGroupName, invalidValue } from '../../protocol/errors.js';
import { isSecurityGroupId, isSecurityGroupRuleId } from '../../store/ids.js';
import { ruleIdentity, type Direction, type GroupFacts, type GroupRecord, type RuleRecord, type RuleSpec, type ValueTest } from '../../store/records.js';
import type { RuleCondition } from '../../store/security-groups.js';
import { defaultEgressRules, type Sequenced } from '../../store/store.js';
import { assertWithinQuota, ruleWeights } from './quota.js';
import type { Deps, RequestContext } from '../context.js';
import { allOf, compileEachFilter, type FilterTarget } from '../filters.js';
import { pageStartsAfter, takePage, validatePageRequest, type Page } from '../paging.js';
import { runToEnd, slicesOf, type Sliced } from '../slices.js';
import { tagsFromSpecifications } from '../tags/rules.js';
import { isRuleFilter, ruleFilterField, SECURITY_GROUP_FILTERS, SECURITY_GROUP_RULE_FILTERS, type GroupWithRules } from './filters.js';
import {
  aggregatePermissions,
  assertNoRepeats,
  duplicateRuleText,
  expandPermissions,
  type GroupReference,
  type PeerResolvers,
} from './rules.js';
import { peeringLookup, reachablePeerVpc, staleGroupPeer } from './peering.js';
import { securityGroupArn, toRevokedRule, toSdkTags, toSecurityGroup, toSecurityGroupRule } from './views.js';

// ---------------------------------------------------------------- lookups shared by the actions

/** `GroupId` as the rule actions check it: missing, empty and malformed each have their own text (B-9). */
export function requireGroupId(groupId: string | undefined): string {
  if (groupId === undefined) throw ec2Error('MissingParameter', 'groupId');
  if (groupId === '') throw new Ec2Error('InvalidGroupId.Malformed', "The security-group ID '' is malformed");
  if (!isSecurityGroupId(groupId)) throw ec2Error('InvalidGroupId.Malformed', groupId);
  return groupId;
}

export function loadGroup(ctx: RequestContext, deps: Deps, groupId: string): GroupFacts {
  const group = deps.store.getGroupFacts(ctx.scope, groupId);
  if (!group) throw ec2Error('InvalidGroup.NotFound', groupId);
  return group;
}

/** Names resolve in the default VPC only (D-19, D-20). */
export function groupByNameInDefaultVpc(ctx: RequestContext, deps: Deps, groupName: string): Sequenced<GroupRecord> {
  const defaultVpc = deps.store.getDefaultVpc(ctx.scope);
  if (!defaultVpc) throw ec2Error('VPCIdNotSpecified');
  const group = deps.store.findGroupByName(defaultVpc.vpcId, groupName);
  if (!group) {
    throw new Ec2Error(
      'InvalidGroup.NotFound',
      `The security group '${groupName}' does not exist in default VPC '${defaultVpc.vpcId}'`,
    );
  }
  return group;
}

export function peerResolvers(
  ctx: RequestContext,
  deps: Deps,
  group: GroupFacts,
  options: { stale?: 'allowed' } = {},
): PeerResolvers {
  return {
    group(reference: GroupReference, userId: string | undefined) {
      let peer: GroupFacts | undefined;
      if ('groupId' in reference) {
        peer = deps.store.getGroupFacts(ctx.scope, reference.groupId);
        // A stale rule can name a group deleted across a peering; revoking it matches the rule by id.
        const stale = !peer && options.stale === 'allowed' ? staleGroupPeer(deps, group, reference.groupId) : undefined;
        if (stale) return stale;
        // Only groups of this account are visible here; another owner's group "does not exist".
        if (!peer || (userId !== undefined && userId !== ctx.scope.accountId)) {
          throw ec2Error('InvalidGroup.NotFound', reference.groupId);
        }
      } else {
        // A name always resolves in the default VPC; from a group elsewhere that is another
        // network, which AWS reports as B-11's NotFound text (aws-reference B-12).
        peer = groupByNameInDefaultVpc(ctx, deps, reference.groupName);
      }
      // Another VPC's group only across an active peering (server/security-groups/peering.ts).
      const vpcId = options.stale === 'allowed' ? (peer.vpcId === group.vpcId ? undefined : peer.vpcId) : reachablePeerVpc(deps, group, peer);
      return vpcId === undefined ? { groupId: peer.groupId, userId: peer.ownerId } : { groupId: peer.groupId, userId: peer.ownerId, vpcId };
    },
    prefixList(prefixListId: string) {
      if (!deps.store.getPrefixList(ctx.scope, prefixListId)) throw ec2Error('InvalidPrefixListID.NotFound', prefixListId);
    },
  };
}


// ---------------------------------------------------------------- authorize / revoke

/** Authorize for either direction; ingress (its own issue) adds its legacy parameters on top. */
export function authorizeRules(
  direction: Direction,
  ctx: RequestContext,
  deps: Deps,
  group: GroupFacts,
  permissions: readonly IpPermission[],
  tagSpecifications: AuthorizeSecurityGroupEgressRequest['TagSpecifications'],
): AuthorizeSecurityGroupEgressResult {
  if (permissions.length === 0) throw ec2Error('MissingParameter', 'ipPermissions');
  const specs = expandPermissions(permissions, peerResolvers(ctx, deps, group), { purpose: 'authorize' });
  const tags = tagsFromSpecifications(tagSpecifications, 'security-group-rule');
  assertNoRepeats(specs);

  // Point lookups and one aggregate: the cost does not grow with the group's size.
  for (const spec of specs) {
    if (deps.store.ruleExists(group.groupId, direction, spec)) {
      throw ec2Error('InvalidPermission.Duplicate', duplicateRuleText(spec));
    }
  }
  assertWithinQuota(deps, deps.store.ruleQuotaUsage(group.groupId, direction), ruleWeights(ctx, deps, specs));

  const created = deps.store.insertRules(ctx.scope, group.groupId, direction, specs, tags);
  const peerings = peeringLookup(ctx, deps);
  return { Return: true, SecurityGroupRules: created.map((rule) => toSecurityGroupRule(rule, ctx.scope, peerings)) };
}

export function revokeRules(
  direction: Direction,
  ctx: RequestContext,
  deps: Deps,
  group: GroupFacts,
  permissions: readonly IpPermission[],
  ruleIds: readonly string[],
): RevokeSecurityGroupEgressResult {
  if (permissions.length === 0 && ruleIds.length === 0) {
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter ipPermissions or securityGroupRuleIds');
  }
  const rules = deps.store.rulesOfGroup(group.groupId).filter((r) => r.direction === direction);
  const toRevoke = new Map<string, RuleRecord>();

  const byId = new Map(rules.map((r) => [r.ruleId, r]));
  for (const ruleId of ruleIds) {
    if (!isSecurityGroupRuleId(ruleId)) throw ec2Error('InvalidSecurityGroupRuleId.Malformed', ruleId);
    const rule = byId.get(ruleId);
    if (!rule) throw ec2Error('InvalidSecurityGroupRuleId.NotFound', ruleId);
    toRevoke.set(rule.ruleId, rule);
  }

  // A rule naming a peered VPC's group can be revoked after the peering is gone (it is stale then).
  const specs = expandPermissions(permissions, peerResolvers(ctx, deps, group, { stale: 'allowed' }), { purpose: 'revoke' });
  const byIdentity = new Map(rules.map((r) => [ruleIdentity(r), r]));
  const unmatched: RuleSpec[] = [];
  for (const spec of specs) {
    const rule = byIdentity.get(ruleIdentity(spec));
    if (rule) toRevoke.set(rule.ruleId, rule);
    else unmatched.push(spec);
  }
  // Outside the default VPC nothing is revoked unless everything matches (C-1, C-2); in the default
  // VPC the matching rules go and the rest is reported back (C-3).
  let unknown: IpPermission[] | undefined;
  if (unmatched.length > 0) {
    const defaultVpc = deps.store.getDefaultVpc(ctx.scope);
    if (!defaultVpc || defaultVpc.vpcId !== group.vpcId) throw ec2Error('InvalidPermission.NotFound');
    unknown = aggregatePermissions(
      unmatched.map((spec) => ({ ...spec, ruleId: '', groupId: group.groupId, ownerId: group.ownerId, direction, tags: [] })),
    );
  }

  for (const ruleId of toRevoke.keys()) deps.store.deleteRule(ruleId);
  const revoked = [...toRevoke.values()];
  return {
    Return: true,
    UnknownIpPermissions: unknown,
    RevokedSecurityGroupRules: revoked.length > 0 ? revoked.map(toRevokedRule) : undefined,
  };
}

export function authorizeSecurityGroupEgress(
  input: AuthorizeSecurityGroupEgressRequest,
  ctx: RequestContext,
  deps: Deps,
): AuthorizeSecurityGroupEgressResult {
  const group = loadGroup(ctx, deps, requireGroupId(input.GroupId));
  return authorizeRules('egress', ctx, deps, group, input.IpPermissions ?? [], input.TagSpecifications);
}

export function revokeSecurityGroupEgress(
  input: RevokeSecurityGroupEgressRequest,
  ctx: RequestContext,
  deps: Deps,
): RevokeSecurityGroupEgressResult {
  const group = loadGroup(ctx, deps, requireGroupId(input.GroupId));
  return revokeRules('egress', ctx, deps, group, input.IpPermissions ?? [], input.SecurityGroupRuleIds ?? []);
}

// ---------------------------------------------------------------- groups

const NAME_OR_DESCRIPTION = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
const NON_ASCII = /[^\x00-\x7f]/;

function validateGroupName(name: string | undefined): string {
  if (name === undefined || name === '') throw ec2Error('MissingParameter', 'GroupName');
  if (name.toLowerCase().startsWith('sg-')) {
    throw invalidValue(`Value (${name}) for parameter GroupName is invalid. Group names may not be in the format sg-*.`);
  }
  if (name === 'default') throw invalidValue('Cannot use reserved security group name: default');
  if (NON_ASCII.test(name)) {
    throw invalidValue(`Value (${name}) for parameter GroupName is invalid. Character sets beyond ASCII are not supported.`);
  }
  if (name.length > 255 || !NAME_OR_DESCRIPTION.test(name)) throw invalidGroupName();
  return name;
}

function validateGroupDescription(description: string | undefined): string {
  if (description === undefined || description === '') throw ec2Error('MissingParameter', 'GroupDescription');
  if (NON_ASCII.test(description)) {
    throw invalidValue(
      `Value (${description}) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported.`,
    );
  }
  if (description.length > 255 || !NAME_OR_DESCRIPTION.test(description)) throw invalidGroupDescription();
  return description;
}

export function createSecurityGroup(
  input: CreateSecurityGroupRequest,
  ctx: RequestContext,
  deps: Deps,
): CreateSecurityGroupResult & { Return: boolean } {
  const groupName = validateGroupName(input.GroupName);
  const description = validateGroupDescription(input.Description);
  const tags = tagsFromSpecifications(input.TagSpecifications, 'security-group');

  // An unknown VpcId is NotFound even when it is not vpc-shaped (D-9).
  const vpc =
    input.VpcId !== undefined ? deps.store.getVpc(ctx.scope, input.VpcId) : deps.store.getDefaultVpc(ctx.scope);
  if (!vpc) {
    throw input.VpcId !== undefined ? ec2Error('InvalidVpcID.NotFound', input.VpcId) : ec2Error('VPCIdNotSpecified');
  }
  if (deps.store.findGroupByName(vpc.vpcId, groupName)) throw ec2Error('InvalidGroup.Duplicate', groupName, vpc.vpcId);
  if (deps.store.countGroups(ctx.scope) >= deps.limits.securityGroupsPerRegion) {
    throw ec2Error('SecurityGroupLimitExceeded', vpc.vpcId);
  }

  const groupId = deps.store.insertGroup(ctx.scope, { groupName, description, vpcId: vpc.vpcId, isDefault: false });
  deps.store.insertRules(ctx.scope, groupId, 'egress', defaultEgressRules(vpc.ipv6CidrBlock !== undefined));
  if (tags.length > 0) deps.store.setTags(ctx.scope, groupId, 'security-group', tags);
  return {
    Return: true, // the API reference's sample answer carries it; the SDK model does not
    GroupId: groupId,
    Tags: tags.length > 0 ? toSdkTags(tags) : undefined,
    SecurityGroupArn: securityGroupArn(ctx.scope, groupId),
  };
}

export function deleteSecurityGroup(
  input: DeleteSecurityGroupRequest,
  ctx: RequestContext,
  deps: Deps,
): DeleteSecurityGroupResult {
  let group: GroupFacts;
  if (input.GroupId !== undefined) {
    group = loadGroup(ctx, deps, requireGroupId(input.GroupId));
  } else if (input.GroupName !== undefined) {
    const defaultVpc = deps.store.getDefaultVpc(ctx.scope);
    if (!defaultVpc) {
      throw new Ec2Error(
        'VPCIdNotSpecified',
        'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.',
      );
    }
    group = groupByNameInDefaultVpc(ctx, deps, input.GroupName);
  } else {
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter groupName or groupId');
  }
  if (group.isDefault) throw ec2Error('CannotDelete', group.groupId);
  // Another group's rule naming it, or a network interface holding it, is a dependent object.
  if (deps.store.isGroupReferencedByOthers(group.groupId) || deps.store.isGroupHeldByInterface(group.groupId) || deps.store.groupHasVpcAssociations(group.groupId)) {
    throw ec2Error('DependencyViolation', group.groupId);
  }
  deps.store.deleteGroup(group.groupId);
  return { Return: true, GroupId: group.groupId };
}

/** Groups read, checked or turned into answer items between two pauses of a sliced read. */
const GROUPS_PER_SLICE = 50;
/** Rules turned into answer items between two pauses of a sliced read. */
const RULES_PER_SLICE = 2000;

export function describeSecurityGroups(input: DescribeSecurityGroupsRequest, ctx: RequestContext, deps: Deps): DescribeSecurityGroupsResult {
  return runToEnd(describeSecurityGroupsInSlices(input, ctx, deps));
}

/** DescribeSecurityGroups, pausing between slices of groups (server/slices.ts). */
export function* describeSecurityGroupsInSlices(
  input: DescribeSecurityGroupsRequest,
  ctx: RequestContext,
  deps: Deps,
): Sliced<DescribeSecurityGroupsResult> {
  validatePageRequest(input);
  const peerings = peeringLookup(ctx, deps);
  // Filters on the group itself go first, so rules are read only for the groups they leave: a lookup
  // by name and VPC (Ansible, Terraform data sources) stays cheap however many rules the store holds.
  const filters = compileEachFilter(input.Filters, SECURITY_GROUP_FILTERS);
  const matchesGroup = allOf(filters.filter((f) => !isRuleFilter(f.name)));
  const ruleFilters = filters.filter((f) => isRuleFilter(f.name));
  const matchesRules = allOf(ruleFilters);
  const { store } = deps;
  const { isVisible } = deps.realism; // new resources hide for a while under eventual consistency

  let groups: Sequenced<GroupRecord>[];
  const ids = input.GroupIds ?? [];
  const names = input.GroupNames ?? [];
  if (ids.length > 0 || names.length > 0) {
    const chosen = new Map<string, Sequenced<GroupRecord>>();
    for (const id of ids) {
      if (!isSecurityGroupId(id)) throw ec2Error('InvalidGroupId.Malformed', id);
      const group = store.getGroup(ctx.scope, id);
      if (!group || !isVisible(id)) throw ec2Error('InvalidGroup.NotFound', id);
      chosen.set(group.groupId, group);
    }
    for (const name of names) {
      const group = groupByNameInDefaultVpc(ctx, deps, name);
      chosen.set(group.groupId, group);
    }
    groups = [...chosen.values()].sort((a, b) => a.seq - b.seq);
  } else {
    groups = store.listGroups(ctx.scope).filter((g) => isVisible(g.groupId));
  }

  const nameCache = new Map<string, string | undefined>();
  const currentNameOf = (groupId: string) => {
    if (!nameCache.has(groupId)) nameCache.set(groupId, store.getGroup(ctx.scope, groupId)?.groupName);
    return nameCache.get(groupId);
  };
  /*
   * The `*.group-name` filters match the name a rule's pair carries. AWS stores a pair outside the
   * default VPC without a name (moto's test: a rule made by group id in a VPC is not found by
   * group-name "in the AWS API"); pairs given by name exist only in the default VPC (B-12). The store
   * does not record whether a pair was given by name, so rules of default-VPC groups match their
   * referenced group's current name and rules of any other group match no name.
   */
  const defaultVpcId = ruleFilters.length > 0 ? store.getDefaultVpc(ctx.scope)?.vpcId : undefined;
  const noPairName = (): undefined => undefined;
  const groupNameOfFor = (group: GroupRecord) => (group.vpcId === defaultVpcId ? currentNameOf : noPairName);
  const NO_RULES: RuleRecord[] = [];
  groups = groups.filter((group) => matchesGroup({ group, rules: NO_RULES, groupNameOf: noPairName } satisfies GroupWithRules));

  /**
   * The visible rules of these groups: one query for all the account's rules when the groups are
   * most of its groups (fewer round trips), else one query per group (a page of 25 groups out of
   * 1,000 must not read 100,000 rules).
   */
  const rulesOf = (chosen: readonly GroupRecord[]): Map<string, RuleRecord[]> => {
    const byGroup = new Map<string, RuleRecord[]>();
    const mostOfTheAccount = chosen.length > 20 && chosen.length * 2 >= store.countGroups(ctx.scope);
    const rules = mostOfTheAccount ? store.listRules(ctx.scope) : chosen.flatMap((g) => store.rulesOfGroup(g.groupId));
    for (const rule of rules) {
      if (!isVisible(rule.ruleId)) continue;
      let list = byGroup.get(rule.groupId);
      if (!list) byGroup.set(rule.groupId, (list = []));
      list.push(rule);
    }
    return byGroup;
  };

  const rulesByGroup = new Map<string, RuleRecord[]>();
  /** Reads the rules of these groups into rulesByGroup, a slice of groups at a time. */
  function* readRules(chosen: readonly GroupRecord[]): Sliced<void> {
    for (const slice of slicesOf(chosen, GROUPS_PER_SLICE)) {
      for (const [groupId, rules] of rulesOf(slice)) rulesByGroup.set(groupId, rules);
      yield;
    }
  }

  let page: Page<Sequenced<GroupRecord>>;
  if (ruleFilters.length > 0) {
    // The store first names the groups with a rule each rule filter can match (read inside SQLite,
    // no rule built); the filters then decide on those groups' rules, in page order, stopping once
    // the page and one more group are found.
    const after = pageStartsAfter(input);
    let candidates = groups.filter((group) => group.seq > after);
    for (const filter of ruleFilters) {
      const read = ruleFilterField(filter.name);
      if (!read) continue;
      const ids =
        read.field === 'referencedGroupName'
          ? store.groupIdsWithRuleWhere(ctx.scope, read.direction, 'referencedGroupId', groupsNamed(ctx, deps, filter.target.values))
          : store.groupIdsWithRuleWhere(ctx.scope, read.direction, read.field, filter.target.values);
      candidates = candidates.filter((group) => ids.has(group.groupId));
    }
    const matchesItsRules = (group: GroupRecord) =>
      matchesRules({ group, rules: rulesByGroup.get(group.groupId) ?? [], groupNameOf: groupNameOfFor(group) } satisfies GroupWithRules);
    const kept: Sequenced<GroupRecord>[] = [];
    if (input.MaxResults === undefined) {
      yield* readRules(candidates);
      for (const group of candidates) if (matchesItsRules(group)) kept.push(group);
    } else {
      for (const group of candidates) {
        yield* readRules([group]);
        if (matchesItsRules(group)) kept.push(group);
        else rulesByGroup.delete(group.groupId);
        if (kept.length > input.MaxResults) break;
      }
    }
    page = takePage(kept, { MaxResults: input.MaxResults });
  } else {
    // No rule filters: the page is chosen from the groups alone and only its groups' rules are read,
    // so paging through many groups costs each page its own groups, not the whole store.
    page = takePage(groups, input);
    yield* readRules(page.items);
  }
  const SecurityGroups: SecurityGroup[] = [];
  for (const slice of slicesOf(page.items, GROUPS_PER_SLICE)) {
    for (const group of slice) SecurityGroups.push(toSecurityGroup(group, rulesByGroup.get(group.groupId) ?? [], ctx.scope, peerings));
    yield;
  }
  return { SecurityGroups, NextToken: page.nextToken };
}

export function describeSecurityGroupRules(
  input: DescribeSecurityGroupRulesRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeSecurityGroupRulesResult {
  return runToEnd(describeSecurityGroupRulesInSlices(input, ctx, deps));
}

/** DescribeSecurityGroupRules, pausing between batches of rules (server/slices.ts). */
export function* describeSecurityGroupRulesInSlices(
  input: DescribeSecurityGroupRulesRequest,
  ctx: RequestContext,
  deps: Deps,
): Sliced<DescribeSecurityGroupRulesResult> {
  validatePageRequest(input);
  const peerings = peeringLookup(ctx, deps);
  const filters = compileEachFilter(input.Filters, SECURITY_GROUP_RULE_FILTERS);
  const matches = allOf(filters);
  const { store } = deps;
  const { isVisible } = deps.realism; // new resources hide for a while under eventual consistency
  function* answer(page: Page<Sequenced<RuleRecord>>): Sliced<DescribeSecurityGroupRulesResult> {
    const SecurityGroupRules: SecurityGroupRule[] = [];
    for (const slice of slicesOf(page.items, RULES_PER_SLICE)) {
      for (const rule of slice) SecurityGroupRules.push(toSecurityGroupRule(rule, ctx.scope, peerings));
      yield;
    }
    return { SecurityGroupRules, NextToken: page.nextToken };
  }

  const ids = input.SecurityGroupRuleIds ?? [];
  const groupFilter = input.Filters?.find(namesPlainGroupIds);
  if (ids.length > 0) {
    const named = ids.map((id) => {
      if (!isSecurityGroupRuleId(id)) throw ec2Error('InvalidSecurityGroupRuleId.Malformed', id);
      const rule = store.getRule(ctx.scope, id);
      if (!rule || !isVisible(id)) throw ec2Error('InvalidSecurityGroupRuleId.NotFound', id);
      return rule;
    });
    const candidates = [...new Map(named.map((r) => [r.ruleId, r])).values()].sort((a, b) => a.seq - b.seq);
    return yield* answer(takePage(candidates.filter(matches), input));
  }
  if (groupFilter) {
    // The common case (Terraform, the CLI): rules of named groups, read through the group index.
    const groupIds = [...new Set(groupFilter.Values)];
    const candidates = groupIds
      .flatMap((id) => (store.getGroup(ctx.scope, id) ? store.rulesOfGroup(id) : []))
      .sort((a, b) => a.seq - b.seq);
    return yield* answer(takePage(candidates.filter((rule) => isVisible(rule.ruleId) && matches(rule)), input));
  }

  // Everything else scans the account's rules in page order with the filters run inside SQLite, a
  // batch at a time, and stops once the page and one more rule are found: a filter over 100,000
  // rules builds only the rules it keeps, and a page of the whole account reads only that page.
  const conditions = filters.flatMap((filter) => ruleConditionOf(filter.name, filter.target));
  const wanted = input.MaxResults === undefined ? Infinity : input.MaxResults + 1;
  const batchSize = Number.isFinite(wanted) ? wanted : RULE_SCAN_BATCH;
  const kept: Sequenced<RuleRecord>[] = [];
  let after = pageStartsAfter(input);
  for (;;) {
    const batch = store.listRulesWhere(ctx.scope, conditions, after, batchSize);
    for (const rule of batch) {
      if (kept.length < wanted && isVisible(rule.ruleId) && matches(rule)) kept.push(rule);
    }
    if (kept.length >= wanted || batch.length < batchSize) break;
    after = batch[batch.length - 1]!.seq;
    yield;
  }
  return yield* answer(takePage(kept, { MaxResults: input.MaxResults }));
}

/** A `group-id` filter whose values are all plain ids (no wildcard could name every group). */
function namesPlainGroupIds(filter: Filter): boolean {
  return filter.Name === 'group-id' && (filter.Values?.length ?? 0) > 0 && filter.Values!.every((v) => !v.includes('*') && !v.includes('?'));
}

/**
 * Whether a DescribeSecurityGroups request names its groups (by id or name): its answer stays small
 * whatever the account holds, so it is never sliced (server/sliced-reads.ts).
 */
export function describeSecurityGroupsIsBounded(input: DescribeSecurityGroupsRequest): boolean {
  return (input.GroupIds?.length ?? 0) > 0 || (input.GroupNames?.length ?? 0) > 0;
}

/** The same for DescribeSecurityGroupRules: rules by id, a page, or the rules of named groups. */
export function describeSecurityGroupRulesIsBounded(input: DescribeSecurityGroupRulesRequest): boolean {
  return input.MaxResults !== undefined || (input.SecurityGroupRuleIds?.length ?? 0) > 0 || (input.Filters ?? []).some(namesPlainGroupIds);
}

/** Rules read per statement when a scan must go through the whole account (no MaxResults). */
const RULE_SCAN_BATCH = 2500;

/** A DescribeSecurityGroupRules filter as a condition the store runs inside SQLite. */
function ruleConditionOf(name: string, target: FilterTarget): RuleCondition[] {
  switch (target.kind) {
    case 'field':
      if (name === 'group-id') return [{ on: 'groupId', test: target.values }];
      if (name === 'security-group-rule-id') return [{ on: 'ruleId', test: target.values }];
      return [];
    case 'tag':
      return [{ on: 'tag', key: { exact: [target.key], test: (key) => key === target.key }, value: target.values }];
    case 'tag-key':
      return [{ on: 'tag', key: target.values }];
    case 'tag-value':
      return [{ on: 'tag', value: target.values }];
  }
}

/**
 * A `*.group-name` rule filter as a test of the referenced group's id: the ids of the account's
 * groups whose name passes (looser than the filter, which also asks where the group is).
 */
function groupsNamed(ctx: RequestContext, deps: Deps, names: ValueTest): ValueTest {
  const ids = deps.store.listGroups(ctx.scope).filter((group) => names.test(group.groupName)).map((group) => group.groupId);
  const known = new Set(ids);
  return { exact: ids, test: (id) => known.has(id) };
}
