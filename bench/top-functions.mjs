#!/usr/bin/env node
/**
 * The functions a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --profile`) spent its
 * own time in, most first, with the share of all samples: where a request's time goes.
 * `--inclusive` counts time spent in a function and everything it called instead.
 *
 *   node bench/top-functions.mjs .bench/profiles/CPU.….cpuprofile [--top 30] [--inclusive]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, inclusive: { type: 'boolean', default: false } } });
if (positionals.length !== 1) {
  process.stderr.write('usage: node bench/top-functions.mjs FILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));

// Sample time per node: timeDeltas[i] is the time before samples[i] was taken.
const selfMicros = new Map();
profile.samples.forEach((nodeId, i) => selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const keyOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${relative(process.cwd(), url.replace('file://', ''))}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);

const byFunction = new Map();
let total = 0;
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  total += micros;
  if (!values.inclusive) {
    byFunction.set(keyOf(node), (byFunction.get(keyOf(node)) ?? 0) + micros);
    continue;
  }
  // Each function on the stack once, however deep it recurses.
  const onStack = new Set();
  for (let at = node; at; at = parentOf.get(at.id)) onStack.add(keyOf(at));
  for (const key of onStack) byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
}

const idle = ['(idle)', '(program)', '(garbage collector)'];
const busy = total - [...byFunction].filter(([k]) => idle.includes(k)).reduce((sum, [, v]) => sum + v, 0);
process.stdout.write(`${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (not idle/program/GC)\n`);
for (const [key, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  process.stdout.write(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${key}\n`);
}
