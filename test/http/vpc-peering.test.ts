/**
 * VPC peering connections through raw form bodies (app.inject): CreateVpcPeeringConnection,
 * AcceptVpcPeeringConnection, RejectVpcPeeringConnection, DeleteVpcPeeringConnection,
 * DescribeVpcPeeringConnections, and the wire form of DescribeSecurityGroupReferences and
 * DescribeStaleSecurityGroups. Every state and transition (with the answers that differ from the
 * stored state: `initiating-request` from Create, `provisioning` from Accept), every error text,
 * how long ended connections stay visible, filters, paging, tags, validation before DryRun, and
 * DeleteVpc ending its connections. The AWS rules and their evidence are in the header comments of
 * server/vpc-peering/handlers.ts and server/security-groups/peering.ts, and research/issue11-aws.md.
 *
 * The clock is frozen (only `Date` is faked) so expiration times are exact and the visibility
 * windows (2 hours after an end, 7 days to accept, 2 more days once expired) can be crossed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, errorOf, filterFields as filters, items, rawClient, type Fields, type Item } from '../helpers/inject.js';


const ACCOUNT = '000000000000';
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0, 250);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Creation + 7 days, as AWS writes it: ISO 8601, UTC, milliseconds. */
const EXPIRES = '2026-01-22T12:00:00.250Z';
const DRY_RUN_TEXT = 'Request would have succeeded, but DryRun flag is set.';
const FAILED_TEXT = 'Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range';
const NO_OPTIONS = {
  allowDnsResolutionFromRemoteVpc: 'false',
  allowEgressFromLocalClassicLinkToRemoteVpc: 'false',
  allowEgressFromLocalVpcToRemoteClassicLink: 'false',
};


function emulator() {
  const { app, store } = buildTestApp();
  const { call, ok, fails } = rawClient(app);


  const self = {
    app,
    store,
    call,
    ok,
    fails,
    async createVpc(cidr: string): Promise<string> {
      return (await ok('CreateVpc', { CidrBlock: cidr })).vpc.vpcId;
    },
    /** CreateVpcPeeringConnection's `<vpcPeeringConnection>`. */
    async create(vpcId: string, peerVpcId: string, extra: Fields = {}): Promise<Item> {
      return (await ok('CreateVpcPeeringConnection', { VpcId: vpcId, PeerVpcId: peerVpcId, ...extra })).vpcPeeringConnection;
    },
    async accept(id: string): Promise<Item> {
      return (await ok('AcceptVpcPeeringConnection', { VpcPeeringConnectionId: id })).vpcPeeringConnection;
    },
    async list(fields: Fields = {}): Promise<Item[]> {
      return items((await ok('DescribeVpcPeeringConnections', fields)).vpcPeeringConnectionSet);
    },
    async peering(id: string): Promise<Item> {
      const found = await self.list({ 'VpcPeeringConnectionId.1': id });
      expect(found).toHaveLength(1);
      return found[0]!;
    },
    async status(id: string): Promise<Item> {
      return (await self.peering(id)).status;
    },
    /** Two VPCs that may be peered (10.1.0.0/16 and 10.2.0.0/16). */
    async twoVpcs(): Promise<[string, string]> {
      return [await self.createVpc('10.1.0.0/16'), await self.createVpc('10.2.0.0/16')];
    },
  };
  return self;
}

const ids = (list: Item[]): string[] => list.map((p) => p.vpcPeeringConnectionId);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

// ====================================================================== the lifecycle

