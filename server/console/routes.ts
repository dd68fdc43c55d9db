/**
 * The web console: a few static files (server/console/assets/, plain HTML, CSS and JavaScript, no
 * build step, nothing fetched from elsewhere) and the small read-only JSON endpoints they use.
 *
 *   GET /_emulator/ui                  the console (also GET / from a browser: see isConsolePageRequest)
 *   GET /_emulator/ui/assets/<file>    its stylesheet and scripts
 *   GET /_emulator/ui/api/scopes       the account-regions present, with their sizes
 *   GET /_emulator/ui/api/vpcs         ?account=&region=
 *   GET /_emulator/ui/api/groups       ?account=&region=  every group with its rule counts
 *   GET /_emulator/ui/api/groups/:id   ?account=&region=  a group, its rules, what it references and what references it
 *   GET /_emulator/ui/api/graph        ?account=&region=  the references between groups
 *   GET /_emulator/ui/api/prefix-lists ?account=&region=  every list with its entries of every stored version
 *
 * The console writes only through the existing control endpoints (reset, state upload). It is
 * registered with them, so `--no-control` turns it off too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { RequestJournal } from '../journal.js';
import { ruleView, trafficLabel, type NameLookups } from './views.js';

export const CONSOLE_PATH = '/_emulator/ui';

export interface ConsoleOptions {
  readonly store: Store;
  readonly journal: RequestJournal | null;
  /** The scope the console opens on: the account and region of unsigned requests. */
  readonly defaultScope: Scope;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Only our own files, scripts and styles; no inline code, no other origin, never in a frame. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

let assets: Map<string, Asset> | undefined;

/**
 * The asset files, read once. They live in server/console/assets/ of the package (shipped as is,
 * so the package root is found by walking up from this file, in the sources or in dist/), or next
 * to this file when a build has copied them there.
 */
function loadAssets(): Map<string, Asset> {
  if (assets) return assets;
  const found = new Map<string, Asset>();
  const directory = assetDirectory();
  if (directory !== undefined) {
    for (const name of readdirSync(directory)) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType !== undefined) found.set(name, { body: readFileSync(join(directory, name)), contentType });
    }
  }
  assets = found;
  return found;
}

function assetDirectory(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; ) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
        const candidate = join(dir, 'server', 'console', 'assets');
        if (name === 'ec2-sg-emulator' && existsSync(join(candidate, 'index.html'))) return candidate;
      } catch {
        // Not our manifest: keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const beside = join(here, 'assets');
  return existsSync(join(beside, 'index.html')) ? beside : undefined;
}

/**
 * A browser opening the endpoint's root: `GET /` asking for HTML, with no `Action` (which every
 * SDK and CLI request carries, and none asks for HTML). Called for GETs only.
 */
export function isConsolePageRequest(request: FastifyRequest): boolean {
  const url = request.url;
  if (url !== '/' && !url.startsWith('/?')) return false;
  const accept = request.headers.accept;
  if (typeof accept !== 'string' || !accept.includes('text/html')) return false;
  return !/[?&]Action=/.test(url);
}

export function sendConsolePage(reply: FastifyReply) {
  const page = loadAssets().get('index.html');
  if (page === undefined) {
    return reply.code(404).type('text/plain; charset=utf-8').send('The console files are not installed (server/console/assets/ is missing).');
  }
  return reply.code(200).headers(SECURITY_HEADERS).type(page.contentType).send(page.body);
}

type ScopeQuery = { Querystring: { account?: string; region?: string } };
/** A console endpoint; `name` is what follows its path (an asset's file name, a group's id). */
type ConsoleHandler = (request: FastifyRequest<ScopeQuery>, reply: FastifyReply, name: string) => Promise<unknown>;

