/**
 * The real `aws` CLI pointed at the emulator for services it does not serve, as happens to a user
 * with a global AWS_ENDPOINT_URL: each command must fail with a line that names the service and
 * says only EC2 and STS are served here (not "An error occurred ()"), whatever the service's
 * protocol: S3 (REST-XML), SQS and DynamoDB (JSON), SNS (Query), CloudWatch (CBOR). A real EC2
 * action we do not emulate fails as on AWS, and the request log says "not emulated".
 */
import { execFile } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { hasAwsCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/server.js';

if (!hasAwsCli) {
  console.warn('aws-cli-other-services.test.ts: no `aws` executable on PATH; these AWS CLI tests are skipped.');
}

/** Runs `aws <args> --endpoint-url <url>` with test credentials only; resolves with its exit code and output. */
function aws(endpointUrl: string, args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  if (process.env.PYENV_ROOT) env.PYENV_ROOT = process.env.PYENV_ROOT;
  if (process.env.PYENV_VERSION) env.PYENV_VERSION = process.env.PYENV_VERSION;
  return new Promise((resolve, reject) => {
    execFile('aws', [...args, '--endpoint-url', endpointUrl], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : NaN) : 0;
      if (Number.isNaN(exitCode)) reject(error);
      else resolve({ exitCode, stdout, stderr });
    });
  });
}

const NOT_SERVED = 'is not served here: this endpoint emulates only EC2 and STS (ec2-sg-emulator)';

describe.skipIf(!hasAwsCli)('the aws CLI for services the emulator does not serve', () => {
  let emulator: Emulator;
  const events: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void events.push(JSON.parse(line) as Record<string, unknown>) });
    emulator = await startTestServer({ logger });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  const cases = [
    { args: ['s3', 'ls'], operation: 'ListBuckets', service: 's3' },
    { args: ['sqs', 'list-queues'], operation: 'ListQueues', service: 'sqs' },
    { args: ['dynamodb', 'list-tables'], operation: 'ListTables', service: 'dynamodb' },
    { args: ['sns', 'list-topics'], operation: 'ListTopics', service: 'sns' },
    { args: ['cloudwatch', 'list-metrics'], operation: 'ListMetrics', service: 'cloudwatch' },
  ];
  for (const c of cases) {
    it(`aws ${c.args.join(' ')} fails naming ${c.service}`, async () => {
      const result = await aws(emulator.url, c.args);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain(`An error occurred (NotImplemented) when calling the ${c.operation} operation: ${c.service} ${NOT_SERVED}`);
      expect(result.stdout).toBe('');
      expect(events).toContainEqual(expect.objectContaining({ service: c.service, status: 501, code: 'NotImplemented', note: 'not served' }));
    });
  }

  it('aws ec2 describe-instances fails as on AWS, and the log says the action is not emulated', async () => {
    const result = await aws(emulator.url, ['ec2', 'describe-instances']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      'An error occurred (InvalidAction) when calling the DescribeInstances operation: The action DescribeInstances is not valid for this web service.',
    );
    expect(events).toContainEqual(
      expect.objectContaining({ action: 'DescribeInstances', status: 400, code: 'InvalidAction', note: 'not emulated' }),
    );
  });

  it('still serves EC2 and STS to the same CLI', async () => {
    const groups = await aws(emulator.url, ['ec2', 'describe-security-groups', '--output', 'json']);
    expect(groups.exitCode).toBe(0);
    expect(JSON.parse(groups.stdout).SecurityGroups[0].GroupName).toBe('default');
    const identity = await aws(emulator.url, ['sts', 'get-caller-identity', '--output', 'json']);
    expect(identity.exitCode).toBe(0);
    expect(JSON.parse(identity.stdout).Account).toBe('000000000000');
  });
});
