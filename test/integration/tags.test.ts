/**
 * CreateTags / DeleteTags / DescribeTags through the real SDK, on every resource kind the
 * emulator has, including the flows clients run: Terraform tags an `sgr-` rule after authorizing
 * it, Ansible's `ensure_ec2_tags` pages DescribeTags by resource-id, then deletes and creates.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  CreateManagedPrefixListCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  paginateDescribeTags,
  type EC2Client,
  type TagDescription,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { createGroup, ec2Client, ec2ErrorOf, startServerWithVpc, stopServer } from '../helpers/server.js';

let emulator: Emulator;
let client: EC2Client;
let vpcId: string;
let counter = 0;

beforeAll(async () => {
  ({ emulator, ec2: client, vpcId } = await startServerWithVpc('10.20.0.0/16'));
});
afterAll(() => stopServer(emulator, client));

async function newGroup(): Promise<string> {
  counter += 1;
  return createGroup(client, `tags-${counter}`, 'tag tests', vpcId);
}

async function tagsOf(resourceId: string): Promise<TagDescription[]> {
  const result = await client.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [resourceId] }] }));
  return result.Tags ?? [];
}

describe('CreateTags', () => {
  it('tags a group, and DescribeSecurityGroups and DescribeTags show the tags', async () => {
    const groupId = await newGroup();
    const result = await client.send(
      new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'Name', Value: 'web' }, { Key: 'empty', Value: '' }] }),
    );
    expect(result.$metadata.httpStatusCode).toBe(200);

    const group = (await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0]!;
    expect(group.Tags).toEqual([
      { Key: 'Name', Value: 'web' },
      { Key: 'empty', Value: '' },
    ]);
    expect(await tagsOf(groupId)).toEqual([
      { Key: 'Name', ResourceId: groupId, ResourceType: 'security-group', Value: 'web' },
      { Key: 'empty', ResourceId: groupId, ResourceType: 'security-group', Value: '' },
    ]);
  });

  it('tags a rule by its sgr- id after authorize, as Terraform does, and the rule shows it', async () => {
    const groupId = await newGroup();
    const authorized = await client.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
      }),
    );
    const ruleId = authorized.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    await client.send(new CreateTagsCommand({ Resources: [ruleId], Tags: [{ Key: 'Name', Value: 'https out' }] }));

    const rule = (await client.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] })))
      .SecurityGroupRules![0]!;
    expect(rule.Tags).toEqual([{ Key: 'Name', Value: 'https out' }]);
    expect(await tagsOf(ruleId)).toEqual([
      { Key: 'Name', ResourceId: ruleId, ResourceType: 'security-group-rule', Value: 'https out' },
    ]);
  });

  it('tags a VPC and a prefix list, and their describes show it', async () => {
    const list = (
      await client.send(new CreateManagedPrefixListCommand({ PrefixListName: 'tagged', MaxEntries: 2, AddressFamily: 'IPv4' }))
    ).PrefixList!;
    await client.send(
      new CreateTagsCommand({ Resources: [vpcId, list.PrefixListId!], Tags: [{ Key: 'team', Value: 'net' }] }),
    );
    const vpc = (await client.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!;
    expect(vpc.Tags).toContainEqual({ Key: 'team', Value: 'net' });
    const described = (await client.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [list.PrefixListId!] })))
      .PrefixLists![0]!;
    expect(described.Tags).toEqual([{ Key: 'team', Value: 'net' }]);
    expect((await tagsOf(list.PrefixListId!))[0]).toMatchObject({ ResourceType: 'prefix-list', Key: 'team' });
  });

  it('overwrites the value of an existing key, keeping its place', async () => {
    const groupId = await newGroup();
    await client.send(new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    await client.send(new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'a', Value: 'changed' }] }));
    expect((await tagsOf(groupId)).map((t) => [t.Key, t.Value])).toEqual([
      ['a', 'changed'],
      ['b', '2'],
    ]);
  });

  it('accepts any Unicode in values and keys of 127 characters, values of 256', async () => {
    const groupId = await newGroup();
    const key = 'k'.repeat(127);
    const value = '€'.repeat(256);
    await client.send(new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: key, Value: value }, { Key: 'ü', Value: '日本 語' }] }));
    expect((await tagsOf(groupId)).map((t) => [t.Key, t.Value])).toEqual([
      [key, value],
      ['ü', '日本 語'],
    ]);
  });

  it('answers each resource kind its own NotFound code and writes nothing when one resource is missing', async () => {
    const groupId = await newGroup();
    const cases: Array<[string, string, string]> = [
      ['sg-0123456789abcdef0', 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist"],
      ['sgr-0123456789abcdef0', 'InvalidSecurityGroupRuleId.NotFound', "The security group rule ID 'sgr-0123456789abcdef0' does not exist"],
      ['vpc-0123456789abcdef0', 'InvalidVpcID.NotFound', "The vpc ID 'vpc-0123456789abcdef0' does not exist"],
      ['pl-0123456789abcdef0', 'InvalidPrefixListID.NotFound', 'The prefix list (pl-0123456789abcdef0) does not exist.'],
      ['107.20.243.249', 'InvalidID', "The ID '107.20.243.249' is not valid"],
    ];
    for (const [missing, code, message] of cases) {
      const error = await ec2ErrorOf(() =>
        client.send(new CreateTagsCommand({ Resources: [groupId, missing], Tags: [{ Key: 'x', Value: 'y' }] })),
      );
      expect(error).toEqual({ code, message, status: 400 });
    }
    expect(await tagsOf(groupId)).toEqual([]);
  });

  it('rejects an aws: key and the 51st tag of a resource, writing nothing', async () => {
    const groupId = await newGroup();
    expect(
      await ec2ErrorOf(() =>
        client.send(new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'aws:autoscaling:groupName', Value: 'x' }] })),
      ),
    ).toEqual({
      code: 'InvalidParameterValue',
      message: "Value ( aws:autoscaling:groupName ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use",
      status: 400,
    });

    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: String(i) }));
    await client.send(new CreateTagsCommand({ Resources: [groupId], Tags: fifty }));
    // Re-setting existing keys is not "more tags".
    await client.send(new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'k0', Value: 'again' }] }));
    const other = await newGroup();
    const error = await ec2ErrorOf(() =>
      client.send(new CreateTagsCommand({ Resources: [other, groupId], Tags: [{ Key: 'one-more', Value: 'x' }] })),
    );
    expect(error).toEqual({ code: 'TagLimitExceeded', message: 'The maximum number of Tags for a resource has been reached.', status: 400 });
    expect(await tagsOf(other)).toEqual([]);
    expect(await tagsOf(groupId)).toHaveLength(50);
  });

  it('refuses to tag an AWS-managed prefix list', async () => {
    const lists = (await client.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'owner-id', Values: ['AWS'] }] })))
      .PrefixLists!;
    const s3 = lists.find((l) => l.PrefixListName === 'com.amazonaws.us-east-1.s3')!;
    const error = await ec2ErrorOf(() =>
      client.send(new CreateTagsCommand({ Resources: [s3.PrefixListId!], Tags: [{ Key: 'x', Value: 'y' }] })),
    );
    expect(error).toEqual({
      code: 'InvalidPrefixListModification',
      message: `The prefix list ${s3.PrefixListId} is managed by AWS and cannot be tagged.`,
      status: 400,
    });
  });
});

describe('DeleteTags', () => {
  async function groupWithTags(): Promise<string> {
    const groupId = await newGroup();
    await client.send(
      new CreateTagsCommand({
        Resources: [groupId],
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '' },
          { Key: 'c', Value: '3' },
        ],
      }),
    );
    return groupId;
  }
  const keysOf = async (id: string) => (await tagsOf(id)).map((t) => t.Key);

  it('with a key only, deletes the key whatever its value', async () => {
    const groupId = await groupWithTags();
    await client.send(new DeleteTagsCommand({ Resources: [groupId], Tags: [{ Key: 'a' }] }));
    expect(await keysOf(groupId)).toEqual(['b', 'c']);
  });

  it('with a value, deletes only when the value matches; an empty value matches only an empty value', async () => {
    const groupId = await groupWithTags();
    await client.send(
      new DeleteTagsCommand({
        Resources: [groupId],
        Tags: [
          { Key: 'a', Value: 'not-1' },
          { Key: 'c', Value: '' },
          { Key: 'b', Value: '' },
        ],
      }),
    );
    expect(await keysOf(groupId)).toEqual(['a', 'c']);
    await client.send(new DeleteTagsCommand({ Resources: [groupId], Tags: [{ Key: 'c', Value: '3' }] }));
    expect(await keysOf(groupId)).toEqual(['a']);
  });

  it('without tags, deletes every tag of each resource', async () => {
    const first = await groupWithTags();
    const second = await groupWithTags();
    await client.send(new DeleteTagsCommand({ Resources: [first, second] }));
    expect(await tagsOf(first)).toEqual([]);
    expect(await tagsOf(second)).toEqual([]);
  });

  it('deleting a key that is not there is not an error', async () => {
    const groupId = await groupWithTags();
    await client.send(new DeleteTagsCommand({ Resources: [groupId], Tags: [{ Key: 'never-set' }] }));
    expect(await keysOf(groupId)).toEqual(['a', 'b', 'c']);
  });

  it('a missing resource fails the whole request', async () => {
    const groupId = await groupWithTags();
    const error = await ec2ErrorOf(() =>
      client.send(new DeleteTagsCommand({ Resources: [groupId, 'sg-0fffffffffffffff0'] })),
    );
    expect(error.code).toBe('InvalidGroup.NotFound');
    expect(await keysOf(groupId)).toEqual(['a', 'b', 'c']);
  });
});

describe('DescribeTags', () => {
  let web: string;
  let db: string;
  beforeAll(async () => {
    web = await newGroup();
    db = await newGroup();
    await client.send(new CreateTagsCommand({ Resources: [web], Tags: [{ Key: 'role', Value: 'web' }, { Key: 'env', Value: 'prod' }] }));
    await client.send(new CreateTagsCommand({ Resources: [db], Tags: [{ Key: 'role', Value: 'db' }, { Key: 'env', Value: 'dev' }] }));
  });
  const ours = (tags: TagDescription[] | undefined) =>
    (tags ?? []).filter((t) => t.ResourceId === web || t.ResourceId === db).map((t) => `${t.ResourceId === web ? 'web' : 'db'}:${t.Key}=${t.Value}`);

  it('filters by key, value, resource-type, tag:<key>, with wildcards; AND across filters, OR within', async () => {
    const run = async (Filters: { Name: string; Values: string[] }[]) =>
      ours((await client.send(new DescribeTagsCommand({ Filters }))).Tags);
    expect(await run([{ Name: 'key', Values: ['role'] }])).toEqual(['web:role=web', 'db:role=db']);
    expect(await run([{ Name: 'value', Values: ['d*'] }])).toEqual(['db:role=db', 'db:env=dev']);
    expect(await run([{ Name: 'key', Values: ['env'] }, { Name: 'value', Values: ['prod', 'dev'] }])).toEqual([
      'web:env=prod',
      'db:env=dev',
    ]);
    expect(await run([{ Name: 'tag:role', Values: ['w?b'] }])).toEqual(['web:role=web']);
    expect(await run([{ Name: 'resource-type', Values: ['security-group'] }, { Name: 'resource-id', Values: [db] }])).toEqual([
      'db:role=db',
      'db:env=dev',
    ]);
    expect(await run([{ Name: 'resource-type', Values: ['vpc'] }])).toEqual([]);
  });

  it('rejects filters it does not document, tag-key and tag-value among them', async () => {
    for (const name of ['tag-key', 'tag-value', 'group-id']) {
      expect(
        await ec2ErrorOf(() => client.send(new DescribeTagsCommand({ Filters: [{ Name: name, Values: ['x'] }] }))),
      ).toEqual({ code: 'InvalidParameterValue', message: `The filter '${name}' is invalid`, status: 400 });
    }
  });

  it('pages with MaxResults and NextToken, each tag once, in a stable order (SDK paginator)', async () => {
    const groupId = await newGroup();
    const tags = Array.from({ length: 12 }, (_, i) => ({ Key: `page-${String(i).padStart(2, '0')}`, Value: String(i) }));
    await client.send(new CreateTagsCommand({ Resources: [groupId], Tags: tags }));
    const seen: string[] = [];
    const pageSizes: number[] = [];
    for await (const page of paginateDescribeTags(
      { client, pageSize: 5 },
      { Filters: [{ Name: 'resource-id', Values: [groupId] }] },
    )) {
      pageSizes.push(page.Tags!.length);
      seen.push(...page.Tags!.map((t) => t.Key!));
    }
    expect(pageSizes).toEqual([5, 5, 2]);
    expect(seen).toEqual(tags.map((t) => t.Key));
  });

  it('rejects MaxResults outside 5..1000', async () => {
    const low = await ec2ErrorOf(() => client.send(new DescribeTagsCommand({ MaxResults: 4 })));
    expect(low).toEqual({
      code: 'InvalidParameterValue',
      message: 'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.',
      status: 400,
    });
    const high = await ec2ErrorOf(() => client.send(new DescribeTagsCommand({ MaxResults: 1001 })));
    expect(high.code).toBe('InvalidParameterValue');
  });

  it('runs Ansible ensure_ec2_tags: paginated DescribeTags by resource-id, then DeleteTags and CreateTags', async () => {
    const groupId = await newGroup();
    await client.send(new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'old', Value: '1' }, { Key: 'keep', Value: 'k' }] }));
    const current: Record<string, string> = {};
    for await (const page of paginateDescribeTags({ client }, { Filters: [{ Name: 'resource-id', Values: [groupId] }] })) {
      for (const t of page.Tags ?? []) current[t.Key!] = t.Value!;
    }
    expect(current).toEqual({ old: '1', keep: 'k' });
    await client.send(new DeleteTagsCommand({ Resources: [groupId], Tags: [{ Key: 'old' }] }));
    await client.send(new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'new', Value: '2' }] }));
    expect((await tagsOf(groupId)).map((t) => `${t.Key}=${t.Value}`)).toEqual(['keep=k', 'new=2']);
  });

  it('shows only the tags of the caller’s region', async () => {
    const west = ec2Client(emulator.url, 'us-west-2');
    try {
      const result = await west.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [web] }] }));
      expect(result.Tags).toEqual([]);
    } finally {
      west.destroy();
    }
  });
});
