/**
 * VPC peering connections within one account and region: CreateVpcPeeringConnection,
 * AcceptVpcPeeringConnection, RejectVpcPeeringConnection, DeleteVpcPeeringConnection,
 * DescribeVpcPeeringConnections. An active connection lets a rule reference a group of the peer
 * VPC (server/security-groups/peering.ts).
 *
 * AWS rules (API reference, VPC peering guide, CLI examples, errors quoted in public issues;
 * docs/fidelity.md):
 * - a new connection is answered `initiating-request` ("Initiating Request to <account>") and is
 *   `pending-acceptance` ("Pending Acceptance by <account>") from then on, until accepted
 *   (answered `provisioning`, then `active`), rejected, deleted, or 7 days pass (`expired`);
 * - VPCs whose CIDR blocks overlap cannot be peered: the connection is created `failed` ("Failed due
 *   to incorrect VPC-ID, Account ID, or overlapping CIDR range"), not refused;
 * - creating one between two VPCs that already have a pending or active one answers that one;
 * - only a pending connection can be accepted or rejected, only a pending or active one deleted:
 *   otherwise `InvalidStateTransition: Invalid state transition for pcx-…, attempted to transition
 *   from <state> to <target>`;
 * - ended connections (rejected, deleted, failed) stay visible for 2 hours, expired ones 2 days;
 * - CIDR blocks and peering options of the accepter are shown once the connection is active.
 */
import type {
  AcceptVpcPeeringConnectionRequest,
  AcceptVpcPeeringConnectionResult,
  CreateVpcPeeringConnectionRequest,
  CreateVpcPeeringConnectionResult,
  DeleteVpcPeeringConnectionRequest,
  DescribeVpcPeeringConnectionsRequest,
  DescribeVpcPeeringConnectionsResult,
  RejectVpcPeeringConnectionRequest,
  VpcPeeringConnection,
  VpcPeeringConnectionStateReasonCode,
  VpcPeeringConnectionVpcInfo,
} from '@aws-sdk/client-ec2';
import { ipv4Range, ipv4RangesOverlap } from '../../protocol/cidr.js';
import { Ec2Error, ec2Error } from '../../protocol/errors.js';
import { isVpcPeeringConnectionId } from '../../store/ids.js';
import type { Sequenced } from '../../store/records.js';
import type { PeeringStatusCode, VpcPeeringRecord } from '../../store/vpc-peering.js';
import type { Deps, RequestContext } from '../context.js';
import { namedOrAll } from '../describe.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { takePage, validatePageRequest } from '../paging.js';
import { toSdkTags } from '../security-groups/views.js';
import { tagsFromSpecifications } from '../tags/rules.js';
import { requireVpcId } from '../vpcs/handlers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A request not accepted in 7 days expires. */
const ACCEPT_WITHIN = 7 * DAY;
/** How long ended connections stay visible (same account: 2 hours; expired: 2 days). */
const VISIBLE_AFTER_END = 2 * HOUR;
const VISIBLE_AFTER_EXPIRY = 2 * DAY;

const FAILED_MESSAGE = 'Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range';

/** A connection as it stands now: a pending one past its 7 days has expired. */
export function currentStatus(peering: VpcPeeringRecord, now: number): { code: PeeringStatusCode; message: string } {
  if (peering.statusCode === 'pending-acceptance' && now >= peering.createdAt + ACCEPT_WITHIN) {
    return { code: 'expired', message: 'Expired' };
  }
  return { code: peering.statusCode, message: peering.statusMessage };
}

function isVisible(peering: VpcPeeringRecord, now: number): boolean {
  const { code } = currentStatus(peering, now);
  if (code === 'expired') return now < peering.createdAt + ACCEPT_WITHIN + VISIBLE_AFTER_EXPIRY;
  if (peering.endedAt !== undefined) return now < peering.endedAt + VISIBLE_AFTER_END;
  return true;
}

