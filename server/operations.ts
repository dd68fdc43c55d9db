/**
 * The operation table: every action we serve, with its shapes and its handler.
 * A new action goes here (and its shapes in protocol/shapes.ts, its handler beside its siblings).
 */
import { OPERATION_SHAPES, type OperationName, type OperationShapes } from '../protocol/shapes.js';
import { isEc2Action } from '../protocol/ec2-actions.js';
import type { Deps, RequestContext } from './context.js';
import * as availabilityZones from './availability-zones/handlers.js';
import * as networkAcls from './network-acls/handlers.js';
import * as networkInterfaces from './network-interfaces/handlers.js';
import * as prefixLists from './prefix-lists/handlers.js';
import * as prefixListReads from './prefix-lists/reads.js';
import * as prefixListRestore from './prefix-lists/restore.js';
import * as securityGroups from './security-groups/handlers.js';
import * as securityGroupAssociations from './security-groups/associations.js';
import * as ingress from './security-groups/ingress.js';
import * as modify from './security-groups/modify.js';
import * as routeTables from './route-tables/handlers.js';
import * as groupPeering from './security-groups/peering.js';
import * as vpcPeering from './vpc-peering/handlers.js';
import * as subnets from './subnets/handlers.js';
import * as tags from './tags/handlers.js';
import * as vpcAttributes from './vpcs/attributes.js';
import * as vpcs from './vpcs/handlers.js';
import type { Sliced } from './slices.js';

export interface Operation {
  readonly shapes: OperationShapes;
  /** Input is the parsed query in SDK member names; the handler's own signature types it. */
  readonly handler: (input: never, ctx: RequestContext, deps: Deps) => object;
  /** For reads whose answer can hold 100,000 rules: the handler as sliced work (server/sliced-reads.ts). */
  readonly inSlices?: SlicedHandler;
}

export interface SlicedHandler {
  readonly run: (input: never, ctx: RequestContext, deps: Deps) => Sliced<object>;
  /** Whether the input names what it reads closely enough that the answer stays small (never sliced). */
  readonly isBounded: (input: never) => boolean;
}

/** The describe calls whose answers grow with the rules an account holds. */
const SLICED_HANDLERS: Partial<Record<OperationName, SlicedHandler>> = {
  DescribeSecurityGroups: { run: securityGroups.describeSecurityGroupsInSlices, isBounded: securityGroups.describeSecurityGroupsIsBounded } as SlicedHandler,
  DescribeSecurityGroupRules: {
    run: securityGroups.describeSecurityGroupRulesInSlices,
    isBounded: securityGroups.describeSecurityGroupRulesIsBounded,
  } as SlicedHandler,
};

const HANDLERS = {
  AuthorizeSecurityGroupEgress: securityGroups.authorizeSecurityGroupEgress,
  RevokeSecurityGroupEgress: securityGroups.revokeSecurityGroupEgress,
  CreateSecurityGroup: securityGroups.createSecurityGroup,
  DeleteSecurityGroup: securityGroups.deleteSecurityGroup,
  DescribeSecurityGroups: securityGroups.describeSecurityGroups,
  DescribeSecurityGroupRules: securityGroups.describeSecurityGroupRules,
  CreateVpc: vpcs.createVpc,
  DescribeVpcs: vpcs.describeVpcs,
  DeleteVpc: vpcs.deleteVpc,
  CreateDefaultVpc: vpcs.createDefaultVpc,
  AuthorizeSecurityGroupIngress: ingress.authorizeSecurityGroupIngress,
  RevokeSecurityGroupIngress: ingress.revokeSecurityGroupIngress,
  ModifySecurityGroupRules: modify.modifySecurityGroupRules,
  UpdateSecurityGroupRuleDescriptionsEgress: modify.updateSecurityGroupRuleDescriptionsEgress,
  UpdateSecurityGroupRuleDescriptionsIngress: modify.updateSecurityGroupRuleDescriptionsIngress,
  DescribeVpcAttribute: vpcAttributes.describeVpcAttribute,
  ModifyVpcAttribute: vpcAttributes.modifyVpcAttribute,
  DescribeNetworkAcls: networkAcls.describeNetworkAcls,
  DescribeRouteTables: routeTables.describeRouteTables,
  CreateSubnet: subnets.createSubnet,
  DescribeSubnets: subnets.describeSubnets,
  DeleteSubnet: subnets.deleteSubnet,
  DescribeAvailabilityZones: availabilityZones.describeAvailabilityZones,
  CreateNetworkInterface: networkInterfaces.createNetworkInterface,
  DescribeNetworkInterfaces: networkInterfaces.describeNetworkInterfaces,
  DeleteNetworkInterface: networkInterfaces.deleteNetworkInterface,
  ModifyNetworkInterfaceAttribute: networkInterfaces.modifyNetworkInterfaceAttribute,
  DescribeNetworkInterfaceAttribute: networkInterfaces.describeNetworkInterfaceAttribute,
  CreateTags: tags.createTags,
  DeleteTags: tags.deleteTags,
  DescribeTags: tags.describeTags,
  CreateManagedPrefixList: prefixLists.createManagedPrefixList,
  DescribeManagedPrefixLists: prefixLists.describeManagedPrefixLists,
  GetManagedPrefixListEntries: prefixLists.getManagedPrefixListEntries,
  ModifyManagedPrefixList: prefixLists.modifyManagedPrefixList,
  DeleteManagedPrefixList: prefixLists.deleteManagedPrefixList,
  DescribePrefixLists: prefixListReads.describePrefixLists,
  GetManagedPrefixListAssociations: prefixListReads.getManagedPrefixListAssociations,
  RestoreManagedPrefixListVersion: prefixListRestore.restoreManagedPrefixListVersion,
  AssociateSecurityGroupVpc: securityGroupAssociations.associateSecurityGroupVpc,
  DisassociateSecurityGroupVpc: securityGroupAssociations.disassociateSecurityGroupVpc,
  DescribeSecurityGroupVpcAssociations: securityGroupAssociations.describeSecurityGroupVpcAssociations,
  GetSecurityGroupsForVpc: securityGroupAssociations.getSecurityGroupsForVpc,
  CreateVpcPeeringConnection: vpcPeering.createVpcPeeringConnection,
  AcceptVpcPeeringConnection: vpcPeering.acceptVpcPeeringConnection,
  RejectVpcPeeringConnection: vpcPeering.rejectVpcPeeringConnection,
  DeleteVpcPeeringConnection: vpcPeering.deleteVpcPeeringConnection,
  DescribeVpcPeeringConnections: vpcPeering.describeVpcPeeringConnections,
  DescribeSecurityGroupReferences: groupPeering.describeSecurityGroupReferences,
  DescribeStaleSecurityGroups: groupPeering.describeStaleSecurityGroups,
} satisfies Record<OperationName, Operation['handler']>;

export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  (Object.keys(HANDLERS) as OperationName[]).map((name) => [
    name,
    { shapes: OPERATION_SHAPES[name], handler: HANDLERS[name] as Operation['handler'], inSlices: SLICED_HANDLERS[name] },
  ]),
);

/** A real EC2 action that this emulator does not serve (answered InvalidAction, as AWS answers a typo). */
export function isNotEmulated(action: string): boolean {
  return !OPERATIONS.has(action) && isEc2Action(action);
}
