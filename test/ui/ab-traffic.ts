/**
 * Traffic for the experiments page's tests: concrete rows sent to an in-process server following
 * the experiment (test/experiment/ab-fixture.ts), each row its own customer, then their true
 * actuals as feedback — so each arm gets rows in the prediction log and accuracy from feedback.
 */
import assert from 'node:assert/strict';
import { serverIdle } from '../../src/serve/index.js';
import { type abServer, concreteRows } from '../experiment/ab-fixture.js';

type App = Awaited<ReturnType<typeof abServer>>['app'];

const rows = concreteRows();

/** Rows [from, to) of concrete.csv in requests of 4 (customer `c<row>`), then their actuals. */
export async function replayTraffic(app: App, from: number, to: number): Promise<void> {
  const items: { request_id: string; row: number; actual: number }[] = [];
  for (let i = from; i < to; i += 4) {
    const batch = rows
      .slice(i, Math.min(to, i + 4))
      .map((r, j) => ({ ...r.record, customer_id: `c${i + j}` }));
    const r = await app.inject({ method: 'POST', url: '/predict', payload: batch });
    assert.equal(r.statusCode, 200, r.body);
    const id = JSON.parse(r.body).request_id;
    batch.forEach((_, j) => {
      items.push({ request_id: id, row: j, actual: rows[i + j].actual });
    });
  }
  await serverIdle(app);
  const fb = await app.inject({ method: 'POST', url: '/feedback', payload: { feedback: items } });
  assert.equal(JSON.parse(fb.body).accepted, items.length);
}
