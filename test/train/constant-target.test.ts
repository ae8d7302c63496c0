/**
 * A constant target is refused before anything is fitted (R² is undefined; a model predicting the
 * one value would be "perfect" and promoted): on all cleaned rows, and on TRAIN rows alone.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataError, resolveConfig, TrainingPipeline } from '../../src/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

/** concrete.csv with its target rewritten row by row (and an optional split column). */
function concreteWith(dir: string, target: (i: number, v: string) => string, part?: (i: number) => string) {
  const [head, ...rows] = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
  const out = [part ? `${head},part` : head];
  rows.forEach((line, i) => {
    const cells = line.split(',');
    cells[cells.length - 1] = target(i, cells[cells.length - 1]);
    out.push(part ? `${cells.join(',')},${part(i)}` : cells.join(','));
  });
  const file = join(dir, 'data.csv');
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

function train(file: string, root: string, split: Record<string, unknown> = {}) {
  const cfg = resolveConfig({
    data: { path: file, target: 'compressive_strength' },
    models: ['ridge'],
    split,
    output: { dir: root },
  });
  return new TrainingPipeline(cfg).run();
}

describe('constant target', () => {
  it('a target with one value in every row is a DataError naming the column, the value and the rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-const-'));
    const file = concreteWith(dir, () => '42.5');
    await assert.rejects(train(file, join(dir, 'models')), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.code, 'constant_target');
      assert.equal(e.exitCode, 2);
      assert.match(
        e.message,
        /"compressive_strength" has the single value 42\.5 in all [\d,]+ rows after cleaning/,
      );
      return true;
    });
    assert.equal(existsSync(join(dir, 'models', 'runs')), false, 'nothing saved or registered');
  });

  it('a target constant on TRAIN only (it varies in VAL/TEST) is refused too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-const-'));
    const part = (i: number) => (i % 10 < 7 ? 'train' : i % 10 < 8 ? 'val' : 'test');
    const file = concreteWith(dir, (i, v) => (part(i) === 'train' ? '7' : v), part);
    await assert.rejects(train(file, join(dir, 'models'), { split_column: 'part' }), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.match(e.message, /single value 7 in all [\d,]+ TRAIN rows \(column split\)/);
      return true;
    });
  });

  it('tabflow train exits 2 with the message and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-const-'));
    const file = concreteWith(dir, () => '1');
    const r = await tabflowInProcess(
      ['train', '--data', file, '--target', 'compressive_strength', '--models', 'ridge'],
      dir,
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /single value 1 in all [\d,]+ rows after cleaning/);
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/);
  });
});
