import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MISSING_TOKENS, resolveCleanConfig } from '../../src/clean/index.js';
import { ConfigError } from '../../src/core/errors.js';

test('defaults', () => {
  assert.deepEqual(resolveCleanConfig(undefined), {
    drop_duplicates: true,
    drop_missing_target: true,
    trim_strings: true,
    missing_tokens: [...DEFAULT_MISSING_TOKENS],
    types: {},
    drop_columns: [],
  });
  for (const t of ['', 'NA', 'null', 'None', 'N/A']) assert.ok(DEFAULT_MISSING_TOKENS.includes(t), t);
});

test('every problem is reported at once, naming key, value and what is allowed', () => {
  try {
    resolveCleanConfig(
      {
        drop_duplicates: 'yes',
        types: { price: 'float', cut: 'categorical' },
        drop_columns: 'x',
        droplicates: true,
      },
      'cleaning',
    );
    assert.fail('expected ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i.message]));
    assert.deepEqual(Object.keys(byPath).sort(), [
      'cleaning.drop_columns',
      'cleaning.drop_duplicates',
      'cleaning.droplicates',
      'cleaning.types.price',
    ]);
    assert.match(byPath['cleaning.drop_duplicates'], /= "yes" is not allowed: expected true or false/);
    assert.match(
      byPath['cleaning.types.price'],
      /= "float" is not allowed: expected one of numeric, categorical, boolean, datetime/,
    );
    assert.match(byPath['cleaning.drop_columns'], /expected a list of strings/);
    assert.match(byPath['cleaning.droplicates'], /known: drop_duplicates, .*drop_columns/);
  }
});

test('a type for a dropped column is a conflict; the path prefix is configurable', () => {
  assert.throws(
    () => resolveCleanConfig({ types: { x: 'numeric' }, drop_columns: ['x'] }, 'data.clean'),
    (e: unknown) =>
      e instanceof ConfigError &&
      /data\.clean\.types\.x .* data\.clean\.drop_columns removes/.test(e.message),
  );
  assert.throws(() => resolveCleanConfig([1]), /cleaning must be a mapping/);
});
