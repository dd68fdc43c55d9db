/**
 * Security groups associated with other VPCs (November 2024): AssociateSecurityGroupVpc,
 * DisassociateSecurityGroupVpc, DescribeSecurityGroupVpcAssociations, GetSecurityGroupsForVpc.
 *
 * AWS rules (API reference and SDK notes; our research notes; the error texts AWS gives
 * are not on record, so ours are listed in docs/fidelity.md):
 * - same account and region (another scope's group or VPC simply does not exist here); the group
 *   must not be a VPC's `default` group, the VPC not the default VPC nor the group's own VPC;
 * - Associate answers `associating` and the association is `associated` in every describe after
 *   (Terraform's waiter wants `associated` on two consecutive polls); Disassociate answers
 *   `disassociating` and the association is gone from every describe after (a lingering
 *   `disassociated` item would fail Terraform's delete waiter);
 * - network interfaces in an associated VPC may hold the group (server/network-interfaces), and
 *   while one does the group cannot be disassociated from that VPC (`DependencyViolation`);
 * - GetSecurityGroupsForVpc lists the groups network interfaces in the VPC may hold: the VPC's own
 *   groups (`primaryVpcId` = the VPC) and the groups associated with it (`primaryVpcId` = their own VPC).
 */
import type {
  AssociateSecurityGroupVpcRequest,
  AssociateSecurityGroupVpcResult,
  DescribeSecurityGroupVpcAssociationsRequest,
  DescribeSecurityGroupVpcAssociationsResult,
  DisassociateSecurityGroupVpcRequest,
  DisassociateSecurityGroupVpcResult,
  GetSecurityGroupsForVpcRequest,
  GetSecurityGroupsForVpcResult,
} from '@aws-sdk/client-ec2';
import { Ec2Error, ec2Error, invalidValue } from '../../protocol/errors.js';
import type { GroupFacts, GroupRecord, Sequenced, VpcRecord } from '../../store/records.js';
import type { SecurityGroupVpcAssociationRecord } from '../../store/security-group-associations.js';
import type { Deps, RequestContext } from '../context.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { takePage, validatePageRequest } from '../paging.js';
import { requireVpcId } from '../vpcs/handlers.js';
import { loadGroup, requireGroupId } from './handlers.js';
import { toSdkTags } from './views.js';

// ---------------------------------------------------------------- checks shared by associate and disassociate

interface Pair {
  readonly group: GroupFacts;
  readonly vpc: VpcRecord;
}

/** GroupId and VpcId present and well-formed, then both existing in this account and region. */
function loadPair(input: { GroupId?: string | undefined; VpcId?: string | undefined }, ctx: RequestContext, deps: Deps): Pair {
  const groupId = requireGroupId(input.GroupId);
  const vpcId = requireVpcId(input.VpcId);
  const group = loadGroup(ctx, deps, groupId);
  const vpc = deps.store.getVpc(ctx.scope, vpcId);
  if (!vpc) throw ec2Error('InvalidVpcID.NotFound', vpcId);
  if (group.vpcId === vpc.vpcId) {
    throw invalidValue(
      `Security group ${group.groupId} belongs to VPC ${vpc.vpcId}. A security group can only be associated with another VPC.`,
    );
  }
  return { group, vpc };
}

// ---------------------------------------------------------------- actions

export function associateSecurityGroupVpc(
  input: AssociateSecurityGroupVpcRequest,
  ctx: RequestContext,
  deps: Deps,
): AssociateSecurityGroupVpcResult {
  const { group, vpc } = loadPair(input, ctx, deps);
  if (group.isDefault) {
    throw invalidValue(`Security group ${group.groupId} is a default security group. You cannot use this feature with default security groups.`);
  }
  if (vpc.isDefault) {
    throw invalidValue(`VPC ${vpc.vpcId} is a default VPC. You cannot use this feature with the default VPC.`);
  }
  if (deps.store.isGroupAssociatedWithVpc(ctx.scope, group.groupId, vpc.vpcId)) {
    throw ec2Error('Resource.AlreadyAssociated', group.groupId, vpc.vpcId);
  }
  deps.store.insertSecurityGroupVpcAssociation(ctx.scope, group.groupId, vpc.vpcId);
  // AWS answers the transition; every describe after shows `associated`.
  return { State: 'associating' };
}

