/**
 * VPC peering and security groups referenced across it, through the real SDK, as users walk it:
 * two VPCs; a rule in A naming B's group is refused until a peering between them is active, then
 * allowed and shown with the peering (DescribeSecurityGroups, DescribeSecurityGroupRules,
 * DescribeSecurityGroupReferences); deleting the peering leaves the rule stale
 * (DescribeStaleSecurityGroups); peering again makes it fresh; deleting B's group (allowed: it is
 * referenced only from across the peering) makes it stale again without owner or name; revoking it
 * by its IpPermissions works. Then the SDK's two peering waiters. Evidence:
 * /work/research/issue11-aws.md §1, §2; server/vpc-peering/handlers.ts, server/security-groups/peering.ts.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteSecurityGroupCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeSecurityGroupReferencesCommand,
  DescribeSecurityGroupsCommand,
  DescribeStaleSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  RejectVpcPeeringConnectionCommand,
  RevokeSecurityGroupIngressCommand,
  paginateDescribeVpcPeeringConnections,
  waitUntilVpcPeeringConnectionDeleted,
  waitUntilVpcPeeringConnectionExists,
  type EC2Client,
  type IpPermission,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { createGroup, ec2Client, ec2ErrorOf, rulesOfGroup, startServerWithClient, startTestServer, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';
const WAIT = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

let emulator: Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  ({ emulator, ec2 } = await startServerWithClient());
});
afterAll(() => stopServer(emulator, ec2));

const newVpc = async (client: EC2Client, cidr: string): Promise<string> =>
  (await client.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
const peer = async (client: EC2Client, vpcId: string, peerVpcId: string): Promise<VpcPeeringConnection> =>
  (await client.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpcId, PeerVpcId: peerVpcId }))).VpcPeeringConnection!;
const peering = async (client: EC2Client, id: string): Promise<VpcPeeringConnection> =>
  (await client.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }))).VpcPeeringConnections![0]!;

describe('a rule naming a group of a peered VPC, from refusal to stale and revoked', () => {
  let vpcA: string;
  let vpcB: string;
  let app: string;
  let db: string;

  beforeAll(async () => {
    vpcA = await newVpc(ec2, '10.70.0.0/16');
    vpcB = await newVpc(ec2, '10.71.0.0/16');
    app = await createGroup(ec2, 'app', 'app tier', vpcA);
    db = await createGroup(ec2, 'db', 'db tier', vpcB);
  });

  const fromDb = (): IpPermission[] => [
    { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: db, Description: 'from db' }] },
  ];
  const authorize = () => ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: fromDb() }));
  const differentNetworks = {
    code: 'InvalidGroup.NotFound',
    message: 'You have specified two resources that belong to different networks.',
    status: 400,
  };
  const pairsOfApp = async () =>
    (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [app] }))).SecurityGroups![0]!.IpPermissions!.flatMap(
      (p) => p.UserIdGroupPairs ?? [],
    );
  const staleOfA = async () => (await ec2.send(new DescribeStaleSecurityGroupsCommand({ VpcId: vpcA }))).StaleSecurityGroupSet!;
  const referencesToDb = async () =>
    (await ec2.send(new DescribeSecurityGroupReferencesCommand({ GroupId: [db] }))).SecurityGroupReferenceSet!;

  it('the whole journey', async () => {
    // No peering: the other VPC is another network.
    expect(await ec2ErrorOf(authorize)).toEqual(differentNetworks);

    // A requested peering is not enough: it must be active.
    const first = await peer(ec2, vpcA, vpcB);
    expect(first.Status).toEqual({ Code: 'initiating-request', Message: `Initiating Request to ${ACCOUNT}` });
    expect(first.ExpirationTime).toBeInstanceOf(Date);
    const pcx1 = first.VpcPeeringConnectionId!;
    expect((await peering(ec2, pcx1)).Status!.Code).toBe('pending-acceptance');
    expect(await ec2ErrorOf(authorize)).toEqual(differentNetworks);

    const accepted = await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx1 }));
    expect(accepted.VpcPeeringConnection!.Status).toEqual({ Code: 'provisioning', Message: 'Provisioning' });
    const active = await peering(ec2, pcx1);
    expect(active.Status).toEqual({ Code: 'active', Message: 'Active' });
    expect(active.ExpirationTime).toBeUndefined();
    expect(active.AccepterVpcInfo).toMatchObject({ VpcId: vpcB, CidrBlock: '10.71.0.0/16', OwnerId: ACCOUNT, Region: 'us-east-1' });
    expect(active.RequesterVpcInfo).toMatchObject({ VpcId: vpcA, CidrBlock: '10.70.0.0/16', OwnerId: ACCOUNT, Region: 'us-east-1' });

    // Active: the rule is allowed, and shown with B's VPC, the connection and its status.
    const authorized = await authorize();
    expect(authorized.SecurityGroupRules![0]!.ReferencedGroupInfo).toEqual({
      GroupId: db,
      PeeringStatus: 'active',
      UserId: ACCOUNT,
      VpcId: vpcB,
      VpcPeeringConnectionId: pcx1,
    });
    const ruleId = authorized.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    expect(await pairsOfApp()).toEqual([
      { Description: 'from db', UserId: ACCOUNT, GroupId: db, VpcId: vpcB, VpcPeeringConnectionId: pcx1, PeeringStatus: 'active' },
    ]);
    const [rule] = (await rulesOfGroup(ec2, app)).filter((r) => r.SecurityGroupRuleId === ruleId);
    expect(rule).toMatchObject({
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      Description: 'from db',
      ReferencedGroupInfo: { GroupId: db, PeeringStatus: 'active', UserId: ACCOUNT, VpcId: vpcB, VpcPeeringConnectionId: pcx1 },
    });
    // B's group is referenced from A across the connection; nothing in A is stale.
    expect(await referencesToDb()).toEqual([{ GroupId: db, ReferencingVpcId: vpcA, VpcPeeringConnectionId: pcx1 }]);
    expect(await staleOfA()).toEqual([]);

    // Delete the connection: the rule stays, stale, its peering `deleted`; no references any more.
    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx1 }));
    expect((await peering(ec2, pcx1)).Status).toEqual({ Code: 'deleted', Message: `Deleted by ${ACCOUNT}` });
    expect(await staleOfA()).toEqual([
      {
        Description: 'app tier',
        GroupId: app,
        GroupName: 'app',
        StaleIpPermissions: [
          {
            FromPort: 5432,
            IpProtocol: 'tcp',
            IpRanges: [],
            PrefixListIds: [],
            ToPort: 5432,
            UserIdGroupPairs: [
              {
                Description: 'from db',
                UserId: ACCOUNT,
                GroupName: 'db',
                GroupId: db,
                VpcId: vpcB,
                VpcPeeringConnectionId: pcx1,
                PeeringStatus: 'deleted',
              },
            ],
          },
        ],
        StaleIpPermissionsEgress: [],
        VpcId: vpcA,
      },
    ]);
    expect(await referencesToDb()).toEqual([]);
    expect((await pairsOfApp())[0]).toMatchObject({ GroupId: db, VpcPeeringConnectionId: pcx1, PeeringStatus: 'deleted' });
    // New rules across it are refused again.
    expect(
      await ec2ErrorOf(() =>
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: app,
            IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, UserIdGroupPairs: [{ GroupId: db }] }],
          }),
        ),
      ),
    ).toEqual(differentNetworks);

    // Peer again (a new connection, accepted): the rule is no longer stale, shown with the new one.
    const second = await peer(ec2, vpcA, vpcB);
    const pcx2 = second.VpcPeeringConnectionId!;
    expect(pcx2).not.toBe(pcx1);
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx2 }));
    expect(await staleOfA()).toEqual([]);
    expect(await referencesToDb()).toEqual([{ GroupId: db, ReferencingVpcId: vpcA, VpcPeeringConnectionId: pcx2 }]);
    expect((await pairsOfApp())[0]).toMatchObject({ GroupId: db, VpcId: vpcB, VpcPeeringConnectionId: pcx2, PeeringStatus: 'active' });

    // B's group is referenced only from across the peering, so it can be deleted; the rule goes
    // stale, naming neither owner nor group name any more.
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: db }));
    const stale = await staleOfA();
    expect(stale.map((g) => g.GroupId)).toEqual([app]);
    expect(stale[0]!.StaleIpPermissions).toEqual([
      {
        FromPort: 5432,
        IpProtocol: 'tcp',
        IpRanges: [],
        PrefixListIds: [],
        ToPort: 5432,
        UserIdGroupPairs: [
          { Description: 'from db', GroupId: db, VpcId: vpcB, VpcPeeringConnectionId: pcx2, PeeringStatus: 'active' },
        ],
      },
    ]);

    // Revoking the stale rule by its IpPermissions works, and nothing is stale after.
    const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: fromDb() }));
    expect(revoked.Return).toBe(true);
    expect(revoked.UnknownIpPermissions).toBeUndefined();
    expect(revoked.RevokedSecurityGroupRules!.map((r) => r.SecurityGroupRuleId)).toEqual([ruleId]);
    expect(await pairsOfApp()).toEqual([]);
    expect(await staleOfA()).toEqual([]);
  });
});

describe('the peering states through the SDK', () => {
  it('reject, delete and the InvalidStateTransition errors reach the SDK as err.name and message', async () => {
    const a = await newVpc(ec2, '10.80.0.0/16');
    const b = await newVpc(ec2, '10.81.0.0/16');
    const id = (await peer(ec2, a, b)).VpcPeeringConnectionId!;
    const rejected = await ec2.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    expect(rejected.Return).toBe(true);
    expect((await peering(ec2, id)).Status).toEqual({ Code: 'rejected', Message: `Rejected by ${ACCOUNT}` });
    expect(await ec2ErrorOf(() => ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })))).toEqual({
      code: 'InvalidStateTransition',
      message: `Invalid state transition for ${id}, attempted to transition from rejected to deleting`,
      status: 400,
    });
    expect(
      await ec2ErrorOf(() => ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: 'pcx-0123456789abcdef0' }))),
    ).toEqual({
      code: 'InvalidVpcPeeringConnectionID.NotFound',
      message: "The vpcPeeringConnection ID 'pcx-0123456789abcdef0' does not exist",
      status: 400,
    });
    // Overlapping blocks: created, but failed.
    const inside = await newVpc(ec2, '10.80.64.0/18');
    const failed = await peer(ec2, a, inside);
    expect(failed.Status).toEqual({ Code: 'failed', Message: 'Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range' });
  });

  it('pages with the SDK paginator and filters by status-code', async () => {
    const hub = await newVpc(ec2, '10.90.0.0/16');
    const made: string[] = [];
    for (let i = 1; i <= 6; i++) made.push((await peer(ec2, hub, await newVpc(ec2, `10.9${i}.0.0/16`))).VpcPeeringConnectionId!);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeVpcPeeringConnections(
      { client: ec2, pageSize: 5 },
      { Filters: [{ Name: 'requester-vpc-info.vpc-id', Values: [hub] }] },
    )) {
      pages++;
      seen.push(...page.VpcPeeringConnections!.map((p) => p.VpcPeeringConnectionId!));
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(made);
    const pending = await ec2.send(
      new DescribeVpcPeeringConnectionsCommand({
        Filters: [
          { Name: 'requester-vpc-info.vpc-id', Values: [hub] },
          { Name: 'status-code', Values: ['pending-acceptance'] },
        ],
      }),
    );
    expect(pending.VpcPeeringConnections!.map((p) => p.VpcPeeringConnectionId)).toEqual(made);
    expect(pending.VpcPeeringConnections!.every((p) => p.ExpirationTime instanceof Date)).toBe(true);
  });
});

describe('the SDK waiters', () => {
  it('waitUntilVpcPeeringConnectionExists waits out eventual consistency; waitUntilVpcPeeringConnectionDeleted sees the deletion', async () => {
    // New resources stay invisible to describes for a while, as AWS warns they may.
    const slow = await startTestServer({ realism: { faults: [], consistencyDelayMs: 1500 } });
    const client = ec2Client(slow.url);
    try {
      const a = await newVpc(client, '10.100.0.0/16');
      const b = await newVpc(client, '10.101.0.0/16');
      const id = (await peer(client, a, b)).VpcPeeringConnectionId!;
      expect(await ec2ErrorOf(() => peering(client, id))).toEqual({
        code: 'InvalidVpcPeeringConnectionID.NotFound',
        message: `The vpcPeeringConnection ID '${id}' does not exist`,
        status: 400,
      });
      const exists = await waitUntilVpcPeeringConnectionExists({ client, ...WAIT }, { VpcPeeringConnectionIds: [id] });
      expect(exists.state).toBe('SUCCESS');
      expect((await peering(client, id)).Status!.Code).toBe('pending-acceptance');

      await client.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
      await client.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
      const deleted = await waitUntilVpcPeeringConnectionDeleted({ client, ...WAIT }, { VpcPeeringConnectionIds: [id] });
      expect(deleted.state).toBe('SUCCESS');
      expect((await peering(client, id)).Status!.Code).toBe('deleted');
    } finally {
      await stopServer(slow, client);
    }
  });

  it('waitUntilVpcPeeringConnectionDeleted gives up on a connection that stays active', async () => {
    const a = await newVpc(ec2, '10.110.0.0/16');
    const b = await newVpc(ec2, '10.111.0.0/16');
    const id = (await peer(ec2, a, b)).VpcPeeringConnectionId!;
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    const outcome = await waitUntilVpcPeeringConnectionDeleted(
      { client: ec2, maxWaitTime: 2, minDelay: 1, maxDelay: 1 },
      { VpcPeeringConnectionIds: [id] },
    ).then(
      () => 'succeeded',
      (err: Error) => err.name,
    );
    expect(outcome).toBe('TimeoutError');
  });
});
