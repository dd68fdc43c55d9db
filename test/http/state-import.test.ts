/**
 * POST /_emulator/state on the raw wire, and what state requests leave behind:
 * - a document is checked whole; a bad one is a 400 JSON `InvalidState` naming the first problem,
 *   and an exported state (of every kind of row, several accounts and regions) always imports again;
 * - `seq` stays within what describe paging tokens carry, and an imported state pages through with
 *   the server's own NextToken;
 * - a body over the state endpoint's limit is a 413 in JSON with that limit, and every other error
 *   of a JSON endpoint is JSON too;
 * - a scope's defaults are kept only by a successful write: reads, refused requests and dry runs in
 *   a new account or region leave the store as it was, and show the same default ids every time.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { STATE_BODY_LIMIT } from '../../server/control.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { openDatabase } from '../../store/db.js';
import type { StateDocument } from '../../store/state.js';
import { createStore, type Store } from '../../store/store.js';
import { buildTestApp, errorOf, items, post, rawClient, sigV4Authorization, type Fields, type Item } from '../helpers/inject.js';
import { buildRichState, RICH_SCOPES } from '../helpers/rich-state.js';

let app: FastifyInstance;
let store: Store;
beforeEach(() => {
  ({ app, store } = buildTestApp());
});
afterEach(async () => {
  await app.close();
});

/** The rich state (test/helpers/rich-state.ts), built once on its own app and exported. */
let richState: StateDocument;
beforeAll(async () => {
  const built = buildTestApp();
  await buildRichState(built.app);
  richState = built.store.exportState();
  await built.app.close();
});

type Rows = Record<string, any>[];
const clone = (state: StateDocument): { format: string; schemaVersion: number; tables: Record<string, Rows> } =>
  JSON.parse(JSON.stringify(state));

async function control(method: 'GET' | 'POST' | 'PUT' | 'OPTIONS', url: string, payload?: string | Readable, headers: Record<string, string> = {}) {
  const response = await app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload, headers: { 'content-type': 'application/json', ...headers } }),
  });
  return { status: response.statusCode, contentType: response.headers['content-type'], body: response.body };
}
const json = (answer: { body: string }) => JSON.parse(answer.body) as Record<string, any>;
const importState = (document: unknown) => control('POST', '/_emulator/state', JSON.stringify(document));
const exported = async () => json(await control('GET', '/_emulator/state')) as StateDocument;

/** Every describe of the three scopes, as a client would see the whole state. */
async function describeAll(): Promise<unknown[]> {
  const views: unknown[] = [];
  const reads: [string, Fields][] = [
    ['DescribeVpcs', {}],
    ['DescribeSecurityGroups', {}],
    ['DescribeSecurityGroupRules', {}],
    ['DescribeSubnets', {}],
    ['DescribeNetworkInterfaces', {}],
    ['DescribeNetworkAcls', {}],
    ['DescribeRouteTables', {}],
    ['DescribeManagedPrefixLists', {}],
    ['DescribeTags', {}],
    ['DescribeVpcPeeringConnections', {}],
    ['DescribeSecurityGroupVpcAssociations', {}],
  ];
  for (const scope of RICH_SCOPES) {
    const { call } = rawClient(app, scope.headers);
    for (const [action, fields] of reads) {
      const answer = await call(action, fields);
      expect(answer.status, `${action} in ${scope.name}: ${answer.body}`).toBe(200);
      const { requestId: _id, ...rest } = answer.xml[`${action}Response`];
      views.push(rest);
    }
  }
  return views;
}

