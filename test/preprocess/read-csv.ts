/**
 * Minimal reader for the bundled CSVs, so these tests do not depend on the DataLoader: quoted
 * fields without embedded commas or newlines, empty field = missing, a column is numeric when
 * every non-empty value parses as a number, else categorical.
 */
import { readFileSync } from 'node:fs';
import {
  type CategoricalColumn,
  type Column,
  categorical,
  Frame,
  type NumericColumn,
  numeric,
} from '../../src/data/frame.js';
import { DATA_DIR } from '../helpers/datasets.js';

export function readCsv(file: string, drop: readonly string[] = []): Frame {
  const lines = readFileSync(`${DATA_DIR}${file}`, 'utf8').trim().split('\n');
  const split = (l: string) => l.split(',').map((s) => s.replace(/^"|"$/g, ''));
  const header = split(lines[0]);
  const cells: string[][] = header.map(() => []);
  for (let i = 1; i < lines.length; i++) {
    const r = split(lines[i]);
    if (r.length !== header.length) throw new Error(`${file}: row ${i} has ${r.length} fields`);
    r.forEach((v, j) => {
      cells[j].push(v);
    });
  }
  const cols: Record<string, Column> = {};
  header.forEach((name, j) => {
    if (drop.includes(name)) return;
    const v = cells[j];
    const isNum = v.every((s) => s === '' || Number.isFinite(Number(s)));
    cols[name] = isNum
      ? numeric(v.map((s) => (s === '' ? null : Number(s))))
      : categorical(v.map((s) => s || null));
  });
  return Frame.fromColumns(cols);
}

/** Deterministic row split of a frame: every 5th row (offset 0) to test, the rest to train. */
export function everyFifth(n: number): { train: Uint32Array; test: Uint32Array } {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < n; i++) (i % 5 === 0 ? test : train).push(i);
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}

/**
 * ames.csv without its target and with gaps put in by row index (the same rule as
 * fixtures/make_sklearn_fixture.py): Lot_Frontage 0 = missing, plus Mas_Vnr_Area (i % 7 == 3),
 * Garage_Type (i % 11 == 4) and Electrical (i % 13 == 5).
 */
export function amesWithGaps(): Frame {
  let f = readCsv('ames.csv', ['Sale_Price']);
  const num = (name: string, gap: (v: number, i: number) => boolean) => {
    const c = f.get(name) as NumericColumn;
    f = f.withColumn(name, { type: 'numeric', values: c.values.map((v, i) => (gap(v, i) ? Number.NaN : v)) });
  };
  const cat = (name: string, gap: (i: number) => boolean) => {
    const c = f.get(name) as CategoricalColumn;
    f = f.withColumn(name, { ...c, codes: c.codes.map((v, i) => (gap(i) ? -1 : v)) });
  };
  num('Lot_Frontage', (v) => v === 0);
  num('Mas_Vnr_Area', (_, i) => i % 7 === 3);
  cat('Garage_Type', (i) => i % 11 === 4);
  cat('Electrical', (i) => i % 13 === 5);
  return f;
}
