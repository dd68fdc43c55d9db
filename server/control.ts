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
 *   POST /_emulator/evaluate(/matrix)  would this traffic be allowed? (server/evaluation/routes.ts)
 *
 * Turned off (`--no-control`), every path under both prefixes answers 404.
 *
 * Guarded (guardControlRoutes): a request a browser sends for a page of another origin is refused
 * (403), a body must be JSON (415), and with a control token or signature checking configured,
 * every endpoint but the health probe needs the token or a SigV4 signature (401/403).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Ec2Error } from '../protocol/errors.js';
import { isForeignOrigin, requireService, verifySignature, type CredentialStore } from './auth.js';
import { StateImportError } from '../store/state.js';
import type { Store } from '../store/store.js';
import type { Realism, RealismSettings } from './realism.js';
import { packageVersion } from './version.js';
import type { RequestJournal } from './journal.js';
import { registerConsoleRoutes } from './console/routes.js';
import { registerJournalRoutes } from './console/journal-routes.js';
import { registerEvaluationRoutes } from './evaluation/routes.js';
import { bodyOf, stateInParts } from './sliced-reads.js';
import { ReadWriteGate } from './slices.js';

export const CONTROL_PREFIX = '/_emulator';
export const MOTO_RESET_PATH = '/moto-api/reset';

const ANY_METHOD = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** A state fixture may be far larger than an EC2 request. */
export const STATE_BODY_LIMIT = 256 * 1024 * 1024;

export interface ControlOptions {
  readonly store: Store;
  readonly realism: Realism;
  readonly enabled: boolean;
  /** The request journal (GET/DELETE /_emulator/requests, cleared by a reset); null when off. */
  readonly journal?: RequestJournal | null;
  /** The account and region of unsigned requests: the console opens on them. */
  readonly defaultScope?: { readonly accountId: string; readonly region: string };
  /** Signature checking of EC2 requests: then a control request must be signed too, or carry the token. */
  readonly credentials?: CredentialStore | undefined;
  /** A shared secret every control request must carry (`Authorization: Bearer …` or CONTROL_TOKEN_HEADER). */
  readonly controlToken?: string | undefined;
  /** From how many rules in an account the evaluation matrix is computed with pauses (server/slices.ts). */
  readonly slicedReadMinRules?: number | undefined;
  /** The server's gate between big reads and writes (server/slices.ts). */
  readonly gate?: ReadWriteGate | undefined;
}

