/**
 * The flow-evaluation control endpoints (JSON in, JSON out; docs/evaluation.md):
 *
 *   POST /_emulator/evaluate          one flow: {"from": …, "to": …, "protocol": "tcp", "port": 5432}
 *                                     or a matrix: {"matrix": {"vpcId": "vpc-…"}}
 *   POST /_emulator/evaluate/matrix   the matrix: {"vpcId": "vpc-…"} or {"groupIds": [...]}
 *
 * Bad input answers 400 `{error, message}`. Registered by registerControlRoutes, so they are off
 * with the other control endpoints (`--no-control`) and pass the same guard.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { ReadWriteGate } from '../slices.js';
import { EvaluationError, evaluateFlowInStore, evaluateMatrixInStoreWithPauses } from './evaluate.js';

export const EVALUATE_PATH = '/_emulator/evaluate';
export const MATRIX_PATH = '/_emulator/evaluate/matrix';

export interface EvaluationRouteOptions {
  readonly store: Store;
  /** The account and region of a request that names none: the server's defaults. */
  readonly defaultScope: Scope;
  /** From how many rules in the account a matrix is computed with pauses (server/slices.ts). */
  readonly slicedReadMinRules?: number | undefined;
  /** The server's gate between big reads and writes (server/slices.ts). */
  readonly gate?: ReadWriteGate | undefined;
}

export function registerEvaluationRoutes(app: FastifyInstance, options: EvaluationRouteOptions): void {
  const { store, defaultScope } = options;

  app.post(EVALUATE_PATH, async (request, reply) =>
    answer(request, reply, (body) => {
      if (isObject(body) && 'matrix' in body) {
        const { matrix, ...rest } = body;
        if (!isObject(matrix)) throw new EvaluationError('InvalidFlow', 'matrix: must be an object with vpcId or groupIds');
        // accountId/region may sit beside "matrix" as beside a flow's fields.
        return evaluateMatrixInStoreWithPauses(store, defaultScope, { ...rest, ...matrix }, options.slicedReadMinRules, options.gate);
      }
      return evaluateFlowInStore(store, defaultScope, body);
    }),
  );
  // A matrix of 1,000 groups is two million pairs: computed with pauses (server/slices.ts).
  app.post(MATRIX_PATH, async (request, reply) =>
    answer(request, reply, (body) => evaluateMatrixInStoreWithPauses(store, defaultScope, body, options.slicedReadMinRules, options.gate)),
  );
}

async function answer(request: FastifyRequest, reply: FastifyReply, compute: (body: unknown) => unknown) {
  let body: unknown;
  try {
    body = JSON.parse(typeof request.body === 'string' ? request.body : '');
  } catch (err) {
    return sendJson(reply, 400, { error: 'InvalidJson', message: `the body is not JSON: ${(err as Error).message}` });
  }
  try {
    return sendJson(reply, 200, await compute(body));
  } catch (err) {
    if (err instanceof EvaluationError) return sendJson(reply, 400, { error: err.code, message: err.message });
    throw err;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sendJson(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
