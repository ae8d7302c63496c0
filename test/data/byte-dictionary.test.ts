import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { ByteDictionary } from '../../src/data/byte-dictionary.js';

describe('ByteDictionary', () => {
  test('codes match a Map over 50,000 random short, long, empty, NUL-padded and non-ASCII values', () => {
    const rng = new Rng(3);
    const pool: string[] = ['', 'a', 'a\0', '\0a', 'ab', 'abcdefgh', 'abcdefghi', 'ünï', 'x'.repeat(40)];
    for (let i = 0; i < 3000; i++) {
      const len = rng.int(20);
      let s = '';
      for (let k = 0; k < len; k++) s += String.fromCharCode(97 + rng.int(4));
      pool.push(s);
    }
    const dict = new ByteDictionary();
    const ref = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const s = pool[rng.int(pool.length)];
      const bytes = new Uint8Array(Buffer.from(`##${s}##`, 'utf8'));
      const code = dict.code(bytes, 2, bytes.length - 2);
      let expected = ref.get(s);
      if (expected === undefined) {
        expected = ref.size;
        ref.set(s, expected);
      }
      assert.equal(code, expected, JSON.stringify(s));
    }
    assert.deepEqual(dict.values, [...ref.keys()]);
  });
});
