/**
 * The wire, through app.inject with raw bodies: what SDKs never send but a server meets anyway.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp, errorOf, parseXml, post } from '../helpers/inject.js';

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const sigV4 = (accessKey: string, region: string) =>
  `AWS4-HMAC-SHA256 Credential=${accessKey}/20260101/${region}/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123456789`;

async function inject(app: ReturnType<typeof buildTestApp>['app'], options: { method?: string; url?: string; body?: string | Buffer; headers?: Record<string, string> }) {
  const response = await app.inject({
    method: (options.method ?? 'POST') as 'POST',
    url: options.url ?? '/',
    headers: options.body === undefined ? options.headers : { 'content-type': FORM, ...options.headers },
    ...(options.body !== undefined ? { payload: options.body } : {}),
  });
  return { status: response.statusCode, headers: response.headers, body: response.body, xml: parseXml(response.body) };
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly xml: Record<string, any>;
}

/** Every EC2 error: the envelope, no namespace, the request id header equal to <RequestID>. */
function expectEc2Error(res: Answer, status: number, code: string, message?: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('text/xml;charset=UTF-8');
  expect(Object.keys(res.xml.Response)).toEqual(['Errors', 'RequestID']);
  expect(res.xml.Response['@_xmlns']).toBeUndefined();
  expect(errorOf(res.xml).code).toBe(code);
  if (message !== undefined) expect(errorOf(res.xml).message).toBe(message);
  expect(res.xml.Response.RequestID).toBe(res.headers['x-amzn-requestid']);
}

describe('the action', () => {
  it('answers a request without Action with MissingAction', async () => {
    const { app } = buildTestApp();
    expectEc2Error(await inject(app, { body: 'Version=2016-11-15' }), 400, 'MissingAction', 'The request must contain the parameter Action');
    expectEc2Error(await inject(app, { body: 'Action=&Version=2016-11-15' }), 400, 'MissingAction');
    expectEc2Error(await inject(app, { method: 'GET' }), 400, 'MissingAction');
  });

  it('answers an unknown action with InvalidAction (I-1)', async () => {
    const { app } = buildTestApp();
    expectEc2Error(
      await inject(app, { body: 'Action=DescribeLoadBalancers&Version=2016-11-15' }),
      400,
      'InvalidAction',
      'The action DescribeLoadBalancers is not valid for this web service.',
    );
    // Action names are case-sensitive.
    expectEc2Error(await inject(app, { body: 'Action=describesecuritygroups' }), 400, 'InvalidAction');
  });

  it('escapes markup in an unknown action it echoes', async () => {
    const { app } = buildTestApp();
    const res = await inject(app, { body: `Action=${encodeURIComponent('<x>&"')}` });
    expectEc2Error(res, 400, 'InvalidAction', 'The action <x>&" is not valid for this web service.');
    expect(res.body).toContain('&lt;x&gt;&amp;&quot;');
  });

  it('serves GET /?Action=DescribeSecurityGroups&Version=2016-11-15', async () => {
    const { app } = buildTestApp();
    const res = await inject(app, { method: 'GET', url: '/?Action=DescribeSecurityGroups&Version=2016-11-15' });
    expect(res.status).toBe(200);
    expect(res.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item[0].groupName).toBe('default');
  });

  it('serves a POST with the action in the query string and the rest in the body', async () => {
    const { app } = buildTestApp();
    const res = await inject(app, { url: '/?Action=CreateSecurityGroup', body: 'GroupName=web&GroupDescription=web' });
    expect(res.status).toBe(200);
    expect(res.xml.CreateSecurityGroupResponse.groupId).toMatch(/^sg-[0-9a-f]{17}$/);
  });

  it('serves any path, as EC2 endpoints ignore it', async () => {
    const { app } = buildTestApp();
    const res = await inject(app, { url: '/some/path', body: 'Action=DescribeVpcs' });
    expect(res.status).toBe(200);
    expect(res.xml.DescribeVpcsResponse.vpcSet.item).toHaveLength(1);
  });

  it('rejects an unknown parameter on the wire (D-8)', async () => {
    const { app } = buildTestApp();
    expectEc2Error(
      await inject(app, { body: 'Action=CreateSecurityGroup&GroupName=x&Description=y' }),
      400,
      'UnknownParameter',
      'The parameter Description is not recognized',
    );
  });
});

