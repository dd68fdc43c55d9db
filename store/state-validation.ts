/**
 * What a state document (POST /_emulator/state, the store's `importState`) must be before a single
 * row of it is written: the whole document is checked against what the schema and the EC2 actions
 * promise about stored rows, so that no imported state can make a later EC2 call fail with a 500
 * or answer something AWS never would.
 *
 * Checked, in this order, and the first problem is reported as `tables.<table>[<row>].<column>:
 * what is wrong`:
 * 1. the document's shape: an object with `tables`, known tables, rows of known columns holding
 *    strings, finite numbers or null;
 * 2. each cell: required columns present, types, enums, 0/1 flags, integer ranges, well-formed ids
 *    (`sg-` + 1 to 17 hex digits, ...), canonical CIDR blocks, 12-digit accounts, region names,
 *    names and descriptions as the actions accept them, tag keys and values within AWS's limits;
 *    `seq` from 1 to 2^52: describe paging tokens carry a `seq` and accept 1 to 2^53 − 1, and the
 *    rows created after the import must stay within that;
 * 3. uniqueness: ids, `seq`, and every UNIQUE of the schema (a rule once per group, a tag key once
 *    per resource, ...);
 * 4. references between rows, each within one account and region: every scope with rows is listed
 *    in `scopes` (a listed scope's defaults are never recreated), at most one default VPC per
 *    scope; groups, ACLs, route tables and subnets in an existing VPC, each VPC with exactly one
 *    default group and one default ACL and main route table (or neither, as written by the first
 *    release: the import's data upgrade adds them); rules to their group and to the group or
 *    prefix list they name; prefix-list entries within their list's versions, each CIDR at most
 *    once per version, the current version within MaxEntries; subnets inside their VPC's block,
 *    not overlapping, in a zone of their region; interfaces in a subnet of their VPC, with 1
 *    primary address inside the subnet and 0 to 5 groups they may hold; peering connections and
 *    VPC associations in the states the actions leave them in; tags on an existing resource of
 *    their type, at most 50 per resource (AWS's own `aws:` tags aside).
 *
 * Everything the EC2 actions can store passes: an exported state always imports again.
 */
import { fastCanonicalCidr, ipv4Range, ipv4RangesOverlap, ipv4ToNumber, parseCidr } from '../protocol/cidr.js';
import { regionShortCode } from './availability-zones.js';
import { awsManagedPrefixListId } from './prefix-lists.js';
import { SCHEMA_VERSION } from './schema.js';

/** A document that cannot be imported; the message says which part and why. */
export class StateImportError extends Error {}

export const STATE_FORMAT = 'ec2-sg-emulator/state';

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/**
 * The largest `seq` a document may hold: paging tokens accept 1 to 2^53 − 1 (server/paging.ts),
 * and rows created after the import take the numbers above the largest imported one.
 */
export const MAX_IMPORTED_SEQ = 2 ** 52;

/** The latest time JavaScript dates (and so the answers' timestamps) can carry: 9999-12-31. */
const LATEST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** A pending peering request expires 7 days after it was made; its expiry must still be a date. */
const PEERING_EXPIRY = 7 * 24 * 3_600_000;

// ---------------------------------------------------------------- cell rules

/** Checks one non-null cell; answers what is wrong with it, or undefined. */
type CellCheck = (value: string | number) => string | undefined;

interface ColumnRule {
  /** Absent (or null) is refused; columns with a default or AUTOINCREMENT are not required. */
  readonly required: boolean;
  readonly nullable: boolean;
  readonly check: CellCheck;
}

const required = (check: CellCheck): ColumnRule => ({ required: true, nullable: false, check });
/** NOT NULL with a DEFAULT: may be left out, never null. */
const defaulted = (check: CellCheck): ColumnRule => ({ required: false, nullable: false, check });
const nullable = (check: CellCheck): ColumnRule => ({ required: false, nullable: true, check });

const codePoints = (text: string): number => [...text].length;

