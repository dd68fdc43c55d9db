/**
 * The documented filters of DescribeSecurityGroups and DescribeSecurityGroupRules.
 *
 * DescribeSecurityGroups' rule filters (`ip-permission.*`, `egress.ip-permission.*`) match "any
 * combination of rules, not necessarily a single rule": each filter looks at all rules of the
 * group in its direction on its own.
 */
import type { FilterTable } from '../filters.js';
import { namedValueCheck } from '../filters.js';
import { Ec2Error } from '../../protocol/errors.js';
import { isSecurityGroupId, isVpcId } from '../../store/ids.js';
import type { Direction, GroupRecord, RuleRecord } from '../../store/records.js';
import type { RuleField } from '../../store/security-groups.js';
import { hasPorts } from './rules.js';

export interface GroupWithRules {
  readonly group: GroupRecord;
  readonly rules: readonly RuleRecord[];
  /**
   * The group name a pair of this group's rules carries, for the `*.group-name` filters: undefined
   * for every rule of a group outside the default VPC, where AWS stores pairs without a name (the
   * handler decides, see describeSecurityGroups).
   */
  readonly groupNameOf: (groupId: string) => string | undefined;
}

function ruleFilters(direction: Direction, prefix: string): FilterTable<GroupWithRules>['filters'] {
  const rulesOf = (g: GroupWithRules) => g.rules.filter((r) => r.direction === direction);
  const portOf = (r: RuleRecord, port: number) => (hasPorts(r.protocol) ? String(port) : undefined);
  return {
    [`${prefix}.cidr`]: { values: (g) => rulesOf(g).map((r) => (r.peer.kind === 'ipv4' ? r.peer.cidr : undefined)) },
    [`${prefix}.ipv6-cidr`]: {
      values: (g) => rulesOf(g).map((r) => (r.peer.kind === 'ipv6' ? r.peer.cidr : undefined)),
    },
    [`${prefix}.prefix-list-id`]: {
      values: (g) => rulesOf(g).map((r) => (r.peer.kind === 'prefixList' ? r.peer.prefixListId : undefined)),
    },
    [`${prefix}.group-id`]: {
      values: (g) => rulesOf(g).map((r) => (r.peer.kind === 'group' ? r.peer.groupId : undefined)),
    },
    [`${prefix}.group-name`]: {
      values: (g) => rulesOf(g).map((r) => (r.peer.kind === 'group' ? g.groupNameOf(r.peer.groupId) : undefined)),
    },
    [`${prefix}.user-id`]: {
      values: (g) => rulesOf(g).map((r) => (r.peer.kind === 'group' ? r.peer.userId : undefined)),
    },
    [`${prefix}.protocol`]: { values: (g) => rulesOf(g).map((r) => r.protocol) },
    [`${prefix}.from-port`]: { values: (g) => rulesOf(g).map((r) => portOf(r, r.fromPort)) },
    [`${prefix}.to-port`]: { values: (g) => rulesOf(g).map((r) => portOf(r, r.toPort)) },
  };
}

/** The two families of rule filters, by the direction they look at. */
const RULE_FILTER_FAMILIES = { ingress: 'ip-permission', egress: 'egress.ip-permission' } as const;

/** What each rule filter reads from a rule, as the store names it (`group-name` is read from the referenced group). */
const RULE_FILTER_FIELDS: Readonly<Record<string, RuleField | 'referencedGroupName'>> = {
  cidr: 'ipv4Cidr',
  'ipv6-cidr': 'ipv6Cidr',
  'prefix-list-id': 'prefixListId',
  'group-id': 'referencedGroupId',
  'group-name': 'referencedGroupName',
  'user-id': 'referencedUserId',
  protocol: 'protocol',
  'from-port': 'fromPort',
  'to-port': 'toPort',
};

/** The direction and rule field a DescribeSecurityGroups rule filter looks at, for the store to narrow by. */
export function ruleFilterField(name: string): { direction: Direction; field: RuleField | 'referencedGroupName' } | undefined {
  for (const [direction, family] of Object.entries(RULE_FILTER_FAMILIES) as [Direction, string][]) {
    if (!name.startsWith(`${family}.`)) continue;
    const field = RULE_FILTER_FIELDS[name.slice(family.length + 1)];
    return field === undefined ? undefined : { direction, field };
  }
  return undefined;
}

/** Whether a DescribeSecurityGroups filter looks at the group's rules (the others need only the group). */
export function isRuleFilter(name: string): boolean {
  return Object.values(RULE_FILTER_FAMILIES).some((family) => name.startsWith(`${family}.`));
}

export const SECURITY_GROUP_FILTERS: FilterTable<GroupWithRules> = {
  tags: (g) => g.group.tags,
  filters: {
    description: { values: (g) => [g.group.description] },
    'group-id': { values: (g) => [g.group.groupId] },
    'group-name': { values: (g) => [g.group.groupName] },
    'owner-id': { values: (g) => [g.group.ownerId] },
    'vpc-id': { values: (g) => [g.group.vpcId], validate: namedValueCheck('vpc-id', isVpcId) },
    ...ruleFilters('ingress', RULE_FILTER_FAMILIES.ingress),
    ...ruleFilters('egress', RULE_FILTER_FAMILIES.egress),
  },
};

export const SECURITY_GROUP_RULE_FILTERS: FilterTable<RuleRecord> = {
  tags: (r) => r.tags,
  filters: {
    'group-id': {
      values: (r) => [r.groupId],
      validate: (value) => {
        if (!isSecurityGroupId(value)) throw malformedGroupIdFilter(value);
      },
    },
    'security-group-rule-id': { values: (r) => [r.ruleId] },
  },
};

/** E-1/E-2: this filter's malformed-id text has no hyphen in "security group". */
const malformedGroupIdFilter = (value: string) =>
  new Ec2Error('InvalidGroupId.Malformed', `The security group ID '${value}' is malformed`);