function vpcInfo(
  peering: VpcPeeringRecord,
  side: 'requester' | 'accepter',
  withBlocks: boolean,
): VpcPeeringConnectionVpcInfo {
  const cidrBlock = side === 'requester' ? peering.requesterCidrBlock : peering.accepterCidrBlock;
  const info: VpcPeeringConnectionVpcInfo = {
    OwnerId: side === 'requester' ? peering.ownerId : peering.accepterOwnerId,
    VpcId: side === 'requester' ? peering.requesterVpcId : peering.accepterVpcId,
    Region: peering.region,
  };
  if (withBlocks) {
    info.CidrBlock = cidrBlock;
    info.CidrBlockSet = [{ CidrBlock: cidrBlock }];
    info.PeeringOptions = {
      AllowDnsResolutionFromRemoteVpc: false,
      AllowEgressFromLocalClassicLinkToRemoteVpc: false,
      AllowEgressFromLocalVpcToRemoteClassicLink: false,
    };
  }
  return info;
}

export function toVpcPeeringConnection(
  peering: VpcPeeringRecord,
  now: number,
  answeredAs?: { code: string; message: string },
): VpcPeeringConnection {
  const status = answeredAs ?? currentStatus(peering, now);
  const active = status.code === 'active' || status.code === 'provisioning';
  const awaiting = status.code === 'pending-acceptance' || status.code === 'initiating-request';
  return {
    // The accepter's blocks appear once it accepted; the requester's are known from the start.
    AccepterVpcInfo: vpcInfo(peering, 'accepter', active),
    ExpirationTime: awaiting ? new Date(peering.createdAt + ACCEPT_WITHIN) : undefined,
    RequesterVpcInfo: vpcInfo(peering, 'requester', true),
    Status: { Code: status.code as VpcPeeringConnectionStateReasonCode, Message: status.message },
    Tags: toSdkTags(peering.tags),
    VpcPeeringConnectionId: peering.vpcPeeringConnectionId,
  };
}

function requirePeeringId(id: string | undefined): string {
  if (id === undefined || id === '') throw ec2Error('MissingParameter', 'vpcPeeringConnectionId');
  if (!isVpcPeeringConnectionId(id)) throw ec2Error('InvalidVpcPeeringConnectionId.Malformed', id);
  return id;
}

function loadPeering(ctx: RequestContext, deps: Deps, id: string | undefined, now: number): VpcPeeringRecord {
  const peeringId = requirePeeringId(id);
  const peering = deps.store.getVpcPeering(ctx.scope, peeringId);
  if (!peering || !isVisible(peering, now)) throw ec2Error('InvalidVpcPeeringConnectionID.NotFound', peeringId);
  return peering;
}

function invalidTransition(peering: VpcPeeringRecord, from: string, to: string): Ec2Error {
  return ec2Error('InvalidStateTransition', peering.vpcPeeringConnectionId, from, to);
}

// ---------------------------------------------------------------- actions