function integer(min: number, max: number): CellCheck {
  return (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;
}
const flag: CellCheck = (value) => (value === 0 || value === 1 ? undefined : 'must be 0 or 1');
const seqCheck: CellCheck = (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_IMPORTED_SEQ
    ? undefined
    : `must be an integer from 1 to ${MAX_IMPORTED_SEQ} (2^52): describe paging tokens carry it, and the rows created after the import must stay below 2^53`;

function text(options: { min?: number; max?: number; pattern?: RegExp; what?: string } = {}): CellCheck {
  const { min = 0, max, pattern, what } = options;
  return (value) => {
    if (typeof value !== 'string') return 'must be a string';
    const length = codePoints(value);
    if (length < min) return min === 1 ? 'must not be empty' : `must have at least ${min} characters`;
    if (max !== undefined && length > max) return `must have at most ${max} characters`;
    if (pattern !== undefined && !pattern.test(value)) return `must be ${what ?? `a string matching ${String(pattern)}`}`;
    return undefined;
  };
}
function oneOf(...values: readonly string[]): CellCheck {
  return (value) => (typeof value === 'string' && values.includes(value) ? undefined : `must be one of ${values.join(', ')}`);
}
/** An EC2 id as the actions accept it: the prefix and 1 to 17 lower-case hex digits. */
function id(prefix: string): CellCheck {
  const pattern = new RegExp(`^${prefix}-[0-9a-f]{1,17}$`);
  return (value) =>
    typeof value === 'string' && pattern.test(value) ? undefined : `must be a ${prefix}- id (${prefix}- and 1 to 17 hex digits)`;
}
const account: CellCheck = text({ pattern: /^[0-9]{12}$/, what: 'a 12-digit account id' });
/** What a request can name as its region (a SigV4 credential scope; server/context.ts). */
const region: CellCheck = text({ pattern: /^[a-z0-9-]+$/, what: 'a region name (lower-case letters, digits and -)' });

/** A CIDR block as the store keeps it: canonical (network address, RFC 5952 for IPv6), of one family. */
function cidr(family: 'ipv4' | 'ipv6', prefixes?: { min: number; max: number }, form: 'canonical' | 'any' = 'canonical'): CellCheck {
  const label = family === 'ipv4' ? 'IPv4' : 'IPv6';
  return (value) => {
    const kind = form === 'canonical' ? `a canonical ${label} CIDR block` : `an ${label} CIDR block`;
    if (typeof value !== 'string') return `must be ${kind}`;
    const canonical = canonicalCidrOf(value, family);
    if (canonical === undefined) return `must be ${kind}, not '${value}'`;
    if (canonical !== value && form === 'canonical') return `must be a canonical ${label} CIDR block: '${value}' is stored as '${canonical}'`;
    const prefix = Number(value.slice(value.indexOf('/') + 1));
    if (prefixes && (prefix < prefixes.min || prefix > prefixes.max)) {
      return `must be a /${prefixes.min} to /${prefixes.max} block, not /${prefix}`;
    }
    return undefined;
  };
}
function canonicalCidrOf(value: string, family: 'ipv4' | 'ipv6'): string | undefined {
  const fast = fastCanonicalCidr(value, family);
  if (fast !== undefined) return fast;
  try {
    const parsed = parseCidr(value);
    return parsed?.family === family ? parsed.canonical : undefined;
  } catch {
    return undefined;
  }
}

// What the EC2 actions accept (server/security-groups/handlers.ts and rules.ts).
const NAME_OR_DESCRIPTION = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
const groupText = text({ min: 1, max: 255, pattern: NAME_OR_DESCRIPTION, what: 'ASCII letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*' });
const ruleDescription = text({ max: 255, pattern: NAME_OR_DESCRIPTION, what: 'letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*' });
const sha256Hex = text({ pattern: /^[0-9a-f]{64}$/, what: 'a SHA-256 digest in hex' });
const time = integer(0, LATEST_TIME);

const SEQ = nullable(seqCheck);
const SCOPE = { account_id: required(account), region: required(region) };

/** Every table and column of the schema (store/schema.ts), with what a cell of it may hold. */
export const COLUMN_RULES: Readonly<Record<string, Readonly<Record<string, ColumnRule>>>> = {
  scopes: { ...SCOPE },
  vpcs: {
    seq: SEQ,
    vpc_id: required(id('vpc')),
    ...SCOPE,
    // CreateVpc takes /16 to /28.
    cidr_block: required(cidr('ipv4', { min: 16, max: 28 })),
    cidr_association_id: required(id('vpc-cidr-assoc')),
    // Amazon-provided blocks were not always written in canonical form (a zero group as `000`).
    ipv6_cidr_block: nullable(cidr('ipv6', undefined, 'any')),
    ipv6_association_id: nullable(id('vpc-cidr-assoc')),
    is_default: required(flag),
    instance_tenancy: required(oneOf('default', 'dedicated', 'host')),
    dhcp_options_id: required(id('dopt')),
    enable_dns_support: defaulted(flag),
    enable_dns_hostnames: defaulted(flag),
    enable_network_address_usage_metrics: defaulted(flag),
  },
  security_groups: {
    seq: SEQ,
    group_id: required(id('sg')),
    ...SCOPE,
    vpc_id: required(id('vpc')),
    group_name: required(groupText),
    group_name_key: required(text()),
    description: required(groupText),
    is_default: required(flag),
  },
  security_group_rules: {
    seq: SEQ,
    rule_id: required(id('sgr')),
    group_id: required(id('sg')),
    ...SCOPE,
    is_egress: required(flag),
    ip_protocol: required(
      text({ pattern: /^(tcp|udp|icmp|icmpv6|-1|0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$/, what: 'tcp, udp, icmp, icmpv6, -1 or a protocol number 0-255' }),
    ),
    from_port: required(integer(-1, 65535)),
    to_port: required(integer(-1, 65535)),
    peer_kind: required(oneOf('ipv4', 'ipv6', 'pl', 'sg')),
    peer: required(text({ min: 1 })),
    peer_user_id: nullable(account),
    description: nullable(ruleDescription),
    peer_vpc_id: nullable(id('vpc')),
  },
  prefix_lists: {
    seq: SEQ,
    prefix_list_id: required(id('pl')),
    ...SCOPE,
    name: required(text({ min: 1, max: 255 })),
    address_family: required(oneOf('IPv4', 'IPv6')),
    max_entries: required(integer(1, 1000)),
    owner_id: required(text({ pattern: /^(AWS|[0-9]{12})$/, what: "'AWS' or a 12-digit account id" })),
    version: defaulted(integer(1, MAX_IMPORTED_SEQ)),
    state: defaulted(oneOf('create-complete', 'modify-complete', 'restore-complete', 'delete-failed')),
    client_token: nullable(text({ max: 255 })),
    request_hash: nullable(sha256Hex),
  },
  prefix_list_entries: {
    seq: SEQ,
    prefix_list_id: required(id('pl')),
    ...SCOPE,
    cidr: required(text({ min: 1 })),
    description: nullable(text({ max: 255 })),
    added_in: required(integer(1, MAX_IMPORTED_SEQ)),
    removed_in: nullable(integer(2, MAX_IMPORTED_SEQ)),
  },
  network_acls: {
    seq: SEQ,
    network_acl_id: required(id('acl')),
    ...SCOPE,
    vpc_id: required(id('vpc')),
    is_default: required(flag),
  },
  route_tables: {
    seq: SEQ,
    route_table_id: required(id('rtb')),
    ...SCOPE,
    vpc_id: required(id('vpc')),
    main_association_id: nullable(id('rtbassoc')),
  },
  subnets: {
    seq: SEQ,
    subnet_id: required(id('subnet')),
    ...SCOPE,
    vpc_id: required(id('vpc')),
    cidr_block: required(cidr('ipv4', { min: 16, max: 28 })),
    availability_zone: required(text({ min: 1 })),
    availability_zone_id: required(text({ min: 1 })),
    default_for_az: required(flag),
    map_public_ip_on_launch: required(flag),
    network_acl_id: required(id('acl')),
    network_acl_association_id: required(id('aclassoc')),
  },
  network_interfaces: {
    seq: SEQ,
    network_interface_id: required(id('eni')),
    ...SCOPE,
    vpc_id: required(id('vpc')),
    subnet_id: required(id('subnet')),
    description: required(text()),
    source_dest_check: required(flag),
    mac_address: required(text({ pattern: /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, what: 'a MAC address (02:1a:2b:3c:4d:5e)' })),
    interface_type: required(oneOf('interface', 'efa', 'efa-only', 'branch', 'trunk')),
    client_token: nullable(text()),
    request_hash: nullable(sha256Hex),
  },
  network_interface_addresses: {
    subnet_id: required(id('subnet')),
    private_ip_address: required(
      text({ pattern: /^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}$/, what: 'an IPv4 address' }),
    ),
    network_interface_id: required(id('eni')),
    is_primary: required(flag),
    position: required(integer(0, Number.MAX_SAFE_INTEGER)),
  },
  network_interface_groups: {
    network_interface_id: required(id('eni')),
    group_id: required(id('sg')),
    position: required(integer(0, Number.MAX_SAFE_INTEGER)),
  },
  vpc_peering_connections: {
    seq: SEQ,
    vpc_peering_connection_id: required(id('pcx')),
    ...SCOPE,
    requester_vpc_id: required(id('vpc')),
    requester_cidr_block: required(cidr('ipv4')),
    accepter_vpc_id: required(text({ min: 1 })),
    // Empty when the peer VPC was not found (the connection then `failed`).
    accepter_cidr_block: required(text()),
    accepter_owner_id: required(account),
    status_code: required(oneOf('pending-acceptance', 'active', 'rejected', 'deleted', 'failed', 'expired')),
    status_message: required(text()),
    created_at: required(integer(0, LATEST_TIME - PEERING_EXPIRY)),
    ended_at: nullable(time),
  },
  security_group_vpc_associations: {
    seq: SEQ,
    group_id: required(id('sg')),
    vpc_id: required(id('vpc')),
    ...SCOPE,
    state: required(oneOf('associated')),
  },
  tags: {
    seq: SEQ,
    resource_id: required(text({ min: 1 })),
    resource_type: required(
      oneOf(
        'security-group',
        'security-group-rule',
        'vpc',
        'prefix-list',
        'subnet',
        'network-interface',
        'network-acl',
        'route-table',
        'vpc-peering-connection',
      ),
    ),
    ...SCOPE,
    // Tag keys 1-127 characters, values at most 256 (AWS's limits; server/tags/rules.ts).
    key: required(text({ min: 1, max: 127 })),
    value: required(text({ max: 256 })),
  },
};

/** Columns with a DEFAULT in the schema, as an import that leaves them out stores them. */
const DEFAULTS: Readonly<Record<string, Row>> = {
  vpcs: { enable_dns_support: 1, enable_dns_hostnames: 0, enable_network_address_usage_metrics: 0 },
  prefix_lists: { version: 1, state: 'create-complete' },
};

// ---------------------------------------------------------------- the document's shape

/** The document's tables, checked up to cell types (step 1). */
export function checkedTables(document: unknown): Record<string, Row[]> {
  if (!isObject(document)) throw new StateImportError('the state must be a JSON object');
  if (document.format !== undefined && document.format !== STATE_FORMAT) {
    throw new StateImportError(`format: expected '${STATE_FORMAT}'`);
  }
  const version = document.schemaVersion;
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > SCHEMA_VERSION)) {
    throw new StateImportError(`schemaVersion: ${String(version)} is not one this ec2-sg-emulator reads (1 to ${SCHEMA_VERSION})`);
  }
  if (!isObject(document.tables)) throw new StateImportError('tables: must be an object of table name to rows');
  for (const [table, rows] of Object.entries(document.tables)) {
    if (!Object.hasOwn(COLUMN_RULES, table)) throw new StateImportError(`tables.${table}: no such table`);
    if (!Array.isArray(rows)) throw new StateImportError(`tables.${table}: must be an array of rows`);
    rows.forEach((row: unknown, index) => {
      if (!isObject(row)) throw new StateImportError(`tables.${table}[${index}]: must be an object`);
      for (const [column, value] of Object.entries(row)) {
        const ok = value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
        if (!ok) throw new StateImportError(`tables.${table}[${index}].${column}: must be a string, a number or null`);
      }
    });
  }
  return document.tables as Record<string, Row[]>;
}

