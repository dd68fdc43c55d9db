/**
 * The real `aws` CLI (v1) against security groups associated with other VPCs:
 * associate-security-group-vpc, describe-security-group-vpc-associations (with --filters and
 * auto-pagination), get-security-groups-for-vpc, disassociate-security-group-vpc, and how the CLI
 * prints the refusals. Every command under test goes through the `aws` binary; only setup not under
 * test goes through the SDK.
 */
import {
  AssociateSecurityGroupVpcCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DisassociateSecurityGroupVpcCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { awsEc2, awsEc2Ok, hasAwsCli } from '../helpers/cli.js';
import { startServerWithVpc, stopServer } from '../helpers/server.js';

if (!hasAwsCli) {
  console.warn('aws-cli-associations.test.ts: no `aws` executable on PATH; the AWS CLI tests are skipped.');
}

const ACCOUNT = '000000000000';
/** How the CLI exits when the service answered an error: 255 from CLI v1, 254 from CLI v2. */
const SERVICE_ERROR_EXITS = [254, 255];

describe.skipIf(!hasAwsCli)('the aws CLI and security-group VPC associations', () => {
  let emulator: Emulator;
  let sdk: EC2Client;
  let home: string;
  let other: string;
  let group: string;

  const cli = (args: readonly string[]) => awsEc2(emulator.url, args);
  const cliOk = (args: readonly string[]) => awsEc2Ok(emulator.url, args);
  const describeAssociations = async (...extra: string[]) =>
    (await cliOk(['describe-security-group-vpc-associations', ...extra])).SecurityGroupVpcAssociations as Record<string, unknown>[];

  beforeAll(async () => {
    ({ emulator, ec2: sdk, vpcId: home } = await startServerWithVpc('10.90.0.0/16'));
    other = (await sdk.send(new CreateVpcCommand({ CidrBlock: '10.91.0.0/16' }))).Vpc!.VpcId!;
    group = (await sdk.send(new CreateSecurityGroupCommand({ GroupName: 'cli-shared', Description: 'cli shared', VpcId: home }))).GroupId!;
  });
  afterAll(() => stopServer(emulator, sdk));

  it('associate-security-group-vpc prints {"State": "associating"}', async () => {
    expect(await cliOk(['associate-security-group-vpc', '--group-id', group, '--vpc-id', other])).toEqual({ State: 'associating' });
  });

  it('describe-security-group-vpc-associations --filters group-id and vpc-id shows it associated', async () => {
    const expected = [{ GroupId: group, VpcId: other, VpcOwnerId: ACCOUNT, State: 'associated', GroupOwnerId: ACCOUNT }];
    expect(await describeAssociations('--filters', `Name=group-id,Values=${group}`, `Name=vpc-id,Values=${other}`)).toEqual(expected);
    expect(await describeAssociations('--filters', 'Name=state,Values=associated')).toEqual(expected);
  });

  it('describe-security-group-vpc-associations auto-paginates with --page-size (7 associations, pages of 5)', async () => {
    const extra: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = (await sdk.send(new CreateSecurityGroupCommand({ GroupName: `cli-page-${i}`, Description: 'page', VpcId: home }))).GroupId!;
      await sdk.send(new AssociateSecurityGroupVpcCommand({ GroupId: id, VpcId: other }));
      extra.push(id);
    }
    const all = await describeAssociations('--page-size', '5', '--filters', `Name=vpc-id,Values=${other}`);
    expect(all.map((a) => a.GroupId)).toEqual([group, ...extra]);
    for (const id of extra) await sdk.send(new DisassociateSecurityGroupVpcCommand({ GroupId: id, VpcId: other }));
  });

  it('get-security-groups-for-vpc lists the VPC default group and the associated group, with Tags []', async () => {
    const out = await cliOk(['get-security-groups-for-vpc', '--vpc-id', other]);
    expect(out.SecurityGroupForVpcs).toEqual([
      expect.objectContaining({ GroupName: 'default', PrimaryVpcId: other, OwnerId: ACCOUNT, Tags: [] }),
      { Description: 'cli shared', GroupName: 'cli-shared', OwnerId: ACCOUNT, GroupId: group, Tags: [], PrimaryVpcId: home },
    ]);
    const filtered = await cliOk(['get-security-groups-for-vpc', '--vpc-id', other, '--filters', `Name=primary-vpc-id,Values=${home}`]);
    expect(filtered.SecurityGroupForVpcs.map((g: { GroupId: string }) => g.GroupId)).toEqual([group]);
  });

  it('a second association of the same pair prints Resource.AlreadyAssociated', async () => {
    const result = await cli(['associate-security-group-vpc', '--group-id', group, '--vpc-id', other]);
    expect(SERVICE_ERROR_EXITS).toContain(result.exitCode);
    expect(result.stderr).toContain(
      `An error occurred (Resource.AlreadyAssociated) when calling the AssociateSecurityGroupVpc operation: The security group ${group} is already associated with ${other}.`,
    );
  });

  it('disassociate-security-group-vpc prints {"State": "disassociating"}, and the association is gone', async () => {
    expect(await cliOk(['disassociate-security-group-vpc', '--group-id', group, '--vpc-id', other])).toEqual({ State: 'disassociating' });
    expect(await describeAssociations('--filters', `Name=group-id,Values=${group}`)).toEqual([]);
  });

  it('disassociating a pair that is not associated prints InvalidGroup.NotFound', async () => {
    const result = await cli(['disassociate-security-group-vpc', '--group-id', group, '--vpc-id', other]);
    expect(SERVICE_ERROR_EXITS).toContain(result.exitCode);
    expect(result.stderr).toContain(
      `An error occurred (InvalidGroup.NotFound) when calling the DisassociateSecurityGroupVpc operation: The security group '${group}' does not exist in VPC '${other}'`,
    );
  });

  it('--dry-run prints DryRunOperation', async () => {
    const result = await cli(['associate-security-group-vpc', '--group-id', group, '--vpc-id', other, '--dry-run']);
    expect(SERVICE_ERROR_EXITS).toContain(result.exitCode);
    expect(result.stderr).toContain(
      'An error occurred (DryRunOperation) when calling the AssociateSecurityGroupVpc operation: Request would have succeeded, but DryRun flag is set.',
    );
    expect(await describeAssociations('--filters', `Name=group-id,Values=${group}`)).toEqual([]);
  });
});
