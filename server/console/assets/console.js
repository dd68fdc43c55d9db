// ec2-sg-emulator console: reads /_emulator/ui/api/*, follows /_emulator/requests/stream, and
// writes only through the control endpoints (reset, state upload). Pages live in the URL's hash:
// #/<account>/<region>/<page>[/<id>][?q=<search>].
import { badge, formatJson, h, table, tagList } from './dom.js';
import { referenceGraph } from './graph.js';

const API = '/_emulator/ui/api';
const PAGES = [
  { key: 'groups', title: 'Security groups' },
  { key: 'vpcs', title: 'VPCs' },
  { key: 'prefix-lists', title: 'Prefix lists' },
  { key: 'graph', title: 'Reference graph' },
  { key: 'log', title: 'Request log' },
];
const READ_ACTION = /^(Describe|Get|List)/;

const state = {
  defaultScope: { accountId: '000000000000', region: 'us-east-1' },
  scopes: [],
  scope: undefined,
  journalSize: 0,
  /** Journal records, oldest first, as the stream delivered them. */
  records: [],
  lastSeq: 0,
  /** The current page's reload, called when a write lands in its scope. */
  reload: undefined,
  /** The request log's view, while it is on screen. */
  log: undefined,
  renderCount: 0,
};

const main = document.getElementById('main');
const statusLine = document.getElementById('status');

// ---------------------------------------------------------------- helpers

async function getJson(url, init) {
  const response = await fetch(url, { headers: { accept: 'application/json' }, ...init });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.message ?? `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

const scopeQuery = (scope) => `account=${encodeURIComponent(scope.accountId)}&region=${encodeURIComponent(scope.region)}`;
const scopeName = (scope) => `${scope.accountId} / ${scope.region}`;
const sameScope = (a, b) => a.accountId === b.accountId && a.region === b.region;

function href(page, id, scope = state.scope, query) {
  const path = `#/${scope.accountId}/${scope.region}/${page}${id ? `/${encodeURIComponent(id)}` : ''}`;
  return query ? `${path}?q=${encodeURIComponent(query)}` : path;
}

function say(text, kind = '') {
  statusLine.textContent = text;
  statusLine.className = `status ${kind}`;
}

function pageHead(title, subtitle) {
  return h('div', { class: 'page-head' }, h('h1', {}, title), subtitle ? h('p', { class: 'muted' }, subtitle) : null);
}

function field(label, control, className = '') {
  return h('label', { class: `field ${className}` }, h('span', {}, label), control);
}

function groupLink(groupId, groupName, local = true, scope = state.scope) {
  const text = groupName ? `${groupId} / ${groupName}` : groupId;
  return local ? h('a', { href: href('groups', groupId, scope), class: 'id' }, text) : h('span', { class: 'id' }, text);
}

// ---------------------------------------------------------------- routing

function parseRoute() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
  let scope = state.scope ?? state.defaultScope;
  if (parts.length >= 2 && /^[0-9]{12}$/.test(parts[0]) && /^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(parts[1])) {
    scope = { accountId: parts[0], region: parts[1] };
    parts.splice(0, 2);
  }
  const page = PAGES.some((p) => p.key === parts[0]) ? parts[0] : 'groups';
  return { scope, page, id: parts[1], search: new URLSearchParams(query).get('q') ?? '' };
}

function drawChrome(route) {
  const select = document.getElementById('scope');
  const known = state.scopes.some((scope) => sameScope(scope, route.scope));
  const options = known ? state.scopes : [...state.scopes, { ...route.scope, securityGroups: 0 }];
  select.replaceChildren(
    ...options.map((scope) =>
      h(
        'option',
        { value: `${scope.accountId}/${scope.region}`, selected: sameScope(scope, route.scope) },
        `${scopeName(scope)} — ${scope.securityGroups} group${scope.securityGroups === 1 ? '' : 's'}`,
      ),
    ),
  );
  document.getElementById('home').setAttribute('href', href('groups'));
  document.getElementById('nav').replaceChildren(
    ...PAGES.map((page) =>
      h('li', {}, h('a', { href: href(page.key), 'aria-current': page.key === route.page ? 'page' : null }, page.title)),
    ),
  );
}

