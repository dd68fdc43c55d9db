/**
 * Records → the SDK's output structures, in the fields and presence rules AWS uses:
 * a rule always has `tagSet` (empty or not); a group has `tagSet` only when tagged (D-24);
 * rules show ports -1/-1 where the protocol has none.
 */
import type {
  RevokedSecurityGroupRule,
  SecurityGroup,
  SecurityGroupRule,
  Tag as SdkTag,
} from '@aws-sdk/client-ec2';
import type { GroupRecord, RuleRecord, Scope, Tag } from '../../store/records.js';
import { aggregatePermissions, NO_PEERINGS, type PeeringLookup } from './rules.js';

export const toSdkTags = (tags: readonly Tag[]): SdkTag[] => tags.map((t) => ({ Key: t.key, Value: t.value }));

export const securityGroupArn = (scope: Scope, groupId: string): string =>
  `arn:aws:ec2:${scope.region}:${scope.accountId}:security-group/${groupId}`;

export const securityGroupRuleArn = (scope: Scope, ruleId: string): string =>
  `arn:aws:ec2:${scope.region}:${scope.accountId}:security-group-rule/${ruleId}`;

export function toSecurityGroupRule(rule: RuleRecord, scope: Scope, peerings: PeeringLookup = NO_PEERINGS): SecurityGroupRule {
  // Built by assignment rather than spread: this runs once per rule of every describe answer.
  const out: SecurityGroupRule = ruleBasics(rule);
  const peer = rule.peer;
  out.GroupOwnerId = rule.ownerId;
  if (peer.kind === 'group') {
    const peering = peer.vpcId === undefined ? undefined : peerings(rule);
    out.ReferencedGroupInfo =
      peer.vpcId === undefined
        ? { GroupId: peer.groupId, UserId: peer.userId }
        : {
            GroupId: peer.groupId,
            PeeringStatus: peering?.status,
            UserId: peering?.groupGone ? undefined : peer.userId,
            VpcId: peer.vpcId,
            VpcPeeringConnectionId: peering?.id,
          };
  }
  out.Tags = rule.tags.length === 0 ? [] : toSdkTags(rule.tags);
  out.SecurityGroupRuleArn = securityGroupRuleArn(scope, rule.ruleId);
  return out;
}

export function toRevokedRule(rule: RuleRecord): RevokedSecurityGroupRule {
  const out: RevokedSecurityGroupRule = ruleBasics(rule);
  out.ReferencedGroupId = rule.peer.kind === 'group' ? rule.peer.groupId : undefined;
  return out;
}

/** The fields a rule and a revoked rule share; the peer fills exactly one of the four peer fields. */
function ruleBasics(rule: RuleRecord): SecurityGroupRule & RevokedSecurityGroupRule {
  const peer = rule.peer;
  return {
    SecurityGroupRuleId: rule.ruleId,
    GroupId: rule.groupId,
    IsEgress: rule.direction === 'egress',
    IpProtocol: rule.protocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    CidrIpv4: peer.kind === 'ipv4' ? peer.cidr : undefined,
    CidrIpv6: peer.kind === 'ipv6' ? peer.cidr : undefined,
    PrefixListId: peer.kind === 'prefixList' ? peer.prefixListId : undefined,
    Description: rule.description,
  };
}

export function toSecurityGroup(
  group: GroupRecord,
  rules: readonly RuleRecord[],
  scope: Scope,
  peerings: PeeringLookup = NO_PEERINGS,
): SecurityGroup {
  return {
    GroupId: group.groupId,
    IpPermissionsEgress: aggregatePermissions(rules.filter((r) => r.direction === 'egress'), peerings),
    Tags: group.tags.length > 0 ? toSdkTags(group.tags) : undefined,
    VpcId: group.vpcId,
    SecurityGroupArn: securityGroupArn(scope, group.groupId),
    OwnerId: group.ownerId,
    GroupName: group.groupName,
    Description: group.description,
    IpPermissions: aggregatePermissions(rules.filter((r) => r.direction === 'ingress'), peerings),
  };
}
