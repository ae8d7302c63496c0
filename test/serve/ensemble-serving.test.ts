/**
 * An ensemble selected by cross-validation is served like any model: the same predictions as
 * the library, intervals, exact attributions, MLflow's /invocations and /metadata naming it.
 * (gbdt + extra_trees on concrete: with the default seed the weighted blend wins the folds.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { InferencePipeline } from '../../src/inference/index.js';
import { createServer } from '../../src/serve/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { concreteRecords, TARGET } from './model-fixture.js';

let pipeline: InferencePipeline;
let app: FastifyInstance;
const rows = concreteRecords(4);
const json = (r: { body: string }) => JSON.parse(r.body);

before(async () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-serve-ensemble-'));
  const args = ['train', '--data', join(DATA_DIR, 'concrete.csv'), '--target', TARGET];
  const r = await tabflowInProcess([...args, '--models', 'gbdt,extra_trees', '--out', root], root);
  assert.equal(r.code, 0, r.stderr);
  pipeline = InferencePipeline.load(join(root, 'production'));
  app = await createServer({ pipeline });
});
after(() => app.close());

describe('serving an ensemble', () => {
  test('the selected model is the ensemble of both candidates', () => {
    assert.equal(pipeline.metadata.selected_model.kind, 'ensemble');
    const weights = pipeline.results.models.find((m) => m.model === 'ensemble')!.params.members as Record<
      string,
      number
    >;
    assert.deepEqual(Object.keys(weights).sort(), ['extra_trees', 'gbdt']);
  });

  test('/predict: library predictions, intervals and attributions that add up', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/predict',
      payload: { records: rows, interval: true, explain: true },
    });
    assert.equal(r.statusCode, 200);
    const body = json(r);
    assert.equal(body.model.family, 'ensemble');
    const want = pipeline.predict(rows);
    body.predictions.forEach((p: Record<string, unknown>, i: number) => {
      assert.equal(p.prediction, want[i].prediction);
      const iv = p.interval as { lower: number; upper: number };
      assert.ok(iv.lower < (p.prediction as number) && (p.prediction as number) < iv.upper);
      const attr = p.attributions as Record<string, number>;
      assert.deepEqual(Object.keys(attr).sort(), Object.keys(rows[0]).sort());
      const sum = Object.values(attr).reduce((a, b) => a + b, p.base_value as number);
      assert.ok(Math.abs(sum - (p.prediction as number)) < 1e-6, `${sum} vs ${p.prediction}`);
    });
  });

  test('/invocations (MLflow) and /metadata', async () => {
    const inv = await app.inject({
      method: 'POST',
      url: '/invocations',
      payload: { dataframe_records: rows.slice(0, 2) },
    });
    assert.equal(inv.statusCode, 200);
    const want = pipeline.predict(rows.slice(0, 2)).map((p) => p.prediction);
    assert.deepEqual(json(inv).predictions, want);
    const md = json(await app.inject({ url: '/metadata' }));
    assert.equal(md.model.kind, 'ensemble');
    assert.ok(md.metrics.test.r2 > 0.85, `test R² ${md.metrics.test.r2}`);
  });
});
