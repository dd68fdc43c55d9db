/**
 * Embedding, as a user's project does it: `import { startEmulator } from 'ec2-sg-emulator'`
 * resolved through the package's `exports` (the compiled dist, with types), and the documented
 * vitest globalSetup (examples/vitest-global-setup.ts) driving a real vitest run of a small
 * project that only knows the endpoint from `inject()` and AWS_ENDPOINT_URL_EC2.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtRoot, cleanEnv, REPO_ROOT } from '../helpers/built-server.js';

let project: string;

beforeAll(async () => {
  // The test build, with our package.json beside dist/, is the package as installed.
  const root = await builtRoot();
  const packageDir = join(root, 'package');
  if (!existsSync(join(packageDir, 'package.json'))) {
    mkdirSync(packageDir, { recursive: true });
    copyFileSync(join(REPO_ROOT, 'package.json'), join(packageDir, 'package.json'));
    if (!existsSync(join(packageDir, 'dist'))) symlinkSync(join(root, 'dist'), join(packageDir, 'dist'), 'dir');
  }
  // A user project below the repository, so vitest and the SDK resolve from our node_modules,
  // while `ec2-sg-emulator` resolves only through its own node_modules.
  project = join(root, `embedding-project-${process.pid}`);
  rmSync(project, { recursive: true, force: true });
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(packageDir, join(project, 'node_modules', 'ec2-sg-emulator'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  copyFileSync(join(REPO_ROOT, 'examples', 'vitest-global-setup.ts'), join(project, 'vitest-global-setup.ts'));
  writeFileSync(
    join(project, 'vitest.config.mjs'),
    `export default { test: { root: ${JSON.stringify(project)}, include: ['*.test.ts'], globalSetup: ['./vitest-global-setup.ts'] } };\n`,
  );
  writeFileSync(join(project, 'groups.test.ts'), USER_TEST);
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

/** What a user writes: no endpoint in the client options, only what the globalSetup provides. */
const USER_TEST = `
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { beforeEach, expect, inject, it } from 'vitest';

beforeEach(async () => {
  await fetch(inject('ec2Endpoint') + '/_emulator/reset', { method: 'POST' });
});

it('reaches the emulator through AWS_ENDPOINT_URL_EC2', async () => {
  expect(process.env.AWS_ENDPOINT_URL_EC2).toBe(inject('ec2Endpoint'));
  const ec2 = new EC2Client({ maxAttempts: 1 });
  const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'user-group', Description: 'from a user test' }));
  const names = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups.map((g) => g.GroupName);
  expect(names.sort()).toEqual(['default', 'user-group']);
  expect(created.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
});

it('starts from a clean state after the reset', async () => {
  const ec2 = new EC2Client({ endpoint: inject('ec2Endpoint'), maxAttempts: 1 });
  const names = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups.map((g) => g.GroupName);
  expect(names).toEqual(['default']);
});
`;

describe('the package entry', () => {
  it('exports startEmulator with types, and its emulator resets and stops', async () => {
    const entry = join(project, 'entry-check.mjs');
    writeFileSync(
      entry,
      `import { startEmulator } from 'ec2-sg-emulator';
const emulator = await startEmulator();
const call = (body) => fetch(emulator.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body + '&Version=2016-11-15' }).then((r) => r.text());
await call('Action=CreateSecurityGroup&GroupName=embedded&GroupDescription=x');
const before = (await call('Action=DescribeSecurityGroups')).match(/<groupName>/g).length;
emulator.reset();
const after = (await call('Action=DescribeSecurityGroups')).match(/<groupName>/g).length;
await emulator.stop();
await emulator.stop();
let refused = false;
await fetch(emulator.url).catch(() => { refused = true; });
console.log(JSON.stringify({ url: emulator.url, before, after, refused }));
`,
    );
    const result = spawnSync(process.execPath, [entry], { cwd: project, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as { url: string; before: number; after: number; refused: boolean };
    expect(report.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(report).toMatchObject({ before: 2, after: 1, refused: true });
    expect(existsSync(join(project, 'node_modules', 'ec2-sg-emulator', 'dist', 'server', 'emulator.d.ts'))).toBe(true);
  });
});

describe('examples/vitest-global-setup.ts', () => {
  it('runs a user project whose tests reach the emulator it starts', () => {
    const vitest = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const result = spawnSync(process.execPath, [vitest, 'run', '--config', join(project, 'vitest.config.mjs')], {
      cwd: project,
      env: cleanEnv({ CI: '1', NO_COLOR: '1' }),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.stdout + result.stderr).toMatch(/Tests\s+2 passed \(2\)/);
    expect(result.status).toBe(0);
  }, 150_000);
});
