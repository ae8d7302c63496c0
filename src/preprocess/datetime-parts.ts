/**
 * Datetimes become numbers: calendar parts (UTC) plus days since the Unix epoch, each then
 * imputed, clipped and scaled like any numeric column. Parts come from integer arithmetic
 * (Hinnant's days-to-civil) rather than a Date object per row: one pass, no allocation per value.
 */

export const DATETIME_PARTS = ['year', 'month', 'day', 'dayofweek', 'hour', 'days'] as const;
/** A numeric feature extracted from a datetime column. */
export type DatetimePart = (typeof DATETIME_PARTS)[number];

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

/**
 * The parts worth extracting from a train column: all but `hour`, which is kept only when some
 * value has a time of day (a date-only column would give a constant zero feature).
 */
export function datetimePartsFor(values: Float64Array): DatetimePart[] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v) && v - Math.floor(v / MS_PER_DAY) * MS_PER_DAY !== 0) return [...DATETIME_PARTS];
  }
  return DATETIME_PARTS.filter((p) => p !== 'hour');
}

/** One Float64Array per requested part (NaN where the datetime is missing). */
export function extractParts(values: Float64Array, parts: readonly DatetimePart[]): Float64Array[] {
  const n = values.length;
  const out = parts.map(() => new Float64Array(n));
  const want = new Int8Array(DATETIME_PARTS.length).fill(-1);
  parts.forEach((p, k) => {
    want[DATETIME_PARTS.indexOf(p)] = k;
  });
  const [wy, wm, wd, wdow, wh, wdays] = want;
  for (let i = 0; i < n; i++) {
    const ms = values[i];
    if (Number.isNaN(ms)) {
      for (let k = 0; k < out.length; k++) out[k][i] = Number.NaN;
      continue;
    }
    const days = Math.floor(ms / MS_PER_DAY);
    // days → (year, month, day), proleptic Gregorian; era = 400-year cycle.
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor(
      (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
    );
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    if (wy >= 0) out[wy][i] = y;
    if (wm >= 0) out[wm][i] = m;
    if (wd >= 0) out[wd][i] = d;
    // 1970-01-01 was a Thursday; Monday = 0 as in pandas' `dayofweek`.
    if (wdow >= 0) out[wdow][i] = (((days + 3) % 7) + 7) % 7;
    if (wh >= 0) out[wh][i] = Math.floor((ms - days * MS_PER_DAY) / MS_PER_HOUR);
    if (wdays >= 0) out[wdays][i] = ms / MS_PER_DAY;
  }
  return out;
}
