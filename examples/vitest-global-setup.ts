/**
 * A vitest globalSetup that starts one ec2-sg-emulator for the whole test run.
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ['./vitest-global-setup.ts'] } });
 *
 * Tests then reach it through `inject('ec2Endpoint')`, or without any code change through
 * AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_STS, which the AWS SDKs and CLI read. To start each test
 * from a clean state, POST `${endpoint}/_emulator/reset` in a `beforeEach`.
 */
import { startEmulator } from 'ec2-sg-emulator';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    ec2Endpoint: string;
  }
}

export default async function setup(project: TestProject) {
  // Port 0: a free port, so parallel runs on one machine never collide. State stays in memory.
  const emulator = await startEmulator({ port: 0 });
  project.provide('ec2Endpoint', emulator.url);
  // Test workers start after this and inherit the environment.
  process.env.AWS_ENDPOINT_URL_EC2 = emulator.url;
  process.env.AWS_ENDPOINT_URL_STS = emulator.url;
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.AWS_REGION ??= 'us-east-1';

  return async () => {
    await emulator.stop();
  };
}
