/**
 * Loading for bench/forest.ts, independent of the project's loader and preprocessor so the bench
 * measures only the models: a file written by prep_split.py (with a `split` column), numbers
 * median-imputed on train, categories most-frequent-imputed then one-hot (sklearn's order: sorted
 * levels, unknown → all zeros) or ordinal codes (sorted levels, unknown → NaN).
 */
import { readFileSync } from 'node:fs';
import { type Matrix, matrix } from '../src/core/matrix.js';
import type { FeatureInfo, InputEncoding } from '../src/models/regressor.js';

export interface BenchData {
  Xtr: Matrix;
  ytr: Float64Array;
  Xte: Matrix;
  yte: Float64Array;
  features: FeatureInfo[];
}

function parseLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function median(v: number[]): number {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return 0;
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export function loadSplit(path: string, target: string, encoding: InputEncoding): BenchData {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = parseLine(lines[0]);
  const rows = lines.slice(1).map(parseLine);
  const ti = header.indexOf(target);
  const si = header.indexOf('split');
  const train = rows.filter((r) => r[si] === 'train');
  const test = rows.filter((r) => r[si] === 'test');
  const cols: Array<(r: string[]) => number[]> = [];
  const features: FeatureInfo[] = [];
  header.forEach((name, j) => {
    if (j === ti || j === si) return;
    const isNum = rows.every((r) => r[j] === '' || r[j] === 'NA' || Number.isFinite(Number(r[j])));
    if (isNum) {
      const num = (r: string[]) => (r[j] === '' || r[j] === 'NA' ? Number.NaN : Number(r[j]));
      const med = median(train.map(num));
      cols.push((r) => {
        const v = num(r);
        return [Number.isNaN(v) ? med : v];
      });
      features.push({ name, kind: 'numeric', source: name });
      return;
    }
    const counts = new Map<string, number>();
    for (const r of train) if (r[j] !== '') counts.set(r[j], (counts.get(r[j]) ?? 0) + 1);
    const levels = [...counts.keys()].sort();
    let mode = levels[0];
    for (const l of levels) if ((counts.get(l) ?? 0) > (counts.get(mode) ?? 0)) mode = l;
    const code = new Map(levels.map((l, k) => [l, k]));
    if (encoding === 'ordinal') {
      cols.push((r) => [code.get(r[j] === '' ? mode : r[j]) ?? Number.NaN]);
      features.push({ name, kind: 'categorical', nCategories: levels.length, source: name });
    } else {
      cols.push((r) => {
        const v = new Array<number>(levels.length).fill(0);
        const k = code.get(r[j] === '' ? mode : r[j]);
        if (k !== undefined) v[k] = 1;
        return v;
      });
      for (const l of levels) features.push({ name: `${name}=${l}`, kind: 'numeric', source: name });
    }
  });
  const build = (rs: string[][]): [Matrix, Float64Array] => {
    const p = features.length;
    const X = new Float64Array(rs.length * p);
    rs.forEach((r, i) => {
      let k = i * p;
      for (const f of cols) for (const v of f(r)) X[k++] = v;
    });
    return [matrix(rs.length, p, X), Float64Array.from(rs, (r) => Number(r[ti]))];
  };
  const [Xtr, ytr] = build(train);
  const [Xte, yte] = build(test);
  return { Xtr, ytr, Xte, yte, features };
}
