/**
 * Contract-test helpers: see exactly what the real SDK puts on the wire, and feed the SDK exactly
 * the XML we choose.
 *
 * - `captureRequestBody` adds a middleware at the `finalizeRequest` step (after serialization and
 *   signing, right before the HTTP handler) that records the form body and stops the request, so
 *   a command can be serialized without any server.
 * - `startReplayServer` is a tiny HTTP server on 127.0.0.1 that answers every request with the XML
 *   it was last given, so the SDK's own deserializer reads our writer's output.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EC2Client } from '@aws-sdk/client-ec2';
import { TEST_CREDENTIALS } from './server.js';

/** Thrown by the capture middleware to stop a request once its body is recorded. */
class CapturedRequest extends Error {
  constructor(readonly body: string) {
    super('request captured');
  }
}

/** A client whose every command is serialized and captured, never sent. */
export function capturingClient(region = 'us-east-1'): EC2Client {
  const client = new EC2Client({
    endpoint: 'http://127.0.0.1:9',
    region,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { body?: unknown };
      throw new CapturedRequest(typeof request.body === 'string' ? request.body : String(request.body ?? ''));
    },
    { step: 'finalizeRequest', priority: 'low', name: 'captureRequestBody' },
  );
  return client;
}

/** Serializes `command` with the real SDK and returns the form body it would have sent. */
export async function captureRequestBody(client: EC2Client, command: object): Promise<string> {
  try {
    // Any EC2 command; `send`'s overloads cannot name "some command" generically.
    await client.send(command as never);
  } catch (err) {
    if (err instanceof CapturedRequest) return err.body;
    throw err;
  }
  throw new Error('the capture middleware did not run');
}

export interface ReplayServer {
  readonly url: string;
  /** The next responses are `status` with `body` as text/xml. */
  respondWith(body: string, status?: number): void;
  stop(): Promise<void>;
}

export async function startReplayServer(): Promise<ReplayServer> {
  let reply = { body: '', status: 200 };
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(reply.status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-RequestId': 'replay' });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    respondWith(body, status = 200) {
      reply = { body, status };
    },
    stop: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
