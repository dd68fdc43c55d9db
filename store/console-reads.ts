/**
 * What the web console (server/console/) reads beyond the resource stores' own reads: the scopes
 * present with their sizes, per-group rule counts, the rules that reference a group, the group
 * references of a whole scope (the reference graph), and every stored version of a prefix list's
 * entries. Read-only; the statements are prepared on first use, so a server nobody opens the
 * console of never pays for them at start-up.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import type { Scope } from './records.js';

export interface ScopeSummary extends Scope {
  readonly vpcs: number;
  readonly securityGroups: number;
  readonly securityGroupRules: number;
  readonly prefixLists: number;
}

/** A rule that names a group as its peer, seen from the referenced group. */
export interface GroupReference {
  readonly ruleId: string;
  /** The group that holds the rule. */
  readonly groupId: string;
  readonly direction: 'ingress' | 'egress';
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** The referenced group. */
  readonly peerGroupId: string;
  readonly peerUserId: string | undefined;
  readonly description: string | undefined;
}

/** A row of a prefix list's entries: it belongs to versions [addedIn, removedIn). */
export interface PrefixListEntryVersions {
  readonly cidr: string;
  readonly description: string | undefined;
  readonly addedIn: number;
  readonly removedIn: number | undefined;
}

interface ReferenceRow {
  rule_id: string;
  group_id: string;
  is_egress: number;
  ip_protocol: string;
  from_port: number;
  to_port: number;
  peer: string;
  peer_user_id: string | null;
  description: string | null;
}

const REFERENCE_COLUMNS = 'rule_id, group_id, is_egress, ip_protocol, from_port, to_port, peer, peer_user_id, description';

