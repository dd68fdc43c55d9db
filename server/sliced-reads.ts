/**
 * Describe calls over an account with very many rules, answered a slice at a time.
 *
 * AWS answers DescribeSecurityGroups and DescribeSecurityGroupRules without MaxResults with every
 * item ("If this parameter is not specified, then all items are returned"): at 100,000 rules that
 * is 20 to 40 MB of XML, one to two seconds of work. Done in one go it would hold every other
 * client's requests that long. So when the account holds many rules, the handler runs as sliced
 * work (server/slices.ts) and the answer is written in parts, and the event loop is given back
 * between slices: other requests are answered meanwhile.
 *
 * GET /_emulator/state (the whole state as JSON) is read and sent the same way.
 *
 * The answer must still be one state of the store. EC2 writes, reset and state import wait while
 * such a read runs (ReadWriteGate, server/slices.ts). If anything else wrote while the slices ran
 * (the embedding API's store: the store's change count moved), what was read may mix two states,
 * so the request is answered again from the start in one go, as dispatch() answers every other
 * request. Under injected faults or eventual consistency the ordinary path runs.
 */
import { Readable } from 'node:stream';
import { parseQueryInput } from '../protocol/query-parser.js';
import { STS_VERSION } from '../protocol/sts-shapes.js';
import { ec2XmlNamespace, responseXmlParts } from '../protocol/xml-writer.js';
import type { Deps, RequestContext } from './context.js';
import { dispatch } from './dispatch.js';
import type { RequestCapture } from './journal.js';
import { OPERATIONS } from './operations.js';
import { pause, ReadWriteGate, runWithPauses, SLICED_READ_MIN_RULES } from './slices.js';
import type { Store } from '../store/store.js';

/** About this much of the answer (in characters) is written between two pauses. */
const PART_CHARS = 256 * 1024;

/**
 * The parts as a response body that gives the event loop back between parts. (A stream over the
 * array itself would write all of them in one go whenever the client reads as fast as they come.)
 */
export function bodyOfParts(parts: readonly string[]): Readable {
  async function* withPauses() {
    for (const part of parts) {
      yield part;
      await pause();
    }
  }
  return Readable.from(withPauses(), { objectMode: false });
}

/** Rows of a table read between two pauses of a state export. */
const STATE_ROWS_PER_PART = 2000;

/**
 * GET /_emulator/state's document (30 MB of JSON at 100,000 rules) as text parts, read with pauses
 * between them; undefined if something was written meanwhile (the caller then reads it in one go).
 */
export async function stateInParts(store: Store): Promise<string[] | undefined> {
  const changes = store.changeCount();
  const parts: string[] = [];
  for (const part of store.exportStateParts(STATE_ROWS_PER_PART)) {
    parts.push(part);
    await pause();
    if (store.changeCount() !== changes) return undefined;
  }
  return parts;
}

/** A body of parts: one string when small, else sent part by part with pauses (bodyOfParts). */
export function bodyOf(parts: readonly string[]): string | Readable {
  let length = 0;
  for (const part of parts) length += part.length;
  return length <= PART_CHARS ? parts.join('') : bodyOfParts(parts);
}

/**
 * Answers the request: at once (dispatch()) as a string, or, when it is such a read, a slice at a
 * time as the promise of the answer's parts. Errors (a malformed id, a bad filter) are thrown, or
 * reject the promise, as dispatch() would throw them.
 */
export function dispatchInSlices(
  params: URLSearchParams,
  ctx: RequestContext,
  deps: Deps,
  capture: RequestCapture | null,
  minRules: number = SLICED_READ_MIN_RULES,
  gate: ReadWriteGate = new ReadWriteGate(),
): string | Promise<string[]> {
  const operation = params.get('Version') === STS_VERSION || deps.realism.active ? undefined : OPERATIONS.get(ctx.action);
  const slicing = operation?.inSlices;
  if (!operation || !slicing) return dispatch(params, ctx, deps, capture);
  const input = parseQueryInput(params, operation.shapes.input);
  // At least one rule: the account's defaults are stored, so no request transaction must seed them.
  const threshold = Math.max(1, minRules);
  if (input.DryRun === true || slicing.isBounded(input as never) || deps.store.countRulesUpTo(ctx.scope, threshold) < threshold) {
    return dispatch(params, ctx, deps, capture, input);
  }

  return gate.read(async () => {
    const done = await runWithPauses(slicing.run(input as never, ctx, deps), () => deps.store.changeCount());
    if (done === undefined) return [dispatch(params, ctx, deps, capture)];
    const output = done.value;
    deps.realism.afterAction(ctx.action, output, deps.store, ctx.scope);
    if (capture) {
      capture.input = input;
      capture.output = output;
    }
    const parts: string[] = [];
    const namespace = ec2XmlNamespace(params.get('Version'));
    for (const part of responseXmlParts(ctx.action, ctx.requestId, output, operation.shapes.output, namespace, PART_CHARS)) {
      parts.push(part);
      await pause();
    }
    return parts;
  });
}
