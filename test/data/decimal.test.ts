/** data.decimal ',': European CSVs (';' between fields, ',' as the decimal mark) read as numbers. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DataLoader } from '../../src/data/index.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

const EU =
  'Preis (€, brutto);Gewicht (kg, netto);Stadt\n79,99;1.234,5;Köln\n-0,5;2;Berlin\n1.000;"3,25";Bonn\n';

for (const csvEngine of ['tabflow', 'duckdb'] as const) {
  describe(`decimal comma (${csvEngine})`, () => {
    test('";" is detected even when the header has more commas than semicolons', async () => {
      const { frame } = await DataLoader.load(tmp.write('eu.csv', EU), { decimal: ',', csvEngine });
      assert.deepEqual(frame.names, ['Preis (€, brutto)', 'Gewicht (kg, netto)', 'Stadt']);
      assert.equal(frame.typeOf('Preis (€, brutto)'), 'numeric');
      assert.deepEqual(
        frame.toRecords().map((r) => [r['Preis (€, brutto)'], r['Gewicht (kg, netto)']]),
        [
          [79.99, 1234.5],
          [-0.5, 2],
          [1000, 3.25],
        ],
      );
    });
  });
}

describe('decimal comma rules', () => {
  test('a "." outside groups of three digits is text, not a number', async () => {
    const path = tmp.write('dots.csv', 'a;b\n1,5;1.5\n2;2\n');
    const { frame } = await DataLoader.load(path, { decimal: ',' });
    assert.equal(frame.typeOf('a'), 'numeric');
    assert.equal(frame.typeOf('b'), 'categorical');
  });

  test('numbers further down the file (after the first batch) parse the same way', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},25;${i % 7}`).join('\n');
    const { frame } = await DataLoader.load(tmp.write('long.csv', `x;k\n${rows}\n`), { decimal: ',' });
    const x = frame.get('x');
    assert.equal(x.type, 'numeric');
    if (x.type === 'numeric') assert.equal(x.values[4321], 4321.25);
  });

  test('with "," as the delimiter, quoted decimal-comma numbers still read', async () => {
    const path = tmp.write('comma.csv', 'a,b\n"1,5",x\n"2,25",y\n');
    const { frame } = await DataLoader.load(path, { decimal: ',' });
    assert.deepEqual(frame.toRecords(), [
      { a: 1.5, b: 'x' },
      { a: 2.25, b: 'y' },
    ]);
  });

  test('by default "79,99" stays text (nothing is guessed)', async () => {
    const { frame } = await DataLoader.load(tmp.write('dflt.csv', 'a;b\n79,99;1\n1,5;2\n'));
    assert.equal(frame.typeOf('a'), 'categorical');
  });
});
