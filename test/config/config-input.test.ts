/**
 * The typed config input (src/config/config-input.ts) comes from the same tables as the run-time
 * check and the `tabflow init` template: these tests keep the three in step. The compile-time half
 * is config-input.type-test.ts (typos must fail tsc).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CANDIDATE_PARAMS, SECTION_PARAMS } from '../../src/config/config-input.js';
import {
  ConfigError,
  configTemplate,
  getFamily,
  resolveConfig,
  resolveConfigUnknown,
} from '../../src/index.js';
import { candidateKinds } from '../../src/train/candidates.js';

/** The sections resolveConfig accepts, as its unknown-section message lists them. */
function runtimeSections(): string[] {
  try {
    resolveConfigUnknown({ no_such_section: 1 });
  } catch (e) {
    const m = /sections: (.*)$/.exec((e as ConfigError).issues[0].message);
    if (m) return m[1].split(', ');
  }
  throw new Error('no unknown-section issue');
}

describe('typed config input', () => {
  it('has one parameter table per trainable model family: the very tables the families validate with', () => {
    assert.deepEqual(Object.keys(CANDIDATE_PARAMS).sort(), candidateKinds().sort());
    for (const [kind, table] of Object.entries(CANDIDATE_PARAMS)) {
      assert.equal(table, getFamily(kind).params, kind);
    }
  });

  it('types every section the run-time check accepts, and no other', () => {
    const typed = [...Object.keys(SECTION_PARAMS), 'models', 'environment'].sort();
    assert.deepEqual(typed, runtimeSections().sort());
  });

  it('the tabflow init template shows every typed section and key, and every family', () => {
    const t = configTemplate();
    for (const [section, table] of Object.entries(SECTION_PARAMS)) {
      assert.match(t, new RegExp(`^${section}:$`, 'm'), section);
      for (const key of Object.keys(table))
        assert.match(t, new RegExp(`^  ${key}: `, 'm'), `${section}.${key}`);
    }
    for (const kind of Object.keys(CANDIDATE_PARAMS)) assert.match(t, new RegExp(`^#   - ${kind}$`, 'm'));
  });

  it('the same typos are refused at run time, every one reported (for JavaScript callers and files)', () => {
    const raw = JSON.parse('{"data": {"targt": "price"}, "models": ["ridgee"]}') as unknown;
    for (const call of [() => resolveConfigUnknown(raw), () => resolveConfig(raw as never)]) {
      assert.throws(call, (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(
          e.issues.map((i) => [i.path, i.code]),
          [
            ['data.targt', 'unknown_key'],
            ['models[0].model', 'unknown_model'],
          ],
        );
        return true;
      });
    }
  });

  it('a typed config resolves to the defaults it leaves out', () => {
    const cfg = resolveConfig({
      data: { target: 'price' },
      models: [{ model: 'ridge', params: { alpha: 3 } }],
    });
    assert.equal(cfg.data.target, 'price');
    assert.deepEqual(cfg.models, [{ name: 'ridge', model: 'ridge', params: { alpha: 3 } }]);
    assert.equal(cfg.output.dir, 'models');
  });
});
