/**
 * Reference profile ⇄ versioned JSON: `{kind: 'reference_profile', formatVersion: 1, params,
 * state}`, typed arrays as base64 (exact, ±∞ edges included), non-finite scalars spelled out.
 * The loader checks every field and reports all problems at once.
 */
import {
  checkEnvelope,
  decodeF64,
  decodeNumber,
  encodeF64,
  encodeNumber,
  type JsonNumber,
} from '../core/codec.js';
import { ArtifactError, ConfigError, type Issue } from '../core/errors.js';
import { resolveParams } from '../core/params.js';
import {
  type CategoricalProfile,
  type FeatureProfile,
  type NumericProfile,
  PROFILE_PARAMS,
  type ProfileParams,
  type ReferenceProfile,
} from './reference-profile.js';

/** The `kind` of profile.json. */
export const PROFILE_KIND = 'reference_profile';
/** The format version of profile.json; a newer one is refused when loading. */
export const PROFILE_FORMAT_VERSION = 1;

/** The JSON form (plain data; write it with core/codec's stringifyArtifact). */
export function serializeReferenceProfile(p: ReferenceProfile): Record<string, unknown> {
  return {
    kind: PROFILE_KIND,
    formatVersion: PROFILE_FORMAT_VERSION,
    params: { ...p.params },
    state: {
      nRows: p.nRows,
      features: p.features.map(encodeFeature),
      prediction: p.prediction ? encodeFeature(p.prediction) : null,
      target: p.target ? encodeFeature(p.target) : null,
    },
  };
}

function encodeFeature(f: FeatureProfile): Record<string, unknown> {
  if (f.type === 'categorical') {
    return { ...f, counts: encodeF64(f.counts), categories: [...f.categories] };
  }
  const num = (x: number): JsonNumber => encodeNumber(x);
  return {
    ...f,
    mean: num(f.mean),
    std: num(f.std),
    min: num(f.min),
    max: num(f.max),
    edges: encodeF64(f.edges),
    counts: encodeF64(f.counts),
    sketch: encodeF64(f.sketch),
  };
}

/** Parse and validate a stored profile; an ArtifactError lists every problem found. */
export function loadReferenceProfile(json: unknown): ReferenceProfile {
  const env = checkEnvelope(json, PROFILE_KIND, PROFILE_FORMAT_VERSION);
  let params: ProfileParams;
  try {
    params = resolveParams(PROFILE_PARAMS, env.params, 'reference_profile.params');
  } catch (e) {
    if (e instanceof ConfigError) throw invalid(e.issues);
    throw e;
  }
  const state = env.state as Record<string, unknown> | null;
  const issues: Issue[] = [];
  if (!state || typeof state !== 'object')
    throw invalid([{ path: 'state', code: 'missing', message: 'state is missing' }]);
  const nRows = state.nRows;
  if (typeof nRows !== 'number' || !Number.isInteger(nRows) || nRows < 0) {
    issues.push({
      path: 'state.nRows',
      code: 'invalid',
      message: `state.nRows = ${JSON.stringify(nRows)}: expected a count`,
    });
  }
  if (!Array.isArray(state.features)) {
    throw invalid([{ path: 'state.features', code: 'missing', message: 'state.features must be an array' }]);
  }
  const features: FeatureProfile[] = [];
  const seen = new Set<string>();
  state.features.forEach((f: unknown, i: number) => {
    const got = decodeFeature(f, `state.features[${i}]`, issues);
    if (!got) return;
    if (seen.has(got.name)) {
      issues.push({
        path: `state.features[${i}]`,
        code: 'duplicate',
        message: `feature "${got.name}" appears twice`,
      });
    }
    seen.add(got.name);
    features.push(got);
  });
  const optionalNumeric = (key: 'prediction' | 'target'): NumericProfile | null => {
    const v = state[key];
    if (v === null || v === undefined) return null;
    const f = decodeFeature(v, `state.${key}`, issues);
    if (f && f.type !== 'numeric') {
      issues.push({
        path: `state.${key}`,
        code: 'invalid',
        message: `state.${key} must be a numeric profile`,
      });
      return null;
    }
    return f;
  };
  const prediction = optionalNumeric('prediction');
  const target = optionalNumeric('target');
  if (issues.length) throw invalid(issues);
  return { params, nRows: nRows as number, features, prediction, target };
}

