/**
 * Candidates: which models a run trains. Config accepts a list of names (`[ridge, gbdt]`) or of
 * mappings (`{name: ridge_strong, model: ridge, params: {alpha: 10}}`); by default every
 * registered family with its default parameters.
 */
import { ConfigError, type Issue } from '../core/errors.js';
import { resolveParams } from '../core/params.js';
import { getFamily, modelKinds } from '../models/registry.js';

export interface CandidateSpec {
  /** Unique name in results.json and the leaderboard. */
  readonly name: string;
  /** Model family kind. */
  readonly model: string;
  /** Fully resolved params (defaults filled in). */
  readonly params: Record<string, unknown>;
}

export function defaultCandidates(): CandidateSpec[] {
  return modelKinds().map((k) => ({ name: k, model: k, params: resolveParams(getFamily(k).params, {}) }));
}

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
      issues.push({ path: p, code: 'invalid_type', message: `${p} must be a model name or a mapping; got ${JSON.stringify(entry)}` });
      return;
    }
    const { name, model, params, ...rest } = spec as Record<string, unknown>;
    for (const k of Object.keys(rest)) {
      issues.push({ path: `${p}.${k}`, code: 'unknown_key', message: `${p}.${k} is not allowed; a candidate has name, model, params` });
    }
    const kind = typeof model === 'string' ? model : typeof name === 'string' ? name : '';
    const label = typeof name === 'string' ? name : kind;
    if (!modelKinds().includes(kind)) {
      issues.push({
        path: `${p}.model`,
        code: 'unknown_model',
        message: `${p}.model = ${JSON.stringify(model ?? name)} is not a known model; known: ${modelKinds().join(', ')}`,
      });
      return;
    }
    if (seen.has(label)) {
      issues.push({ path: `${p}.name`, code: 'duplicate', message: `${p}.name = "${label}" is used twice; names must be unique` });
      return;
    }
    seen.add(label);
    try {
      out.push({ name: label, model: kind, params: resolveParams(getFamily(kind).params, params, `${p}.params`) });
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
    else if (modelKinds().includes(n)) out.push({ name: n, model: n, params: resolveParams(getFamily(n).params, {}) });
    else
      issues.push({
        path: '--models',
        code: 'unknown_model',
        message: `--models: "${n}" is neither a configured candidate nor a known model; known: ${modelKinds().join(', ')}`,
      });
  }
  if (issues.length) throw new ConfigError(issues);
  return out;
}
