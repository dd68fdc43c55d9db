/**
 * Security groups and their rules: the hot half of the store. Every rule action reads a group and
 * probes, counts or writes its rules here, and the describe calls read rules with their tags in one
 * statement, so the statements are shaped for speed (positional rows, JSON-array reads, positional
 * binding) and test/unit/store/query-plans.test.ts checks they read through an index.
 *
 * A rule is stored as its normalised fields plus its peer as (`peer_kind`, `peer`): the unique
 * index over those is what makes "the same rule" a single probe.
 */
import type { Db } from './db.js';
import { newSecurityGroupId, newSecurityGroupRuleId } from './ids.js';
import { Conditions, createNarrowing } from './narrowing.js';
import {
  peerKind,
  peerValue,
  type Direction,
  type GroupFacts,
  type GroupRecord,
  type Peer,
  type RuleRecord,
  type RuleSpec,
  type Scope,
  type Sequenced,
  type Tag,
  type ValueTest,
} from './records.js';
import { NO_TAGS, type TagStore } from './tags.js';

/**
 * Hot tables are read as positional rows (`.raw()`), in the order of their `*_COLUMNS` list:
 * better-sqlite3 builds an array per row about twice as fast as an object with named properties.
 */
const GROUP_COLUMNS = 'seq, group_id, account_id, vpc_id, group_name, description, is_default';
type GroupRow = [seq: number, groupId: string, accountId: string, vpcId: string, groupName: string, description: string, isDefault: number];
type PeerKind = 'ipv4' | 'ipv6' | 'pl' | 'sg';
/** Columns of RULES_WITH_TAGS, in order: a rule's columns, then one of its tags (NULL if none). */
type RuleTagRow = [
  seq: number,
  ruleId: string,
  groupId: string,
  accountId: string,
  isEgress: number,
  protocol: string,
  fromPort: number,
  toPort: number,
  peerKind: PeerKind,
  peer: string,
  peerUserId: string | null,
  description: string | null,
  peerVpcId: string | null,
  tagKey: string | null,
  tagValue: string | null,
];
const RULE_TAG_COLUMNS = `r.seq, r.rule_id, r.group_id, r.account_id, r.is_egress, r.ip_protocol, r.from_port, r.to_port,
    r.peer_kind, r.peer, r.peer_user_id, r.description, r.peer_vpc_id, t.key, t.value`;
const RULES_JOIN_TAGS = 'FROM security_group_rules r LEFT JOIN tags t ON t.resource_id = r.rule_id';
const RULES_WITH_TAGS = `SELECT ${RULE_TAG_COLUMNS} ${RULES_JOIN_TAGS}`;
/**
 * Many rules with their tags as one JSON array of RuleTagRows, built inside SQLite and read with
 * V8's JSON.parse: one string crossing into JS costs about half of what one array per row (14
 * values each) does, for a group of 50 rules ~100 µs instead of ~170.
 */
const rulesWithTagsAsJson = (rules: string) =>
  `SELECT json_group_array(json_array(${RULE_TAG_COLUMNS}) ORDER BY r.seq, t.seq)
   FROM (${rules}) r LEFT JOIN tags t ON t.resource_id = r.rule_id`;

/**
 * What a scan of an account's rules keeps (DescribeSecurityGroupRules' filters): its id, its
 * group's id, or a tag whose key and value pass; or rules whose peer is a group. All hold together.
 */
export type RuleCondition =
  | { readonly on: 'ruleId' | 'groupId'; readonly test: ValueTest }
  | { readonly on: 'groupPeer' }
  | { readonly on: 'tag'; readonly key?: ValueTest | undefined; readonly value?: ValueTest | undefined };

/** What DescribeSecurityGroups' rule filters read from a rule (server/security-groups/filters.ts). */
export type RuleField = 'ipv4Cidr' | 'ipv6Cidr' | 'prefixListId' | 'referencedGroupId' | 'referencedUserId' | 'protocol' | 'fromPort' | 'toPort';

