/**
 * The repository over the schema: statements prepared once, typed rows mapped to records in one
 * function per table, and `transaction()` so a request's reads and writes happen as one unit.
 *
 * The store knows SQL and nothing of EC2's errors: it returns records or `undefined`, and the
 * handlers decide what that means inside the same transaction.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import { createStateAccess } from './state.js';
import { AWS_MANAGED_PREFIX_LIST_ENTRIES, createPrefixListStore } from './prefix-lists.js';
import { availabilityZonesOf } from './availability-zones.js';
import { createNetworkInterfaceStore } from './network-interfaces.js';
import { createSubnetStore } from './subnets.js';
import { createTagStore } from './tags.js';
import { createVpcNetworkStore } from './vpc-network.js';
import {
  newCidrAssociationId,
  newDhcpOptionsId,
  newSecurityGroupId,
  newSecurityGroupRuleId,
  newVpcId,
} from './ids.js';
import {
  peerKind,
  peerValue,
  type Direction,
  type GroupFacts,
  type GroupRecord,
  type Peer,
  type PrefixListRecord,
  type RuleRecord,
  type RuleSpec,
  type Scope,
  type Sequenced,
  type Tag,
  type VpcAttributes,
  type VpcRecord,
} from './records.js';

// ---------------------------------------------------------------- rows (mirror the columns)

interface VpcRow {
  seq: number;
  vpc_id: string;
  account_id: string;
  region: string;
  cidr_block: string;
  cidr_association_id: string;
  ipv6_cidr_block: string | null;
  ipv6_association_id: string | null;
  is_default: number;
  instance_tenancy: string;
  dhcp_options_id: string;
  enable_dns_support: number;
  enable_dns_hostnames: number;
  enable_network_address_usage_metrics: number;
}
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
  tagKey: string | null,
  tagValue: string | null,
];
const RULE_TAG_COLUMNS = `r.seq, r.rule_id, r.group_id, r.account_id, r.is_egress, r.ip_protocol, r.from_port, r.to_port,
    r.peer_kind, r.peer, r.peer_user_id, r.description, t.key, t.value`;
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

/** A rule reduced to what makes it "the same rule" and what it costs against the quota. */
export type RuleFootprint = Pick<RuleSpec, 'protocol' | 'fromPort' | 'toPort' | 'peer'>;

function peerOf(kind: PeerKind, value: string, userId: string): Peer {
  switch (kind) {
    case 'ipv4':
    case 'ipv6':
      return { kind, cidr: value };
    case 'pl':
      return { kind: 'prefixList', prefixListId: value };
    case 'sg':
      return { kind: 'group', groupId: value, userId };
  }
}

interface PrefixListRow {
  prefix_list_id: string;
  name: string;
  address_family: 'IPv4' | 'IPv6';
  max_entries: number;
  owner_id: string;
}
interface TagRow {
  resource_id: string;
  key: string;
  value: string;
}

export type TaggedResourceType =
  | 'security-group'
  | 'security-group-rule'
  | 'vpc'
  | 'prefix-list'
  | 'subnet'
  | 'network-interface'
  | 'network-acl'
  | 'route-table';

export type { Sequenced } from './records.js';

/** The AWS-managed prefix lists every region has (aws-reference G-2). */
const AWS_MANAGED_PREFIX_LISTS = [
  { service: 's3', maxEntries: 1 },
  { service: 'dynamodb', maxEntries: 1 },
] as const;

export const DEFAULT_VPC_CIDR = '172.31.0.0/16';

/** A default VPC's default subnets: one /20 per zone, from the bottom of 172.31.0.0/16 up. */
export function defaultSubnetCidr(zoneIndex: number): string {
  return `172.31.${zoneIndex * 16}.0/20`;
}

