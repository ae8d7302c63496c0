/**
 * The production gate scores both models on rows neither was trained or tuned on: both runs' TEST
 * rows and recent labelled feedback, minus what either fitted on. The issue's scenario: v1 trained
 * on small stones only, v2 on all of them and better live; promoting v1 back must be refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promotionLines } from '../../src/cli/models-format.js';
import { resolveConfig } from '../../src/config/config.js';
import { FeedbackStore } from '../../src/log/feedback.js';
import { PredictionLog } from '../../src/log/prediction-log.js';
import { describeGate, type GateResult } from '../../src/promotion/gate.js';
import { promote } from '../../src/promotion/promote.js';
import { ModelRegistry } from '../../src/registry/model-registry.js';
import { TrainingPipeline } from '../../src/train/training-pipeline.js';
import { DATA_DIR } from '../helpers/datasets.js';

const TARGET = 'price';

async function train(root: string, data: string, allowDataChange = false) {
  const cfg = resolveConfig({
    data: { path: data, target: TARGET },
    models: ['ridge'],
    output: { dir: root },
    registry: { allow_data_change: allowDataChange },
  });
  return new TrainingPipeline(cfg).run();
}

interface Diamonds {
  header: string;
  names: string[];
  lines: string[];
}

function diamonds(): Diamonds {
  const [header, ...lines] = readFileSync(join(DATA_DIR, 'diamonds.csv'), 'utf8').trim().split('\n');
  return { header, names: header.split(',').map((h) => h.replace(/"/g, '')), lines };
}

function record(d: Diamonds, line: string): Record<string, unknown> {
  const cells = line.split(',').map((c) => c.replace(/"/g, ''));
  return Object.fromEntries(
    d.names.map((n, j) => [n, Number.isNaN(Number(cells[j])) ? cells[j] : Number(cells[j])]),
  );
}

/** Served rows (not in either training file) whose actual prices came back as feedback. */
async function logFeedback(root: string, d: Diamonds, lines: string[], runId: string): Promise<void> {
  const log = await PredictionLog.open(join(root, 'predictions.sqlite'));
  lines.forEach((l, i) => {
    const { [TARGET]: _, ...features } = record(d, l);
    log.append({
      requestId: `live-${i}`,
      row: 0,
      modelName: 'ridge',
      runId,
      modelVersion: 2,
      status: 'ok',
      prediction: 1,
      features,
    });
  });
  await log.close();
  const store = await FeedbackStore.open(join(root, 'predictions.sqlite'));
  try {
    const r = await store.record(
      lines.map((l, i) => ({ request_id: `live-${i}`, actual: record(d, l)[TARGET] })),
    );
    assert.equal(r.accepted, lines.length);
  } finally {
    await store.close();
  }
}

