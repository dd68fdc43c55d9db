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

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[^/,\s]+\/aws4_request/;
const PRESIGNED_SCOPE = /^[^/]+\/\d{8}\/([a-z0-9-]+)\/[^/]+\/aws4_request$/;
const ACCESS_KEY = /Credential=([^/,\s]+)\//;

export function regionOf(authorization: string | undefined, presignedCredential: string | undefined): string | undefined {
  if (authorization) {
    const match = CREDENTIAL_SCOPE.exec(authorization);
    if (match) return match[1];
  }
  if (presignedCredential) {
    const match = PRESIGNED_SCOPE.exec(presignedCredential);
    if (match) return match[1];
  }
  return undefined;
}

/** The access key id of a SigV4 or SigV2 request, if it names one. */
export function accessKeyOf(authorization: string | undefined, params: URLSearchParams): string | undefined {
  if (authorization) {
    const match = ACCESS_KEY.exec(authorization);
    if (match) return match[1];
  }
  const presigned = params.get('X-Amz-Credential');
  if (presigned) return presigned.split('/')[0];
  return params.get('AWSAccessKeyId') ?? undefined;
}
