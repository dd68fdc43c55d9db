/**
 * Subnets: an IPv4 block of a VPC in one Availability Zone. Each is associated with its VPC's
 * default network ACL (the association has its own `aclassoc-` id) and, implicitly, with the main
 * route table. How many addresses are free is counted from the interfaces' addresses.
 */
import type { Db } from './db.js';
import { newNetworkAclAssociationId, newSubnetId } from './ids.js';
import type { Scope, Sequenced, SubnetRecord, Tag } from './records.js';
import type { TagStore } from './tags.js';

interface SubnetRow {
  seq: number;
  subnet_id: string;
  account_id: string;
  region: string;
  vpc_id: string;
  cidr_block: string;
  availability_zone: string;
  availability_zone_id: string;
  default_for_az: number;
  map_public_ip_on_launch: number;
  network_acl_id: string;
  network_acl_association_id: string;
  used_addresses: number;
}

/** Every subnet column plus how many of its addresses interfaces hold. */
const SUBNET_SELECT = `SELECT s.*, (SELECT count(*) FROM network_interface_addresses a WHERE a.subnet_id = s.subnet_id) AS used_addresses
  FROM subnets s`;

/** What a new subnet is made of; ids, owner and the address count come from the store. */
export type NewSubnet = Pick<
  SubnetRecord,
  'vpcId' | 'cidrBlock' | 'availabilityZone' | 'availabilityZoneId' | 'defaultForAz' | 'mapPublicIpOnLaunch' | 'networkAclId'
>;

export function createSubnetStore(db: Db, tags: TagStore) {
  const sql = {
    insert: db.prepare<[string, string, string, string, string, string, string, number, number, string, string]>(
      `INSERT INTO subnets (subnet_id, account_id, region, vpc_id, cidr_block, availability_zone, availability_zone_id,
         default_for_az, map_public_ip_on_launch, network_acl_id, network_acl_association_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    byId: db.prepare<[string, string, string], SubnetRow>(`${SUBNET_SELECT} WHERE s.subnet_id = ? AND s.account_id = ? AND s.region = ?`),
    ofScope: db.prepare<[string, string], SubnetRow>(`${SUBNET_SELECT} WHERE s.account_id = ? AND s.region = ? ORDER BY s.seq`),
    cidrsOfVpc: db.prepare<[string], { subnet_id: string; cidr_block: string }>(
      'SELECT subnet_id, cidr_block FROM subnets WHERE vpc_id = ? ORDER BY seq',
    ),
    zonesOfVpc: db.prepare<[string], { availability_zone: string; n: number }>(
      'SELECT availability_zone, count(*) AS n FROM subnets WHERE vpc_id = ? GROUP BY availability_zone',
    ),
    idsOfVpc: db.prepare<[string], { subnet_id: string }>('SELECT subnet_id FROM subnets WHERE vpc_id = ? ORDER BY seq'),
    delete: db.prepare<[string]>('DELETE FROM subnets WHERE subnet_id = ?'),
  };

  const toSubnet = (row: SubnetRow, subnetTags: readonly Tag[]): Sequenced<SubnetRecord> => ({
    seq: row.seq,
    subnetId: row.subnet_id,
    vpcId: row.vpc_id,
    ownerId: row.account_id,
    region: row.region,
    cidrBlock: row.cidr_block,
    availabilityZone: row.availability_zone,
    availabilityZoneId: row.availability_zone_id,
    defaultForAz: row.default_for_az === 1,
    mapPublicIpOnLaunch: row.map_public_ip_on_launch === 1,
    networkAclId: row.network_acl_id,
    networkAclAssociationId: row.network_acl_association_id,
    usedAddressCount: row.used_addresses,
    tags: subnetTags,
  });

  return {
    insertSubnet(scope: Scope, subnet: NewSubnet): string {
      const subnetId = newSubnetId();
      sql.insert.run(
        subnetId,
        scope.accountId,
        scope.region,
        subnet.vpcId,
        subnet.cidrBlock,
        subnet.availabilityZone,
        subnet.availabilityZoneId,
        subnet.defaultForAz ? 1 : 0,
        subnet.mapPublicIpOnLaunch ? 1 : 0,
        subnet.networkAclId,
        newNetworkAclAssociationId(),
      );
      return subnetId;
    },
    getSubnet(scope: Scope, subnetId: string): Sequenced<SubnetRecord> | undefined {
      const row = sql.byId.get(subnetId, scope.accountId, scope.region);
      return row && toSubnet(row, tags.tagsOf(row.subnet_id));
    },
    listSubnets(scope: Scope): Sequenced<SubnetRecord>[] {
      const byId = tags.tagsByResourceOfType(scope, 'subnet');
      return sql.ofScope.all(scope.accountId, scope.region).map((row) => toSubnet(row, byId.get(row.subnet_id) ?? []));
    },
    /** The CIDR blocks of the VPC's subnets, for the overlap check. */
    subnetCidrsOfVpc(vpcId: string): { subnetId: string; cidrBlock: string }[] {
      return sql.cidrsOfVpc.all(vpcId).map((row) => ({ subnetId: row.subnet_id, cidrBlock: row.cidr_block }));
    },
    /** How many subnets the VPC has in each zone that has any. */
    subnetCountByZone(vpcId: string): Map<string, number> {
      return new Map(sql.zonesOfVpc.all(vpcId).map((row) => [row.availability_zone, row.n]));
    },
    subnetIdsOfVpc(vpcId: string): string[] {
      return sql.idsOfVpc.all(vpcId).map((row) => row.subnet_id);
    },
    deleteSubnet(subnetId: string): void {
      tags.deleteTagsOfResource(subnetId);
      sql.delete.run(subnetId);
    },
  };
}

export type SubnetStore = ReturnType<typeof createSubnetStore>;
