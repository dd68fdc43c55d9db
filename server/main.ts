#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * Process entry: configure, start, print the URL, stop cleanly on SIGINT/SIGTERM.
 *
 * `--max-semi-space-size=4` (here, in `npm start` and in the image's CMD): every request's garbage
 * dies young, and V8's default 16 MiB semi-spaces only kept ~25 MB more memory resident
 * (issue 5: under 150 MB with 100,000 rules) without a measurable gain in speed. The flag itself
 * costs ~25-30 ms of start-up; the README's Performance section has the measurements.
 */
import { ConfigError, HELP, loadConfig } from './config.js';
import { startEmulator } from './emulator.js';
import { createLogger } from './logger.js';
import { DatabaseOpenError, SchemaVersionError } from '../store/db.js';

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  if (config === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const logger = await createLogger(config);
  const emulator = await startEmulator({ ...config, logger });
  process.stdout.write(`ec2-sg-emulator listening on ${emulator.url}\n`);

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

/** Listen failures a user causes (port taken, no such address, no permission) are one line too. */
const USER_FACING_SYSTEM_ERRORS = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'ENOTFOUND', 'EAI_AGAIN']);

main().catch((err: unknown) => {
  const known =
    err instanceof ConfigError ||
    err instanceof SchemaVersionError ||
    err instanceof DatabaseOpenError ||
    USER_FACING_SYSTEM_ERRORS.has(String((err as { code?: unknown }).code));
  process.stderr.write(`ec2-sg-emulator: ${known ? (err as Error).message : String((err as Error).stack ?? err)}\n`);
  process.exit(known ? 2 : 1);
});