describe('CreateVpcPeeringConnection', () => {
  it('answers initiating-request with the requester blocks and options, the accepter without, and the expiration time', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const res = await ec2.call('CreateVpcPeeringConnection', { VpcId: a, PeerVpcId: b });
    expect(res.status).toBe(200);
    const root = res.xml.CreateVpcPeeringConnectionResponse;
    expect(root['@_xmlns']).toBe('http://ec2.amazonaws.com/doc/2016-11-15/');
    expect(typeof root.requestId).toBe('string');
    const pcx = root.vpcPeeringConnection;
    expect(pcx.vpcPeeringConnectionId).toMatch(/^pcx-[0-9a-f]{17}$/);
    expect(pcx).toEqual({
      accepterVpcInfo: { ownerId: ACCOUNT, vpcId: b, region: 'us-east-1' },
      expirationTime: EXPIRES,
      requesterVpcInfo: {
        cidrBlock: '10.1.0.0/16',
        cidrBlockSet: { item: [{ cidrBlock: '10.1.0.0/16' }] },
        ownerId: ACCOUNT,
        peeringOptions: NO_OPTIONS,
        vpcId: a,
        region: 'us-east-1',
      },
      status: { code: 'initiating-request', message: `Initiating Request to ${ACCOUNT}` },
      tagSet: '',
      vpcPeeringConnectionId: pcx.vpcPeeringConnectionId,
    });
    // The API reference's element order.
    const order = ['<accepterVpcInfo>', '<expirationTime>', '<requesterVpcInfo>', '<status>', '<tagSet/>', '<vpcPeeringConnectionId>'];
    const positions = order.map((element) => res.body.indexOf(element));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
  });

  it('is pending-acceptance from then on, with the same expiration time', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const { vpcPeeringConnectionId: id } = await ec2.create(a, b);
    const described = await ec2.peering(id);
    expect(described.status).toEqual({ code: 'pending-acceptance', message: `Pending Acceptance by ${ACCOUNT}` });
    expect(described.expirationTime).toBe(EXPIRES);
    expect(described.accepterVpcInfo).toEqual({ ownerId: ACCOUNT, vpcId: b, region: 'us-east-1' });
    expect(described.requesterVpcInfo.cidrBlock).toBe('10.1.0.0/16');
  });

  it('creates it failed, with its message, when the blocks overlap or both sides are the same VPC', async () => {
    const ec2 = emulator();
    const a = await ec2.createVpc('10.0.0.0/16');
    const inside = await ec2.createVpc('10.0.128.0/17');
    const overlapping = await ec2.create(a, inside);
    expect(overlapping.status).toEqual({ code: 'failed', message: FAILED_TEXT });
    expect(overlapping.expirationTime).toBeUndefined();
    expect(overlapping.accepterVpcInfo).toEqual({ ownerId: ACCOUNT, vpcId: inside, region: 'us-east-1' });
    const self = await ec2.create(a, a);
    expect(self.status).toEqual({ code: 'failed', message: FAILED_TEXT });
    expect(self.vpcPeeringConnectionId).not.toBe(overlapping.vpcPeeringConnectionId);
    // Both are listed, failed.
    expect((await ec2.status(overlapping.vpcPeeringConnectionId)).code).toBe('failed');
    expect((await ec2.status(self.vpcPeeringConnectionId)).code).toBe('failed');
  });

  it('creates it failed for a peer in another account or region (which cannot be looked up here)', async () => {
    const ec2 = emulator();
    const [a] = await ec2.twoVpcs();
    const other = await ec2.create(a, 'vpc-0123456789abcdef0', { PeerOwnerId: '111122223333' });
    expect(other.status).toEqual({ code: 'failed', message: FAILED_TEXT });
    expect(other.accepterVpcInfo).toEqual({ ownerId: '111122223333', vpcId: 'vpc-0123456789abcdef0', region: 'us-east-1' });
    const elsewhere = await ec2.create(a, 'vpc-0123456789abcdef0', { PeerRegion: 'eu-west-1' });
    expect(elsewhere.status.code).toBe('failed');
  });

  it('answers the existing connection, pending or active, for the same two VPCs in the same direction', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const first = await ec2.create(a, b);
    const again = await ec2.create(a, b);
    expect(again.vpcPeeringConnectionId).toBe(first.vpcPeeringConnectionId);
    expect(again.status).toEqual({ code: 'pending-acceptance', message: `Pending Acceptance by ${ACCOUNT}` });
    await ec2.accept(first.vpcPeeringConnectionId);
    const whileActive = await ec2.create(a, b);
    expect(whileActive.vpcPeeringConnectionId).toBe(first.vpcPeeringConnectionId);
    expect(whileActive.status).toEqual({ code: 'active', message: 'Active' });
    expect(await ec2.list()).toHaveLength(1);
    // Once deleted, a new request is a new connection.
    await ec2.ok('DeleteVpcPeeringConnection', { VpcPeeringConnectionId: first.vpcPeeringConnectionId });
    const fresh = await ec2.create(a, b);
    expect(fresh.vpcPeeringConnectionId).not.toBe(first.vpcPeeringConnectionId);
    expect(fresh.status.code).toBe('initiating-request');
  });

  it('creates a second connection in the other direction; accepting it while one is active is VpcPeeringConnectionAlreadyExists', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const forward = await ec2.create(a, b);
    const reverse = await ec2.create(b, a);
    expect(reverse.vpcPeeringConnectionId).not.toBe(forward.vpcPeeringConnectionId);
    await ec2.accept(forward.vpcPeeringConnectionId);
    await ec2.fails(
      'AcceptVpcPeeringConnection',
      { VpcPeeringConnectionId: reverse.vpcPeeringConnectionId },
      'VpcPeeringConnectionAlreadyExists',
      `The vpc peering connection identified by ${forward.vpcPeeringConnectionId} already exists.`,
    );
    // It stays pending.
    expect((await ec2.status(reverse.vpcPeeringConnectionId)).code).toBe('pending-acceptance');
    // Asking again in the reverse direction answers the pending reverse connection.
    const another = await ec2.create(b, a);
    expect(another.vpcPeeringConnectionId).toBe(reverse.vpcPeeringConnectionId);
  });

  it('answers MissingParameter, Malformed and NotFound for the VPC ids', async () => {
    const ec2 = emulator();
    const [a] = await ec2.twoVpcs();
    await ec2.fails('CreateVpcPeeringConnection', { PeerVpcId: a }, 'MissingParameter', 'The request must contain the parameter vpcId');
    await ec2.fails('CreateVpcPeeringConnection', { VpcId: a }, 'MissingParameter', 'The request must contain the parameter peerVpcId');
    await ec2.fails('CreateVpcPeeringConnection', { VpcId: 'vpc-xyz', PeerVpcId: a }, 'InvalidVpcID.Malformed', 'Invalid id: "vpc-xyz" (expecting "vpc-...")');
    await ec2.fails(
      'CreateVpcPeeringConnection',
      { VpcId: 'vpc-12345678', PeerVpcId: a },
      'InvalidVpcID.NotFound',
      "The vpc ID 'vpc-12345678' does not exist",
    );
    await ec2.fails(
      'CreateVpcPeeringConnection',
      { VpcId: a, PeerVpcId: 'vpc-87654321' },
      'InvalidVpcID.NotFound',
      "The vpc ID 'vpc-87654321' does not exist",
    );
    expect(await ec2.list()).toEqual([]);
  });

  it('validates before DryRun: a valid request answers DryRunOperation and creates nothing; an invalid one its error', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    await ec2.fails('CreateVpcPeeringConnection', { VpcId: a, PeerVpcId: b, DryRun: 'true' }, 'DryRunOperation', DRY_RUN_TEXT, 412);
    expect(await ec2.list()).toEqual([]);
    await ec2.fails(
      'CreateVpcPeeringConnection',
      { VpcId: a, PeerVpcId: 'vpc-87654321', DryRun: 'true' },
      'InvalidVpcID.NotFound',
      "The vpc ID 'vpc-87654321' does not exist",
    );
    await ec2.fails(
      'CreateVpcPeeringConnection',
      { VpcId: a, PeerVpcId: b, DryRun: 'true', 'TagSpecification.1.ResourceType': 'vpc', 'TagSpecification.1.Tag.1.Key': 'k' },
      'InvalidParameterValue',
      "'vpc' is not a valid taggable resource type for this operation.",
    );
  });
});

