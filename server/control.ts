/**
 * Control endpoints for test suites, under the reserved prefix `/_emulator/` (no EC2 action lives
 * there). They answer JSON, never EC2 XML:
 *
 *   GET  /_emulator/health   {status, version, uptimeSeconds, counts}
 *   POST /_emulator/reset    back to the state of a fresh start
 *   POST /moto-api/reset     the same, where suites written for moto's server mode call it
 *   GET  /_emulator/state    the whole state as JSON
 *   POST /_emulator/state    replace the whole state with such a JSON, all or nothing
 *   GET  /_emulator/realism  the injected faults and the eventual-consistency delay
 *   PUT  /_emulator/realism  set them: {"faults":[{"action":"*","rate":0.5}],"consistencyDelayMs":2000}
 *
 * Turned off (`--no-control`), every path under both prefixes answers 404.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { StateImportError } from '../store/state.js';
import type { Store } from '../store/store.js';
import type { Realism, RealismSettings } from './realism.js';

export const CONTROL_PREFIX = '/_emulator';
export const MOTO_RESET_PATH = '/moto-api/reset';

const ANY_METHOD = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** A state fixture may be far larger than an EC2 request. */
const STATE_BODY_LIMIT = 256 * 1024 * 1024;

export interface ControlOptions {
  readonly store: Store;
  readonly realism: Realism;
  readonly enabled: boolean;
}

export function registerControlRoutes(app: FastifyInstance, options: ControlOptions): void {
  const notFound = async (_request: unknown, reply: FastifyReply) =>
    sendJson(reply, 404, { error: 'NotFound', message: options.enabled ? 'no such control endpoint' : 'control endpoints are turned off' });
  app.route({ method: ANY_METHOD, url: `${CONTROL_PREFIX}/*`, handler: notFound });
  app.route({ method: ANY_METHOD, url: '/moto-api/*', handler: notFound });
  if (!options.enabled) return;

  const { store } = options;
  const startedAt = Date.now();
  const version = packageVersion();

  app.get(`${CONTROL_PREFIX}/health`, async (_request, reply) => {
    const counts = store.tableCounts();
    return sendJson(reply, 200, {
      status: 'ok',
      version,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      counts: {
        vpcs: counts['vpcs'] ?? 0,
        securityGroups: counts['security_groups'] ?? 0,
        securityGroupRules: counts['security_group_rules'] ?? 0,
        subnets: counts['subnets'] ?? 0,
        networkInterfaces: counts['network_interfaces'] ?? 0,
      },
    });
  });

  const reset = async (_request: unknown, reply: FastifyReply) => {
    store.reset();
    return sendJson(reply, 200, { status: 'ok' });
  };
  app.post(`${CONTROL_PREFIX}/reset`, reset);
  app.post(MOTO_RESET_PATH, reset);

  registerRealismRoutes(app, options.realism);

  app.get(`${CONTROL_PREFIX}/state`, async (_request, reply) => sendJson(reply, 200, store.exportState()));

  app.post(`${CONTROL_PREFIX}/state`, { bodyLimit: STATE_BODY_LIMIT }, async (request, reply) => {
    let document: unknown;
    try {
      document = JSON.parse(typeof request.body === 'string' ? request.body : '');
    } catch (err) {
      return sendJson(reply, 400, { error: 'InvalidJson', message: `the body is not JSON: ${(err as Error).message}` });
    }
    try {
      store.importState(document);
    } catch (err) {
      if (err instanceof StateImportError) return sendJson(reply, 400, { error: 'InvalidState', message: err.message });
      throw err;
    }
    return sendJson(reply, 200, { status: 'ok' });
  });
}

/** Registered inside registerControlRoutes: GET/PUT the faults and consistency settings. */
function registerRealismRoutes(app: FastifyInstance, realism: Realism): void {
  app.get(`${CONTROL_PREFIX}/realism`, async (_request, reply) => sendJson(reply, 200, realism.settings()));
  app.put(`${CONTROL_PREFIX}/realism`, async (request, reply) => {
    let document: Partial<RealismSettings>;
    try {
      document = JSON.parse(typeof request.body === 'string' ? request.body : '') as Partial<RealismSettings>;
    } catch (err) {
      return sendJson(reply, 400, { error: 'InvalidJson', message: `the body is not JSON: ${(err as Error).message}` });
    }
    const faults = document?.faults ?? [];
    if (!Array.isArray(faults)) return sendJson(reply, 400, { error: 'InvalidRealism', message: 'faults must be an array' });
    try {
      realism.configure({ faults, consistencyDelayMs: document?.consistencyDelayMs ?? 0 });
    } catch (err) {
      return sendJson(reply, 400, { error: 'InvalidRealism', message: (err as Error).message });
    }
    return sendJson(reply, 200, realism.settings());
  });
}

function sendJson(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** The version in our package.json, found by walking up from this file (src and dist differ in depth). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ec2-sg-emulator' && pkg.version) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
