/**
 * Property: whatever is done to a valid exported state document (columns dropped, wrong types,
 * values out of their enums and ranges, dangling or cross-scope references, seq out of the paging
 * tokens' range, tables emptied, rows duplicated or removed), POST /_emulator/state either refuses
 * it with a 400 JSON `InvalidState`, or accepts it and then every EC2 action (each with a plausible
 * request built from the imported ids, and once with no parameters) in every account and region
 * of the document answers a well-formed non-5xx answer, describe paging included.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../server/operations.js';
import type { StateDocument } from '../../store/state.js';
import { buildTestApp, parseXml, sigV4Authorization } from '../helpers/inject.js';
import { buildRichState } from '../helpers/rich-state.js';
import { EC2_VERSION, expectWellFormedAnswer, fuzzParameters, postForm, send } from './support.js';

type Row = Record<string, string | number | null>;
type Tables = Record<string, Row[]>;
type Fields = Record<string, string>;

let richState: StateDocument;
let app: FastifyInstance;
beforeAll(async () => {
  const built = buildTestApp();
  await buildRichState(built.app);
  richState = built.store.exportState();
  await built.app.close();
  ({ app } = buildTestApp());
});
afterAll(async () => {
  await app.close();
});

// ---------------------------------------------------------------- mutations

/** Values that have broken, or could break, something that reads a stored row. */
const HOSTILE_VALUES: readonly (string | number | null)[] = [
  null, '', ' ', 'x', 0, -1, 1, 2, 1.5, 255, 256, 65535, 65536, 2 ** 31, 2 ** 52 + 1, 2 ** 53, -(2 ** 53), 8.64e15,
  'default', 'Default', 'sg-web', 'AWS', '000000000000', '111122223333', '12345', 'us-east-1', 'eu-west-1', 'us-east-1z',
  '0.0.0.0/0', '::/0', '10.0.0.0/8', '10.0.0.1/8', '10.0.0.0/33', '2001:DB8::/32', '172.31.0.0/20', '10.0.1.300', '10.0.1.4',
  'pl-63a5400a', 'sg-0123', 'vpc-0000000000000dead', 'subnet-1', 'eni-ff', 'pcx-00', 'acl-1', 'rtb-1',
  'tcp', 'udp', 'icmp', 'icmpv6', '-1', '6', '300', 'all', 'ipv4', 'ipv6', 'pl', 'sg', 'elb',
  'IPv4', 'IPv6', 'delete-failed', 'create-in-progress', 'active', 'expired', 'pending-acceptance', 'rejected', 'associated',
  'security-group', 'vpc', 'prefix-list', 'subnet', 'instance', 'aws:cloudformation:stack', 'AWS:x', 'k'.repeat(128), 'v'.repeat(257),
  'com.amazonaws.us-east-1.s3', 'com.amazonaws.us-east-1.ec2', '02:00:00:00:00:01', 'interface', 'trunk', 'host',
];
const BAD_SEQS: readonly number[] = [0, -1, 1.5, 2 ** 52 + 1, 2 ** 53, Number.MAX_SAFE_INTEGER, 1];

type Mutation =
  | { kind: 'drop'; table: number; row: number; column: number }
  | { kind: 'set'; table: number; row: number; column: number; value: number }
  | { kind: 'copy'; table: number; row: number; column: number; from: number }
  | { kind: 'foreign'; table: number; row: number; column: number; fromTable: number; fromRow: number; fromColumn: number }
  | { kind: 'seq'; table: number; row: number; value: number }
  | { kind: 'empty'; table: number }
  | { kind: 'duplicate'; table: number; row: number; keepSeq: boolean }
  | { kind: 'remove'; table: number; row: number }
  | { kind: 'rescope'; table: number; row: number; from: number };

const n = fc.nat({ max: 10_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), table: n, row: n, column: n }),
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), table: n, row: n, column: n, value: n }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('copy' as const), table: n, row: n, column: n, from: n }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('foreign' as const), table: n, row: n, column: n, fromTable: n, fromRow: n, fromColumn: n }) },
  fc.record({ kind: fc.constant('seq' as const), table: n, row: n, value: n }),
  fc.record({ kind: fc.constant('empty' as const), table: n }),
  fc.record({ kind: fc.constant('duplicate' as const), table: n, row: n, keepSeq: fc.boolean() }),
  fc.record({ kind: fc.constant('remove' as const), table: n, row: n }),
  fc.record({ kind: fc.constant('rescope' as const), table: n, row: n, from: n }),
);

