/**
 * Read-only accessors for flow evaluation (server/evaluation/): only the columns a decision needs,
 * without tags, so one evaluation stays a handful of index probes however large the store is.
 *
 * - the rules of one group and direction, from the rules' unique index (group_id, is_egress, …);
 * - a prefix list's entries at its CURRENT version (an entry belongs to versions
 *   [added_in, removed_in); store/prefix-lists.ts);
 * - a VPC's CIDR blocks, and the groups of a VPC or of an account-region with their VPCs.
 */
import type { Db } from './db.js';
import type { Direction, Scope } from './records.js';

/** A rule as evaluation reads it: positional, in `seq` order. */
export type EvaluationRuleRow = [
  ruleId: string,
  protocol: string,
  fromPort: number,
  toPort: number,
  peerKind: 'ipv4' | 'ipv6' | 'pl' | 'sg',
  peer: string,
  description: string | null,
];

export interface EvaluationGroupRow {
  readonly groupId: string;
  readonly groupName: string;
  readonly vpcId: string;
}

export function createEvaluationReads(db: Db) {
  const sql = {
    // One JSON array built inside SQLite and read with JSON.parse: ~20% less than one array per
    // row (the same trade as store/security-groups.ts's rule reads).
    rulesOf: db
      .prepare<[string, number], string>(
        `SELECT json_group_array(json_array(rule_id, ip_protocol, from_port, to_port, peer_kind, peer, description))
         FROM (SELECT * FROM security_group_rules WHERE group_id = ? AND is_egress = ? ORDER BY seq)`,
      )
      .pluck(true),
    // The list and its current version's entries in one statement: [family, version, owner, [cidr…]].
    prefixListAtCurrentVersion: db
      .prepare<[string, string, string], string>(
        `SELECT json_array(p.address_family, p.version, p.owner_id,
           (SELECT json_group_array(cidr) FROM (
              SELECT e.cidr FROM prefix_list_entries e
              WHERE e.prefix_list_id = p.prefix_list_id AND e.account_id = p.account_id AND e.region = p.region
                AND e.added_in <= p.version AND (e.removed_in IS NULL OR e.removed_in > p.version)
              ORDER BY e.seq)))
         FROM prefix_lists p WHERE p.prefix_list_id = ? AND p.account_id = ? AND p.region = ?`,
      )
      .pluck(true),
    vpcBlocks: db.prepare<[string, string, string], { cidr_block: string; ipv6_cidr_block: string | null }>(
      'SELECT cidr_block, ipv6_cidr_block FROM vpcs WHERE vpc_id = ? AND account_id = ? AND region = ?',
    ),
    groupsOfScope: db.prepare<[string, string], { group_id: string; group_name: string; vpc_id: string }>(
      'SELECT group_id, group_name, vpc_id FROM security_groups WHERE account_id = ? AND region = ? ORDER BY seq',
    ),
    groupsOfVpc: db.prepare<[string, string, string], { group_id: string; group_name: string; vpc_id: string }>(
      'SELECT group_id, group_name, vpc_id FROM security_groups WHERE vpc_id = ? AND account_id = ? AND region = ? ORDER BY seq',
    ),
  };
  const toGroup = (row: { group_id: string; group_name: string; vpc_id: string }): EvaluationGroupRow => ({
    groupId: row.group_id,
    groupName: row.group_name,
    vpcId: row.vpc_id,
  });

  return {
    /** The group's rules of one direction, without tags, in the order they were added. */
    evaluationRulesOf(groupId: string, direction: Direction): EvaluationRuleRow[] {
      return JSON.parse(sql.rulesOf.get(groupId, direction === 'egress' ? 1 : 0)!) as EvaluationRuleRow[];
    },
    /** A prefix list's address family, current version and that version's entry CIDRs. */
    prefixListForEvaluation(
      scope: Scope,
      prefixListId: string,
    ): { addressFamily: 'IPv4' | 'IPv6'; version: number; ownerId: string; cidrs: string[] } | undefined {
      const row = sql.prefixListAtCurrentVersion.get(prefixListId, scope.accountId, scope.region);
      if (row === undefined) return undefined;
      const [addressFamily, version, ownerId, cidrs] = JSON.parse(row) as ['IPv4' | 'IPv6', number, string, string[]];
      return { addressFamily, version, ownerId, cidrs };
    },
    /** A VPC's IPv4 block and its IPv6 block (undefined when it has none). */
    vpcCidrBlocks(scope: Scope, vpcId: string): { cidrBlock: string; ipv6CidrBlock: string | undefined } | undefined {
      const row = sql.vpcBlocks.get(vpcId, scope.accountId, scope.region);
      return row && { cidrBlock: row.cidr_block, ipv6CidrBlock: row.ipv6_cidr_block ?? undefined };
    },
    /** The account-region's groups (or one VPC's) with their VPCs, in creation order. */
    groupsForEvaluation(scope: Scope, vpcId?: string): EvaluationGroupRow[] {
      const rows =
        vpcId === undefined
          ? sql.groupsOfScope.all(scope.accountId, scope.region)
          : sql.groupsOfVpc.all(vpcId, scope.accountId, scope.region);
      return rows.map(toGroup);
    },
  };
}

export type EvaluationReads = ReturnType<typeof createEvaluationReads>;
