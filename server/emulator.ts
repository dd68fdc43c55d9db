/**
 * The programmatic API and the package's main entry: start an emulator, get its URL, reset it,
 * stop it. Used by `main`, by our tests, and by users who embed it in their own test runner (a
 * vitest globalSetup, say: examples/vitest-global-setup.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openDatabase, type Db } from '../store/db.js';
import { createStore, type Store } from '../store/store.js';
import { buildApp } from './app.js';
import { preloadCidrLibrary } from '../protocol/cidr.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { Realism, type RealismSettings } from './realism.js';
import { accountIdProblem, ConfigError, controlTokenProblem, regionProblem } from './config.js';
import type { JournalFilter, JournalRecord } from './journal.js';
import { evaluateFlowInStore, evaluateMatrixInStore, type FlowRequest, type FlowVerdict, type MatrixAnswer, type MatrixRequest } from './evaluation/evaluate.js';

export type { JournalFilter, JournalRecord, Outcome, OutputSummary } from './journal.js';
/** What startEmulator throws for options the command line would refuse too (`err instanceof ConfigError`). */
export { ConfigError } from './config.js';
export { EvaluationError, type EndpointRequest, type FlowRequest, type FlowVerdict, type MatrixAnswer, type MatrixRequest } from './evaluation/evaluate.js';

export interface EmulatorOptions {
  readonly host?: string;
  /** 0 (the default here) picks a free port. */
  readonly port?: number;
  readonly dbPath?: string;
  readonly defaultRegion?: string;
  readonly defaultAccountId?: string;
  readonly limits?: Partial<Limits>;
  readonly logger?: Logger;
  /** The JSON endpoints under /_emulator/ (health, reset, state, realism); on unless false. */
  readonly controlEndpoints?: boolean;
  /** Verify SigV4 on every request with these keys (access key id → secret); off when absent. */
  readonly credentials?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Injected faults and eventual consistency at start; changeable later through `realism`. */
  readonly realism?: RealismSettings;
  /** Requests the journal keeps for `requests()` and the console (default 1,000); 0 turns it off. */
  readonly journalSize?: number;
  /**
   * A shared secret /_emulator/* and /moto-api/* then require, as `Authorization: Bearer TOKEN` or
   * `x-emulator-control-token: TOKEN` (with `credentials`, a SigV4 signature does too).
   */
  readonly controlToken?: string;
  /** Longest a client may take to send one request, headers and body (default 30,000 ms): then 408. */
  readonly requestTimeoutMs?: number;
  /** Connections held at once (default 1,024); past it new connections are closed as they arrive. */
  readonly maxConnections?: number;
}

