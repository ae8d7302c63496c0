/**
 * The `log` config section: how the prediction log trades safety for speed.
 *
 * - `buffered` (default): rows are written in batches (every `batch_size` rows or `flush_ms`),
 *   after the answer. A process crash (`kill -9`, OOM) loses the rows not yet written: at most
 *   `batch_size - 1` rows, all answered within the last `flush_ms`. A graceful stop loses none.
 * - `ack`: a prediction is answered only once its log row is committed (requests arriving together
 *   share one transaction). A process crash loses no answered prediction; if the write fails,
 *   the request fails (503) instead of being answered unlogged.
 */
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';

/** The durability modes of the prediction log. */
export const LOG_DURABILITY = ['buffered', 'ack'] as const;
/** `buffered` (rows written in batches after the answer) or `ack` (answered once committed). */
export type LogDurability = (typeof LOG_DURABILITY)[number];

export const LOG_PARAMS = {
  durability: {
    type: 'enum',
    default: 'buffered',
    values: LOG_DURABILITY,
    doc:
      'buffered: rows written in batches after the answer (a crash loses at most batch_size - 1 rows ' +
      'answered in the last flush_ms); ack: answered only once the row is committed (none lost)',
  },
  batch_size: {
    type: 'number',
    default: 128,
    integer: true,
    min: 1,
    max: 100_000,
    doc: 'buffered: rows written per transaction (the most a crash can lose, minus one)',
  },
  flush_ms: {
    type: 'number',
    default: 200,
    integer: true,
    min: 1,
    max: 60_000,
    doc: 'buffered: longest a row waits before it is written, ms',
  },
} as const satisfies ParamTable;

export type LogConfig = ParamsOf<typeof LOG_PARAMS>;

export function resolveLogConfig(raw: unknown, prefix = 'log'): LogConfig {
  return resolveParams(LOG_PARAMS, raw, prefix);
}