describe('AcceptVpcPeeringConnection', () => {
  it('answers provisioning with both sides’ blocks and options and no expiration time; it is active from then on', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const { vpcPeeringConnectionId: id } = await ec2.create(a, b);
    const accepted = await ec2.accept(id);
    expect(accepted).toEqual({
      accepterVpcInfo: {
        cidrBlock: '10.2.0.0/16',
        cidrBlockSet: { item: [{ cidrBlock: '10.2.0.0/16' }] },
        ownerId: ACCOUNT,
        peeringOptions: NO_OPTIONS,
        vpcId: b,
        region: 'us-east-1',
      },
      requesterVpcInfo: {
        cidrBlock: '10.1.0.0/16',
        cidrBlockSet: { item: [{ cidrBlock: '10.1.0.0/16' }] },
        ownerId: ACCOUNT,
        peeringOptions: NO_OPTIONS,
        vpcId: a,
        region: 'us-east-1',
      },
      status: { code: 'provisioning', message: 'Provisioning' },
      tagSet: '',
      vpcPeeringConnectionId: id,
    });
    const active = await ec2.peering(id);
    expect(active.status).toEqual({ code: 'active', message: 'Active' });
    expect(active.expirationTime).toBeUndefined();
    expect(active.accepterVpcInfo.cidrBlock).toBe('10.2.0.0/16');
  });

  it('refuses anything but a pending connection with InvalidStateTransition … to provisioning', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const c = await ec2.createVpc('10.3.0.0/16');
    const active = (await ec2.create(a, b)).vpcPeeringConnectionId;
    await ec2.accept(active);
    const rejected = (await ec2.create(a, c)).vpcPeeringConnectionId;
    await ec2.ok('RejectVpcPeeringConnection', { VpcPeeringConnectionId: rejected });
    const deleted = (await ec2.create(b, c)).vpcPeeringConnectionId;
    await ec2.ok('DeleteVpcPeeringConnection', { VpcPeeringConnectionId: deleted });
    const failed = (await ec2.create(a, a)).vpcPeeringConnectionId;
    for (const [id, from] of [
      [active, 'active'],
      [rejected, 'rejected'],
      [deleted, 'deleted'],
      [failed, 'failed'],
    ] as const) {
      await ec2.fails(
        'AcceptVpcPeeringConnection',
        { VpcPeeringConnectionId: id },
        'InvalidStateTransition',
        `Invalid state transition for ${id}, attempted to transition from ${from} to provisioning`,
      );
    }
  });

  it('validates before DryRun', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const { vpcPeeringConnectionId: id } = await ec2.create(a, b);
    await ec2.fails('AcceptVpcPeeringConnection', { VpcPeeringConnectionId: id, DryRun: 'true' }, 'DryRunOperation', DRY_RUN_TEXT, 412);
    expect((await ec2.status(id)).code).toBe('pending-acceptance');
    await ec2.accept(id);
    await ec2.fails(
      'AcceptVpcPeeringConnection',
      { VpcPeeringConnectionId: id, DryRun: 'true' },
      'InvalidStateTransition',
      `Invalid state transition for ${id}, attempted to transition from active to provisioning`,
    );
  });
});

describe('RejectVpcPeeringConnection', () => {
  it('rejects a pending connection: <return>true</return>, then rejected "Rejected by <account>" without expiration time', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const { vpcPeeringConnectionId: id } = await ec2.create(a, b);
    const res = await ec2.call('RejectVpcPeeringConnection', { VpcPeeringConnectionId: id });
    expect(res.status).toBe(200);
    expect(res.xml.RejectVpcPeeringConnectionResponse.return).toBe('true');
    const rejected = await ec2.peering(id);
    expect(rejected.status).toEqual({ code: 'rejected', message: `Rejected by ${ACCOUNT}` });
    expect(rejected.expirationTime).toBeUndefined();
    expect(rejected.accepterVpcInfo).toEqual({ ownerId: ACCOUNT, vpcId: b, region: 'us-east-1' });
  });

  it('refuses anything but a pending connection with InvalidStateTransition … to rejected', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const { vpcPeeringConnectionId: id } = await ec2.create(a, b);
    await ec2.accept(id);
    await ec2.fails(
      'RejectVpcPeeringConnection',
      { VpcPeeringConnectionId: id },
      'InvalidStateTransition',
      `Invalid state transition for ${id}, attempted to transition from active to rejected`,
    );
    await ec2.ok('DeleteVpcPeeringConnection', { VpcPeeringConnectionId: id });
    await ec2.fails(
      'RejectVpcPeeringConnection',
      { VpcPeeringConnectionId: id },
      'InvalidStateTransition',
      `Invalid state transition for ${id}, attempted to transition from deleted to rejected`,
    );
  });

  it('validates before DryRun', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const { vpcPeeringConnectionId: id } = await ec2.create(a, b);
    await ec2.fails('RejectVpcPeeringConnection', { VpcPeeringConnectionId: id, DryRun: 'true' }, 'DryRunOperation', DRY_RUN_TEXT, 412);
    expect((await ec2.status(id)).code).toBe('pending-acceptance');
    await ec2.fails(
      'RejectVpcPeeringConnection',
      { VpcPeeringConnectionId: 'pcx-12345678', DryRun: 'true' },
      'InvalidVpcPeeringConnectionID.NotFound',
      "The vpcPeeringConnection ID 'pcx-12345678' does not exist",
    );
  });
});

