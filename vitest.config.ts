import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // examples/*.test.ts are the README's runnable examples: they run with the suite.
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Integration tests start real servers and spawn the aws CLI; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The AWS SDK (a dev dependency: our tests' client) prints a 9-line NodeVersionSupportWarning in
    // every process that builds a client on Node < 22, which buries test output on Node 20, a version
    // we still support and test. It says nothing about the emulator, so our test processes turn it
    // off; users' own SDK processes keep their warning.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
  // The examples import the package by name, as a user's project does; here that is the sources.
  resolve: { alias: { 'ec2-sg-emulator': fileURLToPath(new URL('./server/emulator.ts', import.meta.url)) } },
});
