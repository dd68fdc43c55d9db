/** Raw-wire helpers for app.inject(): send a form body exactly as written, read the XML back. */
import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, expect } from 'vitest';
import { buildApp, type AppOptions } from '../../server/app.js';
import { DEFAULT_LIMITS, type Limits } from '../../server/limits.js';
import { openDatabase } from '../../store/db.js';
import { createStore, type Store } from '../../store/store.js';

export function buildTestApp(limits: Partial<Limits> = {}): { app: FastifyInstance; store: Store } {
  const store = createStore(openDatabase(':memory:'));
  const app = buildApp({
    store,
    limits: { ...DEFAULT_LIMITS, ...limits },
    defaultRegion: 'us-east-1',
    defaultAccountId: '000000000000',
  });
  return { app, store };
}

/**
 * For a test file that builds apps with varying options: returns `appWith(options)`, which builds
 * one on a fresh in-memory store, and closes every app so built after each test.
 */
export function appsClosedAfterEach(): (options?: Partial<AppOptions>) => FastifyInstance {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  return (options = {}) => {
    const app = buildApp({
      store: createStore(openDatabase(':memory:')),
      limits: DEFAULT_LIMITS,
      defaultRegion: 'us-east-1',
      defaultAccountId: '000000000000',
      ...options,
    });
    apps.push(app);
    return app;
  };
}

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'item' });
export const parseXml = (xml: string): Record<string, any> => parser.parse(xml) as Record<string, any>;

/** POSTs `Action=…&Version=2016-11-15&…` built from `fields` (or a raw body string). */
export async function post(app: FastifyInstance, fields: Record<string, string> | string, headers: Record<string, string> = {}) {
  const body =
    typeof fields === 'string' ? fields : new URLSearchParams({ Version: '2016-11-15', ...fields }).toString();
  const response = await app.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    payload: body,
  });
  return { status: response.statusCode, headers: response.headers, body: response.body, xml: parseXml(response.body) };
}

/** The `Code` and `Message` of an EC2 error document. */
export function errorOf(xml: Record<string, any>): { code: string; message: string } {
  const error = xml.Response?.Errors?.Error;
  return { code: error?.Code, message: error?.Message };
}

/** POSTs `fields` and expects an EC2 error: HTTP `status`, `code` and exactly `message`. */
export async function expectPostError(
  app: FastifyInstance,
  fields: Record<string, string>,
  code: string,
  message: string,
  status = 400,
): Promise<void> {
  const answer = await post(app, fields);
  expect({ status: answer.status, ...errorOf(answer.xml) }).toEqual({ status, code, message });
}

/**
 * Deletes the default VPC the AWS way: its default subnets first (DeleteVpc answers
 * DependencyViolation while a VPC has subnets), then the VPC. Expects every call to succeed
 * and returns the deleted VPC's id.
 */
export async function deleteDefaultVpc(app: FastifyInstance, headers: Record<string, string> = {}): Promise<string> {
  const vpcs = await post(app, { Action: 'DescribeVpcs', 'Filter.1.Name': 'is-default', 'Filter.1.Value.1': 'true' }, headers);
  expect(vpcs.status).toBe(200);
  const vpcId: string = vpcs.xml.DescribeVpcsResponse.vpcSet.item[0].vpcId;
  const subnets = await post(app, { Action: 'DescribeSubnets', 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': vpcId }, headers);
  expect(subnets.status).toBe(200);
  for (const subnet of subnets.xml.DescribeSubnetsResponse.subnetSet?.item ?? []) {
    const deleted = await post(app, { Action: 'DeleteSubnet', SubnetId: subnet.subnetId }, headers);
    expect(deleted.status).toBe(200);
  }
  const deleted = await post(app, { Action: 'DeleteVpc', VpcId: vpcId }, headers);
  expect(deleted.status).toBe(200);
  return vpcId;
}

export type Fields = Record<string, string>;
/** A parsed XML element: its children by tag name. */
export type Item = Record<string, any>;

/** An Authorization header whose SigV4 credential scope names `region` (signatures are not checked). */
export const sigV4Authorization = (region: string, accessKeyId = 'AKIDTEST'): string =>
  `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123456789`;

/** `Filter.N.Name` / `Filter.N.Value.M` fields, one filter per [name, ...values]. */
export function filterFields(...specs: [string, ...string[]][]): Fields {
  const fields: Fields = {};
  specs.forEach(([name, ...values], i) => {
    fields[`Filter.${i + 1}.Name`] = name;
    values.forEach((value, j) => {
      fields[`Filter.${i + 1}.Value.${j + 1}`] = value;
    });
  });
  return fields;
}

/** `<x><item>…</item></x>` as an array; an empty `<x/>` (parsed as '') or a missing one as []. */
export const items = (set: unknown): Item[] => ((set as { item?: Item[] } | undefined)?.item ?? []);

/**
 * Calls by action name on `app`, every request with `headers`: `call` answers the raw response,
 * `ok` expects 200 and answers the `<ActionResponse>` element, `fails` expects exactly one EC2 error.
 */
export function rawClient(app: FastifyInstance, headers: Record<string, string> = {}) {
  const call = (action: string, fields: Fields = {}, extraHeaders: Record<string, string> = {}) =>
    post(app, { Action: action, ...fields }, { ...headers, ...extraHeaders });
  async function ok(action: string, fields: Fields = {}): Promise<Item> {
    const res = await call(action, fields);
    expect(res.status, res.body).toBe(200);
    return res.xml[`${action}Response`];
  }
  async function fails(action: string, fields: Fields, code: string, message: string, status = 400): Promise<void> {
    const res = await call(action, fields);
    expect({ status: res.status, ...errorOf(res.xml) }).toEqual({ status, code, message });
  }
  return { call, ok, fails };
}