function invalid(issues: Issue[]): ArtifactError {
  return new ArtifactError(
    'invalid_profile',
    `Invalid reference profile (${issues.length} problem${issues.length > 1 ? 's' : ''}):\n` +
      issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n'),
  );
}

function decodeFeature(x: unknown, path: string, issues: Issue[]): FeatureProfile | null {
  const f = x as Record<string, unknown>;
  const bad = (field: string, message: string): null => {
    issues.push({ path: `${path}.${field}`, code: 'invalid', message });
    return null;
  };
  if (!f || typeof f !== 'object') return bad('', 'expected an object');
  if (typeof f.name !== 'string') return bad('name', 'expected a string');
  const count = (k: string): number => {
    const v = f[k];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
    bad(k, `${k} = ${JSON.stringify(v)}: expected a non-negative integer`);
    return 0;
  };
  try {
    if (f.type === 'categorical') {
      if (f.source !== 'categorical' && f.source !== 'boolean')
        return bad('source', 'expected categorical or boolean');
      const cats = f.categories;
      if (!Array.isArray(cats) || !cats.every((c) => typeof c === 'string'))
        return bad('categories', 'expected strings');
      const counts = decodeF64(f.counts, `${path}.counts`);
      if (counts.length !== cats.length)
        return bad('counts', `${counts.length} counts for ${cats.length} categories`);
      const p: CategoricalProfile = {
        type: 'categorical',
        name: f.name,
        source: f.source,
        n: count('n'),
        missing: count('missing'),
        categories: cats as string[],
        counts,
        other: count('other'),
      };
      const total = counts.reduce((s, c) => s + c, 0) + p.other + p.missing;
      if (total !== p.n) return bad('n', `n = ${p.n} but the counts add up to ${total}`);
      return p;
    }
    if (f.type === 'numeric') {
      if (f.source !== 'numeric' && f.source !== 'datetime')
        return bad('source', 'expected numeric or datetime');
      const edges = decodeF64(f.edges, `${path}.edges`);
      const counts = decodeF64(f.counts, `${path}.counts`);
      const sketch = decodeF64(f.sketch, `${path}.sketch`);
      if (edges.length !== counts.length + 1)
        return bad('edges', `${edges.length} edges for ${counts.length} bins`);
      if (edges[0] !== Number.NEGATIVE_INFINITY || edges[edges.length - 1] !== Number.POSITIVE_INFINITY) {
        return bad('edges', 'the outer edges must be -Infinity and +Infinity');
      }
      for (let i = 1; i < edges.length; i++)
        if (!(edges[i] > edges[i - 1])) return bad('edges', 'edges must increase');
      for (let i = 1; i < sketch.length; i++)
        if (!(sketch[i] >= sketch[i - 1])) return bad('sketch', 'must be sorted');
      const p: NumericProfile = {
        type: 'numeric',
        name: f.name,
        source: f.source,
        n: count('n'),
        missing: count('missing'),
        count: count('count'),
        mean: decodeNumber(f.mean, `${path}.mean`),
        std: decodeNumber(f.std, `${path}.std`),
        min: decodeNumber(f.min, `${path}.min`),
        max: decodeNumber(f.max, `${path}.max`),
        distinct: count('distinct'),
        edges,
        counts,
        sketch,
      };
      if (p.count + p.missing !== p.n)
        return bad('n', `n = ${p.n} but count + missing = ${p.count + p.missing}`);
      const binned = counts.reduce((s, c) => s + c, 0);
      if (binned !== p.count) return bad('counts', `bins hold ${binned} values but count = ${p.count}`);
      if (p.count > 0 && sketch.length === 0) return bad('sketch', 'empty although the feature has values');
      return p;
    }
    return bad('type', `type = ${JSON.stringify(f.type)}: expected "numeric" or "categorical"`);
  } catch (e) {
    return bad('', e instanceof Error ? e.message : String(e));
  }
}