// ---------------------------------------------------------------- the whole document

/**
 * Checks the whole document (steps 1 to 4) and answers its tables; throws StateImportError naming
 * the first problem.
 */
export function validateStateDocument(document: unknown): Record<string, Row[]> {
  const tables = checkedTables(document);
  const rowsOf = (table: string): Row[] => tables[table] ?? [];
  for (const [table, rules] of Object.entries(COLUMN_RULES)) {
    rowsOf(table).forEach((row, index) => checkCells(table, index, row, rules));
  }
  new Relations(rowsOf).check();
  return tables;
}

function checkCells(table: string, index: number, row: Row, rules: Readonly<Record<string, ColumnRule>>): void {
  for (const column of Object.keys(row)) {
    if (!Object.hasOwn(rules, column)) throw new StateImportError(`tables.${table}[${index}].${column}: no such column`);
  }
  for (const [column, rule] of Object.entries(rules)) {
    const value = row[column];
    const where = `tables.${table}[${index}].${column}`;
    if (value === undefined || value === null) {
      if (rule.required) throw new StateImportError(`${where}: is required`);
      if (value === null && !rule.nullable) throw new StateImportError(`${where}: must not be null`);
      continue;
    }
    const problem = rule.check(value);
    if (problem !== undefined) throw new StateImportError(`${where}: ${problem}`);
  }
}

/** Rows by the key they are found by, each with its index in its table. */
type Indexed = { readonly row: Row; readonly index: number };

const scopeKey = (row: Row): string => `${row['account_id'] as string}/${row['region'] as string}`;
const scopeText = (row: Row): string => `account ${row['account_id'] as string}, region ${row['region'] as string}`;
const str = (row: Row, column: string): string => row[column] as string;
const num = (row: Row, column: string): number => row[column] as number;
const opt = (row: Row, column: string, table: string): Cell => row[column] ?? DEFAULTS[table]?.[column] ?? null;

/** Steps 3 and 4: uniqueness and the references between rows. */
class Relations {
  private readonly vpcs = new Map<string, Indexed>();
  private readonly groups = new Map<string, Indexed>();
  private readonly rules = new Map<string, Indexed>();
  /** By account/region/id: AWS-managed lists share their id across accounts. */
  private readonly prefixLists = new Map<string, Indexed>();
  private readonly acls = new Map<string, Indexed>();
  private readonly routeTables = new Map<string, Indexed>();
  private readonly subnets = new Map<string, Indexed>();
  private readonly interfaces = new Map<string, Indexed>();
  private readonly peerings = new Map<string, Indexed>();
  private readonly associations = new Set<string>();

