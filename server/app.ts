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
import { dispatch } from './dispatch.js';
import { Realism } from './realism.js';
import { verifySignature, type CredentialStore } from './auth.js';
import { registerControlRoutes } from './control.js';

export interface AppOptions extends Omit<Deps, 'realism'> {
  /** Opt-in faults and eventual consistency (server/realism.ts); inert when absent. */
  readonly realism?: Realism;
  /** Opt-in SigV4 verification (server/auth.ts): when set, every EC2/STS request must be signed by one of these keys. */
  readonly credentials?: CredentialStore;
  readonly defaultRegion: string;
  readonly defaultAccountId: string;
  readonly logger?: Logger | undefined;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit?: number;
  /** The JSON endpoints under /_emulator/ (health, reset, state); on unless false. */
  readonly controlEndpoints?: boolean;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
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
  }
}

export function buildApp(options: AppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
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
        const body = renderError(ec2Error('InvalidHttpRequest', 'Unable to parse request'), requestId);
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nx-amzn-RequestId: ${requestId}\r\nServer: AmazonEC2\r\n` +
            `Content-Type: ${XML_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  }) as unknown as FastifyInstance;
  const deps: Deps = { store: options.store, limits: options.limits, realism: options.realism ?? new Realism() };

  app.decorateRequest('ec2RequestId', '');
  app.decorateRequest('ec2Action', '');

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
      logger.info(
        {
          action: request.ec2Action || undefined,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 100) / 100,
          requestId: request.ec2RequestId || undefined,
        },
        `${request.ec2Action || request.method + ' ' + request.url} ${reply.statusCode}`,
      );
      done();
    });
  }

  // The EC2 answer headers are set here and in sendError() rather than in an onRequest hook: a
  // hook costs every request Fastify's hook runner (~5 µs under load).
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    setAnswerHeaders(request, reply);
    if (options.credentials) {
      verifySignature(
        { method: request.method, url: request.url, headers: request.headers, body: typeof request.body === 'string' ? request.body : '' },
        options.credentials,
      );
    }
    const params = requestParameters(request);
    const signer = signerOf(header(request, 'authorization'), params);
    const ctx: RequestContext = {
      requestId: request.ec2RequestId,
      action: (request.ec2Action = params.get('Action') ?? ''),
      scope: {
        accountId: accountFor(signer.accessKeyId, options.defaultAccountId),
        region: signer.region ?? options.defaultRegion,
      },
    };
    if (deps.realism.active) {
      const { latencyMs, fault } = deps.realism.beforeAction(ctx.action);
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (fault) throw fault;
    }
    const xml = dispatch(params, ctx, deps);
    return reply.type(XML_CONTENT_TYPE).send(xml);
  };
  // Static and /_emulator/* routes take precedence over the EC2 catch-all below.
  registerControlRoutes(app, { store: options.store, realism: deps.realism, enabled: options.controlEndpoints ?? true });
  app.route({ method: ['GET', 'POST'], url: '/', handler: handle });
  app.route({ method: ['GET', 'POST'], url: '/*', handler: handle });

  app.setNotFoundHandler(async (request, reply) => {
    const error = ec2Error('InvalidHttpRequest', `unsupported method ${request.method}`);
    return sendError(request, reply, error, 405);
  });

  app.setErrorHandler(async (error, request, reply) => {
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
  return reply.code(status).type(XML_CONTENT_TYPE).send(renderError(error, requestId));
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
