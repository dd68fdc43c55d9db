/**
 * VPC peering connections between two VPCs of one account and region. A connection keeps the
 * CIDR blocks its VPCs had, because it stays visible for a while after it ended (and after either
 * VPC is gone). Its status moves only through `setPeeringStatus`; the handlers decide which moves
 * AWS allows.
 */
import type { Db } from './db.js';
import { newVpcPeeringConnectionId } from './ids.js';
import type { Scope, Sequenced, Tag } from './records.js';
import type { TagStore } from './tags.js';

export type PeeringStatusCode = 'pending-acceptance' | 'active' | 'rejected' | 'deleted' | 'failed' | 'expired';

export interface VpcPeeringRecord {
  readonly vpcPeeringConnectionId: string;
  readonly ownerId: string;
  readonly region: string;
  readonly requesterVpcId: string;
  readonly requesterCidrBlock: string;
  readonly accepterVpcId: string;
  readonly accepterCidrBlock: string;
  readonly accepterOwnerId: string;
  readonly statusCode: PeeringStatusCode;
  readonly statusMessage: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** When it became rejected, deleted or failed. */
  readonly endedAt: number | undefined;
  readonly tags: readonly Tag[];
}

interface PeeringRow {
  seq: number;
  vpc_peering_connection_id: string;
  account_id: string;
  region: string;
  requester_vpc_id: string;
  requester_cidr_block: string;
  accepter_vpc_id: string;
  accepter_cidr_block: string;
  accepter_owner_id: string;
  status_code: PeeringStatusCode;
  status_message: string;
  created_at: number;
  ended_at: number | null;
}

export type NewVpcPeering = Pick<
  VpcPeeringRecord,
  'requesterVpcId' | 'requesterCidrBlock' | 'accepterVpcId' | 'accepterCidrBlock' | 'accepterOwnerId' | 'statusCode' | 'statusMessage' | 'createdAt'
> & { readonly endedAt?: number };

export function createVpcPeeringStore(db: Db, tags: TagStore) {
  const sql = {
    insert: db.prepare<[string, string, string, string, string, string, string, string, string, string, number, number | null]>(
      `INSERT INTO vpc_peering_connections (vpc_peering_connection_id, account_id, region, requester_vpc_id,
         requester_cidr_block, accepter_vpc_id, accepter_cidr_block, accepter_owner_id, status_code, status_message,
         created_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    byId: db.prepare<[string, string, string], PeeringRow>(
      'SELECT * FROM vpc_peering_connections WHERE vpc_peering_connection_id = ? AND account_id = ? AND region = ?',
    ),
    ofScope: db.prepare<[string, string], PeeringRow>(
      'SELECT * FROM vpc_peering_connections WHERE account_id = ? AND region = ? ORDER BY seq',
    ),
    // Newest first: the connection that speaks for a pair of VPCs is its active one, else its latest.
    betweenVpcs: db.prepare<[string, string, string, string], PeeringRow>(
      `SELECT * FROM vpc_peering_connections
       WHERE (requester_vpc_id = ? AND accepter_vpc_id = ?) OR (requester_vpc_id = ? AND accepter_vpc_id = ?)
       ORDER BY status_code = 'active' DESC, seq DESC`,
    ),
    ofVpc: db.prepare<[string, string], PeeringRow>(
      'SELECT * FROM vpc_peering_connections WHERE requester_vpc_id = ? OR accepter_vpc_id = ? ORDER BY seq',
    ),
    setStatus: db.prepare<[string, string, number | null, string]>(
      'UPDATE vpc_peering_connections SET status_code = ?, status_message = ?, ended_at = ? WHERE vpc_peering_connection_id = ?',
    ),
  };

  const toRecord = (row: PeeringRow, peeringTags: readonly Tag[]): Sequenced<VpcPeeringRecord> => ({
    seq: row.seq,
    vpcPeeringConnectionId: row.vpc_peering_connection_id,
    ownerId: row.account_id,
    region: row.region,
    requesterVpcId: row.requester_vpc_id,
    requesterCidrBlock: row.requester_cidr_block,
    accepterVpcId: row.accepter_vpc_id,
    accepterCidrBlock: row.accepter_cidr_block,
    accepterOwnerId: row.accepter_owner_id,
    statusCode: row.status_code,
    statusMessage: row.status_message,
    createdAt: row.created_at,
    endedAt: row.ended_at ?? undefined,
    tags: peeringTags,
  });
  const untagged = (row: PeeringRow) => toRecord(row, tags.tagsOf(row.vpc_peering_connection_id));

  return {
    insertVpcPeering(scope: Scope, peering: NewVpcPeering): string {
      const id = newVpcPeeringConnectionId();
      sql.insert.run(
        id,
        scope.accountId,
        scope.region,
        peering.requesterVpcId,
        peering.requesterCidrBlock,
        peering.accepterVpcId,
        peering.accepterCidrBlock,
        peering.accepterOwnerId,
        peering.statusCode,
        peering.statusMessage,
        peering.createdAt,
        peering.endedAt ?? null,
      );
      return id;
    },
    getVpcPeering(scope: Scope, id: string): Sequenced<VpcPeeringRecord> | undefined {
      const row = sql.byId.get(id, scope.accountId, scope.region);
      return row && untagged(row);
    },
    listVpcPeerings(scope: Scope): Sequenced<VpcPeeringRecord>[] {
      const byId = tags.tagsByResourceOfType(scope, 'vpc-peering-connection');
      return sql.ofScope.all(scope.accountId, scope.region).map((row) => toRecord(row, byId.get(row.vpc_peering_connection_id) ?? []));
    },
    /** Every connection between the two VPCs, the active one first, then newest first. */
    vpcPeeringsBetween(vpcA: string, vpcB: string): Sequenced<VpcPeeringRecord>[] {
      return sql.betweenVpcs.all(vpcA, vpcB, vpcB, vpcA).map(untagged);
    },
    /** Every connection either side of which is the VPC. */
    vpcPeeringsOfVpc(vpcId: string): Sequenced<VpcPeeringRecord>[] {
      return sql.ofVpc.all(vpcId, vpcId).map(untagged);
    },
    setVpcPeeringStatus(id: string, code: PeeringStatusCode, message: string, endedAt: number | undefined): void {
      sql.setStatus.run(code, message, endedAt ?? null, id);
    },
  };
}

export type VpcPeeringStore = ReturnType<typeof createVpcPeeringStore>;
