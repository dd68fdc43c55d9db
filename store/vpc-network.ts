/**
 * What every VPC is born with besides its default group: its default network ACL and its main
 * route table. Both are created with the VPC and deleted with it; their entries and routes are
 * AWS's fixed defaults and are derived from the VPC by the handlers, so only ids live here.
 */
import type { Db } from './db.js';
import { newNetworkAclId, newRouteTableAssociationId, newRouteTableId } from './ids.js';
import type { NetworkAclRecord, RouteTableRecord, Scope, Sequenced, Tag } from './records.js';
import type { TagStore } from './tags.js';

interface NetworkAclRow {
  seq: number;
  network_acl_id: string;
  account_id: string;
  vpc_id: string;
  is_default: number;
}
interface RouteTableRow {
  seq: number;
  route_table_id: string;
  account_id: string;
  vpc_id: string;
  main_association_id: string | null;
}

export function createVpcNetworkStore(db: Db, tags: TagStore) {
  const sql = {
    insertAcl: db.prepare<[string, string, string, string, number]>(
      'INSERT INTO network_acls (network_acl_id, account_id, region, vpc_id, is_default) VALUES (?, ?, ?, ?, ?)',
    ),
    aclById: db.prepare<[string, string, string], NetworkAclRow>(
      'SELECT * FROM network_acls WHERE network_acl_id = ? AND account_id = ? AND region = ?',
    ),
    aclsOfScope: db.prepare<[string, string], NetworkAclRow>('SELECT * FROM network_acls WHERE account_id = ? AND region = ? ORDER BY seq'),
    defaultAclOfVpc: db.prepare<[string], NetworkAclRow>('SELECT * FROM network_acls WHERE vpc_id = ? AND is_default = 1'),
    aclsOfVpc: db.prepare<[string], NetworkAclRow>('SELECT * FROM network_acls WHERE vpc_id = ?'),
    deleteAcl: db.prepare<[string]>('DELETE FROM network_acls WHERE network_acl_id = ?'),

    insertRouteTable: db.prepare<[string, string, string, string, string | null]>(
      'INSERT INTO route_tables (route_table_id, account_id, region, vpc_id, main_association_id) VALUES (?, ?, ?, ?, ?)',
    ),
    routeTableById: db.prepare<[string, string, string], RouteTableRow>(
      'SELECT * FROM route_tables WHERE route_table_id = ? AND account_id = ? AND region = ?',
    ),
    routeTablesOfScope: db.prepare<[string, string], RouteTableRow>(
      'SELECT * FROM route_tables WHERE account_id = ? AND region = ? ORDER BY seq',
    ),
    routeTablesOfVpc: db.prepare<[string], RouteTableRow>('SELECT * FROM route_tables WHERE vpc_id = ?'),
    deleteRouteTable: db.prepare<[string]>('DELETE FROM route_tables WHERE route_table_id = ?'),
  };

  const toAcl = (row: NetworkAclRow, aclTags: readonly Tag[]): Sequenced<NetworkAclRecord> => ({
    seq: row.seq,
    networkAclId: row.network_acl_id,
    vpcId: row.vpc_id,
    ownerId: row.account_id,
    isDefault: row.is_default === 1,
    tags: aclTags,
  });
  const toRouteTable = (row: RouteTableRow, tableTags: readonly Tag[]): Sequenced<RouteTableRecord> => ({
    seq: row.seq,
    routeTableId: row.route_table_id,
    vpcId: row.vpc_id,
    ownerId: row.account_id,
    mainAssociationId: row.main_association_id ?? undefined,
    tags: tableTags,
  });

  return {
    /** Creates a new VPC's default network ACL and main route table; returns the ACL's id. */
    insertVpcDefaults(scope: Scope, vpcId: string): { networkAclId: string; routeTableId: string } {
      const networkAclId = newNetworkAclId();
      sql.insertAcl.run(networkAclId, scope.accountId, scope.region, vpcId, 1);
      const routeTableId = newRouteTableId();
      sql.insertRouteTable.run(routeTableId, scope.accountId, scope.region, vpcId, newRouteTableAssociationId());
      return { networkAclId, routeTableId };
    },

    /** The id of the VPC's default network ACL (every VPC has one). */
    defaultNetworkAclIdOf(vpcId: string): string | undefined {
      return sql.defaultAclOfVpc.get(vpcId)?.network_acl_id;
    },

    /** Deletes the VPC's ACLs and route tables with their tags (the VPC is being deleted). */
    deleteVpcDefaults(vpcId: string): void {
      for (const row of sql.aclsOfVpc.all(vpcId)) {
        tags.deleteTagsOfResource(row.network_acl_id);
        sql.deleteAcl.run(row.network_acl_id);
      }
      for (const row of sql.routeTablesOfVpc.all(vpcId)) {
        tags.deleteTagsOfResource(row.route_table_id);
        sql.deleteRouteTable.run(row.route_table_id);
      }
    },

    getNetworkAcl(scope: Scope, networkAclId: string): Sequenced<NetworkAclRecord> | undefined {
      const row = sql.aclById.get(networkAclId, scope.accountId, scope.region);
      return row && toAcl(row, tags.tagsOf(row.network_acl_id));
    },
    listNetworkAcls(scope: Scope): Sequenced<NetworkAclRecord>[] {
      const byId = tags.tagsByResourceOfType(scope, 'network-acl');
      return sql.aclsOfScope.all(scope.accountId, scope.region).map((row) => toAcl(row, byId.get(row.network_acl_id) ?? []));
    },

    getRouteTable(scope: Scope, routeTableId: string): Sequenced<RouteTableRecord> | undefined {
      const row = sql.routeTableById.get(routeTableId, scope.accountId, scope.region);
      return row && toRouteTable(row, tags.tagsOf(row.route_table_id));
    },
    listRouteTables(scope: Scope): Sequenced<RouteTableRecord>[] {
      const byId = tags.tagsByResourceOfType(scope, 'route-table');
      return sql.routeTablesOfScope
        .all(scope.accountId, scope.region)
        .map((row) => toRouteTable(row, byId.get(row.route_table_id) ?? []));
    },
  };
}

export type VpcNetworkStore = ReturnType<typeof createVpcNetworkStore>;
