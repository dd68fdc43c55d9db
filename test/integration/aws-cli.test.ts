/**
 * The real `aws` CLI (v1, botocore's EC2 serializer and parser) against the emulator, as users
 * drive it: `--endpoint-url`, `--output json`, shorthand, convenience flags, `--cli-input-json`,
 * auto-pagination, and its error printing. Setup that is not itself under test goes through the
 * SDK, which is much faster than a CLI process per call.
 */
import { AuthorizeSecurityGroupEgressCommand, CreateSecurityGroupCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { awsEc2, awsEc2Ok, hasAwsCli } from '../helpers/cli.js';
import { startServerWithVpc, stopServer } from '../helpers/server.js';

if (!hasAwsCli) {
  console.warn('aws-cli.test.ts: no `aws` executable on PATH; the AWS CLI tests are skipped.');
}

const SGR_ID = /^sgr-[0-9a-f]{17}$/;
const SG_ID = /^sg-[0-9a-f]{17}$/;

describe.skipIf(!hasAwsCli)('the aws CLI against the emulator', () => {
  let emulator: Emulator;
  let sdk: EC2Client;
  /** Actions of the requests the emulator served, from its request log. */
  const served: string[] = [];
  let vpcId: string;
  let groupId: string;
  let peerId: string;

  const cli = (args: readonly string[], region?: string) => awsEc2(emulator.url, args, region ? { region } : {});
  const cliOk = (args: readonly string[], region?: string) => awsEc2Ok(emulator.url, args, region ? { region } : {});

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, {
      write(line: string) {
        const action = (JSON.parse(line) as { action?: string }).action;
        if (action) served.push(action);
      },
    });
    ({ emulator, ec2: sdk, vpcId } = await startServerWithVpc('10.50.0.0/16', { logger }));
    groupId = (await sdk.send(new CreateSecurityGroupCommand({ GroupName: 'cli-web', Description: 'cli web', VpcId: vpcId })))
      .GroupId!;
    peerId = (await sdk.send(new CreateSecurityGroupCommand({ GroupName: 'cli-peer', Description: 'cli peer', VpcId: vpcId })))
      .GroupId!;
  });
  afterAll(() => stopServer(emulator, sdk));

  describe('authorize-security-group-egress', () => {
    it('accepts the shorthand --ip-permissions with IpRanges (seed example)', async () => {
      const out = await cliOk([
        'authorize-security-group-egress',
        '--group-id', groupId,
        '--ip-permissions', "IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=10.0.0.0/16}]",
      ]);
      expect(out.Return).toBe(true);
      expect(out.SecurityGroupRules).toHaveLength(1);
      expect(out.SecurityGroupRules[0]).toMatchObject({
        GroupId: groupId,
        GroupOwnerId: '000000000000',
        IsEgress: true,
        IpProtocol: 'tcp',
        FromPort: 80,
        ToPort: 80,
        CidrIpv4: '10.0.0.0/16',
        Tags: [],
      });
      expect(out.SecurityGroupRules[0].SecurityGroupRuleId).toMatch(SGR_ID);
    });

    it('accepts the shorthand with UserIdGroupPairs (seed example) and fills in the UserId', async () => {
      const out = await cliOk([
        'authorize-security-group-egress',
        '--group-id', groupId,
        '--ip-permissions', `IpProtocol=tcp,FromPort=80,ToPort=80,UserIdGroupPairs=[{GroupId=${peerId}}]`,
      ]);
      expect(out.SecurityGroupRules[0]).toMatchObject({
        IsEgress: true,
        IpProtocol: 'tcp',
        FromPort: 80,
        ToPort: 80,
        ReferencedGroupInfo: { GroupId: peerId, UserId: '000000000000' },
      });
    });

    it('accepts the convenience flags --protocol/--port/--cidr', async () => {
      const out = await cliOk([
        'authorize-security-group-egress', '--group-id', groupId, '--protocol', 'tcp', '--port', '443', '--cidr', '10.0.0.0/16',
      ]);
      expect(out.SecurityGroupRules[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/16' });
    });

    it('accepts --source-group with a port range', async () => {
      const out = await cliOk([
        'authorize-security-group-egress', '--group-id', groupId, '--protocol', 'udp', '--port', '5000-5010', '--source-group', peerId,
      ]);
      expect(out.SecurityGroupRules[0]).toMatchObject({
        IpProtocol: 'udp',
        FromPort: 5000,
        ToPort: 5010,
        ReferencedGroupInfo: { GroupId: peerId, UserId: '000000000000' },
      });
    });

    it('accepts --cli-input-json with IPv6 ranges, descriptions and tags', async () => {
      const input = {
        GroupId: groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 8443,
            ToPort: 8443,
            Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'v6 out' }],
            IpRanges: [{ CidrIp: '192.0.2.0/24', Description: 'v4 out' }],
          },
        ],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'team', Value: 'core' }] }],
      };
      const out = await cliOk(['authorize-security-group-egress', '--cli-input-json', JSON.stringify(input)]);
      expect(out.SecurityGroupRules).toHaveLength(2);
      expect(out.SecurityGroupRules).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ CidrIpv4: '192.0.2.0/24', Description: 'v4 out', Tags: [{ Key: 'team', Value: 'core' }] }),
          expect.objectContaining({ CidrIpv6: '2001:db8::/32', Description: 'v6 out', Tags: [{ Key: 'team', Value: 'core' }] }),
        ]),
      );
    });

    it('tags the new rules from --tag-specifications, and the tag filter finds them', async () => {
      const out = await cliOk([
        'authorize-security-group-egress',
        '--group-id', groupId,
        '--ip-permissions', 'IpProtocol=tcp,FromPort=25,ToPort=25,IpRanges=[{CidrIp=198.51.100.0/24}]',
        '--tag-specifications', 'ResourceType=security-group-rule,Tags=[{Key=Name,Value=x}]',
      ]);
      const ruleId = out.SecurityGroupRules[0].SecurityGroupRuleId;
      expect(out.SecurityGroupRules[0].Tags).toEqual([{ Key: 'Name', Value: 'x' }]);

      const found = await cliOk(['describe-security-group-rules', '--filters', 'Name=tag:Name,Values=x']);
      expect(found.SecurityGroupRules.map((r: { SecurityGroupRuleId: string }) => r.SecurityGroupRuleId)).toEqual([ruleId]);
    });

    it('--dry-run exits non-zero with the DryRunOperation message and changes nothing', async () => {
      const before = await cliOk(['describe-security-group-rules', '--filters', `Name=group-id,Values=${groupId}`]);
      const result = await cli([
        'authorize-security-group-egress', '--group-id', groupId, '--protocol', 'tcp', '--port', '9999', '--cidr', '10.9.0.0/16', '--dry-run',
      ]);
      expect([254, 255]).toContain(result.exitCode);
      expect(result.stderr).toContain(
        'An error occurred (DryRunOperation) when calling the AuthorizeSecurityGroupEgress operation: Request would have succeeded, but DryRun flag is set.',
      );
      const after = await cliOk(['describe-security-group-rules', '--filters', `Name=group-id,Values=${groupId}`]);
      expect(after.SecurityGroupRules).toEqual(before.SecurityGroupRules);
    });

    it('prints the duplicate-rule error in AWS wording', async () => {
      const result = await cli([
        'authorize-security-group-egress', '--group-id', groupId, '--protocol', 'tcp', '--port', '80', '--cidr', '10.0.0.0/16',
      ]);
      expect([254, 255]).toContain(result.exitCode);
      expect(result.stderr).toContain(
        'An error occurred (InvalidPermission.Duplicate) when calling the AuthorizeSecurityGroupEgress operation: ' +
          'the specified rule "peer: 10.0.0.0/16, TCP, from port: 80, to port: 80, ALLOW" already exists',
      );
    });

    it('prints InvalidGroup.NotFound for a group that does not exist', async () => {
      const missing = 'sg-0123456789abcdef0';
      const result = await cli([
        'authorize-security-group-egress', '--group-id', missing, '--protocol', 'tcp', '--port', '80', '--cidr', '10.0.0.0/16',
      ]);
      expect([254, 255]).toContain(result.exitCode);
      expect(result.stderr).toContain(
        `An error occurred (InvalidGroup.NotFound) when calling the AuthorizeSecurityGroupEgress operation: The security group '${missing}' does not exist`,
      );
    });
  });

  describe('describe calls', () => {
    let pagedGroupId: string;
    beforeAll(async () => {
      // 12 added rules + the default egress rule = 13 rules: pages of 5, 5 and 3.
      pagedGroupId = (
        await sdk.send(new CreateSecurityGroupCommand({ GroupName: 'cli-paged', Description: 'paged', VpcId: vpcId }))
      ).GroupId!;
      await sdk.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: pagedGroupId,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 1000,
              ToPort: 1000,
              IpRanges: Array.from({ length: 12 }, (_, i) => ({ CidrIp: `10.60.${i}.0/24` })),
            },
          ],
        }),
      );
    });

    it('describe-security-groups shows the egress permissions aggregated per (protocol, ports)', async () => {
      const out = await cliOk(['describe-security-groups', '--group-ids', pagedGroupId]);
      expect(out.SecurityGroups).toHaveLength(1);
      const group = out.SecurityGroups[0];
      expect(group).toMatchObject({ GroupId: pagedGroupId, GroupName: 'cli-paged', Description: 'paged', VpcId: vpcId, IpPermissions: [] });
      expect(group.IpPermissionsEgress).toEqual([
        { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
        {
          IpProtocol: 'tcp',
          FromPort: 1000,
          ToPort: 1000,
          IpRanges: Array.from({ length: 12 }, (_, i) => ({ CidrIp: `10.60.${i}.0/24` })),
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ]);
    });

    it('describe-security-groups filters by vpc-id', async () => {
      const out = await cliOk(['describe-security-groups', '--filters', `Name=vpc-id,Values=${vpcId}`]);
      const names = out.SecurityGroups.map((g: { GroupName: string }) => g.GroupName).sort();
      expect(names).toEqual(['cli-paged', 'cli-peer', 'cli-web', 'default']);
    });

    it('describe-security-group-rules --page-size 5 sends MaxResults and the CLI follows NextToken to the end', async () => {
      const all = await cliOk(['describe-security-group-rules', '--filters', `Name=group-id,Values=${pagedGroupId}`]);
      expect(all.SecurityGroupRules).toHaveLength(13);

      const requestsBefore = served.filter((a) => a === 'DescribeSecurityGroupRules').length;
      const paged = await cliOk([
        'describe-security-group-rules', '--filters', `Name=group-id,Values=${pagedGroupId}`, '--page-size', '5',
      ]);
      const requests = served.filter((a) => a === 'DescribeSecurityGroupRules').length - requestsBefore;
      expect(requests).toBe(3);
      expect(paged.SecurityGroupRules).toEqual(all.SecurityGroupRules);
      expect(paged.NextToken).toBeUndefined();
      for (const rule of paged.SecurityGroupRules) {
        expect(rule.SecurityGroupRuleId).toMatch(SGR_ID);
        expect(rule.SecurityGroupRuleArn).toBe(`arn:aws:ec2:us-east-1:000000000000:security-group-rule/${rule.SecurityGroupRuleId}`);
      }
    });

    it('describe-security-group-rules rejects a malformed group-id filter value', async () => {
      const result = await cli(['describe-security-group-rules', '--filters', 'Name=group-id,Values=foobar']);
      expect([254, 255]).toContain(result.exitCode);
      expect(result.stderr).toContain("(InvalidGroupId.Malformed) when calling the DescribeSecurityGroupRules operation: The security group ID 'foobar' is malformed");
    });
  });

  describe('revoke and delete', () => {
    it('revoke-security-group-egress by --security-group-rule-ids echoes the revoked rule', async () => {
      const added = await cliOk([
        'authorize-security-group-egress', '--group-id', groupId, '--protocol', 'tcp', '--port', '5432', '--cidr', '10.7.0.0/16',
      ]);
      const ruleId = added.SecurityGroupRules[0].SecurityGroupRuleId;
      const out = await cliOk(['revoke-security-group-egress', '--group-id', groupId, '--security-group-rule-ids', ruleId]);
      expect(out.Return).toBe(true);
      expect(out.RevokedSecurityGroupRules).toEqual([
        expect.objectContaining({ SecurityGroupRuleId: ruleId, GroupId: groupId, IsEgress: true, CidrIpv4: '10.7.0.0/16' }),
      ]);
    });

    it('revoke-security-group-egress by --ip-permissions removes the matching rule', async () => {
      const out = await cliOk([
        'revoke-security-group-egress',
        '--group-id', groupId,
        '--ip-permissions', 'IpProtocol=tcp,FromPort=25,ToPort=25,IpRanges=[{CidrIp=198.51.100.0/24}]',
      ]);
      expect(out.Return).toBe(true);
      const left = await cliOk(['describe-security-group-rules', '--filters', 'Name=tag:Name,Values=x']);
      expect(left.SecurityGroupRules).toEqual([]);
    });

    it('revoking a rule that does not exist is InvalidPermission.NotFound', async () => {
      const result = await cli([
        'revoke-security-group-egress', '--group-id', groupId, '--protocol', 'tcp', '--port', '7', '--cidr', '10.8.0.0/16',
      ]);
      expect([254, 255]).toContain(result.exitCode);
      expect(result.stderr).toContain(
        '(InvalidPermission.NotFound) when calling the RevokeSecurityGroupEgress operation: The specified rule does not exist in this security group.',
      );
    });

    it('delete-security-group of a referenced group is DependencyViolation, and works once the reference is gone', async () => {
      const refused = await cli(['delete-security-group', '--group-id', peerId]);
      expect([254, 255]).toContain(refused.exitCode);
      expect(refused.stderr).toContain(`(DependencyViolation) when calling the DeleteSecurityGroup operation: resource ${peerId} has a dependent object`);

      await cliOk(['delete-security-group', '--group-id', groupId]);
      await cliOk(['delete-security-group', '--group-id', peerId]);
      const gone = await cli(['describe-security-groups', '--group-ids', peerId]);
      expect(gone.stderr).toContain(`(InvalidGroup.NotFound) when calling the DescribeSecurityGroups operation: The security group '${peerId}' does not exist`);
    });
  });

  describe('create-security-group', () => {
    it('reads the id and ARN from an answer that starts with <return>true</return> (seen in --debug)', async () => {
      const result = await cli(['create-security-group', '--group-name', 'cli-return', '--description', 'cli return', '--vpc-id', vpcId, '--debug']);
      expect(result.exitCode).toBe(0);
      const out = JSON.parse(result.stdout) as { GroupId: string; SecurityGroupArn: string };
      expect(out.GroupId).toMatch(SG_ID);
      expect(out.SecurityGroupArn).toBe(`arn:aws:ec2:us-east-1:000000000000:security-group/${out.GroupId}`);
      // botocore's model has no Return member, so the CLI prints none; the raw answer carries it.
      expect(out).not.toHaveProperty('Return');
      expect(result.stderr).toMatch(new RegExp(`<requestId>[^<]+</requestId><return>true</return><groupId>${out.GroupId}</groupId>`));
      await cliOk(['delete-security-group', '--group-id', out.GroupId]);
    });
  });

  describe('VPCs and regions', () => {
    it('create-vpc, describe-vpcs and delete-vpc', async () => {
      const created = await cliOk([
        'create-vpc', '--cidr-block', '10.70.0.0/16', '--tag-specifications', 'ResourceType=vpc,Tags=[{Key=Name,Value=cli}]',
      ]);
      const id = created.Vpc.VpcId;
      expect(id).toMatch(/^vpc-[0-9a-f]{17}$/);
      expect(created.Vpc).toMatchObject({ CidrBlock: '10.70.0.0/16', State: 'pending', IsDefault: false, Tags: [{ Key: 'Name', Value: 'cli' }] });

      const described = await cliOk(['describe-vpcs', '--vpc-ids', id]);
      expect(described.Vpcs).toEqual([expect.objectContaining({ VpcId: id, State: 'available', CidrBlock: '10.70.0.0/16' })]);

      const deleted = await cli(['delete-vpc', '--vpc-id', id]);
      expect(deleted.exitCode).toBe(0);
      const gone = await cli(['describe-vpcs', '--vpc-ids', id]);
      expect([254, 255]).toContain(gone.exitCode);
      expect(gone.stderr).toContain(`(InvalidVpcID.NotFound) when calling the DescribeVpcs operation: The vpc ID '${id}' does not exist`);
    });

    it('each region has its own default VPC and security groups', async () => {
      const east = await cliOk(['describe-vpcs', '--filters', 'Name=is-default,Values=true']);
      const west = await cliOk(['describe-vpcs', '--filters', 'Name=is-default,Values=true'], 'eu-west-1');
      expect(east.Vpcs).toHaveLength(1);
      expect(west.Vpcs).toHaveLength(1);
      expect(west.Vpcs[0].VpcId).not.toBe(east.Vpcs[0].VpcId);
      expect(west.Vpcs[0].CidrBlock).toBe('172.31.0.0/16');

      const westGroups = await cliOk(['describe-security-groups'], 'eu-west-1');
      expect(westGroups.SecurityGroups.map((g: { GroupName: string }) => g.GroupName)).toEqual(['default']);
      expect(westGroups.SecurityGroups[0].GroupId).toMatch(SG_ID);
      expect(westGroups.SecurityGroups[0].SecurityGroupArn).toContain('arn:aws:ec2:eu-west-1:000000000000:security-group/');
    });
  });
});