export function disassociateSecurityGroupVpc(
  input: DisassociateSecurityGroupVpcRequest,
  ctx: RequestContext,
  deps: Deps,
): DisassociateSecurityGroupVpcResult {
  const { group, vpc } = loadPair(input, ctx, deps);
  if (!deps.store.isGroupAssociatedWithVpc(ctx.scope, group.groupId, vpc.vpcId)) {
    // The code Terraform's delete treats as "already gone".
    throw new Ec2Error('InvalidGroup.NotFound', `The security group '${group.groupId}' does not exist in VPC '${vpc.vpcId}'`);
  }
  if (deps.store.isGroupHeldByInterfaceInVpc(group.groupId, vpc.vpcId)) {
    throw ec2Error('DependencyViolation', group.groupId);
  }
  deps.store.deleteSecurityGroupVpcAssociation(group.groupId, vpc.vpcId);
  // AWS answers the transition; the association is gone from every describe after.
  return { State: 'disassociating' };
}

const ASSOCIATION_FILTERS: FilterTable<SecurityGroupVpcAssociationRecord> = {
  filters: {
    'group-id': { values: (a) => [a.groupId] },
    'group-owner-id': { values: (a) => [a.ownerId] },
    state: { values: (a) => [a.state] },
    'vpc-id': { values: (a) => [a.vpcId] },
    'vpc-owner-id': { values: (a) => [a.ownerId] },
  },
};

export function describeSecurityGroupVpcAssociations(
  input: DescribeSecurityGroupVpcAssociationsRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeSecurityGroupVpcAssociationsResult {
  validatePageRequest(input);
  const matches = compileFilters(input.Filters, ASSOCIATION_FILTERS);
  const page = takePage(deps.store.listSecurityGroupVpcAssociations(ctx.scope).filter(matches), input);
  return {
    SecurityGroupVpcAssociations: page.items.map((a) => ({
      GroupId: a.groupId,
      VpcId: a.vpcId,
      VpcOwnerId: a.ownerId,
      State: a.state,
      GroupOwnerId: a.ownerId,
    })),
    NextToken: page.nextToken,
  };
}

/** A group as GetSecurityGroupsForVpc lists it: the group and the VPC it was created in. */
type GroupForVpc = Sequenced<GroupRecord>;

const GROUP_FOR_VPC_FILTERS: FilterTable<GroupForVpc> = {
  filters: {
    'group-id': { values: (g) => [g.groupId] },
    description: { values: (g) => [g.description] },
    'group-name': { values: (g) => [g.groupName] },
    'owner-id': { values: (g) => [g.ownerId] },
    'primary-vpc-id': { values: (g) => [g.vpcId] },
  },
};

export function getSecurityGroupsForVpc(
  input: GetSecurityGroupsForVpcRequest,
  ctx: RequestContext,
  deps: Deps,
): GetSecurityGroupsForVpcResult {
  const vpcId = requireVpcId(input.VpcId);
  validatePageRequest(input);
  const matches = compileFilters(input.Filters, GROUP_FOR_VPC_FILTERS);
  const { store } = deps;
  if (!store.getVpc(ctx.scope, vpcId)) throw ec2Error('InvalidVpcID.NotFound', vpcId);

  const own = store.listGroups(ctx.scope).filter((g) => g.vpcId === vpcId);
  const associated = store
    .groupIdsAssociatedWithVpc(vpcId)
    .map((groupId) => store.getGroup(ctx.scope, groupId))
    .filter((g): g is GroupForVpc => g !== undefined);
  // One order for both kinds, the groups' creation order, so paging stays stable.
  const groups = [...own, ...associated].sort((a, b) => a.seq - b.seq);
  const page = takePage(groups.filter(matches), input);
  return {
    SecurityGroupForVpcs: page.items.map((g) => ({
      Description: g.description,
      GroupName: g.groupName,
      OwnerId: g.ownerId,
      GroupId: g.groupId,
      Tags: toSdkTags(g.tags),
      PrimaryVpcId: g.vpcId,
    })),
    NextToken: page.nextToken,
  };
}