describe('list indexes on the wire (ordering keys, not positions)', () => {
  async function createdGroup(app: ReturnType<typeof buildTestApp>['app']): Promise<string> {
    const res = await inject(app, { body: 'Action=CreateSecurityGroup&Version=2016-11-15&GroupName=indexes&GroupDescription=indexes' });
    expect(res.status).toBe(200);
    return res.xml.CreateSecurityGroupResponse.groupId;
  }
  const tagsOf = async (app: ReturnType<typeof buildTestApp>['app'], resourceId: string) => {
    const res = await inject(app, { body: `Action=DescribeTags&Version=2016-11-15&Filter.0.Name=resource-id&Filter.0.Value.0=${resourceId}` });
    expect(res.status).toBe(200);
    return (res.xml.DescribeTagsResponse.tagSet?.item ?? []).map((t: { resourceId: string; key: string; value: string }) => `${t.resourceId} ${t.key}=${t.value}`).sort();
  };
  const egressOf = async (app: ReturnType<typeof buildTestApp>['app'], groupId: string) => {
    const res = await inject(app, { body: `Action=DescribeSecurityGroupRules&Version=2016-11-15&Filter.1.Name=group-id&Filter.1.Value.1=${groupId}` });
    expect(res.status).toBe(200);
    return (res.xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet?.item ?? [])
      .filter((r: { isEgress: string }) => r.isEgress === 'true')
      .map((r: { ipProtocol: string; fromPort: string; toPort: string; cidrIpv4?: string; cidrIpv6?: string }) => `${r.ipProtocol} ${r.fromPort}-${r.toPort} ${r.cidrIpv4 ?? r.cidrIpv6}`)
      .sort();
  };

  it('tags with CreateTags sent 0-based and gapped (ResourceId.0, ResourceId.2, Tag.0, Tag.5)', async () => {
    const { app } = buildTestApp();
    const first = await createdGroup(app);
    const second = (await inject(app, { body: 'Action=CreateSecurityGroup&Version=2016-11-15&GroupName=second&GroupDescription=s' })).xml
      .CreateSecurityGroupResponse.groupId as string;
    const res = await inject(app, {
      body: `Action=CreateTags&Version=2016-11-15&ResourceId.2=${second}&ResourceId.0=${first}&Tag.5.Key=env&Tag.5.Value=prod&Tag.0.Key=Name&Tag.0.Value=web`,
    });
    expect(res.status).toBe(200);
    expect(res.xml.CreateTagsResponse.return).toBe('true');
    expect(await tagsOf(app, first)).toEqual([`${first} Name=web`, `${first} env=prod`]);
    expect(await tagsOf(app, second)).toEqual([`${second} Name=web`, `${second} env=prod`]);
  });

  it('authorizes egress sent as IpPermissions.0.IpRanges.0.CidrIp, with a gapped second permission and range', async () => {
    const { app } = buildTestApp();
    const groupId = await createdGroup(app);
    const res = await inject(app, {
      body: [
        'Action=AuthorizeSecurityGroupEgress',
        'Version=2016-11-15',
        `GroupId=${groupId}`,
        'IpPermissions.0.IpProtocol=tcp',
        'IpPermissions.0.FromPort=443',
        'IpPermissions.0.ToPort=443',
        'IpPermissions.0.IpRanges.0.CidrIp=10.0.0.0%2F16',
        'IpPermissions.0.IpRanges.3.CidrIp=10.3.0.0%2F16',
        'IpPermissions.7.IpProtocol=udp',
        'IpPermissions.7.FromPort=53',
        'IpPermissions.7.ToPort=53',
        'IpPermissions.7.IpRanges.0.CidrIp=10.7.0.0%2F16',
      ].join('&'),
    });
    expect(res.status).toBe(200);
    expect(res.xml.AuthorizeSecurityGroupEgressResponse.return).toBe('true');
    expect(res.xml.AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item).toHaveLength(3);
    expect(await egressOf(app, groupId)).toEqual(['-1 -1--1 0.0.0.0/0', 'tcp 443-443 10.0.0.0/16', 'tcp 443-443 10.3.0.0/16', 'udp 53-53 10.7.0.0/16']);
  });

  it.each([
    ['a leading zero', 'IpPermissions.01.IpProtocol'],
    ['an index beyond 2147483647', 'IpPermissions.4294967297.IpProtocol'],
    ['a negative index', 'IpPermissions.-1.IpProtocol'],
  ])('refuses %s with UnknownParameter and authorizes nothing', async (_what, key) => {
    const { app } = buildTestApp();
    const groupId = await createdGroup(app);
    const res = await inject(app, {
      body: `Action=AuthorizeSecurityGroupEgress&Version=2016-11-15&GroupId=${groupId}&IpPermissions.0.IpProtocol=tcp&IpPermissions.0.FromPort=22&IpPermissions.0.ToPort=22&IpPermissions.0.IpRanges.0.CidrIp=10.0.0.0%2F8&${key}=udp`,
    });
    expectEc2Error(res, 400, 'UnknownParameter', `The parameter ${key} is not recognized`);
    expect(await egressOf(app, groupId)).toEqual(['-1 -1--1 0.0.0.0/0']);
  });
});

