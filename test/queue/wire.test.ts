/**
 * The queue's wire format and URI, without Redis: a fit job survives the trip (arrays by hash,
 * params with non-finite numbers), a result's arrays come back exact, a bad URI is a clear error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import { sha256Hex } from '../../src/queue/blobs.js';
import { describeProgress, ProgressTally } from '../../src/queue/progress.js';
import { parseQueueUri } from '../../src/queue/queue-uri.js';
import {
  f64Bytes,
  f64FromBytes,
  jobFromWire,
  jobToWire,
  resultFromWire,
  resultToWire,
  type WireArray,
} from '../../src/queue/wire.js';
import type { FitJob } from '../../src/train/cv/fit-job.js';

/** An in-memory blob plane that counts uploads. */
function memoryPlane() {
  const blobs = new Map<string, Uint8Array>();
  let puts = 0;
  const seen = new WeakMap<Float64Array, WireArray>();
  return {
    blobs,
    puts: () => puts,
    put: async (a: Float64Array): Promise<WireArray> => {
      const known = seen.get(a);
      if (known) return known;
      puts++;
      const bytes = f64Bytes(a).slice();
      const ref = { blob: sha256Hex(bytes), length: a.length };
      blobs.set(ref.blob, bytes);
      seen.set(a, ref);
      return ref;
    },
    get: async (ref: WireArray, what: string) => f64FromBytes(blobs.get(ref.blob)!, ref.length, what),
  };
}

describe('queue wire format', () => {
  const X = { rows: 3, cols: 2, data: Float64Array.from([1, 2, 3, Number.NaN, 5, -0]) };
  const y = Float64Array.from([10, 20, 30]);
  const job: FitJob = {
    name: 'gbdt',
    model: 'gbdt',
    params: { max_iter: 300, max_depth: Number.POSITIVE_INFINITY, l2: 0, nested: { a: [Number.NaN, 1] } },
    features: [
      { name: 'a', kind: 'numeric', source: 'a' },
      { name: 'b', kind: 'categorical', nCategories: 3, source: 'b' },
    ],
    X,
    y,
    held: { X, y },
    seed: 7,
    budgetS: null,
  };

  it('a job goes through JSON and comes back equal, its shared arrays uploaded once', async () => {
    const plane = memoryPlane();
    const wire = JSON.parse(JSON.stringify(await jobToWire(job, 'json', plane.put)));
    assert.equal(plane.puts(), 2, 'X and y once each, though held repeats them');
    const back = await jobFromWire(wire, plane.get);
    assert.deepEqual(back.params, job.params);
    assert.equal((back.params.max_depth as number) === Number.POSITIVE_INFINITY, true);
    assert.deepEqual([...back.X.data], [...X.data]);
    assert.ok(Object.is(back.X.data[5], -0), 'bytes, not numbers: -0 stays -0');
    assert.deepEqual([...back.held!.y], [...y]);
    assert.deepEqual(back.features, job.features);
    assert.equal(back.threads, 1, 'a queued job runs on one model thread');
    assert.equal(wire.keep, 'json');
  });

  it('a job of another wire version is refused by name', async () => {
    const plane = memoryPlane();
    const wire = { ...(await jobToWire(job, 'none', plane.put)), v: 99 };
    await assert.rejects(jobFromWire(wire, plane.get), /wire format version 99; this worker reads version 1/);
  });

  it('a result keeps its arrays exactly', () => {
    const pred = Float64Array.from([0.1, Number.NaN, 1e300]);
    const back = resultFromWire(
      JSON.parse(
        JSON.stringify(
          resultToWire(
            { ok: true, seconds: 1.5, pred, notes: ['n'], iterations: 12, predictions: [pred] },
            'abc',
            'h:1',
          ),
        ),
      ),
    );
    assert.deepEqual([...back.pred!], [...pred]);
    assert.deepEqual([...back.predictions![0]], [...pred]);
    assert.equal(back.iterations, 12);
  });

  it('blob bytes of the wrong size are a clear error', () => {
    assert.throws(
      () => f64FromBytes(new Uint8Array(12), 2, 'fold 1 X'),
      /fold 1 X: 12 bytes do not hold 2 f64 values/,
    );
  });
});

describe('queue URI', () => {
  it('reads host, port and database', () => {
    assert.deepEqual(parseQueueUri('redis://10.0.0.5:6380/3'), {
      host: '10.0.0.5',
      port: 6380,
      db: 3,
      tls: false,
    });
    assert.equal(parseQueueUri('redis://localhost').port, 6379);
  });

  it('names the flag, the value and what is allowed', () => {
    for (const bad of ['postgres://x', 'redis://h/99', 'not a uri']) {
      assert.throws(
        () => parseQueueUri(bad),
        (e: unknown) =>
          e instanceof UsageError &&
          e.code === 'bad_queue_uri' &&
          e.message.includes(JSON.stringify(bad)) &&
          /expected redis:\/\/host\[:port\]\[\/db\]/.test(e.message),
      );
    }
  });
});

describe('progress per worker', () => {
  it('counts done, running, failed and stalled jobs per worker', () => {
    const t = new ProgressTally();
    for (let i = 0; i < 4; i++) t.queue();
    t.start('j1', 'a:1');
    t.start('j2', 'b:2');
    t.finish('j1', 'a:1');
    t.stall('j2');
    t.start('j2', 'a:1');
    t.finish('j2', 'a:1');
    t.start('j3', 'b:2');
    t.fail('j3');
    const p = t.snapshot();
    assert.deepEqual([p.queued, p.done, p.running, p.failed, p.retried], [4, 2, 0, 1, 1]);
    assert.deepEqual(p.workers.get('a:1'), { done: 2, running: 0, failed: 0 });
    assert.deepEqual(p.workers.get('b:2'), { done: 0, running: 0, failed: 1 });
    assert.match(
      describeProgress(p),
      /jobs 2\/4 done · 0 running · 1 failed · 1 retried — a:1 2✓ 0▶ · b:2 0✓ 0▶ 1✗/,
    );
  });

  it('a start heard after the job finished (the events connection lagging) is not a running job', () => {
    const t = new ProgressTally();
    t.queue();
    t.finish('j1', 'a:1');
    t.start('j1', 'a:1');
    const p = t.snapshot();
    assert.deepEqual([p.done, p.running], [1, 0]);
    assert.deepEqual(p.workers.get('a:1'), { done: 1, running: 0, failed: 0 });
  });
});
