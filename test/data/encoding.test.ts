/**
 * data.encoding: Latin-1 "München" is not garbled silently, UTF-16 is read by its BOM, the load
 * report says which encoding was used, and `tabflow predict` reads files the way training did.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { DataLoader, type LoadOptions } from '../../src/data/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

const CITIES = ['München', 'Köln', 'Zürich', 'Besançon'];
/** 120 rows: a city, a number and a target that depends on both. */
function table(decimal = '.', sep = ','): string {
  const rows = Array.from({ length: 120 }, (_, i) => {
    const x = (i % 17) + 0.25;
    const y = 3 * x + (i % 4) * 10;
    return [CITIES[i % 4], String(x).replace('.', decimal), String(y).replace('.', decimal)].join(sep);
  });
  return `city${sep}x${sep}y\n${rows.join('\n')}\n`;
}

function utf16(text: string, le: boolean): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  if (!le) body.swap16();
  return Buffer.concat([Buffer.from(le ? [0xff, 0xfe] : [0xfe, 0xff]), body]);
}

async function cities(path: string, opts: LoadOptions = {}) {
  const { frame, report } = await DataLoader.load(path, opts);
  const col = frame.get('city');
  assert.equal(col.type, 'categorical');
  return { values: col.type === 'categorical' ? [...col.dictionary].sort() : [], report };
}

const latin1 = tmp.write('latin1.csv', Buffer.from(table(), 'latin1'));

for (const csvEngine of ['tabflow', 'duckdb'] as const) {
  describe(`encodings (${csvEngine})`, () => {
    test('Latin-1 under auto: read as windows-1252, with a note naming what was found', async () => {
      const { values, report } = await cities(latin1, { csvEngine });
      assert.deepEqual(values, [...CITIES].sort());
      assert.equal(report.encoding, 'windows-1252');
      assert.match(report.encodingNote ?? '', /not valid UTF-8.*windows-1252.*data\.encoding/);
    });

    test('UTF-16 LE and BE by their BOM', async () => {
      for (const le of [true, false]) {
        const path = tmp.write(`u16-${le}-${csvEngine}.csv`, utf16(table(), le));
        const { values, report } = await cities(path, { csvEngine });
        assert.deepEqual(values, [...CITIES].sort());
        assert.equal(report.encoding, le ? 'utf-16le' : 'utf-16be');
      }
    });

    test('declared latin1 reads without a note; UTF-8 says utf-8', async () => {
      const declared = await cities(latin1, { csvEngine, encoding: 'latin1' });
      assert.deepEqual(declared.values, [...CITIES].sort());
      assert.equal(declared.report.encodingNote, undefined);
      const utf8 = await cities(tmp.write(`utf8-${csvEngine}.csv`, table()), { csvEngine });
      assert.deepEqual(utf8.values, [...CITIES].sort());
      assert.equal(utf8.report.encoding, 'utf-8');
      assert.equal(utf8.report.encodingNote, undefined);
    });
  });
}

describe('encoding errors and late evidence', () => {
  test('data.encoding utf-8 on a Latin-1 file fails naming the byte offset and the key', async () => {
    await assert.rejects(DataLoader.load(latin1, { encoding: 'utf-8' }), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.code, 'invalid_encoding');
      assert.match(e.message, /offset 10\b/); // "city,x,y\nM" is 10 bytes, then ü
      assert.match(e.message, /data\.encoding/);
      return true;
    });
  });

  test('a non-UTF-8 value past the first MiB still switches the whole file to windows-1252', async () => {
    const filler = Array.from({ length: 130_000 }, (_, i) => `Paris,${i % 9},${i % 5}`).join('\n');
    const path = tmp.write('late.csv', Buffer.from(`city,x,y\n${filler}\nMünchen,1,2\n`, 'latin1'));
    const { values, report } = await cities(path);
    assert.deepEqual(values, ['München', 'Paris']);
    assert.equal(report.encoding, 'windows-1252');
    assert.match(report.encodingNote ?? '', /column "city" \("München"\)/);
  });
});

describe('CLI: train reports the encoding, predict reads files as training did', () => {
  test('Latin-1 and a European CSV train and predict with the same levels and numbers', async () => {
    const eu = tmp.write('eu.csv', Buffer.from(table(',', ';'), 'latin1'));
    const config = tmp.write('eu.yaml', 'data:\n  decimal: ","\n');
    for (const [data, extra] of [
      [latin1, []],
      [eu, ['--config', config]],
    ] as const) {
      const out = tmp.path(`m-${data.length}-${extra.length}`);
      const train = await tabflowInProcess([
        'train',
        '--data',
        data,
        '--target',
        'y',
        '--models',
        'ridge',
        '--out',
        out,
        ...extra,
      ]);
      assert.equal(train.code, 0, train.stderr);
      assert.match(
        train.stdout + train.stderr,
        /120 rows × 3 columns \(csv, windows-1252\) — note: not valid UTF-8/,
      );
      const run = join(out, 'runs', readdirSync(join(out, 'runs')).filter((d) => !d.startsWith('.'))[0]);
      const meta = JSON.parse(readFileSync(join(run, 'metadata.json'), 'utf8'));
      assert.equal(meta.data.encoding, 'windows-1252');
      assert.equal(meta.data.decimal, extra.length ? ',' : '.');
      const preds = tmp.path(`p-${extra.length}.csv`);
      const predict = await tabflowInProcess(['predict', '--model', run, '--data', data, '--out', preds]);
      assert.equal(predict.code, 0, predict.stderr);
      // No row may be flagged: every city is a known level and every x a number.
      assert.doesNotMatch(predict.stdout + predict.stderr, /unknown_category|not a number|type_mismatch/);
      const lines = readFileSync(preds, 'utf8').trim().split('\n');
      assert.equal(lines.length, 121);
    }
  });
});
