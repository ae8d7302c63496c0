/**
 * waitForStore: a step failing with store_unavailable is run again with a doubling back-off until
 * it succeeds or the wait is over (then the error says for how long, and what to do); any other
 * error at once. unavailable(): connection failures become store_unavailable naming the store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DataError, UsageError } from '../../src/core/errors.js';
import {
  isConnectionError,
  isStoreUnavailable,
  type StoreWait,
  unavailable,
  waitForStore,
} from '../../src/store/store-outage.js';

const LOCATION = 'postgres://app@db:5432/tabflow?schema=t';
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const down = () => unavailable('registry', LOCATION, refused);

describe('unavailable', () => {
  it('names the store and the keys of its URI; a failed statement passes unchanged', () => {
    const e = down();
    assert.ok(isStoreUnavailable(e));
    assert.match(
      (e as Error).message,
      /^Cannot reach the model registry store postgres:\/\/app@db:5432\/tabflow\?schema=t: connect ECONNREFUSED/,
    );
    assert.match((e as Error).message, /storage\.registry/);
    const art = unavailable('artifacts', LOCATION, { code: '57P01', message: 'terminating connection' });
    assert.match((art as Error).message, /^Cannot reach the artifact store .*storage\.artifacts/);
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    assert.equal(unavailable('log', LOCATION, unique), unique);
    assert.equal(unavailable('log', LOCATION, e), e, 'already named: kept');
  });

  it('recognises the ways a connection fails', () => {
    for (const code of ['ECONNRESET', '08006', '57P01', '57P03', '3D000', '28P01']) {
      assert.ok(isConnectionError({ code }), code);
    }
    assert.ok(isConnectionError(new Error('Connection terminated unexpectedly')));
    assert.ok(isConnectionError(new Error('Client has encountered a connection error and is not queryable')));
    assert.ok(!isConnectionError({ code: '55P03', message: 'lock timeout' }));
  });
});

describe('waitForStore', () => {
  it('runs the step again while the store is away, with a doubling back-off, then returns its value', async () => {
    const waits: StoreWait[] = [];
    const attempts: number[] = [];
    const out = await waitForStore(
      'register the run',
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw down();
        return 'v1';
      },
      { seconds: 10, onWait: (w) => waits.push(w) },
    );
    assert.equal(out, 'v1');
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.deepEqual(
      waits.map((w) => [w.step, w.attempt, w.retryInS, w.limitS]),
      [
        ['register the run', 1, 0.25, 10],
        ['register the run', 2, 0.5, 10],
      ],
    );
    assert.match(waits[0].error, /^Cannot reach the model registry store/);
  });

  it('gives up when the wait is over, saying for how long and what to do', async () => {
    const t0 = performance.now();
    await assert.rejects(
      waitForStore(
        'open the registry',
        async () => {
          throw down();
        },
        { seconds: 0.6 },
      ),
      (e: unknown) =>
        isStoreUnavailable(e) &&
        /Cannot reach the model registry store .*Tried to open the registry for \d+ s \(storage\.wait_s: 0\.6\); start the server \(or fix the URI\) and run the command again, or raise storage\.wait_s/.test(
          (e as Error).message,
        ),
    );
    const s = (performance.now() - t0) / 1000;
    assert.ok(s >= 0.55 && s < 2, `${s} s`);
  });

  it('fails at once on any other error, or with seconds 0', async () => {
    let n = 0;
    await assert.rejects(
      waitForStore('publish the run', async () => {
        n++;
        throw new UsageError('bad_option', 'no');
      }),
      UsageError,
    );
    assert.equal(n, 1);
    const e = down() as DataError;
    await assert.rejects(
      waitForStore(
        'publish the run',
        async () => {
          n++;
          throw e;
        },
        { seconds: 0 },
      ),
      (x) => x === e,
    );
    assert.equal(n, 2);
  });
});
