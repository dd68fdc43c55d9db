import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, SchemaVersionError, type Db } from '../../../store/db.js';
import { isSecurityGroupId, isSecurityGroupRuleId, isVpcId } from '../../../store/ids.js';
import type { RuleSpec, Scope } from '../../../store/records.js';
import { SCHEMA_VERSION } from '../../../store/schema.js';
import { createStore, DEFAULT_VPC_CIDR, defaultEgressRules, type Store } from '../../../store/store.js';

const SCOPE: Scope = { accountId: '111122223333', region: 'us-east-1' };
const OTHER_REGION: Scope = { accountId: '111122223333', region: 'eu-west-1' };
const OTHER_ACCOUNT: Scope = { accountId: '444455556666', region: 'us-east-1' };

const tcp = (port: number, cidr = '10.0.0.0/8', description?: string): RuleSpec => ({
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  peer: { kind: 'ipv4', cidr },
  description,
});

let db: Db;
let store: Store;
beforeEach(() => {
  db = openDatabase(':memory:');
  store = createStore(db);
});
afterEach(() => {
  db.close();
});

const count = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

function newGroup(name = 'web', scope: Scope = SCOPE): string {
  store.ensureScope(scope);
  const vpc = store.getDefaultVpc(scope)!;
  return store.insertGroup(scope, { groupName: name, description: `${name} tier`, vpcId: vpc.vpcId, isDefault: false });
}

describe('ensureScope', () => {
  it('seeds the default VPC 172.31.0.0/16 with its default group', () => {
    store.ensureScope(SCOPE);
    const vpc = store.getDefaultVpc(SCOPE)!;
    expect(DEFAULT_VPC_CIDR).toBe('172.31.0.0/16');
    expect(vpc.cidrBlock).toBe('172.31.0.0/16');
    expect(vpc.isDefault).toBe(true);
    expect(vpc.ownerId).toBe(SCOPE.accountId);
    expect(vpc.instanceTenancy).toBe('default');
    expect(vpc.ipv6CidrBlock).toBeUndefined();
    expect(isVpcId(vpc.vpcId)).toBe(true);
    expect(vpc.dhcpOptionsId).toMatch(/^dopt-[0-9a-f]{17}$/);
    expect(vpc.cidrAssociationId).toMatch(/^vpc-cidr-assoc-[0-9a-f]{17}$/);

    const groups = store.listGroups(SCOPE);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      groupName: 'default',
      description: 'default VPC security group',
      vpcId: vpc.vpcId,
      ownerId: SCOPE.accountId,
      isDefault: true,
      tags: [],
    });
  });

  it("gives the default group AWS's default rules: all in from itself, all out to 0.0.0.0/0 (D-23)", () => {
    store.ensureScope(SCOPE);
    const group = store.listGroups(SCOPE)[0]!;
    const rules = store.rulesOfGroup(group.groupId);
    expect(rules.map(({ direction, protocol, fromPort, toPort, peer, description }) => ({ direction, protocol, fromPort, toPort, peer, description }))).toEqual([
      {
        direction: 'ingress',
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        peer: { kind: 'group', groupId: group.groupId, userId: SCOPE.accountId },
        description: undefined,
      },
      { direction: 'egress', protocol: '-1', fromPort: -1, toPort: -1, peer: { kind: 'ipv4', cidr: '0.0.0.0/0' }, description: undefined },
    ]);
    for (const rule of rules) expect(isSecurityGroupRuleId(rule.ruleId)).toBe(true);
  });

  it('seeds the AWS-managed prefix lists, with ids shared by every account of a region', () => {
    store.ensureScope(SCOPE);
    store.ensureScope(OTHER_ACCOUNT);
    const ids = db.prepare('SELECT prefix_list_id, account_id, name, owner_id FROM prefix_lists ORDER BY seq').all() as Array<Record<string, string>>;
    expect(ids.map((r) => r.name)).toEqual([
      'com.amazonaws.us-east-1.s3',
      'com.amazonaws.us-east-1.dynamodb',
      'com.amazonaws.us-east-1.s3',
      'com.amazonaws.us-east-1.dynamodb',
    ]);
    expect(ids.every((r) => r.owner_id === 'AWS')).toBe(true);
    expect(ids[0]!.prefix_list_id).toBe(ids[2]!.prefix_list_id);
    expect(store.getPrefixList(SCOPE, ids[0]!.prefix_list_id!)).toMatchObject({ addressFamily: 'IPv4', maxEntries: 1, ownerId: 'AWS' });
  });

  it('seeds once, even when called again or by a second store on the same database', () => {
    store.ensureScope(SCOPE);
    store.ensureScope(SCOPE);
    createStore(db).ensureScope(SCOPE);
    expect(count('vpcs')).toBe(1);
    expect(count('security_groups')).toBe(1);
    expect(count('security_group_rules')).toBe(2);
    expect(count('scopes')).toBe(1);
  });

  it('does not bring the default VPC back after it was deleted', () => {
    store.ensureScope(SCOPE);
    const vpcId = store.getDefaultVpc(SCOPE)!.vpcId;
    // As on AWS, the default subnets go first: a VPC with subnets cannot be deleted.
    for (const subnetId of store.subnetIdsOfVpc(vpcId)) store.deleteSubnet(subnetId);
    store.deleteVpc(vpcId);
    store.ensureScope(SCOPE);
    createStore(db).ensureScope(SCOPE);
    expect(store.getDefaultVpc(SCOPE)).toBeUndefined();
    expect(store.listVpcs(SCOPE)).toEqual([]);
  });

  it('keeps scopes apart: each account and region has its own defaults', () => {
    for (const scope of [SCOPE, OTHER_REGION, OTHER_ACCOUNT]) store.ensureScope(scope);
    const vpcIds = [SCOPE, OTHER_REGION, OTHER_ACCOUNT].map((s) => store.getDefaultVpc(s)!.vpcId);
    expect(new Set(vpcIds).size).toBe(3);
    expect(store.listGroups(SCOPE)).toHaveLength(1);
    expect(store.getVpc(OTHER_REGION, vpcIds[0]!)).toBeUndefined();
    const groupId = store.listGroups(SCOPE)[0]!.groupId;
    expect(store.getGroup(OTHER_ACCOUNT, groupId)).toBeUndefined();
    expect(store.getGroup(SCOPE, groupId)).toBeDefined();
  });
});

