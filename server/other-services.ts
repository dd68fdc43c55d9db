/**
 * Requests meant for another AWS service: a user with a global AWS_ENDPOINT_URL (or a tool that
 * points every client at one endpoint) sends S3, SQS, DynamoDB… calls here too. Each gets an error
 * in its own client's protocol, so the client prints something useful instead of failing to parse
 * EC2's XML ("An error occurred ()"):
 *
 *   An error occurred (NotImplemented) when calling the ListBuckets operation: s3 is not served
 *   here: this endpoint emulates only EC2 and STS (ec2-sg-emulator)
 *
 * AWS rules for each protocol's error envelope (as the SDKs and botocore parse them):
 * - awsJson 1.0/1.1 (X-Amz-Target: DynamoDB_20120810.ListTables): JSON `{"__type","message"}`,
 *   with the code in `x-amzn-ErrorType` too;
 * - restJson (Lambda, EKS, …): the same body; the code is read from `x-amzn-ErrorType`;
 * - rpcv2Cbor (`smithy-protocol: rpc-v2-cbor`, CloudWatch today): the same map, CBOR-encoded;
 * - awsQuery (SNS, IAM: a form with Action=): `<ErrorResponse><Error><Type>Sender</Type><Code>…`;
 * - restXml: S3 answers `<Error><Code>…</Code><Message>…</Message>…</Error>`; Route 53 and
 *   CloudFront the query envelope.
 * The code is `NotImplemented` (S3's own for functionality it does not have) and the status 501,
 * which no SDK retries.
 *
 * Which service a request is for comes from its SigV4 credential scope (`…/us-east-1/s3/aws4_request`),
 * or, unsigned, from X-Amz-Target or the rpcv2Cbor path. Unsigned and EC2/STS-signed requests stay EC2's.
 */

export type ServiceProtocol = 'json' | 'rest-json' | 'cbor' | 'query' | 's3' | 'rest-xml';

export interface NotServedRequest {
  /** The service as the CLI names it (`s3`, `dynamodb`, `cloudwatch`): its signing name, or unsigned the target's prefix. */
  readonly service: string;
  /** The operation, where the request names it (X-Amz-Target, Action=, the rpcv2Cbor path). */
  readonly operation: string | undefined;
  readonly protocol: ServiceProtocol;
}

export interface NotServedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

export const NOT_SERVED_CODE = 'NotImplemented';
const NOT_SERVED_STATUS = 501;

/** The services this endpoint serves, by signing name. */
const SERVED = new Set(['ec2', 'sts']);
/** REST-XML services other than S3 (which signs as `s3`, as S3 Control does). */
const REST_XML = new Set(['route53', 'cloudfront']);
/** Signing names that differ from the name users type (`aws cloudwatch` signs as `monitoring`). */
const CLI_NAMES: Readonly<Record<string, string>> = { monitoring: 'cloudwatch', email: 'ses', states: 'stepfunctions' };
const CBOR_PATH = /^\/service\/([^/?]+)\/operation\/([^/?]+)/;
const FORM = /^application\/x-www-form-urlencoded\b/i;

