/**
 * What the prediction log keeps of a request: at most `MAX_UNKNOWN_FIELDS` input fields that
 * are not model features per row (the tables themselves are the store's: src/store).
 */
export type { LoggedPrediction } from '../store/prediction-store.js';

/**
 * Fields of one logged row that are not model features (those an `unexpected_field` issue names)
 * kept in the log and in flat exports; the others are counted, not stored. One 68 KB request
 * with 5,000 made-up field names would otherwise store 5,000 fields and 5,000 warnings per row,
 * and become 5,000 columns of a CSV export.
 */
export const MAX_UNKNOWN_FIELDS = 20;

/** An issue as stored in the `warnings` / `errors` JSON of a row. */
export interface StoredIssue {
  code: string;
  field?: string;
  message?: string;
  /** On the one summary issue of a capped row: how many unknown fields were left out. */
  omitted?: number;
}

/** The field named by the summary issue of a row whose unknown fields were capped. */
export const OMITTED_FIELDS = '(more fields)';

/**
 * A row's inputs and issues as they are stored: its first `MAX_UNKNOWN_FIELDS` unknown fields
 * and their issues are kept, the rest of them dropped and counted in one summary issue
 * (`unexpected_field` on `OMITTED_FIELDS`, with `omitted`). A row within the cap is returned as
 * it came (the common case costs one pass over its issues).
 */
export function capUnknownFields<I extends StoredIssue>(
  features: unknown,
  warnings: readonly I[] | undefined,
  errors: readonly I[] | undefined,
  max = MAX_UNKNOWN_FIELDS,
): {
  features: unknown;
  warnings: readonly (I | StoredIssue)[] | undefined;
  errors: readonly (I | StoredIssue)[] | undefined;
} {
  const unknown: string[] = [];
  for (const list of [warnings, errors]) {
    if (!list) continue;
    for (const is of list) {
      if (is.code === 'unexpected_field' && typeof is.field === 'string' && is.field !== OMITTED_FIELDS) {
        unknown.push(is.field);
      }
    }
  }
  if (unknown.length <= max) return { features, warnings, errors };
  const drop = new Set(unknown.slice(max));
  let kept: unknown = features;
  if (features !== null && typeof features === 'object' && !Array.isArray(features)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(features)) if (!drop.has(k)) out[k] = v;
    kept = out;
  }
  const cap = (list: readonly I[] | undefined) => {
    const isDropped = (is: I) => is.code === 'unexpected_field' && drop.has(is.field as string);
    const first = list?.find(isDropped);
    if (!list || !first) return list;
    const n = list.filter(isDropped).length;
    const summary: StoredIssue = {
      ...first,
      field: OMITTED_FIELDS,
      message: `${n} more fields that are not model features were not logged`,
      omitted: n,
    };
    return [...list.filter((is) => !isDropped(is)), summary];
  };
  return { features: kept, warnings: cap(warnings), errors: cap(errors) };
}