describe('VPCs', () => {
  it('inserts a VPC with an IPv6 block and a default group whose egress includes ::/0', () => {
    store.ensureScope(SCOPE);
    const vpcId = store.insertVpc(SCOPE, { cidrBlock: '10.0.0.0/16', ipv6CidrBlock: '2600:1f10:1:100::/56', isDefault: false, instanceTenancy: 'default' });
    const vpc = store.getVpc(SCOPE, vpcId)!;
    expect(vpc).toMatchObject({ cidrBlock: '10.0.0.0/16', ipv6CidrBlock: '2600:1f10:1:100::/56', isDefault: false });
    expect(vpc.ipv6AssociationId).toMatch(/^vpc-cidr-assoc-/);
    const defaultGroup = store.findGroupByName(vpcId, 'default')!;
    expect(defaultGroup.isDefault).toBe(true);
    const egress = store.rulesOfGroup(defaultGroup.groupId).filter((r) => r.direction === 'egress');
    expect(egress.map((r) => r.peer)).toEqual([
      { kind: 'ipv4', cidr: '0.0.0.0/0' },
      { kind: 'ipv6', cidr: '::/0' },
    ]);
    expect(store.listVpcs(SCOPE).map((v) => v.vpcId)).toEqual([store.getDefaultVpc(SCOPE)!.vpcId, vpcId]);
  });

  it('deleteVpc removes its default group, the rules and their tags', () => {
    store.ensureScope(SCOPE);
    const vpcId = store.insertVpc(SCOPE, { cidrBlock: '10.0.0.0/16', isDefault: false, instanceTenancy: 'default' });
    const defaultGroup = store.findGroupByName(vpcId, 'default')!;
    const [rule] = store.insertRules(SCOPE, defaultGroup.groupId, 'egress', [tcp(22)], [{ key: 'k', value: 'v' }]);
    store.setTags(SCOPE, vpcId, 'vpc', [{ key: 'Name', value: 'lab' }]);
    store.setTags(SCOPE, defaultGroup.groupId, 'security-group', [{ key: 'Name', value: 'dflt' }]);
    expect(store.countNonDefaultGroupsOfVpc(vpcId)).toBe(0);

    store.deleteVpc(vpcId);
    expect(store.getVpc(SCOPE, vpcId)).toBeUndefined();
    expect(store.getGroup(SCOPE, defaultGroup.groupId)).toBeUndefined();
    expect(store.rulesOfGroup(defaultGroup.groupId)).toEqual([]);
    expect(store.getRule(SCOPE, rule!.ruleId)).toBeUndefined();
    const leftTags = db.prepare('SELECT count(*) AS n FROM tags WHERE resource_id IN (?, ?, ?)').get(vpcId, defaultGroup.groupId, rule!.ruleId) as { n: number };
    expect(leftTags.n).toBe(0);
    // The default VPC of the scope is untouched.
    expect(store.listGroups(SCOPE)).toHaveLength(1);
  });

  it('counts the non-default groups of a VPC', () => {
    newGroup('a');
    newGroup('b');
    expect(store.countNonDefaultGroupsOfVpc(store.getDefaultVpc(SCOPE)!.vpcId)).toBe(2);
  });
});

