/**
 * Managed prefix lists on the wire (aws-reference §2G): raw form bodies, exact codes and texts
 * (G-3, G-4, G-5 verbatim; the rest our documented choices), the `<prefixList>` element as AWS
 * writes it (G-1: no stateMessage, an empty `<tagSet/>`; a stateMessage only for `delete-failed`), the
 * 1,000 kept versions, and AWS's own ids of the AWS-managed lists.
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

// ---------------------------------------------------------------- issue 11 §4: service lists, associations, restore

async function serviceLists(): Promise<{ s3: string; dynamodb: string }> {
  const answer = await post(app, { Action: 'DescribeManagedPrefixLists', 'Filter.1.Name': 'owner-id', 'Filter.1.Value.1': 'AWS' });
  const [s3, dynamodb] = answer.xml.DescribeManagedPrefixListsResponse.prefixListSet.item as Record<string, string>[];
  return { s3: s3!.prefixListId!, dynamodb: dynamodb!.prefixListId! };
}

async function createGroup(name: string): Promise<string> {
  const answer = await post(app, { Action: 'CreateSecurityGroup', GroupName: name, GroupDescription: `${name} group` });
  expect(answer.status).toBe(200);
  return answer.xml.CreateSecurityGroupResponse.groupId;
}

async function referenceList(groupId: string, prefixListId: string, direction: 'Egress' | 'Ingress', port: number): Promise<void> {
  const answer = await post(app, {
    Action: `AuthorizeSecurityGroup${direction}`,
    GroupId: groupId,
    'IpPermissions.1.IpProtocol': 'tcp',
    'IpPermissions.1.FromPort': String(port),
    'IpPermissions.1.ToPort': String(port),
    'IpPermissions.1.PrefixListIds.1.PrefixListId': prefixListId,
  });
  expect(answer.status).toBe(200);
}

async function entriesAt(prefixListId: string, version?: number): Promise<string[]> {
  const answer = await post(app, {
    Action: 'GetManagedPrefixListEntries',
    PrefixListId: prefixListId,
    ...(version === undefined ? {} : { TargetVersion: String(version) }),
  });
  expect(answer.status).toBe(200);
  const items = (answer.xml.GetManagedPrefixListEntriesResponse.entrySet?.item ?? []) as { cidr: string; description?: string }[];
  return items.map((item) => (item.description === undefined ? item.cidr : `${item.cidr} ${item.description}`));
}

describe('DescribePrefixLists on the wire', () => {
  it('writes the AWS service lists as prefixListId, prefixListName and a cidrSet of bare strings', async () => {
    const { s3, dynamodb } = await serviceLists();
    const answer = await post(app, { Action: 'DescribePrefixLists' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(
      `<prefixListSet><item><prefixListId>${s3}</prefixListId><prefixListName>com.amazonaws.us-east-1.s3</prefixListName>` +
        '<cidrSet><item>3.5.0.0/19</item><item>16.182.0.0/16</item><item>18.34.0.0/19</item><item>52.216.0.0/15</item>' +
        '<item>54.231.0.0/16</item></cidrSet></item>' +
        `<item><prefixListId>${dynamodb}</prefixListId><prefixListName>com.amazonaws.us-east-1.dynamodb</prefixListName>` +
        '<cidrSet><item>3.218.180.0/22</item><item>3.218.184.0/22</item><item>52.94.0.0/22</item><item>52.119.224.0/20</item>' +
        '</cidrSet></item></prefixListSet>',
    );
    expect(answer.body).not.toContain('<nextToken>');
  });

  it('leaves customer-managed lists out, and answers NotFound for their ids (and any unknown id)', async () => {
    const own = await createList({ 'Entry.1.Cidr': '10.0.0.0/16' });
    const all = await post(app, { Action: 'DescribePrefixLists' });
    const names = (all.xml.DescribePrefixListsResponse.prefixListSet.item as { prefixListName: string }[]).map((i) => i.prefixListName);
    expect(names).toEqual(['com.amazonaws.us-east-1.s3', 'com.amazonaws.us-east-1.dynamodb']);
    await expectError({ Action: 'DescribePrefixLists', 'PrefixListId.1': own }, 'InvalidPrefixListID.NotFound', `The prefix list (${own}) does not exist.`);
    const { s3 } = await serviceLists();
    await expectError(
      { Action: 'DescribePrefixLists', 'PrefixListId.1': s3, 'PrefixListId.2': 'pl-0721453c7ac4ec009' },
      'InvalidPrefixListID.NotFound',
      'The prefix list (pl-0721453c7ac4ec009) does not exist.',
    );
    await expectError({ Action: 'DescribePrefixLists', 'PrefixListId.1': 'x' }, 'InvalidPrefixListID.NotFound', 'The prefix list (x) does not exist.');
  });

  it('selects by PrefixListId.N and by the prefix-list-id and prefix-list-name filters, with wildcards', async () => {
    const { s3, dynamodb } = await serviceLists();
    const names = async (fields: Record<string, string>) => {
      const answer = await post(app, { Action: 'DescribePrefixLists', ...fields });
      expect(answer.status).toBe(200);
      return ((answer.xml.DescribePrefixListsResponse.prefixListSet?.item ?? []) as { prefixListName: string }[]).map((i) => i.prefixListName);
    };
    expect(await names({ 'PrefixListId.1': dynamodb })).toEqual(['com.amazonaws.us-east-1.dynamodb']);
    expect(await names({ 'Filter.1.Name': 'prefix-list-id', 'Filter.1.Value.1': s3 })).toEqual(['com.amazonaws.us-east-1.s3']);
    expect(await names({ 'Filter.1.Name': 'prefix-list-name', 'Filter.1.Value.1': 'com.amazonaws.*.dynamo?b' })).toEqual([
      'com.amazonaws.us-east-1.dynamodb',
    ]);
    expect(await names({ 'Filter.1.Name': 'prefix-list-name', 'Filter.1.Value.1': 'com.amazonaws.us-east-1.s3' })).toEqual([
      'com.amazonaws.us-east-1.s3',
    ]);
    // Ids and filters together: both must hold.
    expect(await names({ 'PrefixListId.1': s3, 'Filter.1.Name': 'prefix-list-name', 'Filter.1.Value.1': '*dynamodb' })).toEqual([]);
    const empty = await post(app, { Action: 'DescribePrefixLists', 'Filter.1.Name': 'prefix-list-name', 'Filter.1.Value.1': 'nothing' });
    expect(empty.body).toContain('<prefixListSet/>');
  });

  it('rejects filters it does not document, owner-id included', async () => {
    await expectError(
      { Action: 'DescribePrefixLists', 'Filter.1.Name': 'owner-id', 'Filter.1.Value.1': 'AWS' },
      'InvalidParameterValue',
      "The filter 'owner-id' is invalid",
    );
  });

  it('pages with MaxResults and NextToken; above 1,000 is served as 1,000; below 1 and bad tokens are refused', async () => {
    const first = await post(app, { Action: 'DescribePrefixLists', MaxResults: '1' });
    const page1 = first.xml.DescribePrefixListsResponse;
    expect(page1.prefixListSet.item.map((i: { prefixListName: string }) => i.prefixListName)).toEqual(['com.amazonaws.us-east-1.s3']);
    expect(page1.nextToken).toEqual(expect.any(String));
    const second = await post(app, { Action: 'DescribePrefixLists', MaxResults: '1', NextToken: page1.nextToken });
    const page2 = second.xml.DescribePrefixListsResponse;
    expect(page2.prefixListSet.item.map((i: { prefixListName: string }) => i.prefixListName)).toEqual(['com.amazonaws.us-east-1.dynamodb']);
    expect(page2.nextToken).toBeUndefined();

    const large = await post(app, { Action: 'DescribePrefixLists', MaxResults: '5000' });
    expect(large.status).toBe(200);
    expect(large.xml.DescribePrefixListsResponse.prefixListSet.item).toHaveLength(2);
    await expectError(
      { Action: 'DescribePrefixLists', MaxResults: '0' },
      'InvalidParameterValue',
      'Value ( 0 ) for parameter maxResults is invalid. Expecting a value greater than 1.',
    );
    await expectError(
      { Action: 'DescribePrefixLists', NextToken: 'bogus' },
      'InvalidParameterValue',
      'Value ( bogus ) for parameter NextToken is invalid. The token is invalid.',
    );
  });

  it('DryRun answers 412 after validation', async () => {
    await expectError(
      { Action: 'DescribePrefixLists', DryRun: 'true' },
      'DryRunOperation',
      'Request would have succeeded, but DryRun flag is set.',
      412,
    );
    await expectError(
      { Action: 'DescribePrefixLists', DryRun: 'true', 'PrefixListId.1': 'pl-0721453c7ac4ec009' },
      'InvalidPrefixListID.NotFound',
      'The prefix list (pl-0721453c7ac4ec009) does not exist.',
    );
  });
});

describe('GetManagedPrefixListAssociations on the wire', () => {
  it('lists each security group whose rules reference the list once, with its owner, in creation order', async () => {
    const id = await createList({ 'Entry.1.Cidr': '10.0.0.0/16' });
    const web = await createGroup('assoc-web');
    const db = await createGroup('assoc-db');
    await createGroup('assoc-unrelated');
    await referenceList(db, id, 'Ingress', 5432);
    await referenceList(web, id, 'Egress', 443);
    await referenceList(web, id, 'Egress', 80);
    await referenceList(web, id, 'Ingress', 22);
    const answer = await post(app, { Action: 'GetManagedPrefixListAssociations', PrefixListId: id });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(
      `<prefixListAssociationSet><item><resourceId>${web}</resourceId><resourceOwner>000000000000</resourceOwner></item>` +
        `<item><resourceId>${db}</resourceId><resourceOwner>000000000000</resourceOwner></item></prefixListAssociationSet>`,
    );
    expect(answer.body).not.toContain('<nextToken>');
  });

  it('answers an empty set for an unreferenced list, and forgets a group once its rules are revoked', async () => {
    const id = await createList();
    const empty = await post(app, { Action: 'GetManagedPrefixListAssociations', PrefixListId: id });
    expect(empty.body).toContain('<prefixListAssociationSet/>');

    const group = await createGroup('assoc-revoked');
    await referenceList(group, id, 'Egress', 443);
    const revoked = await post(app, {
      Action: 'RevokeSecurityGroupEgress',
      GroupId: group,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '443',
      'IpPermissions.1.ToPort': '443',
      'IpPermissions.1.PrefixListIds.1.PrefixListId': id,
    });
    expect(revoked.status).toBe(200);
    const after = await post(app, { Action: 'GetManagedPrefixListAssociations', PrefixListId: id });
    expect(after.body).toContain('<prefixListAssociationSet/>');
  });

  it('serves AWS-managed lists too, this account only', async () => {
    const { s3 } = await serviceLists();
    const group = await createGroup('assoc-s3');
    await referenceList(group, s3, 'Egress', 443);
    const answer = await post(app, { Action: 'GetManagedPrefixListAssociations', PrefixListId: s3 });
    expect(answer.xml.GetManagedPrefixListAssociationsResponse.prefixListAssociationSet.item).toEqual([
      { resourceId: group, resourceOwner: '000000000000' },
    ]);
    const otherAccount = await post(
      app,
      { Action: 'GetManagedPrefixListAssociations', PrefixListId: s3 },
      { authorization: 'AWS4-HMAC-SHA256 Credential=111122223333/20250101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00' },
    );
    expect(otherAccount.status).toBe(200);
    expect(otherAccount.body).toContain('<prefixListAssociationSet/>');
  });

  it('pages with MaxResults 5..255 and NextToken', async () => {
    const id = await createList();
    const groups: string[] = [];
    for (let i = 0; i < 7; i++) {
      const group = await createGroup(`assoc-page-${i}`);
      await referenceList(group, id, 'Egress', 443);
      groups.push(group);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const answer = await post(app, {
        Action: 'GetManagedPrefixListAssociations',
        PrefixListId: id,
        MaxResults: '5',
        ...(token === undefined ? {} : { NextToken: token }),
      });
      expect(answer.status).toBe(200);
      const result = answer.xml.GetManagedPrefixListAssociationsResponse;
      seen.push(...(result.prefixListAssociationSet.item as { resourceId: string }[]).map((i) => i.resourceId));
      token = result.nextToken;
      pages += 1;
    } while (token !== undefined);
    expect(pages).toBe(2);
    expect(seen).toEqual(groups);

    await expectError(
      { Action: 'GetManagedPrefixListAssociations', PrefixListId: id, MaxResults: '4' },
      'InvalidParameterValue',
      'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.',
    );
    await expectError(
      { Action: 'GetManagedPrefixListAssociations', PrefixListId: id, MaxResults: '256' },
      'InvalidParameterValue',
      'Value ( 256 ) for parameter maxResults is invalid. Expecting a value less than 255.',
    );
    await expectError(
      { Action: 'GetManagedPrefixListAssociations', PrefixListId: id, NextToken: 'bogus' },
      'InvalidParameterValue',
      'Value ( bogus ) for parameter NextToken is invalid. The token is invalid.',
    );
  });

  it('names a missing PrefixListId, answers NotFound for an unknown list, and DryRun 412 after both', async () => {
    await expectError({ Action: 'GetManagedPrefixListAssociations' }, 'MissingParameter', 'The request must contain the parameter PrefixListId');
    await expectError(
      { Action: 'GetManagedPrefixListAssociations', PrefixListId: 'pl-0721453c7ac4ec009' },
      'InvalidPrefixListID.NotFound',
      'The prefix list (pl-0721453c7ac4ec009) does not exist.',
    );
    await expectError(
      { Action: 'GetManagedPrefixListAssociations', DryRun: 'true', PrefixListId: 'pl-0721453c7ac4ec009' },
      'InvalidPrefixListID.NotFound',
      'The prefix list (pl-0721453c7ac4ec009) does not exist.',
    );
    const id = await createList();
    await expectError(
      { Action: 'GetManagedPrefixListAssociations', DryRun: 'true', PrefixListId: id },
      'DryRunOperation',
      'Request would have succeeded, but DryRun flag is set.',
      412,
    );
  });
});

describe('RestoreManagedPrefixListVersion on the wire', () => {
  /** A list at version 3: v1 {10.0/16 "a", 10.1/16}, v2 adds 10.2/16, v3 drops 10.0/16. */
  async function listAtVersion3(extra: Record<string, string> = {}): Promise<string> {
    const id = await createList({
      'Entry.1.Cidr': '10.0.0.0/16',
      'Entry.1.Description': 'a',
      'Entry.2.Cidr': '10.1.0.0/16',
      ...extra,
    });
    for (const change of [
      { CurrentVersion: '1', 'AddEntry.1.Cidr': '10.2.0.0/16' },
      { CurrentVersion: '2', 'RemoveEntry.1.Cidr': '10.0.0.0/16' },
    ] as Record<string, string>[]) {
      const answer = await post(app, { Action: 'ModifyManagedPrefixList', PrefixListId: id, ...change });
      expect(answer.status).toBe(200);
    }
    return id;
  }

  it('answers restore-in-progress with the version the list had (the API sample), then describes restore-complete at the next version', async () => {
    const id = await listAtVersion3();
    const answer = await post(app, { Action: 'RestoreManagedPrefixListVersion', PrefixListId: id, PreviousVersion: '1', CurrentVersion: '3' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(
      `<prefixList><prefixListId>${id}</prefixListId><addressFamily>IPv4</addressFamily><state>restore-in-progress</state>` +
        `<prefixListArn>arn:aws:ec2:us-east-1:000000000000:prefix-list/${id}</prefixListArn>` +
        '<prefixListName>wire</prefixListName><maxEntries>5</maxEntries><version>3</version><tagSet/>' +
        '<ownerId>000000000000</ownerId></prefixList>',
    );
    expect(await describeList(id)).toMatchObject({ state: 'restore-complete', version: '4' });
    expect((await entriesAt(id)).sort()).toEqual(['10.0.0.0/16 a', '10.1.0.0/16']);
    // Earlier versions are untouched and still readable.
    expect(await entriesAt(id, 3)).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
    expect(await entriesAt(id, 1)).toEqual(['10.0.0.0/16 a', '10.1.0.0/16']);
  });

  it('restores descriptions too, and a later Modify goes on from the restored version', async () => {
    const id = await createList({ 'Entry.1.Cidr': '10.0.0.0/16', 'Entry.1.Description': 'old' });
    for (const change of [
      { CurrentVersion: '1', 'RemoveEntry.1.Cidr': '10.0.0.0/16' },
      { CurrentVersion: '2', 'AddEntry.1.Cidr': '10.0.0.0/16', 'AddEntry.1.Description': 'new' },
    ] as Record<string, string>[]) {
      expect((await post(app, { Action: 'ModifyManagedPrefixList', PrefixListId: id, ...change })).status).toBe(200);
    }
    expect(await entriesAt(id)).toEqual(['10.0.0.0/16 new']);
    const restored = await post(app, { Action: 'RestoreManagedPrefixListVersion', PrefixListId: id, PreviousVersion: '1', CurrentVersion: '3' });
    expect(restored.status).toBe(200);
    expect(await entriesAt(id)).toEqual(['10.0.0.0/16 old']);
    // Restoring an empty version empties the list.
    const emptied = await post(app, { Action: 'RestoreManagedPrefixListVersion', PrefixListId: id, PreviousVersion: '2', CurrentVersion: '4' });
    expect(emptied.status).toBe(200);
    expect(await entriesAt(id)).toEqual([]);
    const modified = await post(app, {
      Action: 'ModifyManagedPrefixList',
      PrefixListId: id,
      CurrentVersion: '5',
      'AddEntry.1.Cidr': '10.9.0.0/16',
    });
    expect(modified.xml.ModifyManagedPrefixListResponse.prefixList).toMatchObject({ state: 'modify-in-progress', version: '6' });
    expect(await describeList(id)).toMatchObject({ state: 'modify-complete', version: '6' });
  });

  it('names each missing required parameter in turn', async () => {
    await expectError(
      { Action: 'RestoreManagedPrefixListVersion', PreviousVersion: '1', CurrentVersion: '2' },
      'MissingParameter',
      'The request must contain the parameter PrefixListId',
    );
    await expectError(
      { Action: 'RestoreManagedPrefixListVersion', PrefixListId: 'pl-0721453c7ac4ec009', CurrentVersion: '2' },
      'MissingParameter',
      'The request must contain the parameter PreviousVersion',
    );
    await expectError(
      { Action: 'RestoreManagedPrefixListVersion', PrefixListId: 'pl-0721453c7ac4ec009', PreviousVersion: '1' },
      'MissingParameter',
      'The request must contain the parameter CurrentVersion',
    );
    await expectError(
      { Action: 'RestoreManagedPrefixListVersion', PrefixListId: 'pl-0721453c7ac4ec009', PreviousVersion: 'one', CurrentVersion: '2' },
      'InvalidParameterValue',
      "Invalid value 'one' for previousVersion. Expected an integer.",
    );
  });

  it('answers NotFound for an unknown list and refuses an AWS-managed one', async () => {
    await expectError(
      { Action: 'RestoreManagedPrefixListVersion', PrefixListId: 'pl-0721453c7ac4ec009', PreviousVersion: '1', CurrentVersion: '2' },
      'InvalidPrefixListID.NotFound',
      'The prefix list (pl-0721453c7ac4ec009) does not exist.',
    );
    const { s3 } = await serviceLists();
    await expectError(
      { Action: 'RestoreManagedPrefixListVersion', PrefixListId: s3, PreviousVersion: '1', CurrentVersion: '1' },
      'InvalidPrefixListModification',
      `The prefix list ${s3} is managed by AWS and cannot be restored.`,
    );
  });

  it('refuses a stale CurrentVersion, the current version itself, and versions the list does not have, changing nothing', async () => {
    const id = await listAtVersion3();
    const restore = (previous: string, current: string) => ({
      Action: 'RestoreManagedPrefixListVersion',
      PrefixListId: id,
      PreviousVersion: previous,
      CurrentVersion: current,
    });
    await expectError(restore('1', '2'), 'PrefixListVersionMismatch', 'The prefix list has the incorrect version number.');
    await expectError(restore('1', '4'), 'PrefixListVersionMismatch', 'The prefix list has the incorrect version number.');
    await expectError(
      restore('3', '3'),
      'InvalidParameterValue',
      'Value (3) for parameter previousVersion is invalid. The version to restore must be earlier than the current version (3).',
    );
    for (const version of ['4', '0', '-1']) {
      await expectError(
        restore(version, '3'),
        'InvalidParameterValue',
        `Value (${version}) for parameter previousVersion is invalid. The prefix list has no version ${version}.`,
      );
    }
    expect(await describeList(id)).toMatchObject({ state: 'modify-complete', version: '3' });
    expect(await entriesAt(id)).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
  });

  it('refuses restored entries beyond the MaxEntries the list has now', async () => {
    const id = await createList({ MaxEntries: '3', 'Entry.1.Cidr': '10.0.0.0/16', 'Entry.2.Cidr': '10.1.0.0/16', 'Entry.3.Cidr': '10.2.0.0/16' });
    const removed = await post(app, {
      Action: 'ModifyManagedPrefixList',
      PrefixListId: id,
      CurrentVersion: '1',
      'RemoveEntry.1.Cidr': '10.0.0.0/16',
      'RemoveEntry.2.Cidr': '10.1.0.0/16',
    });
    expect(removed.status).toBe(200);
    expect((await post(app, { Action: 'ModifyManagedPrefixList', PrefixListId: id, MaxEntries: '2' })).status).toBe(200);
    await expectError(
      { Action: 'RestoreManagedPrefixListVersion', PrefixListId: id, PreviousVersion: '1', CurrentVersion: '2' },
      'PrefixListMaxEntriesExceeded',
      'The number of entries (3) exceeds the maximum number of entries for the prefix list (2).',
    );
    expect(await describeList(id)).toMatchObject({ version: '2', maxEntries: '2' });
    expect(await entriesAt(id)).toEqual(['10.2.0.0/16']);
  });

  it('DryRun answers 412 after every check and restores nothing', async () => {
    const id = await listAtVersion3();
    await expectError(
      { Action: 'RestoreManagedPrefixListVersion', DryRun: 'true', PrefixListId: id, PreviousVersion: '1', CurrentVersion: '2' },
      'PrefixListVersionMismatch',
      'The prefix list has the incorrect version number.',
    );
    await expectError(
      { Action: 'RestoreManagedPrefixListVersion', DryRun: 'true', PrefixListId: id, PreviousVersion: '1', CurrentVersion: '3' },
      'DryRunOperation',
      'Request would have succeeded, but DryRun flag is set.',
      412,
    );
    expect(await describeList(id)).toMatchObject({ state: 'modify-complete', version: '3' });
    expect(await entriesAt(id)).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
  });
});

