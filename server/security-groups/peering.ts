/**
 * Security groups referenced across VPC peering connections: which groups a rule may name, how
 * such a reference is shown, DescribeSecurityGroupReferences and DescribeStaleSecurityGroups.
 *
 * AWS rules (VPC peering guide, API reference, CLI examples; docs/fidelity.md):
 * - a rule may name a group of another VPC of the account and region only while the two VPCs have
 *   an active peering connection; otherwise `InvalidGroup.NotFound: You have specified two
 *   resources that belong to different networks.`;
 * - such a pair shows the group's `vpcId`, the connection's id and its `peeringStatus`;
 * - when the connection is deleted the rule stays, `peeringStatus` `deleted`: it is stale; so is a
 *   rule whose referenced group was deleted (a group referenced only from peered VPCs can be
 *   deleted; one referenced from its own VPC cannot);
 * - DescribeSecurityGroupReferences lists, per group, the peered VPCs whose groups reference it
 *   over an active connection; DescribeStaleSecurityGroups lists a VPC's groups with stale rules,
 *   only those rules, with MaxResults 5-255.
 */
import type {
  DescribeSecurityGroupReferencesRequest,
  DescribeSecurityGroupReferencesResult,
  DescribeStaleSecurityGroupsRequest,
  DescribeStaleSecurityGroupsResult,
  SecurityGroupReference,
  StaleIpPermission,
  StaleSecurityGroup,
} from '@aws-sdk/client-ec2';
import { Ec2Error, ec2Error } from '../../protocol/errors.js';
import { isSecurityGroupId } from '../../store/ids.js';
import type { GroupFacts, RuleRecord } from '../../store/records.js';
import type { Deps, RequestContext } from '../context.js';
import { takePage, validatePageRequest } from '../paging.js';
import { currentStatus } from '../vpc-peering/handlers.js';
import { requireVpcId } from '../vpcs/handlers.js';
import type { PeeringLookup } from './rules.js';

/** The connection that speaks for two VPCs: the active one, else the latest; with its status now. */
function peeringBetween(deps: Deps, vpcA: string, vpcB: string, now: number): { id: string; status: string } | undefined {
  const [peering] = deps.store.vpcPeeringsBetween(vpcA, vpcB);
  return peering && { id: peering.vpcPeeringConnectionId, status: currentStatus(peering, now).code };
}

/** Looks up the peering of each rule that names a group across one, remembering each group's VPC. */
export function peeringLookup(ctx: RequestContext, deps: Deps): PeeringLookup {
  const now = Date.now();
  const vpcOfGroup = new Map<string, string | undefined>();
  return (rule) => {
    if (rule.peer.kind !== 'group' || rule.peer.vpcId === undefined) return undefined;
    if (!vpcOfGroup.has(rule.groupId)) vpcOfGroup.set(rule.groupId, deps.store.getGroupFacts(ctx.scope, rule.groupId)?.vpcId);
    const vpcId = vpcOfGroup.get(rule.groupId);
    const peering = vpcId === undefined ? undefined : peeringBetween(deps, vpcId, rule.peer.vpcId, now);
    return { id: peering?.id, status: peering?.status, groupGone: deps.store.getGroupFacts(ctx.scope, rule.peer.groupId) === undefined };
  };
}

/**
 * Whether a rule of `group` may name `peer`: same VPC, or a VPC it has an active peering with.
 * Answers the peer's VPC when it is another one (stored with the rule).
 */
export function reachablePeerVpc(deps: Deps, group: Pick<GroupFacts, 'vpcId'>, peer: Pick<GroupFacts, 'vpcId'>): string | undefined {
  if (peer.vpcId === group.vpcId) return undefined;
  const peering = peeringBetween(deps, group.vpcId, peer.vpcId, Date.now());
  if (peering?.status !== 'active') {
    throw new Ec2Error('InvalidGroup.NotFound', 'You have specified two resources that belong to different networks.');
  }
  return peer.vpcId;
}

/** The peer of `group`'s rule naming `groupId` across a peering, when that group no longer exists (a stale rule). */
export function staleGroupPeer(deps: Deps, group: Pick<GroupFacts, 'groupId'>, groupId: string): { groupId: string; userId: string; vpcId: string } | undefined {
  for (const rule of deps.store.rulesOfGroup(group.groupId)) {
    if (rule.peer.kind === 'group' && rule.peer.groupId === groupId && rule.peer.vpcId !== undefined) {
      return { groupId, userId: rule.peer.userId, vpcId: rule.peer.vpcId };
    }
  }
  return undefined;
}