/** Each field as an SQL expression over a rules row, NULL where the rule has no such value. */
const RULE_FIELD_SQL: Readonly<Record<RuleField, string>> = {
  ipv4Cidr: "CASE WHEN peer_kind = 'ipv4' THEN peer END",
  ipv6Cidr: "CASE WHEN peer_kind = 'ipv6' THEN peer END",
  prefixListId: "CASE WHEN peer_kind = 'pl' THEN peer END",
  referencedGroupId: "CASE WHEN peer_kind = 'sg' THEN peer END",
  referencedUserId: "CASE WHEN peer_kind = 'sg' THEN coalesce(peer_user_id, account_id) END",
  protocol: 'ip_protocol',
  // Looser than the filter, which sees no port on a rule whose protocol has none: the caller checks.
  fromPort: 'CAST(from_port AS TEXT)',
  toPort: 'CAST(to_port AS TEXT)',
};

/**
 * At most this many of a request's conditions go into one statement; the caller's own filters check
 * the rest (a request may carry 200 filters, but a handful already narrows a scan to almost nothing).
 */
const MAX_CONDITIONS_IN_SQL = 8;

/** A rule reduced to what makes it "the same rule" and what it costs against the quota. */
export type RuleFootprint = Pick<RuleSpec, 'protocol' | 'fromPort' | 'toPort' | 'peer'>;

function peerOf(kind: PeerKind, value: string, userId: string, vpcId: string | null): Peer {
  switch (kind) {
    case 'ipv4':
    case 'ipv6':
      return { kind, cidr: value };
    case 'pl':
      return { kind: 'prefixList', prefixListId: value };
    case 'sg':
      // Most rules reference their own VPC: only a peered reference carries the key at all.
      return vpcId === null ? { kind: 'group', groupId: value, userId } : { kind: 'group', groupId: value, userId, vpcId };
  }
}

/** A new group's one egress rule: all traffic to anywhere (aws-reference A-2). */
export function defaultEgressRules(hasIpv6: boolean): RuleSpec[] {
  const all = { protocol: '-1', fromPort: -1, toPort: -1, description: undefined };
  const rules: RuleSpec[] = [{ ...all, peer: { kind: 'ipv4', cidr: '0.0.0.0/0' } }];
  if (hasIpv6) rules.push({ ...all, peer: { kind: 'ipv6', cidr: '::/0' } });
  return rules;
}

