/**
 * Ingress: the same rules as egress, plus what only ingress accepts (aws-reference A-13, §4.6):
 * - `GroupName` instead of `GroupId`, for groups of the default VPC;
 * - the legacy flat parameters `IpProtocol`/`FromPort`/`ToPort`/`CidrIp` describing one rule, and
 *   `SourceSecurityGroupName`/`SourceSecurityGroupOwnerId`, which grant all ICMP, UDP and TCP
 *   traffic from a group of the default VPC.
 */
import type {
  AuthorizeSecurityGroupIngressRequest,
  AuthorizeSecurityGroupIngressResult,
  IpPermission,
  RevokeSecurityGroupIngressRequest,
  RevokeSecurityGroupIngressResult,
} from '@aws-sdk/client-ec2';
import { Ec2Error, invalidValue } from '../../protocol/errors.js';
import type { GroupFacts } from '../../store/records.js';
import type { Deps, RequestContext } from '../context.js';
import { authorizeRules, groupByNameInDefaultVpc, loadGroup, requireGroupId, revokeRules } from './handlers.js';

type FlatRuleInput = Pick<
  AuthorizeSecurityGroupIngressRequest,
  'CidrIp' | 'FromPort' | 'ToPort' | 'IpProtocol' | 'SourceSecurityGroupName' | 'SourceSecurityGroupOwnerId'
>;

/** The target group, by id or (default VPC only) by name. */
export function targetGroup(
  ctx: RequestContext,
  deps: Deps,
  input: { GroupId?: string | undefined; GroupName?: string | undefined },
): GroupFacts {
  if (input.GroupId !== undefined) return loadGroup(ctx, deps, requireGroupId(input.GroupId));
  if (input.GroupName !== undefined) {
    if (!deps.store.getDefaultVpc(ctx.scope)) {
      // Seen on AWS for accounts without a default VPC (aws-reference C-9).
      throw new Ec2Error('InvalidGroup.NotFound', `The security group '${input.GroupName}' does not exist in default VPC 'none'`);
    }
    return groupByNameInDefaultVpc(ctx, deps, input.GroupName);
  }
  throw new Ec2Error('MissingParameter', 'The request must contain the parameter groupName or groupId');
}

/** Turns the flat parameters into the one permission they describe, or none if none was sent. */
export function flatPermissions(
  ctx: RequestContext,
  deps: Deps,
  group: GroupFacts,
  input: FlatRuleInput & { IpPermissions?: IpPermission[] | undefined },
): IpPermission[] | undefined {
  const { CidrIp, FromPort, ToPort, IpProtocol, SourceSecurityGroupName, SourceSecurityGroupOwnerId } = input;
  const anyFlat = [CidrIp, FromPort, ToPort, IpProtocol, SourceSecurityGroupName, SourceSecurityGroupOwnerId].some(
    (value) => value !== undefined,
  );
  if (!anyFlat) return undefined;
  if (input.IpPermissions && input.IpPermissions.length > 0) {
    // AWS's answer to the mix (aws-reference B-31).
    throw new Ec2Error('MissingParameter', 'Missing source specification: include source security group or CIDR information');
  }

  if (SourceSecurityGroupName === undefined && SourceSecurityGroupOwnerId !== undefined && CidrIp === undefined) {
    throw new Ec2Error('MissingParameter', 'Source group ID missing.'); // B-32
  }
  if (SourceSecurityGroupName !== undefined) {
    if (CidrIp !== undefined || IpProtocol !== undefined || FromPort !== undefined || ToPort !== undefined) {
      throw new Ec2Error(
        'InvalidParameterCombination',
        'The parameters SourceSecurityGroupName and CidrIp, IpProtocol, FromPort or ToPort cannot be used together',
      );
    }
    const defaultVpc = deps.store.getDefaultVpc(ctx.scope);
    if (!defaultVpc || defaultVpc.vpcId !== group.vpcId) {
      throw invalidValue(
        `Invalid value '${SourceSecurityGroupName}' for groupName. You may not reference Amazon VPC security groups by name. Please use the corresponding id for this operation.`,
      );
    }
    const source = groupByNameInDefaultVpc(ctx, deps, SourceSecurityGroupName);
    const pair = [{ GroupId: source.groupId, UserId: SourceSecurityGroupOwnerId }];
    // "Grants full ICMP, UDP and TCP access" from the group: three rules.
    return [
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, UserIdGroupPairs: pair },
      { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: pair },
      { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: pair },
    ];
  }
  return [
    {
      IpProtocol,
      FromPort,
      ToPort,
      ...(CidrIp !== undefined ? { IpRanges: [{ CidrIp }] } : {}),
    },
  ];
}

export function authorizeSecurityGroupIngress(
  input: AuthorizeSecurityGroupIngressRequest,
  ctx: RequestContext,
  deps: Deps,
): AuthorizeSecurityGroupIngressResult {
  const group = targetGroup(ctx, deps, input);
  const permissions = flatPermissions(ctx, deps, group, input) ?? input.IpPermissions ?? [];
  return authorizeRules('ingress', ctx, deps, group, permissions, input.TagSpecifications);
}

export function revokeSecurityGroupIngress(
  input: RevokeSecurityGroupIngressRequest,
  ctx: RequestContext,
  deps: Deps,
): RevokeSecurityGroupIngressResult {
  const group = targetGroup(ctx, deps, input);
  const permissions = flatPermissions(ctx, deps, group, input) ?? input.IpPermissions ?? [];
  return revokeRules('ingress', ctx, deps, group, permissions, input.SecurityGroupRuleIds ?? []);
}
