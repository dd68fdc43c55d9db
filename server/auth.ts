/**
 * Opt-in Signature Version 4 verification, as AWS checks a Query request.
 *
 * AWS rule (SigV4, "Create a canonical request"): the signature is
 *   HMAC(signingKey, "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(SHA256(canonicalRequest)))
 * where the canonical request is method, URI path, sorted and RFC 3986-encoded query string,
 * the signed headers (lower-case names, trimmed values with inner runs of spaces folded), the
 * signed-header list, and the SHA-256 of the payload actually received, and the
 * signing key is HMAC("AWS4"+secret, date) → region → service → "aws4_request".
 *
 * EC2's answers (docs/fidelity.md): an unknown key or a wrong signature is `AuthFailure` 401
 * `AWS was not able to validate the provided access credentials`; a request dated more than 15
 * minutes away from now is `RequestExpired` 400 `Request has expired.`; a request with no
 * signature at all is `MissingParameter` `The request must contain the parameter AWSAccessKeyId`;
 * an Authorization header without its parts is `IncompleteSignature`.
 *
 * The credential scope (`AKID/20260101/eu-west-1/ec2/aws4_request`) must name this service and a
 * real region: AWS refuses a signature scoped to another service (`s3`, `iam`) or to a region
 * that does not exist, even when the signature itself is right. The Query services (STS, IAM,
 * SQS) answer `SignatureDoesNotMatch` 403 `Credential should be scoped to correct service: 'sts'. `
 * and `Credential should be scoped to a valid region. ` (trailing space included); we answer the
 * same for EC2, with 'ec2' (fidelity notes). STS requests on this endpoint are scoped `sts`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Ec2Error, ec2Error } from '../protocol/errors.js';

export interface SignedRequest {
  readonly method: string;
  /** Path and query exactly as received (`/path?query`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Access key id → secret access key. */
export type CredentialStore = ReadonlyMap<string, string>;

export const ALLOWED_CLOCK_SKEW_MS = 15 * 60 * 1000;

const AUTH_HEADER = /^AWS4-HMAC-SHA256\s+(.*)$/;

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Every region of every AWS partition (commercial, China, GovCloud, the isolated and sovereign
 * clouds), as the SDK's endpoint tables (@aws-sdk/core's partitions) list them: the one list of
 * real region names in the project. Signatures scoped to any other name are refused; a region AWS
 * opens later is added here.
 */
export const AWS_REGIONS: ReadonlySet<string> = new Set([
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1',
  'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
  'ap-southeast-6', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1',
  'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1',
  'me-west-1', 'mx-central-1', 'sa-east-1', 'sa-west-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'cn-north-1', 'cn-northwest-1',
  'us-gov-east-1', 'us-gov-west-1',
  'us-iso-east-1', 'us-iso-west-1', 'us-isob-east-1', 'us-isob-west-1', 'us-isof-east-1', 'us-isof-south-1',
  'eu-isoe-west-1', 'eusc-de-east-1',
]);

/** The services a signature on this endpoint may be scoped to. */
export type SignedService = 'ec2' | 'sts';

/** Who signed, and the scope they signed for (what verifySignature answers on success). */
export interface SignatureScope {
  readonly accessKeyId: string;
  readonly region: string;
  /** The scope's service as signed: checked by requireService once the request's service is known. */
  readonly service: string;
}