describe('security groups', () => {
  it('inserts, gets, finds by name (case-insensitive) and lists groups in creation order', () => {
    const a = newGroup('Web');
    const b = newGroup('db');
    expect(isSecurityGroupId(a)).toBe(true);
    const vpcId = store.getDefaultVpc(SCOPE)!.vpcId;
    expect(store.getGroup(SCOPE, a)).toMatchObject({ groupId: a, groupName: 'Web', description: 'Web tier', vpcId, ownerId: SCOPE.accountId, isDefault: false, tags: [] });
    expect(store.findGroupByName(vpcId, 'WEB')?.groupId).toBe(a);
    expect(store.findGroupByName(vpcId, 'web')?.groupName).toBe('Web');
    expect(store.findGroupByName(vpcId, 'nope')).toBeUndefined();
    const listed = store.listGroups(SCOPE);
    expect(listed.map((g) => g.groupName)).toEqual(['default', 'Web', 'db']);
    expect(listed.map((g) => g.seq)).toEqual([...listed.map((g) => g.seq)].sort((x, y) => x - y));
    expect(listed.find((g) => g.groupId === b)).toBeDefined();
    expect(store.countGroups(SCOPE)).toBe(3);
  });

  it('rejects a second group of the same name in a VPC, whatever its case (unique constraint)', () => {
    newGroup('web');
    expect(() => newGroup('WEB')).toThrow(/UNIQUE constraint failed/);
  });

  it('stores tags of groups, replacing a value by key and keeping insertion order', () => {
    const id = newGroup();
    store.setTags(SCOPE, id, 'security-group', [
      { key: 'Name', value: 'web' },
      { key: 'env', value: '' },
    ]);
    store.setTags(SCOPE, id, 'security-group', [{ key: 'Name', value: 'web2' }]);
    expect(store.getGroup(SCOPE, id)!.tags).toEqual([
      { key: 'Name', value: 'web2' },
      { key: 'env', value: '' },
    ]);
    expect(store.listGroups(SCOPE).find((g) => g.groupId === id)!.tags).toHaveLength(2);
  });

  it('knows when another group references a group, and not for self-references', () => {
    const web = newGroup('web');
    const db2 = newGroup('db');
    const self = store.listGroups(SCOPE).find((g) => g.isDefault)!;
    expect(store.isGroupReferencedByOthers(self.groupId)).toBe(false);
    expect(store.isGroupReferencedByOthers(web)).toBe(false);
    store.insertRules(SCOPE, db2, 'ingress', [
      { protocol: 'tcp', fromPort: 5432, toPort: 5432, peer: { kind: 'group', groupId: web, userId: SCOPE.accountId }, description: undefined },
    ]);
    expect(store.isGroupReferencedByOthers(web)).toBe(true);
    expect(store.isGroupReferencedByOthers(db2)).toBe(false);
  });

  it('deleteGroup cascades to its rules and to the tags of both', () => {
    const id = newGroup();
    const rules = store.insertRules(SCOPE, id, 'egress', [tcp(80), tcp(443)], [{ key: 'team', value: 'a' }]);
    store.setTags(SCOPE, id, 'security-group', [{ key: 'Name', value: 'web' }]);
    expect(count('tags')).toBe(3);

    store.deleteGroup(id);
    expect(store.getGroup(SCOPE, id)).toBeUndefined();
    expect(store.rulesOfGroup(id)).toEqual([]);
    for (const rule of rules) expect(store.getRule(SCOPE, rule.ruleId)).toBeUndefined();
    expect(count('tags')).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM security_group_rules WHERE group_id = ?').get(id) as { n: number }).n).toBe(0);
  });
});

