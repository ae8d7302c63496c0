/**
 * Names a user types that end up in paths or queries: model names, aliases, stages and version
 * refs. Each is checked against a narrow pattern, so none can climb out of the models root
 * (`../x`, `/etc`, `a/b`, `a\b`) or collide with a stage folder.
 */
import { UsageError } from '../core/errors.js';

export const STAGES = ['dev', 'staging', 'production'] as const;
export type Stage = (typeof STAGES)[number];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const VERSION_REF = /^[vV]?([1-9][0-9]{0,8})$/;

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

function checkPattern(s: unknown, what: string): string {
  if (typeof s !== 'string' || !NAME.test(s) || s.includes('..')) {
    throw new UsageError(
      `bad_${what.replace(/\s+/g, '_')}`,
      `${what} ${JSON.stringify(s)} is not allowed: use 1-64 letters, digits, '.', '_' or '-', ` +
        `starting with a letter or digit (no path separators, no '..')`,
    );
  }
  return s;
}

/** A registered model's name. */
export function checkModelName(s: unknown): string {
  return checkPattern(s, 'model name');
}

/** An alias: a name that is neither a stage nor shaped like a version (`7`, `v7`). */
export function checkAlias(s: unknown): string {
  const a = checkPattern(s, 'alias');
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
