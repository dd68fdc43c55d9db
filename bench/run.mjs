#!/usr/bin/env node
/**
 * `npm run bench`: ec2-sg-emulator beside moto's server and a bare Fastify ceiling, one machine,
 * one run, the same signed requests from the same load generator, targets taking turns.
 *
 *   node bench/run.mjs [--quick] [--emulator dist/server/main.js] [--no-moto] [--connections 16] [--profile]
 *
 * Prints one table and writes it as JSON to .bench/results-<time>.json. `--emulator` points at
 * another build (say, of an older commit) to compare two versions of ours the same way.
 * `--profile` runs ours under `node --cpu-prof` (profiles in .bench/profiles/; read them with
 * bench/top-functions.mjs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measure } from './load.mjs';
import { createGroups, createProbeGroup, requestsFor, resetRound, seedRules } from './scenarios.mjs';
import { findMotoServer, startTarget } from './targets.mjs';
import { measureEvaluation } from './evaluate.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    emulator: { type: 'string', default: join(root, 'dist/server/main.js') },
    'no-moto': { type: 'boolean', default: false },
    connections: { type: 'string', default: '16' },
    profile: { type: 'boolean', default: false },
  },
});

const settings = options.quick
  ? { durationSeconds: 1.5, rounds: 1, warmupSeconds: 0.3, extraColdStarts: 0, authorizeGroups: 200, seededRules: 100_000, resets: 100, motoResets: 30 }
  : { durationSeconds: 8, rounds: 4, warmupSeconds: 1, extraColdStarts: 8, authorizeGroups: 1000, seededRules: 100_000, resets: 1000, motoResets: 200 };
const connections = Number(options.connections);
const outDir = join(root, '.bench');
mkdirSync(outDir, { recursive: true });

const motoServer = options['no-moto'] ? undefined : findMotoServer();
const SPECS = [
  {
    name: 'ec2-sg-emulator',
    command: process.execPath,
    // The raised quota only keeps a long authorize run from filling its groups; every rule the
    // benchmark adds stays within EC2's default 60 per family and group anyway at normal rates.
    args: (port) => [
      ...(options.profile ? ['--cpu-prof', '--cpu-prof-dir', join(root, '.bench/profiles')] : []),
      // The V8 flag that `npm start`, the package's bin and the image all run it with.
      '--max-semi-space-size=4',
      resolve(options.emulator), '--port', String(port), '--log-level', 'silent', '--rules-per-group', '100000',
    ],
  },
  ...(motoServer ? [{ name: 'moto', command: motoServer, args: (port) => ['-H', '127.0.0.1', '-p', String(port)] }] : []),
  { name: 'ceiling', command: process.execPath, args: (port) => [join(root, 'bench/ceiling.mjs'), '--port', String(port)] },
];
// Calibration, in the authorize scenario only: the ceiling with CALIBRATION_WORK_US of busy work per
// answer. What it reaches is what any server spending that long on a request can reach here.
const CALIBRATION_WORK_US = 50;
const CALIBRATION = {
  name: `ceiling + ${CALIBRATION_WORK_US} µs work`,
  command: process.execPath,
  args: (port) => [join(root, 'bench/ceiling.mjs'), '--port', String(port), '--work-us', String(CALIBRATION_WORK_US)],
};
const OURS = 'ec2-sg-emulator';
// The request journal's cost, in the authorize scenario only: ours again with the journal off
// (`--journal-size 0`), the two taking turns slice by slice like every target.
const JOURNAL_OFF = { ...SPECS[0], name: 'ec2-sg-emulator, journal off', args: (port) => [...SPECS[0].args(port), '--journal-size', '0'] };

const results = [];
const record = (row) => {
  results.push(row);
  const fmt = (v, d = 2) => (v === undefined ? '-' : v.toFixed(d));
  process.stderr.write(`  ${row.scenario.padEnd(34)} ${row.target.padEnd(16)} ${fmt(row.requestsPerSecond, 0).padStart(8)} req/s  p50 ${fmt(row.p50Ms)}  p99 ${fmt(row.p99Ms)}  cpu ${fmt(row.cpuUsPerRequest, 0)} µs/req  rss ${fmt(row.rssMb, 0)} MB${row.failed ? `  FAILED ${row.failed}` : ''}${row.note ? `  (${row.note})` : ''}\n`);
};

async function main() {
  process.stderr.write(`bench: ${options.quick ? 'quick' : 'full'} run, ${connections} connections, ${settings.durationSeconds}s per measurement in ${settings.rounds} alternating slice(s)\n`);
  if (!motoServer) process.stderr.write('bench: moto_server not found on PATH (or --no-moto): measuring without it\n');

  // ---- cold start: throwaway spawns first, then the ones the scenarios run against
  const coldStarts = new Map(SPECS.map((spec) => [spec.name, []]));
  for (let round = 0; round < settings.extraColdStarts; round++) {
    for (const spec of SPECS) {
      const target = await startTarget(spec, { logFile: join(outDir, `${spec.name}.log`) });
      coldStarts.get(spec.name).push(target.coldStartMs);
      await target.stop();
    }
  }
  const targets = [];
  for (const spec of SPECS) {
    const target = await startTarget(spec, { logFile: join(outDir, `${spec.name}.log`) });
    coldStarts.get(spec.name).push(target.coldStartMs);
    targets.push(target);
  }
  for (const target of targets) {
    const times = coldStarts.get(target.name).sort((a, b) => a - b);
    record({ scenario: 'cold start (spawn → first answer)', target: target.name, coldStartMs: times[Math.floor(times.length / 2)], samplesMs: times.map(Math.round), rssMb: target.rssMb() });
  }

  try {
    await runScenarios(targets);
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
  }
  // Flow evaluation, in process on the same build: one flow against 1,000 groups and 50,000 rules (bench/evaluate.mjs).
  record(await measureEvaluation(resolve(dirname(options.emulator), '..'), options.quick ? { flows: 1000, rounds: 2 } : {}));
  report();
}

/**
 * Runs one scenario on every target: a warm-up each, then the measurement in `settings.rounds`
 * slices, the targets taking turns slice by slice, so a noisy moment on the shared machine falls on
 * all of them rather than on one. Rates, CPU and latency percentiles are over all slices together.
 */
