/**
 * A target that is not numeric: the message names the keys that fix it, and each one does fix it
 * when a user sets it (the load check runs before cleaning, so it must know what cleaning will do).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { DataLoader } from '../../src/data/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

/** The first 200 rows of concrete.csv; every 20th target replaced by `mark(value)`. */
function concreteWith(mark: (v: string, i: number) => string, sep = ','): string {
  const lines = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n').slice(0, 201);
  return `${lines
    .map((line, i) => {
      const cells = line.split(',');
      if (i > 0) cells[cells.length - 1] = mark(cells[cells.length - 1], i);
      return cells.join(sep);
    })
    .join('\n')}\n`;
}

/** concrete as a European CSV: ';' between fields, ',' as the decimal mark. */
const europeanCsv = (): string => concreteWith((v) => v, ';').replaceAll('.', ',');

const TARGET = 'compressive_strength';
const withQuestionMarks = tmp.write(
  'q.csv',
  concreteWith((v, i) => (i % 20 === 0 ? '?' : v)),
);

async function loadError(path: string, target = TARGET): Promise<DataError> {
  try {
    await DataLoader.load(path, { target });
  } catch (e) {
    assert.ok(e instanceof DataError);
    return e;
  }
  assert.fail('expected a DataError');
}

async function train(data: string, config: string | null): Promise<{ code: number; out: string }> {
  const args = ['train', '--data', data, '--target', TARGET, '--models', 'ridge', '--out', tmp.path('m')];
  if (config !== null) args.push('--config', tmp.write(`c${Math.random()}.yaml`, config));
  const r = await tabflowInProcess(args);
  return { code: r.code, out: r.stdout + r.stderr };
}

describe('non-numeric target advice', () => {
  test('"?" in the target: names the stray values, their rows and the keys that work', async () => {
    const e = await loadError(withQuestionMarks);
    assert.equal(e.code, 'target_not_numeric');
    assert.match(e.message, /10 of 200 rows/);
    assert.match(e.message, /"\?"/);
    assert.match(e.message, /cleaning\.missing_tokens/);
    assert.match(e.message, new RegExp(`cleaning\\.types\\.${TARGET}: numeric`));
    assert.doesNotMatch(e.message, /declare types: \{/, 'names the real key, not a bare "types"');
  });

  test('a decimal comma in the target: advises data.decimal only', async () => {
    const path = tmp.write('eu.csv', europeanCsv());
    const e = await loadError(path);
    assert.match(e.message, /decimal comma/);
    assert.match(e.message, /data\.decimal: ","/);
    assert.doesNotMatch(e.message, /missing_tokens/);
  });

  test('a text target (no numbers at all) is told to choose another target', async () => {
    const e = await loadError(tmp.write('cut.csv', 'x,cut\n1,Ideal\n2,Premium\n'), 'cut');
    assert.match(e.message, /"Ideal", "Premium"/);
    assert.match(e.message, /Choose a numeric target/);
    assert.doesNotMatch(e.message, /missing_tokens|decimal/);
  });

  test('each suggested fix trains as the message says (CLI)', async () => {
    const before = await train(withQuestionMarks, null);
    assert.equal(before.code, 2, before.out);

    const tokens = await train(withQuestionMarks, 'cleaning:\n  missing_tokens: ["?", "", "NA"]\n');
    assert.equal(tokens.code, 0, tokens.out);
    assert.match(tokens.out, /10 missing target dropped/);

    const types = await train(withQuestionMarks, `cleaning:\n  types: {${TARGET}: numeric}\n`);
    assert.equal(types.code, 0, types.out);
    assert.match(types.out, /10 missing target dropped/);

    const eu = tmp.write('eu2.csv', europeanCsv());
    const decimal = await train(eu, 'data:\n  decimal: ","\n');
    assert.equal(decimal.code, 0, decimal.out);
    assert.match(decimal.out, /200 rows × 9 columns/);
  });
});
