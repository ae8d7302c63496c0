/**
 * Names a user types that end up in paths or queries: model names, aliases, stages and version
 * refs. Each is checked against a narrow pattern, so none can climb out of the models root
 * (`../x`, `/etc`, `a/b`, `a\b`) or collide with a stage folder.
 */
import type { CodeOf } from '../core/error-codes.js';
import { UsageError } from '../core/errors.js';
import { STAGES, type Stage } from '../store/registry-store.js';

export { STAGES, type Stage };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const VERSION_REF = /^[vV]?([1-9][0-9]{0,8})$/;

/** Whether `s` is a stage name. */
export function isStage(s: unknown): s is Stage {
  return typeof s === 'string' && (STAGES as readonly string[]).includes(s);
}

export function checkStage(s: unknown, what = 'stage'): Stage {
  if (isStage(s)) return s;
  throw new UsageError(
    'unknown_stage',
    `${what} ${JSON.stringify(s)} is not a stage; allowed: ${STAGES.join(', ')}`,
  );
}

function checkPattern(s: unknown, what: string, code: CodeOf<'UsageError'>): string {
  if (typeof s !== 'string' || !NAME.test(s) || s.includes('..')) {
    throw new UsageError(
      code,
      `${what} ${JSON.stringify(s)} is not allowed: use 1-64 letters, digits, '.', '_' or '-', ` +
        `starting with a letter or digit (no path separators, no '..')`,
    );
  }
  return s;
}

/** A registered model's name; `what` names where it came from (`--name`, `registry.name`). */
export function checkModelName(s: unknown, what = 'model name'): string {
  return checkPattern(s, what, 'bad_model_name');
}

const TAG_KEY = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_TAG_VALUE = 256;

/**
 * Registry tags: keys of 1-64 letters, digits, `.`, `_`, `-`; values strings of at most 256
 * characters without control characters. `what` names where they came from (`--tag`).
 */
export function checkTags(tags: Record<string, unknown>, what = 'tag'): Record<string, string> {
  for (const [k, v] of Object.entries(tags)) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    const badValue = typeof v !== 'string' || v.length > MAX_TAG_VALUE || /[\u0000-\u001f\u007f]/.test(v);
    if (!TAG_KEY.test(k) || badValue) {
      throw new UsageError(
        'bad_tag',
        `${what} ${JSON.stringify(k)} = ${JSON.stringify(v)} is not allowed: keys are 1-64 letters, digits, ` +
          `'.', '_' or '-'; values are strings of at most ${MAX_TAG_VALUE} characters without control characters`,
      );
    }
  }
  return { ...(tags as Record<string, string>) };
}

/** An alias: a name that is neither a stage nor shaped like a version (`7`, `v7`). */
export function checkAlias(s: unknown): string {
  const a = checkPattern(s, 'alias', 'bad_alias');
  if (isStage(a) || VERSION_REF.test(a)) {
    throw new UsageError(
      'bad_alias',
      `alias ${JSON.stringify(a)} is not allowed: it would be read as a ${isStage(a) ? 'stage' : 'version'}; ` +
        `choose a name such as champion or challenger`,
    );
  }
  return a;
}

export type ParsedRef =
  | { kind: 'version'; version: number }
  | { kind: 'stage'; stage: Stage }
  | { kind: 'alias'; alias: string };

/** A version ref as the CLI takes it: `7`, `v7`, a stage name or an alias. */
export function parseRef(ref: string | number): ParsedRef {
  if (typeof ref === 'number') {
    if (Number.isInteger(ref) && ref > 0) return { kind: 'version', version: ref };
    throw new UsageError('bad_ref', `version ${ref} is not allowed: versions are positive integers`);
  }
  const m = VERSION_REF.exec(String(ref));
  if (m) return { kind: 'version', version: Number(m[1]) };
  if (isStage(ref)) return { kind: 'stage', stage: ref };
  if (typeof ref !== 'string' || !NAME.test(ref) || ref.includes('..')) {
    throw new UsageError(
      'bad_ref',
      `version ref ${JSON.stringify(ref)} is not allowed: use a version (7 or v7), a stage ` +
        `(${STAGES.join(', ')}) or an alias (letters, digits, . _ -)`,
    );
  }
  return { kind: 'alias', alias: ref };
}
