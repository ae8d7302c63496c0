import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { DataLoader } from '../../src/data/loader.js';
import { InferencePipeline } from '../../src/inference/index.js';
import { exportLog, openLogForReading, PredictionLog } from '../../src/log/index.js';
import { MAX_UNKNOWN_FIELDS } from '../../src/log/log-schema.js';
import { createServer } from '../../src/serve/index.js';
import { trainRun } from '../inference/train-run.js';
import { concreteRecords } from '../serve/model-fixture.js';

/** The cells of one RFC 4180 line (quotes doubled inside quoted cells). */
function csvCells(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          s += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else s += line[i++];
      }
      out.push(s);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

describe('tabflow logs --export: the client writes the cells', () => {
  let dir: string;
  let logFile: string;
  let app: FastifyInstance;
  let log: PredictionLog;
  let features: string[];
  before(async () => {
    const run = await trainRun('concrete', ['ridge']);
    dir = run.root;
    const pipeline = InferencePipeline.load(run.runDir);
    features = pipeline.contract.features.map((f) => f.name);
    logFile = join(dir, 'predictions.sqlite');
    log = await PredictionLog.open(logFile);
    app = await createServer({ pipeline, log });
  });

  const post = async (body: unknown) => {
    const r = await app.inject({ method: 'POST', url: '/predict', payload: body as object });
    assert.equal(r.statusCode < 500, true, r.body);
    return r;
  };

  it('5,000 unknown fields in one request: 20 kept and one count, in the log and in the export', async () => {
    const [rec] = concreteRecords(1);
    const body: Record<string, unknown> = { ...rec };
    for (let i = 0; i < 5000; i++) body[`f${i}`] = i;
    assert.ok(JSON.stringify(body).length > 60_000);
    assert.equal((await post(body)).statusCode, 200);
    await log.flush();

    const db = new Database(logFile, { readonly: true });
    const row = db.prepare('SELECT features, warnings FROM predictions ORDER BY id DESC LIMIT 1').get() as {
      features: string;
      warnings: string;
    };
    await db.close();
    const stored = JSON.parse(row.features) as Record<string, unknown>;
    assert.equal(Object.keys(stored).length, features.length + MAX_UNKNOWN_FIELDS);
    const warnings = JSON.parse(row.warnings) as { code: string; field: string; omitted?: number }[];
    assert.equal(warnings.length, MAX_UNKNOWN_FIELDS + 1);
    assert.deepEqual(warnings.at(-1)?.omitted, 5000 - MAX_UNKNOWN_FIELDS);
    assert.ok(row.features.length + row.warnings.length < 5000, 'a few KB, not 68 KB + 400 KB');

    const out = join(dir, 'fields.csv');
    const rdb = await openLogForReading(logFile);
    await exportLog(rdb, out);
    rdb.close();
    const [header, line] = readFileSync(out, 'utf8').trim().split('\n');
    const names = csvCells(header);
    assert.ok(names.length < 40, `${names.length} columns`);
    for (const f of features) assert.ok(names.includes(f), f);
    assert.ok(!names.includes('f0') && !names.includes('f4999'));
    const cells = Object.fromEntries(csvCells(line).map((c, j) => [names[j], c]));
    const other = JSON.parse(cells.unknown_fields) as Record<string, number>;
    assert.deepEqual(
      Object.keys(other),
      Array.from({ length: MAX_UNKNOWN_FIELDS }, (_, i) => `f${i}`),
    );
    assert.equal(cells.unknown_fields_omitted, String(5000 - MAX_UNKNOWN_FIELDS));
  });

  it('cells that start like a formula are defused with a quote (OWASP); numbers are left alone', async () => {
    const [rec] = concreteRecords(1);
    const attack = {
      ...rec,
      cement: '=HYPERLINK("http://evil.example","click")',
      blast_furnace_slag: '+cmd|" /C calc"!A0',
      fly_ash: '-2+3',
      water: '@SUM(1+1)',
      superplasticizer: '\t=1+1',
      coarse_aggregate: '\r=1+1',
      fine_aggregate: '-12.5',
    };
    await post(attack);
    await log.flush();
    const out = join(dir, 'attack.csv');
    const rdb = await openLogForReading(logFile);
    await exportLog(rdb, out);
    rdb.close();
    const { frame } = await DataLoader.load(out, {
      allowEmptyColumns: true,
      types: Object.fromEntries(features.map((f) => [f, 'categorical' as const])),
    });
    const last = frame.nRows - 1;
    for (const k of [
      'cement',
      'blast_furnace_slag',
      'fly_ash',
      'water',
      'superplasticizer',
      'coarse_aggregate',
    ] as const) {
      assert.equal(frame.cell(k, last), `'${attack[k]}`, k);
    }
    assert.equal(frame.cell('fine_aggregate', last), '-12.5'); // a number sent as text
    // And in the raw text: no cell of the file starts with a formula character.
    const text = readFileSync(out, 'utf8');
    const lines = text.trim().split(/\n(?=\d+,)/);
    for (const l of lines.slice(1)) {
      for (const c of csvCells(l)) {
        if (/^-?\d/.test(c)) continue;
        assert.doesNotMatch(c, /^[=+\-@\t\r]/, `cell ${JSON.stringify(c)}`);
      }
    }
  });

  it('a row logged before the cap is capped in the export too', async () => {
    const db = new Database(logFile);
    const feats: Record<string, unknown> = { ...concreteRecords(1)[0] };
    const warnings: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      feats[`old${i}`] = i;
      warnings.push({ row: 0, field: `old${i}`, code: 'unexpected_field', message: 'ignored' });
    }
    db.prepare(
      `INSERT INTO predictions (ts, request_id, row, model_name, run_id, status, prediction, features, warnings)
       VALUES (?, 'legacy', 0, 'ridge', 'r0', 'ok', 1.5, ?, ?)`,
    ).run(Date.now(), JSON.stringify(feats), JSON.stringify(warnings));
    await db.close();
    const out = join(dir, 'legacy.csv');
    const rdb = await openLogForReading(logFile);
    await exportLog(rdb, out);
    rdb.close();
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    const names = csvCells(header);
    assert.ok(names.length < 40, `${names.length} columns`);
    const cells = Object.fromEntries(csvCells(rows.at(-1) as string).map((c, j) => [names[j], c]));
    assert.equal(cells.request_id, 'legacy');
    assert.equal(Object.keys(JSON.parse(cells.unknown_fields)).length, MAX_UNKNOWN_FIELDS);
    assert.equal(cells.unknown_fields_omitted, String(3000 - MAX_UNKNOWN_FIELDS));
    assert.equal((JSON.parse(cells.warnings) as unknown[]).length, MAX_UNKNOWN_FIELDS + 1);
  });
});
