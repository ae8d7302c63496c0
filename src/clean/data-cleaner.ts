/**
 * DataCleaner: deterministic fixes that learn nothing from the data, so running it before the
 * split leaks nothing. Order: drop columns → trim / missing tokens → type fixes → duplicate rows
 * → missing target. Duplicates are found after the text fixes, so 'WD ' and 'WD' rows match.
 */
import { DataError } from '../core/errors.js';
import { type Column, Frame, isMissing } from '../data/frame.js';
import type { DecimalMark } from '../data/infer.js';
import { type CleanConfig, defaultCleanConfig } from './clean-config.js';
import type { CleaningReport, ColumnChanges } from './cleaning-report.js';
import { duplicateMask } from './duplicate-rows.js';
import { fixType } from './fix-types.js';
import { recodeCategorical } from './recode-categorical.js';

export { type CleanConfig, resolveCleanConfig } from './clean-config.js';
export type { CleaningReport } from './cleaning-report.js';

export interface CleanOptions {
  /** Decimal mark of numbers written as text (data.decimal), for type fixes. */
  decimal?: DecimalMark;
}

/**
 * The seed's cleaning stage: dedupe, trim, missing tokens, forced types and dropped columns, with
 * nothing learned from the data. `clean(frame, target)` returns the new frame and its report.
 */
export class DataCleaner {
  readonly config: CleanConfig;
  private readonly decimal: DecimalMark;

  constructor(config: CleanConfig = defaultCleanConfig(), opts: CleanOptions = {}) {
    this.config = config;
    this.decimal = opts.decimal ?? '.';
  }

  clean(frame: Frame, target: string): { frame: Frame; report: CleaningReport } {
    const cfg = this.config;
    checkColumns(frame, target, cfg);
    const changes: Record<string, ColumnChanges> = {};
    const touch = (name: string): ColumnChanges => {
      changes[name] ??= { trimmed: 0, missingTokens: 0 };
      return changes[name];
    };

    const kept = frame.drop(cfg.drop_columns);
    const tokens = new Set(cfg.missing_tokens);
    const names = kept.names;
    const cols: Column[] = [...kept.columns];
    for (let j = 0; j < cols.length; j++) {
      let col = cols[j];
      if (col.type === 'categorical' && (cfg.trim_strings || tokens.size)) {
        const r = recodeCategorical(col, cfg.trim_strings, tokens);
        col = r.column;
        if (r.trimmed || r.missingTokens)
          Object.assign(touch(names[j]), { trimmed: r.trimmed, missingTokens: r.missingTokens });
      }
      const to = cfg.types[names[j]];
      if (to && to !== col.type) {
        const r = fixType(names[j], col, to, this.decimal);
        touch(names[j]).typeFixed = { from: col.type, to, unparseable: r.unparseable };
        col = r.column;
      } else if (!to && names[j] === target && col.type === 'categorical') {
        // A target that is numbers once its missing tokens are gone ("?" listed in
        // missing_tokens) is numeric: that is what listing the token asks for.
        const r = fixType(target, col, 'numeric', this.decimal);
        if (r.unparseable === 0) {
          touch(target).typeFixed = { from: col.type, to: 'numeric', unparseable: 0 };
          col = r.column;
        }
      }
      cols[j] = col;
    }
    const typed = new Frame(names, cols);

    const n = typed.nRows;
    const dup = cfg.drop_duplicates ? duplicateMask(typed) : new Uint8Array(n);
    const y = typed.get(target);
    const keep = new Uint8Array(n);
    let duplicatesDropped = 0;
    let missingTargetDropped = 0;
    for (let i = 0; i < n; i++) {
      if (dup[i]) duplicatesDropped++;
      else if (cfg.drop_missing_target && isMissing(y, i)) missingTargetDropped++;
      else keep[i] = 1;
    }
    const out = duplicatesDropped || missingTargetDropped ? typed.filter(keep) : typed;

    if (y.type !== 'numeric') {
      throw new DataError(
        'target_not_numeric',
        `Target column "${target}" is ${y.type} after cleaning, but regression needs a numeric target; ` +
          `if it holds numbers as text, set cleaning.types.${target}: numeric`,
      );
    }
    if (out.nRows === 0) {
      throw new DataError(
        'no_rows',
        `No rows left after cleaning (${n} rows: ${duplicatesDropped} duplicates, ` +
          `${missingTargetDropped} with a missing "${target}")`,
      );
    }
    return {
      frame: out,
      report: {
        rowsBefore: frame.nRows,
        rowsAfter: out.nRows,
        duplicatesDropped,
        missingTargetDropped,
        columnsDropped: [...cfg.drop_columns],
        columns: changes,
      },
    };
  }
}

/** Every column the config names must exist; report all missing ones at once. */
function checkColumns(frame: Frame, target: string, cfg: CleanConfig): void {
  if (cfg.drop_columns.includes(target)) {
    throw new DataError(
      'target_dropped',
      `cleaning.drop_columns lists the target "${target}"; remove it from the list or choose another target`,
    );
  }
  const named = [target, ...cfg.drop_columns, ...Object.keys(cfg.types)];
  const absent = [...new Set(named.filter((c) => !frame.has(c)))];
  if (absent.length) {
    const where = absent.map((c) => (c === target ? `"${c}" (target)` : `"${c}"`)).join(', ');
    throw new DataError(
      'missing_column',
      `Column${absent.length > 1 ? 's' : ''} ${where} named in the config not found; columns are: ${frame.names.join(', ')}`,
    );
  }
}