function mutate(tables: Tables, m: Mutation): void {
  const names = Object.keys(tables).sort();
  const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);
  const table = pick(names, m.table)!;
  const rows = tables[table]!;
  if (m.kind === 'empty') {
    tables[table] = [];
    return;
  }
  const row = pick(rows, m.row);
  if (!row) return;
  const columns = Object.keys(row).sort();
  const column = 'column' in m ? pick(columns, m.column)! : '';
  switch (m.kind) {
    case 'drop':
      delete row[column];
      return;
    case 'set':
      row[column] = HOSTILE_VALUES[m.value % HOSTILE_VALUES.length]!;
      return;
    case 'copy':
      row[column] = pick(rows, m.from)![column] ?? null;
      return;
    case 'foreign': {
      const other = tables[pick(names, m.fromTable)!]!;
      const source = pick(other, m.fromRow);
      if (source) row[column] = source[pick(Object.keys(source).sort(), m.fromColumn)!] ?? null;
      return;
    }
    case 'seq':
      if ('seq' in row) row['seq'] = BAD_SEQS[m.value % BAD_SEQS.length]!;
      return;
    case 'duplicate': {
      const copy = { ...row };
      if (!m.keepSeq) delete copy['seq'];
      rows.push(copy);
      return;
    }
    case 'remove':
      rows.splice(rows.indexOf(row), 1);
      return;
    case 'rescope': {
      const scope = pick(tables['scopes'] ?? [], m.from);
      if (scope && 'account_id' in row) Object.assign(row, { account_id: scope['account_id'], region: scope['region'] });
    }
  }
}

// ---------------------------------------------------------------- every action after an import

/** Every action: a plausible request each, then one with no parameters each. */
function requests(tables: Tables, scope: Row): [string, Fields][] {
  const plausible = plausibleRequests(tables, scope);
  const others = [...OPERATIONS.keys()].filter((action) => !plausible.some(([named]) => named === action));
  const bare = [...OPERATIONS.keys()].map((action): [string, Fields] => [action, {}]);
  return [...plausible, ...others.map((action): [string, Fields] => [action, {}]), ...bare];
}

/**
 * A plausible request per action, built from the ids of one scope of the imported state: reads,
 * then writes, then deletes. An action added to the registry later is still called (with no
 * parameters) by `requests`.
 */
