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
}

export interface Emulator {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly store: Store;
  /** Faults and eventual consistency, to change while running (`realism.configure(...)`). */
  readonly realism: Realism;
  /** Back to the state of a fresh start, as `POST /_emulator/reset` does. */
  reset(): void;
  /** Finishes in-flight requests, then closes the server and the database. */
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
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
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    app,
    store,
    realism,
    reset() {
      store.reset();
    },
    stop() {
      stopped ??= app.close().then(() => {
        db.close();
      });
      return stopped;
    },
  };
}
