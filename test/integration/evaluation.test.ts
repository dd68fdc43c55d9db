/**
 * Flow evaluation end to end: a three-tier layout (web open to the world on 443, app reachable
 * from web on 8080, db from app on 5432, default egress) made through the real @aws-sdk/client-ec2
 * against startEmulator, then asked through `emulator.evaluate` and `emulator.evaluateMatrix`; the
 * `ec2-sg-emulator check` command run as a process (the built dist/server/main.js), its output and
 * exit codes, and the commands docs/evaluation.md shows; and the same layout applied by the real
 * Terraform CLI with the hashicorp/aws provider, its matrix asserted, then destroyed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, CreateVpcCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationError, type Emulator, type MatrixAnswer } from '../../server/emulator.js';
import { builtRoot, cleanEnv } from '../helpers/built-server.js';
import { docCommandExamples, loadEvaluationFixture } from '../helpers/evaluation-fixture.js';
import { createGroup, ec2Client, startServerWithClient, startTestServer, stopServer } from '../helpers/server.js';
import { awsProviderBlock, terraformAvailable, terraformWorkdir, type TerraformWorkdir } from '../helpers/terraform.js';

interface Tiers {
  vpcId: string;
  web: string;
  app: string;
  db: string;
}

/** What the three tiers allow, as the matrix must list it (the VPC's default group first). */
function intendedMatrix(tiers: Tiers, defaultGroup: string): Pick<MatrixAnswer, 'pairs' | 'world'> {
  const tcp = (port: number) => [{ protocol: 'tcp', fromPort: port, toPort: port }];
  return {
    pairs: [
      // The default group lets its own members in, and everyone out.
      { from: defaultGroup, to: defaultGroup, family: 'ipv4', allowed: [{ protocol: '-1' }] },
      // Web is open to 0.0.0.0/0 on 443, which contains every member of the VPC.
      { from: defaultGroup, to: tiers.web, family: 'ipv4', allowed: tcp(443) },
      { from: tiers.web, to: tiers.web, family: 'ipv4', allowed: tcp(443) },
      { from: tiers.web, to: tiers.app, family: 'ipv4', allowed: tcp(8080) },
      { from: tiers.app, to: tiers.web, family: 'ipv4', allowed: tcp(443) },
      { from: tiers.app, to: tiers.db, family: 'ipv4', allowed: tcp(5432) },
      { from: tiers.db, to: tiers.web, family: 'ipv4', allowed: tcp(443) },
    ],
    world: [{ from: '0.0.0.0/0', to: tiers.web, family: 'ipv4', allowed: tcp(443) }],
  };
}