describe('DeleteVpcPeeringConnection', () => {
  it('deletes a pending or an active connection: <return>true</return>, then deleted "Deleted by <account>"', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const c = await ec2.createVpc('10.3.0.0/16');
    const pending = (await ec2.create(a, b)).vpcPeeringConnectionId;
    const active = (await ec2.create(a, c)).vpcPeeringConnectionId;
    await ec2.accept(active);
    for (const id of [pending, active]) {
      const res = await ec2.call('DeleteVpcPeeringConnection', { VpcPeeringConnectionId: id });
      expect(res.status).toBe(200);
      expect(res.xml.DeleteVpcPeeringConnectionResponse.return).toBe('true');
      const deleted = await ec2.peering(id);
      expect(deleted.status).toEqual({ code: 'deleted', message: `Deleted by ${ACCOUNT}` });
      expect(deleted.expirationTime).toBeUndefined();
      // The accepter's blocks are shown only while active.
      expect(deleted.accepterVpcInfo.cidrBlock).toBeUndefined();
    }
  });

  it('refuses a rejected, failed or deleted connection with InvalidStateTransition … to deleting', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const rejected = (await ec2.create(a, b)).vpcPeeringConnectionId;
    await ec2.ok('RejectVpcPeeringConnection', { VpcPeeringConnectionId: rejected });
    const failed = (await ec2.create(b, b)).vpcPeeringConnectionId;
    const deleted = (await ec2.create(b, a)).vpcPeeringConnectionId;
    await ec2.ok('DeleteVpcPeeringConnection', { VpcPeeringConnectionId: deleted });
    for (const [id, from] of [
      [rejected, 'rejected'],
      [failed, 'failed'],
      [deleted, 'deleted'],
    ] as const) {
      await ec2.fails(
        'DeleteVpcPeeringConnection',
        { VpcPeeringConnectionId: id },
        'InvalidStateTransition',
        `Invalid state transition for ${id}, attempted to transition from ${from} to deleting`,
      );
    }
  });

  it('validates before DryRun', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const { vpcPeeringConnectionId: id } = await ec2.create(a, b);
    await ec2.fails('DeleteVpcPeeringConnection', { VpcPeeringConnectionId: id, DryRun: 'true' }, 'DryRunOperation', DRY_RUN_TEXT, 412);
    expect((await ec2.status(id)).code).toBe('pending-acceptance');
    await ec2.fails(
      'DeleteVpcPeeringConnection',
      { VpcPeeringConnectionId: 'pcx-nope', DryRun: 'true' },
      'InvalidVpcPeeringConnectionId.Malformed',
      'Invalid id: "pcx-nope" (expecting "pcx-...")',
    );
  });
});

describe('connection ids: MissingParameter, Malformed (Id) and NotFound (ID)', () => {
  it.each(['AcceptVpcPeeringConnection', 'RejectVpcPeeringConnection', 'DeleteVpcPeeringConnection'])('%s', async (action) => {
    const ec2 = emulator();
    await ec2.fails(action, {}, 'MissingParameter', 'The request must contain the parameter vpcPeeringConnectionId');
    await ec2.fails(action, { VpcPeeringConnectionId: '' }, 'MissingParameter', 'The request must contain the parameter vpcPeeringConnectionId');
    await ec2.fails(
      action,
      { VpcPeeringConnectionId: 'vpc-12345678' },
      'InvalidVpcPeeringConnectionId.Malformed',
      'Invalid id: "vpc-12345678" (expecting "pcx-...")',
    );
    await ec2.fails(
      action,
      { VpcPeeringConnectionId: 'pcx-0123456789abcdef0' },
      'InvalidVpcPeeringConnectionID.NotFound',
      "The vpcPeeringConnection ID 'pcx-0123456789abcdef0' does not exist",
    );
  });

  it('DescribeVpcPeeringConnections: each id given must be well-formed and exist', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const { vpcPeeringConnectionId: id } = await ec2.create(a, b);
    await ec2.fails(
      'DescribeVpcPeeringConnections',
      { 'VpcPeeringConnectionId.1': id, 'VpcPeeringConnectionId.2': 'pcx-12345678' },
      'InvalidVpcPeeringConnectionID.NotFound',
      "The vpcPeeringConnection ID 'pcx-12345678' does not exist",
    );
    await ec2.fails(
      'DescribeVpcPeeringConnections',
      { 'VpcPeeringConnectionId.1': 'sg-12345678' },
      'InvalidVpcPeeringConnectionId.Malformed',
      'Invalid id: "sg-12345678" (expecting "pcx-...")',
    );
    // Given twice, listed once.
    expect(ids(await ec2.list({ 'VpcPeeringConnectionId.1': id, 'VpcPeeringConnectionId.2': id }))).toEqual([id]);
  });
});

// ====================================================================== time: expiry and visibility

