/**
 * VPCs and what each is born with. Inserting a VPC also creates its default security group (the
 * security-group store), its default network ACL and main route table (the vpc-network store) and,
 * for a default VPC, one default subnet per Availability Zone (the subnet store); deleting it takes
 * those along. That is why this store is built on the others rather than beside them.
 */
import type { Db } from './db.js';
import { availabilityZonesOf } from './availability-zones.js';
import { newCidrAssociationId, newDhcpOptionsId, newVpcId } from './ids.js';
import type { Scope, Sequenced, Tag, VpcAttributes, VpcRecord } from './records.js';
import type { SecurityGroupStore } from './security-groups.js';
import type { SubnetStore } from './subnets.js';
import { NO_TAGS, type TagStore } from './tags.js';
import type { VpcNetworkStore } from './vpc-network.js';

interface VpcRow {
  seq: number;
  vpc_id: string;
  account_id: string;
  region: string;
  cidr_block: string;
  cidr_association_id: string;
  ipv6_cidr_block: string | null;
  ipv6_association_id: string | null;
  is_default: number;
  instance_tenancy: string;
  dhcp_options_id: string;
  enable_dns_support: number;
  enable_dns_hostnames: number;
  enable_network_address_usage_metrics: number;
}

export const DEFAULT_VPC_CIDR = '172.31.0.0/16';

/** A default VPC's default subnets: one /20 per zone, from the bottom of 172.31.0.0/16 up. */
export function defaultSubnetCidr(zoneIndex: number): string {
  return `172.31.${zoneIndex * 16}.0/20`;
}