describe('a three-tier layout made with the AWS SDK', () => {
  let emulator: Emulator;
  let ec2: EC2Client;
  let tiers: Tiers;

  beforeAll(async () => {
    ({ emulator, ec2 } = await startServerWithClient());
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const web = await createGroup(ec2, 'web', 'web tier', vpcId);
    const app = await createGroup(ec2, 'app', 'app tier', vpcId);
    const db = await createGroup(ec2, 'db', 'db tier', vpcId);
    const ingress = (groupId: string, port: number, peer: { CidrIp: string } | { GroupId: string }) =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, ...('CidrIp' in peer ? { IpRanges: [peer] } : { UserIdGroupPairs: [peer] }) }],
        }),
      );
    await ingress(web, 443, { CidrIp: '0.0.0.0/0' });
    await ingress(app, 8080, { GroupId: web });
    await ingress(db, 5432, { GroupId: app });
    tiers = { vpcId, web, app, db };
  });
  afterAll(() => stopServer(emulator, ec2));

  it('allows exactly the intended flows, each with its deciding rules', () => {
    const cases: [string, unknown, boolean][] = [
      ['the world to web on 443', { from: '0.0.0.0/0', to: tiers.web, protocol: 'tcp', port: 443 }, true],
      ['one address to web on 443', { from: '203.0.113.50', to: tiers.web, protocol: 'tcp', port: 443 }, true],
      ['the world to web on 80', { from: '0.0.0.0/0', to: tiers.web, protocol: 'tcp', port: 80 }, false],
      ['the world to web over IPv6', { from: '::/0', to: tiers.web, protocol: 'tcp', port: 443 }, false],
      ['web to app on 8080', { from: tiers.web, to: tiers.app, protocol: 'tcp', port: 8080 }, true],
      ['the world to app on 8080', { from: '0.0.0.0/0', to: tiers.app, protocol: 'tcp', port: 8080 }, false],
      ['app to db on 5432', { from: tiers.app, to: tiers.db, protocol: 'tcp', port: 5432 }, true],
      ['web to db on 5432', { from: tiers.web, to: tiers.db, protocol: 'tcp', port: 5432 }, false],
      ['db to app on 8080', { from: tiers.db, to: tiers.app, protocol: 'tcp', port: 8080 }, false],
      ['db out to the internet', { from: tiers.db, to: '8.8.8.8', protocol: 'udp', port: 53 }, true],
    ];
    for (const [name, flow, allowed] of cases) {
      const verdict = emulator.evaluate(flow as Parameters<Emulator['evaluate']>[0]);
      expect([name, verdict.allowed]).toEqual([name, allowed]);
    }
    const appToDb = emulator.evaluate({ from: tiers.app, to: tiers.db, protocol: 'tcp', port: 5432 });
    expect(appToDb.egress.matchedRules.map((r) => [r.groupId, r.summary])).toEqual([[tiers.app, 'all traffic to 0.0.0.0/0']]);
    expect(appToDb.ingress.matchedRules.map((r) => [r.groupId, r.summary])).toEqual([[tiers.db, `tcp 5432 from ${tiers.app}`]]);
    expect(appToDb.ingress.matchedRules[0]!.securityGroupRuleId).toMatch(/^sgr-[0-9a-f]{17}$/);
  });

  it('lists exactly the intended flows in the VPC’s matrix', () => {
    const matrix = emulator.evaluateMatrix({ vpcId: tiers.vpcId });
    expect(matrix.groups.map((g) => g.groupName)).toEqual(['default', 'web', 'app', 'db']);
    expect({ pairs: matrix.pairs, world: matrix.world }).toEqual(intendedMatrix(tiers, matrix.groups[0]!.groupId));
  });

  it('throws an EvaluationError for bad input', () => {
    expect(() => emulator.evaluate({ from: tiers.web, to: tiers.db, protocol: 'tcp' })).toThrow(EvaluationError);
    try {
      emulator.evaluateMatrix({ vpcId: 'vpc-0123456789abcdef0' });
      expect.unreachable();
    } catch (err) {
      expect([(err as EvaluationError).code, (err as Error).message]).toEqual(['InvalidVpcID.NotFound', "The vpc ID 'vpc-0123456789abcdef0' does not exist"]);
    }
  });

  describe('the check command, as a process', () => {
    let main: string;
    let scratch: string;

    beforeAll(async () => {
      main = join(await builtRoot(), 'dist', 'server', 'main.js');
      scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-check-'));
    }, 180_000);
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    /** Runs `ec2-sg-emulator check …` without blocking this process, which serves the emulator. */
    const check = (args: string[], env: Record<string, string> = {}) => runProcess(process.execPath, [main, 'check', ...args], scratch, env);
    const withEndpoint = (args: string[]) => check(['--endpoint', emulator.url, ...args]);

    it('prints ALLOWED with the deciding rules and exits 0', async () => {
      const run = await withEndpoint(['--from', tiers.app, '--to', tiers.db, '--protocol', 'tcp', '--port', '5432']);
      expect(run.code).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe(`ALLOWED: tcp port 5432 from ${tiers.app} to ${tiers.db} (IPv4)`);
      expect(lines[1]).toMatch(new RegExp(`^  egress of the source \\(${tiers.app}\\): allowed by sgr-[0-9a-f]{17}$`));
      expect(lines[3]).toMatch(new RegExp(`^  ingress of the destination \\(${tiers.db}\\): allowed by sgr-[0-9a-f]{17}$`));
      expect(lines[4]).toContain(`tcp 5432 from ${tiers.app}`);
      expect(run.stderr).toBe('');
    });

    it('prints DENIED with the closest rule and why, and exits 1', async () => {
      const run = await withEndpoint(['--from', tiers.web, '--to', tiers.db, '--protocol', 'tcp', '--port', '5432']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^DENIED: tcp port 5432/);
      expect(run.stdout).toContain(`  ingress of the destination (${tiers.db}): no rule matches`);
      expect(run.stdout).toContain(`references ${tiers.app}, which the source does not hold`);
    });

    it('takes an outside address, several groups repeated or comma-separated, an address, and ICMP', async () => {
      expect((await withEndpoint(['--from', '0.0.0.0/0', '--to', tiers.web, '--protocol', 'tcp', '--port', '443'])).code).toBe(0);
      expect((await withEndpoint(['--from', '0.0.0.0/0', '--to', tiers.web, '--protocol', '6', '--port', '80'])).code).toBe(1);
      expect((await withEndpoint(['--from', tiers.db, '--from', tiers.web, '--to', tiers.app, '--protocol', 'tcp', '--port', '8080'])).code).toBe(0);
      expect((await withEndpoint(['--from', `${tiers.db},${tiers.web}`, '--to', tiers.app, '--protocol', 'tcp', '--port', '8080'])).code).toBe(0);
      const addressed = await withEndpoint(['--from', tiers.web, '--from-address', '10.0.7.7', '--to', tiers.app, '--protocol', 'tcp', '--port', '8080']);
      expect(addressed.stdout.split('\n')[0]).toBe(`ALLOWED: tcp port 8080 from ${tiers.web} at 10.0.7.7 to ${tiers.app} (IPv4)`);
      const ping = await withEndpoint(['--from', '0.0.0.0/0', '--to', tiers.web, '--protocol', 'icmp', '--icmp-type', '8']);
      expect([ping.code, ping.stdout.split('\n')[0]]).toEqual([1, `DENIED: icmp type 8 code 0 from 0.0.0.0/0 to ${tiers.web} (IPv4)`]);
    });

    it('prints the JSON answer with --json', async () => {
      const run = await withEndpoint(['--json', '--from', tiers.app, '--to', tiers.db, '--protocol', 'tcp', '--port', '5432']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(emulator.evaluate({ from: tiers.app, to: tiers.db, protocol: 'tcp', port: 5432 }))));
    });

    it('finds the emulator through AWS_ENDPOINT_URL_EC2, then AWS_ENDPOINT_URL', async () => {
      const args = ['--from', tiers.app, '--to', tiers.db, '--protocol', 'tcp', '--port', '5432'];
      expect((await check(args, { AWS_ENDPOINT_URL_EC2: emulator.url, AWS_ENDPOINT_URL: 'http://127.0.0.1:1' })).code).toBe(0);
      expect((await check(args, { AWS_ENDPOINT_URL: emulator.url })).code).toBe(0);
    });

    it('exits 2 on usage errors and refused requests, saying why on stderr', async () => {
      const cases: [string[], string][] = [
        [['--from', tiers.app, '--to', tiers.db, '--port', '5432'], '--protocol is required'],
        [['--to', tiers.db, '--protocol', 'tcp', '--port', '5432'], '--from is required'],
        [['--from', tiers.app, '--to', tiers.db, '--protocol', 'tcp', '--port', 'http'], "--port: 'http' is not a whole number"],
        [['--from', tiers.app, '--to', tiers.db, '--protocol', 'tcp', '--prot', '1'], "Unknown option '--prot'"],
        [['--from', '0.0.0.0/0', '--from-address', '10.0.0.1', '--to', tiers.db, '--protocol', 'tcp', '--port', '1'], '--from-address: only with --from sg-… or eni-…'],
        [['--from', tiers.app, '--to', tiers.db, '--protocol', 'tcp'], 'the emulator answered 400 InvalidFlow: port: required for tcp (0-65535)'],
        [['--from', 'sg-0123456789abcdef0', '--to', tiers.db, '--protocol', 'tcp', '--port', '1'], "The security group 'sg-0123456789abcdef0' does not exist"],
      ];
      for (const [args, says] of cases) {
        const run = await withEndpoint(args);
        expect([args, run.code, run.stdout]).toEqual([args, 2, '']);
        expect(run.stderr).toContain(says);
        expect(run.stderr).toMatch(/^ec2-sg-emulator check: /);
      }
    });

    it('exits 2 when nothing listens at the endpoint', async () => {
      const port = await closedPort();
      const run = await check(['--endpoint', `http://127.0.0.1:${port}`, '--from', tiers.app, '--to', tiers.db, '--protocol', 'tcp', '--port', '5432']);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`ec2-sg-emulator check: cannot reach an emulator at http://127.0.0.1:${port}: ECONNREFUSED\n`);
    });

    it('exits 2 when the emulator’s control endpoints are off', async () => {
      const off = await startTestServer({ controlEndpoints: false });
      try {
        const run = await check(['--endpoint', off.url, '--from', '0.0.0.0/0', '--to', tiers.db, '--protocol', 'tcp', '--port', '1']);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain('the emulator answered 404 NotFound: control endpoints are turned off');
      } finally {
        await off.stop();
      }
    });

    it('prints its own help, and the server’s --help mentions it', async () => {
      const help = await check(['--help']);
      expect([help.code, help.stderr]).toEqual([0, '']);
      expect(help.stdout).toMatch(/^Usage: ec2-sg-emulator check /);
      for (const flag of ['--from', '--to', '--protocol', '--port', '--icmp-type', '--from-address', '--endpoint', '--json']) expect(help.stdout).toContain(flag);
      const serverHelp = await runProcess(process.execPath, [main, '--help'], scratch, {});
      expect(serverHelp.stdout).toContain('ec2-sg-emulator check --from');
    });

    describe('the commands of docs/evaluation.md', () => {
      let documented: Emulator;
      beforeAll(async () => {
        documented = await startTestServer();
        loadEvaluationFixture(documented.store);
      });
      afterAll(() => documented.stop());

      const examples = docCommandExamples();
      it('are found on the page, each with its exit code', () => {
        expect(examples.length).toBeGreaterThanOrEqual(3);
        for (const example of examples) expect(example.exitCode).toBeTypeOf('number');
      });

      it.each(examples.map((e) => [`docs/evaluation.md:${e.line}`, e] as const))('%s prints what the page shows', async (_where, example) => {
        expect(example.args[0]).toBe('check');
        const run = await runProcess(process.execPath, [main, ...example.args], scratch, { AWS_ENDPOINT_URL: documented.url });
        expect({ stdout: run.stdout, code: run.code }).toEqual({ stdout: example.output, code: example.exitCode });
      });
    });
  });
});