export function createSecurityGroupStore(db: Db, tags: TagStore) {
  const narrowing = createNarrowing(db);
  const sql = {
    insertGroup: db.prepare<[string, string, string, string, string, string, string, number]>(
      `INSERT INTO security_groups (group_id, account_id, region, vpc_id, group_name, group_name_key, description, is_default)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    groupById: db
      .prepare<[string, string, string], GroupRow>(`SELECT ${GROUP_COLUMNS} FROM security_groups WHERE group_id = ? AND account_id = ? AND region = ?`)
      .raw(true),
    groupByName: db
      .prepare<[string, string], GroupRow>(`SELECT ${GROUP_COLUMNS} FROM security_groups WHERE vpc_id = ? AND group_name_key = ?`)
      .raw(true),
    groupsOfScope: db
      .prepare<[string, string], GroupRow>(`SELECT ${GROUP_COLUMNS} FROM security_groups WHERE account_id = ? AND region = ? ORDER BY seq`)
      .raw(true),
    groupsOfVpc: db
      .prepare<[string], GroupRow>(`SELECT ${GROUP_COLUMNS} FROM security_groups WHERE vpc_id = ? ORDER BY seq`)
      .raw(true),
    // Counting stops at the limit: whether an account holds at least N rules costs N index steps at most.
    countRulesOfScopeUpTo: db
      .prepare<[string, string, number], number>(
        'SELECT count(*) FROM (SELECT 1 FROM security_group_rules WHERE account_id = ? AND region = ? LIMIT ?)',
      )
      .pluck(true),
    countGroupsOfScope: db.prepare<[string, string], { n: number }>(
      'SELECT count(*) AS n FROM security_groups WHERE account_id = ? AND region = ?',
    ),
    deleteGroup: db.prepare<[string]>('DELETE FROM security_groups WHERE group_id = ?'),
    deleteTagsOfGroupRules: db.prepare<[string]>(
      'DELETE FROM tags WHERE resource_id IN (SELECT rule_id FROM security_group_rules WHERE group_id = ?)',
    ),

    // The hot inserts bind positionally: better-sqlite3's named binding cost AuthorizeSecurityGroupEgress
    // about 9 of its 58 µs in-process.
    insertRule: db.prepare<
      [string, string, string, string, number, string, number, number, string, string, string | null, string | null, string | null]
    >(
      `INSERT INTO security_group_rules (rule_id, group_id, account_id, region, is_egress, ip_protocol,
         from_port, to_port, peer_kind, peer, peer_user_id, description, peer_vpc_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Rules with their tags in one query: what DescribeSecurityGroup(Rule)s spend most of their time on.
    rulesOfGroup: db
      .prepare<[string], string>(rulesWithTagsAsJson('SELECT * FROM security_group_rules WHERE group_id = ?'))
      .pluck(true),
    rulesOfScope: db
      .prepare<[string, string], string>(rulesWithTagsAsJson('SELECT * FROM security_group_rules WHERE account_id = ? AND region = ?'))
      .pluck(true),
    // Authorize's duplicate check: one probe of the unique index.
    ruleExists: db
      .prepare<[string, number, string, number, number, string, string], number>(
        `SELECT 1 FROM security_group_rules
         WHERE group_id = ? AND is_egress = ? AND ip_protocol = ? AND from_port = ? AND to_port = ? AND peer_kind = ? AND peer = ?`,
      )
      .pluck(true),
    // The rule quota's count (server/security-groups/quota.ts), summed inside SQLite: the kinds of
    // a direction's rules straight from the covering unique index...
    ruleKindCounts: db
      .prepare<[string, number], [ipv4: number | null, ipv6: number | null, sg: number | null, pl: number | null]>(
        `SELECT sum(peer_kind = 'ipv4'), sum(peer_kind = 'ipv6'), sum(peer_kind = 'sg'), sum(peer_kind = 'pl')
         FROM security_group_rules WHERE group_id = ? AND is_egress = ?`,
      )
      .raw(true),
    // ...and, only where prefix lists are referenced, their weights (MaxEntries in their family).
    prefixListWeights: db.prepare<[string, number], { ipv4: number | null; ipv6: number | null }>(
      `SELECT
         sum(CASE WHEN coalesce(pl.address_family, 'IPv4') = 'IPv4' THEN coalesce(pl.max_entries, 1) ELSE 0 END) AS ipv4,
         sum(CASE WHEN pl.address_family = 'IPv6' THEN coalesce(pl.max_entries, 1) ELSE 0 END) AS ipv6
       FROM security_group_rules r
       LEFT JOIN prefix_lists pl ON pl.account_id = r.account_id AND pl.region = r.region AND pl.prefix_list_id = r.peer
       WHERE r.group_id = ? AND r.is_egress = ? AND r.peer_kind = 'pl'`,
    ),
    ruleById: db
      .prepare<[string, string, string], RuleTagRow>(`${RULES_WITH_TAGS} WHERE r.rule_id = ? AND r.account_id = ? AND r.region = ? ORDER BY t.seq`)
      .raw(true),
    // Only references from its own VPC keep a group: one from a peered VPC goes stale instead.
    rulesReferencingGroup: db.prepare<[string, string], { n: number }>(
      "SELECT count(*) AS n FROM security_group_rules WHERE peer = ? AND peer_kind = 'sg' AND group_id <> ? AND peer_vpc_id IS NULL",
    ),
    // Rules of other VPCs' groups naming this group across a peering (DescribeSecurityGroupReferences).
    crossVpcReferencesTo: db.prepare<[string], { group_id: string; peer_vpc_id: string }>(
      "SELECT group_id, peer_vpc_id FROM security_group_rules WHERE peer = ? AND peer_kind = 'sg' AND peer_vpc_id IS NOT NULL",
    ),
    deleteRule: db.prepare<[string]>('DELETE FROM security_group_rules WHERE rule_id = ?'),
    updateRuleDescription: db.prepare<[string | null, string]>(
      'UPDATE security_group_rules SET description = ? WHERE rule_id = ?',
    ),
    updateRulePeer: db.prepare<[string, string]>('UPDATE security_group_rules SET peer = ? WHERE rule_id = ?'),
    updateRule: db.prepare(
      `UPDATE security_group_rules SET ip_protocol = @ip_protocol, from_port = @from_port, to_port = @to_port,
         peer_kind = @peer_kind, peer = @peer, peer_user_id = @peer_user_id, description = @description,
         peer_vpc_id = @peer_vpc_id
       WHERE rule_id = @rule_id`,
    ),
  };

  // ---------------------------------------------------------------- row → record

  const toGroup = ([seq, groupId, accountId, vpcId, groupName, description, isDefault]: GroupRow, groupTags: readonly Tag[]): Sequenced<GroupRecord> => ({
    seq,
    groupId,
    groupName,
    description,
    vpcId,
    ownerId: accountId,
    isDefault: isDefault === 1,
    tags: groupTags,
  });

  /** Folds RULES_WITH_TAGS rows (one per rule and tag, in rule order) into records. */
  function mapRuleTagRows(rows: RuleTagRow[]): Sequenced<RuleRecord>[] {
    const rules: Sequenced<RuleRecord>[] = [];
    let last: (Sequenced<RuleRecord> & { tags: Tag[] }) | undefined;
    for (const row of rows) {
      const [seq, ruleId, groupId, accountId, isEgress, protocol, fromPort, toPort, kind, peer, peerUserId, description, peerVpcId, key, value] =
        row;
      if (last === undefined || last.ruleId !== ruleId) {
        last = {
          seq,
          ruleId,
          groupId,
          ownerId: accountId,
          direction: isEgress === 1 ? 'egress' : 'ingress',
          protocol,
          fromPort,
          toPort,
          peer: peerOf(kind, peer, peerUserId ?? accountId, peerVpcId),
          description: description ?? undefined,
          tags: [],
        };
        rules.push(last);
      }
      if (key !== null) last.tags.push({ key, value: value! });
    }
    return rules;
  }

  // ---------------------------------------------------------------- writes

  function insertGroup(
    scope: Scope,
    group: { groupName: string; description: string; vpcId: string; isDefault: boolean },
  ): string {
    const groupId = newSecurityGroupId();
    sql.insertGroup.run(
      groupId,
      scope.accountId,
      scope.region,
      group.vpcId,
      group.groupName,
      group.groupName.toLowerCase(),
      group.description,
      group.isDefault ? 1 : 0,
    );
    return groupId;
  }

  function insertRules(
    scope: Scope,
    groupId: string,
    direction: Direction,
    specs: readonly RuleSpec[],
    ruleTags: readonly Tag[] = NO_TAGS,
  ): RuleRecord[] {
    return specs.map((spec) => {
      const ruleId = newSecurityGroupRuleId();
      sql.insertRule.run(
        ruleId,
        groupId,
        scope.accountId,
        scope.region,
        direction === 'egress' ? 1 : 0,
        spec.protocol,
        spec.fromPort,
        spec.toPort,
        peerKind(spec.peer),
        peerValue(spec.peer),
        spec.peer.kind === 'group' ? spec.peer.userId : null,
        spec.description ?? null,
        spec.peer.kind === 'group' ? (spec.peer.vpcId ?? null) : null,
      );
      if (ruleTags.length > 0) tags.setTags(scope, ruleId, 'security-group-rule', ruleTags);
      return { ...spec, ruleId, groupId, ownerId: scope.accountId, direction, tags: ruleTags };
    });
  }

  function deleteGroup(groupId: string): void {
    sql.deleteTagsOfGroupRules.run(groupId);
    tags.deleteTagsOfResource(groupId);
    sql.deleteGroup.run(groupId); // rules go with it (ON DELETE CASCADE)
  }

  return {
    // ---- security groups
    insertGroup,
    /**
     * A VPC's `default` group with AWS's default rules: all traffic in from members of the group
     * itself, all traffic out to 0.0.0.0/0 (and ::/0 when the VPC has IPv6). aws-reference D-23.
     */
    insertDefaultGroup(scope: Scope, vpc: { vpcId: string; hasIpv6: boolean }): string {
      const groupId = insertGroup(scope, {
        groupName: 'default',
        description: 'default VPC security group',
        vpcId: vpc.vpcId,
        isDefault: true,
      });
      const all = { protocol: '-1', fromPort: -1, toPort: -1, description: undefined };
      insertRules(scope, groupId, 'ingress', [{ ...all, peer: { kind: 'group', groupId, userId: scope.accountId } }]);
      insertRules(scope, groupId, 'egress', defaultEgressRules(vpc.hasIpv6));
      return groupId;
    },
    getGroup(scope: Scope, groupId: string): Sequenced<GroupRecord> | undefined {
      const row = sql.groupById.get(groupId, scope.accountId, scope.region);
      return row && toGroup(row, tags.tagsOf(groupId));
    },
    /** The group without reading its tags (the rule actions' hot path). */
    getGroupFacts(scope: Scope, groupId: string): Sequenced<GroupFacts> | undefined {
      const row = sql.groupById.get(groupId, scope.accountId, scope.region);
      return row && toGroup(row, NO_TAGS);
    },
    findGroupByName(vpcId: string, groupName: string): Sequenced<GroupRecord> | undefined {
      const row = sql.groupByName.get(vpcId, groupName.toLowerCase());
      return row && toGroup(row, tags.tagsOf(row[1]));
    },
    listGroups(scope: Scope): Sequenced<GroupRecord>[] {
      const rows = sql.groupsOfScope.all(scope.accountId, scope.region);
      const byId = tags.tagsByResourceOfType(scope, 'security-group');
      return rows.map((row) => toGroup(row, byId.get(row[1]) ?? NO_TAGS));
    },
    /** The account's rules, counted up to `limit` (no further). */
    countRulesUpTo(scope: Scope, limit: number): number {
      return sql.countRulesOfScopeUpTo.get(scope.accountId, scope.region, limit)!;
    },
    countGroups(scope: Scope): number {
      return sql.countGroupsOfScope.get(scope.accountId, scope.region)!.n;
    },
    /** Groups of a VPC other than its default group: what keeps a VPC from being deleted. */
    countNonDefaultGroupsOfVpc(vpcId: string): number {
      return sql.groupsOfVpc.all(vpcId).filter(([, , , , , , isDefault]) => isDefault === 0).length;
    },
    /** Whether any other group's rule names this group as its peer (EC2's DependencyViolation). */
    isGroupReferencedByOthers(groupId: string): boolean {
      return sql.rulesReferencingGroup.get(groupId, groupId)!.n > 0;
    },
    /** Groups of other VPCs whose rules name this group across a peering, with the group's VPC. */
    crossVpcReferencesTo(groupId: string): { referencingGroupId: string; referencedVpcId: string }[] {
      return sql.crossVpcReferencesTo.all(groupId).map((row) => ({ referencingGroupId: row.group_id, referencedVpcId: row.peer_vpc_id }));
    },
    deleteGroup,
    /** Deletes every group of the VPC with its rules and all their tags (the VPC is being deleted). */
    deleteGroupsOfVpc(vpcId: string): void {
      for (const [, groupId] of sql.groupsOfVpc.all(vpcId)) deleteGroup(groupId);
    },

    // ---- rules
    insertRules,
    rulesOfGroup(groupId: string): Sequenced<RuleRecord>[] {
      return mapRuleTagRows(JSON.parse(sql.rulesOfGroup.get(groupId)!) as RuleTagRow[]);
    },
    listRules(scope: Scope): Sequenced<RuleRecord>[] {
      return mapRuleTagRows(JSON.parse(sql.rulesOfScope.get(scope.accountId, scope.region)!) as RuleTagRow[]);
    },
    /**
     * Up to `limit` of the account's rules with `seq` above `afterSeq` that meet every condition, in
     * `seq` order: the filtering happens inside SQLite, so only the rules kept are built.
     */
    listRulesWhere(scope: Scope, conditions: readonly RuleCondition[], afterSeq: number, limit: number): Sequenced<RuleRecord>[] {
      const where = new Conditions();
      for (const condition of conditions.slice(0, MAX_CONDITIONS_IN_SQL)) {
        if (condition.on === 'groupPeer') where.addSql("peer_kind = 'sg'");
        else if (condition.on !== 'tag') where.add(condition.on === 'ruleId' ? 'rule_id' : 'group_id', condition.test);
        else {
          const tagTests = [`account_id = ${where.param(scope.accountId)}`, `region = ${where.param(scope.region)}`];
          if (condition.key) tagTests.push(where.accepts('key', condition.key));
          if (condition.value) tagTests.push(where.accepts('value', condition.value));
          where.addSql(`rule_id IN (SELECT resource_id FROM tags WHERE ${tagTests.join(' AND ')})`);
        }
      }
      const sql = rulesWithTagsAsJson(
        `SELECT * FROM security_group_rules WHERE account_id = ? AND region = ? AND seq > ? AND ${where.sql()} ORDER BY seq LIMIT ?`,
      );
      const json = narrowing.run(sql, where, [scope.accountId, scope.region, afterSeq], [limit], (statement, params) =>
        statement.pluck(true).get(...params),
      ) as string;
      return mapRuleTagRows(JSON.parse(json) as RuleTagRow[]);
    },
    /** The groups of the account with a rule of `direction` whose `field` passes `test`. */
    groupIdsWithRuleWhere(scope: Scope, direction: Direction, field: RuleField, test: ValueTest): Set<string> {
      const where = new Conditions().add(RULE_FIELD_SQL[field], test);
      const sql = `SELECT DISTINCT group_id FROM security_group_rules WHERE account_id = ? AND region = ? AND is_egress = ? AND ${where.sql()}`;
      const ids = narrowing.run(sql, where, [scope.accountId, scope.region, direction === 'egress' ? 1 : 0], [], (statement, params) =>
        statement.pluck(true).all(...params),
      ) as string[];
      return new Set(ids);
    },
    /** Whether the group already has this rule (everything but the description equal). */
    ruleExists(groupId: string, direction: Direction, rule: RuleFootprint): boolean {
      const isEgress = direction === 'egress' ? 1 : 0;
      return sql.ruleExists.get(groupId, isEgress, rule.protocol, rule.fromPort, rule.toPort, peerKind(rule.peer), peerValue(rule.peer)) !== undefined;
    },
    /** The group's rules of one direction, counted per IP family as the rule quota counts them. */
    ruleQuotaUsage(groupId: string, direction: Direction): { ipv4: number; ipv6: number } {
      const isEgress = direction === 'egress' ? 1 : 0;
      const [ipv4Rules, ipv6Rules, groupRules, prefixListRules] = sql.ruleKindCounts.get(groupId, isEgress)!;
      let ipv4 = (ipv4Rules ?? 0) + (groupRules ?? 0);
      let ipv6 = (ipv6Rules ?? 0) + (groupRules ?? 0);
      if ((prefixListRules ?? 0) > 0) {
        const weights = sql.prefixListWeights.get(groupId, isEgress)!;
        ipv4 += weights.ipv4 ?? 0;
        ipv6 += weights.ipv6 ?? 0;
      }
      return { ipv4, ipv6 };
    },
    getRule(scope: Scope, ruleId: string): Sequenced<RuleRecord> | undefined {
      return mapRuleTagRows(sql.ruleById.all(ruleId, scope.accountId, scope.region))[0];
    },
    /**
     * Rewrites rules in place: same ids, same tags (ModifySecurityGroupRules). Each rule first
     * takes a placeholder peer (its own id, unique), so swapping two rules' contents never trips
     * the unique index halfway through.
     */
    updateRules(updates: ReadonlyMap<string, RuleSpec>): void {
      for (const ruleId of updates.keys()) {
        sql.updateRulePeer.run(ruleId, ruleId);
      }
      for (const [ruleId, spec] of updates) {
        sql.updateRule.run({
          rule_id: ruleId,
          ip_protocol: spec.protocol,
          from_port: spec.fromPort,
          to_port: spec.toPort,
          peer_kind: peerKind(spec.peer),
          peer: peerValue(spec.peer),
          peer_user_id: spec.peer.kind === 'group' ? spec.peer.userId : null,
          description: spec.description ?? null,
          peer_vpc_id: spec.peer.kind === 'group' ? (spec.peer.vpcId ?? null) : null,
        });
      }
    },
    setRuleDescription(ruleId: string, description: string | undefined): void {
      sql.updateRuleDescription.run(description ?? null, ruleId);
    },
    deleteRule(ruleId: string): void {
      tags.deleteTagsOfResource(ruleId);
      sql.deleteRule.run(ruleId);
    },
  };
}

export type SecurityGroupStore = ReturnType<typeof createSecurityGroupStore>;
