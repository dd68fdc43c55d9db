/**
 * Network interfaces: the members of security groups. An interface lives in one subnet, holds one
 * primary and any secondary private IPv4 addresses of it (each address at most once per subnet:
 * the table's key), and holds 1 to 5 groups of its VPC. Groups and addresses are child rows that
 * go with the interface; a group row keeps its security group from being deleted.
 */
import type { Db } from './db.js';
import { newMacAddress, newNetworkInterfaceId } from './ids.js';
import type { NetworkInterfaceRecord, Scope, Sequenced, Tag } from './records.js';
import type { TagStore } from './tags.js';

interface InterfaceRow {
  seq: number;
  network_interface_id: string;
  account_id: string;
  region: string;
  vpc_id: string;
  subnet_id: string;
  availability_zone: string;
  availability_zone_id: string;
  description: string;
  source_dest_check: number;
  mac_address: string;
  interface_type: string;
  client_token: string | null;
  request_hash: string | null;
}
interface AddressRow {
  network_interface_id: string;
  private_ip_address: string;
}
interface GroupRow {
  network_interface_id: string;
  group_id: string;
  group_name: string;
}

const INTERFACE_SELECT = `SELECT n.*, s.availability_zone, s.availability_zone_id
  FROM network_interfaces n JOIN subnets s ON s.subnet_id = n.subnet_id`;

export interface NewNetworkInterface {
  readonly vpcId: string;
  readonly subnetId: string;
  readonly description: string;
  readonly interfaceType: string;
  /** The primary address first. */
  readonly privateIpAddresses: readonly string[];
  readonly groupIds: readonly string[];
  /** The request's ClientToken and a digest of its parameters, for idempotent retries. */
  readonly clientToken: string | undefined;
  readonly requestHash: string | undefined;
}

