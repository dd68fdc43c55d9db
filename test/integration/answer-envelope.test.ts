/**
 * The answer's envelope through the real SDK, with the raw XML recorded on the way in:
 * CreateSecurityGroup's `<return>true</return>` before `<groupId>` (the API reference's sample),
 * and the namespace that follows the request's `Version`. A middleware can rewrite the `Version`
 * the SDK sends, as an older client would send it; the SDK still reads the answer.
 */
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, ec2ErrorOf, startServerWithVpc, stopServer } from '../helpers/server.js';

const SG_ID = /^sg-[0-9a-f]{17}$/;

let emulator: Emulator;
let ec2: EC2Client;
let vpcId: string;

beforeAll(async () => {
  ({ emulator, ec2, vpcId } = await startServerWithVpc('10.91.0.0/16'));
});
afterAll(() => stopServer(emulator, ec2));

/**
 * A client that sends `Version=<version>` (when given) and records every raw answer body before
 * the SDK's deserializer reads it (the body is handed on as bytes, which the SDK accepts).
 */
function recordingClient(version?: string): { client: EC2Client; bodies: string[] } {
  const client = ec2Client(emulator.url);
  const bodies: string[] = [];
  if (version !== undefined) {
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown };
        if (typeof request.body === 'string') request.body = request.body.replace('Version=2016-11-15', `Version=${version}`);
        return next(args);
      },
      { step: 'build', priority: 'low', name: 'rewriteVersion' },
    );
  }
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { body?: AsyncIterable<Uint8Array> | Uint8Array };
      const chunks: Buffer[] = [];
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      bodies.push(bytes.toString('utf8'));
      response.body = new Uint8Array(bytes);
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'recordAnswer' },
  );
  return { client, bodies };
}

describe('CreateSecurityGroup answers <return>true</return> before <groupId>', () => {
  it('the SDK reads the id and ARN, and the raw answer carries <return>true</return> right after <requestId>', async () => {
    const { client, bodies } = recordingClient();
    try {
      const out = await client.send(new CreateSecurityGroupCommand({ GroupName: 'envelope-return', Description: 'x', VpcId: vpcId }));
      expect(out.GroupId).toMatch(SG_ID);
      expect(out.SecurityGroupArn).toBe(`arn:aws:ec2:us-east-1:000000000000:security-group/${out.GroupId}`);
      // The model has no Return member, so the SDK leaves it out of its result.
      expect(out).not.toHaveProperty('Return');
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toMatch(
        new RegExp(`<CreateSecurityGroupResponse xmlns="[^"]+"><requestId>[^<]+</requestId><return>true</return><groupId>${out.GroupId}</groupId><securityGroupArn>`),
      );
    } finally {
      client.destroy();
    }
  });
});

describe('the answer namespace follows the request Version', () => {
  it('Version=2016-11-15 (what the SDK sends) is answered in the 2016-11-15 namespace', async () => {
    const { client, bodies } = recordingClient();
    try {
      await client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
      expect(bodies[0]).toContain('<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
    } finally {
      client.destroy();
    }
  });

  it('Version=2014-06-15 is answered in the 2014-06-15 namespace, and the SDK reads that answer the same', async () => {
    const { client, bodies } = recordingClient('2014-06-15');
    try {
      const created = await client.send(new CreateSecurityGroupCommand({ GroupName: 'envelope-old', Description: 'old', VpcId: vpcId }));
      expect(created.GroupId).toMatch(SG_ID);
      const described = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }));
      expect(described.SecurityGroups!.map((g) => [g.GroupId, g.GroupName, g.VpcId])).toEqual([[created.GroupId, 'envelope-old', vpcId]]);
      expect(bodies).toHaveLength(2);
      expect(bodies[0]).toContain('<CreateSecurityGroupResponse xmlns="http://ec2.amazonaws.com/doc/2014-06-15/">');
      expect(bodies[1]).toContain('<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2014-06-15/">');
    } finally {
      client.destroy();
    }
  });

  it('an error under Version=2014-06-15 still has no namespace', async () => {
    const { client, bodies } = recordingClient('2014-06-15');
    try {
      expect(await ec2ErrorOf(() => client.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })))).toEqual({
        code: 'InvalidGroup.NotFound',
        message: "The security group 'sg-0123456789abcdef0' does not exist",
        status: 400,
      });
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toContain('<Response><Errors><Error><Code>InvalidGroup.NotFound</Code>');
      expect(bodies[0]).not.toContain('xmlns');
    } finally {
      client.destroy();
    }
  });
});
