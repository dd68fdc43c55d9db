/**
 * The request log: one line per request with the action, the status, the EC2 error code when the
 * answer is an error (and why, for an action we do not emulate), the duration and the request id,
 * each said once. With --log-format json every line the process writes to stdout is JSON,
 * from the start-up line to the shutdown line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { createLogger, readableLine, REQUEST_MESSAGE, startUpLine } from '../../server/logger.js';
import { builtRoot, cleanEnv, startProcess, type ServerProcess } from '../helpers/built-server.js';
import { startTestServer } from '../helpers/server.js';

/** A stream that keeps every line written to it. */
function captureStream(): NodeJS.WritableStream & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    write(chunk: string | Uint8Array) {
      lines.push(...String(chunk).split('\n').filter((line) => line !== ''));
      return true;
    },
  } as unknown as NodeJS.WritableStream & { lines: string[] };
}

const REFUSED = 'Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-0123456789abcdef0';

async function send(url: string, body: string): Promise<{ status: number; requestId: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  await response.text();
  return { status: response.status, requestId: response.headers.get('x-amzn-requestid')! };
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(condition()).toBe(true);
}

describe('the readable request line', () => {
  let emulator: Emulator;
  const out = captureStream();
  beforeAll(async () => {
    emulator = await startTestServer({ logger: (await createLogger({ logLevel: 'info', logFormat: 'pretty' }, out))! });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('names the error code of a refused request, at info, each fact once', async () => {
    const { status, requestId } = await send(emulator.url, REFUSED);
    expect(status).toBe(400);
    await waitFor(() => out.lines.some((line) => line.includes(requestId)));
    const line = out.lines.find((l) => l.includes(requestId))!;
    expect(line).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  DescribeSecurityGroups 400 InvalidGroup\\.NotFound [0-9.]+ms req=${requestId}$`),
    );
    // Nothing said twice: no key=value repeats of what the message says.
    expect(line).not.toMatch(/action=|status=|requestId=|code=|ms=/);
  });

  it('has no code for a success, and says "not emulated" for a real EC2 action we do not serve', async () => {
    const ok = await send(emulator.url, 'Action=DescribeVpcs&Version=2016-11-15');
    const notEmulated = await send(emulator.url, 'Action=DescribeInstances&Version=2016-11-15');
    const typo = await send(emulator.url, 'Action=DescribeInstnaces&Version=2016-11-15');
    await waitFor(() => [ok, notEmulated, typo].every(({ requestId }) => out.lines.some((line) => line.includes(requestId))));
    const lineOf = (id: string) => out.lines.find((l) => l.includes(id))!;
    expect(lineOf(ok.requestId)).toMatch(new RegExp(`INFO  DescribeVpcs 200 [0-9.]+ms req=${ok.requestId}$`));
    expect(lineOf(notEmulated.requestId)).toMatch(/INFO {2}DescribeInstances 400 InvalidAction \(not emulated\) [0-9.]+ms req=/);
    expect(lineOf(typo.requestId)).toMatch(/INFO {2}DescribeInstnaces 400 InvalidAction [0-9.]+ms req=/);
  });

  it('names a request with no action by its method and path', async () => {
    await fetch(`${emulator.url}/_emulator/health`);
    await waitFor(() => out.lines.some((line) => line.includes('GET /_emulator/health 200')));
  });
});

describe('JSON request events', () => {
  it('carry the code as a field and a message that repeats none of them', async () => {
    const out = captureStream();
    const emulator = await startTestServer({ logger: (await createLogger({ logLevel: 'info', logFormat: 'json' }, out))! });
    try {
      const { requestId } = await send(emulator.url, REFUSED);
      await waitFor(() => out.lines.some((line) => line.includes(requestId)));
      const event = JSON.parse(out.lines.find((l) => l.includes(requestId))!) as Record<string, unknown>;
      expect(event).toMatchObject({
        level: 30,
        msg: REQUEST_MESSAGE,
        action: 'DescribeSecurityGroups',
        status: 400,
        code: 'InvalidGroup.NotFound',
        requestId,
        ms: expect.any(Number),
      });
      expect(event).not.toHaveProperty('note');
      expect(String(event.msg)).not.toMatch(/DescribeSecurityGroups|400|InvalidGroup/);
    } finally {
      await emulator.stop();
    }
  });

  it('render back to the readable line from the same fields', () => {
    const line = readableLine({
      level: 30,
      time: Date.UTC(2026, 0, 1, 6, 31, 2, 114),
      msg: REQUEST_MESSAGE,
      action: 'DescribeSecurityGroups',
      status: 400,
      code: 'InvalidGroup.NotFound',
      ms: 0.8,
      requestId: 'abc',
    });
    expect(line).toBe('06:31:02.114 INFO  DescribeSecurityGroups 400 InvalidGroup.NotFound 0.8ms req=abc\n');
    expect(startUpLine('pretty', 'http://127.0.0.1:4566')).toBe('ec2-sg-emulator listening on http://127.0.0.1:4566\n');
    expect(JSON.parse(startUpLine('json', 'http://127.0.0.1:4566'))).toMatchObject({ level: 30, msg: 'listening', url: 'http://127.0.0.1:4566' });
  });
});

describe('the process with --log-format json', () => {
  let main: string;
  let scratch: string;
  const running: ServerProcess[] = [];
  beforeAll(async () => {
    main = join(await builtRoot(), 'dist', 'server', 'main.js');
    scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-logging-'));
  }, 180_000);
  afterAll(() => {
    for (const server of running) server.child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  });

  const jsonLines = (text: string) =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes only JSON lines to stdout: start-up, requests, shutdown', async () => {
    const server = await startProcess([main, '--port', '0', '--log-format', 'json'], { cwd: scratch, env: cleanEnv() });
    running.push(server);
    const { requestId } = await send(server.url, REFUSED);
    await waitFor(() => server.stdout().includes(requestId));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const events = jsonLines(server.stdout()); // throws on any line that is not JSON
    expect(events[0]).toMatchObject({ level: 30, msg: 'listening', url: server.url, time: expect.any(Number) });
    expect(events).toContainEqual(expect.objectContaining({ action: 'DescribeSecurityGroups', status: 400, code: 'InvalidGroup.NotFound', requestId }));
    expect(events.at(-1)).toMatchObject({ level: 30, msg: 'shutting down', signal: 'SIGTERM' });
  });

  it('writes the start-up line as JSON even with --log-level silent', async () => {
    const server = await startProcess([main, '--port', '0', '--log-format', 'json', '--log-level', 'silent'], { cwd: scratch, env: cleanEnv() });
    running.push(server);
    await send(server.url, REFUSED);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(jsonLines(server.stdout())).toEqual([expect.objectContaining({ msg: 'listening', url: server.url })]);
  });
});
