/**
 * The WebAssembly tree kernel (wasm/tree-predict.c) against the TypeScript traversal: the same
 * bits on every kind of split and input (numeric, categorical bitsets, NaN, unseen, non-integral
 * and out-of-range codes), on real fitted models, across row chunks; the switch by size; and the
 * embedded module matching its recorded sha256.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { fromRows, type Matrix, matrix, takeRows } from '../../../src/core/matrix.js';
import { Rng } from '../../../src/core/random.js';
import '../../../src/models/index.js';
import { createModel } from '../../../src/models/families.js';
import { TreeBatchPredictor } from '../../../src/models/tree/batch-predictor.js';
import { addTreePredictions, type TreeArrays } from '../../../src/models/tree/predictor.js';
import { TREE_PREDICT_WASM } from '../../../src/models/tree/tree-predict-wasm.js';
import { WasmTreeBank } from '../../../src/models/tree/wasm-tree-bank.js';
import { concreteData, diamonds, fitModel } from '../../explain/data.js';
import { friedman1 } from '../../helpers/datasets.js';
import { handmade } from './helpers.js';

const saved = process.env.TABFLOW_KERNELS;
afterEach(() => {
  if (saved === undefined) delete process.env.TABFLOW_KERNELS;
  else process.env.TABFLOW_KERNELS = saved;
});

/** Σ trees by the TypeScript path, tree by tree. */
function tsSum(trees: readonly TreeArrays[], X: Matrix, init = 0): Float64Array {
  const out = new Float64Array(X.rows).fill(init);
  for (const t of trees) addTreePredictions(t, X, out, 1);
  return out;
}

function wasmSum(trees: readonly TreeArrays[], X: Matrix, init = 0): Float64Array {
  const bank = WasmTreeBank.create(trees, X.cols);
  assert.ok(bank, 'the kernel compiles on this runtime');
  const out = new Float64Array(X.rows).fill(init);
  assert.equal(bank.addPredictions(X, out, 1), true);
  return out;
}

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A random tree over `cols` features with `leaves` leaves; thresholds in [0, 1). */
function randomTree(rng: Rng, cols: number, leaves: number): TreeArrays {
  const n = 2 * leaves - 1;
  const t = {
    feature: new Int32Array(n).fill(-1),
    threshold: new Float64Array(n),
    left: new Int32Array(n).fill(-1),
    right: new Int32Array(n).fill(-1),
    value: new Float64Array(n),
    missingLeft: new Uint8Array(n),
    gain: new Float64Array(n),
    count: new Float64Array(n),
    catStart: new Int32Array(n).fill(-1),
    catBits: new Uint32Array(0),
  };
  const open = [0];
  for (let next = 1; next + 1 < n; next += 2) {
    const k = open.splice(rng.int(open.length), 1)[0];
    t.feature[k] = rng.int(cols);
    t.threshold[k] = rng.next();
    t.left[k] = next;
    t.right[k] = next + 1;
    open.push(next, next + 1);
  }
  for (let k = 0; k < n; k++) {
    t.value[k] = rng.normal();
    t.missingLeft[k] = rng.next() < 0.5 ? 1 : 0;
  }
  return t;
}

/**
 * The same tree with every sibling pair stored the other way round (right child = left − 1): the
 * bank then keeps its `right` array instead of assuming right = left + 1.
 */
function siblingsSwapped(t: TreeArrays): TreeArrays {
  const n = t.feature.length;
  const pi = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    if (t.feature[i] < 0) continue;
    pi[t.left[i]] = t.right[i];
    pi[t.right[i]] = t.left[i];
  }
  const move = <A extends Int32Array | Float64Array | Uint8Array>(a: A): A => {
    const b = a.slice() as A;
    for (let i = 0; i < n; i++) b[pi[i]] = a[i];
    return b;
  };
  const left = move(t.left).map((c) => (c < 0 ? c : pi[c]));
  const right = move(t.right).map((c) => (c < 0 ? c : pi[c]));
  return {
    ...t,
    feature: move(t.feature),
    threshold: move(t.threshold),
    left,
    right,
    value: move(t.value),
    missingLeft: move(t.missingLeft),
    gain: move(t.gain),
    count: move(t.count),
    catStart: move(t.catStart),
  };
}

