/**
 * The real `aws` CLI (v1) against VPC peering and groups referenced across it, typed as users type
 * it: create-vpc-peering-connection (with --tag-specifications), accept-, reject- and
 * delete-vpc-peering-connection, describe-vpc-peering-connections by id and by filter, the errors
 * the CLI prints, describe-security-group-references and describe-stale-security-groups. Every
 * command under test goes through the `aws` binary; only setup not under test goes through the SDK.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeVpcPeeringConnectionsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { awsEc2, awsEc2Ok, hasAwsCli } from '../helpers/cli.js';
import { startServerWithClient, stopServer } from '../helpers/server.js';

if (!hasAwsCli) {
  console.warn('aws-cli-peering.test.ts: no `aws` executable on PATH; the AWS CLI tests are skipped.');
}

const ACCOUNT = '000000000000';
const PCX_ID = /^pcx-[0-9a-f]{17}$/;
/** How the CLI exits when the service answered an error: 255 from CLI v1, 254 from CLI v2. */
const SERVICE_ERROR_EXITS = [254, 255];

describe.skipIf(!hasAwsCli)('the aws CLI and VPC peering', () => {
  let emulator: Emulator;
  let sdk: EC2Client;
  let vpcA: string;
  let vpcB: string;
  let vpcC: string;

  const cli = (args: readonly string[]) => awsEc2(emulator.url, args);
  const cliOk = (args: readonly string[]) => awsEc2Ok(emulator.url, args);
  const newVpc = async (cidr: string) => (await sdk.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const statusOf = async (id: string) =>
    (await cliOk(['describe-vpc-peering-connections', '--vpc-peering-connection-ids', id])).VpcPeeringConnections[0].Status;

  beforeAll(async () => {
    ({ emulator, ec2: sdk } = await startServerWithClient());
    vpcA = await newVpc('10.120.0.0/16');
    vpcB = await newVpc('10.121.0.0/16');
    vpcC = await newVpc('10.122.0.0/16');
  });
  afterAll(() => stopServer(emulator, sdk));

  it('create-vpc-peering-connection --vpc-id … --peer-vpc-id … --tag-specifications prints the initiating request', async () => {
    const out = await cliOk([
      'create-vpc-peering-connection',
      '--vpc-id',
      vpcA,
      '--peer-vpc-id',
      vpcB,
      '--tag-specifications',
      'ResourceType=vpc-peering-connection,Tags=[{Key=Name,Value=a-to-b}]',
    ]);
    const pcx = out.VpcPeeringConnection;
    expect(pcx.VpcPeeringConnectionId).toMatch(PCX_ID);
    expect(pcx.Status).toEqual({ Code: 'initiating-request', Message: `Initiating Request to ${ACCOUNT}` });
    expect(pcx.AccepterVpcInfo).toEqual({ OwnerId: ACCOUNT, VpcId: vpcB, Region: 'us-east-1' });
    expect(pcx.RequesterVpcInfo).toEqual({
      CidrBlock: '10.120.0.0/16',
      CidrBlockSet: [{ CidrBlock: '10.120.0.0/16' }],
      OwnerId: ACCOUNT,
      PeeringOptions: {
        AllowDnsResolutionFromRemoteVpc: false,
        AllowEgressFromLocalClassicLinkToRemoteVpc: false,
        AllowEgressFromLocalVpcToRemoteClassicLink: false,
      },
      VpcId: vpcA,
      Region: 'us-east-1',
    });
    expect(pcx.Tags).toEqual([{ Key: 'Name', Value: 'a-to-b' }]);
    // The CLI prints the timestamp it read; it is the one the SDK reads too.
    const viaSdk = (await sdk.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx.VpcPeeringConnectionId] })))
      .VpcPeeringConnections![0]!;
    expect(new Date(pcx.ExpirationTime).getTime()).toBe(viaSdk.ExpirationTime!.getTime());
  });

  it('describe-vpc-peering-connections by id and by --filters; accept-vpc-peering-connection prints provisioning, then it is active', async () => {
    const byFilter = await cliOk([
      'describe-vpc-peering-connections',
      '--filters',
      `Name=requester-vpc-info.vpc-id,Values=${vpcA}`,
      'Name=status-code,Values=pending-acceptance',
    ]);
    expect(byFilter.VpcPeeringConnections).toHaveLength(1);
    const id: string = byFilter.VpcPeeringConnections[0].VpcPeeringConnectionId;
    expect(byFilter.VpcPeeringConnections[0].Status).toEqual({ Code: 'pending-acceptance', Message: `Pending Acceptance by ${ACCOUNT}` });
    expect(byFilter.VpcPeeringConnections[0].ExpirationTime).toBeDefined();

    const accepted = await cliOk(['accept-vpc-peering-connection', '--vpc-peering-connection-id', id]);
    expect(accepted.VpcPeeringConnection.Status).toEqual({ Code: 'provisioning', Message: 'Provisioning' });
    expect(accepted.VpcPeeringConnection.AccepterVpcInfo).toMatchObject({ VpcId: vpcB, CidrBlock: '10.121.0.0/16' });
    expect(accepted.VpcPeeringConnection.ExpirationTime).toBeUndefined();
    expect(await statusOf(id)).toEqual({ Code: 'active', Message: 'Active' });
    const byTag = await cliOk(['describe-vpc-peering-connections', '--filters', 'Name=tag:Name,Values=a-to-b']);
    expect(byTag.VpcPeeringConnections.map((p: { VpcPeeringConnectionId: string }) => p.VpcPeeringConnectionId)).toEqual([id]);

    // Accepting again prints the InvalidStateTransition.
    const again = await cli(['accept-vpc-peering-connection', '--vpc-peering-connection-id', id]);
    expect(SERVICE_ERROR_EXITS).toContain(again.exitCode);
    expect(again.stderr).toContain(
      'An error occurred (InvalidStateTransition) when calling the AcceptVpcPeeringConnection operation: ' +
        `Invalid state transition for ${id}, attempted to transition from active to provisioning`,
    );
  });

  it('reject-vpc-peering-connection prints Return true; the connection is rejected', async () => {
    const { VpcPeeringConnection } = await cliOk(['create-vpc-peering-connection', '--vpc-id', vpcA, '--peer-vpc-id', vpcC]);
    const id: string = VpcPeeringConnection.VpcPeeringConnectionId;
    expect(await cliOk(['reject-vpc-peering-connection', '--vpc-peering-connection-id', id])).toEqual({ Return: true });
    expect(await statusOf(id)).toEqual({ Code: 'rejected', Message: `Rejected by ${ACCOUNT}` });
    const deleting = await cli(['delete-vpc-peering-connection', '--vpc-peering-connection-id', id]);
    expect(SERVICE_ERROR_EXITS).toContain(deleting.exitCode);
    expect(deleting.stderr).toContain(
      'An error occurred (InvalidStateTransition) when calling the DeleteVpcPeeringConnection operation: ' +
        `Invalid state transition for ${id}, attempted to transition from rejected to deleting`,
    );
  });

  it('describe-security-group-references and describe-stale-security-groups, before and after delete-vpc-peering-connection', async () => {
    const { VpcPeeringConnection } = await cliOk(['create-vpc-peering-connection', '--vpc-id', vpcC, '--peer-vpc-id', vpcB]);
    const id: string = VpcPeeringConnection.VpcPeeringConnectionId;
    await cliOk(['accept-vpc-peering-connection', '--vpc-peering-connection-id', id]);
    const app = (await sdk.send(new CreateSecurityGroupCommand({ GroupName: 'cli-app', Description: 'app', VpcId: vpcC }))).GroupId!;
    const db = (await sdk.send(new CreateSecurityGroupCommand({ GroupName: 'cli-db', Description: 'db', VpcId: vpcB }))).GroupId!;
    await sdk.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: app,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: db }] }],
      }),
    );

    expect(await cliOk(['describe-security-group-references', '--group-id', db])).toEqual({
      SecurityGroupReferenceSet: [{ GroupId: db, ReferencingVpcId: vpcC, VpcPeeringConnectionId: id }],
    });
    expect(await cliOk(['describe-stale-security-groups', '--vpc-id', vpcC])).toEqual({ StaleSecurityGroupSet: [] });

    expect(await cliOk(['delete-vpc-peering-connection', '--vpc-peering-connection-id', id])).toEqual({ Return: true });
    expect(await statusOf(id)).toEqual({ Code: 'deleted', Message: `Deleted by ${ACCOUNT}` });
    expect(await cliOk(['describe-security-group-references', '--group-id', db])).toEqual({ SecurityGroupReferenceSet: [] });
    expect(await cliOk(['describe-stale-security-groups', '--vpc-id', vpcC])).toEqual({
      StaleSecurityGroupSet: [
        {
          Description: 'app',
          GroupId: app,
          GroupName: 'cli-app',
          StaleIpPermissions: [
            {
              FromPort: 5432,
              IpProtocol: 'tcp',
              IpRanges: [],
              PrefixListIds: [],
              ToPort: 5432,
              UserIdGroupPairs: [
                { UserId: ACCOUNT, GroupName: 'cli-db', GroupId: db, VpcId: vpcB, VpcPeeringConnectionId: id, PeeringStatus: 'deleted' },
              ],
            },
          ],
          StaleIpPermissionsEgress: [],
          VpcId: vpcC,
        },
      ],
    });
  });

  it('prints the NotFound and Malformed errors with their codes and texts', async () => {
    const notFound = await cli(['delete-vpc-peering-connection', '--vpc-peering-connection-id', 'pcx-0123456789abcdef0']);
    expect(SERVICE_ERROR_EXITS).toContain(notFound.exitCode);
    expect(notFound.stderr).toContain(
      'An error occurred (InvalidVpcPeeringConnectionID.NotFound) when calling the DeleteVpcPeeringConnection operation: ' +
        "The vpcPeeringConnection ID 'pcx-0123456789abcdef0' does not exist",
    );
    const malformed = await cli(['describe-vpc-peering-connections', '--vpc-peering-connection-ids', 'pcx-zz']);
    expect(SERVICE_ERROR_EXITS).toContain(malformed.exitCode);
    expect(malformed.stderr).toContain(
      'An error occurred (InvalidVpcPeeringConnectionId.Malformed) when calling the DescribeVpcPeeringConnections operation: ' +
        'Invalid id: "pcx-zz" (expecting "pcx-...")',
    );
    const stale = await cli(['describe-stale-security-groups', '--vpc-id', 'vpc-12345678']);
    expect(SERVICE_ERROR_EXITS).toContain(stale.exitCode);
    expect(stale.stderr).toContain(
      "An error occurred (InvalidVpcID.NotFound) when calling the DescribeStaleSecurityGroups operation: The vpc ID 'vpc-12345678' does not exist",
    );
  });
});
