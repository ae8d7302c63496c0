/**
 * A minimal CSV → Frame reader for tests of stages after loading, so they do not depend on the
 * DataLoader. Handles quoted fields ("" escapes) on single lines; a column whose every present
 * cell is a number is numeric, otherwise categorical with the raw text (no trimming, no tokens).
 * An empty unquoted cell is missing.
 */
import { readFileSync } from 'node:fs';
import { type Column, categorical, Frame, numeric } from '../../src/data/frame.js';
import { DATA_DIR } from './datasets.js';

export function parseCsvLine(line: string): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote in: ${line.slice(0, 80)}`);
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
      i++; // the comma
    } else {
      let c = line.indexOf(',', i);
      if (c < 0) c = line.length;
      const s = line.slice(i, c);
      out.push(s === '' ? null : s);
      i = c + 1;
    }
  }
  return out;
}

const NUM = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function csvTextToFrame(text: string): Frame {
  const lines = text
    .replace(/\r/g, '')
    .split('\n')
    .filter((l) => l.length);
  const header = parseCsvLine(lines[0]).map((h) => h ?? '');
  const cells: (string | null)[][] = header.map(() => []);
  for (let r = 1; r < lines.length; r++) {
    const row = parseCsvLine(lines[r]);
    if (row.length !== header.length)
      throw new Error(`row ${r} has ${row.length} fields, header ${header.length}`);
    for (let j = 0; j < row.length; j++) cells[j].push(row[j]);
  }
  const cols: Column[] = cells.map((c) =>
    c.every((s) => s === null || NUM.test(s))
      ? numeric(c.map((s) => (s === null ? null : Number(s))))
      : categorical(c),
  );
  return new Frame(header, cols);
}

/** One of the bundled datasets in examples/data as a Frame. */
export function readBundled(name: 'diamonds' | 'ames' | 'concrete'): Frame {
  return csvTextToFrame(readFileSync(`${DATA_DIR}${name}.csv`, 'utf8'));
}
