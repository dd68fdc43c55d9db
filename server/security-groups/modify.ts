/**
 * Changing rules in place: ModifySecurityGroupRules (the rule keeps its `sgr-` id and tags) and
 * UpdateSecurityGroupRuleDescriptions{Egress,Ingress} (by rule id or by matching permissions).
 *
 * AWS rules (aws-reference E-6…E-16): GroupId is required (`groupId` in the message), and a
 * malformed one reads `Invalid id: "x"`; each rule must belong to the group; a rule request names
 * its protocol, both ports for TCP/UDP (a wording of its own), and exactly one peer; a rule cannot
 * change its type (CIDR v4, CIDR v6, prefix list, group). Descriptions follow B-25.
 */
import type {
  ModifySecurityGroupRulesRequest,
  ModifySecurityGroupRulesResult,
  SecurityGroupRuleRequest,
  UpdateSecurityGroupRuleDescriptionsEgressRequest,
  UpdateSecurityGroupRuleDescriptionsEgressResult,
} from '@aws-sdk/client-ec2';
import { Ec2Error, ec2Error, invalidValue } from '../../protocol/errors.js';
import { isPrefixListId, isSecurityGroupId, isSecurityGroupRuleId } from '../../store/ids.js';
import { ruleIdentity, type Direction, type GroupFacts, type Peer, type RuleRecord, type RuleSpec } from '../../store/records.js';
import type { Deps, RequestContext } from '../context.js';
import { loadGroup, peerResolvers } from './handlers.js';
import { assertWithinRuleQuota } from './quota.js';
import { targetGroup } from './ingress.js';
import {
  canonicalCidr,
  duplicateRuleText,
  expandPermissions,
  normalizePorts,
  normalizeProtocol,
  validateRuleDescription,
  type PeerResolvers,
} from './rules.js';

const PEER_FIELDS = ['CidrIpv4', 'CidrIpv6', 'PrefixListId', 'ReferencedGroupId'] as const;
const PEER_FIELD_OF: Record<Peer['kind'], (typeof PEER_FIELDS)[number]> = {
  ipv4: 'CidrIpv4',
  ipv6: 'CidrIpv6',
  prefixList: 'PrefixListId',
  group: 'ReferencedGroupId',
};
const RULE_TYPE_NAME: Record<Peer['kind'], string> = {
  ipv4: 'IPv4 CIDR',
  ipv6: 'IPv6 CIDR',
  prefixList: 'prefix list',
  group: 'referenced security group',
};

/** One `SecurityGroupRuleRequest` → a rule spec, validated as ModifySecurityGroupRules does. */
function specFromRuleRequest(request: SecurityGroupRuleRequest, resolve: PeerResolvers): RuleSpec {
  const protocol = normalizeProtocol(request.IpProtocol);
  if ((protocol === 'tcp' || protocol === 'udp') && (request.FromPort === undefined || request.ToPort === undefined)) {
    throw invalidValue('Invalid value for portRange. Must specify both from and to ports with TCP/UDP.');
  }
  const ports = normalizePorts(protocol, request.FromPort, request.ToPort);

  const given = PEER_FIELDS.filter((field) => request[field] !== undefined);
  if (given.length === 0) {
    throw new Ec2Error(
      'MissingParameter',
      'The request must contain exactly one of: cidrIp, cidrIpv6, prefixListId, or referencedGroupId',
    );
  }
  if (given.length > 1) {
    throw new Ec2Error(
      'InvalidParameterCombination',
      'Only one of cidrIp, cidrIpv6, prefixListId, or referencedGroupId can be specified',
    );
  }
  let peer: Peer;
  if (request.CidrIpv4 !== undefined) peer = { kind: 'ipv4', cidr: canonicalCidr(request.CidrIpv4, 'ipv4') };
  else if (request.CidrIpv6 !== undefined) peer = { kind: 'ipv6', cidr: canonicalCidr(request.CidrIpv6, 'ipv6') };
  else if (request.PrefixListId !== undefined) {
    const id = request.PrefixListId;
    if (!isPrefixListId(id)) throw ec2Error('InvalidPrefixListID.NotFound', id);
    resolve.prefixList(id);
    peer = { kind: 'prefixList', prefixListId: id };
  } else {
    const id = request.ReferencedGroupId!;
    if (!isSecurityGroupId(id)) throw ec2Error('InvalidGroupId.Malformed', id);
    peer = { kind: 'group', ...resolve.group({ groupId: id }, undefined) };
  }
  validateRuleDescription(request.Description);
  return { protocol, ...ports, peer, description: request.Description };
}

/** After the changes, no two rules of one direction may be the same rule. */
function assertNoDuplicates(finalRules: readonly RuleSpec[], changed: ReadonlySet<RuleSpec>): void {
  const seen = new Set<string>();
  // Changed rules are checked last, so the message names the rule the request tried to make.
  const ordered = [...finalRules.filter((r) => !changed.has(r)), ...finalRules.filter((r) => changed.has(r))];
  for (const rule of ordered) {
    const key = ruleIdentity(rule);
    if (seen.has(key)) throw ec2Error('InvalidPermission.Duplicate', duplicateRuleText(rule));
    seen.add(key);
  }
}