describe('WebAssembly tree kernel', () => {
  it('routes every edge of a split as the TypeScript path does, bit for bit', () => {
    const NaN_ = Number.NaN;
    const codes = [
      0,
      1,
      2,
      33,
      34,
      63,
      64,
      1e10,
      2 ** 31,
      2 ** 32 + 1,
      -1,
      -0,
      1.5,
      33.0000001,
      NaN_,
      Infinity,
    ];
    const X = fromRows(
      codes.flatMap((c) => [
        [0.7, c],
        [0.5, c],
        [NaN_, c],
        [-Infinity, c],
      ]),
    );
    const t = handmade();
    const swapped = siblingsSwapped(t);
    assert.equal(swapped.right[0], swapped.left[0] - 1, 'siblings stored right-then-left');
    const ts = tsSum([t, t], X, 0.25);
    assert.deepEqual(bits(tsSum([swapped, swapped], X, 0.25)), bits(ts), 'the swapped tree is the same tree');
    assert.deepEqual(bits(wasmSum([t, t], X, 0.25)), bits(ts));
    assert.deepEqual(bits(wasmSum([swapped, t], X, 0.25)), bits(ts));
    // Spot checks of the routes themselves: 0.5 ≤ 0.5 left; code 33 left, 34 right; NaN code right.
    assert.equal(ts[1], 0.25 + 20);
    assert.equal(ts[4 * 3], 0.25 + 40);
    assert.equal(ts[4 * 4], 0.25 + 60);
    assert.equal(ts[4 * 14], 0.25 + 60);
  });

  it('gives the same bits as TypeScript on fitted gbdt, forest and tree models (diamonds with categories, concrete)', async () => {
    const dia = diamonds('ordinal', 3000);
    const con = concreteData();
    const cases = [
      ['gbdt', { max_iter: 60 }, dia],
      ['random_forest', { n_estimators: 12 }, dia],
      ['extra_trees', { n_estimators: 8 }, con],
      ['tree', {}, con],
    ] as const;
    for (const [kind, params, d] of cases) {
      const m = await fitModel(kind, params, d);
      // Missing values in every column of some rows, so every missingLeft is exercised.
      const X = matrix(d.test.X.rows, d.test.X.cols, Float64Array.from(d.test.X.data));
      for (let i = 0; i < X.rows; i += 7) X.data[i * X.cols + (i % X.cols)] = Number.NaN;
      process.env.TABFLOW_KERNELS = 'js';
      const js = m.predict(X);
      process.env.TABFLOW_KERNELS = 'wasm';
      const wasm = m.predict(X);
      assert.deepEqual(bits(wasm), bits(js), `${kind}: identical predictions`);
      assert.ok(js.every(Number.isFinite), `${kind}: finite predictions`);
    }
  });

  it('boosting with early stopping keeps its validation rows in the kernel: the same model as TypeScript', async () => {
    const { X, y } = friedman1(7000, 8, 1, 4);
    const train = {
      X: takeRows(
        X,
        Uint32Array.from({ length: 4000 }, (_, i) => i),
      ),
      y: y.subarray(0, 4000),
    };
    const val = {
      X: takeRows(
        X,
        Uint32Array.from({ length: 3000 }, (_, i) => 4000 + i),
      ),
      y: y.slice(4000),
    };
    const features = Array.from({ length: 8 }, (_, j) => ({
      name: `x${j}`,
      kind: 'numeric' as const,
      source: `x${j}`,
    }));
    const fit = async (mode: string) => {
      process.env.TABFLOW_KERNELS = mode;
      const m = await createModel('gbdt', { max_iter: 400, n_iter_no_change: 5 }).fit(train.X, train.y, {
        features,
        seed: 2,
        threads: 1,
        val,
      });
      return { json: JSON.stringify(m.toJSON()), notes: m.notes.join(' ') };
    };
    const js = await fit('js');
    const auto = await fit('auto');
    assert.equal(auto.json, js.json, '3,000 validation rows: the kernel path, identical model');
    assert.match(
      js.notes,
      /stopped early at iteration \d+ of 400/,
      'early stopping decided on the validation rows',
    );
  });

  it('splits a large batch into row chunks without changing a bit', () => {
    // 1,000 columns: a chunk holds 262 rows, so 5,000 rows take twenty.
    const rng = new Rng(11);
    const cols = 1000;
    const trees = Array.from({ length: 5 }, (_, k) => {
      const t = randomTree(rng, cols, 40);
      return k % 2 ? siblingsSwapped(t) : t;
    });
    const X = matrix(
      5000,
      cols,
      Float64Array.from({ length: 5000 * cols }, () => rng.next()),
    );
    assert.deepEqual(bits(wasmSum(trees, X, -1)), bits(tsSum(trees, X, -1)));
  });

  it('keeps one row in TypeScript and sends batches to the kernel (auto), and honours TABFLOW_KERNELS=js', () => {
    const rng = new Rng(3);
    const trees = Array.from({ length: 100 }, () => randomTree(rng, 4, 31));
    const one = matrix(1, 4, Float64Array.of(0.1, 0.2, 0.3, 0.4));
    const many = matrix(
      500,
      4,
      Float64Array.from({ length: 2000 }, () => rng.next()),
    );
    const p = new TreeBatchPredictor(trees);
    delete process.env.TABFLOW_KERNELS;
    const a = new Float64Array(1);
    p.addPredictions(one, a);
    assert.equal((p as unknown as { bank: unknown }).bank, undefined, 'one row × 100 trees: no bank built');
    const b = new Float64Array(500);
    p.addPredictions(many, b);
    assert.ok((p as unknown as { bank: unknown }).bank instanceof WasmTreeBank, '500 rows: the kernel');
    assert.deepEqual(bits(b), bits(tsSum(trees, many)));
    // A model over 2^20 nodes is not copied into a bank (memory): TypeScript whatever the size.
    const big = new TreeBatchPredictor(Array.from({ length: 9 }, () => randomTree(rng, 4, 60_000)));
    big.addPredictions(many, new Float64Array(500));
    assert.equal((big as unknown as { bank: unknown }).bank, null, '1.08M nodes: no bank');
    process.env.TABFLOW_KERNELS = 'js';
    const q = new TreeBatchPredictor(trees);
    q.addPredictions(many, new Float64Array(500));
    assert.equal((q as unknown as { bank: unknown }).bank, undefined, 'js: TypeScript only');
  });

  it('embeds the module its header names (sha256), built from the committed source', () => {
    const bytes = Buffer.from(TREE_PREDICT_WASM, 'base64');
    const text = readFileSync(
      new URL('../../../src/models/tree/tree-predict-wasm.ts', import.meta.url),
      'utf8',
    );
    const sha = /sha256 ([0-9a-f]{64})/.exec(text)?.[1];
    assert.equal(createHash('sha256').update(bytes).digest('hex'), sha);
    assert.ok(WebAssembly.validate(bytes));
    const source = readFileSync(new URL('../../../wasm/tree-predict.c', import.meta.url), 'utf8');
    assert.match(source, /void predict_trees\(/, 'the source exports the kernel the bank calls');
  });
});
