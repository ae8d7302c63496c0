#!/usr/bin/env node
// Replay rows of a data file against a running `tabflow serve` as live traffic, and write the
// true targets as a feedback file (request_id,actual) for `tabflow feedback` — a way to try the
// monitoring and improvement loop on the bundled data. With --write it only copies the chosen rows
// to a CSV file (e.g. a training set of small stones only).
//
//   node examples/replay.mjs --data examples/data/diamonds.csv --target price \
//        [--where "carat>=1.5"] [--skip 0] [--limit 2000] [--seed 1] [--url http://127.0.0.1:8080] [--labels labels.csv]
//   node examples/replay.mjs --data examples/data/diamonds.csv --where "carat<1" --write small.csv
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cellValue, csvLine, DataLoader } from 'tabflow/internal';

const { values: a } = parseArgs({
  options: {
    data: { type: 'string' },
    target: { type: 'string' },
    where: { type: 'string' },
    limit: { type: 'string', default: '1000' },
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    labels: { type: 'string', default: 'labels.csv' },
    concurrency: { type: 'string', default: '8' },
    skip: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    write: { type: 'string' },
  },
});
if (!a.data || (!a.target && !a.write)) {
  console.error('usage: node examples/replay.mjs --data FILE --target COLUMN [--where "col>=x"] [--skip N] [--limit N]');
  console.error('       node examples/replay.mjs --data FILE [--where "col<x"] [--limit N] --write OUT.csv');
  process.exit(2);
}
const frame = (await DataLoader.load(a.data)).frame;
const filter = parseWhere(a.where);
// Matching rows in a seeded random order (files are often sorted, e.g. diamonds by price), then
// --skip and --limit: the same arguments always give the same rows.
const matching = [];
for (let i = 0; i < frame.nRows; i++) {
  const rec = Object.fromEntries(frame.names.map((c) => [c, cellValue(frame.get(c), i)]));
  if (filter(rec)) matching.push(rec);
}
let seed = Number(a.seed) >>> 0 || 1;
const random = () => {
  // xorshift32: tiny, seeded, good enough to shuffle rows.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
for (let i = matching.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [matching[i], matching[j]] = [matching[j], matching[i]];
}
const rows = matching.slice(Number(a.skip), Number(a.skip) + Number(a.limit));
if (a.write) {
  const lines = [csvLine(frame.names), ...rows.map((r) => csvLine(frame.names.map((c) => r[c])))];
  writeFileSync(a.write, lines.join(''));
  console.log(`${rows.length} rows written to ${a.write}`);
  process.exit(0);
}
const labels = ['request_id,actual'];
let failed = 0;
let next = 0;
async function worker() {
  while (next < rows.length) {
    const { [a.target]: actual, ...input } = rows[next++];
    const res = await fetch(`${a.url}/predict?interval=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = await res.json();
    if (res.ok) labels.push(`${body.request_id},${actual}`);
    else failed++;
  }
}
await Promise.all(Array.from({ length: Number(a.concurrency) }, worker));
writeFileSync(a.labels, `${labels.join('\n')}\n`);
console.log(`${rows.length} rows sent to ${a.url}/predict (${failed} failed); actuals in ${a.labels}`);

function parseWhere(text) {
  if (!text) return () => true;
  const m = /^\s*([\w.]+)\s*(>=|<=|>|<|==|!=)\s*(.+?)\s*$/.exec(text);
  if (!m) throw new Error(`--where ${JSON.stringify(text)}: expected COLUMN OP VALUE, e.g. carat>=1.5`);
  const [, col, op, raw] = m;
  const v = Number.isNaN(Number(raw)) ? raw : Number(raw);
  const ops = { '>=': (x) => x >= v, '<=': (x) => x <= v, '>': (x) => x > v, '<': (x) => x < v, '==': (x) => x === v, '!=': (x) => x !== v };
  return (rec) => rec[col] !== null && ops[op](rec[col]);
}