async function render({ focus = false } = {}) {
  const route = parseRoute();
  state.scope = route.scope;
  state.reload = undefined;
  state.log = undefined;
  const renderId = ++state.renderCount;
  drawChrome(route);
  const title = PAGES.find((p) => p.key === route.page).title;
  document.title = `${route.id ?? title} · ${scopeName(route.scope)} · ec2-sg-emulator`;
  const content = h('div', { class: 'page', 'data-page': route.page });
  try {
    const page = (await PAGE_RENDERERS[route.page](content, route)) ?? {};
    if (renderId !== state.renderCount) return; // another navigation started meanwhile
    main.replaceChildren(content);
    state.reload = page.reload;
    page.attached?.();
  } catch (error) {
    if (renderId !== state.renderCount) return;
    main.replaceChildren(pageHead(title), h('p', { class: 'notice' }, `Could not load this page: ${error.message}`));
  }
  if (focus) main.focus({ preventScroll: false });
}

// ---------------------------------------------------------------- pages

const PAGE_RENDERERS = {
  groups: groupsPage,
  vpcs: vpcsPage,
  'prefix-lists': prefixListsPage,
  graph: graphPage,
  log: logPage,
};

async function groupsPage(content, route) {
  if (route.id) return groupPage(content, route);
  const scope = route.scope;
  const search = h('input', {
    type: 'search',
    id: 'group-search',
    value: route.search,
    placeholder: 'Name, id, VPC, description or tag',
    autocomplete: 'off',
    'aria-controls': 'groups-table',
  });
  const count = h('p', { class: 'muted', id: 'groups-count' });
  const holder = h('div', { id: 'groups-table' });
  content.append(pageHead('Security groups', scopeName(scope)), h('div', { class: 'toolbar', role: 'search' }, field('Search', search, 'search')), count, holder);

  let groups = [];
  const draw = () => {
    const terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = groups.filter((group) => {
      const haystack = [group.groupId, group.groupName, group.description, group.vpcId, ...group.tags.flatMap((t) => [t.key, t.value])]
        .join(' ')
        .toLowerCase();
      return terms.every((term) => haystack.includes(term));
    });
    count.textContent = terms.length ? `${shown.length} of ${groups.length} groups match` : `${groups.length} group${groups.length === 1 ? '' : 's'}`;
    holder.replaceChildren(
      table(
        ['Group ID', 'Name', 'VPC', 'Description', 'Inbound rules', 'Outbound rules', 'Tags'],
        shown.map((group) =>
          h(
            'tr',
            { 'data-group-id': group.groupId },
            h('td', {}, h('a', { href: href('groups', group.groupId, scope), class: 'id' }, group.groupId)),
            h('td', {}, group.groupName, group.isDefault ? [' ', h('span', { class: 'badge info' }, 'default')] : null),
            h('td', { class: 'id' }, group.vpcId),
            h('td', {}, group.description),
            h('td', { class: 'num' }, group.inbound),
            h('td', { class: 'num' }, group.outbound),
            h('td', {}, tagList(group.tags)),
          ),
        ),
        { empty: groups.length ? 'No group matches the search.' : 'No security groups in this account and region yet.', caption: 'Security groups' },
      ),
    );
  };
  search.addEventListener('input', draw);
  const load = async () => {
    groups = (await getJson(`${API}/groups?${scopeQuery(scope)}`)).groups;
    draw();
  };
  await load();
  return { reload: load };
}

