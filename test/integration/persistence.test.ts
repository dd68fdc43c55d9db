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
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  GetManagedPrefixListEntriesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
