/**
 * CreateTags / DeleteTags / DescribeTags on the wire (aws-reference §2F): raw form bodies, the
 * exact codes and texts of F-1..F-8, the response XML, and what an SDK never sends (a missing
 * `ResourceId.N`, an empty key, `Tag.N.Value=` against an absent value).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, expectPostError, post } from '../helpers/inject.js';

let app: FastifyInstance;
let groupId: string;

beforeEach(async () => {
  ({ app } = buildTestApp());
  const created = await post(app, { Action: 'CreateSecurityGroup', GroupName: 'tagged', GroupDescription: 'tags on the wire' });
  groupId = created.xml.CreateSecurityGroupResponse.groupId;
});

const expectError = (fields: Record<string, string>, code: string, message: string, status?: number) =>
  expectPostError(app, fields, code, message, status);

async function tagKeysOf(resourceId: string): Promise<string[]> {
  const answer = await post(app, { Action: 'DescribeTags', 'Filter.1.Name': 'resource-id', 'Filter.1.Value.1': resourceId });
  return (answer.xml.DescribeTagsResponse.tagSet?.item ?? []).map((item: { key: string; value: string }) => `${item.key}=${item.value}`);
}

describe('CreateTags on the wire', () => {
  it('answers <return>true</return> after <requestId> (F-1) and stores an empty value as empty', async () => {
    const answer = await post(app, {
      Action: 'CreateTags',
      'ResourceId.1': groupId,
      'Tag.1.Key': 'Name',
      'Tag.1.Value': '',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<CreateTagsResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[^<]+<\/requestId><return>true<\/return><\/CreateTagsResponse>$/,
    );
    expect(await tagKeysOf(groupId)).toEqual(['Name=']);
  });

  it('stores a tag sent without a value as an empty value', async () => {
    await post(app, { Action: 'CreateTags', 'ResourceId.1': groupId, 'Tag.1.Key': 'flag' });
    expect(await tagKeysOf(groupId)).toEqual(['flag=']);
  });

  it('F-2: a key starting with aws: is reserved', async () => {
    await expectError(
      { Action: 'CreateTags', 'ResourceId.1': groupId, 'Tag.1.Key': 'aws:autoscaling:groupName', 'Tag.1.Value': 'x' },
      'InvalidParameterValue',
      "Value ( aws:autoscaling:groupName ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use",
    );
  });

  it('F-3: an id of no known kind is InvalidID, space-joined ids being one id', async () => {
    await expectError(
      { Action: 'CreateTags', 'ResourceId.1': '107.20.243.249', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' },
      'InvalidID',
      "The ID '107.20.243.249' is not valid",
    );
    await expectError(
      { Action: 'CreateTags', 'ResourceId.1': 'i-1234abcd i-9876dcba', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' },
      'InvalidID',
      "The ID 'i-1234abcd i-9876dcba' is not valid",
    );
    await expectError(
      { Action: 'CreateTags', 'ResourceId.1': 'sg-xyz', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' },
      'InvalidID',
      "The ID 'sg-xyz' is not valid",
    );
  });

  it('F-4: a deleted group is InvalidGroup.NotFound, not InvalidID', async () => {
    await post(app, { Action: 'DeleteSecurityGroup', GroupId: groupId });
    await expectError(
      { Action: 'CreateTags', 'ResourceId.1': groupId, 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' },
      'InvalidGroup.NotFound',
      `The security group '${groupId}' does not exist`,
    );
  });

  it('F-5: an empty key', async () => {
    await expectError(
      { Action: 'CreateTags', 'ResourceId.1': groupId, 'Tag.1.Key': '', 'Tag.1.Value': 'v' },
      'InvalidParameterValue',
      "Value ( '' ) for parameter Tag key is invalid. Tag key cannot be null or empty.",
    );
  });

  it('F-6: the 51st tag of a resource is TagLimitExceeded', async () => {
    const fields: Record<string, string> = { Action: 'CreateTags', 'ResourceId.1': groupId };
    for (let i = 1; i <= 51; i++) {
      fields[`Tag.${i}.Key`] = `k${i}`;
      fields[`Tag.${i}.Value`] = 'v';
    }
    await expectError(fields, 'TagLimitExceeded', 'The maximum number of Tags for a resource has been reached.');
    expect(await tagKeysOf(groupId)).toEqual([]);
  });

  it('F-7: no ResourceId.N is MissingParameter resourceIdSet; no Tag.N is MissingParameter tagSet', async () => {
    await expectError(
      { Action: 'CreateTags', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' },
      'MissingParameter',
      'The request must contain the parameter resourceIdSet',
    );
    await expectError({ Action: 'CreateTags', 'ResourceId.1': groupId }, 'MissingParameter', 'The request must contain the parameter tagSet');
  });

  it('rejects a key of 128 characters, a value of 257, and one key twice in a request', async () => {
    await expectError(
      { Action: 'CreateTags', 'ResourceId.1': groupId, 'Tag.1.Key': 'k'.repeat(128), 'Tag.1.Value': 'v' },
      'InvalidParameterValue',
      `Value ( ${'k'.repeat(128)} ) for parameter key is invalid. Tag keys cannot be longer than 127 characters`,
    );
    await expectError(
      { Action: 'CreateTags', 'ResourceId.1': groupId, 'Tag.1.Key': 'k', 'Tag.1.Value': 'v'.repeat(257) },
      'InvalidParameterValue',
      `Value ( ${'v'.repeat(257)} ) for parameter value is invalid. Tag values cannot be longer than 256 characters`,
    );
    await expectError(
      { Action: 'CreateTags', 'ResourceId.1': groupId, 'Tag.1.Key': 'k', 'Tag.1.Value': '1', 'Tag.2.Key': 'k', 'Tag.2.Value': '2' },
      'InvalidParameterValue',
      "Duplicate tag key 'k' specified.",
    );
  });

  it('DryRun answers DryRunOperation (412) and writes nothing', async () => {
    await expectError(
      { Action: 'CreateTags', DryRun: 'true', 'ResourceId.1': groupId, 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' },
      'DryRunOperation',
      'Request would have succeeded, but DryRun flag is set.',
      412,
    );
    expect(await tagKeysOf(groupId)).toEqual([]);
  });

  it('DryRun still reports a missing resource first', async () => {
    await expectError(
      { Action: 'CreateTags', DryRun: 'true', 'ResourceId.1': 'vpc-0123456789abcdef0', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' },
      'InvalidVpcID.NotFound',
      "The vpc ID 'vpc-0123456789abcdef0' does not exist",
    );
  });
});

describe('DeleteTags on the wire', () => {
  beforeEach(async () => {
    await post(app, {
      Action: 'CreateTags',
      'ResourceId.1': groupId,
      'Tag.1.Key': 'a',
      'Tag.1.Value': 'x',
      'Tag.2.Key': 'b',
      'Tag.2.Value': '',
    });
  });

  it('Tag.N.Value= (empty) deletes only a tag whose value is empty; no Value deletes any value', async () => {
    const answer = await post(app, { Action: 'DeleteTags', 'ResourceId.1': groupId, 'Tag.1.Key': 'a', 'Tag.1.Value': '' });
    expect(answer.status).toBe(200);
    expect(answer.xml.DeleteTagsResponse.return).toBe('true');
    expect(await tagKeysOf(groupId)).toEqual(['a=x', 'b=']);
    await post(app, { Action: 'DeleteTags', 'ResourceId.1': groupId, 'Tag.1.Key': 'b', 'Tag.1.Value': '' });
    expect(await tagKeysOf(groupId)).toEqual(['a=x']);
    await post(app, { Action: 'DeleteTags', 'ResourceId.1': groupId, 'Tag.1.Key': 'a' });
    expect(await tagKeysOf(groupId)).toEqual([]);
  });

  it('without Tag.N deletes every tag', async () => {
    await post(app, { Action: 'DeleteTags', 'ResourceId.1': groupId });
    expect(await tagKeysOf(groupId)).toEqual([]);
  });

  it('needs ResourceId.N, and refuses an aws: key', async () => {
    await expectError({ Action: 'DeleteTags', 'Tag.1.Key': 'a' }, 'MissingParameter', 'The request must contain the parameter resourceIdSet');
    await expectError(
      { Action: 'DeleteTags', 'ResourceId.1': groupId, 'Tag.1.Key': 'aws:cloudformation:stack-name' },
      'InvalidParameterValue',
      "Value ( aws:cloudformation:stack-name ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use",
    );
    expect(await tagKeysOf(groupId)).toEqual(['a=x', 'b=']);
  });
});

describe('DescribeTags on the wire', () => {
  it('F-8: items are <key>, <resourceId>, <resourceType>, <value> in that order, then <nextToken>', async () => {
    await post(app, {
      Action: 'CreateTags',
      'ResourceId.1': groupId,
      'Tag.1.Key': 'a',
      'Tag.1.Value': '<&>',
      'Tag.2.Key': 'b',
      'Tag.2.Value': '2',
      'Tag.3.Key': 'c',
      'Tag.3.Value': '3',
      'Tag.4.Key': 'd',
      'Tag.4.Value': '4',
      'Tag.5.Key': 'e',
      'Tag.5.Value': '5',
      'Tag.6.Key': 'f',
      'Tag.6.Value': '6',
    });
    const answer = await post(app, {
      Action: 'DescribeTags',
      MaxResults: '5',
      'Filter.1.Name': 'resource-id',
      'Filter.1.Value.1': groupId,
    });
    expect(answer.body).toContain(
      `<tagSet><item><key>a</key><resourceId>${groupId}</resourceId><resourceType>security-group</resourceType><value>&lt;&amp;&gt;</value></item>`,
    );
    const token = answer.xml.DescribeTagsResponse.nextToken as string;
    expect(answer.body.indexOf('<nextToken>')).toBeGreaterThan(answer.body.indexOf('</tagSet>'));
    const next = await post(app, {
      Action: 'DescribeTags',
      MaxResults: '5',
      NextToken: token,
      'Filter.1.Name': 'resource-id',
      'Filter.1.Value.1': groupId,
    });
    expect(next.xml.DescribeTagsResponse.tagSet.item.map((i: { key: string }) => i.key)).toEqual(['f']);
    expect(next.xml.DescribeTagsResponse.nextToken).toBeUndefined();
  });

  it('answers an empty <tagSet/> when nothing matches', async () => {
    const answer = await post(app, { Action: 'DescribeTags', 'Filter.1.Name': 'key', 'Filter.1.Value.1': 'nothing' });
    expect(answer.body).toContain('<tagSet/>');
  });

  it('rejects a made-up NextToken', async () => {
    await expectError(
      { Action: 'DescribeTags', NextToken: 'bogus' },
      'InvalidParameterValue',
      'Value ( bogus ) for parameter NextToken is invalid. The token is invalid.',
    );
  });
});