function plausibleRequests(tables: Tables, scope: Row): [string, Fields][] {
  const inScope = (table: string) =>
    (tables[table] ?? []).filter((r) => r['account_id'] === scope['account_id'] && r['region'] === scope['region']);
  const text = (value: unknown, fallback: string) => (typeof value === 'string' && value !== '' ? value : fallback);
  const vpcs = inScope('vpcs');
  const vpc = vpcs.find((v) => v['is_default'] === 0) ?? vpcs[0];
  const vpcId = text(vpc?.['vpc_id'], 'vpc-0000000000000aaaa');
  const otherVpcId = text(vpcs.find((v) => v !== vpc && v['is_default'] === 0)?.['vpc_id'], vpcId);
  const groups = inScope('security_groups');
  const groupId = text((groups.find((g) => g['is_default'] === 0) ?? groups[0])?.['group_id'], 'sg-0000000000000aaaa');
  const ruleOf = (egress: number) =>
    text(
      (inScope('security_group_rules').find((r) => r['group_id'] === groupId && r['is_egress'] === egress) ?? inScope('security_group_rules')[0])?.['rule_id'],
      'sgr-0000000000000aaaa',
    );
  const [ingressRuleId, egressRuleId] = [ruleOf(0), ruleOf(1)];
  const subnetId = text(inScope('subnets').find((s) => s['vpc_id'] === vpcId)?.['subnet_id'] ?? inScope('subnets')[0]?.['subnet_id'], 'subnet-00000000000aaaa');
  const eniId = text(inScope('network_interfaces')[0]?.['network_interface_id'], 'eni-0000000000000aaaa');
  const list = inScope('prefix_lists').find((l) => l['owner_id'] !== 'AWS');
  const listId = text(list?.['prefix_list_id'], 'pl-0000000000000aaaa');
  const version = String(typeof list?.['version'] === 'number' ? list['version'] : 1);
  const awsListId = text(inScope('prefix_lists').find((l) => l['owner_id'] === 'AWS')?.['prefix_list_id'], 'pl-63a5400a');
  const peerings = inScope('vpc_peering_connections');
  const peeringId = (status: string) =>
    text((peerings.find((p) => p['status_code'] === status) ?? peerings[0])?.['vpc_peering_connection_id'], 'pcx-0000000000000aaaa');
  const association = inScope('security_group_vpc_associations')[0];
  const tcp = (port: string, cidr: string) => ({
    'IpPermissions.1.IpProtocol': 'tcp',
    'IpPermissions.1.FromPort': port,
    'IpPermissions.1.ToPort': port,
    'IpPermissions.1.IpRanges.1.CidrIp': cidr,
  });
  const plausible: Record<string, Fields> = {
    DescribeSecurityGroups: {},
    DescribeSecurityGroupRules: {},
    DescribeVpcs: { 'Filter.1.Name': 'isDefault', 'Filter.1.Value.1': 'true' },
    DescribeVpcAttribute: { VpcId: vpcId, Attribute: 'enableDnsHostnames' },
    DescribeNetworkAcls: {},
    DescribeRouteTables: {},
    DescribeSubnets: {},
    DescribeAvailabilityZones: {},
    DescribeNetworkInterfaces: {},
    DescribeNetworkInterfaceAttribute: { NetworkInterfaceId: eniId, Attribute: 'groupSet' },
    DescribeTags: {},
    DescribeManagedPrefixLists: {},
    GetManagedPrefixListEntries: { PrefixListId: listId, TargetVersion: '1' },
    DescribePrefixLists: {},
    GetManagedPrefixListAssociations: { PrefixListId: awsListId },
    DescribeSecurityGroupVpcAssociations: {},
    GetSecurityGroupsForVpc: { VpcId: vpcId },
    DescribeVpcPeeringConnections: {},
    DescribeSecurityGroupReferences: { 'GroupId.1': groupId },
    DescribeStaleSecurityGroups: { VpcId: vpcId },
    AuthorizeSecurityGroupIngress: {
      GroupId: groupId,
      ...tcp('8443', '10.99.0.0/16'),
      'IpPermissions.2.IpProtocol': '-1',
      'IpPermissions.2.Groups.1.GroupId': groupId,
      'IpPermissions.2.PrefixListIds.1.PrefixListId': listId,
    },
    RevokeSecurityGroupIngress: { GroupId: groupId, ...tcp('8443', '10.99.0.0/16') },
    AuthorizeSecurityGroupEgress: { GroupId: groupId, ...tcp('5432', '10.98.0.0/16') },
    UpdateSecurityGroupRuleDescriptionsIngress: { GroupId: groupId, 'SecurityGroupRuleDescription.1.SecurityGroupRuleId': ingressRuleId, 'SecurityGroupRuleDescription.1.Description': 'fuzzed' },
    UpdateSecurityGroupRuleDescriptionsEgress: { GroupId: groupId, 'SecurityGroupRuleDescription.1.SecurityGroupRuleId': egressRuleId, 'SecurityGroupRuleDescription.1.Description': 'fuzzed' },
    ModifySecurityGroupRules: {
      GroupId: groupId,
      'SecurityGroupRule.1.SecurityGroupRuleId': ingressRuleId,
      'SecurityGroupRule.1.SecurityGroupRule.IpProtocol': 'udp',
      'SecurityGroupRule.1.SecurityGroupRule.FromPort': '53',
      'SecurityGroupRule.1.SecurityGroupRule.ToPort': '53',
      'SecurityGroupRule.1.SecurityGroupRule.CidrIpv4': '10.97.0.0/16',
    },
    RevokeSecurityGroupEgress: { GroupId: groupId, 'SecurityGroupRuleId.1': egressRuleId },
    CreateSecurityGroup: { GroupName: 'after-import', GroupDescription: 'after import', VpcId: vpcId },
    CreateVpc: { CidrBlock: '10.200.0.0/16' },
    ModifyVpcAttribute: { VpcId: vpcId, 'EnableDnsHostnames.Value': 'true' },
    CreateSubnet: { VpcId: vpcId, CidrBlock: '10.0.250.0/28' },
    CreateNetworkInterface: { SubnetId: subnetId, 'SecurityGroupId.1': groupId },
    ModifyNetworkInterfaceAttribute: { NetworkInterfaceId: eniId, 'SecurityGroupId.1': groupId },
    CreateTags: { 'ResourceId.1': groupId, 'ResourceId.2': vpcId, 'Tag.1.Key': 'fuzz', 'Tag.1.Value': 'yes' },
    DeleteTags: { 'ResourceId.1': vpcId },
    CreateManagedPrefixList: { PrefixListName: 'after-import', AddressFamily: 'IPv4', MaxEntries: '5', 'Entry.1.Cidr': '10.96.0.0/16' },
    ModifyManagedPrefixList: { PrefixListId: listId, CurrentVersion: version, 'AddEntry.1.Cidr': '203.0.113.0/24' },
    RestoreManagedPrefixListVersion: { PrefixListId: listId, PreviousVersion: '1', CurrentVersion: String(Number(version) + 1) },
    AssociateSecurityGroupVpc: { GroupId: groupId, VpcId: otherVpcId },
    DisassociateSecurityGroupVpc: { GroupId: text(association?.['group_id'], groupId), VpcId: text(association?.['vpc_id'], otherVpcId) },
    CreateVpcPeeringConnection: { VpcId: vpcId, PeerVpcId: otherVpcId },
    AcceptVpcPeeringConnection: { VpcPeeringConnectionId: peeringId('pending-acceptance') },
    RejectVpcPeeringConnection: { VpcPeeringConnectionId: peeringId('pending-acceptance') },
    DeleteVpcPeeringConnection: { VpcPeeringConnectionId: peeringId('active') },
    DeleteNetworkInterface: { NetworkInterfaceId: eniId },
    DeleteSubnet: { SubnetId: subnetId },
    DeleteManagedPrefixList: { PrefixListId: listId },
    DeleteSecurityGroup: { GroupId: groupId },
    DeleteVpc: { VpcId: otherVpcId },
    CreateDefaultVpc: {},
  };
  return Object.entries(plausible).filter(([action]) => OPERATIONS.has(action));
}

