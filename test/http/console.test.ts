/**
 * The web console over the wire: its page and files, a browser's `GET /` getting it while SDK-like
 * requests on the same path still get EC2, the read endpoints it draws from, and `--no-control`.
 */
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { appsClosedAfterEach, errorOf, parseXml, post, rawClient, sigV4Authorization } from '../helpers/inject.js';

const appWith = appsClosedAfterEach();

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

async function api(app: FastifyInstance, path: string): Promise<{ status: number; body: any }> {
  const response = await app.inject({ method: 'GET', url: `/_emulator/ui/api/${path}` });
  return { status: response.statusCode, body: response.json() };
}

describe('the console page and its files', () => {
  it('GET /_emulator/ui serves the page, which loads only our own files', async () => {
    const app = appWith();
    for (const url of ['/_emulator/ui', '/_emulator/ui/']) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.body).toContain('<script type="module" src="/_emulator/ui/assets/console.js"></script>');
      expect(page.body).not.toMatch(/https?:\/\//);
    }
  });

  it('serves the stylesheet and scripts with their types, and nothing else', async () => {
    const app = appWith();
    for (const [name, type] of [
      ['console.js', 'text/javascript; charset=utf-8'],
      ['dom.js', 'text/javascript; charset=utf-8'],
      ['graph.js', 'text/javascript; charset=utf-8'],
      ['console.css', 'text/css; charset=utf-8'],
    ]) {
      const asset = await app.inject({ method: 'GET', url: `/_emulator/ui/assets/${name}` });
      expect(asset.statusCode, name).toBe(200);
      expect(asset.headers['content-type']).toBe(type);
      // No network: nothing in the console reaches for another origin.
      expect(asset.body, name).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    }
    for (const url of ['/_emulator/ui/assets/nope.js', '/_emulator/ui/assets/..%2F..%2F..%2Fpackage.json', '/_emulator/ui/assets/%2e%2e%2fapp.ts']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('GET / asking for HTML without an Action is the console; SDK-like requests on / are still EC2', async () => {
    const app = appWith();
    const browser = await app.inject({ method: 'GET', url: '/', headers: { accept: BROWSER_ACCEPT } });
    expect(browser.statusCode).toBe(200);
    expect(browser.body).toContain('<title>ec2-sg-emulator console</title>');

    // A GET with an Action, even from a browser, is an EC2 call.
    const query = await app.inject({ method: 'GET', url: '/?Action=DescribeSecurityGroups&Version=2016-11-15', headers: { accept: BROWSER_ACCEPT } });
    expect(query.statusCode).toBe(200);
    expect(parseXml(query.body).DescribeSecurityGroupsResponse).toBeDefined();

    // What SDKs send: no HTML in Accept, so a bare GET / is EC2's answer as before.
    const bare = await app.inject({ method: 'GET', url: '/' });
    expect(bare.statusCode).toBe(400);
    expect(errorOf(parseXml(bare.body)).code).toBe('MissingAction');

    // POST is never the console, whatever it accepts.
    const form = await post(app, { Action: 'DescribeVpcs' }, { accept: BROWSER_ACCEPT });
    expect(form.status).toBe(200);
    expect(form.xml.DescribeVpcsResponse).toBeDefined();

    // Only the root: other paths stay EC2's catch-all.
    const elsewhere = await app.inject({ method: 'GET', url: '/somewhere', headers: { accept: BROWSER_ACCEPT } });
    expect(elsewhere.body).not.toContain('<title>ec2-sg-emulator console</title>');

    // The console's visit is not journalled; the EC2 calls are, the bare GETs as MissingAction.
    const journal = (await app.inject({ method: 'GET', url: '/_emulator/requests' })).json();
    expect(journal.requests.map((r: { action: string }) => r.action)).toEqual(['DescribeSecurityGroups', '', 'DescribeVpcs', '']);
  });

  it('is off with the other control endpoints (--no-control): 404, and GET / is EC2 again', async () => {
    const app = appWith({ controlEndpoints: false });
    for (const url of ['/_emulator/ui', '/_emulator/ui/assets/console.js', '/_emulator/ui/api/scopes', '/_emulator/requests']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    const root = await app.inject({ method: 'GET', url: '/', headers: { accept: BROWSER_ACCEPT } });
    expect(root.statusCode).toBe(400);
    expect(errorOf(parseXml(root.body)).code).toBe('MissingAction');
  });
});

describe('the read endpoints', () => {
  async function threeTiers(app: FastifyInstance) {
    const ec2 = rawClient(app);
    const group = async (name: string) => (await ec2.ok('CreateSecurityGroup', { GroupName: name, GroupDescription: `the ${name}` })).groupId as string;
    const web = await group('web');
    const appTier = await group('app');
    const db = await group('db');
    await ec2.ok('AuthorizeSecurityGroupIngress', {
      GroupId: web,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '443',
      'IpPermissions.1.ToPort': '443',
      'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0',
      'IpPermissions.1.IpRanges.1.Description': 'the world',
    });
    await ec2.ok('AuthorizeSecurityGroupIngress', {
      GroupId: appTier,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '8080',
      'IpPermissions.1.ToPort': '8080',
      'IpPermissions.1.Groups.1.GroupId': web,
    });
    await ec2.ok('AuthorizeSecurityGroupIngress', {
      GroupId: db,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '5432',
      'IpPermissions.1.ToPort': '5432',
      'IpPermissions.1.Groups.1.GroupId': appTier,
    });
    return { web, appTier, db };
  }

  it('scopes: the account-regions present, the default one first even when empty', async () => {
    const app = appWith();
    expect((await api(app, 'scopes')).body).toEqual({
      defaultScope: { accountId: '000000000000', region: 'us-east-1' },
      scopes: [{ accountId: '000000000000', region: 'us-east-1', vpcs: 0, securityGroups: 0, securityGroupRules: 0, prefixLists: 0 }],
      journalSize: 1000,
    });
    await post(app, { Action: 'CreateSecurityGroup', GroupName: 'eu', GroupDescription: 'd' }, { authorization: sigV4Authorization('eu-west-1', '111122223333') });
    const { scopes } = (await api(app, 'scopes')).body;
    expect(scopes.map((s: { accountId: string; region: string }) => `${s.accountId}/${s.region}`)).toEqual(['000000000000/us-east-1', '111122223333/eu-west-1']);
    expect(scopes[1]).toMatchObject({ vpcs: 1, securityGroups: 2 });
  });

  it('groups: every group of the scope with its rule counts', async () => {
    const app = appWith();
    const { web } = await threeTiers(app);
    const { body } = await api(app, 'groups?account=000000000000&region=us-east-1');
    expect(body.groups.map((g: { groupName: string }) => g.groupName)).toEqual(['default', 'web', 'app', 'db']);
    expect(body.groups.find((g: { groupId: string }) => g.groupId === web)).toMatchObject({ description: 'the web', inbound: 1, outbound: 1, isDefault: false });
  });

  it('a group: its rules in the AWS console words, what it references and what references it', async () => {
    const app = appWith();
    const { web, appTier, db } = await threeTiers(app);
    const { status, body } = await api(app, `groups/${appTier}`);
    expect(status).toBe(200);
    expect(body.group).toMatchObject({ groupId: appTier, groupName: 'app', ownerId: '000000000000' });
    expect(body.inbound).toEqual([
      expect.objectContaining({
        type: 'Custom TCP',
        protocol: 'TCP',
        portRange: '8080',
        peer: { kind: 'group', id: web, name: 'web', ownerId: '000000000000', local: true },
      }),
    ]);
    expect(body.outbound).toEqual([
      expect.objectContaining({ type: 'All traffic', protocol: 'All', portRange: 'All', ipVersion: 'IPv4', peer: { kind: 'ipv4', id: '0.0.0.0/0', local: false } }),
    ]);
    expect(body.references).toEqual([expect.objectContaining({ groupId: web, groupName: 'web', direction: 'ingress', portRange: '8080' })]);
    expect(body.referencedBy).toEqual([expect.objectContaining({ groupId: db, groupName: 'db', direction: 'ingress', type: 'PostgreSQL' })]);

    const webView = (await api(app, `groups/${web}`)).body;
    expect(webView.inbound[0]).toMatchObject({ type: 'HTTPS', portRange: '443', description: 'the world', peer: { kind: 'ipv4', id: '0.0.0.0/0' } });

    expect((await api(app, 'groups/sg-0123456789abcdef0')).status).toBe(404);
    expect((await api(app, `groups/${web}?account=111122223333`)).status).toBe(404);
    expect((await api(app, 'groups?account=12&region=mars')).status).toBe(400);
  });

  it('graph: an arrow per pair of groups a rule connects, the way traffic flows', async () => {
    const app = appWith();
    const { web, appTier, db } = await threeTiers(app);
    const { body } = await api(app, 'graph');
    const edges = body.edges.map((e: { from: string; to: string; labels: string[] }) => [e.from, e.to, e.labels]);
    expect(edges).toEqual(
      expect.arrayContaining([
        [web, appTier, ['tcp 8080']],
        [appTier, db, ['tcp 5432']],
      ]),
    );
    // The default group's rule that names itself is a loop.
    const defaultGroup = body.nodes.find((n: { groupName: string }) => n.groupName === 'default');
    expect(edges).toContainEqual([defaultGroup.groupId, defaultGroup.groupId, ['all traffic']]);
    expect(body.nodes).toHaveLength(4);
    expect(body.groupsWithoutReferences).toBe(0);
  });

  it('vpcs and prefix lists, with every stored version of a list', async () => {
    const app = appWith();
    const ec2 = rawClient(app);
    const list = (
      await ec2.ok('CreateManagedPrefixList', {
        PrefixListName: 'offices',
        AddressFamily: 'IPv4',
        MaxEntries: '5',
        'Entry.1.Cidr': '203.0.113.0/24',
        'Entry.1.Description': 'Berlin',
        'Entry.2.Cidr': '198.51.100.0/24',
      })
    ).prefixList.prefixListId as string;
    await ec2.ok('ModifyManagedPrefixList', { PrefixListId: list, CurrentVersion: '1', 'RemoveEntry.1.Cidr': '198.51.100.0/24', 'AddEntry.1.Cidr': '192.0.2.0/24' });

    const { prefixLists } = (await api(app, 'prefix-lists')).body;
    const offices = prefixLists.find((p: { prefixListId: string }) => p.prefixListId === list);
    expect(offices).toMatchObject({ name: 'offices', version: 2, maxEntries: 5, ownerId: '000000000000', referencingRules: 0 });
    expect(offices.entries).toEqual([
      { cidr: '203.0.113.0/24', description: 'Berlin', addedIn: 1, removedIn: null },
      { cidr: '198.51.100.0/24', description: '', addedIn: 1, removedIn: 2 },
      { cidr: '192.0.2.0/24', description: '', addedIn: 2, removedIn: null },
    ]);
    expect(prefixLists.filter((p: { ownerId: string }) => p.ownerId === 'AWS').length).toBeGreaterThan(0);

    const { vpcs } = (await api(app, 'vpcs')).body;
    expect(vpcs).toEqual([expect.objectContaining({ isDefault: true, cidrBlock: '172.31.0.0/16', securityGroups: 1 })]);
  });
});