  constructor(private readonly rowsOf: (table: string) => Row[]) {}

  check(): void {
    this.sequences();
    this.scopes();
    this.vpcRows();
    this.groupRows();
    this.prefixListRows();
    this.ruleRows();
    this.entryRows();
    this.networkRows();
    this.subnetRows();
    this.associationRows();
    this.interfaceRows();
    this.peeringRows();
    this.tagRows();
  }

  private fail(table: string, index: number, problem: string): never {
    throw new StateImportError(`tables.${table}[${index}]${problem.startsWith('.') ? '' : ': '}${problem}`);
  }

  /** Indexes a table's rows by `key`, refusing a key twice. */
  private unique(table: string, key: (row: Row) => string, what: (row: Row) => string, into = new Map<string, Indexed>()): Map<string, Indexed> {
    this.rowsOf(table).forEach((row, index) => {
      const k = key(row);
      const earlier = into.get(k);
      if (earlier) this.fail(table, index, `${what(row)} is already in tables.${table}[${earlier.index}]`);
      into.set(k, { row, index });
    });
    return into;
  }

  /** The scope of a row must be the scope of the row it belongs to. */
  private sameScope(table: string, index: number, row: Row, parent: Row, what: string): void {
    if (scopeKey(row) !== scopeKey(parent)) {
      this.fail(table, index, `${scopeText(row)}, but ${what} is in ${scopeText(parent)}`);
    }
  }

  private sequences(): void {
    for (const table of Object.keys(COLUMN_RULES)) {
      if (!Object.hasOwn(COLUMN_RULES[table]!, 'seq')) continue;
      const seen = new Map<number, number>();
      this.rowsOf(table).forEach((row, index) => {
        const seq = row['seq'];
        if (typeof seq !== 'number') return;
        const earlier = seen.get(seq);
        if (earlier !== undefined) this.fail(table, index, `.seq: ${seq} is already the seq of tables.${table}[${earlier}]`);
        seen.set(seq, index);
      });
    }
  }

  private scopes(): void {
    const listed = this.unique('scopes', scopeKey, (row) => `the scope ${scopeText(row)}`);
    for (const table of Object.keys(COLUMN_RULES)) {
      if (table === 'scopes' || !Object.hasOwn(COLUMN_RULES[table]!, 'account_id')) continue;
      this.rowsOf(table).forEach((row, index) => {
        if (!listed.has(scopeKey(row))) {
          this.fail(
            table,
            index,
            `${scopeText(row)} is not in tables.scopes (a scope's defaults are created for scopes not listed there, so every scope with rows must be listed)`,
          );
        }
      });
    }
  }

  private vpcRows(): void {
    this.unique('vpcs', (row) => str(row, 'vpc_id'), (row) => `vpc_id ${str(row, 'vpc_id')}`, this.vpcs);
    const defaults = new Map<string, number>();
    this.rowsOf('vpcs').forEach((row, index) => {
      const hasIpv6 = row['ipv6_cidr_block'] !== undefined && row['ipv6_cidr_block'] !== null;
      const hasAssociation = row['ipv6_association_id'] !== undefined && row['ipv6_association_id'] !== null;
      if (hasIpv6 !== hasAssociation) this.fail('vpcs', index, '.ipv6_association_id: must be set exactly when ipv6_cidr_block is');
      if (num(row, 'is_default') !== 1) return;
      const earlier = defaults.get(scopeKey(row));
      if (earlier !== undefined) {
        this.fail('vpcs', index, `${scopeText(row)} already has a default VPC (tables.vpcs[${earlier}]); a scope has at most one`);
      }
      defaults.set(scopeKey(row), index);
    });
  }

  /** A VPC of the row's own scope, by the row's `column`. */
  private vpcOf(table: string, index: number, row: Row, column = 'vpc_id'): Row {
    const vpc = this.vpcs.get(str(row, column));
    if (!vpc) this.fail(table, index, `.${column}: no VPC ${str(row, column)} in tables.vpcs`);
    this.sameScope(table, index, row, vpc.row, `VPC ${str(row, column)}`);
    return vpc.row;
  }

  private groupRows(): void {
    this.unique('security_groups', (row) => str(row, 'group_id'), (row) => `group_id ${str(row, 'group_id')}`, this.groups);
    this.unique(
      'security_groups',
      (row) => `${str(row, 'vpc_id')}/${str(row, 'group_name_key')}`,
      (row) => `the group name ${str(row, 'group_name')} (names are unique per VPC, whatever their case) in ${str(row, 'vpc_id')}`,
    );
    const defaultGroupOf = new Map<string, number>();
    this.rowsOf('security_groups').forEach((row, index) => {
      this.vpcOf('security_groups', index, row);
      const name = str(row, 'group_name');
      if (str(row, 'group_name_key') !== name.toLowerCase()) {
        this.fail('security_groups', index, `.group_name_key: must be group_name in lower case ('${name.toLowerCase()}')`);
      }
      if (num(row, 'is_default') === 1) {
        if (name !== 'default') this.fail('security_groups', index, ".group_name: a VPC's default group is named 'default'");
        defaultGroupOf.set(str(row, 'vpc_id'), index);
      } else if (name === 'default' || name.toLowerCase().startsWith('sg-')) {
        this.fail('security_groups', index, `.group_name: '${name}' is reserved (only a VPC's default group is 'default'; no name starts with sg-)`);
      }
    });
    this.rowsOf('vpcs').forEach((row, index) => {
      if (!defaultGroupOf.has(str(row, 'vpc_id'))) {
        this.fail('vpcs', index, `VPC ${str(row, 'vpc_id')} has no default group (is_default 1) in tables.security_groups; every VPC has one`);
      }
    });
  }