export function createNetworkInterfaceStore(db: Db, tags: TagStore) {
  const sql = {
    insert: db.prepare<[string, string, string, string, string, string, number, string, string, string | null, string | null]>(
      `INSERT INTO network_interfaces (network_interface_id, account_id, region, vpc_id, subnet_id, description,
         source_dest_check, mac_address, interface_type, client_token, request_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    byClientToken: db.prepare<[string, string, string], { network_interface_id: string; request_hash: string | null }>(
      'SELECT network_interface_id, request_hash FROM network_interfaces WHERE account_id = ? AND region = ? AND client_token = ?',
    ),
    insertAddress: db.prepare<[string, string, string, number, number]>(
      `INSERT INTO network_interface_addresses (subnet_id, private_ip_address, network_interface_id, is_primary, position)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    insertGroup: db.prepare<[string, string, number]>(
      'INSERT INTO network_interface_groups (network_interface_id, group_id, position) VALUES (?, ?, ?)',
    ),
    deleteGroups: db.prepare<[string]>('DELETE FROM network_interface_groups WHERE network_interface_id = ?'),
    byId: db.prepare<[string, string, string], InterfaceRow>(
      `${INTERFACE_SELECT} WHERE n.network_interface_id = ? AND n.account_id = ? AND n.region = ?`,
    ),
    ofScope: db.prepare<[string, string], InterfaceRow>(`${INTERFACE_SELECT} WHERE n.account_id = ? AND n.region = ? ORDER BY n.seq`),
    addressesOf: db.prepare<[string], AddressRow>(
      'SELECT network_interface_id, private_ip_address FROM network_interface_addresses WHERE network_interface_id = ? ORDER BY position',
    ),
    addressesOfScope: db.prepare<[string, string], AddressRow>(
      `SELECT a.network_interface_id, a.private_ip_address FROM network_interface_addresses a
       JOIN network_interfaces n ON n.network_interface_id = a.network_interface_id
       WHERE n.account_id = ? AND n.region = ? ORDER BY a.network_interface_id, a.position`,
    ),
    addressesOfSubnet: db
      .prepare<[string], string>('SELECT private_ip_address FROM network_interface_addresses WHERE subnet_id = ?')
      .pluck(true),
    groupsOf: db.prepare<[string], GroupRow>(
      `SELECT ng.network_interface_id, ng.group_id, g.group_name FROM network_interface_groups ng
       JOIN security_groups g ON g.group_id = ng.group_id WHERE ng.network_interface_id = ? ORDER BY ng.position`,
    ),
    groupsOfScope: db.prepare<[string, string], GroupRow>(
      `SELECT ng.network_interface_id, ng.group_id, g.group_name FROM network_interface_groups ng
       JOIN network_interfaces n ON n.network_interface_id = ng.network_interface_id
       JOIN security_groups g ON g.group_id = ng.group_id
       WHERE n.account_id = ? AND n.region = ? ORDER BY ng.network_interface_id, ng.position`,
    ),
    groupIsHeld: db.prepare<[string], number>('SELECT 1 FROM network_interface_groups WHERE group_id = ? LIMIT 1').pluck(true),
    countOfSubnet: db.prepare<[string], number>('SELECT count(*) FROM network_interfaces WHERE subnet_id = ?').pluck(true),
    countOfVpc: db.prepare<[string], number>('SELECT count(*) FROM network_interfaces WHERE vpc_id = ?').pluck(true),
    setDescription: db.prepare<[string, string]>('UPDATE network_interfaces SET description = ? WHERE network_interface_id = ?'),
    setSourceDestCheck: db.prepare<[number, string]>(
      'UPDATE network_interfaces SET source_dest_check = ? WHERE network_interface_id = ?',
    ),
    delete: db.prepare<[string]>('DELETE FROM network_interfaces WHERE network_interface_id = ?'),
  };

  const toInterface = (
    row: InterfaceRow,
    addresses: readonly string[],
    groups: readonly { groupId: string; groupName: string }[],
    interfaceTags: readonly Tag[],
  ): Sequenced<NetworkInterfaceRecord> => ({
    seq: row.seq,
    networkInterfaceId: row.network_interface_id,
    vpcId: row.vpc_id,
    subnetId: row.subnet_id,
    ownerId: row.account_id,
    region: row.region,
    availabilityZone: row.availability_zone,
    availabilityZoneId: row.availability_zone_id,
    description: row.description,
    sourceDestCheck: row.source_dest_check === 1,
    macAddress: row.mac_address,
    interfaceType: row.interface_type,
    privateIpAddresses: addresses,
    groups,
    tags: interfaceTags,
  });

  function insertGroups(networkInterfaceId: string, groupIds: readonly string[]): void {
    groupIds.forEach((groupId, position) => sql.insertGroup.run(networkInterfaceId, groupId, position));
  }

  /** Child rows of many interfaces, grouped by interface id (rows come ordered by interface). */
  function byInterface<R extends { network_interface_id: string }, V>(rows: R[], value: (row: R) => V): Map<string, V[]> {
    const map = new Map<string, V[]>();
    for (const row of rows) {
      let list = map.get(row.network_interface_id);
      if (!list) map.set(row.network_interface_id, (list = []));
      list.push(value(row));
    }
    return map;
  }
  const groupOf = (row: GroupRow) => ({ groupId: row.group_id, groupName: row.group_name });

  return {
    insertNetworkInterface(scope: Scope, eni: NewNetworkInterface): string {
      const networkInterfaceId = newNetworkInterfaceId();
      sql.insert.run(
        networkInterfaceId,
        scope.accountId,
        scope.region,
        eni.vpcId,
        eni.subnetId,
        eni.description,
        1,
        newMacAddress(),
        eni.interfaceType,
        eni.clientToken ?? null,
        eni.requestHash ?? null,
      );
      eni.privateIpAddresses.forEach((address, position) =>
        sql.insertAddress.run(eni.subnetId, address, networkInterfaceId, position === 0 ? 1 : 0, position),
      );
      insertGroups(networkInterfaceId, eni.groupIds);
      return networkInterfaceId;
    },
    getNetworkInterface(scope: Scope, networkInterfaceId: string): Sequenced<NetworkInterfaceRecord> | undefined {
      const row = sql.byId.get(networkInterfaceId, scope.accountId, scope.region);
      if (!row) return undefined;
      return toInterface(
        row,
        sql.addressesOf.all(networkInterfaceId).map((a) => a.private_ip_address),
        sql.groupsOf.all(networkInterfaceId).map(groupOf),
        tags.tagsOf(networkInterfaceId),
      );
    },
    listNetworkInterfaces(scope: Scope): Sequenced<NetworkInterfaceRecord>[] {
      const rows = sql.ofScope.all(scope.accountId, scope.region);
      if (rows.length === 0) return [];
      const addresses = byInterface(sql.addressesOfScope.all(scope.accountId, scope.region), (a) => a.private_ip_address);
      const groups = byInterface(sql.groupsOfScope.all(scope.accountId, scope.region), groupOf);
      const byId = tags.tagsByResourceOfType(scope, 'network-interface');
      return rows.map((row) =>
        toInterface(
          row,
          addresses.get(row.network_interface_id) ?? [],
          groups.get(row.network_interface_id) ?? [],
          byId.get(row.network_interface_id) ?? [],
        ),
      );
    },
    /** The interface an earlier create with this ClientToken made, with its parameters' digest. */
    networkInterfaceByClientToken(scope: Scope, clientToken: string): { networkInterfaceId: string; requestHash: string | undefined } | undefined {
      const row = sql.byClientToken.get(scope.accountId, scope.region, clientToken);
      return row && { networkInterfaceId: row.network_interface_id, requestHash: row.request_hash ?? undefined };
    },
    /** Every private address interfaces hold in the subnet. */
    addressesInUse(subnetId: string): Set<string> {
      return new Set(sql.addressesOfSubnet.all(subnetId));
    },
    /** Whether any network interface holds the group (DeleteSecurityGroup's DependencyViolation). */
    isGroupHeldByInterface(groupId: string): boolean {
      return sql.groupIsHeld.get(groupId) !== undefined;
    },
    countNetworkInterfacesOfSubnet(subnetId: string): number {
      return sql.countOfSubnet.get(subnetId) ?? 0;
    },
    countNetworkInterfacesOfVpc(vpcId: string): number {
      return sql.countOfVpc.get(vpcId) ?? 0;
    },
    replaceNetworkInterfaceGroups(networkInterfaceId: string, groupIds: readonly string[]): void {
      sql.deleteGroups.run(networkInterfaceId);
      insertGroups(networkInterfaceId, groupIds);
    },
    setNetworkInterfaceDescription(networkInterfaceId: string, description: string): void {
      sql.setDescription.run(description, networkInterfaceId);
    },
    setNetworkInterfaceSourceDestCheck(networkInterfaceId: string, value: boolean): void {
      sql.setSourceDestCheck.run(value ? 1 : 0, networkInterfaceId);
    },
    deleteNetworkInterface(networkInterfaceId: string): void {
      tags.deleteTagsOfResource(networkInterfaceId);
      sql.delete.run(networkInterfaceId); // addresses and group rows go with it (ON DELETE CASCADE)
    },
  };
}

export type NetworkInterfaceStore = ReturnType<typeof createNetworkInterfaceStore>;