export function createStore(db: Db) {
  const sql = {
    scopeExists: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM scopes WHERE account_id = ? AND region = ?',
    ),
    insertScope: db.prepare<[string, string]>('INSERT INTO scopes (account_id, region) VALUES (?, ?)'),

    insertVpc: db.prepare(
      `INSERT INTO vpcs (vpc_id, account_id, region, cidr_block, cidr_association_id, ipv6_cidr_block,
         ipv6_association_id, is_default, instance_tenancy, dhcp_options_id, enable_dns_support, enable_dns_hostnames)
       VALUES (@vpc_id, @account_id, @region, @cidr_block, @cidr_association_id, @ipv6_cidr_block,
         @ipv6_association_id, @is_default, @instance_tenancy, @dhcp_options_id, 1, @is_default)`,
    ),
    vpcById: db.prepare<[string, string, string], VpcRow>(
      'SELECT * FROM vpcs WHERE vpc_id = ? AND account_id = ? AND region = ?',
    ),
    defaultVpc: db.prepare<[string, string], VpcRow>(
      'SELECT * FROM vpcs WHERE account_id = ? AND region = ? AND is_default = 1',
    ),
    vpcsOfScope: db.prepare<[string, string], VpcRow>(
      'SELECT * FROM vpcs WHERE account_id = ? AND region = ? ORDER BY seq',
    ),
    vpcsWithoutNetwork: db.prepare<[], VpcRow>(
      'SELECT * FROM vpcs v WHERE NOT EXISTS (SELECT 1 FROM network_acls a WHERE a.vpc_id = v.vpc_id) ORDER BY seq',
    ),
    enableDnsHostnames: db.prepare<[string]>('UPDATE vpcs SET enable_dns_hostnames = 1 WHERE vpc_id = ?'),
    setVpcAttributes: db.prepare<[number, number, number, string]>(
      `UPDATE vpcs SET enable_dns_support = ?, enable_dns_hostnames = ?, enable_network_address_usage_metrics = ?
       WHERE vpc_id = ?`,
    ),
    deleteVpc: db.prepare<[string]>('DELETE FROM vpcs WHERE vpc_id = ?'),

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
    countGroupsOfScope: db.prepare<[string, string], { n: number }>(
      'SELECT count(*) AS n FROM security_groups WHERE account_id = ? AND region = ?',
    ),
    deleteGroup: db.prepare<[string]>('DELETE FROM security_groups WHERE group_id = ?'),

    // The hot inserts bind positionally: better-sqlite3's named binding cost AuthorizeSecurityGroupEgress
    // about 9 of its 58 µs in-process.
    insertRule: db.prepare<[string, string, string, string, number, string, number, number, string, string, string | null, string | null]>(
      `INSERT INTO security_group_rules (rule_id, group_id, account_id, region, is_egress, ip_protocol,
         from_port, to_port, peer_kind, peer, peer_user_id, description)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Rules with their tags in one query: what DescribeSecurityGroup(Rule)s spend most of their time on.
    rulesOfGroup: db
      .prepare<[string], string>(rulesWithTagsAsJson('SELECT * FROM security_group_rules WHERE group_id = ?'))
      .pluck(true),
    rulesOfScope: db
      .prepare<[string, string], string>(rulesWithTagsAsJson('SELECT * FROM security_group_rules WHERE account_id = ? AND region = ?'))
      .pluck(true),
    // One page of an account's rules in `seq` order, straight from rules_by_scope: paging through
    // 100,000 rules reads each rule once, not all of them per page.
    rulesOfScopeAfter: db
      .prepare<[string, string, number, number], string>(
        rulesWithTagsAsJson('SELECT * FROM security_group_rules WHERE account_id = ? AND region = ? AND seq > ? ORDER BY seq LIMIT ?'),
      )
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
    rulesReferencingGroup: db.prepare<[string, string], { n: number }>(
      "SELECT count(*) AS n FROM security_group_rules WHERE peer = ? AND peer_kind = 'sg' AND group_id <> ?",
    ),
    deleteRule: db.prepare<[string]>('DELETE FROM security_group_rules WHERE rule_id = ?'),
    updateRuleDescription: db.prepare<[string | null, string]>(
      'UPDATE security_group_rules SET description = ? WHERE rule_id = ?',
    ),
    updateRulePeer: db.prepare<[string, string]>('UPDATE security_group_rules SET peer = ? WHERE rule_id = ?'),
    updateRule: db.prepare(
      `UPDATE security_group_rules SET ip_protocol = @ip_protocol, from_port = @from_port, to_port = @to_port,
         peer_kind = @peer_kind, peer = @peer, peer_user_id = @peer_user_id, description = @description
       WHERE rule_id = @rule_id`,
    ),

    insertPrefixList: db.prepare(
      `INSERT INTO prefix_lists (prefix_list_id, account_id, region, name, address_family, max_entries, owner_id)
       VALUES (@prefix_list_id, @account_id, @region, @name, @address_family, @max_entries, @owner_id)`,
    ),
    prefixListById: db.prepare<[string, string, string], PrefixListRow>(
      'SELECT * FROM prefix_lists WHERE prefix_list_id = ? AND account_id = ? AND region = ?',
    ),

    tagsOf: db.prepare<[string], TagRow>('SELECT resource_id, key, value FROM tags WHERE resource_id = ? ORDER BY rowid'),
    tagsOfScope: db.prepare<[string, string, string], TagRow>(
      'SELECT resource_id, key, value FROM tags WHERE account_id = ? AND region = ? AND resource_type = ? ORDER BY rowid',
    ),
    upsertTag: db.prepare<[string, string, string, string, string, string]>(
      `INSERT INTO tags (resource_id, resource_type, account_id, region, key, value)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (resource_id, key) DO UPDATE SET value = excluded.value`,
    ),
    deleteTagsOf: db.prepare<[string]>('DELETE FROM tags WHERE resource_id = ?'),
    deleteTagsOfGroupRules: db.prepare<[string]>(
      'DELETE FROM tags WHERE resource_id IN (SELECT rule_id FROM security_group_rules WHERE group_id = ?)',
    ),
  };

  // ---------------------------------------------------------------- row → record

  const toVpc = (row: VpcRow, tags: readonly Tag[]): Sequenced<VpcRecord> => ({
    seq: row.seq,
    vpcId: row.vpc_id,
    ownerId: row.account_id,
    cidrBlock: row.cidr_block,
    cidrAssociationId: row.cidr_association_id,
    ipv6CidrBlock: row.ipv6_cidr_block ?? undefined,
    ipv6AssociationId: row.ipv6_association_id ?? undefined,
    isDefault: row.is_default === 1,
    instanceTenancy: row.instance_tenancy,
    dhcpOptionsId: row.dhcp_options_id,
    tags,
    enableDnsSupport: row.enable_dns_support === 1,
    enableDnsHostnames: row.enable_dns_hostnames === 1,
    enableNetworkAddressUsageMetrics: row.enable_network_address_usage_metrics === 1,
  });

  const toGroup = ([seq, groupId, accountId, vpcId, groupName, description, isDefault]: GroupRow, tags: readonly Tag[]): Sequenced<GroupRecord> => ({
    seq,
    groupId,
    groupName,
    description,
    vpcId,
    ownerId: accountId,
    isDefault: isDefault === 1,
    tags,
  });

  const toPrefixList = (row: PrefixListRow): PrefixListRecord => ({
    prefixListId: row.prefix_list_id,
    name: row.name,
    addressFamily: row.address_family,
    maxEntries: row.max_entries,
    ownerId: row.owner_id,
  });

  /** Tags of many resources in one query, grouped by resource id. */
  function tagsByResource(rows: TagRow[]): Map<string, Tag[]> {
    const map = new Map<string, Tag[]>();
    for (const row of rows) {
      let list = map.get(row.resource_id);
      if (!list) map.set(row.resource_id, (list = []));
      list.push({ key: row.key, value: row.value });
    }
    return map;
  }
  const NO_TAGS: readonly Tag[] = Object.freeze([]);
  const tagsOfOne = (resourceId: string): readonly Tag[] => {
    const rows = sql.tagsOf.all(resourceId);
    return rows.length === 0 ? NO_TAGS : rows.map((r) => ({ key: r.key, value: r.value }));
  };

  /** Folds RULES_WITH_TAGS rows (one per rule and tag, in rule order) into records. */
  function mapRuleTagRows(rows: RuleTagRow[]): Sequenced<RuleRecord>[] {
    const rules: Sequenced<RuleRecord>[] = [];
    let last: (Sequenced<RuleRecord> & { tags: Tag[] }) | undefined;
    for (const row of rows) {
      const [seq, ruleId, groupId, accountId, isEgress, protocol, fromPort, toPort, kind, peer, peerUserId, description, key, value] =
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
          peer: peerOf(kind, peer, peerUserId ?? accountId),
          description: description ?? undefined,
          tags: [],
        };
        rules.push(last);
      }
      if (key !== null) last.tags.push({ key, value: value! });
    }
    return rules;
  }

  // ---------------------------------------------------------------- the resources with stores of their own

  const tagStore = createTagStore(db);
  const vpcNetworkStore = createVpcNetworkStore(db, tagStore);
  const subnetStore = createSubnetStore(db, tagStore);
  const networkInterfaceStore = createNetworkInterfaceStore(db, tagStore);

  // ---------------------------------------------------------------- writes used by several resources

  function setTags(scope: Scope, resourceId: string, resourceType: TaggedResourceType, tags: readonly Tag[]): void {
    for (const tag of tags) {
      sql.upsertTag.run(resourceId, resourceType, scope.accountId, scope.region, tag.key, tag.value);
    }
  }

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
    tags: readonly Tag[] = NO_TAGS,
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
      );
      if (tags.length > 0) setTags(scope, ruleId, 'security-group-rule', tags);
      return { ...spec, ruleId, groupId, ownerId: scope.accountId, direction, tags };
    });
  }

  /**
   * A VPC's `default` group with AWS's default rules: all traffic in from members of the group
   * itself, all traffic out to 0.0.0.0/0 (and ::/0 when the VPC has IPv6). aws-reference D-23.
   */
  function insertDefaultGroup(scope: Scope, vpc: { vpcId: string; hasIpv6: boolean }): string {
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
  }

  function insertVpc(
    scope: Scope,
    vpc: { cidrBlock: string; ipv6CidrBlock?: string; isDefault: boolean; instanceTenancy: string },
  ): string {
    const vpcId = newVpcId();
    sql.insertVpc.run({
      vpc_id: vpcId,
      account_id: scope.accountId,
      region: scope.region,
      cidr_block: vpc.cidrBlock,
      cidr_association_id: newCidrAssociationId(),
      ipv6_cidr_block: vpc.ipv6CidrBlock ?? null,
      ipv6_association_id: vpc.ipv6CidrBlock ? newCidrAssociationId() : null,
      is_default: vpc.isDefault ? 1 : 0,
      instance_tenancy: vpc.instanceTenancy,
      dhcp_options_id: newDhcpOptionsId(),
    });
    insertDefaultGroup(scope, { vpcId, hasIpv6: vpc.ipv6CidrBlock !== undefined });
    const { networkAclId } = vpcNetworkStore.insertVpcDefaults(scope, vpcId);
    if (vpc.isDefault) insertDefaultSubnets(scope, vpcId, networkAclId);
    return vpcId;
  }

  /** A default VPC's subnets: one per Availability Zone, public (aws-reference: default VPC). */
  function insertDefaultSubnets(scope: Scope, vpcId: string, networkAclId: string): void {
    availabilityZonesOf(scope.region).forEach((zone, index) => {
      subnetStore.insertSubnet(scope, {
        vpcId,
        cidrBlock: defaultSubnetCidr(index),
        availabilityZone: zone.zoneName,
        availabilityZoneId: zone.zoneId,
        defaultForAz: true,
        mapPublicIpOnLaunch: true,
        networkAclId,
      });
    });
  }

  /** Ids of AWS-managed lists are the same for every account of a region, as on AWS. */
  function awsManagedPrefixListId(region: string, service: string): string {
    return `pl-${createHash('sha256').update(`${region}/${service}`).digest('hex').slice(0, 17)}`;
  }

  /**
   * Gives every VPC that has none its default network ACL and main route table, DNS hostnames to
   * a default VPC, and default subnets to a default VPC without subnets: what a VPC made by a
   * release before version 2 of the schema lacks (files are upgraded by store/migrations.ts, state
   * documents on import). Idempotent.
   */
  function addMissingVpcNetworks(): void {
    for (const vpc of sql.vpcsWithoutNetwork.all()) {
      const scope = { accountId: vpc.account_id, region: vpc.region };
      const { networkAclId } = vpcNetworkStore.insertVpcDefaults(scope, vpc.vpc_id);
      if (vpc.is_default === 1) {
        sql.enableDnsHostnames.run(vpc.vpc_id);
        if (subnetStore.subnetIdsOfVpc(vpc.vpc_id).length === 0) insertDefaultSubnets(scope, vpc.vpc_id, networkAclId);
      }
    }
  }

  // ---------------------------------------------------------------- the store's API

  const seededScopes = new Set<string>();
  // One transaction wrapper for every request: db.transaction() builds a new one per call.
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  const prefixListStore = createPrefixListStore(db);

  return {
    /** Runs `fn` in one SQLite transaction: any throw rolls back every write it made. */
    transaction<T>(fn: () => T): T {
      return inTransaction(fn) as T;
    },

    /** Creates an account-region's defaults the first time it is used. */
    ensureScope(scope: Scope): void {
      const key = `${scope.accountId}/${scope.region}`;
      if (seededScopes.has(key)) return;
      db.transaction(() => {
        if (sql.scopeExists.get(scope.accountId, scope.region)) return;
        sql.insertScope.run(scope.accountId, scope.region);
        insertVpc(scope, { cidrBlock: DEFAULT_VPC_CIDR, isDefault: true, instanceTenancy: 'default' });
        for (const list of AWS_MANAGED_PREFIX_LISTS) {
          const prefixListId = awsManagedPrefixListId(scope.region, list.service);
          sql.insertPrefixList.run({
            prefix_list_id: prefixListId,
            account_id: scope.accountId,
            region: scope.region,
            name: `com.amazonaws.${scope.region}.${list.service}`,
            address_family: 'IPv4',
            max_entries: list.maxEntries,
            owner_id: 'AWS',
          });
          prefixListStore.seedPrefixListEntries(scope, prefixListId, AWS_MANAGED_PREFIX_LIST_ENTRIES[list.service]);
        }
      })();
      seededScopes.add(key);
    },

    /** Forgets which scopes were seeded (after the database was emptied). */
    forgetSeededScopes(): void {
      seededScopes.clear();
    },

    // ---- the whole state: reset(), tableCounts(), exportState(), importState() (store/state.ts)
    ...createStateAccess(db, () => seededScopes.clear(), () => addMissingVpcNetworks()),

    // ---- prefix lists with their versions (store/prefix-lists.ts), tag reads and deletes (store/tags.ts)
    ...prefixListStore,
    ...tagStore,

    // ---- the network around the groups: ACLs and route tables (store/vpc-network.ts), subnets
    // (store/subnets.ts), network interfaces (store/network-interfaces.ts)
    ...vpcNetworkStore,
    ...subnetStore,
    ...networkInterfaceStore,
    insertDefaultSubnets,
    addMissingVpcNetworks,

    // ---- VPCs
    insertVpc,
    getVpc(scope: Scope, vpcId: string): Sequenced<VpcRecord> | undefined {
      const row = sql.vpcById.get(vpcId, scope.accountId, scope.region);
      return row && toVpc(row, tagsOfOne(row.vpc_id));
    },
    getDefaultVpc(scope: Scope): Sequenced<VpcRecord> | undefined {
      const row = sql.defaultVpc.get(scope.accountId, scope.region);
      return row && toVpc(row, tagsOfOne(row.vpc_id));
    },
    listVpcs(scope: Scope): Sequenced<VpcRecord>[] {
      const rows = sql.vpcsOfScope.all(scope.accountId, scope.region);
      const tags = tagsByResource(sql.tagsOfScope.all(scope.accountId, scope.region, 'vpc'));
      return rows.map((row) => toVpc(row, tags.get(row.vpc_id) ?? NO_TAGS));
    },
    /** Groups of a VPC other than its default group: what keeps a VPC from being deleted. */
    countNonDefaultGroupsOfVpc(vpcId: string): number {
      return sql.groupsOfVpc.all(vpcId).filter(([, , , , , , isDefault]) => isDefault === 0).length;
    },
    setVpcAttributes(vpcId: string, attributes: VpcAttributes): void {
      sql.setVpcAttributes.run(
        attributes.enableDnsSupport ? 1 : 0,
        attributes.enableDnsHostnames ? 1 : 0,
        attributes.enableNetworkAddressUsageMetrics ? 1 : 0,
        vpcId,
      );
    },
    /**
     * Deletes a VPC with what it was born with: its default group (with its rules), its default
     * network ACL and main route table, and all their tags. Subnets and other groups must be gone.
     */
    deleteVpc(vpcId: string): void {
      vpcNetworkStore.deleteVpcDefaults(vpcId);
      for (const [, groupId] of sql.groupsOfVpc.all(vpcId)) {
        sql.deleteTagsOfGroupRules.run(groupId);
        sql.deleteTagsOf.run(groupId);
        sql.deleteGroup.run(groupId);
      }
      sql.deleteTagsOf.run(vpcId);
      sql.deleteVpc.run(vpcId);
    },

    // ---- security groups
    insertGroup,
    insertDefaultGroup,
    getGroup(scope: Scope, groupId: string): Sequenced<GroupRecord> | undefined {
      const row = sql.groupById.get(groupId, scope.accountId, scope.region);
      return row && toGroup(row, tagsOfOne(groupId));
    },
    /** The group without reading its tags (the rule actions' hot path). */
    getGroupFacts(scope: Scope, groupId: string): Sequenced<GroupFacts> | undefined {
      const row = sql.groupById.get(groupId, scope.accountId, scope.region);
      return row && toGroup(row, NO_TAGS);
    },
    findGroupByName(vpcId: string, groupName: string): Sequenced<GroupRecord> | undefined {
      const row = sql.groupByName.get(vpcId, groupName.toLowerCase());
      return row && toGroup(row, tagsOfOne(row[1]));
    },
    listGroups(scope: Scope): Sequenced<GroupRecord>[] {
      const rows = sql.groupsOfScope.all(scope.accountId, scope.region);
      const tags = tagsByResource(sql.tagsOfScope.all(scope.accountId, scope.region, 'security-group'));
      return rows.map((row) => toGroup(row, tags.get(row[1]) ?? NO_TAGS));
    },
    countGroups(scope: Scope): number {
      return sql.countGroupsOfScope.get(scope.accountId, scope.region)!.n;
    },
    /** Whether any other group's rule names this group as its peer (EC2's DependencyViolation). */
    isGroupReferencedByOthers(groupId: string): boolean {
      return sql.rulesReferencingGroup.get(groupId, groupId)!.n > 0;
    },
    deleteGroup(groupId: string): void {
      sql.deleteTagsOfGroupRules.run(groupId);
      sql.deleteTagsOf.run(groupId);
      sql.deleteGroup.run(groupId); // rules go with it (ON DELETE CASCADE)
    },

    // ---- rules
    insertRules,
    rulesOfGroup(groupId: string): Sequenced<RuleRecord>[] {
      return mapRuleTagRows(JSON.parse(sql.rulesOfGroup.get(groupId)!) as RuleTagRow[]);
    },
    listRules(scope: Scope): Sequenced<RuleRecord>[] {
      return mapRuleTagRows(JSON.parse(sql.rulesOfScope.get(scope.accountId, scope.region)!) as RuleTagRow[]);
    },
    /** Up to `limit` of the account's rules whose `seq` is above `afterSeq`, in `seq` order. */
    listRulesAfter(scope: Scope, afterSeq: number, limit: number): Sequenced<RuleRecord>[] {
      return mapRuleTagRows(JSON.parse(sql.rulesOfScopeAfter.get(scope.accountId, scope.region, afterSeq, limit)!) as RuleTagRow[]);
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
        });
      }
    },
    setRuleDescription(ruleId: string, description: string | undefined): void {
      sql.updateRuleDescription.run(description ?? null, ruleId);
    },
    deleteRule(ruleId: string): void {
      sql.deleteTagsOf.run(ruleId);
      sql.deleteRule.run(ruleId);
    },

    // ---- prefix lists
    getPrefixList(scope: Scope, prefixListId: string): PrefixListRecord | undefined {
      const row = sql.prefixListById.get(prefixListId, scope.accountId, scope.region);
      return row && toPrefixList(row);
    },

    // ---- tags
    setTags,
    tagsOfResource: tagsOfOne,
  };
}

export type Store = ReturnType<typeof createStore>;

/** A new group's one egress rule: all traffic to anywhere (aws-reference A-2). */
export function defaultEgressRules(hasIpv6: boolean): RuleSpec[] {
  const all = { protocol: '-1', fromPort: -1, toPort: -1, description: undefined };
  const rules: RuleSpec[] = [{ ...all, peer: { kind: 'ipv4', cidr: '0.0.0.0/0' } }];
  if (hasIpv6) rules.push({ ...all, peer: { kind: 'ipv6', cidr: '::/0' } });
  return rules;
}