function peerCell(peer, scope) {
  switch (peer.kind) {
    case 'ipv4':
    case 'ipv6':
      return h('span', { class: 'id' }, peer.id);
    case 'prefixList':
      return h(
        'span',
        {},
        peer.local ? h('a', { href: href('prefix-lists', peer.id, scope), class: 'id' }, peer.id) : h('span', { class: 'id' }, peer.id),
        peer.name ? h('span', { class: 'muted' }, ` (${peer.name})`) : null,
      );
    case 'group': {
      const owner = peer.ownerId && peer.ownerId !== scope.accountId ? `${peer.ownerId}/` : '';
      const text = `${owner}${peer.id}${peer.name ? ` / ${peer.name}` : ''}`;
      return h(
        'span',
        {},
        peer.local ? h('a', { href: href('groups', peer.id, scope), class: 'id' }, text) : h('span', { class: 'id' }, text),
        peer.vpcId ? h('span', { class: 'muted' }, ` in ${peer.vpcId}`) : null,
      );
    }
    default:
      return peer.id;
  }
}

function rulesTable(rules, peerHeading, scope, caption) {
  return table(
    ['Security group rule ID', 'IP version', 'Type', 'Protocol', 'Port range', peerHeading, 'Description', 'Tags'],
    rules.map((rule) =>
      h(
        'tr',
        { 'data-rule-id': rule.ruleId },
        h('td', { class: 'id' }, rule.ruleId),
        h('td', {}, rule.ipVersion),
        h('td', {}, rule.type),
        h('td', {}, rule.protocol),
        h('td', {}, rule.portRange),
        h('td', {}, peerCell(rule.peer, scope)),
        h('td', {}, rule.description || h('span', { class: 'muted' }, '–')),
        h('td', {}, tagList(rule.tags)),
      ),
    ),
    { empty: 'No rules.', caption },
  );
}

function referencesTable(references, scope, caption, empty) {
  return table(
    ['Security group', 'Rule', 'Type', 'Protocol', 'Port range', 'Rule ID'],
    references.map((reference) =>
      h(
        'tr',
        {},
        h('td', {}, groupLink(reference.groupId, reference.groupName, reference.local, scope)),
        h('td', {}, reference.direction === 'ingress' ? 'inbound' : 'outbound'),
        h('td', {}, reference.type),
        h('td', {}, reference.protocol),
        h('td', {}, reference.portRange),
        h('td', { class: 'id' }, reference.ruleId),
      ),
    ),
    { empty, caption },
  );
}

async function groupPage(content, route) {
  const scope = route.scope;
  const build = async () => {
    let data;
    try {
      data = await getJson(`${API}/groups/${encodeURIComponent(route.id)}?${scopeQuery(scope)}`);
    } catch (error) {
      if (error.status !== 404) throw error;
      return [
        pageHead(route.id, scopeName(scope)),
        h('p', { class: 'notice' }, `There is no security group ${route.id} in ${scopeName(scope)}. `, h('a', { href: href('groups') }, 'All security groups')),
      ];
    }
    const { group, inbound, outbound, references, referencedBy } = data;
    return [
      h('p', { class: 'muted' }, h('a', { href: href('groups') }, 'Security groups'), ' › ', group.groupId),
      pageHead(group.groupName, group.groupId),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Security group ID'),
        h('dd', { class: 'mono' }, group.groupId),
        h('dt', {}, 'Name'),
        h('dd', {}, group.groupName, group.isDefault ? ' (the VPC’s default group)' : ''),
        h('dt', {}, 'Description'),
        h('dd', {}, group.description),
        h('dt', {}, 'VPC'),
        h('dd', {}, h('a', { href: href('vpcs'), class: 'id' }, group.vpcId)),
        h('dt', {}, 'Owner'),
        h('dd', { class: 'mono' }, group.ownerId),
        h('dt', {}, 'Tags'),
        h('dd', {}, tagList(group.tags)),
      ),
      h('h2', { id: 'inbound-heading' }, `Inbound rules (${inbound.length})`),
      h('section', { 'aria-labelledby': 'inbound-heading', id: 'inbound-rules' }, rulesTable(inbound, 'Source', scope, 'Inbound rules')),
      h('h2', { id: 'outbound-heading' }, `Outbound rules (${outbound.length})`),
      h('section', { 'aria-labelledby': 'outbound-heading', id: 'outbound-rules' }, rulesTable(outbound, 'Destination', scope, 'Outbound rules')),
      h('h2', { id: 'references-heading' }, 'Groups its rules reference'),
      h(
        'section',
        { 'aria-labelledby': 'references-heading', id: 'references' },
        referencesTable(references, scope, 'Groups its rules reference', 'None of its rules names another group.'),
      ),
      h('h2', { id: 'referenced-by-heading' }, 'Groups whose rules reference it'),
      h(
        'section',
        { 'aria-labelledby': 'referenced-by-heading', id: 'referenced-by' },
        referencesTable(referencedBy, scope, 'Groups whose rules reference it', 'No rule of any group names this group.'),
      ),
    ];
  };
  content.append(...(await build()));
  return {
    reload: async () => {
      const fresh = await build();
      const page = main.querySelector('.page');
      if (page) page.replaceChildren(...fresh);
    },
  };
}