  private prefixListRows(): void {
    const table = 'prefix_lists';
    this.unique(table, (row) => `${scopeKey(row)}/${str(row, 'prefix_list_id')}`, (row) => `prefix list ${str(row, 'prefix_list_id')} of ${scopeText(row)}`, this.prefixLists);
    const customerIds = new Map<string, number>();
    const awsIds = new Set<string>();
    const awsNames = new Map<string, number>();
    this.rowsOf(table).forEach((row, index) => {
      const listId = str(row, 'prefix_list_id');
      const name = str(row, 'name');
      if (str(row, 'owner_id') === 'AWS') {
        const prefix = `com.amazonaws.${str(row, 'region')}.`;
        const service = name.startsWith(prefix) ? name.slice(prefix.length) : '';
        if (service !== 's3' && service !== 'dynamodb') {
          this.fail(table, index, `.name: an AWS-managed list of region ${str(row, 'region')} is ${prefix}s3 or ${prefix}dynamodb`);
        }
        if (str(row, 'address_family') !== 'IPv4') this.fail(table, index, '.address_family: AWS-managed lists are IPv4');
        const earlier = awsNames.get(`${scopeKey(row)}/${name}`);
        if (earlier !== undefined) this.fail(table, index, `.name: ${scopeText(row)} already has the AWS-managed list ${name} (tables.${table}[${earlier}])`);
        awsNames.set(`${scopeKey(row)}/${name}`, index);
        // A list written by an earlier release is renamed to this id on import: it must be free.
        const wanted = awsManagedPrefixListId(str(row, 'region'), service);
        const holder = this.prefixLists.get(`${scopeKey(row)}/${wanted}`);
        if (holder && holder.index !== index) {
          this.fail(table, index, `.prefix_list_id: the id of ${name} is ${wanted}, which tables.${table}[${holder.index}] holds`);
        }
        awsIds.add(listId);
        awsIds.add(wanted);
        return;
      }
      if (str(row, 'owner_id') !== str(row, 'account_id')) {
        this.fail(table, index, '.owner_id: a customer-managed list is owned by its account (owner_id = account_id), or is AWS-managed (AWS)');
      }
      if (name.toLowerCase().startsWith('com.amazonaws')) this.fail(table, index, '.name: customer-managed list names cannot start with com.amazonaws');
      // Tags find a list by its id alone: a customer list's id is unique across all scopes.
      const earlier = customerIds.get(listId);
      if (earlier !== undefined) this.fail(table, index, `.prefix_list_id: ${listId} is already the id of tables.${table}[${earlier}]`);
      customerIds.set(listId, index);
    });
    for (const [listId, index] of customerIds) {
      if (awsIds.has(listId)) this.fail(table, index, `.prefix_list_id: ${listId} is the id of an AWS-managed list`);
    }
  }

  private prefixListOf(table: string, index: number, row: Row, listId: string): Row {
    const list = this.prefixLists.get(`${scopeKey(row)}/${listId}`);
    if (!list) this.fail(table, index, `no prefix list ${listId} of ${scopeText(row)} in tables.prefix_lists`);
    return list.row;
  }

  private ruleRows(): void {
    const table = 'security_group_rules';
    this.unique(table, (row) => str(row, 'rule_id'), (row) => `rule_id ${str(row, 'rule_id')}`, this.rules);
    this.unique(
      table,
      (row) =>
        ['group_id', 'is_egress', 'ip_protocol', 'from_port', 'to_port', 'peer_kind', 'peer'].map((c) => String(row[c])).join('|'),
      (row) => `the same rule (everything but the description) of group ${str(row, 'group_id')}`,
    );
    this.rowsOf(table).forEach((row, index) => {
      const group = this.groups.get(str(row, 'group_id'));
      if (!group) this.fail(table, index, `.group_id: no group ${str(row, 'group_id')} in tables.security_groups`);
      this.sameScope(table, index, row, group.row, `group ${str(row, 'group_id')}`);
      this.rulePorts(table, index, row);
      this.rulePeer(table, index, row, group.row);
    });
  }

  /** Ports as the rule actions normalise them (server/security-groups/rules.ts). */
  private rulePorts(table: string, index: number, row: Row): void {
    const protocol = str(row, 'ip_protocol');
    const from = num(row, 'from_port');
    const to = num(row, 'to_port');
    if (['1', '6', '17', '58'].includes(protocol)) {
      this.fail(table, index, `.ip_protocol: protocol ${protocol} is stored by its name (icmp, tcp, udp, icmpv6)`);
    }
    if (protocol === 'tcp' || protocol === 'udp') {
      if (from < 0 || to < 0 || from > to) this.fail(table, index, `${protocol} ports must be 0 to 65535 with from_port <= to_port, not ${from} to ${to}`);
    } else if (protocol === 'icmp' || protocol === 'icmpv6') {
      if (from > 255 || to > 255 || (from === -1 && to !== -1)) {
        this.fail(table, index, `${protocol} type and code (from_port, to_port) must be -1 to 255, code -1 when type is -1; not ${from}, ${to}`);
      }
    } else if (from !== -1 || to !== -1) {
      this.fail(table, index, `protocol ${protocol} has no ports: from_port and to_port are -1, not ${from}, ${to}`);
    }
  }

  private rulePeer(table: string, index: number, row: Row, group: Row): void {
    const kind = str(row, 'peer_kind');
    const peer = str(row, 'peer');
    const userId = row['peer_user_id'] ?? null;
    const peerVpcId = row['peer_vpc_id'] ?? null;
    if (kind !== 'sg' && (userId !== null || peerVpcId !== null)) {
      this.fail(table, index, `peer_user_id and peer_vpc_id are null for a peer of kind ${kind}`);
    }
    switch (kind) {
      case 'ipv4':
      case 'ipv6': {
        const problem = cidr(kind)(peer);
        if (problem !== undefined) this.fail(table, index, `.peer: ${problem}`);
        return;
      }
      case 'pl': {
        const problem = id('pl')(peer);
        if (problem !== undefined) this.fail(table, index, `.peer: ${problem}`);
        this.prefixListOf(table, index, row, peer);
        return;
      }
      default: {
        const problem = id('sg')(peer);
        if (problem !== undefined) this.fail(table, index, `.peer: ${problem}`);
        if (userId === null) this.fail(table, index, '.peer_user_id: is required for a group peer');
        const referenced = this.groups.get(peer);
        if (peerVpcId === null) {
          // A group that a group of its own VPC names cannot be deleted (DependencyViolation).
          if (!referenced) this.fail(table, index, `.peer: no group ${peer} in tables.security_groups`);
          this.sameScope(table, index, row, referenced.row, `the group it names (${peer})`);
          if (userId !== str(referenced.row, 'account_id')) this.fail(table, index, `.peer_user_id: group ${peer} belongs to ${str(referenced.row, 'account_id')}`);
          return;
        }
        // Across a peering: the named group may be gone (a stale rule), else it is in that VPC.
        if (peerVpcId === str(group, 'vpc_id')) this.fail(table, index, ".peer_vpc_id: is null for a group of the rule's own VPC");
        if (referenced && (str(referenced.row, 'vpc_id') !== peerVpcId || scopeKey(referenced.row) !== scopeKey(row))) {
          this.fail(table, index, `.peer_vpc_id: group ${peer} is in VPC ${str(referenced.row, 'vpc_id')} of ${scopeText(referenced.row)}`);
        }
      }
    }
  }

