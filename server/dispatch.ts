/**
 * One request, from form fields to XML: find the service and the action, parse the input by
 * shape, run the handler inside one store transaction, write the output by shape.
 *
 * Two services share the endpoint: EC2 (`Version=2016-11-15`, and any other version string, which
 * EC2 serves too, answered in that version's namespace) and STS (`Version=2011-06-15`), each with
 * its own answer and error envelopes.
 *
 * DryRun: the handler runs in full (every check, including existence and duplicates) and the
 * transaction is then rolled back with `DryRunOperation` (412). So a dry run answers exactly
 * "would this have succeeded", and validation errors win over DryRun, as on AWS (B-33, B-34).
 */
import { Ec2Error, ec2Error } from '../protocol/errors.js';
import { parseQueryInput } from '../protocol/query-parser.js';
import { STS_OPERATION_SHAPES, STS_VERSION, STS_XML_NAMESPACE } from '../protocol/sts-shapes.js';
import { ec2XmlNamespace, toQueryResponseXml, toResponseXml } from '../protocol/xml-writer.js';
import type { Deps, RequestContext } from './context.js';
import type { RequestCapture } from './journal.js';
import { OPERATIONS } from './operations.js';
import { getCallerIdentity } from './sts/handlers.js';

/** `capture`, when the request journal is on, receives the parsed input and the output by reference. */
/** `parsedInput`: the input already parsed from `params` by the caller (server/sliced-reads.ts), not parsed again. */
export function dispatch(params: URLSearchParams, ctx: RequestContext, deps: Deps, capture?: RequestCapture | null, parsedInput?: Record<string, unknown>): string {
  if (params.get('Version') === STS_VERSION) return dispatchSts(params, ctx, deps, capture);

  const action = ctx.action;
  if (action === '') throw ec2Error('MissingAction');
  const operation = OPERATIONS.get(action);
  if (!operation) throw ec2Error('InvalidAction', action);

  const input = parsedInput ?? parseQueryInput(params, operation.shapes.input);
  if (capture) capture.input = input;
  // The scope's defaults are written inside the request's transaction (the store's inScope): a
  // refused request, a dry run or a read of a scope nothing was written to leaves none behind.
  const output = deps.store.inScope(ctx.scope, () => {
    const result = operation.handler(input as never, ctx, deps);
    if (input.DryRun === true) throw ec2Error('DryRunOperation');
    return result;
  });
  deps.realism.afterAction(action, output, deps.store, ctx.scope);
  if (capture) capture.output = output;
  // The answer is in the namespace of the version asked for; errors carry no namespace at all.
  return toResponseXml(action, ctx.requestId, output, operation.shapes.output, ec2XmlNamespace(params.get('Version')));
}

function dispatchSts(params: URLSearchParams, ctx: RequestContext, deps: Deps, capture?: RequestCapture | null): string {
  try {
    if (ctx.action === '') throw ec2Error('MissingAction');
    if (ctx.action !== 'GetCallerIdentity') {
      // STS's own wording for an action it does not have.
      throw new Ec2Error('InvalidAction', `Could not find operation ${ctx.action} for version ${STS_VERSION}`);
    }
    const shapes = STS_OPERATION_SHAPES.GetCallerIdentity;
    const input = parseQueryInput(params, shapes.input);
    const output = getCallerIdentity(input, ctx, deps);
    if (capture) {
      capture.input = input;
      capture.output = output;
    }
    return toQueryResponseXml(ctx.action, ctx.requestId, output, shapes.output, STS_XML_NAMESPACE);
  } catch (error) {
    if (error instanceof Ec2Error) error.queryNamespace = STS_XML_NAMESPACE;
    throw error;
  }
}