describe('rules', () => {
  it('inserts rules with new sgr- ids and returns them as records', () => {
    const id = newGroup();
    const created = store.insertRules(SCOPE, id, 'egress', [tcp(443, '10.0.0.0/16', 'https')], [{ key: 'Name', value: 'r' }]);
    expect(created).toHaveLength(1);
    const rule = created[0]!;
    expect(isSecurityGroupRuleId(rule.ruleId)).toBe(true);
    expect(rule).toMatchObject({
      groupId: id,
      ownerId: SCOPE.accountId,
      direction: 'egress',
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      peer: { kind: 'ipv4', cidr: '10.0.0.0/16' },
      description: 'https',
      tags: [{ key: 'Name', value: 'r' }],
    });
    expect(store.getRule(SCOPE, rule.ruleId)).toMatchObject({ ...rule, seq: expect.any(Number) });
    expect(store.getRule(OTHER_REGION, rule.ruleId)).toBeUndefined();
  });

  it('round-trips every peer kind', () => {
    const id = newGroup();
    const other = newGroup('other');
    const specs: RuleSpec[] = [
      { protocol: '-1', fromPort: -1, toPort: -1, peer: { kind: 'ipv6', cidr: '::/0' }, description: undefined },
      { protocol: 'udp', fromPort: 53, toPort: 53, peer: { kind: 'prefixList', prefixListId: 'pl-0123456789abcdef0' }, description: 'dns' },
      { protocol: 'icmp', fromPort: 8, toPort: 0, peer: { kind: 'group', groupId: other, userId: '999988887777' }, description: undefined },
    ];
    store.insertRules(SCOPE, id, 'ingress', specs);
    const stored = store.rulesOfGroup(id).filter((r) => r.direction === 'ingress');
    expect(stored.map(({ protocol, fromPort, toPort, peer, description }) => ({ protocol, fromPort, toPort, peer, description }))).toEqual(specs);
  });

  it('lists rules of a group and of a scope in insertion order, with their tags', () => {
    const a = newGroup('a');
    const b = newGroup('b');
    store.insertRules(SCOPE, a, 'egress', [tcp(1)], [{ key: 'k', value: '1' }]);
    store.insertRules(SCOPE, b, 'egress', [tcp(2)]);
    store.insertRules(SCOPE, a, 'ingress', [tcp(3)]);
    const ofA = store.rulesOfGroup(a);
    // A new group has no rules of its own from insertGroup: the handler adds the default egress.
    expect(ofA.map((r) => r.fromPort)).toEqual([1, 3]);
    expect(ofA[0]!.tags).toEqual([{ key: 'k', value: '1' }]);
    expect(ofA[1]!.tags).toEqual([]);
    const all = store.listRules(SCOPE);
    expect(all.slice(-3).map((r) => r.fromPort)).toEqual([1, 2, 3]);
    expect(all.map((r) => r.seq)).toEqual([...all.map((r) => r.seq)].sort((x, y) => x - y));
    expect(store.listRules(OTHER_REGION)).toEqual([]);
  });

  it('the unique index rejects the same rule twice, even with another description', () => {
    const id = newGroup();
    store.insertRules(SCOPE, id, 'egress', [tcp(22, '10.0.0.0/8', 'a')]);
    expect(() => store.insertRules(SCOPE, id, 'egress', [tcp(22, '10.0.0.0/8', 'b')])).toThrow(/UNIQUE constraint failed/);
    // The same rule in the other direction, or in another group, is a different rule.
    expect(() => store.insertRules(SCOPE, id, 'ingress', [tcp(22, '10.0.0.0/8')])).not.toThrow();
    expect(() => store.insertRules(SCOPE, newGroup('other'), 'egress', [tcp(22, '10.0.0.0/8')])).not.toThrow();
  });

  it('deleteRule removes the rule and its tags only', () => {
    const id = newGroup();
    const [keep, drop] = store.insertRules(SCOPE, id, 'egress', [tcp(1), tcp(2)], [{ key: 'k', value: 'v' }]);
    store.deleteRule(drop!.ruleId);
    expect(store.rulesOfGroup(id).map((r) => r.ruleId)).toEqual([keep!.ruleId]);
    expect(count('tags')).toBe(1);
  });

  it('defaultEgressRules is 0.0.0.0/0, plus ::/0 with IPv6 (A-2)', () => {
    expect(defaultEgressRules(false)).toEqual([{ protocol: '-1', fromPort: -1, toPort: -1, peer: { kind: 'ipv4', cidr: '0.0.0.0/0' }, description: undefined }]);
    expect(defaultEgressRules(true).map((r) => r.peer)).toEqual([
      { kind: 'ipv4', cidr: '0.0.0.0/0' },
      { kind: 'ipv6', cidr: '::/0' },
    ]);
  });
});