export function registerControlRoutes(app: FastifyInstance, options: ControlOptions): void {
  const notFound = async (_request: unknown, reply: FastifyReply) =>
    sendJson(reply, 404, { error: 'NotFound', message: options.enabled ? 'no such control endpoint' : 'control endpoints are turned off' });
  app.route({ method: ANY_METHOD, url: `${CONTROL_PREFIX}/*`, handler: notFound });
  app.route({ method: ANY_METHOD, url: '/moto-api/*', handler: notFound });
  if (!options.enabled) return;
  guardControlRoutes(app, options);

  const { store } = options;
  const gate = options.gate ?? new ReadWriteGate();
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
    const bigReadRunning = gate.beforeWrite();
    if (bigReadRunning) await bigReadRunning;
    store.reset();
    options.journal?.clear();
    return sendJson(reply, 200, { status: 'ok' });
  };
  app.post(`${CONTROL_PREFIX}/reset`, reset);
  app.post(MOTO_RESET_PATH, reset);

  registerRealismRoutes(app, options.realism);
  registerJournalRoutes(app, options.journal ?? null);
  registerConsoleRoutes(app, { store, journal: options.journal ?? null, defaultScope: options.defaultScope ?? { accountId: '000000000000', region: 'us-east-1' } });
  registerEvaluationRoutes(app, {
    store,
    defaultScope: options.defaultScope ?? { accountId: '000000000000', region: 'us-east-1' },
    slicedReadMinRules: options.slicedReadMinRules,
    gate,
  });

  // Read and sent a part at a time, so a large state does not hold other requests (server/sliced-reads.ts);
  // read again in one go if something was written between two parts.
  app.get(`${CONTROL_PREFIX}/state`, async (_request, reply) => {
    const parts = await gate.read(() => stateInParts(store));
    if (parts === undefined) return sendJson(reply, 200, store.exportState());
    return reply.code(200).type('application/json; charset=utf-8').send(bodyOf(parts));
  });

  // Its own limit, and its own 413: the document's limit, in JSON (not EC2's XML and 1 MiB).
  const stateErrors = (error: Error, request: FastifyRequest, reply: FastifyReply) =>
    (error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? sendJson(reply, 413, { error: 'PayloadTooLarge', message: `the state document is larger than ${STATE_BODY_LIMIT} bytes` })
      : sendControlError(request, reply, error);
  app.post(`${CONTROL_PREFIX}/state`, { bodyLimit: STATE_BODY_LIMIT, errorHandler: stateErrors }, async (request, reply) => {
    let document: unknown;
    try {
      document = JSON.parse(typeof request.body === 'string' ? request.body : '');
    } catch (err) {
      return sendJson(reply, 400, { error: 'InvalidJson', message: `the body is not JSON: ${(err as Error).message}` });
    }
    const bigReadRunning = gate.beforeWrite();
    if (bigReadRunning) await bigReadRunning;
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

/** Whether a URL is one of the JSON endpoints' (under CONTROL_PREFIX or moto's prefix). */
export function isControlUrl(url: string): boolean {
  return url.startsWith(`${CONTROL_PREFIX}/`) || url.startsWith('/moto-api/');
}

/**
 * An error of a JSON endpoint (the app's error handler sends those of CONTROL_PREFIX and moto's
 * prefix here), answered in JSON like the endpoints themselves: a body over the route's limit is
 * 413, anything else Fastify refuses keeps its 4xx, an EC2 error its code and status, the rest 500.
 */
export function sendControlError(request: FastifyRequest, reply: FastifyReply, error: Error) {
  const code = (error as { code?: string }).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = request.routeOptions.bodyLimit;
    return sendJson(reply, 413, { error: 'PayloadTooLarge', message: `the request body is larger than ${limit} bytes` });
  }
  if (error instanceof Ec2Error) return sendJson(reply, error.status, { error: error.code, message: error.message });
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return sendJson(reply, status, { error: 'InvalidRequest', message: error.message });
  }
  request.log.error({ err: error }, 'unexpected error in a control endpoint');
  return sendJson(reply, 500, { error: 'InternalError', message: 'the control endpoint failed unexpectedly' });
}

function sendJson(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** The header a control token may be sent in; `Authorization: Bearer TOKEN` is taken too. */
export const CONTROL_TOKEN_HEADER = 'x-emulator-control-token';

/** Control routes that change and reveal nothing: open to GET and HEAD without token or signature. */
const OPEN_ROUTES = new RegExp(`^${CONTROL_PREFIX}/(?:health|ui/?|ui/assets/.*)$`);

/** `Authorization: Bearer TOKEN` (the scheme's case does not matter, RFC 9110). */
const BEARER = /^bearer\s+(\S+)\s*$/i;

/** `application/json`, or any `application/…+json`, with or without parameters. */
const JSON_CONTENT_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * Adds the checks to every control route registered after it (those under CONTROL_PREFIX and
 * /moto-api/, including other modules' routes), as route-level hooks: EC2 requests never run them.
 *
 * - An `Origin` other than this server's own (host and port of the Host header), or a browser's
 *   `Sec-Fetch-Site: cross-site|same-site` on anything but GET/HEAD: 403. Pages on other sites
 *   could otherwise POST text/plain or a form here (no CORS preflight) and replace or reset state.
 * - With a token or credentials configured: the token (`Authorization: Bearer TOKEN` or
 *   CONTROL_TOKEN_HEADER), else a SigV4 signature by a configured key scoped to `ec2` (checked once
 *   the body is read, as it is signed), else 401; a wrong token or signature is 403. Routes that
 *   hold no state stay open (OPEN_ROUTES): the health probe (container and load-balancer probes
 *   cannot sign) and the console's page and assets (a browser cannot add a header to a page it
 *   opens; the console's own calls need the token like any other).
 * - A request with a body must say it is JSON: 415 otherwise, before the body is read.
 */
function guardControlRoutes(app: FastifyInstance, options: ControlOptions): void {
  const { credentials } = options;
  const tokenDigest = options.controlToken === undefined ? undefined : sha256(options.controlToken);
  const authRequired = credentials !== undefined || tokenDigest !== undefined;
  const toVerify = new WeakSet<FastifyRequest>();
  const needs = [
    tokenDigest !== undefined ? `the control token (Authorization: Bearer TOKEN, or ${CONTROL_TOKEN_HEADER}: TOKEN)` : '',
    credentials !== undefined ? 'a SigV4 signature by one of the configured keys' : '',
  ]
    .filter(Boolean)
    .join(' or ');

  const check = (authorize: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = headerOf(request, 'origin');
    const site = headerOf(request, 'sec-fetch-site');
    if (
      (origin !== undefined && isForeignOrigin(origin, headerOf(request, 'host'))) ||
      ((site === 'cross-site' || site === 'same-site') && request.method !== 'GET' && request.method !== 'HEAD')
    ) {
      return sendJson(reply, 403, {
        error: 'ForeignOrigin',
        message: `control endpoints answer pages of their own origin only, not ${origin ?? `a ${site} page`}`,
      });
    }
    if (authorize) {
      const authorization = headerOf(request, 'authorization');
      const bearer = authorization !== undefined ? BEARER.exec(authorization)?.[1] : undefined;
      const token = headerOf(request, CONTROL_TOKEN_HEADER) ?? bearer;
      if (token !== undefined) {
        if (tokenDigest === undefined || !timingSafeEqual(sha256(token), tokenDigest)) {
          return sendJson(reply, 403, { error: 'Forbidden', message: tokenDigest === undefined ? 'no control token is configured here' : 'the control token is wrong' });
        }
      } else if (credentials !== undefined && authorization !== undefined && /^AWS4-HMAC-SHA256\s/.test(authorization)) {
        toVerify.add(request);
      } else {
        reply.header('WWW-Authenticate', 'Bearer realm="ec2-sg-emulator control"');
        return sendJson(reply, 401, { error: 'Unauthorized', message: `control endpoints need ${needs}` });
      }
    }
    const length = headerOf(request, 'content-length');
    const hasBody = (length !== undefined && length !== '0') || headerOf(request, 'transfer-encoding') !== undefined;
    if (hasBody && !JSON_CONTENT_TYPE.test(headerOf(request, 'content-type') ?? '')) {
      return sendJson(reply, 415, { error: 'UnsupportedMediaType', message: 'a control request body must be JSON, sent with Content-Type: application/json' });
    }
    return undefined;
  };
  const open = check(false);
  const closed = check(authRequired);

  const verify = async (request: FastifyRequest, reply: FastifyReply) => {
    if (credentials === undefined || !toVerify.has(request)) return undefined;
    try {
      const body = typeof request.body === 'string' ? request.body : '';
      requireService(verifySignature({ method: request.method, url: request.url, headers: request.headers, body }, credentials), 'ec2');
    } catch (err) {
      if (err instanceof Ec2Error) return sendJson(reply, 403, { error: err.code, message: err.message });
      throw err;
    }
    return undefined;
  };

  app.addHook('onRoute', (route) => {
    const url = route.url;
    if (!url.startsWith(`${CONTROL_PREFIX}/`) && !url.startsWith('/moto-api/')) return;
    const probe = OPEN_ROUTES.test(url) && [route.method].flat().every((method) => method === 'GET' || method === 'HEAD');
    route.onRequest = [probe ? open : closed, ...[route.onRequest ?? []].flat()];
    if (credentials !== undefined && !probe) route.preHandler = [verify, ...[route.preHandler ?? []].flat()];
  });
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
