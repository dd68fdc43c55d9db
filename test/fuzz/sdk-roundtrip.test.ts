/**
 * Text goes in through the real SDK and comes back through it byte for byte: tag values (any
 * Unicode, markup characters, carriage returns) on groups and on rules, and group and rule
 * descriptions with `&` and the other punctuation their ASCII set allows (aws-reference D-6, B-25).
 *
 * Characters XML 1.0 cannot carry (most C0 controls, U+FFFE, U+FFFF) could never come back, so
 * they are refused at input with InvalidParameterValue and nothing is created.
 *
 * One thing does not survive, and it is the SDK's doing, not ours: its XML reader turns a value
 * that is only whitespace and contains a line feed into '' (as AWS's own answers would be read).
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  type Tag,
} from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, ec2ErrorOf, startTestServer } from '../helpers/server.js';
import { fuzzParameters } from './support.js';

let emulator: Emulator;
let ec2: EC2Client;
let vpcId: string;

beforeAll(async () => {
  // FUZZ_SCALE may create many groups; the quota is not what these properties are about.
  emulator = await startTestServer({ limits: { securityGroupsPerRegion: 10_000_000 } });
  ec2 = ec2Client(emulator.url);
  const groups = await ec2.send(new DescribeSecurityGroupsCommand({}));
  vpcId = groups.SecurityGroups![0]!.VpcId!;
});
afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

const XML_CHARACTER = /^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const survivesTheSdkReader = (text: string) => !(text.trim() === '' && text.includes('\n'));
const codePoints = (text: string) => [...text].length;

/** Any Unicode the XML can carry, weighted towards the characters that need escaping. */
const tagText = (maxLength: number) =>
  fc
    .oneof(
      fc.string({ unit: 'grapheme', maxLength }),
      fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", ';', '#', 'x', ' ', '\r', '\n', '\t', 'é', '😀', '\u2028', '\u0085', '\ufeff', '\ud7ff', '\ue000', '\ufffd'), maxLength }),
      fc.constantFrom('&amp;', '&lt;x&gt;', '<![CDATA[a]]>', ']]>', '&#xD;', ' leading and trailing ', 'a\r\nb', '\r'),
    )
    .filter((text) => XML_CHARACTER.test(text) && codePoints(text) <= maxLength && survivesTheSdkReader(text));

const tagKey = tagText(127).filter((key) => key !== '' && !key.toLowerCase().startsWith('aws:'));
const tags: fc.Arbitrary<Tag[]> = fc
  .uniqueArray(fc.tuple(tagKey, tagText(256)), { minLength: 1, maxLength: 5, selector: ([key]) => key })
  .map((pairs) => pairs.map(([Key, Value]) => ({ Key, Value })));
/** The description set of aws-reference D-6 / B-25: ASCII letters, digits, space and `._-:/()#,@[]+=&;{}!$*`. */
const describedText = fc.string({ unit: fc.constantFrom(...'aZ09 ._-:/()#,@[]+=&;{}!$*'), minLength: 1, maxLength: 255 });

let serial = 0;

describe('text through the SDK', () => {
  it('returns tag values and group descriptions byte for byte, from create and from describe', async () => {
    await fc.assert(
      fc.asyncProperty(tags, describedText, async (groupTags, description) => {
        const created = await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: `roundtrip-${serial++}`,
            Description: description,
            VpcId: vpcId,
            TagSpecifications: [{ ResourceType: 'security-group', Tags: groupTags }],
          }),
        );
        expect(created.Tags).toEqual(groupTags);
        const described = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }));
        expect(described.SecurityGroups![0]!.Description).toBe(description);
        expect(described.SecurityGroups![0]!.Tags).toEqual(groupTags);
      }),
      fuzzParameters(120),
    );
  });

  it('returns rule descriptions and rule tag values byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(tags, describedText, async (ruleTags, description) => {
        const group = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `roundtrip-${serial++}`, Description: 'rules', VpcId: vpcId }));
        const authorized = await ec2.send(
          new AuthorizeSecurityGroupEgressCommand({
            GroupId: group.GroupId!,
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: description }] }],
            TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: ruleTags }],
          }),
        );
        const rule = authorized.SecurityGroupRules![0]!;
        expect(rule.Description).toBe(description);
        expect(rule.Tags).toEqual(ruleTags);
        const described = await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [rule.SecurityGroupRuleId!] }));
        expect(described.SecurityGroupRules![0]!.Description).toBe(description);
        expect(described.SecurityGroupRules![0]!.Tags).toEqual(ruleTags);
        const groups = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group.GroupId!] }));
        const permission = groups.SecurityGroups![0]!.IpPermissionsEgress!.find((p) => p.FromPort === 443);
        expect(permission?.IpRanges?.[0]?.Description).toBe(description);
      }),
      fuzzParameters(60),
    );
  });

  it.each([
    ['U+0001', '\u0001'],
    ['U+001F', 'a\u001fb'],
    ['U+0000', '\u0000'],
    ['U+FFFE', '\ufffe'],
    ['U+FFFF', 'x\uffff'],
  ])('refuses a tag value with %s, which XML cannot carry, and creates nothing', async (label, value) => {
    const before = await ec2.send(new DescribeSecurityGroupsCommand({}));
    const error = await ec2ErrorOf(() =>
      ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: `control-${label}`,
          Description: 'd',
          VpcId: vpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'k', Value: value }] }],
        }),
      ),
    );
    expect(error.code).toBe('InvalidParameterValue');
    expect(error.status).toBe(400);
    expect(error.message).toBe(`Value for parameter TagSpecification.1.Tag.1.Value is invalid. The character ${label} is not allowed.`);
    const after = await ec2.send(new DescribeSecurityGroupsCommand({}));
    expect(after.SecurityGroups!.length).toBe(before.SecurityGroups!.length);
  });
});
