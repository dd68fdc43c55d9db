/**
 * Requests for services other than EC2 and STS (a global AWS_ENDPOINT_URL sends them all here) are
 * answered in their own protocol with NotImplemented and a message naming the service; requests
 * that are EC2's (unsigned, or signed for ec2) and STS's are served exactly as before.
 */
import { cbor } from '@smithy/core/cbor';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, errorOf, parseXml, post, sigV4Authorization } from '../helpers/inject.js';

/** A SigV4 Authorization header whose credential scope names `service` (signatures are not checked). */
const signedFor = (service: string, region = 'us-east-1') =>
  `AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123456789`;

const notServed = (service: string) => `${service} is not served here: this endpoint emulates only EC2 and STS (ec2-sg-emulator)`;

let app: FastifyInstance;
beforeAll(() => {
  app = buildTestApp().app;
});
afterAll(async () => {
  await app.close();
});

describe('another service, in its own protocol', () => {
  it('answers an awsJson call (DynamoDB) with a JSON error and x-amzn-ErrorType', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/',
      headers: {
        authorization: signedFor('dynamodb'),
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      payload: '{}',
    });
    expect(response.statusCode).toBe(501);
    expect(response.headers['x-amzn-errortype']).toBe('NotImplemented');
    expect(response.headers['content-type']).toMatch(/^application\/x-amz-json-1\.0/);
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(response.body)).toEqual({ __type: 'NotImplemented', message: notServed('dynamodb') });
  });

  it('names the service from X-Amz-Target when the call is not signed', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(501);
    expect(JSON.parse(response.body)).toEqual({ __type: 'NotImplemented', message: notServed('sqs') });
  });

  it('answers S3 (REST-XML) with S3’s <Error> document, whatever the method', async () => {
    for (const [method, url] of [
      ['GET', '/'],
      ['GET', '/my-bucket?list-type=2'],
      ['PUT', '/my-bucket/key.txt'],
      ['DELETE', '/my-bucket/key.txt'],
    ] as const) {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: signedFor('s3'), 'content-type': 'application/octet-stream' },
        ...(method === 'PUT' ? { payload: 'file contents' } : {}),
      });
      expect(response.statusCode, `${method} ${url}`).toBe(501);
      expect(response.headers['x-amz-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.server).toBeUndefined();
      const xml = parseXml(response.body);
      expect(xml.Error).toEqual({ Code: 'NotImplemented', Message: notServed('s3'), RequestId: response.headers['x-amz-request-id'] });
    }
  });

  it('reads the service of a presigned URL from X-Amz-Credential', async () => {
    const credential = encodeURIComponent('AKIDTEST/20260101/us-east-1/s3/aws4_request');
    const response = await app.inject({ method: 'GET', url: `/bucket/object?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${credential}` });
    expect(response.statusCode).toBe(501);
    expect(parseXml(response.body).Error?.Message).toBe(notServed('s3'));
  });

  it('answers a Query-protocol service (SNS) with <ErrorResponse> and Type Sender', async () => {
    const answer = await post(app, 'Action=ListTopics&Version=2010-03-31', { authorization: signedFor('sns') });
    expect(answer.status).toBe(501);
    expect(answer.xml.ErrorResponse).toEqual({
      Error: { Type: 'Sender', Code: 'NotImplemented', Message: notServed('sns') },
      RequestId: answer.headers['x-amzn-requestid'],
    });
  });

  it('answers a restJson service (Lambda) with JSON and the code in x-amzn-ErrorType', async () => {
    const response = await app.inject({ method: 'GET', url: '/2015-03-31/functions/', headers: { authorization: signedFor('lambda') } });
    expect(response.statusCode).toBe(501);
    expect(response.headers['x-amzn-errortype']).toBe('NotImplemented');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual({ __type: 'NotImplemented', message: notServed('lambda') });
  });

  it('answers an rpcv2Cbor service (CloudWatch) with a CBOR error', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/service/GraniteServiceVersion20100801/operation/ListMetrics',
      headers: { authorization: signedFor('monitoring'), 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', accept: 'application/cbor' },
      payload: Buffer.from([0xa0]), // an empty CBOR map
    });
    expect(response.statusCode).toBe(501);
    expect(response.headers['smithy-protocol']).toBe('rpc-v2-cbor');
    expect(response.headers['content-type']).toMatch(/^application\/cbor/);
    expect(cbor.deserialize(new Uint8Array(response.rawPayload))).toEqual({ __type: 'NotImplemented', message: notServed('cloudwatch') });
  });

  it('answers the other REST-XML services (Route 53) with <ErrorResponse>', async () => {
    const response = await app.inject({ method: 'GET', url: '/2013-04-01/hostedzone', headers: { authorization: signedFor('route53') } });
    expect(response.statusCode).toBe(501);
    expect(parseXml(response.body).ErrorResponse?.Error).toEqual({ Type: 'Sender', Code: 'NotImplemented', Message: notServed('route53') });
  });
});

describe('EC2 and STS are served as before', () => {
  it('serves EC2 signed for ec2, unsigned, and unsigned with another API version', async () => {
    for (const [headers, version] of [
      [{ authorization: sigV4Authorization('eu-west-1') }, '2016-11-15'],
      [{}, '2016-11-15'],
      [{}, '2015-10-01'],
    ] as const) {
      const answer = await post(app, `Action=DescribeSecurityGroups&Version=${version}`, headers);
      expect(answer.status).toBe(200);
      expect(answer.xml.DescribeSecurityGroupsResponse).toBeDefined();
    }
  });

  it('serves STS signed for sts', async () => {
    const answer = await post(app, 'Action=GetCallerIdentity&Version=2011-06-15', { authorization: signedFor('sts') });
    expect(answer.status).toBe(200);
    expect(answer.xml.GetCallerIdentityResponse?.GetCallerIdentityResult?.Account).toBe('000000000000');
  });

  it('still answers an unsigned non-form body with EC2’s parse error', async () => {
    const response = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(response.statusCode).toBe(400);
    expect(errorOf(parseXml(response.body)).code).toBe('InvalidHttpRequest');
  });

  it('answers a real EC2 action we do not emulate exactly as AWS answers a typo', async () => {
    for (const action of ['DescribeInstances', 'DescribeInstnaces']) {
      const answer = await post(app, { Action: action });
      expect({ status: answer.status, ...errorOf(answer.xml) }).toEqual({
        status: 400,
        code: 'InvalidAction',
        message: `The action ${action} is not valid for this web service.`,
      });
    }
  });
});
