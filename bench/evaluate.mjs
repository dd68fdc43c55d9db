#!/usr/bin/env node
/**
 * Flow evaluation's cost: one `emulator.evaluate(flow)` (parse the flow, read the groups' rules,
 * prefix lists and VPC blocks it needs, decide, name the rules) against a store of 1,000 groups
 * and 50,000 rules, in process, on the built code. The target: under a millisecond per flow.
 *
 *   node bench/evaluate.mjs [--quick] [--dist DIR]   (DIR holds server/ and store/; default dist)
 *
 * bench/run.mjs calls measureEvaluation() and puts the row and its check in its report.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const SCOPE = { accountId: '000000000000', region: 'us-east-1' };
export const EVALUATION_SCENARIO = 'evaluate one flow (1,000 groups, 50,000 rules), in process';

/** A small deterministic generator: every run measures the same store and the same flows. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Builds the store and times `flows` evaluations after a warm-up; answers a bench/run.mjs row (or a
 * row with a note when `distDir` is a build without flow evaluation).
 */
export async function measureEvaluation(distDir, { groups = 1000, rulesPerGroup = 50, flows = 5000, rounds = 3 } = {}) {
  const module = join(distDir, 'server', 'evaluation', 'evaluate.js');
  if (!existsSync(module)) return { scenario: EVALUATION_SCENARIO, target: 'ec2-sg-emulator', note: `no flow evaluation in ${distDir}` };
  const { evaluateFlowInStore } = await import(pathToFileURL(module).href);
  const { openDatabase } = await import(pathToFileURL(join(distDir, 'store', 'db.js')).href);
  const { createStore } = await import(pathToFileURL(join(distDir, 'store', 'store.js')).href);
  const { preloadCidrLibrary } = await import(pathToFileURL(join(distDir, 'protocol', 'cidr.js')).href);
  await preloadCidrLibrary();

  const db = openDatabase(':memory:');
  const store = createStore(db);
  const next = random(42);
  const pick = (n) => Math.floor(next() * n);
  const seeded = Date.now();
  store.ensureScope(SCOPE);
  const vpcId = store.insertVpc(SCOPE, { cidrBlock: '10.0.0.0/16', isDefault: false, instanceTenancy: 'default' });
  const groupIds = [];
  const listIds = [];
  let rules = 0;
  store.transaction(() => {
    for (let l = 0; l < 20; l++) {
      listIds.push(
        store.insertCustomerPrefixList(SCOPE, {
          name: `bench-${l}`,
          addressFamily: 'IPv4',
          maxEntries: 20,
          entries: Array.from({ length: 10 }, (_, e) => ({ cidr: `192.168.${l}.${e * 16}/28`, description: undefined })),
          clientToken: undefined,
          requestHash: undefined,
        }),
      );
    }
    for (let g = 0; g < groups; g++) groupIds.push(store.insertGroup(SCOPE, { groupName: `bench-${g}`, description: 'bench', vpcId, isDefault: false }));
    for (const groupId of groupIds) {
      // A realistic mix: CIDR rules on single ports and ranges, rules naming other groups, prefix
      // lists, ICMP, an all-traffic egress; half the rules each way.
      for (const direction of ['ingress', 'egress']) {
        const specs = [];
        const seen = new Set();
        for (let r = 0; r < rulesPerGroup / 2; r++) {
          const kind = pick(10);
          const port = 1 + pick(65000);
          const spec =
            kind < 4
              ? { protocol: pick(2) ? 'tcp' : 'udp', fromPort: port, toPort: port + pick(3) * 100, peer: { kind: 'ipv4', cidr: `10.${pick(256)}.${pick(256)}.0/24` } }
              : kind < 7
                ? { protocol: 'tcp', fromPort: port, toPort: port, peer: { kind: 'group', groupId: groupIds[pick(groupIds.length)], userId: SCOPE.accountId } }
                : kind < 8
                  ? { protocol: 'tcp', fromPort: port, toPort: port, peer: { kind: 'prefixList', prefixListId: listIds[pick(listIds.length)] } }
                  : kind < 9
                    ? { protocol: 'icmp', fromPort: pick(16), toPort: -1, peer: { kind: 'ipv4', cidr: '0.0.0.0/0' } }
                    : { protocol: 'tcp', fromPort: port, toPort: port, peer: { kind: 'ipv6', cidr: `2001:db8:${pick(0xffff).toString(16)}::/48` } };
          const key = JSON.stringify(spec);
          if (seen.has(key)) continue;
          seen.add(key);
          specs.push({ ...spec, description: undefined });
        }
        rules += store.insertRules(SCOPE, groupId, direction, specs).length;
      }
    }
  });
  const seedSeconds = (Date.now() - seeded) / 1000;

  const endpoint = () => {
    const kind = pick(5);
    if (kind === 0) return pick(2) ? '0.0.0.0/0' : `203.0.113.${pick(256)}`;
    const held = Array.from({ length: 1 + pick(3) }, () => groupIds[pick(groupIds.length)]);
    return kind === 1 ? { groupIds: [...new Set(held)], address: `10.0.${pick(256)}.${pick(256)}` } : [...new Set(held)].join(',');
  };
  const flowAt = () => {
    let from = endpoint();
    const to = endpoint();
    if (typeof from === 'string' && typeof to === 'string' && !from.startsWith('sg-') && !to.startsWith('sg-')) from = groupIds[pick(groupIds.length)];
    const protocol = ['tcp', 'tcp', 'udp', 'icmp'][pick(4)];
    return protocol === 'icmp' ? { from, to, protocol, icmpType: pick(16) } : { from, to, protocol, port: 1 + pick(65000) };
  };
  const workload = Array.from({ length: flows }, flowAt);
  for (let i = 0; i < Math.min(1000, flows); i++) evaluateFlowInStore(store, SCOPE, workload[i]);

  // Each flow's wall time and CPU time, the least of `rounds` tries: on a shared machine a try may
  // include waiting for a core (wall) or a neighbour's cache misses and a GC pause (CPU); the
  // least is the flow's own cost.
  const wall = new Float64Array(flows).fill(Infinity);
  const cpu = new Float64Array(flows).fill(Infinity);
  let allowed = 0;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < flows; i++) {
      const cpuBefore = process.cpuUsage();
      const started = process.hrtime.bigint();
      const verdict = evaluateFlowInStore(store, SCOPE, workload[i]);
      wall[i] = Math.min(wall[i], Number(process.hrtime.bigint() - started) / 1e6);
      const used = process.cpuUsage(cpuBefore);
      cpu[i] = Math.min(cpu[i], (used.user + used.system) / 1000);
      if (round === 0 && verdict.allowed) allowed++;
    }
  }
  db.close();
  wall.sort();
  cpu.sort();
  const at = (samples, p) => samples[Math.min(flows - 1, Math.floor((p / 100) * flows))];
  const mean = (samples) => samples.reduce((a, b) => a + b, 0) / flows;
  const us = (ms) => `${(ms * 1000).toFixed(0)} µs`;
  const cpuP99 = at(cpu, 99);
  return {
    scenario: EVALUATION_SCENARIO,
    target: 'ec2-sg-emulator',
    p50Ms: at(wall, 50),
    p99Ms: at(wall, 99),
    meanMs: mean(wall),
    cpuP50Ms: at(cpu, 50),
    cpuP99Ms: cpuP99,
    cpuUsPerRequest: mean(cpu) * 1000,
    flows,
    allowed,
    groups,
    rules,
    note: `${flows} flows (${allowed} allowed), least of ${rounds} tries each: wall mean ${us(mean(wall))}, CPU p50 ${us(at(cpu, 50))} p99 ${us(cpuP99)}; ${rules.toLocaleString('en-US')} rules seeded in ${seedSeconds.toFixed(1)} s`,
    check: {
      target: 'evaluate one flow < 1 ms with 1,000 groups and 50,000 rules (p99 over the flows of each one\'s least CPU time)',
      measured: `CPU p50 ${us(at(cpu, 50))}, p99 ${us(cpuP99)}; wall p50 ${us(at(wall, 50))}, p99 ${us(at(wall, 99))}`,
      met: cpuP99 < 1,
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, dist: { type: 'string' } } });
  const distDir = resolve(values.dist ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
  const row = await measureEvaluation(distDir, values.quick ? { flows: 1000, rounds: 2 } : {});
  process.stdout.write(`${JSON.stringify(row, null, 2)}\n`);
}
