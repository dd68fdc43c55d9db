/**
 * store/state-validation.ts and the store's import and scope seeding, without HTTP: the column
 * rules cover the schema exactly; documents the EC2 actions can make pass, others are refused with
 * the path of the first problem and leave the store as it was; a scope's defaults are written
 * inside the request's transaction, kept by a write only, with the same derived ids every time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../store/db.js';
import type { Scope } from '../../../store/records.js';
import { SCHEMA_VERSION } from '../../../store/schema.js';
import { COLUMN_RULES, MAX_IMPORTED_SEQ, StateImportError, validateStateDocument } from '../../../store/state-validation.js';
import { createStore, type Store } from '../../../store/store.js';

const SCOPE: Scope = { accountId: '111122223333', region: 'us-east-1' };
const OTHER: Scope = { accountId: '444455556666', region: 'eu-west-1' };

let db: Db;
let store: Store;
beforeEach(() => {
  db = openDatabase(':memory:');
  store = createStore(db);
});
afterEach(() => {
  db.close();
});

type Tables = Record<string, Record<string, any>[]>;
/** A state with a group, a rule, a tagged customer prefix list with two versions, in two scopes. */
function sampleState(): { format: string; schemaVersion: number; tables: Tables } {
  for (const scope of [SCOPE, OTHER]) {
    store.ensureScope(scope);
    const vpcId = store.getDefaultVpc(scope)!.vpcId;
    const groupId = store.insertGroup(scope, { groupName: 'web', description: 'web tier', vpcId, isDefault: false });
    store.insertRules(scope, groupId, 'ingress', [
      { protocol: 'tcp', fromPort: 443, toPort: 443, peer: { kind: 'ipv4', cidr: '10.0.0.0/8' }, description: 'https' },
    ]);
    const listId = store.insertCustomerPrefixList(scope, {
      name: 'offices',
      addressFamily: 'IPv4',
      maxEntries: 2,
      entries: [{ cidr: '192.0.2.0/24', description: undefined }],
      clientToken: undefined,
      requestHash: undefined,
    });
    store.updatePrefixList(scope, listId, {
      name: 'offices',
      maxEntries: 2,
      version: 2,
      state: 'modify-complete',
      entryChanges: { add: [{ cidr: '198.51.100.0/24', description: 'branch' }], removeCidrs: ['192.0.2.0/24'] },
    });
    store.setTags(scope, listId, 'prefix-list', [{ key: 'team', value: 'net' }]);
  }
  return JSON.parse(JSON.stringify(store.exportState()));
}

function refusal(document: unknown): string {
  try {
    validateStateDocument(document);
  } catch (err) {
    expect(err).toBeInstanceOf(StateImportError);
    return (err as Error).message;
  }
  throw new Error('the document was accepted');
}

describe('the column rules', () => {
  it('cover every table and column of the schema, required exactly where NOT NULL has no default', () => {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'meta'").all() as { name: string }[]).map((t) => t.name);
    expect(Object.keys(COLUMN_RULES).sort()).toEqual([...tables].sort());
    for (const table of tables) {
      const columns = db.pragma(`table_info(${table})`) as { name: string; notnull: number; dflt_value: unknown; pk: number }[];
      expect(Object.keys(COLUMN_RULES[table]!).sort(), table).toEqual(columns.map((c) => c.name).sort());
      for (const column of columns) {
        const rule = COLUMN_RULES[table]![column.name]!;
        const autoincrement = column.name === 'seq' && column.pk === 1;
        expect({ table, column: column.name, required: rule.required }).toEqual({
          table,
          column: column.name,
          required: column.notnull === 1 && column.dflt_value === null && !autoincrement,
        });
        expect(rule.nullable, `${table}.${column.name}`).toBe(column.notnull === 0 || autoincrement);
      }
    }
  });
});

