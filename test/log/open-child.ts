/**
 * Child of concurrent-open.test.ts: at each agreed instant, open the next fresh database of
 * `dir` the way a server worker or a CLI does (prediction log, feedback store, registry), write
 * one row, close. Prints one JSON line: the errors met.
 */
import { join } from 'node:path';
import { FeedbackStore } from '../../src/log/feedback.js';
import { PredictionLog } from '../../src/log/index.js';
import { SqliteRegistryStore } from '../../src/store/sqlite/registry-store.js';

const [dir, startAt, rounds, gapMs, who] = process.argv.slice(2);
const errors: string[] = [];
for (let i = 0; i < Number(rounds); i++) {
  const at = Number(startAt) + i * Number(gapMs);
  while (Date.now() < at) {} // spin: every child starts this round within a millisecond
  try {
    if (i % 2 === 0) {
      const log = await PredictionLog.open(join(dir, `log-${i}.sqlite`));
      log.append({
        requestId: `${who}-${i}`,
        row: 0,
        modelName: 'm',
        runId: 'r',
        status: 'ok',
        prediction: 1,
        features: {},
      });
      await log.close();
      await (await FeedbackStore.open(join(dir, `log-${i}.sqlite`))).close();
    } else {
      await new SqliteRegistryStore(join(dir, `registry-${i}.sqlite`)).close();
    }
  } catch (e) {
    errors.push(`round ${i}: ${(e as Error).message}`);
  }
}
process.stdout.write(`${JSON.stringify({ errors })}\n`);
