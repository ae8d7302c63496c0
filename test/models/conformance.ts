/**
 * The project's families run the public conformance suite (`tabflow/testing`) on standardised
 * concrete (Yeh 1998), split 80/20 with seed 3. Families with WebAssembly kernels run it on every
 * path (`kernels: true`): once as configured, once with TABFLOW_KERNELS=wasm (a kernel wherever
 * one exists, whatever the size), and check that both paths give byte-identical models and the
 * same prediction bits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { takeRows } from '../../src/core/matrix.js';
import '../../src/models/index.js';
import { stringifyArtifact } from '../../src/core/codec.js';
import { createModel } from '../../src/models/families.js';
import { type ConformanceData, checkModelFamily } from '../../src/testing/index.js';
import { concrete, splitIdx, standardize } from '../helpers/datasets.js';

export interface ConformanceOptions {
  /** Params for the candidate under test. */
  params?: Record<string, unknown>;
  /** Minimum test R² on standardised concrete (linear models reach ~0.6, trees ~0.85+). */
  minR2: number;
  /** The family has WebAssembly kernels: run the suite on both paths and compare them. */
  kernels?: boolean;
}

export function conformance(kind: string, opts: ConformanceOptions): void {
  const data = concreteData();
  const suite = { params: opts.params, minR2: opts.minR2, data };
  checkModelFamily(kind, suite);
  if (!opts.kernels) return;
  describe(`TABFLOW_KERNELS=wasm: ${kind}`, () => {
    const saved = process.env.TABFLOW_KERNELS;
    before(() => {
      process.env.TABFLOW_KERNELS = 'wasm';
    });
    after(() => restore(saved));
    checkModelFamily(kind, suite);
  });
  it(`${kind}: TABFLOW_KERNELS=js and =wasm fit byte-identical models with bit-identical predictions`, async () => {
    const saved = process.env.TABFLOW_KERNELS;
    try {
      const run = async (mode: string) => {
        process.env.TABFLOW_KERNELS = mode;
        const features = data.names.map((n) => ({ name: n, kind: 'numeric' as const, source: n }));
        const m = await createModel(kind, opts.params).fit(data.train.X, data.train.y, {
          features,
          seed: 7,
          threads: 1,
        });
        return { json: stringifyArtifact(m.toJSON()), pred: m.predict(data.test.X) };
      };
      const js = await run('js');
      const wasm = await run('wasm');
      assert.equal(wasm.json, js.json);
      assert.deepEqual(wasm.pred, js.pred);
    } finally {
      restore(saved);
    }
  });
}

function restore(saved: string | undefined): void {
  if (saved === undefined) delete process.env.TABFLOW_KERNELS;
  else process.env.TABFLOW_KERNELS = saved;
}

function concreteData(): ConformanceData {
  const data = concrete();
  const X = standardize(data.X);
  const { train, test } = splitIdx(X.rows, 0.2, 3);
  return {
    train: { X: takeRows(X, train), y: Float64Array.from(train, (i) => data.y[i]) },
    test: { X: takeRows(X, test), y: Float64Array.from(test, (i) => data.y[i]) },
    names: data.names,
  };
}
