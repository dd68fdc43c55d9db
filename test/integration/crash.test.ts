/**
 * Killed mid-write, nothing promised is lost: the built server runs as a process on a database
 * file under a load of authorizes, is killed with SIGKILL at a random moment, and is started again
 * on the same file. Every rule whose authorize was answered 200 is there with its id and its
 * permission; no rule of a refused authorize is; SQLite's integrity_check says `ok`.
 *
 * Refused writes are built to be refused late: each carries a new rule and then one that already
 * exists, so the duplicate is found after the new rule was checked. None of their new rules may
 * survive, answered or killed.
 *
 * CRASH_ROUNDS sets the number of kill-and-restart rounds (scripts/crash-soak.mjs raises it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtRoot, cleanEnv, startProcess, type ServerProcess } from '../helpers/built-server.js';
import { parseXml } from '../helpers/inject.js';

const ROUNDS = Math.max(1, Number(process.env['CRASH_ROUNDS'] ?? '4') || 4);
/** Requests in flight at once while the kill comes. */
const WORKERS = 16;

let main: string;
let scratch: string;
let server: ServerProcess | undefined;

beforeAll(async () => {
  main = join(await builtRoot(), 'dist', 'server', 'main.js');
  scratch = mkdtempSync(join(tmpdir(), 'ec2-sg-crash-'));
}, 180_000);

afterAll(() => {
  server?.child.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

async function startServer(dbPath: string): Promise<ServerProcess> {
  server = await startProcess([main, '--db', dbPath, '--port', '0', '--log-level', 'silent', '--rules-per-group', '100000'], {
    cwd: scratch,
    env: cleanEnv(),
  });
  return server;
}

type Answer = { status: number; xml: Record<string, any> };

async function call(url: string, fields: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ Version: '2016-11-15', ...fields }).toString(),
  });
  return { status: response.status, xml: parseXml(await response.text()) };
}

/** The n-th distinct rule: a port and a /24, never repeated across rounds. */
function ruleNumber(n: number): { port: number; cidr: string } {
  return { port: 1 + (n % 60_000), cidr: `10.${Math.floor(n / 60_000)}.${n % 250}.0/24` };
}
const ruleKey = (port: number, cidr: string) => `${port} ${cidr}`;

function permissionFields(index: number, n: number): Record<string, string> {
  const { port, cidr } = ruleNumber(n);
  return {
    [`IpPermissions.${index}.IpProtocol`]: 'tcp',
    [`IpPermissions.${index}.FromPort`]: String(port),
    [`IpPermissions.${index}.ToPort`]: String(port),
    [`IpPermissions.${index}.IpRanges.1.CidrIp`]: cidr,
  };
}

interface Ledger {
  /** Rule key → rule id, for every authorize answered 200. */
  readonly answered: Map<string, string>;
  /** Keys of new rules in authorizes answered with an error. */
  readonly refused: Set<string>;
  /** Requests cut off by the kill: either outcome is allowed. */
  unknown: number;
}

/** Sends authorizes from WORKERS loops until the server stops answering. */
async function writeUntilKilled(url: string, groupId: string, ledger: Ledger, nextRule: () => number): Promise<void> {
  const worker = async (id: number) => {
    for (let i = 0; ; i++) {
      const n = nextRule();
      const { port, cidr } = ruleNumber(n);
      // Every fourth request of a worker is built to be refused: a new rule, then a duplicate.
      const existing = i % 4 === 3 ? [...ledger.answered.keys()][(id * 31 + i) % Math.max(1, ledger.answered.size)] : undefined;
      const fields: Record<string, string> = { Action: 'AuthorizeSecurityGroupIngress', GroupId: groupId, ...permissionFields(1, n) };
      if (existing !== undefined) {
        const [existingPort, existingCidr] = existing.split(' ');
        Object.assign(fields, {
          'IpPermissions.2.IpProtocol': 'tcp',
          'IpPermissions.2.FromPort': existingPort!,
          'IpPermissions.2.ToPort': existingPort!,
          'IpPermissions.2.IpRanges.1.CidrIp': existingCidr!,
        });
      }
      let answer: Answer;
      try {
        answer = await call(url, fields);
      } catch {
        ledger.unknown++;
        return;
      }
      if (answer.status === 200) {
        expect(existing, 'an authorize with a duplicate was accepted').toBeUndefined();
        const rule = answer.xml.AuthorizeSecurityGroupIngressResponse.securityGroupRuleSet.item[0];
        ledger.answered.set(ruleKey(port, cidr), rule.securityGroupRuleId);
      } else {
        expect(answer.xml.Response.Errors.Error.Code).toBe('InvalidPermission.Duplicate');
        ledger.refused.add(ruleKey(port, cidr));
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, id) => worker(id)));
}

/** The group's ingress rules as the restarted server describes them: key → id. */
async function storedRules(url: string, groupId: string): Promise<Map<string, string>> {
  const answer = await call(url, { Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': groupId });
  expect(answer.status).toBe(200);
  const items: Record<string, string>[] = answer.xml.DescribeSecurityGroupRulesResponse.securityGroupRuleSet?.item ?? [];
  const rules = new Map<string, string>();
  for (const rule of items) {
    if (rule.isEgress === 'true') continue;
    expect(rule.fromPort).toBe(rule.toPort);
    rules.set(ruleKey(Number(rule.fromPort), rule.cidrIpv4!), rule.securityGroupRuleId!);
  }
  return rules;
}

describe('SIGKILL under write load', () => {
  it(`keeps every answered rule and no refused one, and the file passes integrity_check (${ROUNDS} rounds)`, async () => {
    const dbPath = join(scratch, 'crash.db');
    let first = await startServer(dbPath);
    const group = await call(first.url, { Action: 'CreateSecurityGroup', GroupName: 'crash', GroupDescription: 'killed under load' });
    const groupId: string = group.xml.CreateSecurityGroupResponse.groupId;

    const ledger: Ledger = { answered: new Map(), refused: new Set(), unknown: 0 };
    let counter = 0;
    const nextRule = () => counter++;

    for (let round = 0; round < ROUNDS; round++) {
      const answeredBefore = ledger.answered.size;
      const load = writeUntilKilled(first.url, groupId, ledger, nextRule);
      // A random moment, after some writes have been answered in this round.
      const killAfter = 50 + Math.floor(Math.random() * 400);
      await new Promise((resolve) => setTimeout(resolve, killAfter));
      while (ledger.answered.size === answeredBefore) await new Promise((resolve) => setTimeout(resolve, 5));
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      await load;

      // With the process dead, the file is checked as SQLite finds it (recovering the WAL).
      const db = new Database(dbPath);
      try {
        expect(db.pragma('integrity_check', { simple: true }), `round ${round}, killed after ${killAfter} ms`).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
      } finally {
        db.close();
      }

      first = await startServer(dbPath);
      const stored = await storedRules(first.url, groupId);
      for (const [key, id] of ledger.answered) {
        expect(stored.get(key), `answered rule ${key} (${id}) after round ${round}, killed after ${killAfter} ms`).toBe(id);
      }
      for (const key of ledger.refused) {
        expect(stored.has(key), `refused rule ${key} is stored after round ${round}`).toBe(false);
      }
    }
    expect(ledger.refused.size).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    await first.exited;
  });
});
