/**
 * Configuration from command-line flags and environment variables (a flag wins over its variable).
 * Bad values stop the process with one line naming the problem; see `--help`.
 */
import { parseArgs } from 'node:util';
import { parseCredentialList, type CredentialStore } from './auth.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { Realism, type FaultRule, type RealismSettings } from './realism.js';

export interface Config {
  readonly host: string;
  readonly port: number;
  /** `:memory:` (the default) or a file path. */
  readonly dbPath: string;
  readonly defaultRegion: string;
  readonly defaultAccountId: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly logFormat: 'pretty' | 'json';
  readonly limits: Limits;
  /** The JSON endpoints under /_emulator/ (health, reset, state, realism). */
  readonly controlEndpoints: boolean;
  /** When set, every EC2/STS request must carry a valid SigV4 signature by one of these keys. */
  readonly credentials: CredentialStore | undefined;
  /** When set, /_emulator/* and /moto-api/* require this token (or, with credentials, a signature). */
  readonly controlToken: string | undefined;
  /** Injected faults and eventual consistency; none by default. */
  readonly realism: RealismSettings;
  /** Requests the journal keeps (GET /_emulator/requests, the console); 0 turns it off. */
  readonly journalSize: number;
}

export class ConfigError extends Error {}

export const HELP = `ec2-sg-emulator: a local emulator of the Amazon EC2 security-group API

Usage: ec2-sg-emulator [options]
       ec2-sg-emulator check --from SOURCE --to DEST --protocol P [--port N]  would the groups allow it?
                           ALLOWED (exit 0) or DENIED (exit 1) with the deciding rules; see check --help

Options (each has an environment variable; the flag wins):
  --host HOST              address to listen on          HOST       (default 127.0.0.1)
  --port N                 port, 0 picks a free one      PORT       (default 4566)
  --db PATH                SQLite file to keep state in  DB_PATH    (default: in memory)
  --region NAME            region of unsigned requests   AWS_DEFAULT_REGION (default us-east-1)
  --account-id ID          12-digit default account      ACCOUNT_ID (default 000000000000)
  --log-level LEVEL        fatal|error|warn|info|debug|trace|silent  LOG_LEVEL (default info)
  --log-format FORMAT      pretty|json                   LOG_FORMAT (default pretty)
  --rules-per-group N      rule quota per direction and IP family  RULES_PER_SECURITY_GROUP (default 60)
  --groups-per-region N    security-group quota per region         SECURITY_GROUPS_PER_REGION (default 2500)
  --prefix-lists-per-region N  customer prefix-list quota per region  PREFIX_LISTS_PER_REGION (default 100)
  --no-control             turn off /_emulator/* (health, reset, state, realism)  CONTROL_ENDPOINTS=off
  --credentials LIST       verify SigV4 with these keys: AKID:SECRET[,AKID:SECRET…]  AUTH_CREDENTIALS (default: off)
  --control-token TOKEN    /_emulator/* needs 'Authorization: Bearer TOKEN' or 'x-emulator-control-token: TOKEN'  CONTROL_TOKEN (default: off)
  --faults JSON            injected faults, e.g. '[{"action":"*","error":"RequestLimitExceeded","rate":0.2}]'  FAULTS
  --consistency-delay-ms N new resources stay out of describe calls for N ms  CONSISTENCY_DELAY_MS (default 0)
  --journal-size N         requests kept for /_emulator/requests and the console, 0 = off  JOURNAL_SIZE (default 1000)
  -h, --help               show this help
  -v, --version            print the version and exit
`;

/**
 * `-v` / `--version` anywhere on the command line: print the version instead of starting, whatever
 * the other flags say (they are not checked, as a version query must answer even with stale ones).
 */
