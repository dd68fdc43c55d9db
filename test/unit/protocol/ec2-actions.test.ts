/**
 * protocol/ec2-actions.ts is generated from the installed @aws-sdk/client-ec2: it must name exactly
 * the SDK's commands, so an SDK upgrade that adds actions fails here until the file is regenerated
 * (node scripts/generate-ec2-actions.mjs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EC2_ACTION_COUNT, isEc2Action } from '../../../protocol/ec2-actions.js';
import { OPERATIONS } from '../../../server/operations.js';

const require = createRequire(import.meta.url);
const sdkRoot = dirname(require.resolve('@aws-sdk/client-ec2/package.json'));
const sdkActions = readdirSync(join(sdkRoot, 'dist-types', 'commands'))
  .map((file) => /^([A-Z][A-Za-z0-9]*)Command\.d\.ts$/.exec(file)?.[1])
  .filter((name): name is string => name !== undefined);

/** The names in the generated file, read back from its text. */
function listedActions(): string[] {
  const text = readFileSync(new URL('../../../protocol/ec2-actions.ts', import.meta.url), 'utf8');
  const block = /const NAMES = `\n([\s\S]*?)`;/.exec(text)?.[1] ?? '';
  return block.split('\n').filter((line) => line !== '');
}

describe('the static list of EC2 actions', () => {
  it('equals the commands of the installed @aws-sdk/client-ec2', () => {
    expect(sdkActions.length).toBeGreaterThan(700);
    expect(listedActions()).toEqual([...sdkActions].sort());
    expect(EC2_ACTION_COUNT).toBe(sdkActions.length);
    for (const action of sdkActions) expect(isEc2Action(action)).toBe(true);
  });

  it('holds every action we serve, and not typos or other services’ actions', () => {
    for (const served of OPERATIONS.keys()) expect(isEc2Action(served), served).toBe(true);
    expect(isEc2Action('DescribeInstances')).toBe(true);
    for (const notEc2 of ['DescribeInstnaces', 'ListBuckets', 'GetCallerIdentity', '', 'describeinstances']) {
      expect(isEc2Action(notEc2), notEc2).toBe(false);
    }
  });
});
