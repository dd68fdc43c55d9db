/**
 * Configuration is validated wherever it comes in: startEmulator() refuses what the command line
 * refuses (unknown options, a bad region or account id), a fault rule naming an action that is
 * not served here is refused with the reason wherever it is given, and a port that is taken stops
 * the process with a line that names the port and the way out.
 */
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
// The class embedders catch, exported beside startEmulator.
import { ConfigError, startEmulator, type EmulatorOptions } from '../../server/emulator.js';
import { Realism } from '../../server/realism.js';
import { builtRoot, cleanEnv, runToEnd } from '../helpers/built-server.js';
import { ec2ErrorOf, startTestServer, stsClient } from '../helpers/server.js';

/** startEmulator's refusal of `options`: a ConfigError, and its message. */
async function refusal(options: EmulatorOptions): Promise<string> {
  const error = await startEmulator(options).then(
    async (emulator) => {
      await emulator.stop();
      throw new Error(`startEmulator accepted ${JSON.stringify(options)}`);
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as Error).message;
}

describe('startEmulator() validates its options as the command line does', () => {
  it('refuses an option it does not know, naming it and the ones it knows', async () => {
    const message = await refusal({ prot: 4566 } as unknown as EmulatorOptions);
    expect(message).toMatch(/^startEmulator: unknown option 'prot' \(the options are host, port, /);
  });

  it('refuses a region or an account id in the words of the command line', async () => {
    const region = await refusal({ port: 0, defaultRegion: 'moon' });
    const account = await refusal({ port: 0, defaultAccountId: '123' });
    expect(region).toBe("startEmulator: defaultRegion: 'moon' is not a region name");
    expect(account).toBe("startEmulator: defaultAccountId: '123' is not a 12-digit account id");
    // The same check, the same words, behind the flags.
    expect(() => loadConfig(['--region', 'moon'], {})).toThrow("--region / AWS_DEFAULT_REGION: 'moon' is not a region name");
    expect(() => loadConfig(['--account-id', '123'], {})).toThrow("--account-id / ACCOUNT_ID: '123' is not a 12-digit account id");
  });

  it('refuses an unknown limit and a limit that is not a whole number', async () => {
    expect(await refusal({ port: 0, limits: { rulesPerGroup: 5 } as never })).toMatch(/unknown limit 'rulesPerGroup'/);
    expect(await refusal({ port: 0, limits: { rulesPerSecurityGroup: 0 } })).toMatch(/limits\.rulesPerSecurityGroup/);
  });

  it('still starts with valid options', async () => {
    const emulator = await startEmulator({ port: 0, defaultRegion: 'eu-west-2', defaultAccountId: '123456789012', limits: { rulesPerSecurityGroup: 5 } });
    await emulator.stop();
  });
});

describe('fault rules name an action that is served here', () => {
  const unservedMessages = [
    ['DescribeInstances', "fault.action 'DescribeInstances' is an EC2 action this emulator does not serve, so the fault could never fire"],
    ['DescribeSecurityGroup', "fault.action 'DescribeSecurityGroup' is not an action this emulator serves"],
  ] as const;

  it('is refused by the Realism settings, with the reason', () => {
    for (const [action, message] of unservedMessages) {
      expect(() => new Realism({ faults: [{ action }], consistencyDelayMs: 0 })).toThrow(message);
    }
    expect(() => new Realism({ faults: [{ action: '*' }, { action: 'CreateSecurityGroup' }, { action: 'GetCallerIdentity' }], consistencyDelayMs: 0 })).not.toThrow();
    expect(() => new Realism({ faults: [{ action: '*', rat: 0.5 } as never], consistencyDelayMs: 0 })).toThrow(/fault field 'rat'/);
  });

  it('is refused by --faults, by startEmulator and by PUT /_emulator/realism', async () => {
    expect(() => loadConfig(['--faults', '[{"action":"DescribeInstances"}]'], {})).toThrow(/--faults \/ FAULTS: fault\.action 'DescribeInstances'/);
    expect(await refusal({ port: 0, realism: { faults: [{ action: 'DescribeInstances' }], consistencyDelayMs: 0 } })).toMatch(
      /^startEmulator: realism: fault\.action 'DescribeInstances' is an EC2 action/,
    );
    const emulator = await startTestServer();
    try {
      const response = await fetch(`${emulator.url}/_emulator/realism`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ faults: [{ action: 'DescribeInstances', error: 'Unavailable' }] }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'InvalidRealism', message: unservedMessages[0][1] });
      expect(emulator.realism.settings().faults).toEqual([]);
    } finally {
      await emulator.stop();
    }
  });

  it('accepts STS GetCallerIdentity, and its fault comes in STS’s envelope', async () => {
    const emulator = await startTestServer({ realism: { faults: [{ action: 'GetCallerIdentity', error: 'Unavailable', nth: 1 }], consistencyDelayMs: 0 } });
    const sts = stsClient(emulator.url);
    try {
      expect(await ec2ErrorOf(() => sts.send(new GetCallerIdentityCommand({})))).toMatchObject({ code: 'Unavailable', status: 503 });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
    } finally {
      sts.destroy();
      await emulator.stop();
    }
  });
});

describe('a port already in use', () => {
  let main: string;
  let scratch: string;
  beforeAll(async () => {
    main = join(await builtRoot(), 'dist', 'server', 'main.js');
    scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-port-'));
  }, 180_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('stops with exit code 2 and one line naming the port, a likely holder and --port', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      for (const [args, env] of [
        [['--port', String(port)], {}],
        [[], { PORT: String(port) }],
      ] as const) {
        const result = runToEnd([main, ...args], { cwd: scratch, env: cleanEnv(env) });
        expect(result.status).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(
          `ec2-sg-emulator: port ${port} is already in use on 127.0.0.1 (another emulator such as LocalStack may be using it); ` +
            'choose another with --port N or PORT=N\n',
        );
      }
    } finally {
      holder.close();
    }
  });
});
