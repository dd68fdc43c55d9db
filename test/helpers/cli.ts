/**
 * Drive the real `aws` CLI against an emulator. The CLI runs as a child process with `execFile`
 * (never the sync variants: the emulator serves from this same process and must keep running
 * while the child waits for it). Credentials and region go into the child's environment only;
 * the user's own config and credential files are hidden from it.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether an executable `aws` is on PATH (looked up without spawning anything). */
export const hasAwsCli: boolean = (process.env.PATH ?? '').split(delimiter).some((dir) => {
  if (dir === '') return false;
  try {
    accessSync(join(dir, 'aws'), constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON when it is JSON (`--output json`), else undefined. */
  readonly json: any;
}

export interface CliOptions {
  readonly region?: string;
  readonly accessKeyId?: string;
}

/** Runs `aws ec2 <args> --endpoint-url <url> --output json` and resolves with its outcome (never rejects on a non-zero exit). */
export function awsEc2(endpointUrl: string, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: options.accessKeyId ?? 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_DEFAULT_REGION: options.region ?? 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
  };
  // pyenv shims need to know which Python they front.
  if (process.env.PYENV_ROOT) env.PYENV_ROOT = process.env.PYENV_ROOT;
  if (process.env.PYENV_VERSION) env.PYENV_VERSION = process.env.PYENV_VERSION;

  const argv = ['ec2', ...args, '--endpoint-url', endpointUrl, '--output', 'json'];
  return new Promise((resolve, reject) => {
    execFile('aws', argv, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : NaN) : 0;
      if (Number.isNaN(exitCode)) {
        reject(error);
        return;
      }
      let json: unknown;
      try {
        json = stdout.trim() === '' ? undefined : JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ exitCode, stdout, stderr, json });
    });
  });
}

/** Like `awsEc2`, but a non-zero exit is a test failure that shows the CLI's stderr. */
export async function awsEc2Ok(endpointUrl: string, args: readonly string[], options: CliOptions = {}): Promise<any> {
  const result = await awsEc2(endpointUrl, args, options);
  if (result.exitCode !== 0) {
    throw new Error(`aws ec2 ${args.join(' ')} exited ${result.exitCode}: ${result.stderr.trim()}`);
  }
  return result.json;
}
