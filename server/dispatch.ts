/**
 * One request, from form fields to XML: find the action, parse its input by shape, run the
 * handler inside one store transaction, write the output by shape.
 *
 * DryRun: the handler runs in full (every check, including existence and duplicates) and the
 * transaction is then rolled back with `DryRunOperation` (412). So a dry run answers exactly
 * "would this have succeeded", and validation errors win over DryRun, as on AWS (B-33, B-34).
 */
import { ec2Error } from '../protocol/errors.js';
import { parseQueryInput } from '../protocol/query-parser.js';
import { toResponseXml } from '../protocol/xml-writer.js';
import type { Deps, RequestContext } from './context.js';
import { OPERATIONS } from './operations.js';

export function dispatch(params: URLSearchParams, ctx: RequestContext, deps: Deps): string {
  const action = ctx.action;
  if (action === '') throw ec2Error('MissingAction');
  const operation = OPERATIONS.get(action);
  if (!operation) throw ec2Error('InvalidAction', action);

  const input = parseQueryInput(params, operation.shapes.input);
  deps.store.ensureScope(ctx.scope);
  const output = deps.store.transaction(() => {
    const result = operation.handler(input as never, ctx, deps);
    if (input.DryRun === true) throw ec2Error('DryRunOperation');
    return result;
  });
  return toResponseXml(action, ctx.requestId, output, operation.shapes.output);
}
