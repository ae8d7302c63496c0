/**
 * The `members` parameter of the `ensemble` family: a comma-separated list of model kinds, each
 * optionally with parameters in parentheses, e.g. `ridge, gbdt(max_iter=100, learning_rate=0.05), knn`.
 * A value is read as a number, true / false / null, or else a string (quotes optional). Every
 * problem is reported at once, naming the member and the rule.
 */
import { ConfigError, type Issue } from '../../core/errors.js';
import { resolveParams } from '../../core/params.js';
import { getFamily, modelKinds } from '../families.js';

export interface MemberSpec {
  /** The spec text as written (trimmed): unique among the members; the member's name in the artifact. */
  readonly name: string;
  readonly kind: string;
  /** Params as written (validated against the family's table by `createModel`). */
  readonly params: Record<string, unknown>;
}

/** Parse and check `members` (every kind known and not composite, names unique, params valid). */
export function parseMemberSpecs(text: string, path = 'ensemble.params.members'): MemberSpec[] {
  const issues: Issue[] = [];
  const out: MemberSpec[] = [];
  const parts = splitTopLevel(text, path, issues);
  parts.forEach((raw, i) => {
    const p = `${path}[${i}]`;
    const spec = parseOne(raw, p, issues);
    if (!spec) return;
    if (!modelKinds().includes(spec.kind)) {
      issues.push({
        path: p,
        code: 'unknown_model',
        message: `${p} = "${spec.kind}" is not a known model; known: ${modelKinds().join(', ')}`,
      });
      return;
    }
    if (getFamily(spec.kind).composite) {
      issues.push({
        path: p,
        code: 'composite_member',
        message: `${p} = "${spec.kind}" combines other models and cannot be an ensemble member`,
      });
      return;
    }
    if (out.some((s) => s.name === spec.name)) {
      issues.push({ path: p, code: 'duplicate', message: `${p} = "${spec.name}" is listed twice` });
      return;
    }
    try {
      resolveParams(getFamily(spec.kind).params, spec.params, `${p}.params`);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      issues.push(...e.issues);
      return;
    }
    out.push(spec);
  });
  if (!issues.length && out.length === 0) {
    issues.push({ path, code: 'empty', message: `${path} is empty; list at least one model kind` });
  }
  if (issues.length) throw new ConfigError(issues);
  return out;
}

function splitTopLevel(text: string, path: string, issues: Issue[]): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
    if (depth < 0 || depth > 1) break;
  }
  if (depth !== 0) {
    issues.push({
      path,
      code: 'invalid_value',
      message: `${path} = ${JSON.stringify(text)} has unbalanced or nested parentheses; write kind(param=value, ...)`,
    });
    return [];
  }
  parts.push(text.slice(from));
  return parts.map((s) => s.trim()).filter((s) => s.length > 0);
}

const SPEC = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?$/s;

function parseOne(raw: string, path: string, issues: Issue[]): MemberSpec | null {
  const m = SPEC.exec(raw);
  if (!m) {
    issues.push({
      path,
      code: 'invalid_value',
      message: `${path} = ${JSON.stringify(raw)} is not a member spec; write kind or kind(param=value, ...)`,
    });
    return null;
  }
  const params: Record<string, unknown> = {};
  const body = m[2]?.trim() ?? '';
  for (const pair of body ? body.split(',') : []) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      issues.push({
        path,
        code: 'invalid_value',
        message: `${path}: ${JSON.stringify(pair.trim())} is not param=value`,
      });
      return null;
    }
    params[key] = parseValue(pair.slice(eq + 1).trim());
  }
  return { name: raw.replace(/\s+/g, ''), kind: m[1], params };
}

function parseValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  const q = v[0];
  if ((q === '"' || q === "'") && v.length >= 2 && v[v.length - 1] === q) return v.slice(1, -1);
  return v;
}
