/**
 * Another dataset under one model name (concrete trained into a folder of diamonds models) is
 * refused before anything is fitted, naming what differs and the way out; --allow-data-change
 * registers it on purpose; `models list` shows each version's target and data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tabflowInProcess as tabflow } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { CONCRETE, TARGET } from './fixture.js';

/** The first `n` rows of a bundled file, optionally without one column. */
function slice(dir: string, file: string, n: number, drop?: string): string {
  const lines = readFileSync(join(DATA_DIR, file), 'utf8')
    .trim()
    .split('\n')
    .slice(0, n + 1);
  const cells = lines.map((l) => l.split(','));
  const k = drop ? cells[0].findIndex((c) => c.replace(/"/g, '') === drop) : -1;
  const out = join(dir, `${drop ? `no-${drop}-` : ''}${file}`);
  writeFileSync(out, `${cells.map((c) => c.filter((_, j) => j !== k).join(',')).join('\n')}\n`);
  return out;
}

describe('one model name, one dataset', () => {
  it('another target or other columns: exit 2 before fitting; --allow-data-change registers; list shows target and data', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tabflow-dataset-'));
    const first = await tabflow(['train', '--data', CONCRETE, '--target', TARGET, '--models', 'ridge'], cwd);
    assert.equal(first.code, 0, first.stderr);
    const diamonds = slice(cwd, 'diamonds.csv', 400);
    const other = ['train', '--data', diamonds, '--target', 'price', '--models', 'ridge'];
    const noAge = slice(cwd, 'concrete.csv', 1030, 'age');
    const refused = await tabflow(other, cwd);
    const fewer = await tabflow(['train', '--data', noAge, '--target', TARGET, '--models', 'ridge'], cwd);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /holds model "default" v1, trained on concrete\.csv \(1,030 rows\) to predict "compressive_strength" from 8 columns; this run \(diamonds\.csv, 400 rows\) differs: the target is "price", v1 predicts "compressive_strength"; new columns "carat", "cut", .*; missing columns "cement", /,
    );
    assert.match(
      refused.stderr,
      /Nothing was trained.*--name <other> \(registry\.name\).*--allow-data-change \(registry\.allow_data_change: true\)/,
    );
    assert.doesNotMatch(refused.stderr, /\n\s+at .+:\d+:\d+/);
    assert.equal(fewer.code, 2, fewer.stderr);
    assert.match(
      fewer.stderr,
      /this run \(no-age-concrete\.csv, [\d,]+ rows\) differs: missing columns "age"\./,
    );
    assert.equal(readdirSync(join(cwd, 'models', 'runs')).length, 1, 'nothing saved');

    const allowed = await tabflow([...other, '--allow-data-change'], cwd);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /registered default v2/);
    const list = await tabflow(['models', 'list'], cwd);
    const json = await tabflow(['models', 'list', '--json'], cwd);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /│ v1 .*│ compressive_strength │ concrete\.csv \(1,030 rows\) │/);
    assert.match(list.stdout, /│ v2 .*│ price +│ diamonds\.csv \(400 rows\) +│/);
    const v = JSON.parse(json.stdout) as {
      target: string;
      data_file: string;
      data_rows: number;
      features: string[];
    }[];
    assert.deepEqual(
      v.map((x) => [x.target, x.data_file, x.data_rows, x.features.length]),
      [
        [TARGET, 'concrete.csv', 1030, 8],
        ['price', 'diamonds.csv', 400, 9],
      ],
    );
  });
});