async function vpcsPage(content, route) {
  const scope = route.scope;
  const holder = h('div', {});
  content.append(pageHead('VPCs', scopeName(scope)), holder);
  const load = async () => {
    const { vpcs } = await getJson(`${API}/vpcs?${scopeQuery(scope)}`);
    holder.replaceChildren(
      table(
        ['VPC ID', 'IPv4 CIDR', 'IPv6 CIDR', 'Default VPC', 'Security groups', 'Subnets', 'Tags'],
        vpcs.map((vpc) =>
          h(
            'tr',
            { 'data-vpc-id': vpc.vpcId },
            h('td', { class: 'id' }, vpc.vpcId),
            h('td', { class: 'id' }, vpc.cidrBlock),
            h('td', { class: 'id' }, vpc.ipv6CidrBlock ?? '–'),
            h('td', {}, vpc.isDefault ? 'Yes' : 'No'),
            h('td', { class: 'num' }, h('a', { href: href('groups', undefined, scope, vpc.vpcId), 'aria-label': `${vpc.securityGroups} security groups in ${vpc.vpcId}` }, String(vpc.securityGroups))),
            h('td', { class: 'num' }, vpc.subnets),
            h('td', {}, tagList(vpc.tags)),
          ),
        ),
        { empty: 'No VPCs in this account and region.', caption: 'VPCs' },
      ),
    );
  };
  await load();
  return { reload: load };
}

/** The entries of version `version`: rows added at or before it and not removed by it. */
const entriesAt = (entries, version) => entries.filter((e) => e.addedIn <= version && (e.removedIn === null || e.removedIn > version));