  private entryRows(): void {
    const table = 'prefix_list_entries';
    const byList = new Map<string, Indexed[]>();
    this.rowsOf(table).forEach((row, index) => {
      const list = this.prefixListOf(table, index, row, str(row, 'prefix_list_id'));
      const family = str(list, 'address_family') === 'IPv6' ? 'ipv6' : 'ipv4';
      const problem = cidr(family)(str(row, 'cidr'));
      if (problem !== undefined) this.fail(table, index, `.cidr: in a list of ${str(list, 'address_family')}, ${problem}`);
      const version = opt(list, 'version', 'prefix_lists') as number;
      const added = num(row, 'added_in');
      const removed = row['removed_in'] ?? null;
      if (added > version) this.fail(table, index, `.added_in: ${added} is after the list's current version ${version}`);
      if (removed !== null && ((removed as number) <= added || (removed as number) > version)) {
        this.fail(table, index, `.removed_in: must be after added_in (${added}) and at most the list's version (${version}), or null`);
      }
      const key = `${scopeKey(row)}/${str(row, 'prefix_list_id')}`;
      let entries = byList.get(key);
      if (!entries) byList.set(key, (entries = []));
      entries.push({ row, index });
    });
    for (const [key, entries] of byList) {
      const list = this.prefixLists.get(key)!.row;
      const version = opt(list, 'version', 'prefix_lists') as number;
      const until = (row: Row): number => (row['removed_in'] as number | null | undefined) ?? Infinity;
      const byCidr = new Map<string, Indexed[]>();
      let current = 0;
      for (const entry of entries) {
        if (num(entry.row, 'added_in') <= version && until(entry.row) > version) current += 1;
        const same = byCidr.get(str(entry.row, 'cidr')) ?? [];
        for (const other of same) {
          if (num(entry.row, 'added_in') < until(other.row) && num(other.row, 'added_in') < until(entry.row)) {
            this.fail(table, entry.index, `the entry ${str(entry.row, 'cidr')} is already in one of the same versions (tables.${table}[${other.index}])`);
          }
        }
        same.push(entry);
        byCidr.set(str(entry.row, 'cidr'), same);
      }
      // AWS-managed lists keep their quota weight in max_entries, not their size.
      if (str(list, 'owner_id') !== 'AWS' && current > num(list, 'max_entries')) {
        const last = entries[entries.length - 1]!;
        this.fail(table, last.index, `list ${str(list, 'prefix_list_id')} has ${current} entries in its current version, more than its max_entries (${num(list, 'max_entries')})`);
      }
    }
  }

  /** Each VPC's default network ACL and main route table: both or (first release) neither. */
  private networkRows(): void {
    const aclsOf = new Map<string, number[]>();
    const tablesOf = new Map<string, number[]>();
    this.unique('network_acls', (row) => str(row, 'network_acl_id'), (row) => `network_acl_id ${str(row, 'network_acl_id')}`, this.acls);
    this.rowsOf('network_acls').forEach((row, index) => {
      this.vpcOf('network_acls', index, row);
      if (num(row, 'is_default') !== 1) this.fail('network_acls', index, ".is_default: the only network ACL a VPC has here is its default one (1)");
      const list = aclsOf.get(str(row, 'vpc_id')) ?? [];
      if (list.length > 0) this.fail('network_acls', index, `VPC ${str(row, 'vpc_id')} already has its network ACL (tables.network_acls[${list[0]}])`);
      aclsOf.set(str(row, 'vpc_id'), [...list, index]);
    });
    this.unique('route_tables', (row) => str(row, 'route_table_id'), (row) => `route_table_id ${str(row, 'route_table_id')}`, this.routeTables);
    this.rowsOf('route_tables').forEach((row, index) => {
      this.vpcOf('route_tables', index, row);
      if ((row['main_association_id'] ?? null) === null) this.fail('route_tables', index, ".main_association_id: the only route table a VPC has here is its main one, with a rtbassoc- id");
      const list = tablesOf.get(str(row, 'vpc_id')) ?? [];
      if (list.length > 0) this.fail('route_tables', index, `VPC ${str(row, 'vpc_id')} already has its main route table (tables.route_tables[${list[0]}])`);
      tablesOf.set(str(row, 'vpc_id'), [...list, index]);
    });
    this.rowsOf('vpcs').forEach((row, index) => {
      const vpcId = str(row, 'vpc_id');
      if (aclsOf.has(vpcId) !== tablesOf.has(vpcId)) {
        this.fail('vpcs', index, `VPC ${vpcId} has ${aclsOf.has(vpcId) ? 'a network ACL but no route table' : 'a route table but no network ACL'}; a VPC has both (or, as written by the first release, neither)`);
      }
    });
  }

