import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { frameFromRecords } from '../../src/data/from-records.js';
import { InferencePipeline, type PredictionResult } from '../../src/inference/index.js';
import { trainFile } from './train-run.js';

const codes = (r: PredictionResult) => [...r.errors, ...r.warnings].map((i) => `${i.field}:${i.code}`);

/** Deliveries: a date, a boolean flag, a numeric size with gaps, a categorical region. */
function writeData(path: string): void {
  const rng = new Rng(11);
  const lines = ['shipped,express,size,region,days'];
  for (let i = 0; i < 400; i++) {
    const day = new Date(Date.UTC(2024, 0, 1 + Math.floor(rng.next() * 300)));
    const express = rng.next() < 0.4;
    const size = rng.next() < 0.1 ? '' : (1 + rng.next() * 9).toFixed(2);
    const region = ['north', 'south', 'east'][i % 3];
    const days =
      (express ? 1 : 4) + (size ? Number(size) / 3 : 1) + (region === 'north' ? 2 : 0) + rng.normal() * 0.3;
    lines.push(`${day.toISOString().slice(0, 10)},${express},${size},${region},${days.toFixed(3)}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('datetime, boolean and nullable features', () => {
  let p: InferencePipeline;
  const ROW = { shipped: '2024-05-01', express: true, size: 3.5, region: 'south' };
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-types-'));
    writeData(join(dir, 'deliveries.csv'));
    const run = await trainFile(join(dir, 'deliveries.csv'), 'days', ['ridge']);
    p = InferencePipeline.load(run.runDir);
  });

  it('records the train types and nullability in the contract', () => {
    const t = Object.fromEntries(p.contract.features.map((f) => [f.name, [f.type, f.nullable]]));
    assert.deepEqual(t, {
      shipped: ['datetime', false],
      express: ['boolean', false],
      size: ['numeric', true],
      region: ['categorical', false],
    });
  });

  it('accepts the readable spellings of each type and predicts them identically', () => {
    const res = p.predict([
      ROW,
      { ...ROW, express: 'yes', size: '3.5' },
      { ...ROW, express: 1, shipped: '2024-05-01T00:00:00Z' },
      { ...ROW, shipped: new Date('2024-05-01') },
    ]);
    for (const r of res) {
      assert.deepEqual(codes(r), []);
      assert.equal(r.prediction, res[0].prediction);
    }
  });

  it('rejects unreadable dates and booleans; nulls are fine where train had them', () => {
    const res = p.predict([
      { ...ROW, shipped: '01/05/2024' },
      { ...ROW, shipped: 1714521600000 },
      { ...ROW, express: 'maybe' },
      { ...ROW, express: 2 },
      { ...ROW, size: null },
      { ...ROW, shipped: '2031-01-01' },
    ]);
    assert.deepEqual(res.map(codes), [
      ['shipped:wrong_type'],
      ['shipped:wrong_type'],
      ['express:wrong_type'],
      ['express:wrong_type'],
      [],
      ['shipped:out_of_range'],
    ]);
    assert.deepEqual(
      res.map((r) => r.status),
      ['rejected', 'rejected', 'rejected', 'rejected', 'ok', 'ok'],
    );
    assert.match(res[5].warnings[0].message, /2031-01-01T00:00:00.000Z is above the train maximum 2024-/);
  });

  it('frames: date and boolean columns read as text are parsed per value, bad cells reported per row', () => {
    const f = frameFromRecords([
      { shipped: '2024-05-01', express: 'true', size: '3.5', region: 'south' },
      { shipped: 'soon', express: 'false', size: '2', region: 'north' },
      { shipped: '2024-06-01', express: 'sometimes', size: 'big', region: 'west' },
    ]);
    const b = p.predictFrame(f);
    assert.deepEqual(b.issues.map((i) => `${i.row}:${i.field}:${i.code}`).sort(), [
      '1:shipped:wrong_type',
      '2:express:wrong_type',
      '2:region:unknown_category',
      '2:size:wrong_type',
    ]);
    assert.deepEqual([...b.rejected], [0, 1, 1]);
    assert.equal(b.prediction[0], p.predict([ROW])[0].prediction);
  });
});