async function prefixListsPage(content, route) {
  const scope = route.scope;
  const holder = h('div', {});
  content.append(pageHead('Managed prefix lists', scopeName(scope)), holder);
  let chosenVersion;
  const load = async () => {
    const { prefixLists } = await getJson(`${API}/prefix-lists?${scopeQuery(scope)}`);
    const selected = prefixLists.find((list) => list.prefixListId === route.id);
    const parts = [
      table(
        ['Prefix list ID', 'Name', 'Address family', 'Max entries', 'Version', 'State', 'Owner', 'Rules using it', 'Tags'],
        prefixLists.map((list) =>
          h(
            'tr',
            { 'data-prefix-list-id': list.prefixListId },
            h('td', {}, h('a', { href: href('prefix-lists', list.prefixListId, scope), class: 'id', 'aria-current': list === selected ? 'true' : null }, list.prefixListId)),
            h('td', {}, list.name),
            h('td', {}, list.addressFamily),
            h('td', { class: 'num' }, list.maxEntries),
            h('td', { class: 'num' }, list.version),
            h('td', {}, list.state),
            h('td', { class: 'mono' }, list.ownerId),
            h('td', { class: 'num' }, list.referencingRules),
            h('td', {}, tagList(list.tags)),
          ),
        ),
        { empty: 'No prefix lists in this account and region.', caption: 'Managed prefix lists' },
      ),
    ];
    if (route.id && !selected) parts.push(h('p', { class: 'notice' }, `There is no prefix list ${route.id} here.`));
    if (selected) parts.push(...prefixListDetail(selected));
    holder.replaceChildren(...parts);
  };

  function prefixListDetail(list) {
    const oldest = list.entries.reduce((low, e) => Math.min(low, e.addedIn), list.version);
    const versions = [];
    for (let v = list.version; v >= oldest; v--) versions.push(v);
    if (!versions.includes(chosenVersion)) chosenVersion = list.version;
    const picker = h(
      'select',
      { id: 'prefix-list-version' },
      versions.map((v) => h('option', { value: v, selected: v === chosenVersion }, v === list.version ? `${v} (current)` : String(v))),
    );
    const entriesHolder = h('div', { id: 'prefix-list-entries' });
    const drawEntries = () => {
      chosenVersion = Number(picker.value);
      entriesHolder.replaceChildren(
        table(
          ['CIDR', 'Description'],
          entriesAt(list.entries, chosenVersion).map((e) => h('tr', {}, h('td', { class: 'id' }, e.cidr), h('td', {}, e.description || h('span', { class: 'muted' }, '–')))),
          { empty: 'This version has no entries.', caption: `Entries of version ${chosenVersion}` },
        ),
      );
    };
    picker.addEventListener('change', drawEntries);
    drawEntries();
    const history = versions
      .map((v) => ({
        version: v,
        added: list.entries.filter((e) => e.addedIn === v).map((e) => e.cidr),
        removed: list.entries.filter((e) => e.removedIn === v).map((e) => e.cidr),
      }))
      .filter((change) => change.added.length || change.removed.length);
    return [
      h('h2', {}, `${list.name} `, h('span', { class: 'muted mono' }, list.prefixListId)),
      h('div', { class: 'toolbar' }, field('Version', picker)),
      entriesHolder,
      h('h3', {}, 'Changes by version'),
      table(
        ['Version', 'Added', 'Removed'],
        history.map((change) =>
          h('tr', {}, h('td', { class: 'num' }, change.version), h('td', { class: 'id' }, change.added.join(', ') || '–'), h('td', { class: 'id' }, change.removed.join(', ') || '–')),
        ),
        { empty: 'No entries were ever added.', caption: 'Changes by version' },
      ),
    ];
  }

  await load();
  return { reload: load };
}

async function graphPage(content, route) {
  const scope = route.scope;
  const holder = h('div', {});
  content.append(
    pageHead('Reference graph', scopeName(scope)),
    h('p', { class: 'muted' }, 'Each arrow is one or more rules that name another group, pointing the way the traffic they allow flows: from the source of an inbound rule into its group, and out of a group to the destination of its outbound rule.'),
    holder,
  );
  const load = async () => {
    const { nodes, edges, groupsWithoutReferences } = await getJson(`${API}/graph?${scopeQuery(scope)}`);
    if (edges.length === 0) {
      holder.replaceChildren(h('p', { class: 'notice' }, 'No rule in this account and region names another group.'));
      return;
    }
    const names = new Map(nodes.map((node) => [node.groupId, node]));
    holder.replaceChildren(
      h('div', { class: 'graph-wrap' }, referenceGraph(nodes, edges, (node) => (node.local ? href('groups', node.groupId, scope) : null))),
      h('p', { class: 'muted' }, groupsWithoutReferences ? `${groupsWithoutReferences} group${groupsWithoutReferences === 1 ? '' : 's'} without references not drawn.` : 'Every group of this account and region is drawn.'),
      h('h2', {}, 'The arrows as a table'),
      table(
        ['From', 'To', 'Traffic', 'Rules'],
        edges.map((edge) =>
          h(
            'tr',
            { 'data-from': edge.from, 'data-to': edge.to },
            h('td', {}, groupLink(edge.from, names.get(edge.from)?.groupName, names.get(edge.from)?.local, scope)),
            h('td', {}, groupLink(edge.to, names.get(edge.to)?.groupName, names.get(edge.to)?.local, scope)),
            h('td', {}, edge.labels.join(', ')),
            h('td', { class: 'id' }, edge.ruleIds.join(', ')),
          ),
        ),
        { caption: 'References between groups' },
      ),
    );
  };
  await load();
  return { reload: load };
}

