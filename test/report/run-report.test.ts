/**
 * `tabflow report`: the TEST rows are rebuilt and scored again exactly (the report's metrics and
 * coverage equal what training recorded), the page is self-contained, and a changed data file
 * leaves the TEST section out with the reason instead of plotting other rows.
 */
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ResultsJson } from '../../src/artifacts/run-folder.js';
import { runReportHtml } from '../../src/report/run-html.js';
import { buildRunReport } from '../../src/report/run-report.js';
import { tabflow, tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

const TARGET = 'compressive_strength';

/** `tabflow train --models ridge,gbdt` on `data`, in-process, into a new models folder. */
async function train(data: string): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-report-'));
  const r = await tabflowInProcess(
    ['train', '--data', data, '--target', TARGET, '--models', 'ridge,gbdt', '--out', root],
    root,
  );
  assert.equal(r.code, 0, r.stderr);
  return root;
}

let concreteRoot: Promise<string> | undefined;
/** One run on concrete.csv for the tests that only read it. */
const concrete = () => {
  concreteRoot ??= train(join(DATA_DIR, 'concrete.csv'));
  return concreteRoot;
};

describe('run report', () => {
  it('rebuilds the TEST rows: metrics and coverage equal those training recorded', async () => {
    const root = await concrete();
    const dir = join(root, 'production');
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsJson;
    const r = await buildRunReport(dir);
    const best = results.models.find((m) => m.name === results.selection.best)!;
    assert.equal(r.selected.name, best.name);
    assert.ok(r.test, r.test_note ?? '');
    const t = r.test;
    assert.equal(t.n + t.rejected, r.split?.counts.test);
    assert.equal(t.rejected, 0);
    assert.ok(
      Math.abs(t.metrics.r2 - best.metrics!.test!.r2) < 1e-12,
      `${t.metrics.r2} vs ${best.metrics!.test!.r2}`,
    );
    assert.ok(Math.abs(t.metrics.rmse - best.metrics!.test!.rmse) < 1e-9);
    assert.ok(t.coverage);
    assert.ok(Math.abs(t.coverage.overall - results.intervals!.test.coverage) < 1e-12);
    // Deciles: every row once, in prediction order.
    assert.equal(t.coverage.by_decile.length, 10);
    assert.equal(
      t.coverage.by_decile.reduce((a, b) => a + b.n, 0),
      t.n,
    );
    for (let i = 1; i < 10; i++) assert.ok(t.coverage.by_decile[i].from >= t.coverage.by_decile[i - 1].to);
    const weighted = t.coverage.by_decile.reduce((a, b) => a + b.coverage * b.n, 0) / t.n;
    assert.ok(Math.abs(weighted - t.coverage.overall) < 1e-12);
    assert.deepEqual(r.leaderboard.map((m) => m.name).sort(), ['ensemble', 'gbdt', 'ridge']);
    assert.equal(r.leaderboard.filter((m) => m.selected).length, 1);
    // Cross-validated selection: each row's score is its mean over the 5 folds, the ensemble's weights shown.
    assert.equal(r.selection.on, 'cv');
    for (const m of r.leaderboard) {
      const saved = results.models.find((x) => x.name === m.name)!;
      assert.equal(m.score, saved.cv!.mean);
      assert.deepEqual(m.cv, { mean: saved.cv!.mean, sd: saved.cv!.sd, folds: 5 });
    }
    const ens = r.leaderboard.find((m) => m.name === 'ensemble')!;
    assert.ok(ens.weights && Math.abs(Object.values(ens.weights).reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.equal(r.intervals?.calibrated_on, 'out_of_fold');
    assert.ok(r.importance && r.importance.length === 8, 'one importance per input column');

    const html = runReportHtml(r);
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/i, 'no script, no external asset');
    assert.equal(
      (html.match(/<svg /g) ?? []).length,
      5,
      'leaderboard, scatter, residuals, coverage, importance',
    );
    assert.match(html, new RegExp(`${t.n} rows scored`));
    assert.match(html, /mean r2 over 5-fold cross-validation of TRAIN\+VAL/);
    assert.match(html, /cv r2 \(± sd\)/);
    assert.match(html, /out-of-fold residuals of TRAIN\+VAL/);
  });

  it('a data file changed since training: no TEST plots, the reason instead', async () => {
    const work = mkdtempSync(join(tmpdir(), 'tabflow-report-data-'));
    const data = join(work, 'concrete.csv');
    copyFileSync(join(DATA_DIR, 'concrete.csv'), data);
    const root = await train(data);
    appendFileSync(data, '540,0,0,162,2.5,1040,676,28,79.99\n');
    const r = await buildRunReport(join(root, 'production'));
    assert.equal(r.test, null);
    assert.match(r.test_note ?? '', /has changed since the run was trained/);
    const html = runReportHtml(r);
    assert.match(html, /has changed since the run was trained/);
    assert.equal((html.match(/<svg /g) ?? []).length, 2, 'leaderboard and importance only');
  });

  it('tabflow report writes the page and prints where; a missing model is a usage error', async () => {
    const root = await concrete();
    const out = join(root, 'run.html');
    const r = tabflow(['report', '--dir', root, '--out', out], root); // a child process, as a user runs it
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(out));
    assert.match(r.stdout, /TEST rows rebuilt and scored again; interval coverage \d+\.\d%/);
    const bad = await tabflowInProcess(['report', '--model', join(root, 'runs', 'nope')], root);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /No model at .*nope/);
  });
});