describe('bodies that are not forms', () => {
  it.each([
    ['text/plain', 'Action=DescribeSecurityGroups'],
    ['application/json', '{"Action":"DescribeSecurityGroups"}'],
    ['application/xml', '<Action>DescribeSecurityGroups</Action>'],
  ])('answers a %s body with an EC2 error, not a 500', async (type, body) => {
    const { app } = buildTestApp();
    const res = await inject(app, { body, headers: { 'content-type': type } });
    expectEc2Error(res, 400, 'InvalidHttpRequest', 'The HTTP request is invalid. Reason: Unable to parse request');
  });

  it('answers a body over 1 MiB with an EC2-shaped 413', async () => {
    const { app } = buildTestApp();
    const body = `Action=DescribeSecurityGroups&GroupName.1=${'a'.repeat(1024 * 1024 + 10)}`;
    expectEc2Error(
      await inject(app, { body }),
      413,
      'RequestEntityTooLarge',
      'The HTTP request is invalid. Reason: the body is larger than 1048576 bytes',
    );
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('answers %s with an EC2-shaped error', async (method) => {
    const { app } = buildTestApp();
    const res = await inject(app, { method, body: 'Action=DescribeSecurityGroups' });
    expectEc2Error(res, 405, 'InvalidHttpRequest', `The HTTP request is invalid. Reason: unsupported method ${method}`);
  });

  it.each([
    ['a broken percent escape', 'Action=DescribeSecurityGroups&GroupName.1=%zz%'],
    ['a lone percent', 'Action=Describe%SecurityGroups'],
    ['invalid UTF-8', 'Action=CreateSecurityGroup&GroupName=%ff%fe&GroupDescription=%c3%28'],
    ['a NUL byte', 'Action=CreateSecurityGroup&GroupName=a%00b&GroupDescription=x'],
    ['keys without values', 'Action=DescribeSecurityGroups&&&=&GroupId'],
  ])('never answers 500 for %s', async (_label, body) => {
    const { app } = buildTestApp();
    const res = await inject(app, { body });
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toBe('text/xml;charset=UTF-8');
  });

  it('never answers 500 for raw invalid UTF-8 bytes in the body', async () => {
    const { app } = buildTestApp();
    const body = Buffer.concat([Buffer.from('Action=CreateSecurityGroup&GroupDescription=x&GroupName='), Buffer.from([0xff, 0xfe, 0xc3])]);
    const res = await inject(app, { body });
    expect(res.status).toBe(400);
    expect(errorOf(res.xml).code).toBe('InvalidParameterValue');
  });

  it('decodes percent-encoding and + in values', async () => {
    const { app } = buildTestApp();
    const res = await inject(app, { body: 'Action=CreateSecurityGroup&GroupName=my+web%20tier&GroupDescription=a%2Fb' });
    expect(res.status).toBe(200);
    const groups = await post(app, { Action: 'DescribeSecurityGroups', 'GroupId.1': res.xml.CreateSecurityGroupResponse.groupId });
    expect(groups.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item[0]).toMatchObject({ groupName: 'my web tier', groupDescription: 'a/b' });
  });
});

describe('envelope and headers', () => {
  it('sends x-amzn-RequestId equal to <requestId>, the XML content type and the 2016-11-15 namespace', async () => {
    const { app } = buildTestApp();
    const res = await post(app, { Action: 'DescribeSecurityGroups' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml;charset=UTF-8');
    const root = res.xml.DescribeSecurityGroupsResponse;
    expect(root['@_xmlns']).toBe(NAMESPACE);
    expect(root.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.headers['x-amzn-requestid']).toBe(root.requestId);
    expect(res.headers.server).toBe('AmazonEC2');
    expect(res.body.indexOf('<requestId>')).toBeLessThan(res.body.indexOf('<securityGroupInfo'));
  });

  it('gives every request its own id', async () => {
    const { app } = buildTestApp();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await post(app, { Action: 'DescribeVpcs' })).headers['x-amzn-requestid'] as string);
    expect(ids.size).toBe(5);
  });

  it('writes errors as <Response><Errors><Error> with <RequestID> equal to the header', async () => {
    const { app } = buildTestApp();
    const res = await post(app, { Action: 'DeleteSecurityGroup', GroupId: 'sg-00000000' });
    expectEc2Error(res, 400, 'InvalidGroup.NotFound', "The security group 'sg-00000000' does not exist");
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>/);
    expect(res.body).not.toContain('xmlns');
  });

  it('answers in the namespace of the request Version; a missing or non-date Version keeps 2016-11-15', async () => {
    const { app } = buildTestApp();
    const namespaceOf = (body: string) => /^<\?xml[^>]*>\n<\w+Response xmlns="([^"]*)">/.exec(body)?.[1];
    const old = await inject(app, { body: 'Action=DescribeSecurityGroups&Version=2014-06-15' });
    expect(old.status).toBe(200);
    expect(namespaceOf(old.body)).toBe('http://ec2.amazonaws.com/doc/2014-06-15/');
    expect(old.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item.map((g: { groupName: string }) => g.groupName)).toEqual(['default']);
    const get = await inject(app, { method: 'GET', url: '/?Action=DescribeVpcs&Version=2015-10-01' });
    expect(namespaceOf(get.body)).toBe('http://ec2.amazonaws.com/doc/2015-10-01/');
    expect(namespaceOf((await inject(app, { body: 'Action=DescribeVpcs' })).body)).toBe(NAMESPACE);
    expect(namespaceOf((await inject(app, { body: 'Action=DescribeVpcs&Version=' })).body)).toBe(NAMESPACE);
    expect(namespaceOf((await inject(app, { body: 'Action=DescribeVpcs&Version=2014-06-15%22%3E%3Cx' })).body)).toBe(NAMESPACE);
    expect(namespaceOf((await inject(app, { body: 'Action=DescribeVpcs&Version=latest' })).body)).toBe(NAMESPACE);
    // A parameter sent twice keeps its first value, Version too.
    expect(namespaceOf((await inject(app, { body: 'Action=DescribeVpcs&Version=2014-06-15&Version=2016-11-15' })).body)).toBe(
      'http://ec2.amazonaws.com/doc/2014-06-15/',
    );
  });

  it('keeps errors without a namespace and STS in its own, whatever the Version', async () => {
    const { app } = buildTestApp();
    const error = await inject(app, { body: 'Action=DeleteSecurityGroup&Version=2014-06-15&GroupId=sg-00000000' });
    expectEc2Error(error, 400, 'InvalidGroup.NotFound', "The security group 'sg-00000000' does not exist");
    expect(error.body).not.toContain('xmlns');
    const sts = await inject(app, { body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect(sts.status).toBe(200);
    expect(sts.xml.GetCallerIdentityResponse['@_xmlns']).toBe('https://sts.amazonaws.com/doc/2011-06-15/');
  });
});

describe('region and account', () => {
  it('takes the region from a SigV4 Authorization header and keeps regions apart', async () => {
    const { app } = buildTestApp();
    const created = await post(app, { Action: 'CreateSecurityGroup', GroupName: 'eu', GroupDescription: 'eu' }, { authorization: sigV4('AKIDTEST', 'eu-west-1') });
    expect(created.status).toBe(200);
    const groupId = created.xml.CreateSecurityGroupResponse.groupId;
    expect(created.xml.CreateSecurityGroupResponse.securityGroupArn).toBe(`arn:aws:ec2:eu-west-1:000000000000:security-group/${groupId}`);

    const inEu = await post(app, { Action: 'DescribeSecurityGroups', 'GroupId.1': groupId }, { authorization: sigV4('AKIDTEST', 'eu-west-1') });
    expect(inEu.status).toBe(200);
    const inUs = await post(app, { Action: 'DescribeSecurityGroups', 'GroupId.1': groupId }, { authorization: sigV4('AKIDTEST', 'us-east-1') });
    expectEc2Error(inUs, 400, 'InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
    // Unsigned requests use the default region, us-east-1.
    const unsigned = await post(app, { Action: 'DescribeSecurityGroups' });
    expect(unsigned.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item.map((g: { groupName: string }) => g.groupName)).toEqual(['default']);
    // Each region has its own default VPC.
    const euVpc = (await post(app, { Action: 'DescribeVpcs' }, { authorization: sigV4('AKIDTEST', 'eu-west-1') })).xml.DescribeVpcsResponse.vpcSet.item[0].vpcId;
    const usVpc = unsigned.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item[0].vpcId;
    expect(euVpc).not.toBe(usVpc);
  });

  it('takes the region from a presigned X-Amz-Credential parameter', async () => {
    const { app } = buildTestApp();
    const res = await inject(app, {
      method: 'GET',
      url: `/?Action=CreateSecurityGroup&GroupName=p&GroupDescription=p&X-Amz-Credential=${encodeURIComponent('AKIDTEST/20260101/ap-south-1/ec2/aws4_request')}`,
    });
    expect(res.status).toBe(200);
    expect(res.xml.CreateSecurityGroupResponse.securityGroupArn).toMatch(/^arn:aws:ec2:ap-south-1:000000000000:security-group\//);
  });

  it('makes a 12-digit access key id the account (ownerId)', async () => {
    const { app } = buildTestApp();
    const res = await post(app, { Action: 'DescribeSecurityGroups' }, { authorization: sigV4('123456789012', 'us-east-1') });
    const group = res.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item[0];
    expect(group.ownerId).toBe('123456789012');
    expect(group.securityGroupArn).toMatch(/^arn:aws:ec2:us-east-1:123456789012:security-group\/sg-/);
    // The default account keeps its own, separate default group.
    const other = await post(app, { Action: 'DescribeSecurityGroups' }, { authorization: sigV4('AKIDTEST', 'us-east-1') });
    const otherGroup = other.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item[0];
    expect(otherGroup.ownerId).toBe('000000000000');
    expect(otherGroup.groupId).not.toBe(group.groupId);
  });

  it('serves SigV2 requests (AWSAccessKeyId, SignatureVersion=2) in the default region', async () => {
    const { app } = buildTestApp();
    const res = await post(app, {
      Action: 'DescribeSecurityGroups',
      AWSAccessKeyId: '210987654321',
      SignatureVersion: '2',
      SignatureMethod: 'HmacSHA256',
      Timestamp: '2026-01-01T00:00:00Z',
      Signature: 'c2lnbmF0dXJl',
    });
    expect(res.status).toBe(200);
    const group = res.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item[0];
    expect(group.ownerId).toBe('210987654321');
    expect(group.securityGroupArn).toMatch(/^arn:aws:ec2:us-east-1:210987654321:/);
  });
});

describe('DryRun', () => {
  async function freshGroup(app: ReturnType<typeof buildTestApp>['app']): Promise<string> {
    const res = await post(app, { Action: 'CreateSecurityGroup', GroupName: 'dry', GroupDescription: 'dry' });
    return res.xml.CreateSecurityGroupResponse.groupId;
  }
  const rulesOf = async (app: ReturnType<typeof buildTestApp>['app'], groupId: string) =>
    (await post(app, { Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groupId })).xml
      .DescribeSecurityGroupRulesResponse.securityGroupRuleSet.item ?? [];

  it('answers a valid authorize with 412 DryRunOperation and writes nothing (B-33)', async () => {
    const { app } = buildTestApp();
    const groupId = await freshGroup(app);
    const res = await post(app, {
      Action: 'AuthorizeSecurityGroupEgress',
      DryRun: 'true',
      GroupId: groupId,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '443',
      'IpPermissions.1.ToPort': '443',
      'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/16',
    });
    expectEc2Error(res, 412, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
    expect(await rulesOf(app, groupId)).toHaveLength(1);
  });

  it('creates nothing on a dry-run CreateSecurityGroup', async () => {
    const { app } = buildTestApp();
    const res = await post(app, { Action: 'CreateSecurityGroup', DryRun: 'true', GroupName: 'ghost', GroupDescription: 'g' });
    expect(res.status).toBe(412);
    const all = await post(app, { Action: 'DescribeSecurityGroups' });
    expect(all.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item).toHaveLength(1);
  });

  it('runs DryRun=false as a normal request', async () => {
    const { app } = buildTestApp();
    const res = await post(app, { Action: 'CreateSecurityGroup', DryRun: 'false', GroupName: 'real', GroupDescription: 'r' });
    expect(res.status).toBe(200);
  });

  it('answers an empty GroupId with the malformed-id error before DryRun (B-34)', async () => {
    const { app } = buildTestApp();
    const res = await post(app, {
      Action: 'AuthorizeSecurityGroupEgress',
      DryRun: 'true',
      GroupId: '',
      'IpPermissions.1.IpProtocol': '-1',
      'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8',
    });
    expectEc2Error(res, 400, 'InvalidGroupId.Malformed', "The security-group ID '' is malformed");
  });

  it('answers a duplicate rule with its own error even on a dry run', async () => {
    const { app } = buildTestApp();
    const groupId = await freshGroup(app);
    const res = await post(app, {
      Action: 'AuthorizeSecurityGroupEgress',
      DryRun: 'true',
      GroupId: groupId,
      'IpPermissions.1.IpProtocol': '-1',
      'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0',
    });
    expectEc2Error(res, 400, 'InvalidPermission.Duplicate');
  });

  it('rejects a DryRun value that is not a boolean', async () => {
    const { app } = buildTestApp();
    const res = await post(app, { Action: 'DescribeVpcs', DryRun: 'maybe' });
    expectEc2Error(res, 400, 'InvalidParameterValue', "Invalid value 'maybe' for dryRun. Expected a boolean.");
  });
});

describe('Fastify underneath', () => {
  // buildApp() defers Ajv and fast-json-stringify until a schema appears (start-up time); a route
  // that declares one must still be validated and serialised as Fastify documents.
  it('still validates and serialises a route that declares a JSON schema', async () => {
    const { app } = buildTestApp();
    app.get(
      '/_schema-probe',
      {
        schema: {
          querystring: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
          response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } },
        },
      },
      async (request) => ({ n: (request.query as { n: number }).n, notInSchema: true }),
    );
    const ok = await app.inject({ method: 'GET', url: '/_schema-probe?n=5' });
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ n: 5 });
    const refused = await app.inject({ method: 'GET', url: '/_schema-probe?n=five' });
    expect(refused.statusCode).toBe(400);
  });
});
