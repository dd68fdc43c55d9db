/**
 * Checks bench/sigv4.mjs against the AWS SDK's own signer (@smithy/signature-v4): same request,
 * same instant, same credentials must give the same Authorization header.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { createSigner, formBody, FORM_CONTENT_TYPE, TEST_CREDENTIALS } from './sigv4.mjs';

/** The SDK's hash interface over node:crypto (the SDK's own hash package is not installed). */
class Sha256 {
  constructor(secret) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

const date = new Date('2026-01-02T03:04:05Z');
const body = formBody({ Action: 'AuthorizeSecurityGroupEgress', GroupId: 'sg-0123456789abcdef0', 'IpPermissions.1.IpProtocol': 'tcp' });
const ours = createSigner({ host: '127.0.0.1:4566', date })(body).authorization;
const sdk = await new SignatureV4({ credentials: TEST_CREDENTIALS, region: 'us-east-1', service: 'ec2', sha256: Sha256, applyChecksum: false }).sign(
  { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/', headers: { 'content-type': FORM_CONTENT_TYPE, host: '127.0.0.1:4566' }, body },
  { signingDate: date },
);
if (ours !== sdk.headers.authorization) {
  console.error(`signatures differ:\n  ours ${ours}\n  sdk  ${sdk.headers.authorization}`);
  process.exit(1);
}
console.log('bench/sigv4.mjs signs exactly as @smithy/signature-v4');
