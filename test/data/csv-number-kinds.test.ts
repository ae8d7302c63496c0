/**
 * Which CSV columns are read as numbers: the parser starts every column numeric and restarts when
 * a non-number shows within the first 20,000 rows (after two restarts, one sampling pass settles
 * the rest); later non-numbers demote the column and the file is parsed again. Whatever the path,
 * the frame must hold exactly the file's values.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { DataLoader } from '../../src/data/index.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

/**
 * `rows` rows of a numeric id plus one column per entry of `textAt`: numbers, missing (empty) in
 * the rows before that entry's first text value, then text every 3rd row from there on. Returns the
 * path and the cells, row by row.
 */
function writeSparse(name: string, rows: number, textAt: number[]): { path: string; cells: string[][] } {
  const rng = new Rng(rows + textAt.length);
  const cells: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const row = [String(i)];
    for (const at of textAt) {
      if (i < at) row.push(rng.next() < 0.5 ? '' : (rng.normal() * 100).toFixed(rng.int(4)));
      else row.push((i - at) % 3 === 0 ? `t${rng.int(50)}` : String(rng.int(1000)));
    }
    cells.push(row);
  }
  const header = ['id', ...textAt.map((_, j) => `c${j}`)].join(',');
  const path = tmp.write(name, `${header}\n${cells.map((r) => r.join(',')).join('\n')}\n`);
  return { path, cells };
}

async function assertLoadedExactly(path: string, cells: string[][], textColumns: number): Promise<void> {
  const { frame } = await DataLoader.load(path, { csvEngine: 'tabflow' });
  assert.equal(frame.nRows, cells.length);
  assert.equal(frame.columns[0].type, 'numeric');
  for (let j = 1; j < frame.nCols; j++) {
    assert.equal(frame.columns[j].type, j <= textColumns ? 'categorical' : 'numeric', frame.names[j]);
  }
  for (let i = 0; i < cells.length; i++) {
    for (let j = 0; j < frame.nCols; j++) {
      const want =
        cells[i][j] === '' ? null : frame.columns[j].type === 'numeric' ? Number(cells[i][j]) : cells[i][j];
      const got = frame.cell(frame.names[j], i);
      if (got !== want) assert.fail(`row ${i}, ${frame.names[j]}: ${JSON.stringify(got)}, want ${want}`);
    }
  }
}

test('text in the first rows: one restart, values intact', async () => {
  const { path, cells } = writeSparse('first.csv', 5000, [0, 1]);
  await assertLoadedExactly(path, cells, 2);
});

test('a column whose first text is at row 9,000: restarted, not demoted', async () => {
  const { path, cells } = writeSparse('later.csv', 30_000, [9000]);
  await assertLoadedExactly(path, cells, 1);
});

test('four columns revealing text at different rows: the sampling pass settles them', async () => {
  const { path, cells } = writeSparse('sparse.csv', 30_000, [3000, 6000, 12_000, 18_000]);
  await assertLoadedExactly(path, cells, 4);
});

test('text first after 20,000 rows: demoted, parsed again, values intact', async () => {
  const { path, cells } = writeSparse('late.csv', 40_000, [25_000]);
  await assertLoadedExactly(path, cells, 1);
});

test('numeric columns with missing values only, then numbers: stay numeric', async () => {
  const rng = new Rng(5);
  const cells: string[][] = [];
  for (let i = 0; i < 25_000; i++) cells.push([String(i), i < 21_000 ? '' : String(rng.normal())]);
  const path = tmp.write('numeric.csv', `id,x\n${cells.map((r) => r.join(',')).join('\n')}\n`);
  await assertLoadedExactly(path, cells, 0);
});
