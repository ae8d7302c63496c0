/**
 * `text/csv` request bodies → records. A header line, then one row per record (RFC 4180 quoting).
 * Cells are typed by the model's features so "7.5" reaches a numeric feature as 7.5; a cell that
 * does not parse stays a string and the data contract reports it as `wrong_type`.
 */
import type { ContractFeature } from './pipeline-port.js';
import { badRequest } from './request-error.js';
import type { InputRecord } from './request-records.js';

const MISSING = new Set(['', 'NA', 'N/A', 'null', 'NULL', 'NaN', 'nan']);

/**
 * The records of a CSV body, cells typed by `features`; no data row, a duplicate column or a row
 * of another width is a 400.
 */
export function csvRecords(text: string, features: readonly ContractFeature[]): InputRecord[] {
  const rows = parseCsv(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  while (rows.length && rows[rows.length - 1].length === 1 && rows[rows.length - 1][0] === '') rows.pop();
  if (rows.length < 2) {
    throw badRequest('body', 'no_rows', 'The CSV body needs a header line and at least one data row');
  }
  const header = rows[0].map((h) => h.trim());
  if (header.includes('__proto__')) {
    throw badRequest('body', 'bad_column_name', 'The CSV header names a column "__proto__"; rename it');
  }
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw badRequest('body', 'duplicate_column', `The CSV header names "${h}" twice`);
    seen.add(h);
  }
  const types = new Map(features.map((f) => [f.name, f.type]));
  const out: InputRecord[] = [];
  for (let i = 1; i < rows.length; i++) {
    const cells = rows[i];
    if (cells.length !== header.length) {
      throw badRequest(
        `row ${i - 1}`,
        'wrong_width',
        `CSV data row ${i - 1} has ${cells.length} cells but the header has ${header.length}`,
      );
    }
    const rec: InputRecord = {};
    header.forEach((h, j) => {
      rec[h] = typedCell(cells[j], types.get(h));
    });
    out.push(rec);
  }
  return out;
}

function typedCell(cell: string, type: string | undefined): unknown {
  if (MISSING.has(cell.trim())) return null;
  if (type === 'numeric') {
    const x = Number(cell);
    return Number.isFinite(x) ? x : cell;
  }
  if (type === 'boolean') {
    const s = cell.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return cell;
}

/** Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw badRequest('body', 'bad_csv', 'The CSV body ends inside a quoted field');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