export function registerConsoleRoutes(app: FastifyInstance, options: ConsoleOptions): void {
  const { store } = options;
  // Two Fastify routes, the console's own paths looked up here: each route registered costs every
  // start of the server (cold start is measured), and the console is opened far less often.
  const exact = new Map<string, ConsoleHandler>();
  const prefixed = new Map<string, ConsoleHandler>();
  app.get(CONSOLE_PATH, async (_request, reply) => sendConsolePage(reply));
  app.get<ScopeQuery & { Params: { '*': string } }>(`${CONSOLE_PATH}/*`, async (request, reply) => {
    const path = request.params['*'];
    const handler = exact.get(path);
    if (handler) return handler(request, reply, '');
    const slash = path.lastIndexOf('/');
    const under = slash === -1 ? undefined : prefixed.get(path.slice(0, slash + 1));
    if (under) return under(request, reply, path.slice(slash + 1));
    return sendJson(reply, 404, { error: 'NotFound', message: 'no such console page or endpoint' });
  });
  const get = (path: string, handler: ConsoleHandler) => exact.set(path, handler);

  get('', async (_request, reply) => sendConsolePage(reply));
  prefixed.set('assets/', async (_request, reply, name) => {
    const asset = loadAssets().get(name);
    if (asset === undefined || name === 'index.html') return sendJson(reply, 404, { error: 'NotFound', message: 'no such console file' });
    return reply.code(200).headers(SECURITY_HEADERS).type(asset.contentType).send(asset.body);
  });

  const api = 'api';
  /** The scope a request names, or the default one; an invalid name is a 400. */
  const scopeOf = (request: FastifyRequest<ScopeQuery>, reply: FastifyReply): Scope | undefined => {
    const accountId = request.query.account || options.defaultScope.accountId;
    const region = request.query.region || options.defaultScope.region;
    if (!/^[0-9]{12}$/.test(accountId) || !/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(region)) {
      void sendJson(reply, 400, { error: 'InvalidScope', message: `'${accountId}' / '${region}' is not an account id and a region name` });
      return undefined;
    }
    return { accountId, region };
  };
  /**
   * Reads a scope as a describe call would see it: through the store's per-request scope when it
   * has one (a scope nothing was written to yet then shows its defaults, and keeps nothing).
   */
  const inScope = <T>(scope: Scope, read: () => T): T => {
    const perRequest = (store as { inScope?: <R>(scope: Scope, fn: () => R) => R }).inScope;
    if (perRequest) return perRequest.call(store, scope, read) as T;
    store.ensureScope(scope);
    return store.transaction(read);
  };

  get(`${api}/scopes`, async (_request, reply) => {
    const scopes = store.consoleScopes();
    const { accountId, region } = options.defaultScope;
    if (!scopes.some((s) => s.accountId === accountId && s.region === region)) {
      scopes.unshift({ accountId, region, vpcs: 0, securityGroups: 0, securityGroupRules: 0, prefixLists: 0 });
    }
    return sendJson(reply, 200, { defaultScope: options.defaultScope, scopes, journalSize: options.journal?.capacity ?? 0 });
  });

  get(`${api}/vpcs`, async (request, reply) => {
    const scope = scopeOf(request, reply);
    if (!scope) return reply;
    const vpcs = inScope(scope, () => {
      const counts = store.consoleVpcCounts(scope);
      return store.listVpcs(scope).map((vpc) => ({
        vpcId: vpc.vpcId,
        cidrBlock: vpc.cidrBlock,
        ipv6CidrBlock: vpc.ipv6CidrBlock ?? null,
        isDefault: vpc.isDefault,
        ownerId: vpc.ownerId,
        tags: vpc.tags,
        securityGroups: counts.groups.get(vpc.vpcId) ?? 0,
        subnets: counts.subnets.get(vpc.vpcId) ?? 0,
      }));
    });
    return sendJson(reply, 200, { scope, vpcs });
  });

  get(`${api}/groups`, async (request, reply) => {
    const scope = scopeOf(request, reply);
    if (!scope) return reply;
    const groups = inScope(scope, () => {
      const counts = store.consoleRuleCounts(scope);
      return store.listGroups(scope).map((group) => ({
        groupId: group.groupId,
        groupName: group.groupName,
        description: group.description,
        vpcId: group.vpcId,
        isDefault: group.isDefault,
        tags: group.tags,
        inbound: counts.get(group.groupId)?.inbound ?? 0,
        outbound: counts.get(group.groupId)?.outbound ?? 0,
      }));
    });
    return sendJson(reply, 200, { scope, groups });
  });

  prefixed.set(`${api}/groups/`, async (request, reply, groupId) => {
    const scope = scopeOf(request, reply);
    if (!scope) return reply;
    const answer = inScope(scope, () => {
      const group = store.getGroup(scope, groupId);
      if (!group) return undefined;
      const rules = store.rulesOfGroup(group.groupId);
      const referencing = store.consoleRulesReferencing(group.groupId);
      const lookups = nameLookups(store, scope, [
        ...rules.flatMap((rule) => (rule.peer.kind === 'group' ? [rule.peer.groupId] : [])),
        ...referencing.map((reference) => reference.groupId),
      ]);
      const views = rules.map((rule) => ({ direction: rule.direction, view: ruleView(rule, lookups) }));
      const linkTo = (groupId: string) => {
        const named = lookups.groups.get(groupId);
        return { groupId, groupName: named?.groupName ?? null, ownerId: named?.ownerId ?? null, local: named?.local ?? false };
      };
      return {
        scope,
        group: {
          groupId: group.groupId,
          groupName: group.groupName,
          description: group.description,
          vpcId: group.vpcId,
          ownerId: group.ownerId,
          isDefault: group.isDefault,
          tags: group.tags,
        },
        inbound: views.filter((v) => v.direction === 'ingress').map((v) => v.view),
        outbound: views.filter((v) => v.direction === 'egress').map((v) => v.view),
        references: views
          .filter((v) => v.view.peer.kind === 'group')
          .map((v) => ({
            ...linkTo(v.view.peer.id),
            direction: v.direction,
            ruleId: v.view.ruleId,
            type: v.view.type,
            protocol: v.view.protocol,
            portRange: v.view.portRange,
          })),
        referencedBy: referencing.map((reference) => {
          const view = ruleView(
            {
              ruleId: reference.ruleId,
              groupId: reference.groupId,
              ownerId: '',
              direction: reference.direction,
              protocol: reference.protocol,
              fromPort: reference.fromPort,
              toPort: reference.toPort,
              peer: { kind: 'group', groupId: reference.peerGroupId, userId: reference.peerUserId ?? '' },
              description: reference.description,
              tags: [],
            },
            lookups,
          );
          return { ...linkTo(reference.groupId), direction: reference.direction, ruleId: reference.ruleId, type: view.type, protocol: view.protocol, portRange: view.portRange };
        }),
      };
    });
    if (!answer) return sendJson(reply, 404, { error: 'NotFound', message: `no security group ${groupId} in ${scope.accountId} / ${scope.region}` });
    return sendJson(reply, 200, answer);
  });

  get(`${api}/graph`, async (request, reply) => {
    const scope = scopeOf(request, reply);
    if (!scope) return reply;
    const answer = inScope(scope, () => {
      const groups = store.listGroups(scope);
      const references = store.consoleGroupReferences(scope);
      const lookups = nameLookups(store, scope, references.map((reference) => reference.peerGroupId));
      // An arrow points the way traffic may flow: from a source into the group an inbound rule
      // belongs to, and out of a group to the destination its outbound rule names.
      const edges = new Map<string, { from: string; to: string; labels: string[]; ruleIds: string[] }>();
      for (const reference of references) {
        const [from, to] = reference.direction === 'ingress' ? [reference.peerGroupId, reference.groupId] : [reference.groupId, reference.peerGroupId];
        const key = `${from}>${to}`;
        let edge = edges.get(key);
        if (!edge) edges.set(key, (edge = { from, to, labels: [], ruleIds: [] }));
        const label = trafficLabel(reference.protocol, reference.fromPort, reference.toPort);
        if (!edge.labels.includes(label)) edge.labels.push(label);
        edge.ruleIds.push(reference.ruleId);
      }
      const involved = new Set([...edges.values()].flatMap((edge) => [edge.from, edge.to]));
      const local = new Map(groups.map((group) => [group.groupId, group]));
      const nodes = [...involved].map((groupId) => {
        const group = local.get(groupId);
        const named = lookups.groups.get(groupId);
        return {
          groupId,
          groupName: group?.groupName ?? named?.groupName ?? null,
          vpcId: group?.vpcId ?? null,
          local: group !== undefined,
        };
      });
      return { scope, nodes, edges: [...edges.values()], groupsWithoutReferences: groups.filter((g) => !involved.has(g.groupId)).length };
    });
    return sendJson(reply, 200, answer);
  });

  get(`${api}/prefix-lists`, async (request, reply) => {
    const scope = scopeOf(request, reply);
    if (!scope) return reply;
    const prefixLists = inScope(scope, () => {
      const use = store.consolePrefixListUse(scope);
      return store.listPrefixLists(scope).map((list) => ({
        prefixListId: list.prefixListId,
        name: list.name,
        addressFamily: list.addressFamily,
        maxEntries: list.maxEntries,
        ownerId: list.ownerId,
        version: list.version,
        state: list.state,
        tags: list.tags,
        referencingRules: use.get(list.prefixListId) ?? 0,
        entries: store.consolePrefixListEntries(scope, list.prefixListId).map((entry) => ({
          cidr: entry.cidr,
          description: entry.description ?? '',
          addedIn: entry.addedIn,
          removedIn: entry.removedIn ?? null,
        })),
      }));
    });
    return sendJson(reply, 200, { scope, prefixLists });
  });
}

/** Names of the groups (of any scope) and of the scope's prefix lists that rules mention. */
function nameLookups(store: Store, scope: Scope, groupIds: readonly string[]): NameLookups {
  const groups = new Map<string, { groupName: string; ownerId: string; local: boolean }>();
  // Groups of other accounts or regions are named but not linked: the console shows one scope.
  for (const [groupId, group] of store.consoleGroupNames(groupIds)) {
    groups.set(groupId, { groupName: group.groupName, ownerId: group.ownerId, local: group.ownerId === scope.accountId });
  }
  const prefixLists = new Map(store.listPrefixLists(scope).map((list) => [list.prefixListId, list.name]));
  return { groups, prefixLists };
}

export function sendJson(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
