/**
 * JSON records → a Frame in the contract's types. Each record is checked field by field first
 * (absent features, values of the wrong JS type, extra fields), so that one bad cell is reported
 * for its own row and never fails the batch; the cleaned records are then built into a frame by
 * `frameFromRecords` with the contract's declared types (no per-request type inference).
 */

import type { ColumnType, Frame } from '../data/frame.js';
import { frameFromRecords } from '../data/from-records.js';
import { parseBooleanLoose, parseDatetime, parseNumber } from '../data/infer.js';
import type { DataContract } from './contract.js';
import type { IssueSink } from './issues.js';

export interface RecordsFrame {
  frame: Frame;
  /** Per contract feature: cells already reported (absent / wrong type), now null. */
  flagged: Uint8Array[];
}

export function recordsToFrame(
  records: readonly unknown[],
  contract: DataContract,
  sink: IssueSink,
  opts: { trimStrings: boolean; missingTokens: ReadonlySet<string>; ignore?: readonly string[] },
): RecordsFrame {
  const feats = contract.features;
  const n = records.length;
  const flagged = feats.map(() => new Uint8Array(n));
  const known = new Set([...feats.map((f) => f.name), ...contract.ignored, ...(opts.ignore ?? [])]);
  const clean: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const out: Record<string, unknown> = {};
    clean[i] = out;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      const what = r === null ? 'null' : Array.isArray(r) ? 'an array' : typeof r;
      for (let k = 0; k < feats.length; k++) {
        out[feats[k].name] = null;
        flagged[k][i] = 1;
      }
      sink.add(i, '(record)', 'wrong_type', `record ${i} is ${what}; expected an object of feature values`);
      continue;
    }
    const rec = r as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      if (!known.has(key))
        sink.add(i, key, 'unexpected_field', `field "${key}" is not a model feature and is ignored`);
    }
    for (let k = 0; k < feats.length; k++) {
      const f = feats[k];
      if (!Object.hasOwn(rec, f.name)) {
        out[f.name] = null;
        flagged[k][i] = 1;
        sink.add(i, f.name, 'missing_feature', `required feature "${f.name}" (${f.type}) is absent`);
        continue;
      }
      const v = readCell(rec[f.name], f.type, opts);
      if (v.ok) out[f.name] = v.value;
      else {
        out[f.name] = null;
        flagged[k][i] = 1;
        sink.add(i, f.name, 'wrong_type', `"${f.name}" must be ${v.expected}; got ${v.got}`);
      }
    }
  }
  const types: Record<string, ColumnType> = {};
  for (const f of feats) types[f.name] = f.type;
  const frame = frameFromRecords(clean, types, { missingTokens: [...opts.missingTokens], source: 'request' });
  return { frame, flagged };
}

type Cell = { ok: true; value: unknown } | { ok: false; expected: string; got: string };

/** One value, accepted as `type` exactly when frameFromRecords' declared-type parse accepts it. */
function readCell(
  v: unknown,
  type: ColumnType,
  opts: { trimStrings: boolean; missingTokens: ReadonlySet<string> },
): Cell {
  if (v === null || v === undefined) return { ok: true, value: null };
  if (typeof v === 'number' && Number.isNaN(v)) return { ok: true, value: null };
  let s: string;
  if (typeof v === 'string') {
    s = opts.trimStrings ? v.trim() : v;
    if (opts.missingTokens.has(s)) return { ok: true, value: null };
  } else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else if (v instanceof Date && !Number.isNaN(v.getTime())) s = v.toISOString();
  else return fail(type, v);
  switch (type) {
    case 'numeric': {
      if (typeof v === 'boolean') return fail(type, v);
      const x = parseNumber(s);
      return Number.isFinite(x) ? { ok: true, value: s } : fail(type, v);
    }
    case 'boolean':
      return parseBooleanLoose(s) >= 0 ? { ok: true, value: s } : fail(type, v);
    case 'datetime':
      return typeof v !== 'number' && !Number.isNaN(parseDatetime(s))
        ? { ok: true, value: s }
        : fail(type, v);
    case 'categorical':
      return { ok: true, value: s };
  }
}

const EXPECTED: Record<ColumnType, string> = {
  numeric: 'a finite number',
  categorical: 'a category (text)',
  boolean: 'true or false',
  datetime: 'an ISO-8601 date string',
};

function fail(type: ColumnType, v: unknown): Cell {
  let got: string;
  if (typeof v === 'string') got = JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  else if (Array.isArray(v)) got = 'an array';
  else if (v !== null && typeof v === 'object') got = 'an object';
  else got = `${typeof v} ${String(v)}`;
  return { ok: false, expected: EXPECTED[type], got };
}
