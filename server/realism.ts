/**
 * Opt-in realism for testing clients: injected faults and eventual consistency. Off by default;
 * switched on by configuration or at run time through the control endpoints.
 *
 * - A fault rule makes an action (or every action, `*`) fail with an EC2 error (throttling is
 *   `RequestLimitExceeded` 503 `Request limit exceeded.`, AWS's own text) at a rate, on the Nth
 *   matching call, or a given number of times, and/or adds latency. Nothing is written by a request
 *   that a fault rejects: faults fire before the handler runs.
 * - Eventual consistency: AWS documents that "a small delay might occur" before a new resource is
 *   visible to describe calls. With a delay set, everything a request created stays invisible to
 *   Describe* calls for that long, and appears together: a new group with its default egress rule,
 *   a new VPC with its default group, network ACL and main route table, and the tags given in
 *   TagSpecifications with their resource (writes and their checks still see them at once, as AWS's
 *   duplicate checks do). Deletions take effect immediately.
 *
 * A fault rule names `*` or an action served here (STS's GetCallerIdentity included): a rule for
 * anything else could never fire, so it is refused with the reason.
 */
import { Ec2Error, ec2Error, type Ec2ErrorCode, EC2_ERRORS } from '../protocol/errors.js';
import { isEc2Action } from '../protocol/ec2-actions.js';
import { STS_XML_NAMESPACE } from '../protocol/sts-shapes.js';
import type { Scope } from '../store/records.js';
import type { Store } from '../store/store.js';
import { OPERATIONS } from './operations.js';

export interface FaultRule {
  /** An action served here (GetCallerIdentity included), or `*` for every action. */
  readonly action: string;
  /** The EC2 error to answer; default `RequestLimitExceeded`. `null` with latency only slows calls. */
  readonly error?: Ec2ErrorCode | null;
  /** Probability 0..1 that a matching call fails. */
  readonly rate?: number;
  /** Fail only the Nth matching call (1-based) after the rule was set. */
  readonly nth?: number;
  /** Fail at most this many calls, then the rule is spent. */
  readonly times?: number;
  /** Milliseconds added to every matching call (failed or not). */
  readonly latencyMs?: number;
}

export interface RealismSettings {
  readonly faults: readonly FaultRule[];
  /** Milliseconds before a created resource is visible to describe calls; 0 = at once. */
  readonly consistencyDelayMs: number;
}

export const NO_REALISM: RealismSettings = { faults: [], consistencyDelayMs: 0 };

interface ActiveRule {
  readonly rule: FaultRule;
  calls: number;
  failures: number;
}

/** Fields of an action's output that name what the action created. */
const CREATED_IDS: Readonly<Record<string, (output: Record<string, any>) => readonly string[]>> = {
  CreateSecurityGroup: (o) => [o.GroupId],
  CreateVpc: (o) => [o.Vpc?.VpcId],
  CreateDefaultVpc: (o) => [o.Vpc?.VpcId],
  CreateSubnet: (o) => [o.Subnet?.SubnetId],
  CreateVpcPeeringConnection: (o) => [o.VpcPeeringConnection?.VpcPeeringConnectionId],
  CreateNetworkInterface: (o) => [o.NetworkInterface?.NetworkInterfaceId],
  AuthorizeSecurityGroupEgress: (o) => (o.SecurityGroupRules ?? []).map((r: { SecurityGroupRuleId: string }) => r.SecurityGroupRuleId),
  AuthorizeSecurityGroupIngress: (o) => (o.SecurityGroupRules ?? []).map((r: { SecurityGroupRuleId: string }) => r.SecurityGroupRuleId),
};

/** The store reads that find what a created resource brought with it. */
export type RelatedReads = Pick<Store, 'rulesOfGroup' | 'findGroupByName' | 'listRouteTables' | 'listNetworkAcls' | 'subnetIdsOfVpc'>;

/**
 * What the same call created beside the resource it names, read from the store after the write:
 * a group's default egress rule(s); a VPC's default group with its rules, its default network ACL and
 * main route table, and (CreateDefaultVpc) its default subnets.
 */
const CREATED_WITH: Readonly<Record<string, (id: string, store: RelatedReads, scope: Scope) => readonly string[]>> = {
  CreateSecurityGroup: (groupId, store) => store.rulesOfGroup(groupId).map((r) => r.ruleId),
  CreateVpc: (vpcId, store, scope) => vpcDefaults(vpcId, store, scope),
  CreateDefaultVpc: (vpcId, store, scope) => [...vpcDefaults(vpcId, store, scope), ...store.subnetIdsOfVpc(vpcId)],
};

function vpcDefaults(vpcId: string, store: RelatedReads, scope: Scope): string[] {
  const group = store.findGroupByName(vpcId, 'default');
  return [
    ...(group ? [group.groupId, ...store.rulesOfGroup(group.groupId).map((r) => r.ruleId)] : []),
    ...store.listNetworkAcls(scope).filter((a) => a.vpcId === vpcId).map((a) => a.networkAclId),
    ...store.listRouteTables(scope).filter((t) => t.vpcId === vpcId).map((t) => t.routeTableId),
  ];
}

export class Realism {
  private rules: ActiveRule[] = [];
  private delayMs = 0;
  /** Resource id → time it becomes visible. Entries are dropped once visible. */
  private readonly pending = new Map<string, number>();