describe('how long connections stay visible', () => {
  it('keeps rejected, deleted and failed connections visible for 2 hours, then they are NotFound', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const rejected = (await ec2.create(a, b)).vpcPeeringConnectionId;
    await ec2.ok('RejectVpcPeeringConnection', { VpcPeeringConnectionId: rejected });
    const deleted = (await ec2.create(b, a)).vpcPeeringConnectionId;
    await ec2.ok('DeleteVpcPeeringConnection', { VpcPeeringConnectionId: deleted });
    const failed = (await ec2.create(a, a)).vpcPeeringConnectionId;
    const active = (await ec2.create(a, b)).vpcPeeringConnectionId;
    await ec2.accept(active);

    vi.setSystemTime(NOW + 2 * HOUR - 1);
    expect(ids(await ec2.list())).toEqual([rejected, deleted, failed, active]);
    vi.setSystemTime(NOW + 2 * HOUR);
    expect(ids(await ec2.list())).toEqual([active]);
    for (const id of [rejected, deleted, failed]) {
      const notFound = `The vpcPeeringConnection ID '${id}' does not exist`;
      await ec2.fails('DescribeVpcPeeringConnections', { 'VpcPeeringConnectionId.1': id }, 'InvalidVpcPeeringConnectionID.NotFound', notFound);
      await ec2.fails('DeleteVpcPeeringConnection', { VpcPeeringConnectionId: id }, 'InvalidVpcPeeringConnectionID.NotFound', notFound);
    }
    // An active connection does not age.
    vi.setSystemTime(NOW + 30 * DAY);
    expect((await ec2.status(active)).code).toBe('active');
  });

  it('expires a request not accepted in 7 days (no expiration time then), visible 2 more days', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const { vpcPeeringConnectionId: id } = await ec2.create(a, b);
    vi.setSystemTime(NOW + 7 * DAY - 1);
    expect((await ec2.peering(id)).status.code).toBe('pending-acceptance');
    vi.setSystemTime(NOW + 7 * DAY);
    const expired = await ec2.peering(id);
    expect(expired.status).toEqual({ code: 'expired', message: 'Expired' });
    expect(expired.expirationTime).toBeUndefined();
    await ec2.fails(
      'AcceptVpcPeeringConnection',
      { VpcPeeringConnectionId: id },
      'InvalidStateTransition',
      `Invalid state transition for ${id}, attempted to transition from expired to provisioning`,
    );
    await ec2.fails(
      'DeleteVpcPeeringConnection',
      { VpcPeeringConnectionId: id },
      'InvalidStateTransition',
      `Invalid state transition for ${id}, attempted to transition from expired to deleting`,
    );
    expect(ids(await ec2.list(filters(['status-code', 'expired'])))).toEqual([id]);
    // A new request for the same VPCs is a new connection.
    expect((await ec2.create(a, b)).vpcPeeringConnectionId).not.toBe(id);
    vi.setSystemTime(NOW + 9 * DAY - 1);
    expect((await ec2.status(id)).code).toBe('expired');
    vi.setSystemTime(NOW + 9 * DAY);
    await ec2.fails(
      'DescribeVpcPeeringConnections',
      { 'VpcPeeringConnectionId.1': id },
      'InvalidVpcPeeringConnectionID.NotFound',
      `The vpcPeeringConnection ID '${id}' does not exist`,
    );
  });
});

// ====================================================================== DescribeVpcPeeringConnections