  private subnetRows(): void {
    const table = 'subnets';
    this.unique(table, (row) => str(row, 'subnet_id'), (row) => `subnet_id ${str(row, 'subnet_id')}`, this.subnets);
    this.unique(table, (row) => str(row, 'network_acl_association_id'), (row) => `network_acl_association_id ${str(row, 'network_acl_association_id')}`);
    const rangesOf = new Map<string, { range: { first: number; last: number }; index: number }[]>();
    const defaultZones = new Map<string, number>();
    this.rowsOf(table).forEach((row, index) => {
      const vpc = this.vpcOf(table, index, row);
      const range = ipv4Range(str(row, 'cidr_block'));
      const vpcRange = ipv4Range(str(vpc, 'cidr_block'));
      if (range.first < vpcRange.first || range.last > vpcRange.last) {
        this.fail(table, index, `.cidr_block: ${str(row, 'cidr_block')} is not inside its VPC's block ${str(vpc, 'cidr_block')}`);
      }
      const siblings = rangesOf.get(str(row, 'vpc_id')) ?? [];
      const overlapping = siblings.find((sibling) => ipv4RangesOverlap(sibling.range, range));
      if (overlapping) this.fail(table, index, `.cidr_block: ${str(row, 'cidr_block')} overlaps the subnet tables.${table}[${overlapping.index}] of the same VPC`);
      rangesOf.set(str(row, 'vpc_id'), [...siblings, { range, index }]);

      // A zone of the subnet's region: the region and one letter, its id the region's code and -azN.
      const zone = str(row, 'availability_zone');
      const zoneRegion = str(row, 'region');
      if (!(zone.startsWith(zoneRegion) && /^[a-z]$/.test(zone.slice(zoneRegion.length)))) {
        this.fail(table, index, `.availability_zone: ${zone} is not a zone of ${zoneRegion} (the region and one letter)`);
      }
      if (!new RegExp(`^${regionShortCode(zoneRegion)}-az[0-9]+$`).test(str(row, 'availability_zone_id'))) {
        this.fail(table, index, `.availability_zone_id: must be ${regionShortCode(zoneRegion)}-az and a number`);
      }

      const acl = this.acls.get(str(row, 'network_acl_id'));
      if (!acl || str(acl.row, 'vpc_id') !== str(row, 'vpc_id')) {
        this.fail(table, index, `.network_acl_id: no network ACL ${str(row, 'network_acl_id')} of VPC ${str(row, 'vpc_id')} in tables.network_acls`);
      }
      if (num(row, 'default_for_az') === 1) {
        if (num(vpc, 'is_default') !== 1) this.fail(table, index, '.default_for_az: only a default VPC has default subnets');
        const key = `${str(row, 'vpc_id')}/${zone}`;
        const earlier = defaultZones.get(key);
        if (earlier !== undefined) this.fail(table, index, `.default_for_az: ${zone} already has its default subnet (tables.${table}[${earlier}])`);
        defaultZones.set(key, index);
      }
    });
  }

  private associationRows(): void {
    const table = 'security_group_vpc_associations';
    this.unique(table, (row) => `${str(row, 'group_id')}/${str(row, 'vpc_id')}`, (row) => `the association of ${str(row, 'group_id')} with ${str(row, 'vpc_id')}`);
    this.rowsOf(table).forEach((row, index) => {
      const group = this.groups.get(str(row, 'group_id'));
      if (!group) this.fail(table, index, `.group_id: no group ${str(row, 'group_id')} in tables.security_groups`);
      this.sameScope(table, index, row, group.row, `group ${str(row, 'group_id')}`);
      const vpc = this.vpcOf(table, index, row);
      if (str(group.row, 'vpc_id') === str(row, 'vpc_id')) this.fail(table, index, `.vpc_id: group ${str(row, 'group_id')} is already in VPC ${str(row, 'vpc_id')}; it can only be associated with another`);
      if (num(group.row, 'is_default') === 1) this.fail(table, index, '.group_id: a default group cannot be associated with another VPC');
      if (num(vpc, 'is_default') === 1) this.fail(table, index, '.vpc_id: no group can be associated with a default VPC');
      this.associations.add(`${str(row, 'group_id')}/${str(row, 'vpc_id')}`);
    });
  }

  private interfaceRows(): void {
    const table = 'network_interfaces';
    this.unique(table, (row) => str(row, 'network_interface_id'), (row) => `network_interface_id ${str(row, 'network_interface_id')}`, this.interfaces);
    this.rowsOf(table).forEach((row, index) => {
      this.vpcOf(table, index, row);
      const subnet = this.subnets.get(str(row, 'subnet_id'));
      if (!subnet) this.fail(table, index, `.subnet_id: no subnet ${str(row, 'subnet_id')} in tables.subnets`);
      this.sameScope(table, index, row, subnet.row, `subnet ${str(row, 'subnet_id')}`);
      if (str(subnet.row, 'vpc_id') !== str(row, 'vpc_id')) this.fail(table, index, `.vpc_id: the subnet ${str(row, 'subnet_id')} is in VPC ${str(subnet.row, 'vpc_id')}`);
    });

    const addresses = 'network_interface_addresses';
    this.unique(addresses, (row) => `${str(row, 'subnet_id')}/${str(row, 'private_ip_address')}`, (row) => `the address ${str(row, 'private_ip_address')} of subnet ${str(row, 'subnet_id')}`);
    const addressesOf = new Map<string, Indexed[]>();
    this.rowsOf(addresses).forEach((row, index) => {
      const eni = this.interfaces.get(str(row, 'network_interface_id'));
      if (!eni) this.fail(addresses, index, `.network_interface_id: no interface ${str(row, 'network_interface_id')} in tables.network_interfaces`);
      const subnetId = str(eni.row, 'subnet_id');
      if (str(row, 'subnet_id') !== subnetId) this.fail(addresses, index, `.subnet_id: the interface is in subnet ${subnetId}`);
      const value = ipv4ToNumber(str(row, 'private_ip_address'));
      const { first, last } = ipv4Range(str(this.subnets.get(subnetId)!.row, 'cidr_block'));
      // AWS keeps the first four addresses and the last one of every subnet.
      if (value === undefined || value < first + 4 || value > last - 1) {
        this.fail(addresses, index, `.private_ip_address: ${str(row, 'private_ip_address')} is not an address an interface can hold in subnet ${subnetId}`);
      }
      const list = addressesOf.get(str(row, 'network_interface_id')) ?? [];
      if (list.some((other) => num(other.row, 'position') === num(row, 'position'))) this.fail(addresses, index, '.position: the interface already has an address at this position');
      addressesOf.set(str(row, 'network_interface_id'), [...list, { row, index }]);
    });
    this.rowsOf(table).forEach((row, index) => {
      const list = addressesOf.get(str(row, 'network_interface_id')) ?? [];
      const primaries = list.filter((entry) => num(entry.row, 'is_primary') === 1);
      const firstPosition = list.reduce((min, entry) => Math.min(min, num(entry.row, 'position')), Infinity);
      if (primaries.length !== 1 || num(primaries[0]!.row, 'position') !== firstPosition) {
        this.fail(table, index, `interface ${str(row, 'network_interface_id')} has ${primaries.length} primary addresses in tables.network_interface_addresses; it has exactly one, at its first position`);
      }
    });

    const groups = 'network_interface_groups';
    this.unique(groups, (row) => `${str(row, 'network_interface_id')}/${str(row, 'group_id')}`, (row) => `group ${str(row, 'group_id')} of interface ${str(row, 'network_interface_id')}`);
    const groupCount = new Map<string, number>();
    this.rowsOf(groups).forEach((row, index) => {
      const eni = this.interfaces.get(str(row, 'network_interface_id'));
      if (!eni) this.fail(groups, index, `.network_interface_id: no interface ${str(row, 'network_interface_id')} in tables.network_interfaces`);
      const group = this.groups.get(str(row, 'group_id'));
      if (!group) this.fail(groups, index, `.group_id: no group ${str(row, 'group_id')} in tables.security_groups`);
      if (scopeKey(group.row) !== scopeKey(eni.row)) this.fail(groups, index, `.group_id: group ${str(row, 'group_id')} is in ${scopeText(group.row)}, the interface in ${scopeText(eni.row)}`);
      const vpcId = str(eni.row, 'vpc_id');
      if (str(group.row, 'vpc_id') !== vpcId && !this.associations.has(`${str(row, 'group_id')}/${vpcId}`)) {
        this.fail(groups, index, `.group_id: group ${str(row, 'group_id')} is neither in the interface's VPC ${vpcId} nor associated with it`);
      }
      const count = (groupCount.get(str(row, 'network_interface_id')) ?? 0) + 1;
      if (count > 5) this.fail(groups, index, `interface ${str(row, 'network_interface_id')} holds more than 5 groups`);
      groupCount.set(str(row, 'network_interface_id'), count);
    });
  }

