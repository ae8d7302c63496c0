/**
 * Child process for the crash and concurrency tests.
 *   promote-child.ts <root> promote <ref> <stage> [force]   one promotion (TABFLOW_FAULT_AT kills it mid-move)
 *   promote-child.ts <root> churn <n> <seed>               n random promotions/rollbacks of staging and production
 * Prints one JSON line: what it did.
 * Imports from the modules, not the src/internal.js barrel: this child starts once per crash case,
 * and the barrel also loads the server, DuckDB and the rest (about twice the start-up time).
 */
import { TabflowError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { promote } from '../../src/promotion/index.js';
import { ModelRegistry } from '../../src/registry/index.js';

const [root, cmd, ...args] = process.argv.slice(2);
const r = await ModelRegistry.open(root);
try {
  if (cmd === 'promote') {
    const d = await promote(r, args[0], args[1] as 'production', { force: args[2] === 'force' });
    process.stdout.write(`${JSON.stringify(d)}\n`);
  } else if (cmd === 'churn') {
    const rng = new Rng(Number(args[1]));
    const n = (await r.list()).length;
    const done = { moves: 0, refusedByRule: 0, failed: [] as string[] };
    for (let i = 0; i < Number(args[0]); i++) {
      // Mostly staging (ungated, fast); every fifth move a forced production promotion.
      const stage = i % 5 === 4 ? 'production' : 'staging';
      try {
        if (rng.next() < 0.35) await r.rollback(stage);
        else await promote(r, 1 + Math.floor(rng.next() * n), stage, { force: true });
        done.moves++;
      } catch (e) {
        // Rule refusals (already there, nothing to roll back) are expected; anything else is a failure.
        const code = (e as TabflowError).code;
        if (e instanceof TabflowError && ['already_in_stage', 'no_previous', 'empty_stage'].includes(code))
          done.refusedByRule++;
        else done.failed.push(String((e as Error).message));
      }
    }
    process.stdout.write(`${JSON.stringify(done)}\n`);
  }
} finally {
  await r.close();
}
