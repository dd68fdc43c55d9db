/**
 * buildApp(): the Fastify server, never listening by itself (tests inject; main listens).
 *
 * Wire rules (aws-reference §1, §4.1): requests are `POST /` with a form body, or `GET /?Action=…`;
 * every answer carries `x-amzn-RequestId`; errors are EC2's XML envelope with the catalogue status.
 * Nothing a client sends may produce a 500: parse failures, wrong content types, oversized bodies
 * and unknown routes all answer an EC2-shaped 4xx.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Ec2Error, ec2Error, renderError } from '../protocol/errors.js';
import { signerOf, type Deps, type RequestContext } from './context.js';
import { bodyOf, dispatchInSlices } from './sliced-reads.js';
import { ReadWriteGate } from './slices.js';
import { Realism } from './realism.js';
import { READ_ONLY_ACTION, refuseCrossSite, requireService, verifySignature, type CredentialStore, type SignatureScope } from './auth.js';
import { STS_VERSION } from '../protocol/sts-shapes.js';
import { isControlUrl, registerControlRoutes, sendControlError } from './control.js';
import { logRequest } from './logger.js';
import { isNotEmulated } from './operations.js';
import { NOT_SERVED_CODE, notServedAnswer, notServedRequest } from './other-services.js';
import { createJournal } from './journal.js';
import { isConsolePageRequest, sendConsolePage } from './console/routes.js';

export interface AppOptions extends Omit<Deps, 'realism'> {
  /** Opt-in faults and eventual consistency (server/realism.ts); inert when absent. */
  readonly realism?: Realism;
  /** Opt-in SigV4 verification (server/auth.ts): when set, every EC2/STS request must be signed by one of these keys. */
  readonly credentials?: CredentialStore;
  readonly defaultRegion: string;
  readonly defaultAccountId: string;
  readonly logger?: Logger | undefined;
  /** From how many rules in an account the big describe calls run in slices (server/sliced-reads.ts); tests lower it. */
  readonly slicedReadMinRules?: number;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit?: number;
  /** The JSON endpoints under /_emulator/ (health, reset, state); on unless false. */
  readonly controlEndpoints?: boolean;
  /** When set, /_emulator/* and /moto-api/* require it (server/control.ts guardControlRoutes). */
  readonly controlToken?: string;
  /**
   * Longest time a client may take to send one whole request, headers and body (default 30 s);
   * past it the answer is 408 and the connection is closed.
   */
  readonly requestTimeoutMs?: number;
  /** Connections held at once (default 1,024); past it new ones are closed at once. */
  readonly maxConnections?: number;
  /** Entries the request journal keeps (server/journal.ts); 0 turns it off. Default 1,000. */
  readonly journalSize?: number;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/**
 * A stalled upload (a Content-Length declared, part of the body sent, then silence) otherwise held
 * its socket and buffered body forever: Fastify's default request timeout is none at all.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_CONNECTIONS = 1024;
const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\b/i;

/**
 * No route here declares a JSON schema, yet Fastify loads Ajv and fast-json-stringify when it is
 * built: about 40 ms of every cold start. These factories load them only if a schema ever appears.
 */
const requireLazily = createRequire(import.meta.url);
type CompilerFactory = (...args: unknown[]) => unknown;
const LAZY_SCHEMA_COMPILERS = {
  buildValidator: (...args: unknown[]) => (requireLazily('@fastify/ajv-compiler') as () => CompilerFactory)()(...args),
  buildSerializer: (...args: unknown[]) =>
    (requireLazily('@fastify/fast-json-stringify-compiler') as () => CompilerFactory)()(...args),
} as never;

declare module 'fastify' {
  interface FastifyRequest {
    ec2RequestId: string;
    ec2Action: string;
    /** The error code answered (set by sendError), for the request's log line. */
    ec2ErrorCode: string;
    /** Why, when the code alone does not say: `not emulated`, `not served`. */
    ec2LogNote: string;
    /** Another AWS service the request was meant for (server/other-services.ts). */
    ec2Service: string;
  }
}