// ---------------------------------------------------------------- request log

const OUTCOMES = [
  ['', 'Any outcome'],
  ['ok', 'Succeeded'],
  ['error', 'Error'],
  ['dry-run', 'Dry run'],
  ['fault', 'Injected fault'],
  ['refused', 'Refused'],
];

function statusBadge(record) {
  switch (record.outcome) {
    case 'ok':
      return badge(String(record.status), 'ok');
    case 'dry-run':
      return badge('dry run', 'info');
    case 'fault':
      return badge(`fault ${record.status}`, 'warn');
    case 'refused':
      return badge(`refused ${record.status}`, 'error');
    default:
      return badge(String(record.status), 'error');
  }
}

function summaryText(record) {
  if (record.errorCode) return `${record.errorCode}: ${record.errorMessage ?? ''}`;
  const parts = [...record.summary.ids];
  for (const [name, n] of Object.entries(record.summary.counts)) if (name !== 'Tags') parts.push(`${name}: ${n}`);
  return parts.join(', ') || '–';
}

function clock(iso) {
  const date = new Date(iso);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

async function logPage(content) {
  const scope = state.scope;
  content.append(pageHead('Request log', 'Every EC2 and STS request, oldest first; new ones appear as they are answered.'));
  if (state.journalSize === 0) {
    content.append(h('p', { class: 'notice' }, 'The request journal is turned off (--journal-size 0).'));
    return {};
  }
  const actionInput = h('input', { type: 'search', id: 'log-action', list: 'log-actions', placeholder: 'e.g. AuthorizeSecurityGroupIngress', autocomplete: 'off' });
  const actions = h('datalist', { id: 'log-actions' });
  const outcome = h('select', { id: 'log-outcome' }, OUTCOMES.map(([value, label]) => h('option', { value }, label)));
  const scopeOnly = h('input', { type: 'checkbox', id: 'log-scope-only' });
  const pause = h('button', { type: 'button', id: 'log-pause', 'aria-pressed': 'false' }, 'Pause');
  const count = h('span', { id: 'log-count' });
  const jump = h('button', { type: 'button', class: 'jump', id: 'log-jump' }, 'Show newest');
  const body = h('tbody', { id: 'log-body' });
  const area = h(
    'div',
    { class: 'log-area', tabindex: '0', role: 'region', 'aria-label': 'Requests, oldest first' },
    h(
      'table',
      {},
      h('colgroup', {}, h('col', { class: 'time' }), h('col', { class: 'action' }), h('col', { class: 'scope' }), h('col', { class: 'status' }), h('col', { class: 'ms' }), h('col', {})),
      h('thead', {}, h('tr', {}, ['Time', 'Action', 'Account / region', 'Status', 'ms', 'Result'].map((t) => h('th', { scope: 'col' }, t)))),
      body,
    ),
  );
  content.append(
    h(
      'div',
      { class: 'toolbar', role: 'search' },
      field('Action', actionInput),
      actions,
      field('Outcome', outcome),
      h('label', { class: 'check' }, scopeOnly, `Only ${scopeName(scope)}`),
      pause,
    ),
    h('div', { class: 'log-meta' }, count, jump),
    area,
  );

  const expanded = new Set();
  let paused = false;
  let held = 0;
  let unseen = 0;
  const matches = (record) => {
    const action = actionInput.value.trim().toLowerCase();
    if (action && !record.action.toLowerCase().includes(action)) return false;
    if (outcome.value && record.outcome !== outcome.value) return false;
    if (scopeOnly.checked && !(record.accountId === scope.accountId && record.region === scope.region)) return false;
    return true;
  };

  const rowsOf = (record) => {
    const detailId = `request-${record.seq}`;
    const open = expanded.has(record.seq);
    const detail = h('tr', { id: detailId, class: 'log-detail', hidden: !open }, h('td', { colspan: '6', class: 'detail' }));
    const fillDetail = () => {
      if (detail.firstChild.childNodes.length) return;
      const answer =
        record.output !== undefined
          ? h('pre', { class: 'json' }, formatJson(record.output))
          : record.errorCode
            ? h('pre', { class: 'json' }, formatJson({ Code: record.errorCode, Message: record.errorMessage }))
            : h('div', {}, h('pre', { class: 'json' }, formatJson(record.summary)), h('p', { class: 'muted' }, 'Only the newest requests keep their whole answer; this is its summary.'));
      detail.firstChild.append(
        h('p', { class: 'muted' }, `Request ${record.requestId} · ${record.service.toUpperCase()} · ${record.time}`, record.dryRun ? ' · DryRun' : '', record.fault ? ' · injected fault' : '', record.refused ? ' · refused before it was read' : ''),
        h('div', { class: 'detail-grid' }, h('div', {}, h('h4', {}, 'Input'), h('pre', { class: 'json' }, formatJson(record.input))), h('div', {}, h('h4', {}, 'Answer'), answer)),
      );
    };
    if (open) fillDetail();
    const toggle = h(
      'button',
      { type: 'button', class: 'expand', 'aria-expanded': open ? 'true' : 'false', 'aria-controls': detailId, title: `${record.action || '(no action)'}: show the input and the answer` },
      record.action || '(no action)',
    );
    toggle.addEventListener('click', () => {
      const opening = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(opening));
      detail.hidden = !opening;
      if (opening) {
        expanded.add(record.seq);
        fillDetail();
      } else expanded.delete(record.seq);
    });
    const row = h(
      'tr',
      { class: 'log-row', 'data-seq': record.seq, 'data-action': record.action, 'data-outcome': record.outcome },
      h('td', { class: 'mono' }, clock(record.time)),
      h('td', {}, toggle),
      h('td', { class: 'mono', title: scopeName(record) }, scopeName(record)),
      h('td', {}, statusBadge(record)),
      h('td', { class: 'num' }, record.durationMs.toFixed(1)),
      h('td', { title: summaryText(record) }, summaryText(record)),
    );
    return [row, detail];
  };

  const nearBottom = () => area.scrollHeight - area.scrollTop - area.clientHeight < 16;
  const updateCount = () => {
    const shown = body.querySelectorAll('tr.log-row').length;
    count.textContent = `${shown} of ${state.records.length} requests${paused ? ` · paused${held ? `, ${held} new` : ''}` : ' · live'}`;
    jump.classList.toggle('shown', unseen > 0);
    jump.textContent = unseen > 0 ? `${unseen} new below — show newest` : 'Show newest';
  };
  const redraw = () => {
    body.replaceChildren(...state.records.filter(matches).flatMap(rowsOf));
    actions.replaceChildren(...[...new Set(state.records.map((r) => r.action))].sort().map((a) => h('option', { value: a })));
    area.scrollTop = area.scrollHeight;
    unseen = 0;
    held = 0;
    updateCount();
  };
  for (const control of [actionInput, outcome, scopeOnly]) control.addEventListener(control === actionInput ? 'input' : 'change', redraw);
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) redraw();
    else updateCount();
  });
  jump.addEventListener('click', () => {
    area.scrollTop = area.scrollHeight;
    unseen = 0;
    updateCount();
  });
  area.addEventListener('scroll', () => {
    if (unseen > 0 && nearBottom()) {
      unseen = 0;
      updateCount();
    }
  });

  state.log = {
    append(records) {
      if (paused) {
        held += records.filter(matches).length;
        updateCount();
        return;
      }
      const follow = nearBottom();
      const fresh = records.filter(matches);
      body.append(...fresh.flatMap(rowsOf));
      // Keep the table as long as the journal: the oldest rows leave as new ones come.
      let extra = body.querySelectorAll('tr.log-row').length - state.journalSize;
      while (extra-- > 0 && body.firstChild) {
        body.firstChild.remove();
        body.firstChild?.remove();
      }
      for (const record of fresh) if (![...actions.options].some((o) => o.value === record.action)) actions.append(h('option', { value: record.action }));
      if (follow) area.scrollTop = area.scrollHeight;
      else unseen += fresh.length;
      updateCount();
    },
    cleared: redraw,
  };
  redraw();
  // Once on screen the area has a height: show its end, the newest requests.
  return { attached: () => (area.scrollTop = area.scrollHeight) };
}

