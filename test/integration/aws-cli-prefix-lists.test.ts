/**
 * The real `aws` CLI (v1, botocore) against the prefix-list actions of issue 11 §4:
 * describe-prefix-lists (auto-pagination, filters, ids), get-managed-prefix-list-associations and
 * restore-managed-prefix-list-version, with the CLI's own error printing. Setup that is not itself
 * under test goes through the SDK.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  DescribeManagedPrefixListsCommand,
  ModifyManagedPrefixListCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { awsEc2, awsEc2Ok, hasAwsCli } from '../helpers/cli.js';
import { startServerWithVpc, stopServer } from '../helpers/server.js';

if (!hasAwsCli) {
  console.warn('aws-cli-prefix-lists.test.ts: no `aws` executable on PATH; the AWS CLI tests are skipped.');
}

describe.skipIf(!hasAwsCli)('the aws CLI and the prefix-list actions of issue 11', () => {
  let emulator: Emulator;
  let sdk: EC2Client;
  let vpcId: string;
  /** Actions of the requests the emulator served, from its request log. */
  const served: string[] = [];
  let s3Id: string;

  const cli = (args: readonly string[]) => awsEc2(emulator.url, args);
  const cliOk = (args: readonly string[]) => awsEc2Ok(emulator.url, args);
  const count = (action: string) => served.filter((a) => a === action).length;

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, {
      write(line: string) {
        const action = (JSON.parse(line) as { action?: string }).action;
        if (action) served.push(action);
      },
    });
    ({ emulator, ec2: sdk, vpcId } = await startServerWithVpc('10.60.0.0/16', { logger }));
    const managed = await sdk.send(
      new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.us-east-1.s3'] }] }),
    );
    s3Id = managed.PrefixLists![0]!.PrefixListId!;
  });
  afterAll(() => stopServer(emulator, sdk));

  async function createList(name: string, cidrs: string[]): Promise<string> {
    const created = await sdk.send(
      new CreateManagedPrefixListCommand({
        PrefixListName: name,
        MaxEntries: 5,
        AddressFamily: 'IPv4',
        Entries: cidrs.map((Cidr) => ({ Cidr })),
      }),
    );
    return created.PrefixList!.PrefixListId!;
  }

  describe('describe-prefix-lists', () => {
    it('lists the service lists with their CIDRs, following NextToken with --page-size 1', async () => {
      const before = count('DescribePrefixLists');
      const out = await cliOk(['describe-prefix-lists', '--page-size', '1']);
      expect(count('DescribePrefixLists') - before).toBe(2);
      expect(out.PrefixLists.map((l: { PrefixListName: string }) => l.PrefixListName)).toEqual([
        'com.amazonaws.us-east-1.s3',
        'com.amazonaws.us-east-1.dynamodb',
      ]);
      expect(out.PrefixLists[0]).toEqual({
        PrefixListId: s3Id,
        PrefixListName: 'com.amazonaws.us-east-1.s3',
        Cidrs: ['3.5.0.0/19', '16.182.0.0/16', '18.34.0.0/19', '52.216.0.0/15', '54.231.0.0/16'],
      });
      expect(out.NextToken).toBeUndefined();
    });

    it('takes --prefix-list-ids and --filters with wildcards', async () => {
      const byId = await cliOk(['describe-prefix-lists', '--prefix-list-ids', s3Id]);
      expect(byId.PrefixLists.map((l: { PrefixListId: string }) => l.PrefixListId)).toEqual([s3Id]);
      const byName = await cliOk(['describe-prefix-lists', '--filters', 'Name=prefix-list-name,Values=com.amazonaws.*.dynamodb']);
      expect(byName.PrefixLists.map((l: { PrefixListName: string }) => l.PrefixListName)).toEqual(['com.amazonaws.us-east-1.dynamodb']);
    });

    it('prints InvalidPrefixListID.NotFound for an unknown id', async () => {
      const result = await cli(['describe-prefix-lists', '--prefix-list-ids', 'pl-0721453c7ac4ec009']);
      expect([254, 255]).toContain(result.exitCode);
      expect(result.stderr).toContain(
        'An error occurred (InvalidPrefixListID.NotFound) when calling the DescribePrefixLists operation: The prefix list (pl-0721453c7ac4ec009) does not exist.',
      );
    });
  });

  describe('get-managed-prefix-list-associations', () => {
    it('lists the referencing groups with their owner, paging with --page-size 5', async () => {
      const listId = await createList('cli-assoc', ['10.0.0.0/16']);
      const groups: string[] = [];
      for (let i = 0; i < 6; i++) {
        const groupId = (await sdk.send(new CreateSecurityGroupCommand({ GroupName: `cli-assoc-${i}`, Description: 'cli', VpcId: vpcId })))
          .GroupId!;
        await sdk.send(
          new AuthorizeSecurityGroupEgressCommand({
            GroupId: groupId,
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: listId }] }],
          }),
        );
        groups.push(groupId);
      }
      const before = count('GetManagedPrefixListAssociations');
      const out = await cliOk(['get-managed-prefix-list-associations', '--prefix-list-id', listId, '--page-size', '5']);
      expect(count('GetManagedPrefixListAssociations') - before).toBe(2);
      expect(out.PrefixListAssociations).toEqual(groups.map((ResourceId) => ({ ResourceId, ResourceOwner: '000000000000' })));
    });

    it('prints InvalidPrefixListID.NotFound for an unknown list (botocore itself refuses --max-results below 5)', async () => {
      const result = await cli(['get-managed-prefix-list-associations', '--prefix-list-id', 'pl-0721453c7ac4ec009']);
      expect([254, 255]).toContain(result.exitCode);
      expect(result.stderr).toContain(
        'An error occurred (InvalidPrefixListID.NotFound) when calling the GetManagedPrefixListAssociations operation: ' +
          'The prefix list (pl-0721453c7ac4ec009) does not exist.',
      );
    });
  });

  describe('restore-managed-prefix-list-version', () => {
    it('answers restore-in-progress at the old version, then describes restore-complete with the restored entries', async () => {
      const listId = await createList('cli-restore', ['10.0.0.0/16', '10.1.0.0/16']);
      await sdk.send(new ModifyManagedPrefixListCommand({ PrefixListId: listId, CurrentVersion: 1, AddEntries: [{ Cidr: '10.2.0.0/16' }] }));
      await sdk.send(
        new ModifyManagedPrefixListCommand({ PrefixListId: listId, CurrentVersion: 2, RemoveEntries: [{ Cidr: '10.0.0.0/16' }] }),
      );
      const out = await cliOk([
        'restore-managed-prefix-list-version', '--prefix-list-id', listId, '--previous-version', '1', '--current-version', '3',
      ]);
      expect(out.PrefixList).toEqual({
        PrefixListId: listId,
        AddressFamily: 'IPv4',
        State: 'restore-in-progress',
        PrefixListArn: `arn:aws:ec2:us-east-1:000000000000:prefix-list/${listId}`,
        PrefixListName: 'cli-restore',
        MaxEntries: 5,
        Version: 3,
        Tags: [],
        OwnerId: '000000000000',
      });
      const described = await cliOk(['describe-managed-prefix-lists', '--prefix-list-ids', listId]);
      expect(described.PrefixLists[0]).toMatchObject({ State: 'restore-complete', Version: 4 });
      const entries = await cliOk(['get-managed-prefix-list-entries', '--prefix-list-id', listId]);
      expect(entries.Entries.map((e: { Cidr: string }) => e.Cidr).sort()).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
    });

    it('prints PrefixListVersionMismatch for a stale --current-version, and the dry-run answer', async () => {
      const listId = await createList('cli-restore-errors', ['10.0.0.0/16']);
      await sdk.send(new ModifyManagedPrefixListCommand({ PrefixListId: listId, CurrentVersion: 1, AddEntries: [{ Cidr: '10.1.0.0/16' }] }));
      const stale = await cli([
        'restore-managed-prefix-list-version', '--prefix-list-id', listId, '--previous-version', '1', '--current-version', '1',
      ]);
      expect([254, 255]).toContain(stale.exitCode);
      expect(stale.stderr).toContain(
        'An error occurred (PrefixListVersionMismatch) when calling the RestoreManagedPrefixListVersion operation: ' +
          'The prefix list has the incorrect version number.',
      );
      const dry = await cli([
        'restore-managed-prefix-list-version', '--prefix-list-id', listId, '--previous-version', '1', '--current-version', '2', '--dry-run',
      ]);
      expect([254, 255]).toContain(dry.exitCode);
      expect(dry.stderr).toContain(
        'An error occurred (DryRunOperation) when calling the RestoreManagedPrefixListVersion operation: Request would have succeeded, but DryRun flag is set.',
      );
      const described = await cliOk(['describe-managed-prefix-lists', '--prefix-list-ids', listId]);
      expect(described.PrefixLists[0]).toMatchObject({ State: 'modify-complete', Version: 2 });
    });
  });

  describe('describe-managed-prefix-lists with tag filters', () => {
    it('takes tag:<key>, tag-key and tag-value in --filters', async () => {
      const created = await sdk.send(
        new CreateManagedPrefixListCommand({
          PrefixListName: 'cli-tagged',
          MaxEntries: 2,
          AddressFamily: 'IPv4',
          TagSpecifications: [{ ResourceType: 'prefix-list', Tags: [{ Key: 'Name', Value: 'cli-tagged' }, { Key: 'env', Value: 'prod' }] }],
        }),
      );
      const listId = created.PrefixList!.PrefixListId!;
      const idsFor = async (filter: string) =>
        (await cliOk(['describe-managed-prefix-lists', '--filters', filter])).PrefixLists.map((l: { PrefixListId: string }) => l.PrefixListId);
      expect(await idsFor('Name=tag:Name,Values=cli-tagged')).toEqual([listId]);
      expect(await idsFor('Name=tag:env,Values=prod,dev')).toEqual([listId]);
      expect(await idsFor('Name=tag:env,Values=dev')).toEqual([]);
      expect(await idsFor('Name=tag-key,Values=env')).toEqual([listId]);
      expect(await idsFor('Name=tag-value,Values=prod')).toEqual([listId]);
      const out = await cliOk(['describe-managed-prefix-lists', '--filters', 'Name=tag:Name,Values=cli-*']);
      expect(out.PrefixLists).toEqual([
        expect.objectContaining({ PrefixListId: listId, PrefixListName: 'cli-tagged', Tags: [{ Key: 'Name', Value: 'cli-tagged' }, { Key: 'env', Value: 'prod' }] }),
      ]);
    });
  });
});
