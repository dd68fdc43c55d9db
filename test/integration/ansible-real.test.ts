/**
 * The real Ansible `amazon.aws.ec2_security_group` module (with boto3) against the emulator: a
 * first run creates the group and its rules, a second run finds nothing to change (the module's
 * idempotence and rule-propagation wait depend on our answers matching what it asked for), and
 * `state: absent` deletes it.
 *
 * Needs `ansible-playbook` with the amazon.aws collection and boto3 (Debian: `apt-get install
 * ansible python3-boto3`). Without them the suite says so and skips; every other test still runs.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeSecurityGroupsCommand, DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, startTestServer } from '../helpers/server.js';

const run = promisify(execFile);

function ansibleAvailable(): string | undefined {
  try {
    const collections = execFileSync('ansible-galaxy', ['collection', 'list', 'amazon.aws'], { encoding: 'utf8', stdio: 'pipe' });
    if (!collections.includes('amazon.aws')) return 'the amazon.aws collection is not installed';
    execFileSync('python3', ['-c', 'import boto3'], { stdio: 'pipe' });
    return undefined;
  } catch {
    return 'ansible-playbook with amazon.aws and boto3 is not installed';
  }
}

const missing = ansibleAvailable();
if (missing) console.warn(`[ansible-real] skipped: ${missing}`);

describe.skipIf(missing !== undefined)('real Ansible (amazon.aws.ec2_security_group) against the emulator', () => {
  let emulator: Emulator;
  let client: EC2Client;
  let workdir: string;
  let vpcId: string;

  function playbook(state: 'present' | 'absent'): string {
    const module = [
      `endpoint_url: ${emulator.url}`,
      'region: us-east-1',
      'access_key: test',
      'secret_key: test',
      'name: app',
      `state: ${state}`,
      `vpc_id: ${vpcId}`,
    ];
    if (state === 'present') {
      module.push(
        'description: app tier',
        'rules:',
        '  - { proto: tcp, ports: [80, 443], cidr_ip: 10.0.0.0/16, rule_desc: web }',
        '  - { proto: tcp, ports: 22, group_name: app }',
        'rules_egress:',
        '  - { proto: -1, cidr_ip: 0.0.0.0/0 }',
        'tags: { Name: app }',
      );
    }
    const file = join(workdir, `${state}.yml`);
    writeFileSync(
      file,
      [
        '- hosts: localhost',
        '  connection: local',
        '  gather_facts: false',
        '  tasks:',
        '    - amazon.aws.ec2_security_group:',
        ...module.map((line) => `        ${line}`),
        '      register: result',
        '    - ansible.builtin.debug:',
        '        msg: "CHANGED={{ result.changed }}"',
        '',
      ].join('\n'),
    );
    return file;
  }

  async function play(file: string): Promise<{ changed: boolean; output: string }> {
    const { stdout } = await run('ansible-playbook', [file], {
      cwd: workdir,
      env: {
        ...process.env,
        ANSIBLE_LOCALHOST_WARNING: 'False',
        ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False',
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    const match = /CHANGED=(True|False)/.exec(stdout);
    if (!match) throw new Error(`no result in ansible output:\n${stdout}`);
    return { changed: match[1] === 'True', output: stdout };
  }

  beforeAll(async () => {
    emulator = await startTestServer();
    client = ec2Client(emulator.url);
    const vpcs = await client.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    vpcId = vpcs.Vpcs![0]!.VpcId!;
    workdir = mkdtempSync(join(tmpdir(), 'ec2-sg-emulator-ansible-'));
  });

  afterAll(async () => {
    await emulator?.stop();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it('creates the group with its rules and tags on the first run', async () => {
    const first = await play(playbook('present'));
    expect(first.changed).toBe(true);
    expect(first.output).not.toMatch(/WARNING.*propagat/i);

    const groups = await client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['app'] }] }));
    const app = groups.SecurityGroups![0]!;
    expect(app.Tags).toEqual([{ Key: 'Name', Value: 'app' }]);
    const ingress = app.IpPermissions!.map((p) => ({
      ports: `${p.FromPort}-${p.ToPort}`,
      cidrs: p.IpRanges?.map((r) => `${r.CidrIp} ${r.Description ?? ''}`.trim()),
      groups: p.UserIdGroupPairs?.map((g) => g.GroupId),
    }));
    expect(ingress).toEqual(
      expect.arrayContaining([
        { ports: '80-80', cidrs: ['10.0.0.0/16 web'], groups: [] },
        { ports: '443-443', cidrs: ['10.0.0.0/16 web'], groups: [] },
        { ports: '22-22', cidrs: [], groups: [app.GroupId] },
      ]),
    );
    expect(app.IpPermissionsEgress?.map((p) => [p.IpProtocol, p.IpRanges?.map((r) => r.CidrIp)])).toEqual([['-1', ['0.0.0.0/0']]]);
  });

  it('changes nothing on the second run (idempotent)', async () => {
    const second = await play(playbook('present'));
    expect(second.changed).toBe(false);
  });

  it('deletes the group with state: absent', async () => {
    const gone = await play(playbook('absent'));
    expect(gone.changed).toBe(true);
    const groups = await client.send(new DescribeSecurityGroupsCommand({}));
    expect(groups.SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
  });
});
