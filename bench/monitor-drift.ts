/**
 * Monitoring cost on diamonds: building the reference profile, turning logged JSON records into
 * a current window (numbers as strings, as clients send them), and the drift report, for windows
 * of 1k (KS/χ²), 10k and 100k rows (Wasserstein/JS). Run: node --import tsx bench/monitor-drift.ts
 */
import { Rng } from '../src/core/random.js';
import type { NumericColumn } from '../src/data/frame.js';
import {
  buildCurrentWindow,
  buildReferenceProfile,
  detectDrift,
  serializeReferenceProfile,
} from '../src/monitor/index.js';
import { readBundled } from '../test/helpers/csv-frame.js';
import { writeResult } from './write-result.js';

function time<T>(f: () => T, reps = 3): { ms: number; value: T } {
  let best = Number.POSITIVE_INFINITY;
  let value = f();
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    value = f();
    best = Math.min(best, performance.now() - t);
  }
  return { ms: Math.round(best * 10) / 10, value };
}

const all = readBundled('diamonds');
const price = (all.get('price') as NumericColumn).values;
const profile = time(() => buildReferenceProfile(all, { predictions: price }));
const profileBytes = JSON.stringify(serializeReferenceProfile(profile.value)).length;
const rng = new Rng(1);
const base = all.toRecords();
const windows: Record<string, unknown>[] = [];
for (const n of [1_000, 10_000, 100_000]) {
  const records = Array.from({ length: n }, () => {
    const r = { ...base[rng.int(base.length)] };
    r.carat = String(r.carat); // as a client may send it
    return r;
  });
  const preds = records.map((r) => r.price);
  const win = time(() => buildCurrentWindow(profile.value, records, { predictions: preds }));
  const report = time(() => detectDrift(profile.value, win.value));
  windows.push({
    rows: n,
    window_ms: win.ms,
    report_ms: report.ms,
    methods: [...new Set(report.value.features.map((f) => f.method))],
    dataset_drifted: report.value.dataset.drifted,
  });
}
const result = {
  reference_rows: all.nRows,
  features: all.nCols,
  profile_ms: profile.ms,
  profile_json_bytes: profileBytes,
  windows,
};
console.log(JSON.stringify(result, null, 2));
writeResult('monitor-drift', result);
