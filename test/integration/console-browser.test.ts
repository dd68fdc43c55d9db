/**
 * The web console in a real browser: Debian's Chromium, headless, driven by playwright-core (which
 * drives an installed browser and downloads none). Groups and rules made through the SDK show in
 * the console's tables; a call made meanwhile appears in the live log without a reload; the Reset
 * button empties the emulator; the reference graph draws the arrow between two groups.
 */
import { existsSync } from 'node:fs';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, startTestServer } from '../helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`console-browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(!haveChromium)('the console in Chromium', () => {
  let emulator: Emulator;
  let ec2: EC2Client;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    emulator = await startTestServer();
    ec2 = ec2Client(emulator.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    ec2?.destroy();
    await emulator?.stop();
  });

  beforeEach(async () => {
    emulator.reset();
    await page?.close();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  const open = async (hash: string) => {
    await page.goto(`${emulator.url}/_emulator/ui#/000000000000/us-east-1/${hash}`);
    await page.locator('body[data-ready="true"]').waitFor();
  };
  const group = async (name: string) =>
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: `the ${name} tier` }))).GroupId!;

  it('shows groups made through the SDK, and their rules as the AWS console does', async () => {
    const web = await group('web');
    const db = await group('database');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: web,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS from anywhere' }] }],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: db,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web }] }],
      }),
    );

    await open('groups');
    await expect.poll(() => page.locator('#groups-table tbody tr').count()).toBe(3); // with the default group
    await page.getByLabel('Search').fill('database'); // not a hex word, so no group id can match it
    await expect.poll(() => page.locator('#groups-table tbody tr').count()).toBe(1);

    // Keyboard: the group's link is a real link.
    await page.locator(`#groups-table a[href$="/groups/${db}"]`).focus();
    await page.keyboard.press('Enter');
    await page.locator('#inbound-rules tbody tr').first().waitFor();
    const inbound = page.locator('#inbound-rules tbody tr');
    expect(await inbound.count()).toBe(1);
    const cells = await inbound.first().locator('td').allInnerTexts();
    expect(cells.slice(2, 6)).toEqual(['PostgreSQL', 'TCP', '5432', `${web} / web`]);
    expect(await page.locator('#referenced-by tbody tr').count()).toBe(0);
    expect(await page.locator('#references tbody tr').first().innerText()).toContain(`${web} / web`);

    // Follow the source group's link to its page: HTTPS from anywhere, and db referencing it.
    await page.locator(`#inbound-rules a[href$="/groups/${web}"]`).click();
    await page.locator('#inbound-rules').getByText('HTTPS from anywhere').waitFor();
    const webRule = await page.locator('#inbound-rules tbody tr').first().locator('td').allInnerTexts();
    expect(webRule.slice(1, 7)).toEqual(['IPv4', 'HTTPS', 'TCP', '443', '0.0.0.0/0', 'HTTPS from anywhere']);
    expect(await page.locator('#referenced-by tbody tr').first().innerText()).toContain(`${db} / database`);
  });

  it('shows a new call in the live log without a reload, expandable to its input and answer', async () => {
    await open('log');
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'same page'));
    const groupId = await group('live');

    const row = page.locator('tr.log-row[data-action="CreateSecurityGroup"]');
    await row.waitFor();
    expect(await row.locator('td').nth(3).innerText()).toBe('200');
    expect(await row.locator('td').nth(5).innerText()).toBe(groupId);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('same page');

    await row.getByRole('button').click();
    const detail = page.locator('tr.log-detail:not([hidden])');
    await detail.waitFor();
    expect(await detail.locator('pre').first().innerText()).toContain('"GroupName": "live"');
    expect(await detail.locator('pre').nth(1).innerText()).toContain(groupId);

    // An error arrives the same way, with its code.
    await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })).catch(() => undefined);
    const failed = page.locator('tr.log-row[data-action="DescribeSecurityGroups"]');
    await failed.waitFor();
    expect(await failed.getAttribute('data-outcome')).toBe('error');
    expect(await failed.locator('td').nth(5).innerText()).toContain('InvalidGroup.NotFound');
  });

  it('resets the emulator from the Reset button', async () => {
    const doomed = await group('doomed');
    await open('groups');
    await page.locator(`#groups-table tr[data-group-id="${doomed}"]`).waitFor();

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.locator('#status').getByText('Reset').waitFor();
    await expect.poll(() => page.locator(`#groups-table tr[data-group-id="${doomed}"]`).count()).toBe(0);

    const left = await ec2.send(new DescribeSecurityGroupsCommand({}));
    expect(left.SecurityGroups!.map((g) => g.GroupName)).toEqual(['default']);
  });

  it('draws the reference between two groups as an arrow in the graph', async () => {
    const app = await group('app');
    const db = await group('db');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: db,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: app }] }],
      }),
    );
    await open('graph');
    // Traffic flows from the source (app) into the group whose inbound rule names it (db).
    const arrow = page.locator(`svg.graph g.edge[data-from="${app}"][data-to="${db}"]`);
    await arrow.waitFor();
    expect(await arrow.locator('text').textContent()).toBe('tcp 5432');
    expect(await arrow.locator('path').getAttribute('marker-end')).toBe('url(#arrow)');
    expect(await page.locator(`svg.graph g.edge[data-from="${db}"][data-to="${app}"]`).count()).toBe(0);
    // Both groups are nodes that link to their pages.
    for (const id of [app, db]) expect(await page.locator(`svg.graph a[href$="/groups/${id}"] g.node`).count()).toBe(1);
  });
});
