/**
 * Managed prefix lists on the wire (aws-reference §2G): raw form bodies, exact codes and texts
 * (G-3, G-4, G-5 verbatim; the rest our documented choices), the `<prefixList>` element as AWS
 * writes it (G-1: no stateMessage, an empty `<tagSet/>`), and the 1,000 kept versions.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, expectPostError, post } from '../helpers/inject.js';

let app: FastifyInstance;

beforeEach(() => {
  ({ app } = buildTestApp());
});

const expectError = (fields: Record<string, string>, code: string, message: string, status?: number) =>
  expectPostError(app, fields, code, message, status);

async function createList(extra: Record<string, string> = {}): Promise<string> {
  const answer = await post(app, {
    Action: 'CreateManagedPrefixList',
    PrefixListName: 'wire',
    MaxEntries: '5',
    AddressFamily: 'IPv4',
    ...extra,
  });
  expect(answer.status).toBe(200);
  return answer.xml.CreateManagedPrefixListResponse.prefixList.prefixListId;
}

async function describeList(prefixListId: string): Promise<Record<string, unknown>> {
  const answer = await post(app, { Action: 'DescribeManagedPrefixLists', 'PrefixListId.1': prefixListId });
  return answer.xml.DescribeManagedPrefixListsResponse.prefixListSet.item[0];
}

describe('CreateManagedPrefixList on the wire', () => {
  it('writes <prefixList> with the G-1 children in order, no stateMessage, an empty <tagSet/>', async () => {
    const answer = await post(app, {
      Action: 'CreateManagedPrefixList',
      PrefixListName: 'tgw-attachments',
      'Entry.1.Cidr': '10.0.0.0/16',
      'Entry.1.Description': 'vpc-a',
      MaxEntries: '10',
      AddressFamily: 'IPv4',
    });
    expect(answer.status).toBe(200);
    const id = answer.xml.CreateManagedPrefixListResponse.prefixList.prefixListId as string;
    expect(answer.body).toContain(
      `<prefixList><prefixListId>${id}</prefixListId><addressFamily>IPv4</addressFamily><state>create-in-progress</state>` +
        `<prefixListArn>arn:aws:ec2:us-east-1:000000000000:prefix-list/${id}</prefixListArn>` +
        '<prefixListName>tgw-attachments</prefixListName><maxEntries>10</maxEntries><version>1</version><tagSet/>' +
        '<ownerId>000000000000</ownerId></prefixList>',
    );
    expect(answer.body).not.toContain('stateMessage');
  });

  it('names its missing required parameters', async () => {
    await expectError(
      { Action: 'CreateManagedPrefixList', MaxEntries: '5', AddressFamily: 'IPv4' },
      'MissingParameter',
      'The request must contain the parameter PrefixListName',
    );
    await expectError(
      { Action: 'CreateManagedPrefixList', PrefixListName: 'x', AddressFamily: 'IPv4' },
      'MissingParameter',
      'The request must contain the parameter MaxEntries',
    );
    await expectError(
      { Action: 'CreateManagedPrefixList', PrefixListName: 'x', MaxEntries: '5' },
      'MissingParameter',
      'The request must contain the parameter AddressFamily',
    );
    await expectError(
      { Action: 'CreateManagedPrefixList', PrefixListName: 'x', MaxEntries: '5', AddressFamily: 'IPv4', 'Entry.1.Description': 'd' },
      'MissingParameter',
      'The request must contain the parameter cidr',
    );
  });

  it('G-3: MaxEntries outside 1..1000', async () => {
    for (const size of ['0', '1001', '4000']) {
      await expectError(
        { Action: 'CreateManagedPrefixList', PrefixListName: 'x', MaxEntries: size, AddressFamily: 'IPv4' },
        'InvalidParameterValue',
        'Must specify a max size between 1 and 1000',
      );
    }
  });

  it('G-4: more than 100 Entry.N', async () => {
    const fields: Record<string, string> = { Action: 'CreateManagedPrefixList', PrefixListName: 'x', MaxEntries: '1000', AddressFamily: 'IPv4' };
    for (let i = 1; i <= 101; i++) fields[`Entry.${i}.Cidr`] = `10.${i}.0.0/16`;
    await expectError(fields, 'InvalidParameterValue', 'The number of entries per request cannot exceeds limit (100).');
  });

  it('G-6 (our text): names longer than 255 characters or starting with com.amazonaws; a bad AddressFamily', async () => {
    const long = 'n'.repeat(256);
    await expectError(
      { Action: 'CreateManagedPrefixList', PrefixListName: long, MaxEntries: '5', AddressFamily: 'IPv4' },
      'InvalidParameterValue',
      `Value (${long}) for parameter prefixListName is invalid. Prefix list names must be between 1 and 255 characters.`,
    );
    await expectError(
      { Action: 'CreateManagedPrefixList', PrefixListName: 'com.amazonaws.us-east-1.s3', MaxEntries: '5', AddressFamily: 'IPv4' },
      'InvalidParameterValue',
      'Value (com.amazonaws.us-east-1.s3) for parameter prefixListName is invalid. Prefix list names cannot start with com.amazonaws.',
    );
    await expectError(
      { Action: 'CreateManagedPrefixList', PrefixListName: 'x', MaxEntries: '5', AddressFamily: 'ipv4' },
      'InvalidParameterValue',
      'Value (ipv4) for parameter addressFamily is invalid. Valid values are IPv4 and IPv6.',
    );
  });

  it('a TagSpecification for another resource type is refused', async () => {
    await expectError(
      {
        Action: 'CreateManagedPrefixList',
        PrefixListName: 'x',
        MaxEntries: '5',
        AddressFamily: 'IPv4',
        'TagSpecification.1.ResourceType': 'security-group',
        'TagSpecification.1.Tag.1.Key': 'k',
        'TagSpecification.1.Tag.1.Value': 'v',
      },
      'InvalidParameterValue',
      "'security-group' is not a valid taggable resource type for this operation.",
    );
  });

  it('DryRun answers 412 and creates nothing', async () => {
    await expectError(
      { Action: 'CreateManagedPrefixList', DryRun: 'true', PrefixListName: 'dry', MaxEntries: '5', AddressFamily: 'IPv4' },
      'DryRunOperation',
      'Request would have succeeded, but DryRun flag is set.',
      412,
    );
    const answer = await post(app, { Action: 'DescribeManagedPrefixLists', 'Filter.1.Name': 'prefix-list-name', 'Filter.1.Value.1': 'dry' });
    expect(answer.body).toContain('<prefixListSet/>');
  });
});

describe('DescribeManagedPrefixLists on the wire', () => {
  it('AWS-managed lists have no maxEntries or version and an ARN in the aws account', async () => {
    const answer = await post(app, { Action: 'DescribeManagedPrefixLists', 'Filter.1.Name': 'owner-id', 'Filter.1.Value.1': 'AWS' });
    const items = answer.xml.DescribeManagedPrefixListsResponse.prefixListSet.item as Record<string, string>[];
    expect(items.map((i) => i.prefixListName)).toEqual(['com.amazonaws.us-east-1.s3', 'com.amazonaws.us-east-1.dynamodb']);
    for (const item of items) {
      expect(Object.keys(item)).toEqual(['prefixListId', 'addressFamily', 'state', 'prefixListArn', 'prefixListName', 'tagSet', 'ownerId']);
      expect(item.prefixListArn).toBe(`arn:aws:ec2:us-east-1:aws:prefix-list/${item.prefixListId}`);
    }
  });

  it('MaxResults must be 1..100 and an unknown id is G-5', async () => {
    await expectError(
      { Action: 'DescribeManagedPrefixLists', MaxResults: '0' },
      'InvalidParameterValue',
      'Value ( 0 ) for parameter maxResults is invalid. Expecting a value greater than 1.',
    );
    await expectError(
      { Action: 'DescribeManagedPrefixLists', MaxResults: '101' },
      'InvalidParameterValue',
      'Value ( 101 ) for parameter maxResults is invalid. Expecting a value less than 100.',
    );
    await expectError(
      { Action: 'DescribeManagedPrefixLists', 'PrefixListId.1': 'pl-0721453c7ac4ec009' },
      'InvalidPrefixListID.NotFound',
      'The prefix list (pl-0721453c7ac4ec009) does not exist.',
    );
    await expectError(
      { Action: 'DescribeManagedPrefixLists', 'PrefixListId.1': 'not-a-list' },
      'InvalidPrefixListID.NotFound',
      'The prefix list (not-a-list) does not exist.',
    );
  });
});

describe('GetManagedPrefixListEntries on the wire', () => {
  it('G-5: an unknown list, verbatim', async () => {
    await expectError(
      { Action: 'GetManagedPrefixListEntries', PrefixListId: 'pl-0721453c7ac4ec009' },
      'InvalidPrefixListID.NotFound',
      'The prefix list (pl-0721453c7ac4ec009) does not exist.',
    );
    await expectError({ Action: 'GetManagedPrefixListEntries' }, 'MissingParameter', 'The request must contain the parameter PrefixListId');
  });

  it('writes <entrySet> items of <cidr> and <description>, the description only when set', async () => {
    const id = await createList({ 'Entry.1.Cidr': '10.0.0.0/16', 'Entry.1.Description': 'a & b', 'Entry.2.Cidr': '10.1.0.0/16' });
    const answer = await post(app, { Action: 'GetManagedPrefixListEntries', PrefixListId: id });
    expect(answer.body).toContain(
      '<entrySet><item><cidr>10.0.0.0/16</cidr><description>a &amp; b</description></item><item><cidr>10.1.0.0/16</cidr></item></entrySet>',
    );
  });

  it('keeps the last 1,000 versions readable and forgets older ones', async () => {
    const id = await createList({ MaxEntries: '1', 'Entry.1.Cidr': '10.0.0.0/24' });
    // 1,001 modifications: versions 2..1002; each replaces the one entry, so versions differ.
    for (let version = 1; version <= 1001; version++) {
      const answer = await post(app, {
        Action: 'ModifyManagedPrefixList',
        PrefixListId: id,
        CurrentVersion: String(version),
        'RemoveEntry.1.Cidr': `10.${Math.floor((version - 1) / 256)}.${(version - 1) % 256}.0/24`,
        'AddEntry.1.Cidr': `10.${Math.floor(version / 256)}.${version % 256}.0/24`,
      });
      expect(answer.status).toBe(200);
    }
    expect(await describeList(id)).toMatchObject({ version: '1002' });
    const entryAt = async (version: number) =>
      (await post(app, { Action: 'GetManagedPrefixListEntries', PrefixListId: id, TargetVersion: String(version) })).xml
        .GetManagedPrefixListEntriesResponse.entrySet?.item?.[0]?.cidr;
    expect(await entryAt(1002)).toBe('10.3.233.0/24');
    expect(await entryAt(3)).toBe('10.0.2.0/24');
    await expectError(
      { Action: 'GetManagedPrefixListEntries', PrefixListId: id, TargetVersion: '2' },
      'InvalidParameterValue',
      'Value (2) for parameter targetVersion is invalid. The prefix list has no version 2.',
    );
  }, 60_000); // a thousand requests: generous room on a busy machine
});

describe('ModifyManagedPrefixList and DeleteManagedPrefixList on the wire', () => {
  it('refuses more than 100 additions and removals together, and one CIDR both added and removed', async () => {
    const id = await createList({ MaxEntries: '1000', 'Entry.1.Cidr': '10.0.0.0/16' });
    const fields: Record<string, string> = { Action: 'ModifyManagedPrefixList', PrefixListId: id, 'RemoveEntry.1.Cidr': '10.0.0.0/16' };
    for (let i = 1; i <= 100; i++) fields[`AddEntry.${i}.Cidr`] = `10.${i}.0.0/16`;
    await expectError(fields, 'InvalidParameterValue', 'The request cannot contain more than 100 entry additions or removals.');
    await expectError(
      {
        Action: 'ModifyManagedPrefixList',
        PrefixListId: id,
        'RemoveEntry.1.Cidr': '10.0.0.0/16',
        'AddEntry.1.Cidr': '10.0.0.0/16',
        'AddEntry.1.Description': 'new description',
      },
      'InvalidPrefixListModification',
      'The prefix list entry 10.0.0.0/16 cannot be added and removed in the same request.',
    );
  });

  it('removes an entry named in a non-canonical form, and answers with the new version', async () => {
    const id = await createList({ 'Entry.1.Cidr': '10.0.0.0/16' });
    const answer = await post(app, { Action: 'ModifyManagedPrefixList', PrefixListId: id, CurrentVersion: '1', 'RemoveEntry.1.Cidr': '10.0.9.9/16' });
    expect(answer.xml.ModifyManagedPrefixListResponse.prefixList).toMatchObject({ state: 'modify-in-progress', version: '2' });
    expect(await describeList(id)).toMatchObject({ state: 'modify-complete', version: '2' });
  });

  it('Delete answers delete-in-progress with the list as it was, and the list is gone with its tags', async () => {
    const id = await createList({
      'TagSpecification.1.ResourceType': 'prefix-list',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'doomed',
    });
    const answer = await post(app, { Action: 'DeleteManagedPrefixList', PrefixListId: id });
    expect(answer.xml.DeleteManagedPrefixListResponse.prefixList).toMatchObject({ prefixListId: id, state: 'delete-in-progress' });
    await expectError(
      { Action: 'DeleteManagedPrefixList', PrefixListId: id },
      'InvalidPrefixListID.NotFound',
      `The prefix list (${id}) does not exist.`,
    );
    const tags = await post(app, { Action: 'DescribeTags', 'Filter.1.Name': 'resource-id', 'Filter.1.Value.1': id });
    expect(tags.body).toContain('<tagSet/>');
  });
});