describe('DescribeVpcPeeringConnections', () => {
  /** a–b active (tagged), a–c pending, b–c rejected, c–c failed. */
  async function fixture() {
    const ec2 = emulator();
    const a = await ec2.createVpc('10.1.0.0/16');
    const b = await ec2.createVpc('10.2.0.0/16');
    const c = await ec2.createVpc('10.3.0.0/16');
    const active = (
      await ec2.create(a, b, {
        'TagSpecification.1.ResourceType': 'vpc-peering-connection',
        'TagSpecification.1.Tag.1.Key': 'Name',
        'TagSpecification.1.Tag.1.Value': 'a-to-b',
      })
    ).vpcPeeringConnectionId;
    await ec2.accept(active);
    const pending = (await ec2.create(a, c)).vpcPeeringConnectionId;
    const rejected = (await ec2.create(b, c)).vpcPeeringConnectionId;
    await ec2.ok('RejectVpcPeeringConnection', { VpcPeeringConnectionId: rejected });
    const failed = (await ec2.create(c, c)).vpcPeeringConnectionId;
    return { ec2, a, b, c, active, pending, rejected, failed };
  }

  it('lists every visible connection in creation order, an empty set as <vpcPeeringConnectionSet/>', async () => {
    const empty = emulator();
    const res = await empty.call('DescribeVpcPeeringConnections');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<vpcPeeringConnectionSet/>');
    const { ec2, active, pending, rejected, failed } = await fixture();
    expect(ids(await ec2.list())).toEqual([active, pending, rejected, failed]);
  });

  it.each([
    ['accepter-vpc-info.cidr-block', (f: any) => ['10.2.0.0/16'], (f: any) => [f.active]],
    // A pending connection's accepter block is not shown, so it does not match either.
    ['accepter-vpc-info.cidr-block', (f: any) => ['10.3.0.0/16'], (f: any) => []],
    ['accepter-vpc-info.owner-id', (f: any) => [ACCOUNT], (f: any) => [f.active, f.pending, f.rejected, f.failed]],
    ['accepter-vpc-info.vpc-id', (f: any) => [f.c], (f: any) => [f.pending, f.rejected, f.failed]],
    ['expiration-time', (f: any) => [EXPIRES], (f: any) => [f.pending]],
    ['requester-vpc-info.cidr-block', (f: any) => ['10.1.0.0/16', '10.3.0.0/16'], (f: any) => [f.active, f.pending, f.failed]],
    ['requester-vpc-info.owner-id', (f: any) => [ACCOUNT], (f: any) => [f.active, f.pending, f.rejected, f.failed]],
    ['requester-vpc-info.vpc-id', (f: any) => [f.b], (f: any) => [f.rejected]],
    ['status-code', (f: any) => ['active', 'pending-acceptance'], (f: any) => [f.active, f.pending]],
    ['status-code', (f: any) => ['failed'], (f: any) => [f.failed]],
    ['status-message', (f: any) => [`Pending Acceptance by ${ACCOUNT}`], (f: any) => [f.pending]],
    ['status-message', (f: any) => ['Rejected by *'], (f: any) => [f.rejected]],
    ['vpc-peering-connection-id', (f: any) => [f.pending, f.failed], (f: any) => [f.pending, f.failed]],
    ['tag:Name', (f: any) => ['a-to-*'], (f: any) => [f.active]],
    ['tag-key', (f: any) => ['Name'], (f: any) => [f.active]],
  ])('filters by %s', async (name, values, expected) => {
    const f = await fixture();
    const [first, ...rest] = values(f) as string[];
    const listed = await f.ec2.list(first === undefined ? filters([name]) : filters([name, first, ...rest]));
    expect(ids(listed)).toEqual(expected(f));
  });

  it('combines filters (AND) and ids with filters', async () => {
    const { ec2, a, active, pending } = await fixture();
    expect(ids(await ec2.list(filters(['requester-vpc-info.vpc-id', a], ['status-code', 'pending-acceptance'])))).toEqual([pending]);
    expect(ids(await ec2.list({ 'VpcPeeringConnectionId.1': active, ...filters(['status-code', 'pending-acceptance']) }))).toEqual([]);
  });

  it('answers InvalidParameterValue for an unknown filter name', async () => {
    const { ec2 } = await fixture();
    const res = await ec2.call('DescribeVpcPeeringConnections', filters(['bogus', 'x']));
    expect(res.status).toBe(400);
    expect(errorOf(res.xml).code).toBe('InvalidParameterValue');
    expect(errorOf(res.xml).message).toContain('bogus');
  });

  it('pages with MaxResults (5-1000) and NextToken', async () => {
    const ec2 = emulator();
    const hub = await ec2.createVpc('10.0.0.0/16');
    const created: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const spoke = await ec2.createVpc(`10.${i}.0.0/16`);
      created.push((await ec2.create(hub, spoke)).vpcPeeringConnectionId);
    }
    const first = await ec2.ok('DescribeVpcPeeringConnections', { MaxResults: '5' });
    expect(ids(items(first.vpcPeeringConnectionSet))).toEqual(created.slice(0, 5));
    expect(typeof first.nextToken).toBe('string');
    const second = await ec2.ok('DescribeVpcPeeringConnections', { MaxResults: '5', NextToken: first.nextToken });
    expect(ids(items(second.vpcPeeringConnectionSet))).toEqual(created.slice(5));
    expect(second.nextToken).toBeUndefined();
    await ec2.fails(
      'DescribeVpcPeeringConnections',
      { MaxResults: '4' },
      'InvalidParameterValue',
      'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.',
    );
    await ec2.fails(
      'DescribeVpcPeeringConnections',
      { MaxResults: '1001' },
      'InvalidParameterValue',
      'Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000.',
    );
    await ec2.fails(
      'DescribeVpcPeeringConnections',
      { NextToken: 'zz' },
      'InvalidParameterValue',
      'Value ( zz ) for parameter NextToken is invalid. The token is invalid.',
    );
  });

  it('answers DryRunOperation after validating ids', async () => {
    const { ec2, active } = await fixture();
    await ec2.fails('DescribeVpcPeeringConnections', { 'VpcPeeringConnectionId.1': active, DryRun: 'true' }, 'DryRunOperation', DRY_RUN_TEXT, 412);
    await ec2.fails(
      'DescribeVpcPeeringConnections',
      { 'VpcPeeringConnectionId.1': 'pcx-12345678', DryRun: 'true' },
      'InvalidVpcPeeringConnectionID.NotFound',
      "The vpcPeeringConnection ID 'pcx-12345678' does not exist",
    );
  });
});

// ====================================================================== tags