async function scenario(name, targets, requestsOf, note) {
  const runs = [];
  for (const target of targets) {
    const requests = requestsOf(target);
    if (!requests) continue;
    await measure(target, requests, { connections, durationSeconds: settings.warmupSeconds });
    runs.push({ target, requests, ok: 0, failed: 0, seconds: 0, cpuSeconds: 0, latencies: [] });
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const run of runs) {
      const cpuBefore = run.target.cpuSeconds();
      const slice = await measure(run.target, run.requests, { connections, durationSeconds: settings.durationSeconds / settings.rounds });
      run.cpuSeconds += run.target.cpuSeconds() - cpuBefore;
      run.ok += slice.ok;
      run.failed += slice.failed;
      run.seconds += slice.elapsedSeconds;
      run.latencies.push(...slice.latencies);
    }
  }
  for (const run of runs) {
    const latencies = run.latencies.sort((a, b) => a - b);
    const percentile = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    record({
      scenario: name,
      target: run.target.name,
      requestsPerSecond: run.ok / run.seconds,
      p50Ms: percentile(50),
      p99Ms: percentile(99),
      ok: run.ok,
      failed: run.failed,
      cpuUsPerRequest: (run.cpuSeconds * 1e6) / (run.ok + run.failed),
      rssMb: run.target.rssMb(),
      note: note?.(run.target),
    });
  }
}