describe('production gate: rows neither model trained on', () => {
  let dir: string;
  let d: Diamonds;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tabflow-gate-'));
    d = diamonds();
  });

  it('refuses to promote back a version trained on small stones only, showing the rows per source', async () => {
    // Every 24th diamond (2,248 rows): "all"; the stones under 0.9 carat of them: "small".
    const all = d.lines.filter((_, i) => i % 24 === 0);
    const small = all.filter((l) => Number(l.split(',')[0]) < 0.9);
    writeFileSync(join(dir, 'all.csv'), `${[d.header, ...all].join('\n')}\n`);
    writeFileSync(join(dir, 'small.csv'), `${[d.header, ...small].join('\n')}\n`);
    const root = join(dir, 'models');
    await train(root, join(dir, 'small.csv')); // v1: production (the first version)
    const v2 = await train(root, join(dir, 'all.csv'));
    const r = await ModelRegistry.open(root);
    try {
      const up = await promote(r, 2, 'production', { reason: 'won the A/B test' });
      assert.equal(up.decision, 'passed', describeGate(up as GateResult));
      // Live traffic, answered by v2, whose prices came back: rows neither file holds.
      logFeedback(
        root,
        d,
        d.lines.filter((_, i) => i % 48 === 12),
        v2.runId,
      );

      const back = await promote(r, 1, 'production', { reason: 'roll back to the old model' });
      const text = describeGate(back as GateResult);
      assert.equal(back.decision, 'refused', text);
      assert.equal(back.applied, false);
      assert.equal((await r.stageVersion('production'))!.version, 2);
      assert.ok(back.candidate! > back.incumbent!, text);

      const by = Object.fromEntries(back.rows!.sources!.map((s) => [s.source, s]));
      assert.deepEqual(Object.keys(by), ['test-of-v1', 'test-of-v2', 'feedback']);
      // v1's TEST rows: most are in v2's TRAIN or VAL rows; those left are small stones.
      assert.ok(by['test-of-v1'].seen_by_incumbent > 0.6 * by['test-of-v1'].offered, text);
      // v2's TEST rows: the small stones among them v1 fitted on are out; the large ones stay.
      assert.ok(by['test-of-v2'].seen_by_candidate > 0, text);
      assert.ok(by['test-of-v2'].used > by['test-of-v1'].used, text);
      assert.ok(by.feedback.used > 300 && by.feedback.used === by.feedback.offered, text);
      const used = back.rows!.sources!.reduce((t, s) => t + s.used, 0);
      assert.equal(back.rows!.used, used);
      assert.match(back.eval!, /^test-of-v1 \d+ \+ test-of-v2 \d+ \+ feedback \d+$/);
      assert.equal(
        back.rows!.seen_by_incumbent,
        back.rows!.sources!.reduce((t, s) => t + s.seen_by_incumbent, 0),
      );

      // What `tabflow models promote` prints, and what the history keeps.
      const lines = promotionLines(back, root).join('\n');
      assert.match(
        lines,
        /NOT promoted: v1 was refused by the production gate — rmse on \d+ rows of test-of-v1 \d+ \+/,
      );
      assert.match(lines, /rows by source — test-of-v1: \d+ rows, \d+ used, \d+ trained on by production/);
      assert.match(lines, /feedback: \d+ rows, \d+ used/);
      const ev = (await r.history({ stage: 'production' })).filter((e) => e.type === 'promote').at(-1)!;
      assert.equal(ev.decision, 'refused');
      assert.deepEqual(
        (ev.details as unknown as GateResult).rows.sources!.map((s) => [s.source, s.used]),
        back.rows!.sources!.map((s) => [s.source, s.used]),
      );

      // Without the feedback (feedbackLog: false) the held-out rows alone still refuse v1.
      const { evaluateGate } = await import('../../src/promotion/gate.js');
      const noFb = await evaluateGate({
        candidateDir: (await r.get(1)).run_path,
        candidateVersion: 1,
        incumbentDir: r.stageDir('production'),
        gate: { metric: 'rmse', min_improvement_abs: 0, min_improvement_rel: 0 },
        feedbackLog: false,
      });
      assert.equal(noFb.passed, false);
      assert.deepEqual(
        noFb.rows.sources!.map((s) => s.source),
        ['test-of-v1', 'test-of-v2'],
      );
    } finally {
      await r.close();
    }
  });

  it('refuses with a message naming --eval-data when no row can be scored by both', async () => {
    // Two models on disjoint columns: each rejects the other's rows, and there is no feedback.
    const cols = (keep: string[]) => {
      const idx = keep.map((k) => d.names.indexOf(k));
      const rows = d.lines
        .filter((_, i) => i % 40 === 0)
        .map((l) => idx.map((j) => l.split(',')[j]).join(','));
      return `${[keep.map((k) => JSON.stringify(k)).join(','), ...rows].join('\n')}\n`;
    };
    writeFileSync(join(dir, 'carat.csv'), cols(['carat', 'cut', TARGET]));
    writeFileSync(join(dir, 'xyz.csv'), cols(['x', 'y', 'z', TARGET]));
    const root = join(dir, 'models-disjoint');
    await train(root, join(dir, 'carat.csv'));
    // Other columns under one model name, on purpose: the dataset guard would refuse it otherwise.
    await train(root, join(dir, 'xyz.csv'), true);
    const r = await ModelRegistry.open(root);
    try {
      await assert.rejects(promote(r, 2, 'production'), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'gate_no_rows');
        assert.match(e.message, /No row can score v2 against v1 fairly/);
        assert.match(e.message, /test-of-v2: \d+ rows, 0 used, \d+ rejected or without a target/);
        assert.match(e.message, /no prediction log at .*predictions\.sqlite/);
        assert.match(e.message, /Pass --eval-data FILE/);
        return true;
      });
      assert.equal((await r.stageVersion('production'))!.version, 1);
    } finally {
      await r.close();
    }
  });
});
