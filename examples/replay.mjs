#!/usr/bin/env node
// Replay rows of a data file against a running `tabflow serve` as live traffic, and write the
// true targets as a feedback file (request_id,actual) for `tabflow feedback` — a way to try the
// monitoring and improvement loop on the bundled data.
//
//   node examples/replay.mjs --data examples/data/diamonds.csv --target price \
//        [--where "carat>=1.5"] [--limit 2000] [--url http://127.0.0.1:8080] [--labels labels.csv]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cellValue, DataLoader } from 'tabflow';

const { values: a } = parseArgs({
  options: {
    data: { type: 'string' },
    target: { type: 'string' },
    where: { type: 'string' },
    limit: { type: 'string', default: '1000' },
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    labels: { type: 'string', default: 'labels.csv' },
    concurrency: { type: 'string', default: '8' },
  },
});
if (!a.data || !a.target) {
  console.error('usage: node examples/replay.mjs --data FILE --target COLUMN [--where "col>=x"] [--limit N]');
  process.exit(2);
}
const frame = (await DataLoader.load(a.data)).frame;
const filter = parseWhere(a.where);
const rows = [];
for (let i = 0; i < frame.nRows && rows.length < Number(a.limit); i++) {
  const rec = Object.fromEntries(frame.names.map((c) => [c, cellValue(frame.get(c), i)]));
  if (filter(rec)) rows.push(rec);
}
const labels = ['request_id,actual'];
let failed = 0;
let next = 0;
async function worker() {
  while (next < rows.length) {
    const { [a.target]: actual, ...input } = rows[next++];
    const res = await fetch(`${a.url}/predict`, {
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
