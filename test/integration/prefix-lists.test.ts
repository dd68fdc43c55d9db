/**
 * Managed prefix lists through the real SDK: the lifecycle Terraform's `aws_ec2_managed_prefix_list`
 * runs (create, wait for create-complete, read entries, modify with CurrentVersion, wait for
 * modify-complete, delete), versions and TargetVersion, the AWS-managed lists, quotas, and rules
 * that reference a list; DescribePrefixLists as Terraform's `data "aws_prefix_list"` reads it,
 * GetManagedPrefixListAssociations and RestoreManagedPrefixListVersion.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteManagedPrefixListCommand,
  DescribeManagedPrefixListsCommand,
  DescribePrefixListsCommand,
  GetManagedPrefixListAssociationsCommand,
  GetManagedPrefixListEntriesCommand,
  ModifyManagedPrefixListCommand,
  RestoreManagedPrefixListVersionCommand,
  RevokeSecurityGroupEgressCommand,
  paginateDescribeManagedPrefixLists,
  paginateDescribePrefixLists,
  paginateGetManagedPrefixListAssociations,
  paginateGetManagedPrefixListEntries,
  type EC2Client,
  type ManagedPrefixList,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, ec2ErrorOf, startServerWithClient, startTestServer, stopServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';
let emulator: Emulator;
let client: EC2Client;
let counter = 0;

beforeAll(async () => {
  ({ emulator, ec2: client } = await startServerWithClient({ limits: { rulesPerSecurityGroup: 20 } }));
});
afterAll(() => stopServer(emulator, client));

async function createList(
  options: { maxEntries?: number; family?: 'IPv4' | 'IPv6'; entries?: { Cidr: string; Description?: string }[] } = {},
): Promise<ManagedPrefixList> {
  counter += 1;
  const result = await client.send(
    new CreateManagedPrefixListCommand({
      PrefixListName: `list-${counter}`,
      MaxEntries: options.maxEntries ?? 10,
      AddressFamily: options.family ?? 'IPv4',
      Entries: options.entries,
    }),
  );
  return result.PrefixList!;
}

async function describeOne(prefixListId: string): Promise<ManagedPrefixList> {
  const result = await client.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [prefixListId] }));
  expect(result.PrefixLists).toHaveLength(1);
  return result.PrefixLists![0]!;
}

async function entriesOf(prefixListId: string, targetVersion?: number): Promise<string[]> {
  const result = await client.send(
    new GetManagedPrefixListEntriesCommand({ PrefixListId: prefixListId, TargetVersion: targetVersion }),
  );
  return (result.Entries ?? []).map((e) => (e.Description === undefined ? e.Cidr! : `${e.Cidr} ${e.Description}`));
}

describe('CreateManagedPrefixList', () => {
  it('creates a list at version 1 with canonical entries, tags, and the describe shape of G-1', async () => {
    const created = await client.send(
      new CreateManagedPrefixListCommand({
        PrefixListName: 'corp-ranges',
        MaxEntries: 5,
        AddressFamily: 'IPv4',
        Entries: [
          { Cidr: '10.1.2.3/16', Description: 'office' },
          { Cidr: '192.168.0.0/24' },
        ],
        TagSpecifications: [{ ResourceType: 'prefix-list', Tags: [{ Key: 'Name', Value: 'corp' }] }],
      }),
    );
    const list = created.PrefixList!;
    expect(list.PrefixListId).toMatch(/^pl-[0-9a-f]{17}$/);
    expect(list).toEqual({
      PrefixListId: list.PrefixListId,
      AddressFamily: 'IPv4',
      State: 'create-in-progress',
      PrefixListArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:prefix-list/${list.PrefixListId}`,
      PrefixListName: 'corp-ranges',
      MaxEntries: 5,
      Version: 1,
      Tags: [{ Key: 'Name', Value: 'corp' }],
      OwnerId: ACCOUNT,
    });
    expect(await describeOne(list.PrefixListId!)).toEqual({ ...list, State: 'create-complete' });
    expect(await entriesOf(list.PrefixListId!)).toEqual(['10.1.0.0/16 office', '192.168.0.0/24']);
  });

  it('accepts an IPv6 list and rejects CIDRs of the other family', async () => {
    const list = await createList({ family: 'IPv6', entries: [{ Cidr: '2001:DB8::1/32' }] });
    expect(await entriesOf(list.PrefixListId!)).toEqual(['2001:db8::/32']);
    const error = await ec2ErrorOf(() =>
      client.send(
        new CreateManagedPrefixListCommand({
          PrefixListName: 'mixed',
          MaxEntries: 2,
          AddressFamily: 'IPv6',
          Entries: [{ Cidr: '10.0.0.0/8' }],
        }),
      ),
    );
    expect(error).toEqual({ code: 'InvalidParameterValue', message: 'CIDR block 10.0.0.0/8 is malformed', status: 400 });
  });

  it('returns the same list for a repeated ClientToken with the same parameters, and refuses other parameters', async () => {
    const input = { PrefixListName: 'idempotent', MaxEntries: 3, AddressFamily: 'IPv4', ClientToken: 'tok-1' };
    const first = (await client.send(new CreateManagedPrefixListCommand(input))).PrefixList!;
    const again = (await client.send(new CreateManagedPrefixListCommand(input))).PrefixList!;
    expect(again.PrefixListId).toBe(first.PrefixListId);
    const named = await client.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['idempotent'] }] }));
    expect(named.PrefixLists).toHaveLength(1);
    const error = await ec2ErrorOf(() => client.send(new CreateManagedPrefixListCommand({ ...input, MaxEntries: 4 })));
    expect(error).toEqual({
      code: 'IdempotentParameterMismatch',
      message: "The client token 'tok-1' was already used with different parameters.",
      status: 400,
    });
  });

  it('rejects names of AWS lists, sizes outside 1..1000, more than 100 entries, and entries beyond MaxEntries', async () => {
    const base = { PrefixListName: 'bad', MaxEntries: 5, AddressFamily: 'IPv4' };
    expect(
      await ec2ErrorOf(() => client.send(new CreateManagedPrefixListCommand({ ...base, PrefixListName: 'com.amazonaws.mine' }))),
    ).toEqual({
      code: 'InvalidParameterValue',
      message: 'Value (com.amazonaws.mine) for parameter prefixListName is invalid. Prefix list names cannot start with com.amazonaws.',
      status: 400,
    });
    expect(await ec2ErrorOf(() => client.send(new CreateManagedPrefixListCommand({ ...base, MaxEntries: 4000 })))).toEqual({
      code: 'InvalidParameterValue',
      message: 'Must specify a max size between 1 and 1000',
      status: 400,
    });
    const many = Array.from({ length: 101 }, (_, i) => ({ Cidr: `10.${i}.0.0/16` }));
    expect(
      await ec2ErrorOf(() => client.send(new CreateManagedPrefixListCommand({ ...base, MaxEntries: 1000, Entries: many }))),
    ).toEqual({
      code: 'InvalidParameterValue',
      message: 'The number of entries per request cannot exceeds limit (100).',
      status: 400,
    });
    expect(
      await ec2ErrorOf(() =>
        client.send(new CreateManagedPrefixListCommand({ ...base, MaxEntries: 1, Entries: many.slice(0, 2) })),
      ),
    ).toEqual({
      code: 'PrefixListMaxEntriesExceeded',
      message: 'The number of entries (2) exceeds the maximum number of entries for the prefix list (1).',
      status: 400,
    });
    expect(
      await ec2ErrorOf(() =>
        client.send(
          new CreateManagedPrefixListCommand({ ...base, Entries: [{ Cidr: '10.0.0.0/8' }, { Cidr: '10.1.0.0/8' }] }),
        ),
      ),
    ).toEqual({
      code: 'InvalidParameterValue',
      message: 'The CIDR 10.0.0.0/8 is specified more than once in the request.',
      status: 400,
    });
  });

  it('allows 100 customer lists per region (configurable) and refuses the next', async () => {
    const small = await startTestServer({ limits: { prefixListsPerRegion: 2 } });
    const smallClient = ec2Client(small.url);
    try {
      for (const name of ['a', 'b']) {
        await smallClient.send(new CreateManagedPrefixListCommand({ PrefixListName: name, MaxEntries: 1, AddressFamily: 'IPv4' }));
      }
      const error = await ec2ErrorOf(() =>
        smallClient.send(new CreateManagedPrefixListCommand({ PrefixListName: 'c', MaxEntries: 1, AddressFamily: 'IPv4' })),
      );
      expect(error).toEqual({
        code: 'ResourceLimitExceeded',
        message: 'You have reached the maximum number of customer-managed prefix lists (2) for this Region.',
        status: 400,
      });
    } finally {
      smallClient.destroy();
      await small.stop();
    }
  });
});

describe('DescribeManagedPrefixLists', () => {
  it('includes the AWS-managed s3 and dynamodb lists of the region, owner AWS, with entries', async () => {
    const result = await client.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'owner-id', Values: ['AWS'] }] }));
    const names = result.PrefixLists!.map((l) => l.PrefixListName);
    expect(names).toEqual(['com.amazonaws.us-east-1.s3', 'com.amazonaws.us-east-1.dynamodb']);
    const s3 = result.PrefixLists![0]!;
    expect(s3).toEqual({
      PrefixListId: s3.PrefixListId,
      AddressFamily: 'IPv4',
      State: 'create-complete',
      PrefixListArn: `arn:aws:ec2:us-east-1:aws:prefix-list/${s3.PrefixListId}`,
      PrefixListName: 'com.amazonaws.us-east-1.s3',
      Tags: [],
      OwnerId: 'AWS',
    });
    expect((await entriesOf(s3.PrefixListId!)).length).toBeGreaterThan(0);

    const west = ec2Client(emulator.url, 'eu-west-1');
    try {
      const lists = (await west.send(new DescribeManagedPrefixListsCommand({}))).PrefixLists!;
      expect(lists.map((l) => l.PrefixListName)).toContain('com.amazonaws.eu-west-1.dynamodb');
    } finally {
      west.destroy();
    }
  });

  it('finds a list by name as the Terraform data source does, with wildcards', async () => {
    const result = await client.send(
      new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.*.s3'] }] }),
    );
    expect(result.PrefixLists!.map((l) => l.PrefixListName)).toEqual(['com.amazonaws.us-east-1.s3']);
  });

  it('answers InvalidPrefixListID.NotFound for an unknown id, and rejects undocumented filters', async () => {
    expect(
      await ec2ErrorOf(() => client.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: ['pl-0721453c7ac4ec009'] }))),
    ).toEqual({
      code: 'InvalidPrefixListID.NotFound',
      message: 'The prefix list (pl-0721453c7ac4ec009) does not exist.',
      status: 400,
    });
    expect(
      await ec2ErrorOf(() =>
        client.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'address-family', Values: ['IPv4'] }] })),
      ),
    ).toEqual({ code: 'InvalidParameterValue', message: "The filter 'address-family' is invalid", status: 400 });
  });

  it('pages with MaxResults 1..100 and NextToken (SDK paginator)', async () => {
    for (let i = 0; i < 3; i++) await createList();
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeManagedPrefixLists({ client, pageSize: 1 }, {})) {
      pages += 1;
      ids.push(...page.PrefixLists!.map((l) => l.PrefixListId!));
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(ids.length);
    const all = (await client.send(new DescribeManagedPrefixListsCommand({}))).PrefixLists!.map((l) => l.PrefixListId);
    expect(ids).toEqual(all);
    expect(await ec2ErrorOf(() => client.send(new DescribeManagedPrefixListsCommand({ MaxResults: 101 })))).toMatchObject({
      code: 'InvalidParameterValue',
    });
  });
});

describe('ModifyManagedPrefixList and GetManagedPrefixListEntries', () => {
  it('runs the Terraform update: each entry change makes a version, old versions stay readable', async () => {
    const list = await createList({ entries: [{ Cidr: '10.0.0.0/16' }, { Cidr: '10.1.0.0/16', Description: 'old' }] });
    const id = list.PrefixListId!;

    // Description change: Terraform removes in one call, then adds in the next.
    const removed = await client.send(
      new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 1, RemoveEntries: [{ Cidr: '10.1.0.0/16' }] }),
    );
    expect(removed.PrefixList).toMatchObject({ State: 'modify-in-progress', Version: 2 });
    expect((await describeOne(id)).State).toBe('modify-complete');
    await client.send(
      new ModifyManagedPrefixListCommand({
        PrefixListId: id,
        CurrentVersion: 2,
        AddEntries: [{ Cidr: '10.1.0.0/16', Description: 'new' }, { Cidr: '10.2.0.0/16' }],
      }),
    );
    expect((await describeOne(id)).Version).toBe(3);
    expect(await entriesOf(id)).toEqual(['10.0.0.0/16', '10.1.0.0/16 new', '10.2.0.0/16']);
    expect(await entriesOf(id, 1)).toEqual(['10.0.0.0/16', '10.1.0.0/16 old']);
    expect(await entriesOf(id, 2)).toEqual(['10.0.0.0/16']);

    // A new name keeps the version.
    const renamed = await client.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, PrefixListName: 'renamed' }));
    expect(renamed.PrefixList).toMatchObject({ PrefixListName: 'renamed', Version: 3 });

    const noVersion = await ec2ErrorOf(() => client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id, TargetVersion: 4 })));
    expect(noVersion).toEqual({
      code: 'InvalidParameterValue',
      message: 'Value (4) for parameter targetVersion is invalid. The prefix list has no version 4.',
      status: 400,
    });
  });

  it('refuses a stale CurrentVersion, a missing entry, an existing entry, and growth past MaxEntries, changing nothing', async () => {
    const list = await createList({ maxEntries: 2, entries: [{ Cidr: '10.0.0.0/16' }] });
    const id = list.PrefixListId!;
    expect(
      await ec2ErrorOf(() =>
        client.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 7, AddEntries: [{ Cidr: '10.9.0.0/16' }] })),
      ),
    ).toEqual({ code: 'PrefixListVersionMismatch', message: 'The prefix list has the incorrect version number.', status: 400 });
    expect(
      await ec2ErrorOf(() =>
        client.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, RemoveEntries: [{ Cidr: '10.5.0.0/16' }] })),
      ),
    ).toEqual({
      code: 'InvalidPrefixListModification',
      message: 'The prefix list entry 10.5.0.0/16 does not exist.',
      status: 400,
    });
    expect(
      await ec2ErrorOf(() =>
        client.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, AddEntries: [{ Cidr: '10.0.0.0/16' }] })),
      ),
    ).toEqual({ code: 'InvalidPrefixListModification', message: 'The prefix list entry 10.0.0.0/16 already exists.', status: 400 });
    expect(
      await ec2ErrorOf(() =>
        client.send(
          new ModifyManagedPrefixListCommand({
            PrefixListId: id,
            AddEntries: [{ Cidr: '10.1.0.0/16' }, { Cidr: '10.2.0.0/16' }],
          }),
        ),
      ),
    ).toEqual({
      code: 'PrefixListMaxEntriesExceeded',
      message: 'The number of entries (3) exceeds the maximum number of entries for the prefix list (2).',
      status: 400,
    });
    expect(await describeOne(id)).toMatchObject({ Version: 1, State: 'create-complete' });
    expect(await entriesOf(id)).toEqual(['10.0.0.0/16']);
  });

  it('changes MaxEntries alone, never below the entry count', async () => {
    const list = await createList({ maxEntries: 3, entries: [{ Cidr: '10.0.0.0/16' }, { Cidr: '10.1.0.0/16' }] });
    const id = list.PrefixListId!;
    const grown = await client.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, MaxEntries: 8 }));
    expect(grown.PrefixList).toMatchObject({ MaxEntries: 8, Version: 1 });
    expect(await ec2ErrorOf(() => client.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, MaxEntries: 1 })))).toEqual({
      code: 'PrefixListMaxEntriesExceeded',
      message: 'The number of entries (2) exceeds the maximum number of entries for the prefix list (1).',
      status: 400,
    });
    expect(
      await ec2ErrorOf(() =>
        client.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, MaxEntries: 9, AddEntries: [{ Cidr: '10.7.0.0/16' }] })),
      ),
    ).toEqual({
      code: 'InvalidParameterCombination',
      message: 'You cannot modify the entries of a prefix list and modify the size of a prefix list at the same time.',
      status: 400,
    });
  });

  it('pages entries with MaxResults and NextToken', async () => {
    const entries = Array.from({ length: 7 }, (_, i) => ({ Cidr: `10.${i}.0.0/16` }));
    const list = await createList({ maxEntries: 10, entries });
    const seen: string[] = [];
    for await (const page of paginateGetManagedPrefixListEntries({ client, pageSize: 3 }, { PrefixListId: list.PrefixListId! })) {
      expect(page.Entries!.length).toBeLessThanOrEqual(3);
      seen.push(...page.Entries!.map((e) => e.Cidr!));
    }
    expect(seen).toEqual(entries.map((e) => e.Cidr));
  });

  it('refuses to modify or delete an AWS-managed list', async () => {
    const s3 = (await client.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'owner-id', Values: ['AWS'] }] })))
      .PrefixLists![0]!;
    expect(
      await ec2ErrorOf(() => client.send(new ModifyManagedPrefixListCommand({ PrefixListId: s3.PrefixListId, PrefixListName: 'x' }))),
    ).toEqual({
      code: 'InvalidPrefixListModification',
      message: `The prefix list ${s3.PrefixListId} is managed by AWS and cannot be modified.`,
      status: 400,
    });
    expect(await ec2ErrorOf(() => client.send(new DeleteManagedPrefixListCommand({ PrefixListId: s3.PrefixListId })))).toEqual({
      code: 'InvalidPrefixListModification',
      message: `The prefix list ${s3.PrefixListId} is managed by AWS and cannot be deleted.`,
      status: 400,
    });
  });
});

describe('prefix lists referenced by rules', () => {
  let groupId: string;
  beforeAll(async () => {
    const vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc!.VpcId!;
    groupId = (
      await client.send(new CreateSecurityGroupCommand({ GroupName: 'pl-users', Description: 'uses lists', VpcId: vpcId }))
    ).GroupId!;
  });

  it('a rule counts the list by MaxEntries: growing it past the group quota is refused', async () => {
    // The server runs with 20 rules per group per direction and family; the default egress is 1.
    const list = await createList({ maxEntries: 10 });
    const authorized = await client.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: list.PrefixListId }] }],
      }),
    );
    await client.send(new ModifyManagedPrefixListCommand({ PrefixListId: list.PrefixListId, MaxEntries: 19 }));
    expect(await ec2ErrorOf(() => client.send(new ModifyManagedPrefixListCommand({ PrefixListId: list.PrefixListId, MaxEntries: 20 })))).toEqual({
      code: 'RulesPerSecurityGroupLimitExceeded',
      message: 'The maximum number of rules per security group has been reached.',
      status: 400,
    });
    expect((await describeOne(list.PrefixListId!)).MaxEntries).toBe(19);

    // While the rule exists, Delete is accepted but fails: the list stays, delete-failed, with a
    // state message, and the rule keeps naming it. After the revoke a Delete removes it.
    const refused = await client.send(new DeleteManagedPrefixListCommand({ PrefixListId: list.PrefixListId }));
    expect(refused.PrefixList).toMatchObject({ PrefixListId: list.PrefixListId, State: 'delete-in-progress', MaxEntries: 19 });
    expect(refused.PrefixList!.StateMessage).toBeUndefined();
    expect(await describeOne(list.PrefixListId!)).toMatchObject({
      State: 'delete-failed',
      StateMessage: `The prefix list ${list.PrefixListId} could not be deleted because it is referenced by one or more resources.`,
      MaxEntries: 19,
    });
    const associations = await client.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: list.PrefixListId }));
    expect(associations.PrefixListAssociations).toEqual([{ ResourceId: groupId, ResourceOwner: ACCOUNT }]);
    await client.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: groupId,
        SecurityGroupRuleIds: [authorized.SecurityGroupRules![0]!.SecurityGroupRuleId!],
      }),
    );
    // Without references it stays delete-failed until deleted again.
    expect((await describeOne(list.PrefixListId!)).State).toBe('delete-failed');
    const deleted = await client.send(new DeleteManagedPrefixListCommand({ PrefixListId: list.PrefixListId }));
    expect(deleted.PrefixList).toMatchObject({ PrefixListId: list.PrefixListId, State: 'delete-in-progress' });
    expect(
      await ec2ErrorOf(() => client.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [list.PrefixListId!] }))),
    ).toMatchObject({ code: 'InvalidPrefixListID.NotFound' });
    expect(await ec2ErrorOf(() => client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: list.PrefixListId })))).toEqual({
      code: 'InvalidPrefixListID.NotFound',
      message: `The prefix list (${list.PrefixListId}) does not exist.`,
      status: 400,
    });
  });
});

describe('a delete-failed list', () => {
  it('can be modified, named by a new rule, re-deleted (failing again while referenced), and Terraform-style waiting sees delete-failed', async () => {
    const vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: '10.31.0.0/16' }))).Vpc!.VpcId!;
    const groupId = (
      await client.send(new CreateSecurityGroupCommand({ GroupName: 'pl-holder', Description: 'holds a list', VpcId: vpcId }))
    ).GroupId!;
    const list = await createList({ maxEntries: 5, entries: [{ Cidr: '10.0.0.0/16', Description: 'office' }] });
    const id = list.PrefixListId!;
    const first = await client.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: id }] }],
      }),
    );
    await client.send(new DeleteManagedPrefixListCommand({ PrefixListId: id }));
    expect((await describeOne(id)).State).toBe('delete-failed');

    // Another rule may still name it, and it can be modified (the state message goes with the state).
    const second = await client.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListIds: [{ PrefixListId: id }] }],
      }),
    );
    expect(second.SecurityGroupRules![0]!.PrefixListId).toBe(id);
    await client.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 1, AddEntries: [{ Cidr: '10.1.0.0/16' }] }));
    const modified = await describeOne(id);
    expect(modified).toMatchObject({ State: 'modify-complete', Version: 2 });
    expect(modified.StateMessage).toBeUndefined();
    expect(await entriesOf(id)).toEqual(['10.0.0.0/16 office', '10.1.0.0/16']);

    await client.send(new DeleteManagedPrefixListCommand({ PrefixListId: id }));
    expect((await describeOne(id)).State).toBe('delete-failed');

    await client.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: groupId,
        SecurityGroupRuleIds: [first.SecurityGroupRules![0]!.SecurityGroupRuleId!, second.SecurityGroupRules![0]!.SecurityGroupRuleId!],
      }),
    );
    expect((await client.send(new DeleteManagedPrefixListCommand({ PrefixListId: id }))).PrefixList).toMatchObject({
      PrefixListId: id,
      State: 'delete-in-progress',
    });
    expect(await ec2ErrorOf(() => client.send(new DeleteManagedPrefixListCommand({ PrefixListId: id })))).toEqual({
      code: 'InvalidPrefixListID.NotFound',
      message: `The prefix list (${id}) does not exist.`,
      status: 400,
    });
  });
});

describe('AWS-managed lists carry AWS ids', () => {
  it('us-east-1 and us-west-2 answer the real ids, usable as rule peers', async () => {
    const byName = async (ec2: EC2Client) =>
      Object.fromEntries(
        ((await ec2.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'owner-id', Values: ['AWS'] }] }))).PrefixLists ?? []).map(
          (l) => [l.PrefixListName!, l.PrefixListId!],
        ),
      );
    expect(await byName(client)).toEqual({ 'com.amazonaws.us-east-1.s3': 'pl-63a5400a', 'com.amazonaws.us-east-1.dynamodb': 'pl-02cd2c6b' });
    const west = ec2Client(emulator.url, 'us-west-2');
    try {
      expect(await byName(west)).toEqual({ 'com.amazonaws.us-west-2.s3': 'pl-68a54001', 'com.amazonaws.us-west-2.dynamodb': 'pl-00a54069' });
      const dynamodb = await west.send(new DescribePrefixListsCommand({ PrefixListIds: ['pl-00a54069'] }));
      expect(dynamodb.PrefixLists!.map((l) => l.PrefixListName)).toEqual(['com.amazonaws.us-west-2.dynamodb']);
    } finally {
      west.destroy();
    }
    const groupId = (await client.send(new CreateSecurityGroupCommand({ GroupName: 'to-s3', Description: 'egress to S3' }))).GroupId!;
    const rule = await client.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-63a5400a' }] }],
      }),
    );
    expect(rule.SecurityGroupRules![0]!.PrefixListId).toBe('pl-63a5400a');
  });
});

describe('DescribePrefixLists (the AWS service lists)', () => {
  it('finds one list by name, as data "aws_prefix_list" does, with the id and CIDRs of the managed list', async () => {
    const byName = await client.send(
      new DescribePrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.us-east-1.s3'] }] }),
    );
    expect(byName.PrefixLists).toHaveLength(1);
    const s3 = byName.PrefixLists![0]!;
    expect(Object.keys(s3).sort()).toEqual(['Cidrs', 'PrefixListId', 'PrefixListName']);
    expect(s3.PrefixListName).toBe('com.amazonaws.us-east-1.s3');

    const managed = await client.send(
      new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.us-east-1.s3'] }] }),
    );
    expect(managed.PrefixLists![0]).toMatchObject({ PrefixListId: s3.PrefixListId, OwnerId: 'AWS' });
    expect(s3.Cidrs).toEqual(await entriesOf(s3.PrefixListId!));

    // prefix_list_id = aws_vpc_endpoint.s3.prefix_list_id
    const byId = await client.send(new DescribePrefixListsCommand({ PrefixListIds: [s3.PrefixListId!] }));
    expect(byId.PrefixLists).toEqual([s3]);
    const byFilter = await client.send(new DescribePrefixListsCommand({ Filters: [{ Name: 'prefix-list-id', Values: [s3.PrefixListId!] }] }));
    expect(byFilter.PrefixLists).toEqual([s3]);
  });

  it('shows only the service lists of the region, never customer-managed ones', async () => {
    await createList({ entries: [{ Cidr: '10.0.0.0/16' }] });
    const all = await client.send(new DescribePrefixListsCommand({}));
    expect(all.PrefixLists!.map((l) => l.PrefixListName)).toEqual(['com.amazonaws.us-east-1.s3', 'com.amazonaws.us-east-1.dynamodb']);
    const west = ec2Client(emulator.url, 'eu-west-1');
    try {
      const lists = (await west.send(new DescribePrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['*dynamodb'] }] })))
        .PrefixLists!;
      expect(lists.map((l) => l.PrefixListName)).toEqual(['com.amazonaws.eu-west-1.dynamodb']);
    } finally {
      west.destroy();
    }
  });

  it('pages through the SDK paginator, and answers NotFound for a customer or unknown id', async () => {
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribePrefixLists({ client, pageSize: 1 }, {})) {
      pages += 1;
      names.push(...page.PrefixLists!.map((l) => l.PrefixListName!));
    }
    expect(pages).toBe(2);
    expect(names).toEqual(['com.amazonaws.us-east-1.s3', 'com.amazonaws.us-east-1.dynamodb']);

    const own = await createList();
    expect(await ec2ErrorOf(() => client.send(new DescribePrefixListsCommand({ PrefixListIds: [own.PrefixListId!] })))).toEqual({
      code: 'InvalidPrefixListID.NotFound',
      message: `The prefix list (${own.PrefixListId}) does not exist.`,
      status: 400,
    });
    expect(
      await ec2ErrorOf(() => client.send(new DescribePrefixListsCommand({ Filters: [{ Name: 'owner-id', Values: ['AWS'] }] }))),
    ).toEqual({ code: 'InvalidParameterValue', message: "The filter 'owner-id' is invalid", status: 400 });
  });
});

describe('GetManagedPrefixListAssociations and RestoreManagedPrefixListVersion', () => {
  let vpcId: string;
  beforeAll(async () => {
    vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!;
  });

  async function groupReferencing(name: string, prefixListId: string, port = 443): Promise<string> {
    const groupId = (await client.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
      .GroupId!;
    await client.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, PrefixListIds: [{ PrefixListId: prefixListId }] }],
      }),
    );
    return groupId;
  }

  it('lists the groups referencing a list, one item each, through the SDK paginator', async () => {
    // The server allows 20 rules per group and family, and a rule weighs the list's MaxEntries.
    const list = await createList({ maxEntries: 2, entries: [{ Cidr: '10.0.0.0/16' }] });
    const groups: string[] = [];
    for (let i = 0; i < 6; i++) groups.push(await groupReferencing(`assoc-${i}`, list.PrefixListId!));
    // A second rule in the same group does not make a second item.
    await client.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groups[0],
        IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, PrefixListIds: [{ PrefixListId: list.PrefixListId }] }],
      }),
    );
    const seen: { ResourceId?: string; ResourceOwner?: string }[] = [];
    let pages = 0;
    for await (const page of paginateGetManagedPrefixListAssociations({ client, pageSize: 5 }, { PrefixListId: list.PrefixListId! })) {
      pages += 1;
      expect(page.PrefixListAssociations!.length).toBeLessThanOrEqual(5);
      seen.push(...page.PrefixListAssociations!);
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(groups.map((groupId) => ({ ResourceId: groupId, ResourceOwner: ACCOUNT })));

    expect(
      await ec2ErrorOf(() => client.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: list.PrefixListId, MaxResults: 300 }))),
    ).toEqual({
      code: 'InvalidParameterValue',
      message: 'Value ( 300 ) for parameter maxResults is invalid. Expecting a value less than 255.',
      status: 400,
    });
    expect(
      await ec2ErrorOf(() => client.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: 'pl-0721453c7ac4ec009' }))),
    ).toEqual({ code: 'InvalidPrefixListID.NotFound', message: 'The prefix list (pl-0721453c7ac4ec009) does not exist.', status: 400 });
  });

  it('restores an earlier version as a new one (the API sample), keeping the rules and associations that reference it', async () => {
    const list = await createList({ entries: [{ Cidr: '10.0.0.0/16', Description: 'vpc-a' }, { Cidr: '10.2.0.0/16', Description: 'vpc-b' }] });
    const id = list.PrefixListId!;
    await client.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 1, AddEntries: [{ Cidr: '10.3.0.0/16' }] }));
    await client.send(
      new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 2, RemoveEntries: [{ Cidr: '10.0.0.0/16' }] }),
    );
    const groupId = await groupReferencing('restore-user', id);

    const restored = await client.send(new RestoreManagedPrefixListVersionCommand({ PrefixListId: id, PreviousVersion: 1, CurrentVersion: 3 }));
    expect(restored.PrefixList).toEqual({ ...list, State: 'restore-in-progress', Version: 3 });
    expect(await describeOne(id)).toEqual({ ...list, State: 'restore-complete', Version: 4 });
    expect((await entriesOf(id)).sort()).toEqual(['10.0.0.0/16 vpc-a', '10.2.0.0/16 vpc-b']);
    expect(await entriesOf(id, 3)).toEqual(['10.2.0.0/16 vpc-b', '10.3.0.0/16']);

    const associations = await client.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: id }));
    expect(associations.PrefixListAssociations).toEqual([{ ResourceId: groupId, ResourceOwner: ACCOUNT }]);

    // Terraform-style optimistic locking: the restore moved the version on.
    expect(
      await ec2ErrorOf(() => client.send(new RestoreManagedPrefixListVersionCommand({ PrefixListId: id, PreviousVersion: 2, CurrentVersion: 3 }))),
    ).toEqual({ code: 'PrefixListVersionMismatch', message: 'The prefix list has the incorrect version number.', status: 400 });
    expect(
      await ec2ErrorOf(() => client.send(new RestoreManagedPrefixListVersionCommand({ PrefixListId: id, PreviousVersion: 9, CurrentVersion: 4 }))),
    ).toEqual({
      code: 'InvalidParameterValue',
      message: 'Value (9) for parameter previousVersion is invalid. The prefix list has no version 9.',
      status: 400,
    });
    const again = await client.send(new RestoreManagedPrefixListVersionCommand({ PrefixListId: id, PreviousVersion: 3, CurrentVersion: 4 }));
    expect(again.PrefixList).toMatchObject({ State: 'restore-in-progress', Version: 4 });
    expect(await entriesOf(id)).toEqual(['10.2.0.0/16 vpc-b', '10.3.0.0/16']);
    expect((await describeOne(id)).Version).toBe(5);
  });

  it('refuses to restore an AWS-managed list', async () => {
    const s3 = (await client.send(new DescribePrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['*.s3'] }] })))
      .PrefixLists![0]!;
    expect(
      await ec2ErrorOf(() =>
        client.send(new RestoreManagedPrefixListVersionCommand({ PrefixListId: s3.PrefixListId, PreviousVersion: 1, CurrentVersion: 1 })),
      ),
    ).toEqual({
      code: 'InvalidPrefixListModification',
      message: `The prefix list ${s3.PrefixListId} is managed by AWS and cannot be restored.`,
      status: 400,
    });
  });
});

describe('DescribeManagedPrefixLists tag filters (what Terraform data "aws_ec2_managed_prefix_list" sends)', () => {
  it('tag:<key>, tag-key and tag-value select tagged lists, alone and with the other filters; untagged AWS lists never match', async () => {
    const tagged = async (name: string, tags: Record<string, string>) =>
      (
        await client.send(
          new CreateManagedPrefixListCommand({
            PrefixListName: name,
            MaxEntries: 2,
            AddressFamily: 'IPv4',
            TagSpecifications: [{ ResourceType: 'prefix-list', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
          }),
        )
      ).PrefixList!.PrefixListId!;
    const office = await tagged('tagfilter-office', { Name: 'tagfilter-office', site: 'hq' });
    const branch = await tagged('tagfilter-branch', { Name: 'tagfilter-branch', site: 'remote', tier: 'hq' });
    const ids = async (...Filters: { Name: string; Values: string[] }[]) =>
      ((await client.send(new DescribeManagedPrefixListsCommand({ Filters }))).PrefixLists ?? []).map((l) => l.PrefixListId).sort();

    expect(await ids({ Name: 'tag:Name', Values: ['tagfilter-office'] })).toEqual([office]);
    expect(await ids({ Name: 'tag:Name', Values: ['tagfilter-*'] })).toEqual([office, branch].sort());
    expect(await ids({ Name: 'tag:site', Values: ['hq', 'remote'] })).toEqual([office, branch].sort());
    expect(await ids({ Name: 'tag:site', Values: ['HQ'] })).toEqual([]);
    expect(await ids({ Name: 'tag-key', Values: ['tier'] })).toEqual([branch]);
    expect(await ids({ Name: 'tag-value', Values: ['hq'] })).toEqual([office, branch].sort());
    expect(await ids({ Name: 'tag-value', Values: ['hq'] }, { Name: 'tag:site', Values: ['remote'] })).toEqual([branch]);
    expect(await ids({ Name: 'tag:site', Values: ['hq'] }, { Name: 'owner-id', Values: [ACCOUNT] })).toEqual([office]);
    expect(await ids({ Name: 'tag:site', Values: ['hq'] }, { Name: 'owner-id', Values: ['AWS'] })).toEqual([]);
    expect(await ids({ Name: 'tag:Name', Values: ['com.amazonaws.*'] })).toEqual([]);
    // The filter the Terraform data source builds from `filter { name = "tag:Name" }` and `name`.
    const byTerraform = await client.send(
      new DescribeManagedPrefixListsCommand({
        Filters: [
          { Name: 'prefix-list-name', Values: ['tagfilter-branch'] },
          { Name: 'tag:Name', Values: ['tagfilter-branch'] },
        ],
      }),
    );
    expect(byTerraform.PrefixLists!.map((l) => [l.PrefixListId, l.Tags])).toEqual([
      [
        branch,
        [
          { Key: 'Name', Value: 'tagfilter-branch' },
          { Key: 'site', Value: 'remote' },
          { Key: 'tier', Value: 'hq' },
        ],
      ],
    ]);
    await client.send(new DeleteManagedPrefixListCommand({ PrefixListId: office }));
    await client.send(new DeleteManagedPrefixListCommand({ PrefixListId: branch }));
  });
});