export function modifySecurityGroupRules(
  input: ModifySecurityGroupRulesRequest,
  ctx: RequestContext,
  deps: Deps,
): ModifySecurityGroupRulesResult {
  if (input.GroupId === undefined || input.GroupId === '') throw ec2Error('MissingParameter', 'groupId');
  if (!isSecurityGroupId(input.GroupId)) throw new Ec2Error('InvalidGroupId.Malformed', `Invalid id: "${input.GroupId}"`);
  const group = loadGroup(ctx, deps, input.GroupId);
  const changes = input.SecurityGroupRules ?? [];
  if (changes.length === 0) throw ec2Error('MissingParameter', 'securityGroupRuleSet');

  const rules = deps.store.rulesOfGroup(group.groupId);
  const byId = new Map(rules.map((r) => [r.ruleId, r]));
  const resolve = peerResolvers(ctx, deps, group);
  const updated = new Map<string, RuleSpec>();
  for (const change of changes) {
    const ruleId = change.SecurityGroupRuleId;
    if (ruleId === undefined || ruleId === '') throw ec2Error('MissingParameter', 'securityGroupRuleId');
    const rule = isSecurityGroupRuleId(ruleId) ? byId.get(ruleId) : undefined;
    if (!rule) throw ec2Error('InvalidSecurityGroupRuleId.NotFound', ruleId);
    const spec = specFromRuleRequest(change.SecurityGroupRule ?? {}, resolve);
    if (spec.peer.kind !== rule.peer.kind) {
      throw invalidValue(
        `Invalid rule type for security group rule '${ruleId}'. You may not specify ${PEER_FIELD_OF[spec.peer.kind]} for an existing ${RULE_TYPE_NAME[rule.peer.kind]} rule.`,
      );
    }
    updated.set(ruleId, spec);
  }

  for (const direction of ['ingress', 'egress'] as const) {
    const changed = new Set<RuleSpec>();
    const finalRules = rules
      .filter((r) => r.direction === direction)
      .map((r) => {
        const spec = updated.get(r.ruleId);
        if (spec) changed.add(spec);
        return spec ?? r;
      });
    assertNoDuplicates(finalRules, changed);
    assertWithinRuleQuota(ctx, deps, finalRules);
  }
  deps.store.updateRules(updated);
  return { Return: true };
}

function updateDescriptions(
  direction: Direction,
  input: UpdateSecurityGroupRuleDescriptionsEgressRequest,
  ctx: RequestContext,
  deps: Deps,
): UpdateSecurityGroupRuleDescriptionsEgressResult {
  const group: GroupFacts = targetGroup(ctx, deps, input);
  const permissions = input.IpPermissions ?? [];
  const byRuleId = input.SecurityGroupRuleDescriptions ?? [];
  if (permissions.length === 0 && byRuleId.length === 0) {
    throw new Ec2Error(
      'MissingParameter',
      'The request must contain the parameter ipPermissions or securityGroupRuleDescriptions',
    );
  }
  const rules = deps.store.rulesOfGroup(group.groupId).filter((r) => r.direction === direction);
  const descriptions = new Map<string, string | undefined>();

  const byIdentity = new Map(rules.map((r) => [ruleIdentity(r), r]));
  for (const spec of expandPermissions(permissions, peerResolvers(ctx, deps, group), { purpose: 'authorize' })) {
    const rule = byIdentity.get(ruleIdentity(spec));
    if (!rule) throw ec2Error('InvalidPermission.NotFound');
    descriptions.set(rule.ruleId, spec.description);
  }
  const byId = new Map<string, RuleRecord>(rules.map((r) => [r.ruleId, r]));
  for (const entry of byRuleId) {
    const ruleId = entry.SecurityGroupRuleId;
    if (ruleId === undefined || ruleId === '') throw ec2Error('MissingParameter', 'securityGroupRuleId');
    if (!byId.has(ruleId)) throw ec2Error('InvalidSecurityGroupRuleId.NotFound', ruleId);
    validateRuleDescription(entry.Description);
    descriptions.set(ruleId, entry.Description);
  }
  for (const [ruleId, description] of descriptions) deps.store.setRuleDescription(ruleId, description);
  return { Return: true };
}

export const updateSecurityGroupRuleDescriptionsEgress = (
  input: UpdateSecurityGroupRuleDescriptionsEgressRequest,
  ctx: RequestContext,
  deps: Deps,
) => updateDescriptions('egress', input, ctx, deps);

export const updateSecurityGroupRuleDescriptionsIngress = (
  input: UpdateSecurityGroupRuleDescriptionsEgressRequest,
  ctx: RequestContext,
  deps: Deps,
) => updateDescriptions('ingress', input, ctx, deps);