describe('a rich exported state', () => {
  it('imports again into a fresh server and a reset one: the same rows, the same answers', async () => {
    await buildRichState(app);
    const state = await exported();
    // Every kind of row is there.
    for (const table of ['scopes', 'vpcs', 'security_groups', 'security_group_rules', 'prefix_lists', 'prefix_list_entries', 'subnets',
      'network_interfaces', 'network_interface_addresses', 'network_interface_groups', 'vpc_peering_connections',
      'security_group_vpc_associations', 'tags', 'network_acls', 'route_tables']) {
      expect(state.tables[table]!.length, table).toBeGreaterThan(0);
    }
    const kinds = new Set(state.tables['security_group_rules']!.map((r) => `${r['peer_kind']}${r['peer_vpc_id'] ? '+peered' : ''}`));
    expect([...kinds].sort()).toEqual(['ipv4', 'ipv6', 'pl', 'sg', 'sg+peered']);
    expect(new Set(state.tables['vpc_peering_connections']!.map((p) => p['status_code']))).toEqual(
      new Set(['active', 'rejected', 'pending-acceptance', 'failed']),
    );
    const before = await describeAll();

    await app.close();
    ({ app, store } = buildTestApp());
    expect(await importState(state)).toMatchObject({ status: 200, body: JSON.stringify({ status: 'ok' }) });
    expect(await exported()).toEqual(state);
    expect(await describeAll()).toEqual(before);

    await control('POST', '/_emulator/reset');
    expect((await importState(state)).status).toBe(200);
    expect(await exported()).toEqual(state);
  });

  it('keeps serving every action on the imported state, and a second export imports too', async () => {
    await buildRichState(app);
    const state = await exported();
    await control('POST', '/_emulator/reset');
    expect((await importState(state)).status).toBe(200);
    const { ok } = rawClient(app);
    const group = (await ok('CreateSecurityGroup', { GroupName: 'after', GroupDescription: 'after import' })).groupId as string;
    await ok('AuthorizeSecurityGroupIngress', { GroupId: group, 'IpPermissions.1.IpProtocol': 'tcp', 'IpPermissions.1.FromPort': '22', 'IpPermissions.1.ToPort': '22', 'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0' });
    const again = await exported();
    await control('POST', '/_emulator/reset');
    expect((await importState(again)).status).toBe(200);
    expect(await exported()).toEqual(again);
  });
});

