/**
 * With a database file, everything survives a restart: VPCs, groups, rules with their ids, tags,
 * prefix lists with their entries. The file carries its schema version, upgrades itself, and a
 * file from a newer version is refused with one clear line. In memory stays the default.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkAclsCommand,
  DescribePrefixListsCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcAttributeCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  GetManagedPrefixListAssociationsCommand,
  GetManagedPrefixListEntriesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../server/emulator.js';
import { applyMigrations, openDatabase, SchemaVersionError, schemaVersionOf } from '../../store/db.js';
import { SCHEMA_VERSION } from '../../store/schema.js';
import { builtRoot, runToEnd } from '../helpers/built-server.js';
import { ec2Client } from '../helpers/server.js';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-persist-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Starts an emulator on `dbPath`, runs `fn` with a client, and stops it (closing the file). */
async function withEmulator<T>(dbPath: string | undefined, fn: (client: EC2Client) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ port: 0, ...(dbPath ? { dbPath } : {}) });
  const client = ec2Client(emulator.url);
  try {
    return await fn(client);
  } finally {
    client.destroy();
    await emulator.stop();
  }
}

async function everything(client: EC2Client) {
  const lists = (await client.send(new DescribeManagedPrefixListsCommand({}))).PrefixLists ?? [];
  const entries = await Promise.all(
    lists.map(async (list) => (await client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: list.PrefixListId }))).Entries ?? []),
  );
  return {
    vpcs: (await client.send(new DescribeVpcsCommand({}))).Vpcs,
    groups: (await client.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups,
    rules: (await client.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules,
    prefixLists: lists,
    prefixListEntries: entries,
  };
}

describe('a database file', () => {
  it('keeps VPCs, groups, rules with their ids, tags and prefix lists across a restart', async () => {
    const dbPath = join(scratch, 'restart.db');
    const before = await withEmulator(dbPath, async (client) => {
      const vpc = await client.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'kept' }] }] }));
      const list = await client.send(
        new CreateManagedPrefixListCommand({
          PrefixListName: 'offices',
          AddressFamily: 'IPv4',
          MaxEntries: 5,
          Entries: [{ Cidr: '192.0.2.0/24', Description: 'head office' }],
        }),
      );
      const group = await client.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web tier', VpcId: vpc.Vpc!.VpcId }));
      const peer = await client.send(new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'db tier', VpcId: vpc.Vpc!.VpcId }));
      await client.send(new CreateTagsCommand({ Resources: [group.GroupId!], Tags: [{ Key: 'team', Value: 'blue' }, { Key: 'env', Value: 'test' }] }));
      await client.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: group.GroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: list.PrefixList!.PrefixListId, Description: 'offices' }] },
            { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] },
          ],
        }),
      );
      await client.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: group.GroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: peer.GroupId, Description: 'to db' }] }],
          TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'why', Value: 'database' }] }],
        }),
      );
      return everything(client);
    });
    // The default VPC's default group, the new VPC's default group, web and db.
    expect(before.groups).toHaveLength(4);
    expect(before.prefixLists.some((l) => l.PrefixListName === 'offices')).toBe(true);

    const after = await withEmulator(dbPath, everything);
    expect(after).toEqual(before);
  });

  it('is stamped with the schema version', async () => {
    const dbPath = join(scratch, 'stamped.db');
    await withEmulator(dbPath, async (client) => client.send(new DescribeVpcsCommand({})));
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(schemaVersionOf(db)).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('is refused when a newer version wrote it', async () => {
    const dbPath = join(scratch, 'newer.db');
    openDatabase(dbPath).close();
    const raw = new Database(dbPath);
    raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    raw.close();

    expect(() => openDatabase(dbPath)).toThrow(SchemaVersionError);
    const root = await builtRoot();
    const result = runToEnd([join(root, 'dist', 'server', 'main.js'), '--port', '0', '--db', dbPath], { cwd: scratch });
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`database schema version ${SCHEMA_VERSION + 1} is newer than this ec2-sg-emulator understands`);
  }, 180_000);

  it('gains the tables added since it was written', () => {
    const dbPath = join(scratch, 'older.db');
    openDatabase(dbPath).close();
    const raw = new Database(dbPath);
    raw.exec('DROP TABLE tags');
    raw.close();
    const db = openDatabase(dbPath);
    try {
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tags'").get()).toBeDefined();
    } finally {
      db.close();
    }
  });
});