export function createVpcStore(db: Db, tags: TagStore, groups: SecurityGroupStore, network: VpcNetworkStore, subnets: SubnetStore) {
  const sql = {
    insertVpc: db.prepare(
      `INSERT INTO vpcs (vpc_id, account_id, region, cidr_block, cidr_association_id, ipv6_cidr_block,
         ipv6_association_id, is_default, instance_tenancy, dhcp_options_id, enable_dns_support, enable_dns_hostnames)
       VALUES (@vpc_id, @account_id, @region, @cidr_block, @cidr_association_id, @ipv6_cidr_block,
         @ipv6_association_id, @is_default, @instance_tenancy, @dhcp_options_id, 1, @is_default)`,
    ),
    vpcById: db.prepare<[string, string, string], VpcRow>(
      'SELECT * FROM vpcs WHERE vpc_id = ? AND account_id = ? AND region = ?',
    ),
    defaultVpc: db.prepare<[string, string], VpcRow>(
      'SELECT * FROM vpcs WHERE account_id = ? AND region = ? AND is_default = 1',
    ),
    vpcsOfScope: db.prepare<[string, string], VpcRow>(
      'SELECT * FROM vpcs WHERE account_id = ? AND region = ? ORDER BY seq',
    ),
    vpcsWithoutNetwork: db.prepare<[], VpcRow>(
      'SELECT * FROM vpcs v WHERE NOT EXISTS (SELECT 1 FROM network_acls a WHERE a.vpc_id = v.vpc_id) ORDER BY seq',
    ),
    enableDnsHostnames: db.prepare<[string]>('UPDATE vpcs SET enable_dns_hostnames = 1 WHERE vpc_id = ?'),
    setVpcAttributes: db.prepare<[number, number, number, string]>(
      `UPDATE vpcs SET enable_dns_support = ?, enable_dns_hostnames = ?, enable_network_address_usage_metrics = ?
       WHERE vpc_id = ?`,
    ),
    deleteVpc: db.prepare<[string]>('DELETE FROM vpcs WHERE vpc_id = ?'),
  };

  const toVpc = (row: VpcRow, vpcTags: readonly Tag[]): Sequenced<VpcRecord> => ({
    seq: row.seq,
    vpcId: row.vpc_id,
    ownerId: row.account_id,
    cidrBlock: row.cidr_block,
    cidrAssociationId: row.cidr_association_id,
    ipv6CidrBlock: row.ipv6_cidr_block ?? undefined,
    ipv6AssociationId: row.ipv6_association_id ?? undefined,
    isDefault: row.is_default === 1,
    instanceTenancy: row.instance_tenancy,
    dhcpOptionsId: row.dhcp_options_id,
    tags: vpcTags,
    enableDnsSupport: row.enable_dns_support === 1,
    enableDnsHostnames: row.enable_dns_hostnames === 1,
    enableNetworkAddressUsageMetrics: row.enable_network_address_usage_metrics === 1,
  });

  /** A default VPC's subnets: one per Availability Zone, public (aws-reference: default VPC). */
  function insertDefaultSubnets(scope: Scope, vpcId: string, networkAclId: string): void {
    availabilityZonesOf(scope.region).forEach((zone, index) => {
      subnets.insertSubnet(scope, {
        vpcId,
        cidrBlock: defaultSubnetCidr(index),
        availabilityZone: zone.zoneName,
        availabilityZoneId: zone.zoneId,
        defaultForAz: true,
        mapPublicIpOnLaunch: true,
        networkAclId,
      });
    });
  }

  return {
    insertVpc(
      scope: Scope,
      vpc: { cidrBlock: string; ipv6CidrBlock?: string; isDefault: boolean; instanceTenancy: string },
    ): string {
      const vpcId = newVpcId();
      sql.insertVpc.run({
        vpc_id: vpcId,
        account_id: scope.accountId,
        region: scope.region,
        cidr_block: vpc.cidrBlock,
        cidr_association_id: newCidrAssociationId(),
        ipv6_cidr_block: vpc.ipv6CidrBlock ?? null,
        ipv6_association_id: vpc.ipv6CidrBlock ? newCidrAssociationId() : null,
        is_default: vpc.isDefault ? 1 : 0,
        instance_tenancy: vpc.instanceTenancy,
        dhcp_options_id: newDhcpOptionsId(),
      });
      groups.insertDefaultGroup(scope, { vpcId, hasIpv6: vpc.ipv6CidrBlock !== undefined });
      const { networkAclId } = network.insertVpcDefaults(scope, vpcId);
      if (vpc.isDefault) insertDefaultSubnets(scope, vpcId, networkAclId);
      return vpcId;
    },
    insertDefaultSubnets,

    /**
     * Gives every VPC that has none its default network ACL and main route table, DNS hostnames to
     * a default VPC, and default subnets to a default VPC without subnets: what a VPC made by a
     * release before version 2 of the schema lacks (files are upgraded by store/migrations.ts, state
     * documents on import). Idempotent.
     */
    addMissingVpcNetworks(): void {
      for (const vpc of sql.vpcsWithoutNetwork.all()) {
        const scope = { accountId: vpc.account_id, region: vpc.region };
        const { networkAclId } = network.insertVpcDefaults(scope, vpc.vpc_id);
        if (vpc.is_default === 1) {
          sql.enableDnsHostnames.run(vpc.vpc_id);
          if (subnets.subnetIdsOfVpc(vpc.vpc_id).length === 0) insertDefaultSubnets(scope, vpc.vpc_id, networkAclId);
        }
      }
    },

    getVpc(scope: Scope, vpcId: string): Sequenced<VpcRecord> | undefined {
      const row = sql.vpcById.get(vpcId, scope.accountId, scope.region);
      return row && toVpc(row, tags.tagsOf(row.vpc_id));
    },
    getDefaultVpc(scope: Scope): Sequenced<VpcRecord> | undefined {
      const row = sql.defaultVpc.get(scope.accountId, scope.region);
      return row && toVpc(row, tags.tagsOf(row.vpc_id));
    },
    listVpcs(scope: Scope): Sequenced<VpcRecord>[] {
      const rows = sql.vpcsOfScope.all(scope.accountId, scope.region);
      const byId = tags.tagsByResourceOfType(scope, 'vpc');
      return rows.map((row) => toVpc(row, byId.get(row.vpc_id) ?? NO_TAGS));
    },
    setVpcAttributes(vpcId: string, attributes: VpcAttributes): void {
      sql.setVpcAttributes.run(
        attributes.enableDnsSupport ? 1 : 0,
        attributes.enableDnsHostnames ? 1 : 0,
        attributes.enableNetworkAddressUsageMetrics ? 1 : 0,
        vpcId,
      );
    },
    /**
     * Deletes a VPC with what it was born with: its default group (with its rules), its default
     * network ACL and main route table, and all their tags. Subnets and other groups must be gone.
     */
    deleteVpc(vpcId: string): void {
      network.deleteVpcDefaults(vpcId);
      groups.deleteGroupsOfVpc(vpcId);
      tags.deleteTagsOfResource(vpcId);
      sql.deleteVpc.run(vpcId);
    },
  };
}

export type VpcStore = ReturnType<typeof createVpcStore>;
