/** Damaged prediction logs, as found in the corruption runs of issue 11. */
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PredictionLog } from '../../src/log/index.js';
import { SqlitePredictionStore } from '../../src/store/sqlite/prediction-store.js';

/** A real log of `n` rows, closed (WAL checkpointed into the file). */
export function writeLog(file: string, n: number): void {
  const log = new PredictionLog(new SqlitePredictionStore(file));
  for (let i = 0; i < n; i++) {
    log.append({
      requestId: `r${i}`,
      row: 0,
      modelName: 'gbdt',
      runId: 'run1',
      status: 'ok',
      prediction: i,
      features: { carat: i / 100, cut: 'Ideal', note: 'x'.repeat(40) },
    });
  }
  // SQLite closes in the call: the WAL is folded into the file when close() returns.
  void log.close();
}

/** The ways a log file was found broken: garbage, a truncated copy, a zeroed header. */
export function corruptLogs(dir: string): Record<string, string> {
  const garbage = join(dir, 'garbage.sqlite');
  writeFileSync(garbage, 'this is not an sqlite file\n'.repeat(200));
  const truncated = join(dir, 'truncated.sqlite');
  writeLog(truncated, 3000);
  truncateSync(truncated, 3 * 4096);
  const zeroed = join(dir, 'zeroed.sqlite');
  writeLog(zeroed, 50);
  const bytes = readFileSync(zeroed);
  bytes.fill(0, 0, 100);
  writeFileSync(zeroed, bytes);
  return { garbage, truncated, zeroed };
}