describe('transaction', () => {
  it('rolls back every write when the function throws', () => {
    store.ensureScope(SCOPE);
    const before = { groups: count('security_groups'), rules: count('security_group_rules'), tags: count('tags'), vpcs: count('vpcs') };
    expect(() =>
      store.transaction(() => {
        const id = newGroup('doomed');
        store.insertRules(SCOPE, id, 'egress', [tcp(80)], [{ key: 'k', value: 'v' }]);
        store.insertVpc(SCOPE, { cidrBlock: '10.9.0.0/16', isDefault: false, instanceTenancy: 'default' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect({ groups: count('security_groups'), rules: count('security_group_rules'), tags: count('tags'), vpcs: count('vpcs') }).toEqual(before);
    expect(store.findGroupByName(store.getDefaultVpc(SCOPE)!.vpcId, 'doomed')).toBeUndefined();
  });

  it('commits and returns the value when the function succeeds', () => {
    const id = store.transaction(() => newGroup('kept'));
    expect(store.getGroup(SCOPE, id)?.groupName).toBe('kept');
  });
});

describe('openDatabase', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ec2-sg-store-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('stamps a new file with the current schema version and keeps data across reopen', () => {
    const path = join(dir, 'state.db');
    const first = openDatabase(path);
    createStore(first).ensureScope(SCOPE);
    first.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();

    const second = openDatabase(path);
    expect(createStore(second).listGroups(SCOPE)).toHaveLength(1);
    second.close();
  });

  it('refuses a database whose schema_version is newer (SchemaVersionError)', () => {
    const path = join(dir, 'future.db');
    openDatabase(path).close();
    const raw = new Database(path);
    raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    raw.close();

    expect(() => openDatabase(path)).toThrow(SchemaVersionError);
    expect(() => openDatabase(path)).toThrow(`database schema version ${SCHEMA_VERSION + 1} is newer than this ec2-sg-emulator understands (${SCHEMA_VERSION})`);
    // The refusal leaves the file as it was.
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION + 1) });
    check.close();
  });

  it('turns foreign keys on, so a group cannot name a missing VPC', () => {
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() =>
      store.insertGroup(SCOPE, { groupName: 'orphan', description: 'x', vpcId: 'vpc-00000000', isDefault: false }),
    ).toThrow(/FOREIGN KEY constraint failed/);
  });
});
