/**
 * column: the data says which part each row belongs to (e.g. a `split` column written by another
 * tool, so two systems train on the same rows). The column is then dropped from the features.
 */
import { DataError } from '../../core/errors.js';
import { type SplitContext, type SplitStrategy, TEST, TRAIN, VAL } from '../split-strategy.js';

const LABELS: Record<string, number> = { train: TRAIN, val: VAL, valid: VAL, validation: VAL, test: TEST };
const ALLOWED = Object.keys(LABELS).join(', ');

export const columnSplit: SplitStrategy = {
  name: 'column',
  assign({ frame, config }: SplitContext): Uint8Array {
    const name = config.split_column as string;
    const col = frame.get(name);
    if (col.type !== 'categorical') {
      throw new DataError(
        'bad_split_column',
        `split.split_column "${name}" is ${col.type}; it must hold the text ${ALLOWED} (any case) in every row`,
      );
    }
    const level = col.dictionary.map((s) => LABELS[s.trim().toLowerCase()] ?? -1);
    const n = col.codes.length;
    const part = new Uint8Array(n);
    let bad = 0;
    let firstBad = -1;
    for (let i = 0; i < n; i++) {
      const c = col.codes[i];
      const p = c < 0 ? -1 : level[c];
      if (p < 0) {
        if (bad++ === 0) firstBad = i;
      } else part[i] = p;
    }
    if (bad) {
      const c = col.codes[firstBad];
      const value = c < 0 ? 'a missing value' : JSON.stringify(col.dictionary[c]);
      throw new DataError(
        'bad_split_value',
        `split column "${name}" holds ${value} in row ${firstBad} (0-based, after cleaning)` +
          `${bad > 1 ? ` and ${bad - 1} more rows` : ''}; allowed values: ${ALLOWED} (any case)`,
      );
    }
    return part;
  },
  dropColumns: (config) => [config.split_column as string],
};