// ---------------------------------------------------------------- real Terraform

const availability = terraformAvailable();
if (!availability.ok) console.warn(`[evaluation] the Terraform suite is skipped: ${availability.why}`);
const providerVersion = availability.ok ? availability.providerVersion : '';

describe.skipIf(!availability.ok)('the three tiers applied by real Terraform', { timeout: 240_000 }, () => {
  let emulator: Emulator;
  let client: EC2Client;
  let tf: TerraformWorkdir;

  beforeAll(async () => {
    emulator = await startTestServer();
    client = ec2Client(emulator.url);
    tf = terraformWorkdir('evaluation');
    tf.writeConfig(`${awsProviderBlock(providerVersion, emulator.url)}
resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}
resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.web.id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
output "vpc_id" { value = aws_vpc.main.id }
output "web_id" { value = aws_security_group.web.id }
output "app_id" { value = aws_security_group.app.id }
output "db_id" { value = aws_security_group.db.id }
`);
    await tf.terraform('init', '-input=false');
  }, 300_000);

  afterAll(async () => {
    await stopServer(emulator, client);
    tf?.remove();
  });

  it('applies, and the matrix holds exactly the intended flows', async () => {
    await tf.terraform('apply', '-auto-approve', '-input=false');
    const ids = await tf.outputs();
    const tiers: Tiers = { vpcId: ids['vpc_id']!, web: ids['web_id']!, app: ids['app_id']!, db: ids['db_id']! };
    const matrix = emulator.evaluateMatrix({ vpcId: tiers.vpcId });
    expect(matrix.groups.map((g) => g.groupName)).toEqual(['default', 'web', 'app', 'db']);
    expect({ pairs: matrix.pairs, world: matrix.world }).toEqual(intendedMatrix(tiers, matrix.groups[0]!.groupId));
    expect(emulator.evaluate({ from: tiers.web, to: tiers.db, protocol: 'tcp', port: 5432 }).verdict).toBe('DENIED');
  });

  it('destroys it all: the VPC is gone, and so is its matrix', async () => {
    const { vpc_id: vpcId } = await tf.outputs();
    await tf.terraform('destroy', '-auto-approve', '-input=false');
    expect(() => emulator.evaluateMatrix({ vpcId: vpcId! })).toThrow(`The vpc ID '${vpcId}' does not exist`);
  });
});

// ---------------------------------------------------------------- helpers

/** Runs a process to its end without blocking the event loop (the emulator answers it from here). */
function runProcess(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A port nothing listens on: one the OS just gave out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