function prepareStatements(db: Db) {
  return {
    scopes: db.prepare<[], { account_id: string; region: string }>(
      `SELECT account_id, region FROM scopes
       UNION SELECT account_id, region FROM vpcs
       UNION SELECT account_id, region FROM security_groups
       ORDER BY account_id, region`,
    ),
    countIn: (table: string) =>
      db.prepare<[string, string], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE account_id = ? AND region = ?`),
    ruleCounts: db.prepare<[string, string], { group_id: string; inbound: number; outbound: number }>(
      `SELECT group_id, sum(is_egress = 0) AS inbound, sum(is_egress = 1) AS outbound
       FROM security_group_rules WHERE account_id = ? AND region = ? GROUP BY group_id`,
    ),
    groupsPerVpc: db.prepare<[string, string], { vpc_id: string; n: number }>(
      'SELECT vpc_id, count(*) AS n FROM security_groups WHERE account_id = ? AND region = ? GROUP BY vpc_id',
    ),
    subnetsPerVpc: db.prepare<[string, string], { vpc_id: string; n: number }>(
      'SELECT vpc_id, count(*) AS n FROM subnets WHERE account_id = ? AND region = ? GROUP BY vpc_id',
    ),
    groupNames: db.prepare<[string], { group_id: string; group_name: string; account_id: string; vpc_id: string }>(
      'SELECT group_id, group_name, account_id, vpc_id FROM security_groups WHERE group_id IN (SELECT value FROM json_each(?))',
    ),
    referencing: db.prepare<[string], ReferenceRow>(
      `SELECT ${REFERENCE_COLUMNS} FROM security_group_rules WHERE peer = ? AND peer_kind = 'sg' ORDER BY seq`,
    ),
    referencesOfScope: db.prepare<[string, string], ReferenceRow>(
      `SELECT ${REFERENCE_COLUMNS} FROM security_group_rules WHERE account_id = ? AND region = ? AND peer_kind = 'sg' ORDER BY seq`,
    ),
    prefixListUse: db.prepare<[string, string], { peer: string; n: number }>(
      `SELECT peer, count(*) AS n FROM security_group_rules WHERE account_id = ? AND region = ? AND peer_kind = 'pl' GROUP BY peer`,
    ),
    prefixListEntries: db.prepare<[string, string, string], { cidr: string; description: string | null; added_in: number; removed_in: number | null }>(
      `SELECT cidr, description, added_in, removed_in FROM prefix_list_entries
       WHERE account_id = ? AND region = ? AND prefix_list_id = ? ORDER BY seq`,
    ),
  };
}

const toReference = (row: ReferenceRow): GroupReference => ({
  ruleId: row.rule_id,
  groupId: row.group_id,
  direction: row.is_egress === 1 ? 'egress' : 'ingress',
  protocol: row.ip_protocol,
  fromPort: row.from_port,
  toPort: row.to_port,
  peerGroupId: row.peer,
  peerUserId: row.peer_user_id ?? undefined,
  description: row.description ?? undefined,
});

export function createConsoleReads(db: Db) {
  let sql: ReturnType<typeof prepareStatements> | undefined;
  const counts = new Map<string, Statement<[string, string], { n: number }>>();
  const statements = () => (sql ??= prepareStatements(db));
  const countIn = (table: string, scope: Scope): number => {
    let statement = counts.get(table);
    if (!statement) counts.set(table, (statement = statements().countIn(table)));
    return statement.get(scope.accountId, scope.region)?.n ?? 0;
  };
  const byKey = (rows: { vpc_id: string; n: number }[]) => new Map(rows.map((row) => [row.vpc_id, row.n]));

  return {
    /** Every account-region with anything in it, with the size of what it holds. */
    consoleScopes(): ScopeSummary[] {
      return statements()
        .scopes.all()
        .map(({ account_id: accountId, region }) => {
          const scope = { accountId, region };
          return {
            accountId,
            region,
            vpcs: countIn('vpcs', scope),
            securityGroups: countIn('security_groups', scope),
            securityGroupRules: countIn('security_group_rules', scope),
            prefixLists: countIn('prefix_lists', scope),
          };
        });
    },

    /** Inbound and outbound rule counts of each group of the scope that has rules. */
    consoleRuleCounts(scope: Scope): Map<string, { inbound: number; outbound: number }> {
      return new Map(
        statements()
          .ruleCounts.all(scope.accountId, scope.region)
          .map((row) => [row.group_id, { inbound: row.inbound, outbound: row.outbound }]),
      );
    },

    /** Per VPC of the scope: how many groups and subnets it has. */
    consoleVpcCounts(scope: Scope): { groups: Map<string, number>; subnets: Map<string, number> } {
      const s = statements();
      return {
        groups: byKey(s.groupsPerVpc.all(scope.accountId, scope.region)),
        subnets: byKey(s.subnetsPerVpc.all(scope.accountId, scope.region)),
      };
    },

    /** Names, owners and VPCs of these groups, in whatever account they are. */
    consoleGroupNames(groupIds: readonly string[]): Map<string, { groupName: string; ownerId: string; vpcId: string }> {
      if (groupIds.length === 0) return new Map();
      return new Map(
        statements()
          .groupNames.all(JSON.stringify([...new Set(groupIds)]))
          .map((row) => [row.group_id, { groupName: row.group_name, ownerId: row.account_id, vpcId: row.vpc_id }]),
      );
    },

    /** The rules, in any group, that name this group as their peer. */
    consoleRulesReferencing(groupId: string): GroupReference[] {
      return statements().referencing.all(groupId).map(toReference);
    },

    /** Every rule of the scope that names a group as its peer: the edges of the reference graph. */
    consoleGroupReferences(scope: Scope): GroupReference[] {
      return statements().referencesOfScope.all(scope.accountId, scope.region).map(toReference);
    },

    /** How many rules of the scope name each prefix list. */
    consolePrefixListUse(scope: Scope): Map<string, number> {
      return new Map(statements().prefixListUse.all(scope.accountId, scope.region).map((row) => [row.peer, row.n]));
    },

    /** Every stored entry row of a list, each with the versions it belongs to. */
    consolePrefixListEntries(scope: Scope, prefixListId: string): PrefixListEntryVersions[] {
      return statements()
        .prefixListEntries.all(scope.accountId, scope.region, prefixListId)
        .map((row) => ({
          cidr: row.cidr,
          description: row.description ?? undefined,
          addedIn: row.added_in,
          removedIn: row.removed_in ?? undefined,
        }));
    },
  };
}