async function runScenarios(targets) {
  const state = new Map(targets.map((t) => [t.name, {}]));

  // A store of 100 rules: one probe group of 50 rules read by the describe scenarios.
  for (const target of targets) state.get(target.name).probeGroupId = await createProbeGroup(target);
  await scenario('DescribeSecurityGroups (1 group)', targets, (t) => requestsFor.describeGroup(t, state.get(t.name)));
  await scenario('DescribeSecurityGroupRules group-id, 100 in store', targets, (t) => requestsFor.describeRulesOfGroup(t, state.get(t.name)));

  const calibration = await startTarget(CALIBRATION, { logFile: join(outDir, 'calibration.log') });
  const journalOff = await startTarget(JOURNAL_OFF, { logFile: join(outDir, 'journal-off.log') });
  try {
    const withCalibration = [...targets, calibration, journalOff];
    state.set(calibration.name, {});
    state.set(journalOff.name, {});
    for (const target of withCalibration) state.get(target.name).groupIds = await createGroups(target, settings.authorizeGroups, 'bench-authorize');
    await scenario(`AuthorizeSecurityGroupEgress (${settings.authorizeGroups} groups)`, withCalibration, (t) => requestsFor.authorizeEgress(t, state.get(t.name)));
  } finally {
    await calibration.stop();
    await journalOff.stop();
  }

  await scenario('Terraform-like create…delete mix', targets, (t) => requestsFor.terraformLike(t));

  // 100,000 more rules. moto allows 60 rules per group and family and slows down with every rule
  // it holds, so it is measured with the small store only. Ours starts again from an empty store
  // (the authorize scenario left tens of thousands of rules behind) with a new probe group, so the
  // store then holds what the scenario's name says: the probe's 100 rules and 100,000 more.
  const seeded = targets.filter((t) => t.name === OURS);
  const seededNote = new Map();
  for (const target of seeded) {
    const started = Date.now();
    await resetStore(target);
    state.get(target.name).probeGroupId = await createProbeGroup(target);
    await seedRules(target, settings.seededRules);
    const rules = await storedRuleCount(target);
    seededNote.set(target.name, `${rules.toLocaleString('en-US')} rules in the store`);
    process.stderr.write(`  (seeded ${settings.seededRules} rules into ${target.name} in ${((Date.now() - started) / 1000).toFixed(1)} s; it holds ${rules})\n`);
  }
  await scenario(
    `DescribeSecurityGroupRules group-id, 100k in store`,
    targets,
    (t) => (t.name === OURS || t.name === 'ceiling' ? requestsFor.describeRulesOfGroup(t, state.get(t.name)) : undefined),
    (t) => seededNote.get(t.name),
  );
  await scenario(
    'DescribeSecurityGroups (1 group), 100k in store',
    targets,
    (t) => (t.name === OURS || t.name === 'ceiling' ? requestsFor.describeGroup(t, state.get(t.name)) : undefined),
    (t) => seededNote.get(t.name),
  );

  // Memory across resets: a group and a rule, then POST /moto-api/reset, many times. moto gets
  // fewer rounds: it manages about two a second here and grows by megabytes with each.
  for (const target of targets.filter((t) => t.name !== 'ceiling')) {
    const resets = target.name === 'moto' ? settings.motoResets : settings.resets;
    const before = target.rssMb();
    const started = Date.now();
    let status = 200;
    const samples = [];
    for (let round = 0; round < resets && status === 200; round++) {
      status = await resetRound(target, round);
      if ((round + 1) % Math.max(1, Math.floor(resets / 10)) === 0) samples.push(Math.round(target.rssMb()));
    }
    if (status !== 200) {
      record({ scenario: `${resets} resets`, target: target.name, note: `POST /moto-api/reset answered ${status}` });
      continue;
    }
    record({
      scenario: `${resets} resets`,
      target: target.name,
      rssBeforeMb: before,
      rssMb: target.rssMb(),
      rssSamplesMb: samples,
      resetsPerSecond: resets / ((Date.now() - started) / 1000),
      note: `RSS ${before.toFixed(0)} → ${target.rssMb().toFixed(0)} MB`,
    });
  }
}

async function resetStore(target) {
  const response = await fetch(`${target.url}/_emulator/reset`, { method: 'POST' });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${target.name}: POST /_emulator/reset answered ${response.status}`);
}

/** How many rules the emulator holds, from its health endpoint's row counts. */
async function storedRuleCount(target) {
  const response = await fetch(`${target.url}/_emulator/health`);
  const health = await response.json();
  return health.counts.securityGroupRules;
}

function report() {
  const rows = [];
  const find = (scenario, target) => results.find((r) => r.scenario === scenario && r.target === target);
  for (const row of results) {
    const moto = find(row.scenario, 'moto');
    const ceiling = find(row.scenario, 'ceiling');
    const fmt = (v, d = 2) => (v === undefined || Number.isNaN(v) ? '' : v.toFixed(d));
    let vsMoto = '';
    let vsCeiling = '';
    if ((row.target === OURS || row.target === CALIBRATION.name) && row.requestsPerSecond !== undefined) {
      if (moto?.requestsPerSecond && row.target === OURS) vsMoto = `${(row.requestsPerSecond / moto.requestsPerSecond).toFixed(1)}x`;
      if (ceiling?.requestsPerSecond) vsCeiling = `${((100 * row.requestsPerSecond) / ceiling.requestsPerSecond).toFixed(0)}%`;
    }
    if (row.target === OURS && row.coldStartMs !== undefined) {
      if (moto) vsMoto = `${(moto.coldStartMs / row.coldStartMs).toFixed(1)}x faster`;
      if (ceiling) vsCeiling = `${(row.coldStartMs / ceiling.coldStartMs).toFixed(2)}x its time`;
    }
    rows.push([
      row.scenario,
      row.target,
      row.coldStartMs !== undefined ? `${fmt(row.coldStartMs, 0)} ms` : fmt(row.requestsPerSecond, 0),
      fmt(row.p50Ms),
      fmt(row.p99Ms),
      fmt(row.cpuUsPerRequest, 0),
      fmt(row.rssMb, 0),
      vsMoto,
      vsCeiling,
      row.failed ? `${row.failed} failed` : (row.note ?? ''),
    ]);
  }
  const header = ['scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'RSS MB', 'vs moto', 'of ceiling', 'notes'];
  const table = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

  const machine = {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    command: `node bench/run.mjs${options.quick ? ' --quick' : ''}`,
    connections,
    ...settings,
  };
  const checks = targetChecks(find);
  const file = join(outDir, `results-${machine.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ machine, results, checks }, null, 2));
  process.stdout.write(`\n${table}\n\n${machine.date}, ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; results in ${file}\n`);
  process.stdout.write(`\nTargets (docs/performance.md):\n${checks.map((c) => `  ${c.met === undefined ? 'info' : c.met ? 'met ' : 'MISS'} ${c.target}: ${c.measured}`).join('\n')}\n`);
}

