import { AuthorizeSecurityGroupEgressCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { Ec2Error } from '../../../protocol/errors.js';
import { parseCredentialList, verifySignature, type SignedRequest } from '../../../server/auth.js';

const CREDENTIALS = parseCredentialList('AKIDGOOD:goodsecret,AKIDOTHER:othersecret');

/** Signs a command with the real SDK signer and returns the request as our server would see it. */
async function signedBySdk(
  command: DescribeSecurityGroupsCommand | AuthorizeSecurityGroupEgressCommand,
  credentials = { accessKeyId: 'AKIDGOOD', secretAccessKey: 'goodsecret' },
  systemClockOffset = 0,
): Promise<SignedRequest> {
  let captured: SignedRequest | undefined;
  const client = new EC2Client({
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:4566',
    credentials,
    maxAttempts: 1,
    systemClockOffset,
    requestHandler: {
      handle: async (request: {
        method: string;
        path: string;
        query?: Record<string, string>;
        headers: Record<string, string>;
        body?: string;
      }) => {
        const query = new URLSearchParams(request.query ?? {}).toString();
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
        captured = { method: request.method, url: request.path + (query ? `?${query}` : ''), headers, body: request.body ?? '' };
        throw new Error('captured');
      },
    } as never,
  });
  await client.send(command as never).catch((err: Error) => {
    if (err.message !== 'captured') throw err;
  });
  return captured!;
}

function codeOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof Ec2Error) return `${err.code} ${err.status} ${err.message}`;
    throw err;
  }
  return 'ok';
}

describe('verifySignature', () => {
  it('accepts a request signed by the real SDK with a known key', async () => {
    const request = await signedBySdk(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-12345678'] }));
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDGOOD\//);
    expect(codeOf(() => verifySignature(request, CREDENTIALS))).toBe('ok');
  });

  it('accepts bodies with characters that need percent-encoding', async () => {
    const request = await signedBySdk(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: 'sg-12345678',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'a b&c=d/+*' }] }],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'k', Value: 'välue ✓ <&>' }] }],
      }),
    );
    expect(codeOf(() => verifySignature(request, CREDENTIALS))).toBe('ok');
  });

  it('rejects a tampered body with AuthFailure 401', async () => {
    const request = await signedBySdk(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-12345678'] }));
    const tampered = { ...request, body: request.body.replace('sg-12345678', 'sg-87654321') };
    expect(codeOf(() => verifySignature(tampered, CREDENTIALS))).toBe(
      'AuthFailure 401 AWS was not able to validate the provided access credentials',
    );
  });

  it('rejects a tampered signed header and a wrong secret', async () => {
    const request = await signedBySdk(new DescribeSecurityGroupsCommand({}));
    const otherHost = { ...request, headers: { ...request.headers, host: 'evil.example:4566' } };
    expect(codeOf(() => verifySignature(otherHost, CREDENTIALS))).toMatch(/^AuthFailure 401/);
    const wrongSecret = await signedBySdk(new DescribeSecurityGroupsCommand({}), {
      accessKeyId: 'AKIDGOOD',
      secretAccessKey: 'not-the-secret',
    });
    expect(codeOf(() => verifySignature(wrongSecret, CREDENTIALS))).toMatch(/^AuthFailure 401/);
  });

  it('rejects an unknown access key with AuthFailure', async () => {
    const request = await signedBySdk(new DescribeSecurityGroupsCommand({}), {
      accessKeyId: 'AKIDUNKNOWN',
      secretAccessKey: 'goodsecret',
    });
    expect(codeOf(() => verifySignature(request, CREDENTIALS))).toMatch(/^AuthFailure 401/);
  });

  it('rejects a request dated outside the 15-minute window with RequestExpired', async () => {
    const request = await signedBySdk(new DescribeSecurityGroupsCommand({}));
    const signedAt = Date.now();
    expect(codeOf(() => verifySignature(request, CREDENTIALS, signedAt + 14 * 60_000))).toBe('ok');
    expect(codeOf(() => verifySignature(request, CREDENTIALS, signedAt + 20 * 60_000))).toBe(
      'RequestExpired 400 Request has expired.',
    );
    expect(codeOf(() => verifySignature(request, CREDENTIALS, signedAt - 20 * 60_000))).toMatch(/^RequestExpired/);
  });

  it('asks for credentials when the request is not signed at all', () => {
    const unsigned: SignedRequest = { method: 'POST', url: '/', headers: { host: 'h' }, body: 'Action=DescribeVpcs' };
    expect(codeOf(() => verifySignature(unsigned, CREDENTIALS))).toBe(
      'MissingParameter 400 The request must contain the parameter AWSAccessKeyId',
    );
  });

  it('names the missing parts of an incomplete Authorization header', () => {
    const request: SignedRequest = {
      method: 'POST',
      url: '/',
      headers: { host: 'h', authorization: 'AWS4-HMAC-SHA256 Credential=AKIDGOOD/20260101/us-east-1/ec2/aws4_request' },
      body: '',
    };
    expect(codeOf(() => verifySignature(request, CREDENTIALS))).toMatch(
      /^IncompleteSignature 400 Authorization header requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter\./,
    );
  });

  it('rejects a SigV2-style or garbage Authorization header', () => {
    const request: SignedRequest = { method: 'POST', url: '/', headers: { host: 'h', authorization: 'AWS AKIDGOOD:abc' }, body: '' };
    expect(codeOf(() => verifySignature(request, CREDENTIALS))).toMatch(/^AuthFailure 401/);
  });

  it('parses credential lists and refuses malformed entries', () => {
    expect([...parseCredentialList(' A:1 , B:2:3 ')]).toEqual([
      ['A', '1'],
      ['B', '2:3'],
    ]);
    expect(() => parseCredentialList('nocolon')).toThrow(/ACCESS_KEY_ID:SECRET/);
  });
});