export function buildApp(options: AppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    requestTimeout,
    // Node checks the timeouts every `connectionsCheckingInterval` (30 s by default, as long as the
    // timeout itself); headers alone get no longer than the whole request.
    http: {
      headersTimeout: Math.min(60_000, requestTimeout),
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(requestTimeout / 4))),
    },
    loggerInstance: options.logger,
    // One line per request is written by our onResponse hook, with the EC2 action in it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    return503OnClosing: true,
    schemaController: { compilersFactory: LAZY_SCHEMA_COMPILERS },
    // A URL Fastify cannot decode (`/%zz`) is refused before any hook runs, by default as JSON.
    frameworkErrors: (_error, request, reply) => {
      void sendError(request, reply, ec2Error('InvalidHttpRequest', 'Unable to parse request'));
    },
    // Malformed HTTP (a bad request line, a lying Content-Length, oversized headers) is refused by
    // Node's parser on the socket, before any route; by default Fastify answers it in JSON.
    clientErrorHandler: (error, socket) => {
      const code = (error as { code?: string }).code;
      if (code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) {
        const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
        const requestId = randomUUID();
        const reason = status === 408 ? 'the request was not received in time' : 'Unable to parse request';
        const body = renderError(ec2Error('InvalidHttpRequest', reason), requestId);
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nx-amzn-RequestId: ${requestId}\r\nServer: AmazonEC2\r\n` +
            `Content-Type: ${XML_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  }) as unknown as FastifyInstance;
  // Past the cap Node closes each new connection as it is accepted (no HTTP answer is possible
  // before a request is read); those already open keep being served.
  app.server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const deps: Deps = { store: options.store, limits: options.limits, realism: options.realism ?? new Realism() };

  app.decorateRequest('ec2RequestId', '');
  app.decorateRequest('ec2Action', '');
  app.decorateRequest('ec2ErrorCode', '');
  app.decorateRequest('ec2LogNote', '');
  app.decorateRequest('ec2Service', '');
  // The request journal (server/journal.ts): the entry of the request in flight, and the journal.
  const journal = createJournal(options.journalSize, { accountId: options.defaultAccountId, region: options.defaultRegion });
  // Writes wait while a big read runs in slices, so it never has to start over (server/slices.ts).
  const gate = new ReadWriteGate();
  app.decorateRequest('ec2Journal', null);
  app.decorate('ec2Journal', journal);
  const consoleOn = options.controlEndpoints ?? true;

  // Every body is read as text; whether it is a form is decided per request, so a wrong content
  // type gets EC2's error rather than Fastify's 415.
  app.removeAllContentTypeParsers();
  const asText = (_request: FastifyRequest, body: string | Buffer, done: (err: null, body: string | Buffer) => void) =>
    done(null, body);
  // The form type by name first: Fastify finds a named parser faster than its catch-all.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, asText);
  app.addContentTypeParser('*', { parseAs: 'string' }, asText);

  if (options.logger?.isLevelEnabled('info')) {
    const logger = options.logger;
    // A callback-style hook: an async one costs every request a promise round trip.
    app.addHook('onResponse', (request, reply, done) => {
      const action = request.ec2Action || undefined;
      logRequest(logger, {
        service: request.ec2Service || undefined,
        action,
        method: action === undefined ? request.method : undefined,
        url: action === undefined ? request.url : undefined,
        status: reply.statusCode,
        code: request.ec2ErrorCode || undefined,
        note: request.ec2LogNote || undefined,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        requestId: request.ec2RequestId || undefined,
      });
      done();
    });
  }

  // The EC2 answer headers are set here and in sendError() rather than in an onRequest hook: a
  // hook costs every request Fastify's hook runner (~5 µs under load).
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    // A browser opening the endpoint gets the console; no SDK asks for HTML without an Action.
    if (request.method === 'GET' && consoleOn && isConsolePageRequest(request)) return sendConsolePage(reply);
    setAnswerHeaders(request, reply);
    let signed: SignatureScope | undefined;
    if (options.credentials) {
      signed = verifySignature(
        { method: request.method, url: request.url, headers: request.headers, body: typeof request.body === 'string' ? request.body : '' },
        options.credentials,
      );
    }
    let params: URLSearchParams;
    try {
      params = requestParameters(request);
    } catch (error) {
      // Not a form: perhaps another service's JSON or CBOR call (server/other-services.ts).
      const other = answerOtherService(request, reply, signerOf(header(request, 'authorization'), NO_PARAMETERS).service, undefined);
      if (other) return other;
      throw error;
    }
    const signer = signerOf(header(request, 'authorization'), params);
    // Signed for another service (S3, SQS, …): answered in its protocol. Unsigned stays EC2's.
    if (signer.service !== undefined && signer.service !== 'ec2' && signer.service !== 'sts') {
      const other = answerOtherService(request, reply, signer.service, params.get('Action'));
      if (other) return other;
    }
    // A signature scoped to another service that is not answered above, or EC2's scoped to STS.
    if (signed) requireService(signed, params.get('Version') === STS_VERSION ? 'sts' : 'ec2');
    const ctx: RequestContext = {
      requestId: request.ec2RequestId,
      action: (request.ec2Action = params.get('Action') ?? ''),
      scope: {
        accountId: accountFor(signer.accessKeyId, options.defaultAccountId),
        region: signer.region ?? options.defaultRegion,
      },
    };
    // A page on another site driving a browser (SDKs send neither header): two reads otherwise.
    if (request.headers.origin !== undefined || request.headers['sec-fetch-site'] !== undefined) refuseCrossSite(request.headers, ctx.action);
    const entry =
      journal === null ? null : (request.ec2Journal = journal.open(ctx.requestId, ctx.scope, ctx.action, params.get('Version'), request.url, request.body));
    if (deps.realism.active) {
      const { latencyMs, fault } = deps.realism.beforeAction(ctx.action);
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (fault && entry !== null) entry.fault = true;
      if (fault) throw fault;
    }
    // Writes wait while a big read is being answered in slices (server/slices.ts).
    if (!READ_ONLY_ACTION.test(ctx.action)) {
      const bigReadRunning = gate.beforeWrite();
      if (bigReadRunning) await bigReadRunning;
    }
    // A describe call over an account of very many rules is answered a slice at a time, letting
    // other requests run in between (server/sliced-reads.ts); everything else at once.
    const answer = dispatchInSlices(params, ctx, deps, entry, options.slicedReadMinRules, gate);
    const body = typeof answer === 'string' ? answer : bodyOf(await answer);
    if (entry !== null) journal?.commit(entry, 200);
    reply.type(XML_CONTENT_TYPE);
    return reply.send(body);
  };
  // Static and /_emulator/* routes take precedence over the EC2 catch-all below.
  registerControlRoutes(app, { store: options.store, realism: deps.realism, enabled: options.controlEndpoints ?? true, credentials: options.credentials, controlToken: options.controlToken, journal, defaultScope: { accountId: options.defaultAccountId, region: options.defaultRegion }, slicedReadMinRules: options.slicedReadMinRules, gate });
  app.route({ method: ['GET', 'POST'], url: '/', handler: handle });
  app.route({ method: ['GET', 'POST'], url: '/*', handler: handle });

  app.setNotFoundHandler(async (request, reply) => {
    if (isControlUrl(request.url)) {
      return sendControlError(request, reply, Object.assign(new Error(`unsupported method ${request.method}`), { statusCode: 405 }));
    }
    // S3's PUT, DELETE and HEAD land here: another service's request gets its own answer.
    const queryStart = request.url.indexOf('?');
    const query = new URLSearchParams(queryStart === -1 ? '' : request.url.slice(queryStart + 1));
    const other = answerOtherService(request, reply, signerOf(header(request, 'authorization'), query).service, query.get('Action'));
    if (other) return other;
    const error = ec2Error('InvalidHttpRequest', `unsupported method ${request.method}`);
    return sendError(request, reply, error, 405);
  });

  app.setErrorHandler(async (error, request, reply) => {
    // The JSON endpoints answer their errors in JSON, with their own body limits (server/control.ts).
    if (isControlUrl(request.url)) return sendControlError(request, reply, error as Error);
    if (error instanceof Ec2Error) return sendError(request, reply, error);
    const fastifyCode = (error as { code?: string }).code;
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(request, reply, ec2Error('RequestEntityTooLarge', String(bodyLimit)));
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // Anything else Fastify rejects before our handler (malformed HTTP, aborted bodies).
      return sendError(request, reply, ec2Error('InvalidHttpRequest', 'Unable to parse request'));
    }
    const answer = sendError(request, reply, ec2Error('InternalError'));
    request.log.error({ err: error, requestId: request.ec2RequestId }, 'unexpected error');
    return answer;
  });

  return app;
}