describe('migrations', () => {
  const stampedAt = (version: number) => {
    const db = openDatabase(':memory:');
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(version));
    return db;
  };

  it('run in order from the file version, and the stamp moves to the target', () => {
    const db = stampedAt(1);
    const ran: number[] = [];
    applyMigrations(
      db,
      [
        { toVersion: 3, up: () => ran.push(3) },
        { toVersion: 2, up: (d) => (ran.push(2), d.exec('ALTER TABLE vpcs ADD COLUMN note TEXT')) },
        { toVersion: 1, up: () => ran.push(1) },
      ],
      3,
    );
    expect(ran).toEqual([2, 3]);
    expect(schemaVersionOf(db)).toBe(3);
    db.close();
  });

  it('leave the file untouched when a step fails', () => {
    const db = stampedAt(1);
    expect(() =>
      applyMigrations(
        db,
        [
          { toVersion: 2, up: (d) => d.exec('ALTER TABLE vpcs ADD COLUMN note TEXT') },
          { toVersion: 3, up: () => { throw new Error('step 3 failed'); } },
        ],
        3,
      ),
    ).toThrow('step 3 failed');
    expect(schemaVersionOf(db)).toBe(1);
    const columns = (db.pragma('table_info(vpcs)') as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('note');
    db.close();
  });

  it('do not run on a fresh database, which gets the current schema at once', () => {
    const db = new Database(':memory:');
    const ran: number[] = [];
    applyMigrations(db, [{ toVersion: 2, up: () => ran.push(2) }], 2);
    expect(ran).toEqual([]);
    expect(schemaVersionOf(db)).toBe(2);
    db.close();
  });
});

/**
 * test/fixtures/schema-v1.db was written by the release before the network resources (schema
 * version 1), through its CLI: a VPC 10.20.0.0/16 tagged Name=release-vpc, a group `web` in it
 * tagged team=platform with an egress rule (tcp 443 to 10.0.0.0/8, "https") and an ingress rule
 * (tcp 22 from 192.0.2.0/24), and the us-east-1 defaults of account 000000000000.
 */
