/**
 * Trim and missing-token normalisation of one categorical column. Works on the dictionary (one
 * string operation per level, not per cell), then remaps codes; levels that become equal merge.
 */
import type { CategoricalColumn } from '../data/frame.js';

export interface RecodeResult {
  column: CategoricalColumn;
  trimmed: number;
  missingTokens: number;
}

export function recodeCategorical(
  col: CategoricalColumn,
  trim: boolean,
  tokens: ReadonlySet<string>,
): RecodeResult {
  const dict = col.dictionary;
  // remap[old code] = new code (-1 = missing); wasTrimmed/toMissing flag levels for counting.
  const remap = new Int32Array(dict.length);
  const wasTrimmed = new Uint8Array(dict.length);
  const toMissing = new Uint8Array(dict.length);
  const levels = new Map<string, number>();
  let changed = false;
  for (let c = 0; c < dict.length; c++) {
    const raw = dict[c];
    const s = trim ? raw.trim() : raw;
    if (s !== raw) wasTrimmed[c] = 1;
    if (tokens.has(s)) {
      toMissing[c] = 1;
      remap[c] = -1;
      changed = true;
      continue;
    }
    let code = levels.get(s);
    if (code === undefined) {
      code = levels.size;
      levels.set(s, code);
    }
    remap[c] = code;
    if (code !== c || s !== raw) changed = true;
  }
  const codes = col.codes;
  const n = codes.length;
  // Per-level cell counts turn level flags into cell counts in one pass.
  const counts = new Float64Array(dict.length);
  for (let i = 0; i < n; i++) if (codes[i] >= 0) counts[codes[i]]++;
  let trimmed = 0;
  let missingTokens = 0;
  for (let c = 0; c < dict.length; c++) {
    if (wasTrimmed[c]) trimmed += counts[c];
    if (toMissing[c]) missingTokens += counts[c];
  }
  if (!changed) return { column: col, trimmed, missingTokens };
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? -1 : remap[codes[i]];
  return {
    column: { type: 'categorical', codes: out, dictionary: [...levels.keys()] },
    trimmed,
    missingTokens,
  };
}