export function wantsVersion(argv: readonly string[]): boolean {
  return argv.includes('--version') || argv.includes('-v');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        db: { type: 'string' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        'rules-per-group': { type: 'string' },
        'groups-per-region': { type: 'string' },
        'prefix-lists-per-region': { type: 'string' },
        'no-control': { type: 'boolean' },
        credentials: { type: 'string' },
        'control-token': { type: 'string' },
        faults: { type: 'string' },
        'consistency-delay-ms': { type: 'string' },
        'journal-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (values.help) return 'help';
  const pick = (flag: string, variable: string): string | undefined => {
    const value = values[flag];
    return typeof value === 'string' ? value : env[variable] || undefined;
  };

  const port = integer(pick('port', 'PORT') ?? '4566', '--port / PORT', 0, 65535);
  const region = pick('region', 'AWS_DEFAULT_REGION') ?? 'us-east-1';
  const regionFault = regionProblem(region);
  if (regionFault) throw new ConfigError(`--region / AWS_DEFAULT_REGION: ${regionFault}`);
  const account = pick('account-id', 'ACCOUNT_ID') ?? '000000000000';
  const accountFault = accountIdProblem(account);
  if (accountFault) throw new ConfigError(`--account-id / ACCOUNT_ID: ${accountFault}`);
  const logLevel = pick('log-level', 'LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`--log-level / LOG_LEVEL: '${logLevel}' is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const logFormat = pick('log-format', 'LOG_FORMAT') ?? 'pretty';
  if (logFormat !== 'pretty' && logFormat !== 'json') throw new ConfigError(`--log-format / LOG_FORMAT: '${logFormat}' is not pretty or json`);

  const controlVariable = (env['CONTROL_ENDPOINTS'] || 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(controlVariable)) {
    throw new ConfigError(`CONTROL_ENDPOINTS: '${env['CONTROL_ENDPOINTS']}' is not on or off`);
  }
  const controlEndpoints = values['no-control'] !== true && !['off', 'false', '0'].includes(controlVariable);

  let credentials: CredentialStore | undefined;
  const credentialList = pick('credentials', 'AUTH_CREDENTIALS');
  if (credentialList !== undefined) {
    try {
      credentials = parseCredentialList(credentialList);
    } catch (err) {
      throw new ConfigError(`--credentials / AUTH_CREDENTIALS: ${(err as Error).message}`);
    }
    if (credentials.size === 0) throw new ConfigError('--credentials / AUTH_CREDENTIALS: no ACCESS_KEY_ID:SECRET pair given');
  }
  const controlToken = pick('control-token', 'CONTROL_TOKEN');
  if (controlToken !== undefined && controlTokenProblem(controlToken)) {
    throw new ConfigError(`--control-token / CONTROL_TOKEN: ${controlTokenProblem(controlToken)}`);
  }
  const realism = realismSettings(pick('faults', 'FAULTS'), pick('consistency-delay-ms', 'CONSISTENCY_DELAY_MS'));

  const journalSize = integer(pick('journal-size', 'JOURNAL_SIZE') ?? '1000', '--journal-size / JOURNAL_SIZE', 0, 1_000_000);

  return {
    journalSize,
    controlEndpoints,
    credentials,
    controlToken,
    realism,
    host: pick('host', 'HOST') ?? '127.0.0.1',
    port,
    dbPath: pick('db', 'DB_PATH') ?? ':memory:',
    defaultRegion: region,
    defaultAccountId: account,
    logLevel: logLevel as Config['logLevel'],
    logFormat,
    limits: {
      rulesPerSecurityGroup: integer(
        pick('rules-per-group', 'RULES_PER_SECURITY_GROUP') ?? String(DEFAULT_LIMITS.rulesPerSecurityGroup),
        '--rules-per-group / RULES_PER_SECURITY_GROUP',
        1,
        100000,
      ),
      securityGroupsPerRegion: integer(
        pick('groups-per-region', 'SECURITY_GROUPS_PER_REGION') ?? String(DEFAULT_LIMITS.securityGroupsPerRegion),
        '--groups-per-region / SECURITY_GROUPS_PER_REGION',
        1,
        10000000,
      ),
      prefixListsPerRegion: integer(
        pick('prefix-lists-per-region', 'PREFIX_LISTS_PER_REGION') ?? String(DEFAULT_LIMITS.prefixListsPerRegion),
        '--prefix-lists-per-region / PREFIX_LISTS_PER_REGION',
        1,
        100000,
      ),
    },
  };
}

function realismSettings(faultsJson: string | undefined, delay: string | undefined): RealismSettings {
  const consistencyDelayMs = integer(delay ?? '0', '--consistency-delay-ms / CONSISTENCY_DELAY_MS', 0, 3_600_000);
  let faults: FaultRule[] = [];
  if (faultsJson !== undefined) {
    try {
      faults = JSON.parse(faultsJson) as FaultRule[];
    } catch (err) {
      throw new ConfigError(`--faults / FAULTS: not JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(faults)) throw new ConfigError('--faults / FAULTS: expected a JSON array of fault rules');
  }
  const settings = { faults, consistencyDelayMs };
  try {
    new Realism(settings); // validates every rule
  } catch (err) {
    throw new ConfigError(`--faults / FAULTS: ${(err as Error).message}`);
  }
  return settings;
}

/** Why `region` is not a region name, or undefined when it is one (the command line and startEmulator). */
export function regionProblem(region: unknown): string | undefined {
  return typeof region === 'string' && /^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(region) ? undefined : `'${String(region)}' is not a region name`;
}

/** Why `accountId` is not an account id, or undefined when it is one (the command line and startEmulator). */
export function accountIdProblem(accountId: unknown): string | undefined {
  return typeof accountId === 'string' && /^[0-9]{12}$/.test(accountId) ? undefined : `'${String(accountId)}' is not a 12-digit account id`;
}

/** Why `token` cannot be a control token (it travels in a header), or undefined when it can. */
export function controlTokenProblem(token: unknown): string | undefined {
  if (typeof token !== 'string' || token.length === 0) return 'the token is empty';
  return /^[\x21-\x7e]+$/.test(token) ? undefined : 'the token must be printable ASCII without spaces (it is sent in a header)';
}

function integer(raw: string, label: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${label}: '${raw}' is not a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}
