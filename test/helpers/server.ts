/**
 * Test helpers: a real emulator on 127.0.0.1 and a free port, and clients pointed at it.
 * Clients never retry (maxAttempts 1), so an unexpected 5xx surfaces at once.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../server/emulator.js';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };

export async function startTestServer(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, ...options });
}

export function ec2Client(url: string, region = 'us-east-1', credentials = TEST_CREDENTIALS): EC2Client {
  return new EC2Client({ endpoint: url, region, credentials, maxAttempts: 1 });
}

/** Runs `fn`, expecting it to reject with an EC2 error; returns its code, message and status. */
export async function ec2ErrorOf(fn: () => Promise<unknown>): Promise<{ code: string; message: string; status: number | undefined }> {
  try {
    await fn();
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail with an EC2 error, but it succeeded');
}