// ---------------------------------------------------------------- a referenced list: delete-failed

describe('DeleteManagedPrefixList of a list rules reference, on the wire', () => {
  const FAILED_MESSAGE = (id: string) =>
    `The prefix list ${id} could not be deleted because it is referenced by one or more resources.`;

  it('answers delete-in-progress, then the list stays delete-failed with a stateMessage and the rule keeps it', async () => {
    const id = await createList({ 'Entry.1.Cidr': '10.0.0.0/16' });
    const groupId = await createGroup('pl-holder');
    await referenceList(groupId, id, 'Ingress', 443);

    const answer = await post(app, { Action: 'DeleteManagedPrefixList', PrefixListId: id });
    expect(answer.status).toBe(200);
    const answered = answer.xml.DeleteManagedPrefixListResponse.prefixList;
    expect(answered).toMatchObject({ prefixListId: id, state: 'delete-in-progress', version: '1' });
    expect(answered.stateMessage).toBeUndefined();

    const described = await post(app, { Action: 'DescribeManagedPrefixLists', 'PrefixListId.1': id });
    expect(described.body).toContain(
      `<state>delete-failed</state><stateMessage>${FAILED_MESSAGE(id)}</stateMessage>`,
    );
    expect(await entriesAt(id)).toEqual(['10.0.0.0/16']);
    const rules = await post(app, { Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groupId });
    expect(rules.body).toContain(`<prefixListId>${id}</prefixListId>`);
  });

  it('a delete-failed list can be modified (state message gone), named by a new rule, and deleted once unreferenced', async () => {
    const id = await createList({ 'Entry.1.Cidr': '10.0.0.0/16' });
    const groupId = await createGroup('pl-holder-2');
    await referenceList(groupId, id, 'Egress', 443);
    expect((await post(app, { Action: 'DeleteManagedPrefixList', PrefixListId: id })).status).toBe(200);
    expect(await describeList(id)).toMatchObject({ state: 'delete-failed', stateMessage: FAILED_MESSAGE(id) });

    // A new rule may name it: the list still exists.
    await referenceList(groupId, id, 'Egress', 8443);
    const modified = await post(app, { Action: 'ModifyManagedPrefixList', PrefixListId: id, CurrentVersion: '1', 'AddEntry.1.Cidr': '10.1.0.0/16' });
    expect(modified.xml.ModifyManagedPrefixListResponse.prefixList).toMatchObject({ state: 'modify-in-progress', version: '2' });
    const afterModify = await describeList(id);
    expect(afterModify).toMatchObject({ state: 'modify-complete', version: '2' });
    expect(afterModify.stateMessage).toBeUndefined();

    // Still referenced: a second delete fails the same way.
    expect((await post(app, { Action: 'DeleteManagedPrefixList', PrefixListId: id })).xml.DeleteManagedPrefixListResponse.prefixList).toMatchObject({
      state: 'delete-in-progress',
      version: '2',
    });
    expect(await describeList(id)).toMatchObject({ state: 'delete-failed' });

    // Removing the references alone does not delete it; the next Delete does.
    const revoked = await post(app, {
      Action: 'RevokeSecurityGroupEgress',
      GroupId: groupId,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '443',
      'IpPermissions.1.ToPort': '443',
      'IpPermissions.1.PrefixListIds.1.PrefixListId': id,
      'IpPermissions.2.IpProtocol': 'tcp',
      'IpPermissions.2.FromPort': '8443',
      'IpPermissions.2.ToPort': '8443',
      'IpPermissions.2.PrefixListIds.1.PrefixListId': id,
    });
    expect(revoked.status).toBe(200);
    expect(await describeList(id)).toMatchObject({ state: 'delete-failed' });
    const deleted = await post(app, { Action: 'DeleteManagedPrefixList', PrefixListId: id });
    expect(deleted.xml.DeleteManagedPrefixListResponse.prefixList).toMatchObject({ prefixListId: id, state: 'delete-in-progress' });
    await expectError({ Action: 'DescribeManagedPrefixLists', 'PrefixListId.1': id }, 'InvalidPrefixListID.NotFound', `The prefix list (${id}) does not exist.`);
  });
});

