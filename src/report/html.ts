/**
 * The page, table and number formats every static HTML report shares: one self-contained file
 * (inline CSS, no script, no external asset), text escaped.
 */
import { CHART_CSS, COLORS, esc } from './svg.js';

const PAGE_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } .sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0 16px; } th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f4f4f4; }
.status { display: inline-block; padding: 4px 12px; border-radius: 4px; font-weight: 600; color: #fff; }
.status.ok { background: ${COLORS.ok}; } .status.alarm { background: ${COLORS.bad}; } .status.insufficient_data { background: #999; }
.alarms li { color: #a11; } .note { color: #666; font-style: italic; } .warn { color: #8a4b00; background: #fff4e0; padding: 6px 10px; border-radius: 4px; }
tr.drifted td, tr.failed td { background: #fdecea; } tr.best td { background: #eaf5e8; font-weight: 600; }
.grid { display: flex; flex-wrap: wrap; gap: 12px; }
table.kv td { text-align: left; } table.kv td:first-child { color: #555; }
`;

/** A whole HTML document around `body` (already escaped HTML). */
export function page(title: string, body: readonly string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${PAGE_CSS}${CHART_CSS}</style></head><body>
${body.join('\n')}
</body></html>
`;
}

/** A table of text cells (escaped here); `rowClass` marks rows (e.g. 'best', 'failed'). */
export function table(
  head: readonly string[],
  rows: readonly string[][],
  rowClass?: (i: number) => string,
  tableClass?: string,
): string {
  const header = head.some((h) => h !== '')
    ? `<tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`
    : '';
  return `<table${tableClass ? ` class="${tableClass}"` : ''}>${header}${rows
    .map((r, i) => {
      const cls = rowClass?.(i);
      return `<tr${cls ? ` class="${cls}"` : ''}>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
    })
    .join('')}</table>`;
}

/** Four significant digits; '—' for null, undefined and non-finite. */
export function fmt(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : Number(x.toPrecision(4)).toString();
}

export function pct(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`;
}
