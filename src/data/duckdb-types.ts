/**
 * DuckDB logical type → how tabflow reads the column. All integer, decimal and floating types
 * become numeric (Float64Array), dates and timestamps become datetime (epoch ms), BOOLEAN stays
 * boolean and everything else (VARCHAR, TIME, UUID, nested JSON values, ...) is read as text.
 */
import type { ColumnPlan } from './duckdb-columns.js';
import { sqlIdent } from './sql.js';

const NUMERIC_RE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(.*\))?|VARINT|BIGNUM)$/;
const DATETIME_RE = /^(DATE|TIMESTAMP.*)$/;

/** The read plan for column `name` of DuckDB type `duckType`; `asText` forces VARCHAR. */
export function planColumn(name: string, duckType: string, asText = false): ColumnPlan {
  const ref = sqlIdent(name);
  if (duckType === 'VARCHAR') return { name, kind: 'string', expr: ref };
  if (asText) return { name, kind: 'string', expr: `CAST(${ref} AS VARCHAR)` };
  if (duckType === 'BOOLEAN') return { name, kind: 'boolean', expr: ref };
  if (duckType === 'DOUBLE') return { name, kind: 'numeric', expr: ref };
  if (NUMERIC_RE.test(duckType)) return { name, kind: 'numeric', expr: `CAST(${ref} AS DOUBLE)` };
  if (DATETIME_RE.test(duckType)) return { name, kind: 'datetime', expr: `CAST(epoch_ms(${ref}) AS DOUBLE)` };
  return { name, kind: 'string', expr: `CAST(${ref} AS VARCHAR)` };
}