// ---------------------------------------------------------------- AWS's own ids of its lists

describe('AWS-managed prefix lists have AWS ids, on the wire', () => {
  const sigV4 = (region: string) => ({
    authorization: `AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/${region}/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123456789`,
  });
  const idsIn = async (region: string): Promise<Record<string, string>> => {
    const answer = await post(app, { Action: 'DescribePrefixLists' }, sigV4(region));
    expect(answer.status).toBe(200);
    const items = answer.xml.DescribePrefixListsResponse.prefixListSet.item as { prefixListId: string; prefixListName: string }[];
    return Object.fromEntries(items.map((item) => [item.prefixListName, item.prefixListId]));
  };

  it('us-east-1 and us-west-2 answer the ids users copy from AWS documentation and Terraform examples', async () => {
    expect(await idsIn('us-east-1')).toEqual({
      'com.amazonaws.us-east-1.s3': 'pl-63a5400a',
      'com.amazonaws.us-east-1.dynamodb': 'pl-02cd2c6b',
    });
    expect(await idsIn('us-west-2')).toEqual({
      'com.amazonaws.us-west-2.s3': 'pl-68a54001',
      'com.amazonaws.us-west-2.dynamodb': 'pl-00a54069',
    });
    const managed = await post(app, { Action: 'DescribeManagedPrefixLists', 'PrefixListId.1': 'pl-63a5400a' });
    expect(managed.body).toContain('<prefixListArn>arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a</prefixListArn>');
  });

  it('a region without a known id gets a stable pl- + 8 hex id, the same for every account', async () => {
    const first = await idsIn('eu-north-1');
    const ids = Object.values(first);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^pl-[0-9a-f]{8}$/);
    expect(new Set(ids).size).toBe(2);
    const otherAccount = {
      authorization: 'AWS4-HMAC-SHA256 Credential=111122223333/20260101/eu-north-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123456789',
    };
    const answer = await post(app, { Action: 'DescribePrefixLists' }, otherAccount);
    const items = answer.xml.DescribePrefixListsResponse.prefixListSet.item as { prefixListId: string; prefixListName: string }[];
    expect(Object.fromEntries(items.map((item) => [item.prefixListName, item.prefixListId]))).toEqual(first);
    // A fresh emulator (a restart) derives the same ids.
    ({ app } = buildTestApp());
    expect(await idsIn('eu-north-1')).toEqual(first);
  });
});