// ---------------------------------------------------------------- live updates

let reloadTimer;
/** A write landed in the scope on screen: reload the page's data (once for a burst of writes). */
function scheduleReload() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(async () => {
    await loadScopes().catch(() => undefined);
    const route = parseRoute();
    drawChrome(route);
    try {
      await state.reload?.();
    } catch (error) {
      say(`Could not refresh: ${error.message}`, 'error');
    }
  }, 250);
}

function receive(records) {
  state.records.push(...records);
  if (state.records.length > state.journalSize) state.records.splice(0, state.records.length - state.journalSize);
  for (const record of records) state.lastSeq = Math.max(state.lastSeq, record.seq);
  state.log?.append(records);
  if (records.some((r) => r.outcome === 'ok' && !READ_ACTION.test(r.action) && sameScope(r, state.scope))) scheduleReload();
}

function follow() {
  if (state.journalSize === 0 || typeof EventSource === 'undefined') return;
  const source = new EventSource(`/_emulator/requests/stream?since=${state.lastSeq}`);
  source.addEventListener('request', (event) => {
    const record = JSON.parse(event.data);
    if (record.seq <= state.lastSeq) return; // already had it (sent again after a reconnect)
    receive([record]);
  });
  source.addEventListener('cleared', () => {
    state.records = [];
    state.log?.cleared();
  });
}