describe('tags on pcx- ids', () => {
  it('stores TagSpecification tags and answers them from Create and Describe (and DescribeTags)', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const created = await ec2.create(a, b, {
      'TagSpecification.1.ResourceType': 'vpc-peering-connection',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'a<->b',
      'TagSpecification.1.Tag.2.Key': 'env',
      'TagSpecification.1.Tag.2.Value': '',
    });
    const expected = [
      { key: 'Name', value: 'a<->b' },
      { key: 'env', value: '' },
    ];
    expect(items(created.tagSet)).toEqual(expected);
    expect(items((await ec2.peering(created.vpcPeeringConnectionId)).tagSet)).toEqual(expected);
    const tags = items((await ec2.ok('DescribeTags', filters(['resource-type', 'vpc-peering-connection']))).tagSet);
    expect(tags).toEqual([
      { resourceId: created.vpcPeeringConnectionId, resourceType: 'vpc-peering-connection', key: 'Name', value: 'a<->b' },
      { resourceId: created.vpcPeeringConnectionId, resourceType: 'vpc-peering-connection', key: 'env', value: '' },
    ]);
  });

  it('takes CreateTags and DeleteTags on a pcx- id; an unknown one is InvalidVpcPeeringConnectionID.NotFound', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const { vpcPeeringConnectionId: id } = await ec2.create(a, b);
    const tagged = await ec2.ok('CreateTags', { 'ResourceId.1': id, 'Tag.1.Key': 'team', 'Tag.1.Value': 'net' });
    expect(tagged.return).toBe('true');
    expect(items((await ec2.peering(id)).tagSet)).toEqual([{ key: 'team', value: 'net' }]);
    expect(ids(await ec2.list(filters(['tag:team', 'net'])))).toEqual([id]);
    await ec2.ok('DeleteTags', { 'ResourceId.1': id, 'Tag.1.Key': 'team' });
    expect((await ec2.peering(id)).tagSet).toBe('');
    await ec2.fails(
      'CreateTags',
      { 'ResourceId.1': 'pcx-0123456789abcdef0', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' },
      'InvalidVpcPeeringConnectionID.NotFound',
      "The vpcPeeringConnection ID 'pcx-0123456789abcdef0' does not exist",
    );
  });

  it('refuses a TagSpecification of another resource type', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    await ec2.fails(
      'CreateVpcPeeringConnection',
      { VpcId: a, PeerVpcId: b, 'TagSpecification.1.ResourceType': 'security-group', 'TagSpecification.1.Tag.1.Key': 'k' },
      'InvalidParameterValue',
      "'security-group' is not a valid taggable resource type for this operation.",
    );
    expect(await ec2.list()).toEqual([]);
  });
});

// ====================================================================== DeleteVpc

describe('DeleteVpc', () => {
  it('ends the VPC’s pending and active connections as deleted; they stay visible with the blocks they had', async () => {
    const ec2 = emulator();
    const a = await ec2.createVpc('10.1.0.0/16');
    const b = await ec2.createVpc('10.2.0.0/16');
    const c = await ec2.createVpc('10.3.0.0/16');
    const active = (await ec2.create(a, b)).vpcPeeringConnectionId;
    await ec2.accept(active);
    const pending = (await ec2.create(c, a)).vpcPeeringConnectionId;
    const rejected = (await ec2.create(a, c)).vpcPeeringConnectionId;
    await ec2.ok('RejectVpcPeeringConnection', { VpcPeeringConnectionId: rejected });
    const unrelated = (await ec2.create(b, c)).vpcPeeringConnectionId;

    await ec2.ok('DeleteVpc', { VpcId: a });
    for (const id of [active, pending]) {
      expect(await ec2.status(id)).toEqual({ code: 'deleted', message: `Deleted by ${ACCOUNT}` });
    }
    expect((await ec2.status(rejected)).code).toBe('rejected');
    expect((await ec2.status(unrelated)).code).toBe('pending-acceptance');
    const gone = await ec2.peering(active);
    expect(gone.requesterVpcInfo).toMatchObject({ vpcId: a, cidrBlock: '10.1.0.0/16' });
    // A connection naming the deleted VPC can no longer be created.
    await ec2.fails('CreateVpcPeeringConnection', { VpcId: b, PeerVpcId: a }, 'InvalidVpcID.NotFound', `The vpc ID '${a}' does not exist`);
  });
});

// ====================================================================== groups across a peering, on the wire

