import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { OPERATION_SHAPES, type StructureShape } from '../../../protocol/shapes.js';
import { EC2_XML_NAMESPACE, ec2XmlNamespace, responseXmlParts, toResponseXml } from '../../../protocol/xml-writer.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  preserveOrder: false,
  isArray: (name) => name === 'item',
});
const ordered = new XMLParser({ ignoreAttributes: false, parseTagValue: false, preserveOrder: true });

/** Element names of the root's children, in document order. */
function childOrder(xml: string): string[] {
  const doc = ordered.parse(xml) as Array<Record<string, unknown>>;
  const root = doc.find((node) => !('?xml' in node))!;
  const rootName = Object.keys(root).find((k) => k !== ':@')!;
  return (root[rootName] as Array<Record<string, unknown>>).map((child) => Object.keys(child).find((k) => k !== ':@')!);
}

const egressOut = OPERATION_SHAPES.AuthorizeSecurityGroupEgress.output;
const describeOut = OPERATION_SHAPES.DescribeSecurityGroups.output;
const createOut = OPERATION_SHAPES.CreateSecurityGroup.output;

describe('toResponseXml', () => {
  it('writes the root element with the 2016-11-15 namespace and requestId first', () => {
    const xml = toResponseXml('DeleteVpc', 'req-1', { Return: true }, OPERATION_SHAPES.DeleteVpc.output);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(EC2_XML_NAMESPACE).toBe('http://ec2.amazonaws.com/doc/2016-11-15/');
    const doc = parser.parse(xml);
    expect(doc.DeleteVpcResponse['@_xmlns']).toBe('http://ec2.amazonaws.com/doc/2016-11-15/');
    expect(doc.DeleteVpcResponse.requestId).toBe('req-1');
    expect(doc.DeleteVpcResponse.return).toBe('true');
    expect(childOrder(xml)).toEqual(['requestId', 'return']);
  });

  it('accepts another namespace when asked', () => {
    const xml = toResponseXml('DeleteVpc', 'r', { Return: false }, OPERATION_SHAPES.DeleteVpc.output, 'urn:x');
    expect(parser.parse(xml).DeleteVpcResponse['@_xmlns']).toBe('urn:x');
    expect(parser.parse(xml).DeleteVpcResponse.return).toBe('false');
  });

  it('is one line after the declaration, with no whitespace between elements', () => {
    const xml = toResponseXml('DeleteVpc', 'r', { Return: true }, OPERATION_SHAPES.DeleteVpc.output);
    const body = xml.split('\n')[1]!;
    expect(xml.split('\n')).toHaveLength(2);
    expect(body).not.toMatch(/>\s+</);
  });

  it('writes members in shape order, not object order', () => {
    const output = {
      SecurityGroupArn: 'arn:aws:ec2:us-east-1:000000000000:security-group/sg-1',
      Tags: [{ Key: 'k', Value: 'v' }],
      GroupId: 'sg-1',
    };
    const xml = toResponseXml('CreateSecurityGroup', 'r', output, createOut);
    expect(childOrder(xml)).toEqual(['requestId', 'groupId', 'tagSet', 'securityGroupArn']);
  });

  it('uses xml names from the shape (securityGroupInfo, groupDescription, groups, tagSet)', () => {
    const output = {
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          GroupName: 'web',
          Description: 'web tier',
          Tags: [{ Key: 'Name', Value: 'web' }],
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 22,
              ToPort: 22,
              UserIdGroupPairs: [{ UserId: '111122223333', GroupId: 'sg-2' }],
              IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'office' }],
              Ipv6Ranges: [],
              PrefixListIds: [],
            },
          ],
          IpPermissionsEgress: [],
        },
      ],
    };
    const doc = parser.parse(toResponseXml('DescribeSecurityGroups', 'r', output, describeOut));
    const group = doc.DescribeSecurityGroupsResponse.securityGroupInfo.item[0];
    expect(group.groupDescription).toBe('web tier');
    expect(group.groupName).toBe('web');
    expect(group.tagSet.item).toEqual([{ key: 'Name', value: 'web' }]);
    const permission = group.ipPermissions.item[0];
    expect(permission.ipProtocol).toBe('tcp');
    expect(permission.fromPort).toBe('22');
    expect(permission.groups.item).toEqual([{ userId: '111122223333', groupId: 'sg-2' }]);
    expect(permission.ipRanges.item).toEqual([{ cidrIp: '203.0.113.0/24', description: 'office' }]);
    // Empty lists are empty elements, present in the document (D-24).
    expect(permission.ipv6Ranges).toBe('');
    expect(permission.prefixListIds).toBe('');
    expect(group.ipPermissionsEgress).toBe('');
  });

  it('writes an empty list as a self-closing element', () => {
    const xml = toResponseXml('AuthorizeSecurityGroupEgress', 'r', { Return: true, SecurityGroupRules: [] }, egressOut);
    expect(xml).toContain('<securityGroupRuleSet/>');
  });

  it('writes each list entry as <item>, scalar lists included', () => {
    const shape: StructureShape = {
      kind: 'structure',
      members: { Names: { shape: { kind: 'list', member: { kind: 'string' } }, xml: 'nameSet' } },
    };
    const xml = toResponseXml('X', 'r', { Names: ['a', 'b', 'c'] }, shape);
    expect(xml).toContain('<nameSet><item>a</item><item>b</item><item>c</item></nameSet>');
  });

  it('omits undefined and null members, but writes false and 0', () => {
    const output = {
      Return: false,
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          GroupId: undefined,
          IsEgress: false,
          FromPort: 0,
          ToPort: -1,
          CidrIpv4: null,
          Description: undefined,
        },
      ],
    };
    const xml = toResponseXml('AuthorizeSecurityGroupEgress', 'r', output, egressOut);
    expect(xml).toContain('<return>false</return>');
    expect(xml).toContain('<item><securityGroupRuleId>sgr-1</securityGroupRuleId><isEgress>false</isEgress><fromPort>0</fromPort><toPort>-1</toPort></item>');
    expect(xml).not.toContain('groupId');
    expect(xml).not.toContain('cidrIpv4');
    expect(xml).not.toContain('description');
  });

  it('ignores object members that are not in the shape', () => {
    const xml = toResponseXml('DeleteVpc', 'r', { Return: true, Secret: 'x' }, OPERATION_SHAPES.DeleteVpc.output);
    expect(xml).not.toContain('Secret');
    expect(xml).not.toContain('secret');
  });

  it('writes booleans as true/false and integers in decimal', () => {
    const xml = toResponseXml(
      'AuthorizeSecurityGroupEgress',
      'r',
      { Return: true, SecurityGroupRules: [{ IsEgress: true, FromPort: 65535, ToPort: -1 }] },
      egressOut,
    );
    expect(xml).toContain('<isEgress>true</isEgress><fromPort>65535</fromPort><toPort>-1</toPort>');
  });

  it('escapes & < > " \' in text and in the request id', () => {
    const nasty = `a&b<c>d"e'f`;
    const xml = toResponseXml('CreateSecurityGroup', `id<&>`, { GroupId: nasty }, createOut);
    expect(xml).toContain('<groupId>a&amp;b&lt;c&gt;d&quot;e&apos;f</groupId>');
    expect(xml).toContain('<requestId>id&lt;&amp;&gt;</requestId>');
    const doc = parser.parse(xml);
    expect(doc.CreateSecurityGroupResponse.groupId).toBe(nasty);
    expect(doc.CreateSecurityGroupResponse.requestId).toBe('id<&>');
  });

  it('writes nested structures (referencedGroupInfo) in shape order', () => {
    const xml = toResponseXml(
      'AuthorizeSecurityGroupEgress',
      'r',
      {
        Return: true,
        SecurityGroupRules: [{ ReferencedGroupInfo: { UserId: '111122223333', GroupId: 'sg-2' }, Tags: [] }],
      },
      egressOut,
    );
    expect(xml).toContain(
      '<referencedGroupInfo><groupId>sg-2</groupId><userId>111122223333</userId></referencedGroupInfo><tagSet/>',
    );
  });

  it('round-trips a full rule through fast-xml-parser', () => {
    const rule = {
      SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f60718',
      GroupId: 'sg-0123456789abcdef0',
      GroupOwnerId: '111122223333',
      IsEgress: true,
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      CidrIpv4: '10.0.0.0/16',
      Description: 'https out',
      Tags: [{ Key: 'Name', Value: 'x' }],
      SecurityGroupRuleArn: 'arn:aws:ec2:us-east-1:111122223333:security-group-rule/sgr-0a1b2c3d4e5f60718',
    };
    const xml = toResponseXml('AuthorizeSecurityGroupEgress', 'req', { Return: true, SecurityGroupRules: [rule] }, egressOut);
    const item = parser.parse(xml).AuthorizeSecurityGroupEgressResponse.securityGroupRuleSet.item[0];
    expect(item).toEqual({
      securityGroupRuleId: 'sgr-0a1b2c3d4e5f60718',
      groupId: 'sg-0123456789abcdef0',
      groupOwnerId: '111122223333',
      isEgress: 'true',
      ipProtocol: 'tcp',
      fromPort: '443',
      toPort: '443',
      cidrIpv4: '10.0.0.0/16',
      description: 'https out',
      tagSet: { item: [{ key: 'Name', value: 'x' }] },
      securityGroupRuleArn: 'arn:aws:ec2:us-east-1:111122223333:security-group-rule/sgr-0a1b2c3d4e5f60718',
    });
    expect(childOrder(xml)).toEqual(['requestId', 'return', 'securityGroupRuleSet']);
  });
});