describe('a document that would break later calls is refused whole', () => {
  async function expectRefused(mutate: (tables: Record<string, Rows>) => void, says: RegExp): Promise<void> {
    const state = clone(await exported());
    mutate(state.tables);
    const before = await exported();
    const answer = await importState(state);
    expect({ status: answer.status, contentType: answer.contentType }).toEqual({ status: 400, contentType: 'application/json; charset=utf-8' });
    expect(json(answer)).toEqual({ error: 'InvalidState', message: expect.stringMatching(says) });
    expect(await exported()).toEqual(before);
  }

  beforeEach(async () => {
    expect((await importState(richState)).status).toBe(200);
  });

  it('an export whose scopes are emptied (every call in that scope failed until a reset)', async () => {
    await expectRefused((t) => (t['scopes'] = []), /^tables\.vpcs\[0\]: account \d{12}, region [a-z0-9-]+ is not in tables\.scopes/);
    // The server still answers in every scope.
    for (const scope of RICH_SCOPES) await rawClient(app, scope.headers).ok('DescribeSecurityGroups');
  });

  it('a rule with an unknown peer kind (both describe calls failed)', async () => {
    await expectRefused((t) => (t['security_group_rules']![0]!['peer_kind'] = 'elb'), /^tables\.security_group_rules\[0\]\.peer_kind: must be one of ipv4, ipv6, pl, sg$/);
  });

  const cases: [string, (t: Record<string, Rows>) => void, RegExp][] = [
    ['a rule naming a group that is not there', (t) => {
      const rule = t['security_group_rules']!.find((r) => r['peer_kind'] === 'sg' && r['peer_vpc_id'] === null)!;
      rule['peer'] = 'sg-0000000000000dead';
    }, /\.peer: no group sg-0000000000000dead in tables\.security_groups$/],
    ['a rule naming a missing prefix list', (t) => {
      t['security_group_rules']!.find((r) => r['peer_kind'] === 'pl')!['peer'] = 'pl-00000000000000bad';
    }, /no prefix list pl-00000000000000bad of account/],
    ['a rule whose CIDR is not canonical', (t) => {
      t['security_group_rules']!.find((r) => r['peer_kind'] === 'ipv4')!['peer'] = '10.1.2.3/8';
    }, /\.peer: must be a canonical IPv4 CIDR block: '10\.1\.2\.3\/8' is stored as '10\.0\.0\.0\/8'$/],
    ['tcp ports the wrong way round', (t) => {
      const rule = t['security_group_rules']!.find((r) => r['ip_protocol'] === 'tcp')!;
      Object.assign(rule, { from_port: 500, to_port: 400 });
    }, /tcp ports must be 0 to 65535 with from_port <= to_port/],
    ['a group in a VPC of another scope', (t) => {
      const web = t['security_groups']!.find((g) => g['group_name'] === 'web')!;
      const other = t['vpcs']!.find((v) => v['account_id'] !== web['account_id'] || v['region'] !== web['region'])!;
      web['vpc_id'] = other['vpc_id'];
    }, /^tables\.security_groups\[\d+\]: account .* but VPC vpc-[0-9a-f]+ is in account/],
    ['a second default VPC in a scope', (t) => {
      t['vpcs']!.find((v) => v['is_default'] === 0 && v['account_id'] === '000000000000' && v['region'] === 'us-east-1')!['is_default'] = 1;
    }, /already has a default VPC \(tables\.vpcs\[0\]\); a scope has at most one$/],
    ['a duplicate group id', (t) => {
      t['security_groups']![2]!['group_id'] = t['security_groups']![1]!['group_id'];
    }, /^tables\.security_groups\[2\]: group_id sg-[0-9a-f]+ is already in tables\.security_groups\[1\]$/],
    ['a subnet outside its VPC', (t) => {
      t['subnets']!.find((s) => s['default_for_az'] === 0)!['cidr_block'] = '10.9.0.0/24';
    }, /\.cidr_block: 10\.9\.0\.0\/24 is not inside its VPC's block 10\.0\.0\.0\/16$/],
    ['an interface address outside its subnet', (t) => {
      t['network_interface_addresses']![0]!['private_ip_address'] = '10.0.9.9';
    }, /\.private_ip_address: 10\.0\.9\.9 is not an address an interface can hold/],
    ['an interface holding a group of another VPC', (t) => {
      const foreign = t['security_groups']!.find((g) => g['group_name'] === 'remote')!;
      t['network_interface_groups']![0]!['group_id'] = foreign['group_id'];
    }, /is neither in the interface's VPC vpc-[0-9a-f]+ nor associated with it$/],
    ['a prefix-list entry of a version the list never had', (t) => {
      t['prefix_list_entries']!.find((e) => e['removed_in'] === null)!['added_in'] = 99;
    }, /\.added_in: 99 is after the list's current version/],
    ['the same CIDR twice in one version of a list', (t) => {
      const entries = t['prefix_list_entries']!;
      const open = entries.find((e) => e['removed_in'] === null && e['cidr'] === '192.0.2.0/24')!;
      entries.push({ ...open, seq: 4_000_000 });
    }, /the entry 192\.0\.2\.0\/24 is already in one of the same versions/],
    ['an association with a default VPC', (t) => {
      const association = t['security_group_vpc_associations']![0]!;
      association['vpc_id'] = t['vpcs']!.find((v) => v['is_default'] === 1 && v['account_id'] === association['account_id'] && v['region'] === association['region'])!['vpc_id'];
    }, /\.vpc_id: no group can be associated with a default VPC$/],
    ['an active peering whose VPC is gone', (t) => {
      t['vpc_peering_connections']!.find((p) => p['status_code'] === 'active')!['accepter_vpc_id'] = 'vpc-0000000000000abcd';
    }, /\.accepter_vpc_id: no VPC vpc-0000000000000abcd in tables\.vpcs$/],
    ['a peering created past the last date answers can carry', (t) => {
      t['vpc_peering_connections']![0]!['created_at'] = 8.64e15;
    }, /\.created_at: must be an integer from 0 to /],
    ['a tag on a resource that is not there', (t) => {
      t['tags']!.find((x) => x['resource_type'] === 'security-group')!['resource_id'] = 'sg-0000000000000beef';
    }, /\.resource_id: no security-group sg-0000000000000beef of account/],
    ['a tag of the wrong resource type', (t) => {
      t['tags']!.find((x) => x['resource_type'] === 'vpc')!['resource_type'] = 'subnet';
    }, /\.resource_type: vpc-[0-9a-f]+ is a vpc$/],
    ['a tag key of 128 characters', (t) => {
      t['tags']![0]!['key'] = 'k'.repeat(128);
    }, /\.key: must have at most 127 characters$/],
    ['a tag value of 257 characters', (t) => {
      t['tags']![0]!['value'] = 'v'.repeat(257);
    }, /\.value: must have at most 256 characters$/],
    ['a user tag key starting with AWS:', (t) => {
      t['tags']![0]!['key'] = 'AWS:owner';
    }, /\.key: keys starting with 'AWS:' are reserved/],
    ['51 tags on one resource', (t) => {
      const first = t['tags']![0]!;
      for (let i = 0; i < 50; i++) t['tags']!.push({ ...first, seq: 5_000_000 + i, key: `k${i}` });
    }, /has more than 50 tags/],
    ['an id without its prefix', (t) => {
      t['subnets']![0]!['subnet_id'] = 'sn-0123';
    }, /^tables\.subnets\[0\]\.subnet_id: must be a subnet- id \(subnet- and 1 to 17 hex digits\)$/],
  ];
  for (const [name, mutate, says] of cases) it(name, () => expectRefused(mutate, says));

  it('takes AWS-made aws: tags, which do not count against the 50', async () => {
    const state = clone(await exported());
    const first = state.tables['tags']![0]!;
    for (let i = 0; i < 3; i++) state.tables['tags']!.push({ ...first, seq: 6_000_000 + i, key: `aws:cloudformation:k${i}` });
    expect((await importState(state)).status).toBe(200);
    // DeleteTags with no tag named keeps AWS's own.
    await rawClient(app).ok('DeleteTags', { 'ResourceId.1': first['resource_id'] });
    const left = items((await rawClient(app).ok('DescribeTags', { 'Filter.1.Name': 'resource-id', 'Filter.1.Value.1': first['resource_id'] })).tagSet);
    expect(left.map((t) => t.key)).toEqual(['aws:cloudformation:k0', 'aws:cloudformation:k1', 'aws:cloudformation:k2']);
  });
});

describe('sequence numbers', () => {
  beforeEach(async () => {
    await rawClient(app).ok('CreateSecurityGroup', { GroupName: 'one', GroupDescription: 'one' });
  });

  for (const seq of [0, -1, 1.5, 2 ** 53, 2 ** 52 + 1, Number.MAX_SAFE_INTEGER]) {
    it(`refuses a row with seq ${seq}`, async () => {
      const state = clone(await exported());
      state.tables['security_groups']![1]!['seq'] = seq;
      const answer = await importState(state);
      expect(answer.status).toBe(400);
      expect(json(answer).message).toMatch(/^tables\.security_groups\[1\]\.seq: must be an integer from 1 to 4503599627370496 \(2\^52\)/);
    });
  }

  it('refuses a seq twice in one table', async () => {
    const state = clone(await exported());
    state.tables['security_groups']![1]!['seq'] = state.tables['security_groups']![0]!['seq'];
    expect(json(await importState(state)).message).toMatch(/^tables\.security_groups\[1\]\.seq: 1 is already the seq of tables\.security_groups\[0\]$/);
  });

  it('pages an imported state with seqs up to 2^52 through with the server\'s own NextToken, then goes on after them', async () => {
    const { ok } = rawClient(app);
    for (let i = 0; i < 11; i++) await ok('CreateSecurityGroup', { GroupName: `g${i}`, GroupDescription: 'paged' });
    const state = clone(await exported());
    // Spread the groups' seqs up to the largest accepted one, in their order.
    const groups = state.tables['security_groups']!;
    groups.forEach((group, i) => (group['seq'] = i === groups.length - 1 ? 2 ** 52 : 1 + i * 2 ** 48));
    expect((await importState(state)).status).toBe(200);
    await ok('CreateSecurityGroup', { GroupName: 'after', GroupDescription: 'after the import' });

    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ok('DescribeSecurityGroups', { MaxResults: '5', ...(token ? { NextToken: token } : {}) });
      names.push(...items(page.securityGroupInfo).map((g) => g.groupName as string));
      token = page.nextToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual(['default', 'one', ...Array.from({ length: 11 }, (_, i) => `g${i}`), 'after']);
  });
});

describe('the JSON endpoints answer their errors in JSON', () => {
  /** `bytes` bytes of JSON-looking text, streamed, so no test holds 256 MiB at once. */
  function stream(bytes: number): Readable {
    let left = bytes;
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    return new Readable({
      read() {
        if (left <= 0) return void this.push(null);
        const size = Math.min(left, chunk.length);
        left -= size;
        this.push(size === chunk.length ? chunk : chunk.subarray(0, size));
      },
    });
  }

  it('a state document over its limit is 413 with that limit (declared by Content-Length)', async () => {
    const answer = await control('POST', '/_emulator/state', stream(STATE_BODY_LIMIT + 1), { 'content-length': String(STATE_BODY_LIMIT + 1) });
    expect({ status: answer.status, contentType: answer.contentType, body: json(answer) }).toEqual({
      status: 413,
      contentType: 'application/json; charset=utf-8',
      body: { error: 'PayloadTooLarge', message: 'the state document is larger than 268435456 bytes' },
    });
  });

  it('a state document over its limit is 413 with that limit (chunked, found while reading)', async () => {
    const answer = await control('POST', '/_emulator/state', stream(STATE_BODY_LIMIT + 1), { 'transfer-encoding': 'chunked' });
    expect({ status: answer.status, body: json(answer) }).toEqual({
      status: 413,
      body: { error: 'PayloadTooLarge', message: 'the state document is larger than 268435456 bytes' },
    });
  });

  it('a state document of 2 MiB (over the EC2 limit, far under its own) is read and judged', async () => {
    const state = clone(await exported());
    const padded = JSON.stringify(state).replace(/^\{/, `{"padding":"${' '.repeat(2 * 1024 * 1024)}",`);
    const answer = await control('POST', '/_emulator/state', padded);
    expect(answer.status).toBe(200);
  });

  it('another endpoint over the request limit is 413 JSON with its own limit', async () => {
    const answer = await control('PUT', '/_emulator/realism', stream(1024 * 1024 + 1), { 'content-length': String(1024 * 1024 + 1) });
    expect({ status: answer.status, contentType: answer.contentType, body: json(answer) }).toEqual({
      status: 413,
      contentType: 'application/json; charset=utf-8',
      body: { error: 'PayloadTooLarge', message: 'the request body is larger than 1048576 bytes' },
    });
  });

  it('a method no endpoint takes is 405 JSON, not EC2 XML', async () => {
    const answer = await control('OPTIONS', '/_emulator/state');
    expect({ status: answer.status, contentType: answer.contentType, error: json(answer).error }).toEqual({
      status: 405,
      contentType: 'application/json; charset=utf-8',
      error: 'InvalidRequest',
    });
  });

  it('EC2 requests over the limit still answer EC2 XML', async () => {
    const answer = await post(app, { Action: 'DescribeVpcs', Padding: 'x'.repeat(1024 * 1024) });
    expect(answer.status).toBe(413);
    expect(errorOf(answer.xml).code).toBe('RequestEntityTooLarge');
  });
});

describe("a scope's defaults are kept only by a successful write", () => {
  const scopeHeaders = (i: number): Record<string, string> => {
    // Half name a new region of the default account, half a new account (a 12-digit access key).
    const region = `zz-test-${i}`;
    return { authorization: i % 2 === 0 ? sigV4Authorization(region) : sigV4Authorization('us-west-2', String(100000000000 + i)) };
  };

  it('500 unsigned reads naming new accounts and regions leave the store as it was', async () => {
    const counts = store.tableCounts();
    const health = json(await control('GET', '/_emulator/health'));
    for (let i = 0; i < 500; i++) {
      const answer = await post(app, { Action: 'DescribeSecurityGroups' }, scopeHeaders(i));
      expect(answer.status).toBe(200);
      // Each read still shows the scope's default group, as AWS does.
      expect(items(answer.xml.DescribeSecurityGroupsResponse.securityGroupInfo).map((g) => g.groupName)).toEqual(['default']);
    }
    expect(store.tableCounts()).toEqual(counts);
    expect(json(await control('GET', '/_emulator/health')).counts).toEqual(health.counts);
    expect((await exported()).tables['scopes']).toEqual([]);
  });

  it('a refused request, an unknown action or a dry run in a new scope leaves nothing', async () => {
    const counts = store.tableCounts();
    const { call } = rawClient(app, { authorization: sigV4Authorization('zz-refused-1') });
    expect((await call('CreateSecurityGroup', { GroupName: 'x' })).status).toBe(400); // no description
    expect((await call('AuthorizeSecurityGroupIngress', { GroupId: 'sg-0123456789abcdef0', 'IpPermissions.1.IpProtocol': '-1', 'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8' })).status).toBe(400);
    expect((await call('RunInstances', {})).status).toBe(400);
    expect((await call('CreateVpc', { CidrBlock: '10.0.0.0/16', DryRun: 'true' })).status).toBe(412);
    expect((await call('DescribeSecurityGroups', { 'GroupId.1': 'sg-0123456789abcdef0' })).status).toBe(400);
    expect(store.tableCounts()).toEqual(counts);
  });

  it('a request refused by signature checking leaves nothing either', async () => {
    const checkedStore = createStore(openDatabase(':memory:'));
    const checked = buildApp({
      store: checkedStore,
      limits: DEFAULT_LIMITS,
      defaultRegion: 'us-east-1',
      defaultAccountId: '000000000000',
      credentials: new Map([['AKIDCHECKED', 'secret']]),
    });
    try {
      const counts = checkedStore.tableCounts();
      const answer = await post(checked, { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' }, { authorization: sigV4Authorization('zz-auth-1', 'AKIDCHECKED') });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(checkedStore.tableCounts()).toEqual(counts);
    } finally {
      await checked.close();
    }
  });

  it('shows the same default ids on every read of a fresh scope, and the first write keeps exactly those', async () => {
    const { ok } = rawClient(app, { authorization: sigV4Authorization('eu-central-1', '222233334444') });
    const defaults = async () => ({
      vpcs: items((await ok('DescribeVpcs', { 'Filter.1.Name': 'isDefault', 'Filter.1.Value.1': 'true' })).vpcSet),
      groups: items((await ok('DescribeSecurityGroups', { 'Filter.1.Name': 'group-name', 'Filter.1.Value.1': 'default' })).securityGroupInfo),
      rules: items((await ok('DescribeSecurityGroupRules')).securityGroupRuleSet),
      subnets: items((await ok('DescribeSubnets')).subnetSet),
      acls: items((await ok('DescribeNetworkAcls')).networkAclSet),
      tables: items((await ok('DescribeRouteTables')).routeTableSet),
      lists: items((await ok('DescribePrefixLists')).prefixListSet),
      zones: items((await ok('DescribeAvailabilityZones')).availabilityZoneInfo),
    });
    const first = await defaults();
    expect(first.vpcs).toHaveLength(1);
    expect(first.vpcs[0]!.cidrBlock).toBe('172.31.0.0/16');
    expect(first.vpcs[0]!.vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(first.groups).toHaveLength(1);
    expect(first.rules).toHaveLength(2);
    expect(first.subnets).toHaveLength(3);
    expect(first.acls).toHaveLength(1);
    expect(first.tables).toHaveLength(1);
    expect(first.lists.map((l) => l.prefixListName)).toEqual(['com.amazonaws.eu-central-1.s3', 'com.amazonaws.eu-central-1.dynamodb']);
    expect(await defaults()).toEqual(first);
    expect((await exported()).tables['scopes']).toEqual([]);

    // Terraform's `data "aws_security_group"` for the default group, then a write in that scope.
    const groupId = first.groups[0]!.groupId as string;
    await ok('CreateTags', { 'ResourceId.1': groupId, 'Tag.1.Key': 'Name', 'Tag.1.Value': 'kept' });
    const kept = await defaults();
    expect({ ...kept, groups: kept.groups.map(({ tagSet: _tags, ...g }) => g) }).toEqual(first);
    expect((await exported()).tables['scopes']).toEqual([{ account_id: '222233334444', region: 'eu-central-1' }]);
  });

  it('a write in a new scope keeps its defaults with it', async () => {
    const { ok } = rawClient(app, { authorization: sigV4Authorization('sa-east-1') });
    const groupId = (await ok('CreateSecurityGroup', { GroupName: 'web', GroupDescription: 'web' })).groupId as string;
    const state = await exported();
    expect(state.tables['scopes']).toEqual([{ account_id: '000000000000', region: 'sa-east-1' }]);
    expect(state.tables['vpcs']).toHaveLength(1);
    expect(state.tables['subnets']).toHaveLength(3);
    expect(state.tables['prefix_lists']).toHaveLength(2);
    expect(state.tables['security_groups']!.map((g) => g['group_name'])).toEqual(['default', 'web']);
    expect(items((await ok('DescribeSecurityGroups')).securityGroupInfo).map((g: Item) => g.groupId)).toContain(groupId);
  });

  it('a reset draws new default ids, as a fresh start does', async () => {
    const { ok } = rawClient(app);
    const before = items((await ok('DescribeVpcs')).vpcSet)[0]!.vpcId;
    expect(items((await ok('DescribeVpcs')).vpcSet)[0]!.vpcId).toBe(before);
    await control('POST', '/_emulator/reset');
    expect(items((await ok('DescribeVpcs')).vpcSet)[0]!.vpcId).not.toBe(before);
  });
});