interface RequestFacts {
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * The other service `request` is for, or undefined when it is EC2's or STS's (signed for them, or
 * unsigned without another protocol's marks). `signingService` is the credential scope's service.
 */
export function notServedRequest(
  request: RequestFacts,
  signingService: string | undefined,
  action: string | null | undefined,
): NotServedRequest | undefined {
  if (signingService !== undefined && SERVED.has(signingService)) return undefined;
  const target = first(request.headers['x-amz-target']);
  const contentType = first(request.headers['content-type']) ?? '';
  const cbor = first(request.headers['smithy-protocol']) === 'rpc-v2-cbor' ? CBOR_PATH.exec(request.url) : null;
  if (signingService === undefined) {
    // Unsigned: only a request that is plainly another protocol leaves EC2.
    if (target !== undefined && target.includes('.')) {
      // `DynamoDB_20120810.ListTables` → dynamodb, `AmazonSQS.ListQueues` → sqs.
      const prefix = target.slice(0, target.lastIndexOf('.'));
      const service = prefix.replace(/_\d{8}$/, '').replace(/^(Amazon|AWS)(?=[A-Z])/, '').toLowerCase();
      return { service, operation: target.slice(target.lastIndexOf('.') + 1), protocol: 'json' };
    }
    if (cbor) return { service: cbor[1]!, operation: cbor[2], protocol: 'cbor' };
    return undefined;
  }
  const service = CLI_NAMES[signingService] ?? signingService;
  if (target !== undefined || /^application\/x-amz-json-1\.[01]\b/i.test(contentType)) {
    return { service, operation: target?.slice(target.lastIndexOf('.') + 1), protocol: 'json' };
  }
  if (cbor) return { service, operation: cbor[2], protocol: 'cbor' };
  if ((action !== null && action !== undefined && action !== '') || FORM.test(contentType)) {
    return { service, operation: action || undefined, protocol: 'query' };
  }
  if (service === 's3' || service === 's3-object-lambda') return { service, operation: undefined, protocol: 's3' };
  if (REST_XML.has(service)) return { service, operation: undefined, protocol: 'rest-xml' };
  return { service, operation: undefined, protocol: 'rest-json' };
}

/** The message every protocol's answer carries. */
export function notServedMessage(service: string): string {
  return `${service} is not served here: this endpoint emulates only EC2 and STS (ec2-sg-emulator)`;
}

/** The answer to a request for another service, in that service's protocol. */
export function notServedAnswer(request: NotServedRequest, requestId: string, requestContentType?: string): NotServedAnswer {
  const message = notServedMessage(request.service);
  const idHeaders = { 'x-amzn-RequestId': requestId };
  switch (request.protocol) {
    case 'json':
    case 'rest-json': {
      const contentType =
        request.protocol === 'json' && requestContentType && /^application\/x-amz-json-1\.[01]/i.test(requestContentType)
          ? requestContentType
          : 'application/json';
      return {
        status: NOT_SERVED_STATUS,
        headers: { ...idHeaders, 'x-amzn-ErrorType': NOT_SERVED_CODE, 'content-type': contentType },
        body: JSON.stringify({ __type: NOT_SERVED_CODE, message }),
      };
    }
    case 'cbor':
      return {
        status: NOT_SERVED_STATUS,
        headers: { ...idHeaders, 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
        body: cborTextMap([
          ['__type', NOT_SERVED_CODE],
          ['message', message],
        ]),
      };
    case 's3':
      return {
        status: NOT_SERVED_STATUS,
        headers: { ...idHeaders, 'x-amz-request-id': requestId, 'content-type': 'application/xml' },
        body:
          '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<Error><Code>${NOT_SERVED_CODE}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
      };
    case 'query':
    case 'rest-xml':
      return {
        status: NOT_SERVED_STATUS,
        headers: { ...idHeaders, 'content-type': 'text/xml' },
        body:
          '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<ErrorResponse><Error><Type>Sender</Type><Code>${NOT_SERVED_CODE}</Code><Message>${escapeXml(message)}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A CBOR map of text keys to text values (RFC 8949: major types 5 and 3), all rpcv2Cbor errors need. */
function cborTextMap(entries: readonly (readonly [string, string])[]): Buffer {
  const parts: Buffer[] = [cborHead(5, entries.length)];
  for (const [key, value] of entries) {
    for (const text of [key, value]) {
      const bytes = Buffer.from(text, 'utf8');
      parts.push(cborHead(3, bytes.length), bytes);
    }
  }
  return Buffer.concat(parts);
}

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  const head = Buffer.alloc(3);
  head[0] = (major << 5) | 25;
  head.writeUInt16BE(length, 1);
  return head;
}