export function createVpcPeeringConnection(
  input: CreateVpcPeeringConnectionRequest,
  ctx: RequestContext,
  deps: Deps,
): CreateVpcPeeringConnectionResult {
  const now = Date.now();
  const vpcId = requireVpcId(input.VpcId);
  const peerVpcId = input.PeerVpcId;
  if (peerVpcId === undefined || peerVpcId === '') throw ec2Error('MissingParameter', 'peerVpcId');
  const tags = tagsFromSpecifications(input.TagSpecifications, 'vpc-peering-connection');
  const { store } = deps;
  const vpc = store.getVpc(ctx.scope, vpcId);
  if (!vpc) throw ec2Error('InvalidVpcID.NotFound', vpcId);
  const accepterOwnerId = input.PeerOwnerId ?? ctx.scope.accountId;
  const sameScope = accepterOwnerId === ctx.scope.accountId && (input.PeerRegion ?? ctx.scope.region) === ctx.scope.region;
  // Only this account and region exist from here: a peer elsewhere cannot be found, which AWS
  // reports on the connection (failed), not on the request.
  const peerVpc = sameScope ? store.getVpc(ctx.scope, peerVpcId) : undefined;
  if (sameScope && !peerVpc) throw ec2Error('InvalidVpcID.NotFound', peerVpcId);

  const existing = peerVpc
    ? store
        .vpcPeeringsBetween(vpcId, peerVpcId)
        .find((p) => p.requesterVpcId === vpcId && ['pending-acceptance', 'active'].includes(currentStatus(p, now).code))
    : undefined;
  if (existing) return { VpcPeeringConnection: toVpcPeeringConnection(existing, now) };

  const overlaps =
    peerVpc === undefined || peerVpc.vpcId === vpc.vpcId || ipv4RangesOverlap(ipv4Range(vpc.cidrBlock), ipv4Range(peerVpc.cidrBlock));
  const id = store.insertVpcPeering(ctx.scope, {
    requesterVpcId: vpcId,
    requesterCidrBlock: vpc.cidrBlock,
    accepterVpcId: peerVpcId,
    accepterCidrBlock: peerVpc?.cidrBlock ?? '',
    accepterOwnerId,
    statusCode: overlaps ? 'failed' : 'pending-acceptance',
    statusMessage: overlaps ? FAILED_MESSAGE : `Pending Acceptance by ${accepterOwnerId}`,
    createdAt: now,
    ...(overlaps ? { endedAt: now } : {}),
  });
  if (tags.length > 0) store.setTags(ctx.scope, id, 'vpc-peering-connection', tags);
  const peering = store.getVpcPeering(ctx.scope, id)!;
  const answer = overlaps ? undefined : { code: 'initiating-request', message: `Initiating Request to ${accepterOwnerId}` };
  return { VpcPeeringConnection: toVpcPeeringConnection(peering, now, answer) };
}

export function acceptVpcPeeringConnection(
  input: AcceptVpcPeeringConnectionRequest,
  ctx: RequestContext,
  deps: Deps,
): AcceptVpcPeeringConnectionResult {
  const now = Date.now();
  const peering = loadPeering(ctx, deps, input.VpcPeeringConnectionId, now);
  const { code } = currentStatus(peering, now);
  if (code !== 'pending-acceptance') throw invalidTransition(peering, code, 'provisioning');
  // Two VPCs have at most one active connection; accepting a second one is refused.
  const active = deps.store
    .vpcPeeringsBetween(peering.requesterVpcId, peering.accepterVpcId)
    .find((p) => p.statusCode === 'active');
  if (active) throw ec2Error('VpcPeeringConnectionAlreadyExists', active.vpcPeeringConnectionId);
  deps.store.setVpcPeeringStatus(peering.vpcPeeringConnectionId, 'active', 'Active', undefined);
  const accepted = deps.store.getVpcPeering(ctx.scope, peering.vpcPeeringConnectionId)!;
  return { VpcPeeringConnection: toVpcPeeringConnection(accepted, now, { code: 'provisioning', message: 'Provisioning' }) };
}

/**
 * Ends a connection (rejected or deleted) if AWS allows that from the state it is in; `attempted`
 * is the state AWS names in its InvalidStateTransition text.
 */
function endPeering(
  id: string | undefined,
  ctx: RequestContext,
  deps: Deps,
  move: { from: readonly PeeringStatusCode[]; attempted: string; to: 'rejected' | 'deleted'; message: string },
): { Return: boolean } {
  const now = Date.now();
  const peering = loadPeering(ctx, deps, id, now);
  const { code } = currentStatus(peering, now);
  if (!move.from.includes(code)) throw invalidTransition(peering, code, move.attempted);
  deps.store.setVpcPeeringStatus(peering.vpcPeeringConnectionId, move.to, move.message, now);
  return { Return: true };
}