export interface Emulator {
  /** Where to connect: 127.0.0.1 when listening on every interface. */
  readonly url: string;
  /** The address as bound, for the start-up line: `http://0.0.0.0:4566` on every interface. */
  readonly listenUrl: string;
  /** Whether other machines can reach it: bound to anything but a loopback address. */
  readonly exposed: boolean;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly store: Store;
  /** Faults and eventual consistency, to change while running (`realism.configure(...)`). */
  readonly realism: Realism;
  /** Back to the state of a fresh start, as `POST /_emulator/reset` does; empties the journal too. */
  reset(): void;
  /**
   * The EC2 and STS requests it answered, oldest first, optionally filtered: what the code under
   * test called, with its parsed input and the answer (docs/console.md). Empty when the journal is off.
   */
  requests(filter?: JournalFilter): JournalRecord[];
  /**
   * Would this traffic be allowed by the security groups? The answer names the deciding rules
   * (docs/evaluation.md); bad input throws an EvaluationError (`code`, `message`).
   */
  evaluate(flow: FlowRequest): FlowVerdict;
  /** The traffic allowed between every ordered pair of a VPC's groups (or of the given ones), and from the world. */
  evaluateMatrix(request: MatrixRequest): MatrixAnswer;
  /** Finishes in-flight requests, then closes the server and the database. */
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  checkOptions(options);
  await preloadCidrLibrary();
  const db: Db = openDatabase(options.dbPath ?? ':memory:');
  const store = createStore(db);
  const realism = new Realism(options.realism);
  const credentials =
    options.credentials === undefined
      ? undefined
      : options.credentials instanceof Map
        ? options.credentials
        : new Map(Object.entries(options.credentials));
  const app = buildApp({
    realism,
    ...(credentials ? { credentials } : {}),
    store,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    defaultRegion: options.defaultRegion ?? 'us-east-1',
    defaultAccountId: options.defaultAccountId ?? '000000000000',
    logger: options.logger,
    controlEndpoints: options.controlEndpoints ?? true,
    ...(options.journalSize !== undefined ? { journalSize: options.journalSize } : {}),
    ...(options.controlToken !== undefined ? { controlToken: options.controlToken } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  // Fastify logs "Server listening at …" at info; the caller prints the one start-up line itself.
  const level = app.log.level;
  app.log.level = 'warn';
  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (err) {
    db.close();
    throw err;
  } finally {
    app.log.level = level;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const boundTo = typeof address === 'object' && address ? address.address : host;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    listenUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    exposed: !isLoopback(boundTo),
    port,
    app,
    store,
    realism,
    reset() {
      store.reset();
      app.ec2Journal?.clear();
    },
    requests(filter) {
      return app.ec2Journal?.records(filter) ?? [];
    },
    evaluate(flow) {
      return evaluateFlowInStore(store, { accountId: options.defaultAccountId ?? '000000000000', region: options.defaultRegion ?? 'us-east-1' }, flow);
    },
    evaluateMatrix(request) {
      return evaluateMatrixInStore(store, { accountId: options.defaultAccountId ?? '000000000000', region: options.defaultRegion ?? 'us-east-1' }, request);
    },
    stop() {
      stopped ??= app.close().then(() => {
        db.close();
      });
      return stopped;
    },
  };
}

/** 127.0.0.0/8, ::1 and 127.x mapped into IPv6: reachable from this machine only. */
function isLoopback(address: string): boolean {
  return address === '::1' || address === 'localhost' || /^(?:::ffff:)?127\./i.test(address);
}

/**
 * The one warning of a start on a non-loopback address whose control endpoints anyone who can
 * reach the port may call (no token, no signature checking); undefined when there is nothing to say.
 */
export function exposureWarning(
  emulator: Pick<Emulator, 'exposed' | 'listenUrl' | 'port'>,
  options: Pick<EmulatorOptions, 'controlEndpoints' | 'controlToken' | 'credentials'>,
): string | undefined {
  if (!emulator.exposed || options.controlEndpoints === false || options.controlToken !== undefined || options.credentials !== undefined) {
    return undefined;
  }
  return (
    `listening on ${emulator.listenUrl}, reachable from other machines: anyone who can reach port ${emulator.port} ` +
    'may dump, replace or reset all state and inject faults through /_emulator/ (and the web console there). ' +
    'Set --control-token TOKEN (CONTROL_TOKEN) to require a token, or --no-control to turn them off'
  );
}

/**
 * Every option startEmulator knows: a misspelt one (`prot: 4566`) is refused rather than ignored.
 * Typed by EmulatorOptions, so a new option that is not listed here fails the typecheck.
 */
const OPTION_NAMES = {
  host: true,
  port: true,
  dbPath: true,
  defaultRegion: true,
  defaultAccountId: true,
  limits: true,
  logger: true,
  controlEndpoints: true,
  credentials: true,
  realism: true,
  journalSize: true,
  controlToken: true,
  requestTimeoutMs: true,
  maxConnections: true,
} satisfies Record<keyof EmulatorOptions, true>;

/** Refuses what the command line refuses (server/config.ts), before anything is opened. */
function checkOptions(options: EmulatorOptions): void {
  const fail = (problem: string): never => {
    throw new ConfigError(`startEmulator: ${problem}`);
  };
  for (const name of Object.keys(options)) {
    if (!Object.hasOwn(OPTION_NAMES, name)) fail(`unknown option '${name}' (the options are ${Object.keys(OPTION_NAMES).join(', ')})`);
  }
  if (options.defaultRegion !== undefined) {
    const problem = regionProblem(options.defaultRegion);
    if (problem) fail(`defaultRegion: ${problem}`);
  }
  if (options.defaultAccountId !== undefined) {
    const problem = accountIdProblem(options.defaultAccountId);
    if (problem) fail(`defaultAccountId: ${problem}`);
  }
  for (const [name, value] of Object.entries(options.limits ?? {})) {
    if (!Object.hasOwn(DEFAULT_LIMITS, name)) fail(`unknown limit '${name}' (the limits are ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    if (!(Number.isInteger(value) && value >= 1)) fail(`limits.${name}: '${String(value)}' is not a whole number, 1 or more`);
  }
  if (options.controlToken !== undefined && controlTokenProblem(options.controlToken)) fail(`controlToken: ${controlTokenProblem(options.controlToken)}`);
  for (const name of ['requestTimeoutMs', 'maxConnections'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) fail(`${name}: '${String(value)}' is not a whole number, 1 or more`);
  }
  if (options.realism !== undefined) {
    try {
      new Realism(options.realism); // validates every fault rule
    } catch (err) {
      fail(`realism: ${(err as Error).message}`);
    }
  }
}