export function describeSecurityGroupReferences(
  input: DescribeSecurityGroupReferencesRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeSecurityGroupReferencesResult {
  const groupIds = input.GroupId ?? [];
  if (groupIds.length === 0) throw ec2Error('MissingParameter', 'groupId');
  const now = Date.now();
  const references: SecurityGroupReference[] = [];
  for (const groupId of [...new Set(groupIds)]) {
    if (!isSecurityGroupId(groupId)) throw ec2Error('InvalidGroupId.Malformed', groupId);
    const group = deps.store.getGroupFacts(ctx.scope, groupId);
    if (!group) throw ec2Error('InvalidGroup.NotFound', groupId);
    const seen = new Set<string>();
    for (const { referencingGroupId } of deps.store.crossVpcReferencesTo(groupId)) {
      const referencingVpcId = deps.store.getGroupFacts(ctx.scope, referencingGroupId)?.vpcId;
      if (referencingVpcId === undefined || seen.has(referencingVpcId)) continue;
      const peering = peeringBetween(deps, referencingVpcId, group.vpcId, now);
      if (peering?.status !== 'active') continue;
      seen.add(referencingVpcId);
      references.push({ GroupId: groupId, ReferencingVpcId: referencingVpcId, VpcPeeringConnectionId: peering.id });
    }
  }
  return { SecurityGroupReferenceSet: references };
}

/** DescribeStaleSecurityGroups pages 5 to 255 groups. */
const STALE_BOUNDS = { min: 5, max: 255 };

export function describeStaleSecurityGroups(
  input: DescribeStaleSecurityGroupsRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeStaleSecurityGroupsResult {
  validatePageRequest(input, STALE_BOUNDS);
  const vpcId = requireVpcId(input.VpcId);
  const { store } = deps;
  if (!store.getVpc(ctx.scope, vpcId)) throw ec2Error('InvalidVpcID.NotFound', vpcId);
  const now = Date.now();

  /** A stale rule's pair: the group it names, and why that reference no longer holds. */
  const stalePair = (rule: RuleRecord) => {
    if (rule.peer.kind !== 'group') return undefined;
    const referenced = store.getGroupFacts(ctx.scope, rule.peer.groupId);
    const peerVpcId = rule.peer.vpcId ?? referenced?.vpcId ?? vpcId;
    const peering = rule.peer.vpcId === undefined ? undefined : peeringBetween(deps, vpcId, rule.peer.vpcId, now);
    const peeringHolds = rule.peer.vpcId === undefined || peering?.status === 'active';
    if (referenced && peeringHolds) return undefined;
    return {
      Description: rule.description,
      // A deleted group's owner and name are no longer known.
      UserId: referenced ? rule.peer.userId : undefined,
      GroupName: referenced?.groupName,
      GroupId: rule.peer.groupId,
      VpcId: peerVpcId,
      VpcPeeringConnectionId: peering?.id,
      PeeringStatus: peering?.status,
    };
  };

  // Only rules naming a group can be stale: read just those (one statement), by group, in rule order.
  const referencingRules = new Map<string, RuleRecord[]>();
  for (const rule of store.listRulesWhere(ctx.scope, [{ on: 'groupPeer' }], 0, Number.MAX_SAFE_INTEGER)) {
    let list = referencingRules.get(rule.groupId);
    if (!list) referencingRules.set(rule.groupId, (list = []));
    list.push(rule);
  }
  const staleGroups: (StaleSecurityGroup & { seq: number })[] = [];
  for (const group of store.listGroups(ctx.scope)) {
    if (group.vpcId !== vpcId) continue;
    const permissions = { ingress: new Map<string, StaleIpPermission>(), egress: new Map<string, StaleIpPermission>() };
    for (const rule of referencingRules.get(group.groupId) ?? []) {
      const pair = stalePair(rule);
      if (!pair) continue;
      const byPorts = permissions[rule.direction];
      const key = `${rule.protocol}|${rule.fromPort}|${rule.toPort}`;
      let permission = byPorts.get(key);
      if (!permission) {
        permission = { IpProtocol: rule.protocol, FromPort: rule.fromPort, ToPort: rule.toPort, IpRanges: [], PrefixListIds: [], UserIdGroupPairs: [] };
        byPorts.set(key, permission);
      }
      permission.UserIdGroupPairs!.push(pair);
    }
    if (permissions.ingress.size === 0 && permissions.egress.size === 0) continue;
    staleGroups.push({
      seq: group.seq,
      Description: group.description,
      GroupId: group.groupId,
      GroupName: group.groupName,
      StaleIpPermissions: [...permissions.ingress.values()],
      StaleIpPermissionsEgress: [...permissions.egress.values()],
      VpcId: vpcId,
    });
  }
  const page = takePage(staleGroups, input);
  return { StaleSecurityGroupSet: page.items.map(({ seq: _seq, ...group }) => group), NextToken: page.nextToken };
}