describe('toResponseXml: timestamps', () => {
  const peeringOut = OPERATION_SHAPES.DescribeVpcPeeringConnections.output;
  const expirationOf = (value: unknown) => {
    const xml = toResponseXml('DescribeVpcPeeringConnections', 'r', { VpcPeeringConnections: [{ ExpirationTime: value }] }, peeringOut);
    return parser.parse(xml).DescribeVpcPeeringConnectionsResponse.vpcPeeringConnectionSet.item[0].expirationTime as string;
  };

  it('writes a Date as ISO 8601 in UTC with milliseconds (expirationTime)', () => {
    expect(expirationOf(new Date(Date.UTC(2014, 3, 2, 16, 13, 36)))).toBe('2014-04-02T16:13:36.000Z');
    expect(expirationOf(new Date(Date.UTC(2014, 3, 2, 16, 13, 36, 7)))).toBe('2014-04-02T16:13:36.007Z');
  });

  it('writes epoch milliseconds and ISO strings with an offset the same way, in UTC', () => {
    expect(expirationOf(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00.000Z');
    expect(expirationOf('2014-04-02T18:13:36+02:00')).toBe('2014-04-02T16:13:36.000Z');
  });

  it('places it between the VPC infos, in shape order, and omits it when absent', () => {
    const item = { AccepterVpcInfo: { VpcId: 'vpc-2' }, ExpirationTime: new Date(0), RequesterVpcInfo: { VpcId: 'vpc-1' } };
    const xml = toResponseXml('DescribeVpcPeeringConnections', 'r', { VpcPeeringConnections: [item] }, peeringOut);
    expect(xml).toContain(
      '<accepterVpcInfo><vpcId>vpc-2</vpcId></accepterVpcInfo><expirationTime>1970-01-01T00:00:00.000Z</expirationTime><requesterVpcInfo>',
    );
    const without = toResponseXml('DescribeVpcPeeringConnections', 'r', { VpcPeeringConnections: [{ ExpirationTime: undefined }] }, peeringOut);
    expect(without).not.toContain('expirationTime');
  });
});

describe('ec2XmlNamespace', () => {
  it('names the namespace of a YYYY-MM-DD Version and keeps 2016-11-15 for anything else', () => {
    expect(ec2XmlNamespace('2014-06-15')).toBe('http://ec2.amazonaws.com/doc/2014-06-15/');
    expect(ec2XmlNamespace('2016-11-15')).toBe(EC2_XML_NAMESPACE);
    for (const version of [null, undefined, '', 'latest', '2014-6-15', '2014-06-15"><x', ' 2014-06-15', '2014-06-15\n']) {
      expect(ec2XmlNamespace(version)).toBe(EC2_XML_NAMESPACE);
    }
  });
});

describe('CreateSecurityGroup output', () => {
  it('writes <return> before <groupId>, <tagSet> and <securityGroupArn>', () => {
    const xml = toResponseXml(
      'CreateSecurityGroup',
      'r',
      { SecurityGroupArn: 'arn', Tags: [{ Key: 'k', Value: 'v' }], GroupId: 'sg-1', Return: true },
      OPERATION_SHAPES.CreateSecurityGroup.output,
    );
    expect(childOrder(xml)).toEqual(['requestId', 'return', 'groupId', 'tagSet', 'securityGroupArn']);
    expect(xml).toContain('<return>true</return><groupId>sg-1</groupId>');
  });
});

describe('responseXmlParts', () => {
  const rule = (n: number) => ({
    SecurityGroupRuleId: `sgr-${String(n).padStart(17, '0')}`,
    GroupId: 'sg-0123456789abcdef0',
    IsEgress: n % 2 === 0,
    IpProtocol: 'tcp',
    FromPort: n,
    ToPort: n,
    CidrIpv4: '10.0.0.0/8',
    Description: `a & b <${n}>`,
    Tags: n % 3 === 0 ? [{ Key: 'Name', Value: `r${n}` }] : [],
  });
  const shape = OPERATION_SHAPES.DescribeSecurityGroupRules.output;

  it.each([
    ['many rules, small parts', { SecurityGroupRules: Array.from({ length: 50 }, (_, n) => rule(n)), NextToken: 'abc' }, 200],
    ['one part', { SecurityGroupRules: [rule(1)] }, 1_000_000],
    ['an empty list', { SecurityGroupRules: [] }, 10],
    ['no list at all', {}, 10],
  ])('%s: joined, the parts are the whole document', (_name, output, partChars) => {
    const parts = [...responseXmlParts('DescribeSecurityGroupRules', 'req-1', output, shape, EC2_XML_NAMESPACE, partChars)];
    expect(parts.join('')).toBe(toResponseXml('DescribeSecurityGroupRules', 'req-1', output, shape));
    if (partChars === 200) expect(parts.length).toBeGreaterThan(10);
  });

  it('cuts only between list entries', () => {
    const output = { SecurityGroupRules: Array.from({ length: 20 }, (_, n) => rule(n)) };
    const parts = [...responseXmlParts('DescribeSecurityGroupRules', 'req-1', output, shape, EC2_XML_NAMESPACE, 1)];
    for (const part of parts.slice(0, -1)) expect(part.endsWith('</item>')).toBe(true);
  });
});
