import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createWriter, outputFormat } from '../../src/inference/prediction-writer.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tabflow-writer-'));

describe('prediction writers', () => {
  it('json: one array over several chunks; NaN and null become null', async () => {
    const dir = tmp();
    const w = createWriter(join(dir, 'p.json'), ['id', 'prediction']);
    w.write(
      [
        ['a', 'b'],
        [1.5, Number.NaN],
      ],
      2,
    );
    w.write([[], []], 0);
    w.write([['c,"d"'], [null]], 1);
    assert.ok(!existsSync(join(dir, 'p.json')), 'nothing at the target before finish');
    await w.finish();
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')), [
      { id: 'a', prediction: 1.5 },
      { id: 'b', prediction: null },
      { id: 'c,"d"', prediction: null },
    ]);
    assert.deepEqual(readdirSync(dir), ['p.json']);
  });

  it('csv: quotes text that needs it, empty cells for missing values; empty json is []', async () => {
    const dir = tmp();
    const w = createWriter(join(dir, 'p.csv'), ['id', 'prediction']);
    w.write(
      [
        ['x,y', 'q"uote'],
        [Number.NaN, 2],
      ],
      2,
    );
    await w.finish();
    assert.equal(readFileSync(join(dir, 'p.csv'), 'utf8'), 'id,prediction\n"x,y",\n"q""uote",2\n');
    const e = createWriter(join(dir, 'e.json'), ['id']);
    await e.finish();
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'e.json'), 'utf8')), []);
  });

  it('abort leaves no file behind; unknown extensions are refused by name', () => {
    const dir = tmp();
    const w = createWriter(join(dir, 'p.ndjson'), ['id']);
    w.write([[1]], 1);
    w.abort();
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(outputFormat('a.JSONL'), 'ndjson');
    assert.throws(() => outputFormat('p.xlsx'), /--out p\.xlsx: cannot write "xlsx" files; use \.csv/);
  });
});
