/**
 * Candidates: which models a run trains. Config accepts a list of names (`[ridge, gbdt]`) or of
 * mappings (`{name: ridge_strong, model: ridge, params: {alpha: 10}}`); by default every
 * registered family with its default parameters.
 */
import { ConfigError, type Issue } from '../core/errors.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';
import { getFamily, modelKinds, tunableKinds } from '../models/families.js';

export const TUNING_PARAMS = {
  trials: {
    type: 'number',
    default: 20,
    integer: true,
    min: 1,
    doc: 'parameter sets tried (the first is the given params)',
  },
  time_budget_s: {
    type: 'number?',
    default: null,
    min: 0,
    doc: 'stop starting new trials after this many seconds',
  },
} as const satisfies ParamTable;
export type TuningSpec = ParamsOf<typeof TUNING_PARAMS>;

/** One candidate a run trains: a unique name, its family and resolved params, and optional tuning. */
export interface CandidateSpec {
  /** Unique name in results.json and the leaderboard. */
  readonly name: string;
  /** Model family kind. */
  readonly model: string;
  /** Fully resolved params (defaults filled in). */
  readonly params: Record<string, unknown>;
  /** Random search on VAL around `params` (seeded), when set. */
  readonly tuning?: TuningSpec;
}

/** Families a run can train as candidates (composite ones are built from the candidates). */
export function candidateKinds(): string[] {
  return modelKinds().filter((k) => !getFamily(k).composite);
}

function compositeIssue(path: string, kind: string): Issue {
  return {
    path,
    code: 'composite_model',
    message:
      `${path}: "${kind}" is not a candidate you list: the run builds it from the other candidates ` +
      '(selection.ensemble: true, the default; false turns it off)',
  };
}

/**
 * Every registered (non-composite) family with its default params: the candidates of a config
 * without `models`.
 */
export function defaultCandidates(): CandidateSpec[] {
  return modelKinds()
    .filter((k) => !getFamily(k).composite)
    .map((k) => ({ name: k, model: k, params: resolveParams(getFamily(k).params, {}) }));
}

/**
 * Resolve the `models` section (names or mappings) into candidate specs; duplicate names, unknown
 * families and bad params are reported in one ConfigError.
 */
export function resolveCandidates(raw: unknown, path = 'models'): CandidateSpec[] {
  if (raw === undefined || raw === null) return defaultCandidates();
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError([
      {
        path,
        code: 'invalid_type',
        message: `${path} must be a non-empty list of model names or {name, model, params} mappings; got ${JSON.stringify(raw)}`,
      },
    ]);
  }
  const issues: Issue[] = [];
  const out: CandidateSpec[] = [];
  const seen = new Set<string>();
  raw.forEach((entry, i) => {
    const p = `${path}[${i}]`;
    const spec = typeof entry === 'string' ? { name: entry, model: entry } : entry;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
      issues.push({
        path: p,
        code: 'invalid_type',
        message: `${p} must be a model name or a mapping; got ${JSON.stringify(entry)}`,
      });
      return;
    }
    const { name, model, params, tuning, ...rest } = spec as Record<string, unknown>;
    for (const k of Object.keys(rest)) {
      issues.push({
        path: `${p}.${k}`,
        code: 'unknown_key',
        message: `${p}.${k} is not allowed; a candidate has name, model, params, tuning`,
      });
    }
    const kind = typeof model === 'string' ? model : typeof name === 'string' ? name : '';
    const label = typeof name === 'string' ? name : kind;
    if (!modelKinds().includes(kind)) {
      issues.push({
        path: `${p}.model`,
        code: 'unknown_model',
        message: `${p}.model = ${JSON.stringify(model ?? name)} is not a known model; known: ${candidateKinds().join(', ')}`,
      });
      return;
    }
    if (getFamily(kind).composite) {
      issues.push(compositeIssue(`${p}.model`, kind));
      return;
    }
    if (seen.has(label)) {
      issues.push({
        path: `${p}.name`,
        code: 'duplicate',
        message: `${p}.name = "${label}" is used twice; names must be unique`,
      });
      return;
    }
    seen.add(label);
    try {
      const resolved = resolveParams(getFamily(kind).params, params, `${p}.params`);
      if (tuning === undefined || tuning === null) {
        out.push({ name: label, model: kind, params: resolved });
      } else if (!getFamily(kind).searchSpace) {
        issues.push({
          path: `${p}.tuning`,
          code: 'not_tunable',
          message: `${p}.tuning: model "${kind}" has no search space; tunable: ${tunableKinds().join(', ')}`,
        });
      } else {
        out.push({
          name: label,
          model: kind,
          params: resolved,
          tuning: resolveParams(TUNING_PARAMS, tuning, `${p}.tuning`),
        });
      }
    } catch (e) {
      if (e instanceof ConfigError) issues.push(...e.issues);
      else throw e;
    }
  });
  if (issues.length) throw new ConfigError(issues);
  return out;
}

/** `--models a,b,c` from the command line: keep only those (config entries by name, else families). */
export function filterCandidates(all: CandidateSpec[], names: string[]): CandidateSpec[] {
  const out: CandidateSpec[] = [];
  const issues: Issue[] = [];
  for (const n of names) {
    const hit = all.find((c) => c.name === n);
    if (hit) out.push(hit);
    else if (modelKinds().includes(n) && getFamily(n).composite) issues.push(compositeIssue('--models', n));
    else if (modelKinds().includes(n))
      out.push({ name: n, model: n, params: resolveParams(getFamily(n).params, {}) });
    else
      issues.push({
        path: '--models',
        code: 'unknown_model',
        message: `--models: "${n}" is neither a configured candidate nor a known model; known: ${candidateKinds().join(', ')}`,
      });
  }
  if (issues.length) throw new ConfigError(issues);
  return out;
}