// ---------------------------------------------------------------- state buttons

async function loadScopes() {
  const answer = await getJson(`${API}/scopes`);
  state.defaultScope = answer.defaultScope;
  state.scopes = answer.scopes;
  state.journalSize = answer.journalSize;
}

function wireButtons() {
  document.getElementById('scope').addEventListener('change', (event) => {
    const [accountId, region] = event.target.value.split('/');
    const page = parseRoute().page;
    // Keyboard users stay on the picker: the new page must not take the focus from it.
    state.keepFocus = true;
    location.hash = href(page, undefined, { accountId, region });
  });

  document.getElementById('reset').addEventListener('click', async () => {
    if (!window.confirm('Reset the emulator? Every resource of every account and region is deleted, and the request log is emptied.')) return;
    try {
      await getJson('/_emulator/reset', { method: 'POST' });
      state.records = [];
      await loadScopes();
      say('Reset: the emulator is back to a fresh start.', 'ok');
      await render();
    } catch (error) {
      say(`Reset failed: ${error.message}`, 'error');
    }
  });

  const upload = document.getElementById('upload-state');
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (!file) return;
    try {
      const text = await file.text();
      await getJson('/_emulator/state', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: text });
      await loadScopes();
      say(`Loaded the state from ${file.name}.`, 'ok');
      await render();
    } catch (error) {
      say(`Could not load ${file.name}: ${error.message}`, 'error');
    } finally {
      upload.value = '';
    }
  });
}

async function start() {
  wireButtons();
  try {
    await loadScopes();
    if (state.journalSize > 0) {
      const journal = await getJson('/_emulator/requests');
      state.records = journal.requests;
      state.lastSeq = journal.latestSeq ?? state.records.at(-1)?.seq ?? 0;
    }
  } catch (error) {
    say(`Could not reach the emulator: ${error.message}`, 'error');
  }
  window.addEventListener('hashchange', () => {
    const focus = !state.keepFocus;
    state.keepFocus = false;
    void render({ focus });
  });
  await render();
  follow();
  document.body.dataset.ready = 'true';
}

void start();
