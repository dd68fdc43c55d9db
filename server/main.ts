#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * Process entry: configure, start, print the URL, stop cleanly on SIGINT/SIGTERM.
 *
 * `--max-semi-space-size=4` (here, in `npm start` and in the image's CMD): every request's garbage
 * dies young, and V8's default 16 MiB semi-spaces only kept ~25 MB more memory resident
 * (with 100,000 rules) without a measurable gain in speed. The flag itself costs ~25-30 ms of
 * start-up; docs/performance.md has the measurements.
 */
import { ConfigError, HELP, loadConfig, wantsVersion, type Config } from './config.js';
import { packageVersion } from './version.js';
import { exposureWarning, startEmulator, type EmulatorOptions } from './emulator.js';
import { createLogger, startUpLine } from './logger.js';
import { DatabaseOpenError, SchemaVersionError } from '../store/db.js';

async function main(): Promise<void> {
  // `ec2-sg-emulator check …` asks a running emulator instead of starting one (server/check-command.ts).
  // Loaded only for `check`: starting the server never needs it.
  if (process.argv[2] === 'check') return (await import('./check-command.js')).runCheck(process.argv.slice(3));
  if (wantsVersion(process.argv.slice(2))) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  const config = loadConfig(process.argv.slice(2), process.env);
  if (config === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const logger = await createLogger(config);
  // The logging settings became `logger`; the rest of the configuration is startEmulator's options.
  const { logLevel: _level, logFormat: _format, ...options } = config;
  const emulator = await startEmulator({ ...options, logger });
  // Written at any level (scripts wait for the URL); a JSON event with --log-format json.
  // The address as bound (`http://0.0.0.0:4566` on every interface), and once a warning when other
  // machines can reach control endpoints that ask for nothing.
  process.stdout.write(startUpLine(config.logFormat, emulator.listenUrl));
  const exposure = exposureWarning(emulator, options);
  if (exposure !== undefined) process.stderr.write(`ec2-sg-emulator: warning: ${exposure}\n`);

  const shutdown = (signal: string) => {
    logger?.info({ signal }, 'shutting down');
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/** Every configuration field but the logging ones is an option of startEmulator, which refuses unknown ones. */
type NotAnOption = Exclude<keyof Config, 'logLevel' | 'logFormat' | keyof EmulatorOptions>;
const everyFieldIsAnOption: [NotAnOption] extends [never] ? true : NotAnOption = true;
void everyFieldIsAnOption;

/** Listen failures a user causes (port taken, no such address, no permission) are one line too. */
const USER_FACING_SYSTEM_ERRORS = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'ENOTFOUND', 'EAI_AGAIN']);

/** The port is taken: name it, and the usual culprit (LocalStack listens on 4566 too), and the way out. */
function portInUseMessage(err: { port?: unknown; address?: unknown }): string {
  const port = typeof err.port === 'number' ? String(err.port) : 'the port';
  const where = typeof err.address === 'string' && err.address !== '' ? ` on ${err.address}` : '';
  return (
    `port ${port} is already in use${where} (another emulator such as LocalStack may be using it); ` +
    'choose another with --port N or PORT=N'
  );
}

main().catch((err: unknown) => {
  if ((err as { code?: unknown }).code === 'EADDRINUSE') {
    process.stderr.write(`ec2-sg-emulator: ${portInUseMessage(err as { port?: unknown; address?: unknown })}\n`);
    process.exit(2);
  }
  const known =
    err instanceof ConfigError ||
    err instanceof SchemaVersionError ||
    err instanceof DatabaseOpenError ||
    USER_FACING_SYSTEM_ERRORS.has(String((err as { code?: unknown }).code));
  process.stderr.write(`ec2-sg-emulator: ${known ? (err as Error).message : String((err as Error).stack ?? err)}\n`);
  process.exit(known ? 2 : 1);
});