/** The performance targets (docs/performance.md), each with what this run measured. */
function targetChecks(find) {
  const checks = [];
  const check = (target, measured, met) => checks.push({ target, measured, met });
  for (const row of results) if (row.check) check(row.check.target, row.check.measured, row.check.met);
  const authorize = (name) => results.find((r) => r.scenario.startsWith('AuthorizeSecurityGroupEgress') && r.target === name);
  const ours = authorize(OURS);
  const moto = authorize('moto');
  const ceiling = authorize('ceiling');
  if (ours && moto) check('Authorize ≥ 50x moto req/s', `${(ours.requestsPerSecond / moto.requestsPerSecond).toFixed(1)}x`, ours.requestsPerSecond >= 50 * moto.requestsPerSecond);
  if (ours && ceiling) check('Authorize ≥ 40% of the ceiling', `${((100 * ours.requestsPerSecond) / ceiling.requestsPerSecond).toFixed(0)}%`, ours.requestsPerSecond >= 0.4 * ceiling.requestsPerSecond);
  const withoutJournal = authorize(JOURNAL_OFF.name);
  if (ours && withoutJournal) {
    check(
      'Authorize with the request journal on within 5% of it off (req/s)',
      `${((100 * ours.requestsPerSecond) / withoutJournal.requestsPerSecond).toFixed(1)}% (${ours.requestsPerSecond.toFixed(0)} vs ${withoutJournal.requestsPerSecond.toFixed(0)} req/s; CPU ${ours.cpuUsPerRequest.toFixed(0)} vs ${withoutJournal.cpuUsPerRequest.toFixed(0)} µs/request)`,
      ours.requestsPerSecond >= 0.95 * withoutJournal.requestsPerSecond,
    );
  }
  const calibration = authorize(CALIBRATION.name);
  if (calibration && ceiling) {
    checks.push({
      target: `(calibration) the ceiling with ${CALIBRATION_WORK_US} µs of work per request`,
      measured: `${((100 * calibration.requestsPerSecond) / ceiling.requestsPerSecond).toFixed(0)}% of the ceiling, p99 ${calibration.p99Ms.toFixed(2)} ms`,
    });
  }
  if (ours) check(`Authorize p99 < 5 ms at ${connections} connections`, `${ours.p99Ms.toFixed(2)} ms`, ours.p99Ms < 5);
  const small = find('DescribeSecurityGroupRules group-id, 100 in store', OURS);
  const big = find('DescribeSecurityGroupRules group-id, 100k in store', OURS);
  if (small && big) {
    // The ceiling does the same work in both scenarios, so its own change between them is the
    // machine's drift (other tenants, frequency); ours is judged against that.
    const ratio = big.cpuUsPerRequest / small.cpuUsPerRequest;
    const ceilingSmall = find('DescribeSecurityGroupRules group-id, 100 in store', 'ceiling');
    const ceilingBig = find('DescribeSecurityGroupRules group-id, 100k in store', 'ceiling');
    const drift = ceilingSmall && ceilingBig ? ceilingBig.cpuUsPerRequest / ceilingSmall.cpuUsPerRequest : 1;
    check(
      'DescribeSecurityGroupRules by group-id costs the same with 100 and 100k rules (CPU/request within 25%, net of the ceiling\'s drift between the two)',
      `${ratio.toFixed(2)}x; the ceiling's ${drift.toFixed(2)}x; net ${(ratio / drift).toFixed(2)}x`,
      ratio / drift < 1.25,
    );
  }
  const cold = find('cold start (spawn → first answer)', OURS);
  const coldCeiling = find('cold start (spawn → first answer)', 'ceiling');
  if (cold && coldCeiling) check('cold start ≤ 1.2x the ceiling', `${(cold.coldStartMs / coldCeiling.coldStartMs).toFixed(2)}x`, cold.coldStartMs <= 1.2 * coldCeiling.coldStartMs);
  if (big) check('RSS < 150 MB with 100k rules', `${big.rssMb.toFixed(0)} MB`, big.rssMb < 150);
  const resets = results.find((r) => r.target === OURS && r.rssSamplesMb);
  if (resets) {
    const growth = resets.rssSamplesMb.at(-1) - resets.rssSamplesMb[0];
    check('RSS flat across resets (≤ 5 MB from the first sample to the last)', `${resets.rssSamplesMb[0]} → ${resets.rssSamplesMb.at(-1)} MB`, growth <= 5);
  }
  return checks;
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.stack ?? err}\n`);
  process.exit(1);
});