/** Every EC2 answer, success or error, carries its request id and EC2's Server header; returns the id. */
function setAnswerHeaders(request: FastifyRequest, reply: FastifyReply): string {
  request.ec2RequestId ||= randomUUID();
  reply.header('x-amzn-RequestId', request.ec2RequestId);
  reply.header('Server', 'AmazonEC2');
  return request.ec2RequestId;
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: Ec2Error, status: number = error.status) {
  const requestId = setAnswerHeaders(request, reply);
  request.ec2ErrorCode = error.code;
  // A real EC2 action we do not serve is answered as AWS answers a typo; the log tells them apart.
  if (error.code === 'InvalidAction' && error.queryNamespace === undefined && isNotEmulated(request.ec2Action)) {
    request.ec2LogNote = 'not emulated';
  }
  request.server?.ec2Journal?.recordError(request, error, status);
  return reply.code(status).type(XML_CONTENT_TYPE).send(renderError(error, requestId));
}

const NO_PARAMETERS = new URLSearchParams();

/**
 * Answers a request meant for another AWS service in that service's protocol (the code is
 * `NotImplemented`, the message names the service); undefined when the request is EC2's or STS's.
 */
function answerOtherService(
  request: FastifyRequest,
  reply: FastifyReply,
  signingService: string | undefined,
  action: string | null | undefined,
): FastifyReply | undefined {
  const other = notServedRequest(request, signingService, action);
  if (other === undefined) return undefined;
  request.ec2RequestId ||= randomUUID();
  request.ec2Service = other.service;
  request.ec2Action = other.operation ?? '';
  request.ec2ErrorCode = NOT_SERVED_CODE;
  request.ec2LogNote = 'not served';
  const answer = notServedAnswer(other, request.ec2RequestId, header(request, 'content-type'));
  reply.removeHeader('Server');
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Form fields of the body (POST) merged after those of the query string (GET, or POST with the
 * action in the URL, which AWS also accepts). A body that is not a form is EC2's parse error.
 */
function requestParameters(request: FastifyRequest): URLSearchParams {
  const queryStart = request.url.indexOf('?');
  const query = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
  const body = typeof request.body === 'string' ? request.body : '';
  if (body.length === 0) return new URLSearchParams(query);
  const contentType = header(request, 'content-type') ?? '';
  if (!FORM_CONTENT_TYPE.test(contentType)) {
    throw ec2Error('InvalidHttpRequest', 'Unable to parse request');
  }
  // The usual case, a form body and no query string, parses once.
  return new URLSearchParams(query === '' ? body : `${query}&${body}`);
}

/** A 12-digit access key id is the account id (the convention LocalStack users rely on). */
export function accountFor(accessKeyId: string | undefined, defaultAccountId: string): string {
  return accessKeyId !== undefined && /^[0-9]{12}$/.test(accessKeyId) ? accessKeyId : defaultAccountId;
}
