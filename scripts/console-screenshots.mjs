#!/usr/bin/env node
/**
 * The console's screenshots in docs/ (console-groups.png, console-group.png, console-log.png,
 * console-graph.png): starts an emulator from the built package, creates a small three-tier setup
 * through the AWS SDK, and photographs the pages in headless Chromium at 1280 px.
 *
 *   npm run build && node scripts/console-screenshots.mjs [--from dist] [--chromium /usr/bin/chromium]
 *
 * Run by hand when the console changes; the test suite never runs it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  EC2Client,
  ModifyManagedPrefixListCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    from: { type: 'string', default: join(root, 'dist') },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const { startEmulator } = await import(pathToFileURL(join(resolve(options.from), 'server/emulator.js')).href);

const emulator = await startEmulator({ port: 0 });
const ec2 = new EC2Client({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' }, maxAttempts: 1 });
const tags = (team) => [{ ResourceType: 'security-group', Tags: [{ Key: 'team', Value: team }] }];
const group = async (name, description, team) =>
  (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: description, TagSpecifications: tags(team) }))).GroupId;

const lb = await group('web-lb', 'Public load balancer', 'edge');
const app = await group('app-servers', 'Application tier', 'payments');
const db = await group('database', 'PostgreSQL primary and replicas', 'payments');
const { PrefixList: offices } = await ec2.send(
  new CreateManagedPrefixListCommand({
    PrefixListName: 'office-networks',
    AddressFamily: 'IPv4',
    MaxEntries: 10,
    Entries: [
      { Cidr: '203.0.113.0/24', Description: 'Berlin office' },
      { Cidr: '198.51.100.0/24', Description: 'Lisbon office' },
    ],
  }),
);
await ec2.send(
  new ModifyManagedPrefixListCommand({
    PrefixListId: offices.PrefixListId,
    CurrentVersion: 1,
    AddEntries: [{ Cidr: '192.0.2.0/24', Description: 'VPN' }],
    RemoveEntries: [{ Cidr: '198.51.100.0/24' }],
  }),
);
await ec2.send(
  new AuthorizeSecurityGroupIngressCommand({
    GroupId: lb,
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS from anywhere' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'redirected to HTTPS' }] },
    ],
  }),
);
await ec2.send(
  new AuthorizeSecurityGroupIngressCommand({
    GroupId: app,
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: lb, Description: 'from the load balancer' }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: offices.PrefixListId, Description: 'SSH from the offices' }] },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ping inside' }] },
    ],
  }),
);
await ec2.send(
  new AuthorizeSecurityGroupIngressCommand({
    GroupId: db,
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: app, Description: 'the app tier' }] },
      { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: db, Description: 'replication' }] },
    ],
  }),
);
await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: lb, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: app }] }] }));
await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: lb, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
// An error and a dry run, so the log shows more than successes.
await ec2.send(new DeleteSecurityGroupCommand({ GroupId: app })).catch(() => undefined);
await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'canary', Description: 'dry run', DryRun: true })).catch(() => undefined);

const browser = await chromium.launch({
  executablePath: options.chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const docs = join(root, 'docs');
mkdirSync(docs, { recursive: true });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const open = async (hash) => {
    await page.goto(`${emulator.url}/_emulator/ui#/000000000000/us-east-1/${hash}`);
    await page.waitForSelector('body[data-ready="true"]');
  };
  await open('groups');
  await page.screenshot({ path: join(docs, 'console-groups.png') });
  await open(`groups/${app}`);
  await page.screenshot({ path: join(docs, 'console-group.png'), fullPage: true });
  await open('graph');
  await page.locator('svg.graph').waitFor();
  await page.screenshot({ path: join(docs, 'console-graph.png'), fullPage: true });
  await open('log');
  await page.locator('tr.log-row[data-action="AuthorizeSecurityGroupIngress"] button.expand').first().click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(docs, 'console-log.png') });
  process.stdout.write(`wrote ${['groups', 'group', 'graph', 'log'].map((name) => `docs/console-${name}.png`).join(', ')}\n`);
} finally {
  await browser.close();
  await emulator.stop();
}
