/**
 * pino, as JSON lines or as one readable line per event (the default at a desk):
 *   06:31:02.114 INFO  AuthorizeSecurityGroupEgress 200 action=… status=200 ms=0.41 requestId=…
 * The readable form is a few lines of ours rather than pino-pretty and its dependency tree.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/**
 * The logger for this configuration, or none at all when the level is `silent`: then pino is not
 * even loaded, which is a tenth of a silent start-up (issue 5's cold start).
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
      const event = JSON.parse(line) as Record<string, unknown>;
      const time = new Date(event.time as number).toISOString().slice(11, 23);
      const fields = Object.entries(event)
        .filter(([key]) => !OMITTED.has(key))
        .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
        .join(' ');
      out.write(`${time} ${LEVEL_NAMES[event.level as number] ?? event.level} ${String(event.msg ?? '')}${fields ? ' ' + fields : ''}\n`);
    },
  };
  return pino({ level: config.logLevel }, readable);
}
