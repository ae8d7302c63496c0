/**
 * Turning request bodies into records (plain objects, one per row) for the pipeline. Values must
 * be JSON scalars: a nested object or array is refused here, before it can reach code that
 * recurses over it (String(), JSON.stringify) and before it is logged.
 */
import type { Issue } from '../core/errors.js';
import { badRequest, RequestError } from './request-error.js';

/** One input row as sent: field name → scalar value. */
export type InputRecord = Record<string, unknown>;

/** What a prediction request asks for besides predictions. */
export interface PredictFlags {
  interval: boolean;
  explain: boolean;
}

const MAX_ISSUES = 100;

/** `/predict` bodies: a record, a list of records, or `{records: [...], interval?, explain?}`. */
export function predictBody(
  body: unknown,
  featureNames: ReadonlySet<string>,
): { records: InputRecord[]; flags: Partial<PredictFlags> } {
  if (body === undefined || body === null || body === '') {
    throw badRequest(
      'body',
      'empty_body',
      'The request body is empty; send a JSON record or a list of records',
    );
  }
  if (Array.isArray(body)) return { records: checkRecords(body, 'body'), flags: {} };
  if (typeof body !== 'object') {
    throw badRequest(
      'body',
      'wrong_type',
      `The body is a JSON ${typeof body}; expected a record or a list of records`,
    );
  }
  const obj = body as Record<string, unknown>;
  // An envelope, unless the model has a feature literally called "records".
  if (Object.hasOwn(obj, 'records') && !featureNames.has('records')) {
    const flags: Partial<PredictFlags> = {};
    for (const k of ['interval', 'explain'] as const) {
      if (obj[k] === undefined) continue;
      if (typeof obj[k] !== 'boolean') {
        throw badRequest(k, 'wrong_type', `"${k}" must be true or false, got ${describe(obj[k])}`);
      }
      flags[k] = obj[k] as boolean;
    }
    const extra = Object.keys(obj).filter((k) => !['records', 'interval', 'explain'].includes(k));
    if (extra.length) {
      throw badRequest(
        extra[0],
        'unexpected_field',
        `Unknown key(s) ${extra.map((k) => JSON.stringify(k)).join(', ')} next to "records"; ` +
          'allowed: records, interval, explain',
      );
    }
    if (!Array.isArray(obj.records)) {
      throw badRequest(
        'records',
        'wrong_type',
        `"records" must be a list of records, got ${describe(obj.records)}`,
      );
    }
    return { records: checkRecords(obj.records, 'records'), flags };
  }
  return { records: checkRecords([obj], 'body'), flags: {} };
}

/** Every item an object of scalars; collects up to MAX_ISSUES problems before refusing. */
export function checkRecords(items: unknown[], where: string): InputRecord[] {
  if (items.length === 0) throw badRequest(where, 'no_rows', `${where} holds no records; send at least one`);
  const issues: Issue[] = [];
  for (let i = 0; i < items.length && issues.length < MAX_ISSUES; i++) {
    const r = items[i];
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      issues.push({
        path: `${where}[${i}]`,
        code: 'not_a_record',
        message: `${where}[${i}] is ${describe(r)}; each record must be an object of feature values`,
      });
      continue;
    }
    for (const [k, v] of Object.entries(r)) {
      if (v !== null && typeof v === 'object') {
        issues.push({
          path: `${where}[${i}].${k}`,
          code: 'nested_value',
          message: `${where}[${i}].${k} is ${describe(v)}; feature values must be numbers, strings, booleans or null`,
        });
        if (issues.length >= MAX_ISSUES) break;
      }
    }
  }
  if (issues.length) throw new RequestError(issues);
  return items as InputRecord[];
}

/** `?interval=true&explain=1`: true/1/yes/'' and false/0/no; anything else is a 400. */
export function queryFlags(query: unknown): Partial<PredictFlags> {
  const q = (query ?? {}) as Record<string, unknown>;
  const flags: Partial<PredictFlags> = {};
  for (const k of ['interval', 'explain'] as const) {
    const v = q[k];
    if (v === undefined) continue;
    const s = typeof v === 'string' ? v.toLowerCase() : null;
    if (s === 'true' || s === '1' || s === 'yes' || s === '') flags[k] = true;
    else if (s === 'false' || s === '0' || s === 'no') flags[k] = false;
    else {
      throw badRequest(`query.${k}`, 'wrong_type', `?${k}= must be true or false, got ${describe(v)}`);
    }
  }
  return flags;
}

/** A value as messages name it: `the string "abc"`, `a list`, `number 7`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}
