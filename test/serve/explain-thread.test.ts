/**
 * Explain requests run on a worker thread per model: the event loop keeps answering other
 * requests meanwhile, the numbers are the in-thread ones, a thread that cannot load falls back
 * to in-thread scoring, and the thread ends with its model (swap) or the server (close).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { InferencePipeline } from '../../src/inference/index.js';
import { ExplainThread } from '../../src/serve/explain-thread.js';
import { createServer } from '../../src/serve/index.js';
import { fixedModel } from '../../src/serve/model-source.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { concreteRecords, TARGET } from './model-fixture.js';

/** k-NN: attributions by sampling Shapley, milliseconds per row — the slow kind to explain. */
let dir: string;
let pipeline: InferencePipeline;
const rows = concreteRecords(200);

before(async () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-explain-'));
  const r = await tabflowInProcess(
    ['train', '--data', join(DATA_DIR, 'concrete.csv'), '--target', TARGET, '--models', 'knn', '--out', root],
    root,
  );
  assert.equal(r.code, 0, r.stderr);
  dir = join(root, 'production');
  pipeline = InferencePipeline.load(dir);
});

const body = (r: { body: string }) => JSON.parse(r.body);

describe('explain on a worker thread', () => {
  test('other requests are answered while an explain request runs; its answer is the in-thread one', {
    timeout: 120_000,
  }, async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const app = await createServer({
      source: fixedModel(pipeline, { dir: pipeline.dir }),
      explainThreads: true,
      logger,
    });
    after(() => app.close());
    let done = false;
    const explained = app
      .inject({ method: 'POST', url: '/predict', payload: { records: rows, explain: true, interval: true } })
      .finally(() => {
        done = true;
      });
    // Plain predictions meanwhile: on the server's thread the explain job would hold them all
    // until it is done (0 or 1 answered before it).
    let answeredMeanwhile = 0;
    while (!done) {
      const r = await app.inject({ method: 'POST', url: '/predict', payload: rows[answeredMeanwhile % 50] });
      assert.equal(r.statusCode, 200);
      if (!done) answeredMeanwhile++;
    }
    assert.ok(answeredMeanwhile >= 20, `${answeredMeanwhile} plain requests answered during the explain job`);
    const r = await explained;
    assert.equal(r.statusCode, 200);
    const want = JSON.parse(JSON.stringify(pipeline.predict(rows, { explain: true, interval: true })));
    const got = body(r).predictions;
    assert.equal(got.length, rows.length);
    for (let i = 0; i < rows.length; i++) {
      assert.deepEqual(got[i].attributions, want[i].attributions, `row ${i}`);
      assert.equal(got[i].prediction, want[i].prediction);
      assert.deepEqual(got[i].interval, want[i].interval);
    }
    assert.deepEqual(warnings, [], 'the worker answered (no fall-back to the server thread)');
    await app.close();
  });

  test('a thread that cannot load its folder: the request is scored in-thread, same answer, logged', async () => {
    const reasons: string[] = [];
    const t = new ExplainThread(join(dir, 'no-such-folder'), pipeline, (why) => reasons.push(why));
    const got = await t.predict(rows.slice(0, 3), { explain: true });
    assert.deepEqual(
      JSON.parse(JSON.stringify(got)),
      JSON.parse(JSON.stringify(pipeline.predict(rows.slice(0, 3), { explain: true }))),
    );
    assert.equal(reasons.length, 1);
    assert.match(reasons[0], /could not load .*no-such-folder/);
    assert.equal(t.workerAnswers, 0);
    assert.equal(t.running, false);
    // Later calls go straight to the server's thread.
    await t.predict(rows.slice(0, 1), { explain: true });
    assert.equal(t.running, false);
    assert.equal(reasons.length, 1);
  });

  test('retire(): the queued job is answered, then the thread stops; later calls run in-thread', async () => {
    const t = new ExplainThread(dir, pipeline);
    const job = t.predict(rows.slice(0, 20), { explain: true });
    assert.equal(t.running, true);
    t.retire();
    const got = await job;
    assert.equal(got.length, 20);
    assert.ok(got.every((r) => r.attributions));
    assert.equal(t.workerAnswers, 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(t.running, false);
    assert.equal((await t.predict(rows.slice(0, 1), { explain: true })).length, 1);
    assert.equal(t.running, false);
  });
});
