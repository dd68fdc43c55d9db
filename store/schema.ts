/**
 * The one schema. Every resource row carries its account and region; `seq` (AUTOINCREMENT, never
 * reused) gives the stable order that describe calls and their NextToken paging rely on.
 *
 * The unique index on rules is the last line of defence for EC2's "no duplicate rule" promise: even
 * a bug in the duplicate check cannot store the same rule twice.
 */
export const SCHEMA_VERSION = 4;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- An (account, region) pair whose defaults (default VPC, its default group, AWS-managed prefix
-- lists) have been created. Kept so a user who deletes the default VPC does not get it back.
CREATE TABLE IF NOT EXISTS scopes (
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  PRIMARY KEY (account_id, region)
);

CREATE TABLE IF NOT EXISTS vpcs (
  seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
  vpc_id              TEXT NOT NULL UNIQUE,
  account_id          TEXT NOT NULL,
  region              TEXT NOT NULL,
  cidr_block          TEXT NOT NULL,
  cidr_association_id TEXT NOT NULL,
  ipv6_cidr_block     TEXT,            -- NULL when the VPC has no IPv6 block
  ipv6_association_id TEXT,
  is_default          INTEGER NOT NULL, -- 0/1
  instance_tenancy    TEXT NOT NULL,
  dhcp_options_id     TEXT NOT NULL,
  -- The VPC attributes of DescribeVpcAttribute / ModifyVpcAttribute (0/1). Version 2 added them;
  -- store/migrations.ts adds them to older files.
  enable_dns_support   INTEGER NOT NULL DEFAULT 1,
  enable_dns_hostnames INTEGER NOT NULL DEFAULT 0,
  enable_network_address_usage_metrics INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS vpcs_by_scope ON vpcs (account_id, region, seq);

CREATE TABLE IF NOT EXISTS security_groups (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id       TEXT NOT NULL UNIQUE,
  account_id     TEXT NOT NULL,
  region         TEXT NOT NULL,
  vpc_id         TEXT NOT NULL REFERENCES vpcs (vpc_id),
  group_name     TEXT NOT NULL,
  group_name_key TEXT NOT NULL,        -- lower-case name: EC2 names are unique per VPC regardless of case
  description    TEXT NOT NULL,
  is_default     INTEGER NOT NULL,     -- 0/1: the VPC's "default" group
  UNIQUE (vpc_id, group_name_key)
);
CREATE INDEX IF NOT EXISTS security_groups_by_scope ON security_groups (account_id, region, seq);

CREATE TABLE IF NOT EXISTS security_group_rules (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id      TEXT NOT NULL UNIQUE,
  group_id     TEXT NOT NULL REFERENCES security_groups (group_id) ON DELETE CASCADE,
  account_id   TEXT NOT NULL,
  region       TEXT NOT NULL,
  is_egress    INTEGER NOT NULL,       -- 0 ingress, 1 egress
  ip_protocol  TEXT NOT NULL,          -- normalised: tcp/udp/icmp/icmpv6, -1 or a protocol number
  from_port    INTEGER NOT NULL,       -- -1 where the protocol has no ports
  to_port      INTEGER NOT NULL,
  peer_kind    TEXT NOT NULL,          -- ipv4 | ipv6 | pl | sg
  peer         TEXT NOT NULL,          -- canonical CIDR, prefix-list id or group id
  peer_user_id TEXT,                   -- owner of a referenced group
  description  TEXT,
  peer_vpc_id  TEXT,                   -- VPC of a group referenced across a peering; NULL within the VPC
  UNIQUE (group_id, is_egress, ip_protocol, from_port, to_port, peer_kind, peer)
);
CREATE INDEX IF NOT EXISTS rules_by_scope ON security_group_rules (account_id, region, seq);
CREATE INDEX IF NOT EXISTS rules_by_peer ON security_group_rules (peer, peer_kind);

CREATE TABLE IF NOT EXISTS prefix_lists (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  prefix_list_id TEXT NOT NULL,
  account_id     TEXT NOT NULL,
  region         TEXT NOT NULL,
  name           TEXT NOT NULL,
  address_family TEXT NOT NULL,        -- IPv4 | IPv6
  max_entries    INTEGER NOT NULL,
  owner_id       TEXT NOT NULL,        -- 'AWS' for AWS-managed lists
  version        INTEGER NOT NULL DEFAULT 1, -- current version: each entry change adds one
  state          TEXT NOT NULL DEFAULT 'create-complete', -- create-complete | modify-complete | restore-complete | delete-failed
  client_token   TEXT,                 -- CreateManagedPrefixList idempotency token
  request_hash   TEXT,                 -- digest of the create parameters that token was used with
  UNIQUE (account_id, region, prefix_list_id)
);
CREATE INDEX IF NOT EXISTS prefix_lists_by_scope ON prefix_lists (account_id, region, seq);

-- Every version of every prefix list: an entry belongs to versions [added_in, removed_in).
-- AWS-managed lists share their id across accounts, hence the scope columns.
CREATE TABLE IF NOT EXISTS prefix_list_entries (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  prefix_list_id TEXT NOT NULL,
  account_id     TEXT NOT NULL,
  region         TEXT NOT NULL,
  cidr           TEXT NOT NULL,        -- canonical, in the list's address family
  description    TEXT,
  added_in       INTEGER NOT NULL,     -- first version that has the entry
  removed_in     INTEGER               -- first version without it; NULL while current
);
CREATE INDEX IF NOT EXISTS prefix_list_entries_by_list ON prefix_list_entries (account_id, region, prefix_list_id, seq);

-- The network around the groups (version 2). Every VPC has exactly one default network ACL and one
-- main route table, created with it and deleted with it; their entries and routes are the fixed
-- defaults AWS gives (the local route, allow-all ACL entries), derived from the VPC, not stored.
CREATE TABLE IF NOT EXISTS network_acls (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  network_acl_id TEXT NOT NULL UNIQUE,
  account_id     TEXT NOT NULL,
  region         TEXT NOT NULL,
  vpc_id         TEXT NOT NULL REFERENCES vpcs (vpc_id),
  is_default     INTEGER NOT NULL      -- 0/1
);
CREATE INDEX IF NOT EXISTS network_acls_by_scope ON network_acls (account_id, region, seq);
CREATE INDEX IF NOT EXISTS network_acls_by_vpc ON network_acls (vpc_id);

CREATE TABLE IF NOT EXISTS route_tables (
  seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
  route_table_id      TEXT NOT NULL UNIQUE,
  account_id          TEXT NOT NULL,
  region              TEXT NOT NULL,
  vpc_id              TEXT NOT NULL REFERENCES vpcs (vpc_id),
  main_association_id TEXT             -- rtbassoc- id of the main association; NULL if not main
);
CREATE INDEX IF NOT EXISTS route_tables_by_scope ON route_tables (account_id, region, seq);
CREATE INDEX IF NOT EXISTS route_tables_by_vpc ON route_tables (vpc_id);

CREATE TABLE IF NOT EXISTS subnets (
  seq                        INTEGER PRIMARY KEY AUTOINCREMENT,
  subnet_id                  TEXT NOT NULL UNIQUE,
  account_id                 TEXT NOT NULL,
  region                     TEXT NOT NULL,
  vpc_id                     TEXT NOT NULL REFERENCES vpcs (vpc_id),
  cidr_block                 TEXT NOT NULL,  -- canonical IPv4 CIDR inside the VPC's block
  availability_zone          TEXT NOT NULL,
  availability_zone_id       TEXT NOT NULL,
  default_for_az             INTEGER NOT NULL, -- 0/1: a default VPC's default subnet
  map_public_ip_on_launch    INTEGER NOT NULL, -- 0/1
  network_acl_id             TEXT NOT NULL REFERENCES network_acls (network_acl_id),
  network_acl_association_id TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS subnets_by_scope ON subnets (account_id, region, seq);
CREATE INDEX IF NOT EXISTS subnets_by_vpc ON subnets (vpc_id);

CREATE TABLE IF NOT EXISTS network_interfaces (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  network_interface_id TEXT NOT NULL UNIQUE,
  account_id           TEXT NOT NULL,
  region               TEXT NOT NULL,
  vpc_id               TEXT NOT NULL REFERENCES vpcs (vpc_id),
  subnet_id            TEXT NOT NULL REFERENCES subnets (subnet_id),
  description          TEXT NOT NULL,
  source_dest_check    INTEGER NOT NULL, -- 0/1
  mac_address          TEXT NOT NULL,
  interface_type       TEXT NOT NULL,
  client_token         TEXT,             -- CreateNetworkInterface idempotency token
  request_hash         TEXT              -- digest of the create parameters that token was used with
);
CREATE INDEX IF NOT EXISTS network_interfaces_by_scope ON network_interfaces (account_id, region, seq);
CREATE INDEX IF NOT EXISTS network_interfaces_by_subnet ON network_interfaces (subnet_id);

-- An interface's private IPv4 addresses; the key makes an address usable once per subnet.
CREATE TABLE IF NOT EXISTS network_interface_addresses (
  subnet_id            TEXT NOT NULL,
  private_ip_address   TEXT NOT NULL,
  network_interface_id TEXT NOT NULL REFERENCES network_interfaces (network_interface_id) ON DELETE CASCADE,
  is_primary           INTEGER NOT NULL, -- 0/1: exactly one per interface
  position             INTEGER NOT NULL, -- the order the interface lists them in
  PRIMARY KEY (subnet_id, private_ip_address)
);
CREATE INDEX IF NOT EXISTS network_interface_addresses_by_interface
  ON network_interface_addresses (network_interface_id, position);

-- The groups an interface holds (1 to 5). No cascade from security_groups: a group held by an
-- interface cannot be deleted (DependencyViolation), and the foreign key enforces it as well.
CREATE TABLE IF NOT EXISTS network_interface_groups (
  network_interface_id TEXT NOT NULL REFERENCES network_interfaces (network_interface_id) ON DELETE CASCADE,
  group_id             TEXT NOT NULL REFERENCES security_groups (group_id),
  position             INTEGER NOT NULL,
  PRIMARY KEY (network_interface_id, group_id)
);
CREATE INDEX IF NOT EXISTS network_interface_groups_by_group ON network_interface_groups (group_id);

-- VPC peering connections (version 3), same account and region. The VPCs' CIDR blocks are kept
-- because a connection stays visible for a while after either VPC is gone.
CREATE TABLE IF NOT EXISTS vpc_peering_connections (
  seq                       INTEGER PRIMARY KEY AUTOINCREMENT,
  vpc_peering_connection_id TEXT NOT NULL UNIQUE,
  account_id                TEXT NOT NULL,
  region                    TEXT NOT NULL,
  requester_vpc_id          TEXT NOT NULL,
  requester_cidr_block      TEXT NOT NULL,
  accepter_vpc_id           TEXT NOT NULL,
  accepter_cidr_block       TEXT NOT NULL,
  accepter_owner_id         TEXT NOT NULL,
  status_code               TEXT NOT NULL, -- pending-acceptance | active | rejected | deleted | failed | expired
  status_message            TEXT NOT NULL,
  created_at                INTEGER NOT NULL, -- ms since the epoch
  ended_at                  INTEGER           -- when it became rejected, deleted or failed
);
CREATE INDEX IF NOT EXISTS vpc_peering_connections_by_scope ON vpc_peering_connections (account_id, region, seq);

-- Security groups associated with VPCs other than their own (version 3).
CREATE TABLE IF NOT EXISTS security_group_vpc_associations (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id   TEXT NOT NULL REFERENCES security_groups (group_id),
  vpc_id     TEXT NOT NULL REFERENCES vpcs (vpc_id),
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  state      TEXT NOT NULL,               -- associated (disassociated ones are deleted)
  UNIQUE (group_id, vpc_id)
);
CREATE INDEX IF NOT EXISTS security_group_vpc_associations_by_scope ON security_group_vpc_associations (account_id, region, seq);
CREATE INDEX IF NOT EXISTS security_group_vpc_associations_by_vpc ON security_group_vpc_associations (vpc_id);

CREATE TABLE IF NOT EXISTS tags (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so DescribeTags pages stay stable
  resource_id   TEXT NOT NULL,
  resource_type TEXT NOT NULL,         -- security-group | security-group-rule | vpc | prefix-list | subnet | ...
  account_id    TEXT NOT NULL,
  region        TEXT NOT NULL,
  key           TEXT NOT NULL,
  value         TEXT NOT NULL,
  UNIQUE (resource_id, key)
);
CREATE INDEX IF NOT EXISTS tags_by_scope ON tags (account_id, region, seq);
`;