  private peeringRows(): void {
    const table = 'vpc_peering_connections';
    this.unique(table, (row) => str(row, 'vpc_peering_connection_id'), (row) => `vpc_peering_connection_id ${str(row, 'vpc_peering_connection_id')}`, this.peerings);
    const activePairs = new Map<string, number>();
    this.rowsOf(table).forEach((row, index) => {
      const status = str(row, 'status_code');
      const accepterCidr = str(row, 'accepter_cidr_block');
      if (status !== 'failed' || accepterCidr !== '') {
        const problem = cidr('ipv4')(accepterCidr);
        if (problem !== undefined) this.fail(table, index, `.accepter_cidr_block: ${problem} (empty only for a failed connection)`);
      }
      const ended = row['ended_at'] ?? null;
      const endsIt = status === 'rejected' || status === 'deleted' || status === 'failed';
      if (endsIt !== (ended !== null)) this.fail(table, index, `.ended_at: set exactly when the connection is rejected, deleted or failed (it is ${status})`);
      if (ended !== null && (ended as number) < num(row, 'created_at')) this.fail(table, index, '.ended_at: before created_at');
      if (status !== 'pending-acceptance' && status !== 'active') return;
      // A pending or active connection joins two VPCs of its scope (deleting a VPC ends them).
      this.vpcOf(table, index, row, 'requester_vpc_id');
      const accepterVpc = this.vpcOf(table, index, row, 'accepter_vpc_id');
      if (str(row, 'accepter_owner_id') !== str(accepterVpc, 'account_id')) this.fail(table, index, `.accepter_owner_id: the accepter VPC belongs to ${str(accepterVpc, 'account_id')}`);
      if (str(row, 'requester_vpc_id') === str(row, 'accepter_vpc_id')) this.fail(table, index, 'a VPC cannot be peered with itself');
      if (status !== 'active') return;
      const pair = [str(row, 'requester_vpc_id'), str(row, 'accepter_vpc_id')].sort().join('/');
      const earlier = activePairs.get(pair);
      if (earlier !== undefined) this.fail(table, index, `the two VPCs already have an active connection (tables.${table}[${earlier}])`);
      activePairs.set(pair, index);
    });
  }

  /** The type and the existence of a tagged resource, as CreateTags checks them (server/tags/handlers.ts). */
  private tagRows(): void {
    const table = 'tags';
    this.unique(table, (row) => `${str(row, 'resource_id')}\u0000${str(row, 'key')}`, (row) => `the tag key ${str(row, 'key')} of ${str(row, 'resource_id')}`);
    const userTags = new Map<string, number>();
    const types: readonly [RegExp, string, Map<string, Indexed>][] = (
      [
        ['sgr', 'security-group-rule', this.rules],
        ['sg', 'security-group', this.groups],
        ['vpc', 'vpc', this.vpcs],
        ['pl', 'prefix-list', this.prefixLists],
        ['subnet', 'subnet', this.subnets],
        ['eni', 'network-interface', this.interfaces],
        ['acl', 'network-acl', this.acls],
        ['rtb', 'route-table', this.routeTables],
        ['pcx', 'vpc-peering-connection', this.peerings],
      ] as const
    ).map(([prefix, type, resources]) => [new RegExp(`^${prefix}-[0-9a-f]{1,17}$`), type, resources]);
    this.rowsOf(table).forEach((row, index) => {
      const resourceId = str(row, 'resource_id');
      const type = types.find(([pattern]) => pattern.test(resourceId));
      if (!type) this.fail(table, index, `.resource_id: ${resourceId} is not the id of a resource that can be tagged`);
      const [, resourceType, resources] = type;
      if (str(row, 'resource_type') !== resourceType) this.fail(table, index, `.resource_type: ${resourceId} is a ${resourceType}`);
      const resource = resources.get(resourceType === 'prefix-list' ? `${scopeKey(row)}/${resourceId}` : resourceId);
      if (!resource || scopeKey(resource.row) !== scopeKey(row)) this.fail(table, index, `.resource_id: no ${resourceType} ${resourceId} of ${scopeText(row)}`);
      if (resourceType === 'prefix-list' && str(resource.row, 'owner_id') === 'AWS') this.fail(table, index, '.resource_id: AWS-managed prefix lists cannot be tagged');
      const key = str(row, 'key');
      // AWS's own tags (`aws:` keys, lower case: CloudFormation's, for one) are kept by DeleteTags
      // and do not count against the 50; a key a user wrote cannot start with aws: in any case.
      if (key.startsWith('aws:')) return;
      if (key.toLowerCase().startsWith('aws:')) this.fail(table, index, `.key: keys starting with '${key.slice(0, 4)}' are reserved; only AWS's own lower-case aws: keys may be stored`);
      const count = (userTags.get(resourceId) ?? 0) + 1;
      if (count > 50) this.fail(table, index, `${resourceId} has more than 50 tags (AWS's own aws: tags aside)`);
      userTags.set(resourceId, count);
    });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
