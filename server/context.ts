/**
 * Who is asking, and where: the request id, the account and the region of one request.
 *
 * The region comes from the SigV4 credential scope (`Credential=AKID/20260101/eu-west-1/ec2/aws4_request`,
 * in the Authorization header or, for presigned URLs, the `X-Amz-Credential` parameter). SigV2 and
 * unsigned requests carry no region and get the default one. Signatures are not verified.
 */
import type { Limits } from './limits.js';
import type { Realism } from './realism.js';
import type { Store } from '../store/store.js';
import type { Scope } from '../store/records.js';

export interface RequestContext {
  readonly requestId: string;
  readonly action: string;
  readonly scope: Scope;
}

export interface Deps {
  readonly store: Store;
  readonly limits: Limits;
  /** Opt-in faults and eventual consistency; inert unless configured. */
  readonly realism: Realism;
}

/** `AKID/20260101/eu-west-1/ec2/aws4_request`, from the Authorization header or X-Amz-Credential. */
const CREDENTIAL = /^([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/([^/,\s]+)\/aws4_request/;
const AUTHORIZATION_CREDENTIAL = /Credential=([^,\s]+)/;

/**
 * Who signed the request and for which region, read once: the SigV4 credential scope (header or
 * presigned query), else SigV2's `AWSAccessKeyId`, which names no region.
 */
export function signerOf(
  authorization: string | undefined,
  params: URLSearchParams,
): { accessKeyId: string | undefined; region: string | undefined; service: string | undefined } {
  const credential =
    (authorization !== undefined ? AUTHORIZATION_CREDENTIAL.exec(authorization)?.[1] : undefined) ??
    params.get('X-Amz-Credential') ??
    undefined;
  if (credential !== undefined) {
    const scope = CREDENTIAL.exec(credential);
    // The scope's service (`ec2`, `sts`, or another service's: server/other-services.ts).
    return { accessKeyId: scope?.[1] ?? credential.split('/')[0], region: scope?.[2], service: scope?.[3] };
  }
  return { accessKeyId: params.get('AWSAccessKeyId') ?? undefined, region: undefined, service: undefined };
}
