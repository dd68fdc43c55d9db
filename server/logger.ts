/**
 * pino, as JSON lines or as one readable line per event (the default at a desk):
 *   06:31:02.114 INFO  DescribeSecurityGroups 400 InvalidGroup.NotFound 0.8ms req=6f1c…
 * The readable form is a few lines of ours rather than pino-pretty and its dependency tree.
 *
 * A request is one event with its facts as fields (action, status, code, ms, requestId, …) and the
 * fixed message `request completed`: in JSON the fields say it all, and the readable form builds
 * its line from the same fields, so neither form says anything twice.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from './config.js';

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** The message of every request event; the readable form recognises it by this. */
export const REQUEST_MESSAGE = 'request completed';

/** What one request's log line says. */
export interface RequestLogFields {
  /** Another AWS service a request was meant for (`s3`): answered "not served here". */
  readonly service?: string | undefined;
  /** The action asked for; absent when the request named none. */
  readonly action?: string | undefined;
  /** Method and path, only when there is no action to name the request by. */
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly status: number;
  /** The error code answered, when the answer is an error. */
  readonly code?: string | undefined;
  /** Why a refusal happened when the code alone does not say (`not emulated`, `not served`). */
  readonly note?: string | undefined;
  /** Milliseconds from the request's arrival to its answer. */
  readonly ms: number;
  readonly requestId?: string | undefined;
}

/** The fields a request line renders itself; any others (bindings) follow as key=value. */
const REQUEST_FIELDS = new Set(['service', 'action', 'method', 'url', 'status', 'code', 'note', 'ms', 'requestId']);

/** Logs one request at info; fields left undefined are dropped by pino. */
export function logRequest(logger: Logger, fields: RequestLogFields): void {
  logger.info(fields, REQUEST_MESSAGE);
}

/**
 * The logger for this configuration, or none at all when the level is `silent`: then pino is not
 * even loaded, which is a tenth of a silent start-up.
 */
export async function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  out: NodeJS.WritableStream = process.stdout,
): Promise<Logger | undefined> {
  if (config.logLevel === 'silent') return undefined;
  const { pino } = await import('pino');
  if (config.logFormat === 'json') return pino({ level: config.logLevel }, out);
  const readable = {
    write(line: string) {
      out.write(readableLine(JSON.parse(line) as Record<string, unknown>));
    },
  };
  return pino({ level: config.logLevel }, readable);
}

/** One pino event as the readable line (with its newline). */
export function readableLine(event: Record<string, unknown>): string {
  const time = new Date(event.time as number).toISOString().slice(11, 23);
  const level = LEVEL_NAMES[event.level as number] ?? String(event.level);
  const request = event.msg === REQUEST_MESSAGE;
  const text = request ? requestText(event) : String(event.msg ?? '');
  const fields = Object.entries(event)
    .filter(([key]) => !OMITTED.has(key) && !(request && REQUEST_FIELDS.has(key)))
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
  return `${time} ${level} ${text}${fields ? ' ' + fields : ''}\n`;
}

/** `DescribeSecurityGroups 400 InvalidGroup.NotFound 0.8ms req=…`, from a request event's fields. */
function requestText(event: Record<string, unknown>): string {
  let text = event.service !== undefined ? `${String(event.service)} ` : '';
  text += event.action !== undefined ? String(event.action) : `${String(event.method ?? '')} ${String(event.url ?? '')}`;
  text += ` ${String(event.status)}`;
  if (event.code !== undefined) text += ` ${String(event.code)}`;
  if (event.note !== undefined) text += ` (${String(event.note)})`;
  text += ` ${String(event.ms)}ms`;
  if (event.requestId !== undefined) text += ` req=${String(event.requestId)}`;
  return text;
}

/**
 * The start-up line, written whatever the level (it carries the URL that scripts wait for):
 * `ec2-sg-emulator listening on URL`, or with --log-format json an event shaped like pino's own.
 */
export function startUpLine(format: Config['logFormat'], url: string): string {
  if (format !== 'json') return `ec2-sg-emulator listening on ${url}\n`;
  return `${JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, hostname: hostname(), msg: 'listening', url })}\n`;
}