export function rejectVpcPeeringConnection(
  input: RejectVpcPeeringConnectionRequest,
  ctx: RequestContext,
  deps: Deps,
): { Return: boolean } {
  const message = `Rejected by ${ctx.scope.accountId}`;
  return endPeering(input.VpcPeeringConnectionId, ctx, deps, { from: ['pending-acceptance'], attempted: 'rejected', to: 'rejected', message });
}

export function deleteVpcPeeringConnection(
  input: DeleteVpcPeeringConnectionRequest,
  ctx: RequestContext,
  deps: Deps,
): { Return: boolean } {
  const message = `Deleted by ${ctx.scope.accountId}`;
  const from = ['pending-acceptance', 'active'] as const;
  return endPeering(input.VpcPeeringConnectionId, ctx, deps, { from, attempted: 'deleting', to: 'deleted', message });
}

/** DeleteVpc ends the VPC's pending and active connections, as deleting them would. */
export function endPeeringsOfVpc(ctx: RequestContext, deps: Deps, vpcId: string): void {
  const now = Date.now();
  for (const peering of deps.store.vpcPeeringsOfVpc(vpcId)) {
    const { code } = currentStatus(peering, now);
    if (code === 'pending-acceptance' || code === 'active') {
      deps.store.setVpcPeeringStatus(peering.vpcPeeringConnectionId, 'deleted', `Deleted by ${ctx.scope.accountId}`, now);
    }
  }
}

type PeeringView = Sequenced<VpcPeeringRecord> & { readonly status: { code: string; message: string } };

const PEERING_FILTERS: FilterTable<PeeringView> = {
  tags: (p) => p.tags,
  filters: {
    'accepter-vpc-info.cidr-block': { values: (p) => (p.status.code === 'active' ? [p.accepterCidrBlock] : []) },
    'accepter-vpc-info.owner-id': { values: (p) => [p.accepterOwnerId] },
    'accepter-vpc-info.vpc-id': { values: (p) => [p.accepterVpcId] },
    // Only a connection awaiting acceptance has an expiration time (as it shows one).
    'expiration-time': {
      values: (p) => (p.status.code === 'pending-acceptance' ? [new Date(p.createdAt + ACCEPT_WITHIN).toISOString()] : []),
    },
    'requester-vpc-info.cidr-block': { values: (p) => [p.requesterCidrBlock] },
    'requester-vpc-info.owner-id': { values: (p) => [p.ownerId] },
    'requester-vpc-info.vpc-id': { values: (p) => [p.requesterVpcId] },
    'status-code': { values: (p) => [p.status.code] },
    'status-message': { values: (p) => [p.status.message] },
    'vpc-peering-connection-id': { values: (p) => [p.vpcPeeringConnectionId] },
  },
};

export function describeVpcPeeringConnections(
  input: DescribeVpcPeeringConnectionsRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeVpcPeeringConnectionsResult {
  validatePageRequest(input);
  const matches = compileFilters(input.Filters, PEERING_FILTERS);
  const now = Date.now();
  const shown = (p: VpcPeeringRecord) => isVisible(p, now) && deps.realism.isVisible(p.vpcPeeringConnectionId);
  const peerings = namedOrAll(input.VpcPeeringConnectionIds, {
    find: (id) => {
      if (!isVpcPeeringConnectionId(id)) throw ec2Error('InvalidVpcPeeringConnectionId.Malformed', id);
      const peering = deps.store.getVpcPeering(ctx.scope, id);
      return peering && shown(peering) ? peering : undefined;
    },
    notFound: (id) => ec2Error('InvalidVpcPeeringConnectionID.NotFound', id),
    all: () => deps.store.listVpcPeerings(ctx.scope).filter(shown),
  });
  const views = peerings.map((p) => ({ ...p, status: currentStatus(p, now) }));
  const page = takePage(views.filter(matches), input);
  return { VpcPeeringConnections: page.items.map((p) => toVpcPeeringConnection(p, now)), NextToken: page.nextToken };
}