describe('DescribeSecurityGroupReferences and DescribeStaleSecurityGroups on the wire', () => {
  /** VPC a's group `app` allows tcp/5432 from b's group `db` over an active a–b peering. */
  async function peeredRule() {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const app = (await ec2.ok('CreateSecurityGroup', { GroupName: 'app', GroupDescription: 'app tier', VpcId: a })).groupId;
    const db = (await ec2.ok('CreateSecurityGroup', { GroupName: 'db', GroupDescription: 'db tier', VpcId: b })).groupId;
    const pcx = (await ec2.create(a, b)).vpcPeeringConnectionId;
    const rule = {
      GroupId: app,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '5432',
      'IpPermissions.1.ToPort': '5432',
      'IpPermissions.1.Groups.1.GroupId': db,
      'IpPermissions.1.Groups.1.Description': 'from db',
    };
    await ec2.fails(
      'AuthorizeSecurityGroupIngress',
      rule,
      'InvalidGroup.NotFound',
      'You have specified two resources that belong to different networks.',
    );
    await ec2.accept(pcx);
    await ec2.ok('AuthorizeSecurityGroupIngress', rule);
    return { ec2, a, b, app, db, pcx };
  }

  it('shows the pair with vpcId, vpcPeeringConnectionId and peeringStatus in DescribeSecurityGroups', async () => {
    const { ec2, b, app, db, pcx } = await peeredRule();
    const group = items((await ec2.ok('DescribeSecurityGroups', { 'GroupId.1': app })).securityGroupInfo)[0]!;
    expect(items(items(group.ipPermissions)[0]!.groups)).toEqual([
      { userId: ACCOUNT, groupId: db, vpcId: b, vpcPeeringConnectionId: pcx, peeringStatus: 'active', description: 'from db' },
    ]);
  });

  it('answers <securityGroupReferenceSet> items with groupId, referencingVpcId, vpcPeeringConnectionId', async () => {
    const { ec2, a, app, db, pcx } = await peeredRule();
    const res = await ec2.ok('DescribeSecurityGroupReferences', { 'GroupId.1': db, 'GroupId.2': app });
    expect(items(res.securityGroupReferenceSet)).toEqual([{ groupId: db, referencingVpcId: a, vpcPeeringConnectionId: pcx }]);
    await ec2.fails('DescribeSecurityGroupReferences', {}, 'MissingParameter', 'The request must contain the parameter groupId');
    await ec2.fails('DescribeSecurityGroupReferences', { 'GroupId.1': 'sg-xyz' }, 'InvalidGroupId.Malformed', 'Invalid id: "sg-xyz" (expecting "sg-...")');
    await ec2.fails(
      'DescribeSecurityGroupReferences',
      { 'GroupId.1': 'sg-0123456789abcdef0' },
      'InvalidGroup.NotFound',
      "The security group 'sg-0123456789abcdef0' does not exist",
    );
    await ec2.fails('DescribeSecurityGroupReferences', { 'GroupId.1': db, DryRun: 'true' }, 'DryRunOperation', DRY_RUN_TEXT, 412);
  });

  it('answers stale groups with <staleIpPermissions><item>…<groups><item> once the peering is deleted', async () => {
    const { ec2, a, b, app, db, pcx } = await peeredRule();
    const none = await ec2.call('DescribeStaleSecurityGroups', { VpcId: a });
    expect(none.body).toContain('<staleSecurityGroupSet/>');
    await ec2.ok('DeleteVpcPeeringConnection', { VpcPeeringConnectionId: pcx });
    const res = await ec2.call('DescribeStaleSecurityGroups', { VpcId: a });
    expect(res.status).toBe(200);
    const groups = items(res.xml.DescribeStaleSecurityGroupsResponse.staleSecurityGroupSet);
    expect(groups).toEqual([
      {
        description: 'app tier',
        groupId: app,
        groupName: 'app',
        staleIpPermissions: {
          item: [
            {
              fromPort: '5432',
              ipProtocol: 'tcp',
              ipRanges: '',
              prefixListIds: '',
              toPort: '5432',
              groups: {
                item: [
                  {
                    description: 'from db',
                    userId: ACCOUNT,
                    groupName: 'db',
                    groupId: db,
                    vpcId: b,
                    vpcPeeringConnectionId: pcx,
                    peeringStatus: 'deleted',
                  },
                ],
              },
            },
          ],
        },
        staleIpPermissionsEgress: '',
        vpcId: a,
      },
    ]);
    // Only the given VPC's groups are examined.
    expect(items((await ec2.ok('DescribeStaleSecurityGroups', { VpcId: b })).staleSecurityGroupSet)).toEqual([]);
  });

  it('validates VpcId and MaxResults (5-255) before DryRun', async () => {
    const { ec2, a } = await peeredRule();
    await ec2.fails('DescribeStaleSecurityGroups', {}, 'MissingParameter', 'The request must contain the parameter vpcId');
    await ec2.fails('DescribeStaleSecurityGroups', { VpcId: 'vpc-xyz' }, 'InvalidVpcID.Malformed', 'Invalid id: "vpc-xyz" (expecting "vpc-...")');
    await ec2.fails('DescribeStaleSecurityGroups', { VpcId: 'vpc-12345678' }, 'InvalidVpcID.NotFound', "The vpc ID 'vpc-12345678' does not exist");
    await ec2.fails(
      'DescribeStaleSecurityGroups',
      { VpcId: a, MaxResults: '4' },
      'InvalidParameterValue',
      'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.',
    );
    await ec2.fails(
      'DescribeStaleSecurityGroups',
      { VpcId: a, MaxResults: '256' },
      'InvalidParameterValue',
      'Value ( 256 ) for parameter maxResults is invalid. Expecting a value less than 255.',
    );
    expect((await ec2.ok('DescribeStaleSecurityGroups', { VpcId: a, MaxResults: '255' })).staleSecurityGroupSet).toBe('');
    await ec2.fails('DescribeStaleSecurityGroups', { VpcId: a, DryRun: 'true' }, 'DryRunOperation', DRY_RUN_TEXT, 412);
  });

  it('pages stale groups with MaxResults and NextToken', async () => {
    const ec2 = emulator();
    const [a, b] = await ec2.twoVpcs();
    const db = (await ec2.ok('CreateSecurityGroup', { GroupName: 'db', GroupDescription: 'db', VpcId: b })).groupId;
    const pcx = (await ec2.create(a, b)).vpcPeeringConnectionId;
    await ec2.accept(pcx);
    const stale: string[] = [];
    for (let i = 0; i < 6; i++) {
      const groupId = (await ec2.ok('CreateSecurityGroup', { GroupName: `app-${i}`, GroupDescription: 'app', VpcId: a })).groupId;
      await ec2.ok('AuthorizeSecurityGroupEgress', {
        GroupId: groupId,
        'IpPermissions.1.IpProtocol': '-1',
        'IpPermissions.1.Groups.1.GroupId': db,
      });
      stale.push(groupId);
    }
    await ec2.ok('DeleteVpcPeeringConnection', { VpcPeeringConnectionId: pcx });
    const first = await ec2.ok('DescribeStaleSecurityGroups', { VpcId: a, MaxResults: '5' });
    const firstGroups = items(first.staleSecurityGroupSet);
    expect(firstGroups.map((g) => g.groupId)).toEqual(stale.slice(0, 5));
    // Egress rules are reported under staleIpPermissionsEgress.
    expect(firstGroups[0]!.staleIpPermissions).toBe('');
    expect(items(items(firstGroups[0]!.staleIpPermissionsEgress)[0]!.groups)[0]).toMatchObject({ groupId: db, peeringStatus: 'deleted' });
    const second = await ec2.ok('DescribeStaleSecurityGroups', { VpcId: a, MaxResults: '5', NextToken: first.nextToken });
    expect(items(second.staleSecurityGroupSet).map((g) => g.groupId)).toEqual(stale.slice(5));
    expect(second.nextToken).toBeUndefined();
  });
});