/** What the plausible requests leave nothing to do for on the rich state (test/helpers/rich-state.ts). */
const PLAUSIBLE_FAILURES = new Set([
  'RejectVpcPeeringConnection', // the pending connection was accepted just before
  'DeleteSubnet', // it still has an interface
  'DeleteSecurityGroup', // other groups' rules name it
  'DeleteVpc', // it still has groups
  'CreateDefaultVpc', // there is one
]);

const PAGED = ['DescribeSecurityGroups', 'DescribeSecurityGroupRules', 'DescribeVpcs', 'DescribeSubnets', 'DescribeTags', 'DescribeNetworkAcls', 'DescribeRouteTables'];

async function ec2(action: string, fields: Fields, authorization: string): Promise<Record<string, any> | undefined> {
  const request = postForm([['Action', action], ['Version', EC2_VERSION], ...Object.entries(fields)]);
  const answer = await send(app, { ...request, headers: { ...request.headers, authorization } });
  const verdict = expectWellFormedAnswer(answer, { action, version: EC2_VERSION });
  return verdict.succeeded ? parseXml(answer.body)[`${action}Response`] : undefined;
}

/** Every action in every scope of the document, then each paged describe followed to its end. */
async function everyActionServes(tables: Tables): Promise<void> {
  for (const scope of tables['scopes'] ?? []) {
    if (typeof scope['account_id'] !== 'string' || typeof scope['region'] !== 'string') continue;
    const authorization = sigV4Authorization(scope['region'], scope['account_id']);
    for (const action of PAGED) {
      let token: string | undefined;
      for (let page = 0; page < 200; page++) {
        const answer = await ec2(action, { MaxResults: '5', ...(token ? { NextToken: token } : {}) }, authorization);
        expect(answer, `${action} page ${page + 1} after an accepted import`).toBeDefined();
        token = answer!.nextToken;
        if (!token) break;
      }
    }
    for (const [action, fields] of requests(tables, scope)) await ec2(action, fields, authorization);
  }
}

describe('importing a mutated exported state', () => {
  it('is refused with 400 InvalidState, or leaves every EC2 action answering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const document = JSON.parse(JSON.stringify(richState)) as { tables: Tables };
        for (const m of mutations) mutate(document.tables, m);
        const answer = await app.inject({
          method: 'POST',
          url: '/_emulator/state',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(document),
        });
        const context = `${answer.statusCode} ${answer.body.slice(0, 400)} after ${JSON.stringify(mutations)}`;
        expect([200, 400], context).toContain(answer.statusCode);
        expect(answer.headers['content-type'], context).toBe('application/json; charset=utf-8');
        const body = JSON.parse(answer.body) as { status?: string; error?: string; message?: string };
        if (answer.statusCode === 400) {
          expect(body.error, context).toBe('InvalidState');
          expect(body.message, context).toMatch(/^(tables|format|schemaVersion|the rows)/);
          return;
        }
        expect(body, context).toEqual({ status: 'ok' });
        await everyActionServes(JSON.parse(JSON.stringify(document.tables)) as Tables);
      }),
      fuzzParameters(60),
    );
    // A soak run (FUZZ_SCALE) takes minutes; the default run a few seconds.
  }, 30 * 60_000);

  it('serves every action on the unmutated document, mostly with success', async () => {
    const answer = await app.inject({
      method: 'POST',
      url: '/_emulator/state',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(richState),
    });
    expect(answer.statusCode).toBe(200);
    const tables = richState.tables as Tables;
    const scope = tables['scopes']![0]!;
    const authorization = sigV4Authorization(scope['region'] as string, scope['account_id'] as string);
    const failed: string[] = [];
    for (const [action, fields] of plausibleRequests(tables, scope)) {
      if (!(await ec2(action, fields, authorization))) failed.push(action);
    }
    // The requests are plausible ones: all succeed on the state they were built from, but those
    // the earlier ones (or the state itself) leave nothing to do for.
    expect(failed.filter((action) => !PLAUSIBLE_FAILURES.has(action))).toEqual([]);
  });
});