describe('a file from the previous release (schema version 1)', () => {
  const FIXTURE = fileURLToPath(new URL('../fixtures/schema-v1.db', import.meta.url));

  it('opens, keeps everything it held, and gains what its VPCs lacked', async () => {
    const dbPath = join(scratch, 'release-v1.db');
    copyFileSync(FIXTURE, dbPath);
    await withEmulator(dbPath, async (client) => {
      const vpcs = (await client.send(new DescribeVpcsCommand({}))).Vpcs!;
      expect(vpcs.map((v) => [v.CidrBlock, v.IsDefault])).toEqual([
        ['172.31.0.0/16', true],
        ['10.20.0.0/16', false],
      ]);
      const [defaultVpc, releaseVpc] = vpcs;
      expect(releaseVpc!.Tags).toEqual([{ Key: 'Name', Value: 'release-vpc' }]);

      const groups = (await client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['web'] }] })))
        .SecurityGroups!;
      expect(groups).toHaveLength(1);
      expect(groups[0]).toMatchObject({ VpcId: releaseVpc!.VpcId, Description: 'web tier', Tags: [{ Key: 'team', Value: 'platform' }] });
      const rules = (await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groups[0]!.GroupId!] }] })))
        .SecurityGroupRules!;
      expect(rules.map((r) => [r.IsEgress, r.IpProtocol, r.FromPort, r.CidrIpv4, r.Description ?? null]).sort()).toEqual(
        [
          [false, 'tcp', 22, '192.0.2.0/24', null],
          [true, '-1', -1, '0.0.0.0/0', null],
          [true, 'tcp', 443, '10.0.0.0/8', 'https'],
        ].sort(),
      );

      // DNS attributes: AWS's defaults, hostnames on for the default VPC only.
      const attribute = async (VpcId: string, Attribute: 'enableDnsSupport' | 'enableDnsHostnames') =>
        client.send(new DescribeVpcAttributeCommand({ VpcId, Attribute }));
      expect((await attribute(defaultVpc!.VpcId!, 'enableDnsHostnames')).EnableDnsHostnames).toEqual({ Value: true });
      expect((await attribute(releaseVpc!.VpcId!, 'enableDnsHostnames')).EnableDnsHostnames).toEqual({ Value: false });
      expect((await attribute(releaseVpc!.VpcId!, 'enableDnsSupport')).EnableDnsSupport).toEqual({ Value: true });

      // Each VPC gained its default network ACL and main route table.
      for (const vpc of vpcs) {
        const byVpc = [{ Name: 'vpc-id', Values: [vpc.VpcId!] }];
        const acls = (await client.send(new DescribeNetworkAclsCommand({ Filters: [...byVpc, { Name: 'default', Values: ['true'] }] })))
          .NetworkAcls!;
        expect(acls).toHaveLength(1);
        const tables = (
          await client.send(new DescribeRouteTablesCommand({ Filters: [...byVpc, { Name: 'association.main', Values: ['true'] }] }))
        ).RouteTables!;
        expect(tables).toHaveLength(1);
        expect(tables[0]!.Routes).toEqual([{ DestinationCidrBlock: vpc.CidrBlock, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }]);
      }

      // The default VPC gained its default subnets, one /20 per zone; the other VPC has none.
      const subnets = (await client.send(new DescribeSubnetsCommand({}))).Subnets!;
      expect(subnets.map((s) => [s.VpcId, s.CidrBlock, s.AvailabilityZone, s.DefaultForAz])).toEqual(
        ['a', 'b', 'c', 'd', 'e', 'f'].map((zone, i) => [defaultVpc!.VpcId, `172.31.${i * 16}.0/20`, `us-east-1${zone}`, true]),
      );
      expect((await client.send(new DescribeTagsCommand({}))).Tags!.map((t) => t.Key).sort()).toEqual(['Name', 'team']);
    });

    const db = new Database(dbPath, { readonly: true });
    try {
      expect(schemaVersionOf(db)).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
    // Opening it again changes nothing more (the upgrade ran once).
    const counts = await withEmulator(dbPath, async (client) => [
      (await client.send(new DescribeNetworkAclsCommand({}))).NetworkAcls!.length,
      (await client.send(new DescribeSubnetsCommand({}))).Subnets!.length,
    ]);
    expect(counts).toEqual([2, 6]);
  });

  it("gives its AWS-managed lists AWS's ids (it holds the random 17-hex ids of that release)", async () => {
    const dbPath = join(scratch, 'release-v1-ids.db');
    copyFileSync(FIXTURE, dbPath);
    const raw = new Database(dbPath, { readonly: true });
    const oldIds = (raw.prepare("SELECT prefix_list_id FROM prefix_lists WHERE owner_id = 'AWS'").all() as { prefix_list_id: string }[]).map(
      (row) => row.prefix_list_id,
    );
    raw.close();
    expect(oldIds).toHaveLength(2);
    for (const id of oldIds) expect(id).toMatch(/^pl-[0-9a-f]{17}$/);
    await withEmulator(dbPath, async (client) => {
      const lists = (await client.send(new DescribePrefixListsCommand({}))).PrefixLists!;
      expect(lists.map((l) => [l.PrefixListName, l.PrefixListId])).toEqual([
        ['com.amazonaws.us-east-1.s3', 'pl-63a5400a'],
        ['com.amazonaws.us-east-1.dynamodb', 'pl-02cd2c6b'],
      ]);
      const entries = (await client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-02cd2c6b' }))).Entries!;
      expect(entries.length).toBeGreaterThan(0);
    });
    const db = new Database(dbPath, { readonly: true });
    try {
      for (const id of oldIds) {
        expect(db.prepare('SELECT count(*) AS n FROM prefix_list_entries WHERE prefix_list_id = ?').get(id)).toEqual({ n: 0 });
      }
    } finally {
      db.close();
    }
  });

  it('exported as a state document, imports into this release with the same upgrade', async () => {
    // The previous release's export is its rows as stored, table by table, stamped version 1.
    const old = new Database(FIXTURE, { readonly: true });
    const tables: Record<string, unknown[]> = {};
    try {
      const names = old.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'meta'").all() as { name: string }[];
      for (const { name } of names) tables[name] = old.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all();
    } finally {
      old.close();
    }
    const emulator = await startEmulator({ port: 0 });
    const client = ec2Client(emulator.url);
    try {
      const response = await fetch(`${emulator.url}/_emulator/state`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ format: 'ec2-sg-emulator/state', schemaVersion: 1, tables }),
      });
      expect(response.status).toBe(200);
      const vpcs = (await client.send(new DescribeVpcsCommand({}))).Vpcs!;
      expect(vpcs).toHaveLength(2);
      expect((await client.send(new DescribeNetworkAclsCommand({}))).NetworkAcls).toHaveLength(2);
      expect((await client.send(new DescribeRouteTablesCommand({}))).RouteTables).toHaveLength(2);
      expect((await client.send(new DescribeSubnetsCommand({}))).Subnets).toHaveLength(6);
      // Its AWS-managed lists (random 17-hex ids then) get AWS's ids, as an upgraded file does.
      const lists = (await client.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'owner-id', Values: ['AWS'] }] }))).PrefixLists!;
      expect(lists.map((l) => l.PrefixListId)).toEqual(['pl-63a5400a', 'pl-02cd2c6b']);
      expect((await client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-63a5400a' }))).Entries!.length).toBeGreaterThan(0);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});

/**
 * A file of schema version 3 (the release before AWS's own prefix-list ids) whose us-east-1 S3 list
 * has a random 17-hex id that a rule, the entries and a tag name: made here from a fresh file by
 * rewriting the id in every table and stamping version 3.
 */
describe('a file from schema version 3', () => {
  const OLD_ID = 'pl-0a1b2c3d4e5f60718';

  it('rewrites the AWS-managed list ids in the lists, their entries, rules and tags, consistently', async () => {
    const dbPath = join(scratch, 'release-v3.db');
    const groupId = await withEmulator(dbPath, async (client) => {
      const group = await client.send(new CreateSecurityGroupCommand({ GroupName: 'to-s3', Description: 'egress to S3' }));
      await client.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: group.GroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-63a5400a', Description: 's3' }] }],
        }),
      );
      return group.GroupId!;
    });
    const raw = new Database(dbPath);
    try {
      raw.transaction(() => {
        raw.prepare('UPDATE prefix_lists SET prefix_list_id = ? WHERE prefix_list_id = ?').run(OLD_ID, 'pl-63a5400a');
        raw.prepare('UPDATE prefix_list_entries SET prefix_list_id = ? WHERE prefix_list_id = ?').run(OLD_ID, 'pl-63a5400a');
        raw.prepare("UPDATE security_group_rules SET peer = ? WHERE peer = ? AND peer_kind = 'pl'").run(OLD_ID, 'pl-63a5400a');
        raw
          .prepare("INSERT INTO tags (resource_id, resource_type, account_id, region, key, value) VALUES (?, 'prefix-list', '000000000000', 'us-east-1', 'k', 'v')")
          .run(OLD_ID);
        raw.prepare("UPDATE meta SET value = '3' WHERE key = 'schema_version'").run();
      })();
      const count = (sql: string) => (raw.prepare(sql).get(OLD_ID) as { n: number }).n;
      expect(count('SELECT count(*) AS n FROM prefix_list_entries WHERE prefix_list_id = ?')).toBeGreaterThan(0);
      expect(count("SELECT count(*) AS n FROM security_group_rules WHERE peer = ? AND peer_kind = 'pl'")).toBe(1);
    } finally {
      raw.close();
    }

    await withEmulator(dbPath, async (client) => {
      const s3 = (await client.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: ['pl-63a5400a'] }))).PrefixLists!;
      expect(s3.map((l) => l.PrefixListName)).toEqual(['com.amazonaws.us-east-1.s3']);
      expect((await client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-63a5400a' }))).Entries!.map((e) => e.Cidr)).toContain(
        '52.216.0.0/15',
      );
      const rules = (await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] })))
        .SecurityGroupRules!;
      expect(rules.filter((r) => r.PrefixListId !== undefined).map((r) => [r.PrefixListId, r.Description])).toEqual([['pl-63a5400a', 's3']]);
      const associations = await client.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: 'pl-63a5400a' }));
      expect(associations.PrefixListAssociations!.map((a) => a.ResourceId)).toEqual([groupId]);
    });

    const db = new Database(dbPath, { readonly: true });
    try {
      expect(schemaVersionOf(db)).toBe(SCHEMA_VERSION);
      const anywhere = (db.prepare(
        `SELECT (SELECT count(*) FROM prefix_lists WHERE prefix_list_id = @id) + (SELECT count(*) FROM prefix_list_entries WHERE prefix_list_id = @id)
           + (SELECT count(*) FROM security_group_rules WHERE peer = @id) + (SELECT count(*) FROM tags WHERE resource_id = @id) AS n`,
      ).get({ id: OLD_ID }) as { n: number }).n;
      expect(anywhere).toBe(0);
      expect(db.prepare("SELECT key, value FROM tags WHERE resource_id = 'pl-63a5400a'").all()).toEqual([{ key: 'k', value: 'v' }]);
    } finally {
      db.close();
    }
  });
});

describe('in memory (the default)', () => {
  it('keeps nothing across a restart', async () => {
    const groupId = await withEmulator(undefined, async (client) =>
      (await client.send(new CreateSecurityGroupCommand({ GroupName: 'gone', Description: 'in memory' }))).GroupId,
    );
    const names = await withEmulator(undefined, async (client) => (await client.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!.map((g) => g.GroupId));
    expect(names).not.toContain(groupId);
    expect(names).toHaveLength(1);
  });
});