const wrongService = (expected: SignedService): Ec2Error =>
  new Ec2Error('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${expected}'. `);

/**
 * Refuses a signature scoped to another service than `expected` (`sts` on an EC2 request, `ec2` on
 * an STS one, `s3` anywhere): called once the request's parameters say which service it is for.
 * (server/app.ts first answers requests signed for services it recognises as another's, S3 or
 * DynamoDB, in their own protocol: server/other-services.ts.)
 */
export function requireService(scope: SignatureScope, expected: SignedService): void {
  if (scope.service !== expected) throw wrongService(expected);
}

/**
 * Throws EC2's error unless the request carries a valid SigV4 signature by a known key, scoped to
 * a real region; answers the scope. Its service is checked by `requireService`, once the request's
 * parameters say whether it is for EC2 or STS.
 */
export function verifySignature(request: SignedRequest, credentials: CredentialStore, now: number = Date.now()): SignatureScope {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization === undefined || authorization === '') {
    throw ec2Error('MissingParameter', 'AWSAccessKeyId');
  }
  const match = AUTH_HEADER.exec(authorization.trim());
  if (!match) throw ec2Error('AuthFailure');
  const parts = new Map<string, string>();
  for (const part of match[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = parts.get('Credential');
  const signedHeaderList = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  const amzDate = headerValue(request.headers, 'x-amz-date');
  const missing = [
    credential === undefined ? "Authorization header requires 'Credential' parameter." : '',
    signature === undefined ? "Authorization header requires 'Signature' parameter." : '',
    signedHeaderList === undefined ? "Authorization header requires 'SignedHeaders' parameter." : '',
    amzDate === undefined ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." : '',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new Ec2Error('IncompleteSignature', `${missing.join(' ')} Authorization=${authorization}`);
  }

  const [accessKeyId, date, region, service, terminator, ...rest] = credential!.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request' || rest.length > 0) {
    throw ec2Error('AuthFailure');
  }
  const secret = credentials.get(accessKeyId);
  if (secret === undefined) throw ec2Error('AuthFailure');
  if (!AWS_REGIONS.has(region)) throw new Ec2Error('SignatureDoesNotMatch', 'Credential should be scoped to a valid region. ');

  const requestTime = parseAmzDate(amzDate!);
  if (requestTime === undefined || !amzDate!.startsWith(date)) throw ec2Error('AuthFailure');
  if (Math.abs(now - requestTime) > ALLOWED_CLOCK_SKEW_MS) throw ec2Error('RequestExpired');

  const signedHeaders = signedHeaderList!.split(';');
  if (!signedHeaders.includes('host')) throw ec2Error('AuthFailure');
  const claimedHash = headerValue(request.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== sha256Hex(request.body)) throw ec2Error('AuthFailure');
  const canonical = canonicalRequest(request, signedHeaders);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = [date, region, service, 'aws4_request'].reduce<Buffer>(
    (k, part) => hmac(k, part),
    Buffer.from(`AWS4${secret}`, 'utf8'),
  );
  const expected = hmac(key, stringToSign);
  const given = /^[0-9a-f]{64}$/.test(signature!) ? Buffer.from(signature!, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw ec2Error('AuthFailure');
  return { accessKeyId, region, service };
}

export function canonicalRequest(request: SignedRequest, signedHeaders: readonly string[]): string {
  const queryStart = request.url.indexOf('?');
  const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
  const headers = signedHeaders
    .map((name) => `${name}:${(headerValue(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  // The hash of the body received, never the client's claim: a claimed hash that differs (or
  // UNSIGNED-PAYLOAD) then simply fails to match the signature.
  const payloadHash = sha256Hex(request.body);
  return [request.method, canonicalPath(path), canonicalQuery(query), headers, signedHeaders.join(';'), payloadHash].join(
    '\n',
  );
}

function canonicalPath(path: string): string {
  if (path === '') return '/';
  return path
    .split('/')
    .map((segment) => rfc3986(safeDecode(segment)))
    .join('/');
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq === -1 ? pair : pair.slice(0, eq);
      const value = eq === -1 ? '' : pair.slice(eq + 1);
      return [rfc3986(safeDecode(key)), rfc3986(safeDecode(value))] as const;
    });
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, '%20'));
  } catch {
    return text;
  }
}

const rfc3986 = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const time = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(time) ? undefined : time;
}

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

/**
 * Requests a browser sends on behalf of a page from another site. SDKs and the CLI never send
 * `Origin` or `Sec-Fetch-Site`; browsers send `Origin` on every cross-origin POST (a form post to
 * `/` needs no CORS preflight) and `Sec-Fetch-Site` on everything, including the GET of an
 * `<img src="http://127.0.0.1:4566/?Action=CreateSecurityGroup…">`.
 *
 * `origin` is the request's Origin header, `host` its Host header; an Origin names the same server
 * when its host and port are the Host header's (the scheme is not compared: a TLS proxy in front
 * changes it).
 */
export function isForeignOrigin(origin: string, host: string | undefined): boolean {
  const schemeEnd = origin.indexOf('://');
  return schemeEnd === -1 || host === undefined || origin.slice(schemeEnd + 3).toLowerCase() !== host.toLowerCase();
}

/** Describe* and Get* only read; every other action changes state. */
/** Actions that change nothing: EC2's Describe* and Get*, STS's GetCallerIdentity. */
export const READ_ONLY_ACTION = /^(?:Describe|Get)[A-Z]/;

/**
 * EC2 (and STS) requests from a browser page on another site: refused when they carry a foreign
 * Origin (any action: without CORS headers such a page cannot read an answer anyway), or when the
 * browser says the page is cross-site or same-site (another port of localhost) and the action
 * changes state. AWS has no such rule (its endpoints are not reachable by ambient authority); the
 * closest answer it has is `UnauthorizedOperation` 403.
 */
export function refuseCrossSite(headers: SignedRequest['headers'], action: string): void {
  const origin = headerValue(headers, 'origin');
  if (origin !== undefined && isForeignOrigin(origin, headerValue(headers, 'host'))) {
    throw ec2Error('UnauthorizedOperation', `Requests from a web page on ${origin} are refused; send them from an SDK or the CLI.`);
  }
  const site = headerValue(headers, 'sec-fetch-site');
  if ((site === 'cross-site' || site === 'same-site') && action !== '' && !READ_ONLY_ACTION.test(action)) {
    throw ec2Error('UnauthorizedOperation', `A web page on another site cannot call ${action}; send it from an SDK or the CLI.`);
  }
}

/** `AKID:SECRET,AKID2:SECRET2` (flag or environment) → a credential store. */
export function parseCredentialList(text: string): CredentialStore {
  const store = new Map<string, string>();
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1) throw new Error(`'${entry}' is not ACCESS_KEY_ID:SECRET`);
    store.set(entry.slice(0, colon), entry.slice(colon + 1));
  }
  return store;
}
