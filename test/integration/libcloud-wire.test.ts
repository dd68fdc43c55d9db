/**
 * Apache Libcloud's EC2 driver numbers list items from 0: its `ex_create_tags` has sent
 * `ResourceId.0` and `Tag.0.Key`/`Tag.0.Value`, `Tag.1.…` (one per tag, in dict order) to
 * CreateTags since 2011, as a SigV2 GET, and real EC2 takes it. A request of that shape is sent
 * here to a real listen, and the tags are read back with the SDK.
 */
import { DescribeTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { createGroup, startServerWithClient, stopServer } from '../helpers/server.js';

let emulator: Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  ({ emulator, ec2 } = await startServerWithClient());
});
afterAll(() => stopServer(emulator, ec2));

/** Libcloud's `ex_create_tags(resource, tags)` request: a GET whose query string holds every parameter. */
function libcloudCreateTags(resourceId: string, tags: Record<string, string>): URLSearchParams {
  const params = new URLSearchParams({ Action: 'CreateTags', 'ResourceId.0': resourceId });
  Object.entries(tags).forEach(([key, value], i) => {
    params.set(`Tag.${i}.Key`, key);
    params.set(`Tag.${i}.Value`, value);
  });
  // SignedAWSConnection (signature version 2) adds these before signing.
  params.set('SignatureVersion', '2');
  params.set('SignatureMethod', 'HmacSHA256');
  params.set('AWSAccessKeyId', 'AKIDTEST');
  params.set('Timestamp', '2026-12-04T17:00:00Z');
  params.set('Version', '2016-11-15');
  params.set('Signature', 'bGliY2xvdWQtc2lnbmF0dXJlLW5vdC1jaGVja2Vk');
  return params;
}

describe("Libcloud's CreateTags (0-based ResourceId and Tag indexes)", () => {
  it('tags the group, and the SDK reads every tag back', async () => {
    const groupId = await createGroup(ec2, 'libcloud-node', 'tagged the libcloud way');
    const query = libcloudCreateTags(groupId, { Name: 'libcloud-node', env: 'staging', owner: '' });
    expect([...query.keys()].filter((k) => /\.0(\.|$)/.test(k))).toEqual(['ResourceId.0', 'Tag.0.Key', 'Tag.0.Value']);

    const response = await fetch(`${emulator.url}/?${query.toString()}`);
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).toContain('<CreateTagsResponse');
    expect(body).toContain('<return>true</return>');

    const { Tags } = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [groupId] }] }));
    expect((Tags ?? []).map((t) => ({ ResourceId: t.ResourceId, ResourceType: t.ResourceType, Key: t.Key, Value: t.Value }))).toEqual([
      { ResourceId: groupId, ResourceType: 'security-group', Key: 'Name', Value: 'libcloud-node' },
      { ResourceId: groupId, ResourceType: 'security-group', Key: 'env', Value: 'staging' },
      { ResourceId: groupId, ResourceType: 'security-group', Key: 'owner', Value: '' },
    ]);
  });

  it('takes the same request as a form POST, with a gapped tag index (Tag.0, Tag.2)', async () => {
    const groupId = await createGroup(ec2, 'libcloud-post', 'posted');
    const body = new URLSearchParams({
      Action: 'CreateTags',
      Version: '2016-11-15',
      'ResourceId.0': groupId,
      'Tag.2.Key': 'second',
      'Tag.2.Value': 'b',
      'Tag.0.Key': 'first',
      'Tag.0.Value': 'a',
    });
    const response = await fetch(`${emulator.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: body.toString(),
    });
    expect(response.status).toBe(200);
    const { Tags } = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [groupId] }] }));
    expect((Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort()).toEqual(['first=a', 'second=b']);
  });
});
