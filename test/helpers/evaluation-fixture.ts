/**
 * The three-tier layout docs/evaluation.md's examples run against, with the fixed ids the
 * examples show: a VPC 10.0.0.0/16 (vpc-0bbbbbbbbbbbbbbbb) whose default group is
 * sg-00000000000000000, and
 *   web  sg-0eeeeeeeeeeeeeeee  ingress tcp 443 from 0.0.0.0/0      (sgr-0e000000000000001)
 *   app  sg-0aaaaaaaaaaaaaaaa  ingress tcp 8080 from web            (sgr-0a000000000000001)
 *   db   sg-0dddddddddddddddd  ingress tcp 5432 from app            (sgr-0d000000000000001)
 * each with the default egress rule, all traffic to 0.0.0.0/0 (sgr-0e…2, sgr-0a…2, sgr-0d…2; the
 * default group's are sgr-0…1 in from itself and sgr-0…2 out).
 *
 * Built with the store's own writes in a scratch database, exported, its ids renamed, and loaded
 * into a store with importState (which replaces that store's whole state).
 *
 * Also the page's examples, read from docs/evaluation.md for the tests that run them: its HTTP
 * requests with their answers, and its `ec2-sg-emulator check` commands with their output.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../store/db.js';
import type { Scope } from '../../store/records.js';
import { createStore, defaultEgressRules, type Store } from '../../store/store.js';

export const FIXTURE_SCOPE: Scope = { accountId: '000000000000', region: 'us-east-1' };

export const FIXTURE_IDS = {
  vpc: 'vpc-0bbbbbbbbbbbbbbbb',
  defaultGroup: 'sg-00000000000000000',
  web: 'sg-0eeeeeeeeeeeeeeee',
  app: 'sg-0aaaaaaaaaaaaaaaa',
  db: 'sg-0dddddddddddddddd',
} as const;

let document: unknown;

/** The layout as a state document (built once per process). */
export function evaluationFixtureState(): unknown {
  document ??= build();
  return structuredClone(document);
}

/** Replaces `store`'s whole state with the layout. */
export function loadEvaluationFixture(store: Store): void {
  store.importState(evaluationFixtureState());
}

function build(): unknown {
  const db = openDatabase(':memory:');
  try {
    const store = createStore(db);
    const scope = FIXTURE_SCOPE;
    const renames = new Map<string, string>();
    // The account-region's defaults (default VPC, AWS-managed prefix lists) first, as on a real start.
    store.ensureScope(scope);
    const vpcId = store.insertVpc(scope, { cidrBlock: '10.0.0.0/16', isDefault: false, instanceTenancy: 'default' });
    renames.set(vpcId, FIXTURE_IDS.vpc);
    const defaultGroup = store.groupsForEvaluation(scope, vpcId)[0]!.groupId;
    renames.set(defaultGroup, FIXTURE_IDS.defaultGroup);
    const [selfIn] = store.evaluationRulesOf(defaultGroup, 'ingress');
    const [allOut] = store.evaluationRulesOf(defaultGroup, 'egress');
    renames.set(selfIn![0], 'sgr-00000000000000001');
    renames.set(allOut![0], 'sgr-00000000000000002');

    const tier = (name: 'web' | 'app' | 'db', letter: string, description: string) => {
      const groupId = store.insertGroup(scope, { groupName: name, description, vpcId, isDefault: false });
      renames.set(groupId, FIXTURE_IDS[name]);
      const [egress] = store.insertRules(scope, groupId, 'egress', defaultEgressRules(false));
      renames.set(egress!.ruleId, `sgr-0${letter}000000000000002`);
      return { groupId, letter };
    };
    const web = tier('web', 'e', 'web tier');
    const app = tier('app', 'a', 'app tier');
    const dbTier = tier('db', 'd', 'db tier');
    const ingress = (target: { groupId: string; letter: string }, port: number, peer: Parameters<Store['insertRules']>[3][number]['peer'], description: string) => {
      const [rule] = store.insertRules(scope, target.groupId, 'ingress', [{ protocol: 'tcp', fromPort: port, toPort: port, peer, description }]);
      renames.set(rule!.ruleId, `sgr-0${target.letter}000000000000001`);
    };
    ingress(web, 443, { kind: 'ipv4', cidr: '0.0.0.0/0' }, 'https from anywhere');
    ingress(app, 8080, { kind: 'group', groupId: web.groupId, userId: scope.accountId }, 'from web');
    ingress(dbTier, 5432, { kind: 'group', groupId: app.groupId, userId: scope.accountId }, 'from app');

    let text = JSON.stringify(store.exportState());
    for (const [from, to] of renames) text = text.replaceAll(from, to);
    return JSON.parse(text) as unknown;
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------- docs/evaluation.md's examples

const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'evaluation.md');

interface Fence {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly body: string;
  /** The prose between the previous fence and this one. */
  readonly before: string;
}

function fences(): Fence[] {
  const lines = readFileSync(DOC, 'utf8').split('\n');
  const out: Fence[] = [];
  let prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) {
      prose.push(lines[i]!);
      continue;
    }
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    out.push({ line: i + 1, lang: open[1]!, body: lines.slice(i + 1, end).join('\n'), before: prose.join('\n') });
    prose = [];
    i = end;
  }
  return out;
}

/** A request of the page (an `http` block) and the answer shown after it (`It answers NNN:` and a `json` block). */
export interface HttpExample {
  readonly line: number;
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly status: number;
  readonly answer: unknown;
}

export function docHttpExamples(): HttpExample[] {
  const all = fences();
  const examples: HttpExample[] = [];
  all.forEach((fence, i) => {
    if (fence.lang !== 'http') return;
    const [requestLine, ...rest] = fence.body.split('\n');
    const [method, path] = requestLine!.split(' ');
    const blank = rest.findIndex((l) => l.trim() === '');
    const next = all[i + 1];
    const status = next ? /answers (\d{3})/.exec(next.before)?.[1] : undefined;
    if (!next || next.lang !== 'json' || status === undefined) throw new Error(`docs/evaluation.md:${fence.line}: an http block must be followed by "It answers NNN:" and a json block`);
    examples.push({ line: fence.line, method: method!, path: path!, body: rest.slice(blank + 1).join('\n'), status: Number(status), answer: JSON.parse(next.body) });
  });
  return examples;
}

/** A `$ ec2-sg-emulator …` line of a `console` block, what it prints, and the exit code an `echo $?` after it shows. */
export interface CommandExample {
  readonly line: number;
  readonly args: string[];
  readonly output: string;
  readonly exitCode: number | undefined;
}

export function docCommandExamples(): CommandExample[] {
  const examples: CommandExample[] = [];
  for (const fence of fences().filter((f) => f.lang === 'console')) {
    const lines = fence.body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const command = /^\$ ec2-sg-emulator (.*)$/.exec(lines[i]!);
      if (!command) continue;
      let end = i + 1;
      while (end < lines.length && !lines[end]!.startsWith('$ ')) end++;
      const exitCode = lines[end] === '$ echo $?' ? Number(lines[end + 1]) : undefined;
      // The commands have no quoting: words split on spaces.
      examples.push({ line: fence.line + 1 + i, args: command[1]!.split(' '), output: `${lines.slice(i + 1, end).join('\n')}\n`, exitCode });
      i = end - 1;
    }
  }
  return examples;
}
