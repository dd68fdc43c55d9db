/**
 * Counterexamples the properties found, pinned as plain examples so they stay fixed whatever seed
 * a later run draws.
 */
import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../protocol/errors.js';
import { buildTestApp, errorOf, parseXml } from '../helpers/inject.js';
import { EC2_VERSION, FORM, expectWellFormedAnswer, send } from './support.js';

describe('characters XML 1.0 cannot carry', () => {
  it('writes an echoed action or key with U+FFFD in their place, so the error document stays valid XML', async () => {
    const { app } = buildTestApp();
    const badAction = await send(app, { method: 'POST', url: '/', headers: { 'content-type': FORM }, payload: `Action=Foo%01&Version=${EC2_VERSION}` });
    expectWellFormedAnswer(badAction, { action: 'Foo\u0001', version: EC2_VERSION });
    expect(badAction.body).toContain('<Message>The action Foo\uFFFD is not valid for this web service.</Message>');

    const badKey = await send(app, {
      method: 'POST',
      url: '/',
      headers: { 'content-type': FORM },
      payload: `Action=DescribeSecurityGroups&Version=${EC2_VERSION}&Bad%1F%EF%BF%BF=1`,
    });
    expectWellFormedAnswer(badKey, { action: 'DescribeSecurityGroups', version: EC2_VERSION });
    expect(badKey.body).toContain('<Message>The parameter Bad\uFFFD\uFFFD is not recognized</Message>');
  });

  it('refuses such a character in any string value before anything is stored', async () => {
    const { app, store } = buildTestApp();
    await send(app, { method: 'POST', url: '/', headers: { 'content-type': FORM }, payload: `Action=DescribeVpcs&Version=${EC2_VERSION}` });
    const before = JSON.stringify(store.exportState());
    const answer = await send(app, {
      method: 'POST',
      url: '/',
      headers: { 'content-type': FORM },
      payload: `Action=CreateSecurityGroup&Version=${EC2_VERSION}&GroupName=g&GroupDescription=d&TagSpecification.1.ResourceType=security-group&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=a%02b`,
    });
    const verdict = expectWellFormedAnswer(answer, { action: 'CreateSecurityGroup', version: EC2_VERSION });
    expect(verdict.code).toBe('InvalidParameterValue');
    expect(answer.body).toContain('Value for parameter TagSpecification.1.Tag.1.Value is invalid. The character U+0002 is not allowed.');
    expect(JSON.stringify(store.exportState())).toBe(before);
  });

  it('escapes a carriage return as a reference, since XML readers turn a literal one into a line feed', () => {
    expect(escapeXml('a\r\nb\rc')).toBe('a&#xD;\nb&#xD;c');
    expect(escapeXml('\t\n ok &<>"\'')).toBe('\t\n ok &amp;&lt;&gt;&quot;&apos;');
    expect(escapeXml('\u0000\u0008\u000b\u000c\u001f\ufffe\uffff\ud800x\udfff')).toBe('\ufffd'.repeat(8) + 'x\ufffd');
    expect(escapeXml('😀\ud7ff\ue000\ufffd')).toBe('😀\ud7ff\ue000\ufffd');
  });
});

describe('a URL Fastify cannot decode', () => {
  it('answers an EC2 error document, not Fastify JSON', async () => {
    const { app } = buildTestApp();
    for (const url of ['/%zz', '/%E0%A4?Action=DescribeSecurityGroups', '/a%']) {
      const answer = await send(app, { method: 'GET', url, headers: {} });
      expectWellFormedAnswer(answer, { action: undefined, version: undefined });
      expect(answer.status).toBe(400);
      expect(errorOf(parseXml(answer.body))).toEqual({
        code: 'InvalidHttpRequest',
        message: 'The HTTP request is invalid. Reason: Unable to parse request',
      });
    }
  });
});

describe('wildcard filter values', () => {
  async function groupNamesMatching(app: ReturnType<typeof buildTestApp>['app'], value: string): Promise<string[]> {
    const answer = await send(app, {
      method: 'POST',
      url: '/',
      headers: { 'content-type': FORM },
      payload: `Action=DescribeSecurityGroups&Version=${EC2_VERSION}&Filter.1.Name=group-name&Filter.1.Value.1=${encodeURIComponent(value)}`,
    });
    expectWellFormedAnswer(answer, { action: 'DescribeSecurityGroups', version: EC2_VERSION });
    expect(answer.status).toBe(200);
    const items = parseXml(answer.body).DescribeSecurityGroupsResponse.securityGroupInfo?.item ?? [];
    return items.map((group: { groupName: string }) => group.groupName).sort();
  }

  it('match a value like *a*a*…*b against a long name at once (a backtracking RegExp took minutes)', async () => {
    const { app } = buildTestApp();
    const longName = 'a'.repeat(200);
    await send(app, {
      method: 'POST',
      url: '/',
      headers: { 'content-type': FORM },
      payload: `Action=CreateSecurityGroup&Version=${EC2_VERSION}&GroupName=${longName}&GroupDescription=d`,
    });
    expect(await groupNamesMatching(app, `${'*a'.repeat(14)}*b`)).toEqual([]);
    expect(await groupNamesMatching(app, `${'*a'.repeat(14)}*`)).toEqual([longName]);
    expect(await groupNamesMatching(app, `?${'*a?'.repeat(14)}*`)).toEqual([longName]);
    expect(await groupNamesMatching(app, 'de*ul?')).toEqual(['default']);
  });

  it('answer a value with 200,000 wildcards (a RegExp too large to compile was a 500)', async () => {
    const { app } = buildTestApp();
    expect(await groupNamesMatching(app, '*a'.repeat(200_000))).toEqual([]);
    expect(await groupNamesMatching(app, '*'.repeat(300_000))).toEqual(['default']);
  });
});
