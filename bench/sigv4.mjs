/**
 * AWS Signature Version 4 for EC2 Query requests (`POST /` with a form body), synchronous so the
 * load generator can sign each request as it builds it. Every target gets the same headers signed
 * the same way; none of them verifies signatures, but a real SDK would send exactly these.
 *
 * The algorithm (canonical request → string to sign → HMAC chain over date/region/service) is the
 * documented one; `node bench/check-signer.mjs` compares our output with @smithy/signature-v4's.
 */
import { createHash, createHmac } from 'node:crypto';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

/** `20260101T000000Z` for a Date. */
export function amzDateOf(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * A signer for one host, region and instant: the signing key is derived once, each request then
 * costs two SHA-256 hashes and one HMAC.
 */
export function createSigner({ host, region = 'us-east-1', service = 'ec2', credentials = TEST_CREDENTIALS, date = new Date() }) {
  const amzDate = amzDateOf(date);
  const day = amzDate.slice(0, 8);
  const credentialScope = `${day}/${region}/${service}/aws4_request`;
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), 'aws4_request');
  const signedHeaders = 'content-type;host;x-amz-date';

  /** Headers for `POST /` with this form body. */
  return function signedHeadersFor(body) {
    const canonicalRequest = [
      'POST',
      '/',
      '',
      `content-type:${FORM_CONTENT_TYPE}`,
      `host:${host}`,
      `x-amz-date:${amzDate}`,
      '',
      signedHeaders,
      sha256Hex(body),
    ].join('\n');
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
    const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
    return {
      'content-type': FORM_CONTENT_TYPE,
      host,
      'x-amz-date': amzDate,
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
  };
}

/** A form body from EC2 query parameters, in the order given. */
export function formBody(params) {
  return new URLSearchParams({ Version: '2016-11-15', ...params }).toString();
}
