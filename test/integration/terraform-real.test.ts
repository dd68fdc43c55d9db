/**
 * The real Terraform CLI with the real hashicorp/aws provider against the emulator: apply, a plan
 * that must show no changes (no perpetual diff), an in-place update, another empty plan, destroy.
 *
 * Terraform cannot download providers here, so this needs `terraform` on PATH and the AWS provider
 * in a filesystem mirror (`TF_PLUGIN_MIRROR`, default /opt/tf-plugins, laid out as
 * registry.terraform.io/hashicorp/aws/<version>/linux_amd64/). Without either, the suite says so
 * and skips; every other test still runs.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, startTestServer } from '../helpers/server.js';

const run = promisify(execFile);
const MIRROR = process.env['TF_PLUGIN_MIRROR'] ?? '/opt/tf-plugins';
const PROVIDER_DIR = join(MIRROR, 'registry.terraform.io', 'hashicorp', 'aws');

function terraformAvailable(): { ok: true; providerVersion: string } | { ok: false; why: string } {
  const onPath = (process.env['PATH'] ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'terraform')));
  if (!onPath) return { ok: false, why: 'terraform is not on PATH' };
  if (!existsSync(PROVIDER_DIR)) return { ok: false, why: `no hashicorp/aws provider mirror at ${PROVIDER_DIR}` };
  const versions = readdirSync(PROVIDER_DIR).sort();
  if (versions.length === 0) return { ok: false, why: `no provider version under ${PROVIDER_DIR}` };
  return { ok: true, providerVersion: versions[versions.length - 1]! };
}

const availability = terraformAvailable();
if (!availability.ok) console.warn(`[terraform-real] skipped: ${availability.why}`);

describe.skipIf(!availability.ok)('real Terraform (hashicorp/aws provider) against the emulator', () => {
  let emulator: Emulator;
  let client: EC2Client;
  let workdir: string;
  let vpcId: string;
  const env = () => ({
    ...process.env,
    TF_CLI_CONFIG_FILE: join(workdir, 'cli.tfrc'),
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const terraform = (...args: string[]) =>
    run('terraform', [...args, '-no-color'], { cwd: workdir, env: env(), maxBuffer: 32 * 1024 * 1024 });

  function writeConfig(options: { httpsCidrs: string[]; dbOutCidr: string; dbOutDescription: string }): void {
    const version = availability.ok ? availability.providerVersion : '';
    writeFileSync(
      join(workdir, 'main.tf'),
      `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "${version}" }
  }
}
provider "aws" {
  region                  = "us-east-1"
  access_key              = "test"
  secret_key              = "test"
  skip_metadata_api_check = true
  skip_region_validation  = true
  endpoints {
    ec2 = "${emulator.url}"
    sts = "${emulator.url}"
  }
}
resource "aws_security_group" "web" {
  name        = "web"
  description = "web tier"
  vpc_id      = "${vpcId}"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ${JSON.stringify(options.httpsCidrs)}
    description = "https in"
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Name = "web" }
}
resource "aws_security_group" "db" {
  name        = "db"
  description = "db tier"
  vpc_id      = "${vpcId}"
}
resource "aws_vpc_security_group_egress_rule" "db_out" {
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "${options.dbOutCidr}"
  from_port         = 5432
  to_port           = 5432
  ip_protocol       = "tcp"
  description       = "${options.dbOutDescription}"
  tags              = { Name = "db-out" }
}
resource "aws_vpc_security_group_ingress_rule" "db_from_web" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.web.id
  from_port                    = 5432
  to_port                      = 5432
  ip_protocol                  = "tcp"
}
resource "aws_security_group_rule" "dns" {
  type              = "egress"
  from_port         = 53
  to_port           = 53
  protocol          = "udp"
  cidr_blocks       = ["10.3.0.0/16"]
  security_group_id = aws_security_group.db.id
}
output "web_id" { value = aws_security_group.web.id }
output "db_id" { value = aws_security_group.db.id }
output "db_out_id" { value = aws_vpc_security_group_egress_rule.db_out.id }
output "db_from_web_id" { value = aws_vpc_security_group_ingress_rule.db_from_web.id }
`,
    );
  }

  async function outputs(): Promise<Record<string, string>> {
    const { stdout } = await terraform('output', '-json');
    const parsed = JSON.parse(stdout) as Record<string, { value: string }>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
  }

  /** `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes, 1 = error. */
  async function planExitCode(): Promise<number> {
    try {
      await terraform('plan', '-detailed-exitcode', '-input=false');
      return 0;
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      if (e.code !== 2) throw err;
      console.warn(`[terraform-real] plan shows changes:\n${e.stdout}`);
      return 2;
    }
  }

  beforeAll(async () => {
    emulator = await startTestServer();
    client = ec2Client(emulator.url);
    const vpcs = await client.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    vpcId = vpcs.Vpcs![0]!.VpcId!;
    workdir = mkdtempSync(join(tmpdir(), 'ec2-sg-emulator-terraform-'));
    writeFileSync(
      join(workdir, 'cli.tfrc'),
      `provider_installation {
  filesystem_mirror {
    path    = "${MIRROR}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
    );
    writeConfig({ httpsCidrs: ['10.0.0.0/16', '10.1.0.0/16'], dbOutCidr: '10.2.0.0/16', dbOutDescription: 'to replicas' });
    await terraform('init', '-input=false');
  }, 300_000);

  afterAll(async () => {
    await emulator?.stop();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it('applies groups and every kind of rule resource, as the SDK then sees them', async () => {
    await terraform('apply', '-auto-approve', '-input=false');
    const ids = await outputs();
    expect(ids['db_out_id']).toMatch(/^sgr-[0-9a-f]{17}$/);
    expect(ids['db_from_web_id']).toMatch(/^sgr-[0-9a-f]{17}$/);

    const groups = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids['web_id']!, ids['db_id']!] }));
    const web = groups.SecurityGroups!.find((g) => g.GroupId === ids['web_id'])!;
    expect(web.Tags).toEqual([{ Key: 'Name', Value: 'web' }]);
    expect(web.IpPermissions).toHaveLength(1);
    const https = web.IpPermissions![0]!;
    expect([https.IpProtocol, https.FromPort, https.ToPort]).toEqual(['tcp', 443, 443]);
    // Terraform sends the CIDRs of a block as a set: compare them in order.
    expect(https.IpRanges?.map((r) => `${r.CidrIp} ${r.Description}`).sort()).toEqual([
      '10.0.0.0/16 https in',
      '10.1.0.0/16 https in',
    ]);
    expect([https.UserIdGroupPairs, https.Ipv6Ranges, https.PrefixListIds]).toEqual([[], [], []]);
    // Terraform revoked the default egress rule and authorized its own identical one.
    expect(web.IpPermissionsEgress?.map((p) => [p.IpProtocol, p.IpRanges?.map((r) => r.CidrIp)])).toEqual([['-1', ['0.0.0.0/0']]]);

    const dbRules = await client.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids['db_id']!] }] }),
    );
    const summary = dbRules.SecurityGroupRules!.map((r) => ({
      egress: r.IsEgress,
      protocol: r.IpProtocol,
      ports: `${r.FromPort}-${r.ToPort}`,
      peer: r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId,
      tags: r.Tags,
    }));
    expect(summary).toEqual(
      expect.arrayContaining([
        { egress: true, protocol: 'tcp', ports: '5432-5432', peer: '10.2.0.0/16', tags: [{ Key: 'Name', Value: 'db-out' }] },
        { egress: false, protocol: 'tcp', ports: '5432-5432', peer: ids['web_id'], tags: [] },
        { egress: true, protocol: 'udp', ports: '53-53', peer: '10.3.0.0/16', tags: [] },
      ]),
    );
    // Terraform removed the db group's default allow-all egress rule.
    expect(summary).toHaveLength(3);
  });

  it('plans no changes right after apply (no perpetual diff)', async () => {
    expect(await planExitCode()).toBe(0);
  });

  it('updates in place: a changed rule keeps its sgr- id (ModifySecurityGroupRules), inline rules follow', async () => {
    const before = await outputs();
    writeConfig({ httpsCidrs: ['10.0.0.0/16', '192.168.0.0/24'], dbOutCidr: '10.20.0.0/16', dbOutDescription: 'to analytics' });
    await terraform('apply', '-auto-approve', '-input=false');
    const after = await outputs();
    expect(after['db_out_id']).toBe(before['db_out_id']);

    const rule = await client.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [after['db_out_id']!] }));
    expect(rule.SecurityGroupRules?.[0]).toMatchObject({
      CidrIpv4: '10.20.0.0/16',
      Description: 'to analytics',
      Tags: [{ Key: 'Name', Value: 'db-out' }],
    });
    const web = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [after['web_id']!] }));
    expect(web.SecurityGroups?.[0]?.IpPermissions?.[0]?.IpRanges?.map((r) => r.CidrIp).sort()).toEqual([
      '10.0.0.0/16',
      '192.168.0.0/24',
    ]);
    expect(await planExitCode()).toBe(0);
  });

  it('destroys everything it made, leaving the default group', async () => {
    await terraform('destroy', '-auto-approve', '-input=false');
    const groups = await client.send(new DescribeSecurityGroupsCommand({}));
    expect(groups.SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
  });
});