  constructor(
    settings: RealismSettings = NO_REALISM,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {
    this.configure(settings);
  }

  /** Replaces the settings; throws a plain Error naming the first invalid field. */
  configure(settings: RealismSettings): void {
    for (const rule of settings.faults) validateRule(rule);
    if (!Number.isInteger(settings.consistencyDelayMs) || settings.consistencyDelayMs < 0) {
      throw new Error('consistencyDelayMs must be a whole number of milliseconds, 0 or more');
    }
    this.rules = settings.faults.map((rule) => ({ rule, calls: 0, failures: 0 }));
    this.delayMs = settings.consistencyDelayMs;
    if (this.delayMs === 0) this.pending.clear();
  }

  settings(): RealismSettings {
    return { faults: this.rules.map((r) => r.rule), consistencyDelayMs: this.delayMs };
  }

  get active(): boolean {
    return this.rules.length > 0 || this.delayMs > 0 || this.pending.size > 0;
  }

  /**
   * Called before an action runs: returns the latency to add, and the fault to answer (if any).
   * The caller waits the latency, then throws the fault.
   */
  beforeAction(action: string): { latencyMs: number; fault: Ec2Error | undefined } {
    let latencyMs = 0;
    let fault: Ec2Error | undefined;
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.action !== '*' && rule.action !== action) continue;
      active.calls += 1;
      latencyMs = Math.max(latencyMs, rule.latencyMs ?? 0);
      if (fault || rule.error === null) continue;
      if (rule.times !== undefined && active.failures >= rule.times) continue;
      const fires = rule.nth !== undefined ? active.calls === rule.nth : this.random() < (rule.rate ?? 1);
      if (fires) {
        active.failures += 1;
        fault = ec2Error(rule.error ?? 'RequestLimitExceeded', ...faultArguments(rule.error ?? 'RequestLimitExceeded', action));
        // STS answers in its own envelope (server/dispatch.ts), a fault included.
        if (action === 'GetCallerIdentity') fault.queryNamespace = STS_XML_NAMESPACE;
      }
    }
    return { latencyMs, fault };
  }

  /**
   * Called after a successful write: its new resources become visible only after the delay, all at
   * the same moment. With the store, what they brought with them (CREATED_WITH) waits with them.
   */
  afterAction(action: string, output: object, store?: RelatedReads, scope?: Scope): void {
    if (this.delayMs === 0) return;
    const ids = CREATED_IDS[action]?.(output as Record<string, any>) ?? [];
    const visibleAt = this.now() + this.delayMs;
    const withThem = store && scope ? CREATED_WITH[action] : undefined;
    for (const id of ids) {
      if (typeof id !== 'string') continue;
      this.pending.set(id, visibleAt);
      for (const related of withThem?.(id, store!, scope!) ?? []) this.pending.set(related, visibleAt);
    }
  }

  /** Whether describe calls may show this resource yet. */
  readonly isVisible = (id: string): boolean => {
    if (this.pending.size === 0) return true;
    const visibleAt = this.pending.get(id);
    if (visibleAt === undefined) return true;
    if (visibleAt <= this.now()) {
      this.pending.delete(id);
      return true;
    }
    return false;
  };
}

/** The server-side failures clients most need to survive; any catalogue code may be injected. */
export const TYPICAL_FAULTS: readonly Ec2ErrorCode[] = ['RequestLimitExceeded', 'Unavailable', 'InternalError'];

function faultArguments(code: Ec2ErrorCode, action: string): string[] {
  // Most fault codes take no parameter. InvalidAction names the action; any other template's
  // parameters (a resource id, a free text) say where the error came from instead of "undefined".
  if (code === 'InvalidAction') return [action];
  return new Array<string>(EC2_ERRORS[code].message.length).fill(`(injected fault on ${action})`);
}

/** The fields a fault rule may have; any other is a typo that would silently do nothing. */
const RULE_FIELDS = new Set(['action', 'error', 'rate', 'nth', 'times', 'latencyMs']);

function validateRule(rule: FaultRule): void {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) throw new Error('each fault must be an object with an action');
  for (const field of Object.keys(rule)) {
    if (!RULE_FIELDS.has(field)) throw new Error(`fault field '${field}' is not one of ${[...RULE_FIELDS].join(', ')}`);
  }
  if (typeof rule.action !== 'string' || rule.action === '') throw new Error('fault.action must name an action or be *');
  if (rule.action !== '*' && rule.action !== 'GetCallerIdentity' && !OPERATIONS.has(rule.action)) {
    throw new Error(
      isEc2Action(rule.action)
        ? `fault.action '${rule.action}' is an EC2 action this emulator does not serve, so the fault could never fire`
        : `fault.action '${rule.action}' is not an action this emulator serves (use * or an action such as DescribeSecurityGroups)`,
    );
  }
  if (rule.error !== undefined && rule.error !== null && !Object.hasOwn(EC2_ERRORS, rule.error)) {
    throw new Error(
      `fault.error '${String(rule.error)}' is not an EC2 error code this emulator knows (typical: ${TYPICAL_FAULTS.join(', ')})`,
    );
  }
  if (rule.rate !== undefined && !(typeof rule.rate === 'number' && rule.rate >= 0 && rule.rate <= 1)) {
    throw new Error('fault.rate must be a number from 0 to 1');
  }
  for (const field of ['nth', 'times'] as const) {
    const value = rule[field];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new Error(`fault.${field} must be a whole number, 1 or more`);
  }
  if (rule.latencyMs !== undefined && !(Number.isInteger(rule.latencyMs) && rule.latencyMs >= 0 && rule.latencyMs <= 60_000)) {
    throw new Error('fault.latencyMs must be a whole number of milliseconds from 0 to 60000');
  }
}