describe('validateStateDocument', () => {
  it('passes what the store wrote, and an empty state', () => {
    expect(() => validateStateDocument(sampleState())).not.toThrow();
    expect(() => validateStateDocument({ tables: {} })).not.toThrow();
  });

  const refused: [string, (s: { tables: Tables } & Record<string, unknown>) => void, string | RegExp][] = [
    ['a schemaVersion that is not a whole number', (s) => (s['schemaVersion'] = 1.5), `schemaVersion: 1.5 is not one this ec2-sg-emulator reads (1 to ${SCHEMA_VERSION})`],
    ['null in a NOT NULL column with a default', (s) => (s.tables['vpcs']![0]!['enable_dns_support'] = null), 'tables.vpcs[0].enable_dns_support: must not be null'],
    ['a flag of 2', (s) => (s.tables['vpcs']![0]!['is_default'] = 2), 'tables.vpcs[0].is_default: must be 0 or 1'],
    ['a number where text belongs', (s) => (s.tables['security_groups']![0]!['description'] = 7), 'tables.security_groups[0].description: must be a string'],
    ['an unknown tenancy', (s) => (s.tables['vpcs']![0]!['instance_tenancy'] = 'shared'), 'tables.vpcs[0].instance_tenancy: must be one of default, dedicated, host'],
    ['a VPC block of /8', (s) => (s.tables['vpcs']![0]!['cidr_block'] = '10.0.0.0/8'), 'tables.vpcs[0].cidr_block: must be a /16 to /28 block, not /8'],
    ['an account of 11 digits', (s) => (s.tables['scopes']![0]!['account_id'] = '12345678901'), 'tables.scopes[0].account_id: must be a 12-digit account id'],
    ['the same scope twice', (s) => s.tables['scopes']!.push({ ...s.tables['scopes']![0]! }), /^tables\.scopes\[2\]: the scope account 111122223333, region us-east-1 is already in tables\.scopes\[0\]$/],
    ['a VPC without its default group', (s) => {
      s.tables['security_groups'] = s.tables['security_groups']!.filter((g) => g['is_default'] === 0);
      s.tables['security_group_rules'] = [];
    }, /^tables\.vpcs\[0\]: VPC vpc-[0-9a-f]+ has no default group/],
    ['a second group named default', (s) => {
      const web = s.tables['security_groups']!.find((g) => g['group_name'] === 'web')!;
      Object.assign(web, { group_name: 'Default', group_name_key: 'default' });
    }, /the group name Default \(names are unique per VPC, whatever their case\)/],
    ['a group_name_key that is not the lower-case name', (s) => (s.tables['security_groups']![0]!['group_name_key'] = 'DEFAULT'), ".group_name_key: must be group_name in lower case ('default')"],
    ['a protocol stored by number', (s) => {
      Object.assign(s.tables['security_group_rules']!.find((r) => r['ip_protocol'] === 'tcp')!, { ip_protocol: '6' });
    }, /\.ip_protocol: protocol 6 is stored by its name/],
    ['ports on a protocol without ports', (s) => {
      Object.assign(s.tables['security_group_rules']!.find((r) => r['ip_protocol'] === 'tcp')!, { ip_protocol: '47' });
    }, /protocol 47 has no ports: from_port and to_port are -1, not 443, 443$/],
    ['an ICMP code without a type', (s) => {
      Object.assign(s.tables['security_group_rules']!.find((r) => r['ip_protocol'] === 'tcp')!, { ip_protocol: 'icmp', from_port: -1, to_port: 3 });
    }, /icmp type and code/],
    ['a CIDR peer of the wrong family', (s) => {
      Object.assign(s.tables['security_group_rules']!.find((r) => r['peer_kind'] === 'ipv4')!, { peer_kind: 'ipv6' });
    }, /\.peer: must be a canonical IPv6 CIDR block, not '[0-9.]+\/\d+'$/],
    ['a peer_user_id on a CIDR rule', (s) => {
      Object.assign(s.tables['security_group_rules']!.find((r) => r['peer_kind'] === 'ipv4')!, { peer_user_id: '111122223333' });
    }, /peer_user_id and peer_vpc_id are null for a peer of kind ipv4$/],
    ['a group peer named across a peering within its own VPC', (s) => {
      const self = s.tables['security_group_rules']!.find((r) => r['peer_kind'] === 'sg')!;
      const group = s.tables['security_groups']!.find((g) => g['group_id'] === self['group_id'])!;
      self['peer_vpc_id'] = group['vpc_id'];
    }, ".peer_vpc_id: is null for a group of the rule's own VPC"],
    ['an AWS-managed list of another name', (s) => (s.tables['prefix_lists']![0]!['name'] = 'com.amazonaws.us-east-1.ec2'), /\.name: an AWS-managed list of region us-east-1 is com\.amazonaws\.us-east-1\.s3 or/],
    ['a customer list owned by another account', (s) => {
      s.tables['prefix_lists']!.find((l) => l['owner_id'] !== 'AWS')!['owner_id'] = '999999999999';
    }, /\.owner_id: a customer-managed list is owned by its account/],
    ['a customer list id used in two scopes', (s) => {
      const [first, second] = s.tables['prefix_lists']!.filter((l) => l['owner_id'] !== 'AWS');
      const oldId = second!['prefix_list_id'];
      second!['prefix_list_id'] = first!['prefix_list_id'];
      for (const row of [...s.tables['prefix_list_entries']!, ...s.tables['tags']!]) {
        if (row['prefix_list_id'] === oldId) row['prefix_list_id'] = first!['prefix_list_id'];
        if (row['resource_id'] === oldId) row['resource_id'] = first!['prefix_list_id'];
      }
    }, /\.prefix_list_id: pl-[0-9a-f]+ is already the id of tables\.prefix_lists\[\d+\]$/],
    ['a tag on an AWS-managed list', (s) => {
      const aws = s.tables['prefix_lists']![0]!;
      s.tables['tags']!.push({ resource_id: aws['prefix_list_id'], resource_type: 'prefix-list', account_id: aws['account_id'], region: aws['region'], key: 'k', value: 'v' });
    }, '.resource_id: AWS-managed prefix lists cannot be tagged'],
    ['more current entries than MaxEntries', (s) => {
      const list = s.tables['prefix_lists']!.find((l) => l['owner_id'] !== 'AWS')!;
      list['max_entries'] = 1;
      const entry = s.tables['prefix_list_entries']!.find((e) => e['prefix_list_id'] === list['prefix_list_id'] && e['removed_in'] === null)!;
      s.tables['prefix_list_entries']!.push({ ...entry, seq: null, cidr: '203.0.113.0/24' });
    }, /has 2 entries in its current version, more than its max_entries \(1\)$/],
    ['an entry removed before it was added', (s) => {
      const closed = s.tables['prefix_list_entries']!.find((e) => e['removed_in'] !== null)!;
      closed['added_in'] = closed['removed_in'];
    }, /\.removed_in: must be after added_in \(2\) and at most the list's version \(2\), or null$/],
    ['an entry CIDR of the wrong family', (s) => {
      s.tables['prefix_list_entries']!.find((e) => e['removed_in'] === null && e['cidr'] === '198.51.100.0/24')!['cidr'] = '2001:db8::/32';
    }, /\.cidr: in a list of IPv4, must be a canonical IPv4 CIDR block/],
    ['a network ACL without its route table', (s) => (s.tables['route_tables'] = s.tables['route_tables']!.slice(1)), /has a network ACL but no route table/],
    ['a non-default network ACL', (s) => (s.tables['network_acls']![0]!['is_default'] = 0), ".is_default: the only network ACL a VPC has here is its default one (1)"],
    ['a subnet in a zone of another region', (s) => (s.tables['subnets']![0]!['availability_zone'] = 'eu-west-1a'), /\.availability_zone: eu-west-1a is not a zone of us-east-1/],
    ['overlapping subnets', (s) => {
      const subnets = s.tables['subnets']!;
      subnets[1]!['cidr_block'] = subnets[0]!['cidr_block'];
    }, /\.cidr_block: 172\.31\.0\.0\/20 overlaps the subnet tables\.subnets\[0\] of the same VPC$/],
    ['a default subnet in a VPC that is not the default', (s) => (s.tables['vpcs']![0]!['is_default'] = 0), /\.default_for_az: only a default VPC has default subnets$/],
    ['a row of a scope not in scopes', (s) => (s.tables['scopes'] = s.tables['scopes']!.slice(1)), /^tables\.vpcs\[0\]: account 111122223333, region us-east-1 is not in tables\.scopes/],
    ['a seq above 2^52', (s) => (s.tables['tags']![0]!['seq'] = MAX_IMPORTED_SEQ + 1), /^tables\.tags\[0\]\.seq: must be an integer from 1 to 4503599627370496/],
  ];
  for (const [name, mutate, says] of refused) {
    it(`refuses ${name}`, () => {
      const state = sampleState();
      mutate(state);
      const message = refusal(state);
      if (typeof says === 'string') expect(message.endsWith(says), message).toBe(true);
      else expect(message).toMatch(says);
    });
  }

  it('refuses an interface without its one primary address, and one holding six groups', () => {
    store.ensureScope(SCOPE);
    const vpc = store.getDefaultVpc(SCOPE)!;
    const subnetId = store.subnetIdsOfVpc(vpc.vpcId)[0]!;
    const groups = Array.from({ length: 6 }, (_, i) => store.insertGroup(SCOPE, { groupName: `g${i}`, description: 'g', vpcId: vpc.vpcId, isDefault: false }));
    store.insertNetworkInterface(SCOPE, {
      vpcId: vpc.vpcId,
      subnetId,
      description: '',
      interfaceType: 'interface',
      privateIpAddresses: ['172.31.0.10', '172.31.0.11'],
      groupIds: groups.slice(0, 5),
      clientToken: undefined,
      requestHash: undefined,
    });
    const state = JSON.parse(JSON.stringify(store.exportState()));
    expect(() => validateStateDocument(state)).not.toThrow();

    const noPrimary = structuredClone(state);
    noPrimary.tables.network_interface_addresses[0].is_primary = 0;
    expect(refusal(noPrimary)).toMatch(/interface eni-[0-9a-f]+ has 0 primary addresses in tables\.network_interface_addresses; it has exactly one, at its first position$/);

    const reserved = structuredClone(state);
    reserved.tables.network_interface_addresses[0].private_ip_address = '172.31.0.3';
    expect(refusal(reserved)).toMatch(/\.private_ip_address: 172\.31\.0\.3 is not an address an interface can hold/);

    const six = structuredClone(state);
    six.tables.network_interface_groups.push({ ...six.tables.network_interface_groups[0], group_id: groups[5], position: 5 });
    expect(refusal(six)).toMatch(/holds more than 5 groups$/);
  });

  it('passes a document of the first release (VPCs without ACLs and route tables) for the import to upgrade', () => {
    const state = sampleState();
    const v1 = { format: state.format, schemaVersion: 1, tables: { ...state.tables } };
    for (const table of ['network_acls', 'route_tables', 'subnets', 'network_interfaces', 'network_interface_addresses', 'network_interface_groups', 'vpc_peering_connections', 'security_group_vpc_associations']) {
      delete v1.tables[table];
    }
    v1.tables['vpcs'] = v1.tables['vpcs']!.map(({ enable_dns_support: _a, enable_dns_hostnames: _b, enable_network_address_usage_metrics: _c, ...vpc }) => vpc);
    v1.tables['security_group_rules'] = v1.tables['security_group_rules']!.map(({ peer_vpc_id: _v, ...rule }) => rule);
    expect(() => validateStateDocument(v1)).not.toThrow();
    store.importState(v1);
    expect(store.listNetworkAcls(SCOPE)).toHaveLength(1);
    expect(store.listRouteTables(SCOPE)).toHaveLength(1);
    expect(store.listSubnets(SCOPE)).toHaveLength(6);
    expect(store.getDefaultVpc(SCOPE)!.enableDnsHostnames).toBe(true);
  });
});

describe('importState', () => {
  it('leaves the store as it was when it refuses a document', () => {
    const state = sampleState();
    const before = store.exportState();
    const bad = structuredClone(state);
    bad.tables['tags']!.push({ ...bad.tables['tags']![0]!, seq: null, key: 'x', resource_id: 'vpc-0000000000000dead', resource_type: 'vpc' });
    expect(() => store.importState(bad)).toThrow(StateImportError);
    expect(store.exportState()).toEqual(before);
  });

  it('imports its own export to the same rows', () => {
    const state = sampleState();
    store.reset();
    store.importState(state);
    expect(JSON.parse(JSON.stringify(store.exportState()))).toEqual(state);
  });
});

describe('inScope: defaults kept only by a write', () => {
  const read = () => store.inScope(SCOPE, () => store.getDefaultVpc(SCOPE)!.vpcId);
  const count = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('lets a read see the defaults and rolls them back, with the same ids every time', () => {
    const first = read();
    expect(first).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(count('scopes')).toBe(0);
    expect(count('vpcs')).toBe(0);
    expect(read()).toBe(first);
  });

  it('keeps them, with those ids, when the request writes', () => {
    const seen = read();
    store.inScope(SCOPE, () => store.setTags(SCOPE, store.getDefaultVpc(SCOPE)!.vpcId, 'vpc', [{ key: 'k', value: 'v' }]));
    expect(count('scopes')).toBe(1);
    expect(store.getDefaultVpc(SCOPE)!.vpcId).toBe(seen);
    // From then on the scope is seeded: a later read keeps everything.
    expect(read()).toBe(seen);
    expect(count('vpcs')).toBe(1);
  });

  it('rolls them back with everything else when the request throws', () => {
    expect(() =>
      store.inScope(SCOPE, () => {
        store.setTags(SCOPE, store.getDefaultVpc(SCOPE)!.vpcId, 'vpc', [{ key: 'k', value: 'v' }]);
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(count('scopes')).toBe(0);
    expect(count('tags')).toBe(0);
  });

  it('derives other ids in other scopes, and new ones after a reset', () => {
    const first = read();
    expect(store.inScope(OTHER, () => store.getDefaultVpc(OTHER)!.vpcId)).not.toBe(first);
    store.reset();
    expect(read()).not.toBe(first);
  });

  it('shows the same ids after a restart on the same file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-seed-'));
    try {
      const path = join(dir, 'state.db');
      const fileDb = openDatabase(path);
      const before = createStore(fileDb).inScope(SCOPE, () => createStore(fileDb).getDefaultVpc(SCOPE)?.vpcId);
      fileDb.close();
      const reopened = openDatabase(path);
      const again = createStore(reopened);
      expect(again.inScope(SCOPE, () => again.getDefaultVpc(SCOPE)!.vpcId)).toBe(before);
      expect(again.tableCounts()['vpcs']).toBe(0);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
