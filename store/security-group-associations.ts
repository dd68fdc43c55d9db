/**
 * Security groups associated with VPCs other than their own (AssociateSecurityGroupVpc, 2024).
 * One row per (group, VPC) pair, always `associated`: AWS answers `associating` / `disassociating`
 * from the mutating calls, and a disassociated pair is deleted at once, so no describe call ever
 * shows a lingering `disassociated` item (Terraform's delete waiter waits for the item to vanish).
 *
 * The rows' foreign keys keep a group or VPC that still has associations from being deleted
 * underneath them; the handlers answer DependencyViolation before that.
 */
import type { Db } from './db.js';
import type { Scope, Sequenced } from './records.js';

export type SecurityGroupVpcAssociationState = 'associated';

export interface SecurityGroupVpcAssociationRecord {
  readonly groupId: string;
  readonly vpcId: string;
  /** Same account and region only: the group's owner is the VPC's owner. */
  readonly ownerId: string;
  readonly state: SecurityGroupVpcAssociationState;
}

interface AssociationRow {
  seq: number;
  group_id: string;
  vpc_id: string;
  account_id: string;
  region: string;
  state: SecurityGroupVpcAssociationState;
}

export function createSecurityGroupAssociationStore(db: Db) {
  const sql = {
    insert: db.prepare<[string, string, string, string, SecurityGroupVpcAssociationState]>(
      `INSERT INTO security_group_vpc_associations (group_id, vpc_id, account_id, region, state)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    byPair: db.prepare<[string, string, string, string], AssociationRow>(
      `SELECT * FROM security_group_vpc_associations
       WHERE group_id = ? AND vpc_id = ? AND account_id = ? AND region = ?`,
    ),
    ofScope: db.prepare<[string, string], AssociationRow>(
      'SELECT * FROM security_group_vpc_associations WHERE account_id = ? AND region = ? ORDER BY seq',
    ),
    groupIdsOfVpc: db
      .prepare<[string], string>('SELECT group_id FROM security_group_vpc_associations WHERE vpc_id = ? ORDER BY seq')
      .pluck(true),
    groupHasAny: db
      .prepare<[string], number>('SELECT 1 FROM security_group_vpc_associations WHERE group_id = ? LIMIT 1')
      .pluck(true),
    vpcHasAny: db.prepare<[string], number>('SELECT 1 FROM security_group_vpc_associations WHERE vpc_id = ? LIMIT 1').pluck(true),
    heldInVpc: db
      .prepare<[string, string], number>(
        `SELECT 1 FROM network_interface_groups ng
         JOIN network_interfaces n ON n.network_interface_id = ng.network_interface_id
         WHERE ng.group_id = ? AND n.vpc_id = ? LIMIT 1`,
      )
      .pluck(true),
    delete: db.prepare<[string, string]>('DELETE FROM security_group_vpc_associations WHERE group_id = ? AND vpc_id = ?'),
  };

  const toAssociation = (row: AssociationRow): Sequenced<SecurityGroupVpcAssociationRecord> => ({
    seq: row.seq,
    groupId: row.group_id,
    vpcId: row.vpc_id,
    ownerId: row.account_id,
    state: row.state,
  });

  return {
    insertSecurityGroupVpcAssociation(scope: Scope, groupId: string, vpcId: string): void {
      sql.insert.run(groupId, vpcId, scope.accountId, scope.region, 'associated');
    },
    getSecurityGroupVpcAssociation(
      scope: Scope,
      groupId: string,
      vpcId: string,
    ): Sequenced<SecurityGroupVpcAssociationRecord> | undefined {
      const row = sql.byPair.get(groupId, vpcId, scope.accountId, scope.region);
      return row && toAssociation(row);
    },
    listSecurityGroupVpcAssociations(scope: Scope): Sequenced<SecurityGroupVpcAssociationRecord>[] {
      return sql.ofScope.all(scope.accountId, scope.region).map(toAssociation);
    },
    /** The groups associated with the VPC (not its own groups), in association order. */
    groupIdsAssociatedWithVpc(vpcId: string): string[] {
      return sql.groupIdsOfVpc.all(vpcId);
    },
    isGroupAssociatedWithVpc(scope: Scope, groupId: string, vpcId: string): boolean {
      return sql.byPair.get(groupId, vpcId, scope.accountId, scope.region) !== undefined;
    },
    /** Whether the group is associated with any VPC (DeleteSecurityGroup's DependencyViolation). */
    groupHasVpcAssociations(groupId: string): boolean {
      return sql.groupHasAny.get(groupId) !== undefined;
    },
    /** Whether any group is associated with the VPC (DeleteVpc's DependencyViolation). */
    vpcHasSecurityGroupAssociations(vpcId: string): boolean {
      return sql.vpcHasAny.get(vpcId) !== undefined;
    },
    /** Whether a network interface in the VPC holds the group (DisassociateSecurityGroupVpc's DependencyViolation). */
    isGroupHeldByInterfaceInVpc(groupId: string, vpcId: string): boolean {
      return sql.heldInVpc.get(groupId, vpcId) !== undefined;
    },
    deleteSecurityGroupVpcAssociation(groupId: string, vpcId: string): void {
      sql.delete.run(groupId, vpcId);
    },
  };
}

export type SecurityGroupAssociationStore = ReturnType<typeof createSecurityGroupAssociationStore>;
