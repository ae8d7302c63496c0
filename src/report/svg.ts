/**
 * Small SVG charts for static HTML reports: no script, no external asset, text escaped, so a
 * report opens anywhere (a browser, a CI artifact viewer, an e-mail attachment).
 */

export interface Series {
  name: string;
  values: ArrayLike<number>;
  color: string;
}

export const COLORS = { reference: '#4c78a8', current: '#f58518', bad: '#e45756', ok: '#54a24b' } as const;

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}

/** Horizontal bars (one per label) with an optional threshold line; bars past it are red. */
export function barChart(
  labels: readonly string[],
  values: ArrayLike<number>,
  opts: { threshold?: number; title: string; width?: number; higherIsWorse?: boolean },
): string {
  const width = opts.width ?? 640;
  const rowH = 22;
  const left = 170;
  const right = 70;
  const top = 28;
  const n = labels.length;
  const height = top + n * rowH + 24;
  let max = opts.threshold ?? 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) max = Math.max(max, values[i]);
  max = max > 0 ? max * 1.08 : 1;
  const x = (v: number) => left + (Math.max(0, v) / max) * (width - left - right);
  const parts = [`<text x="4" y="16" class="t">${esc(opts.title)}</text>`];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const y = top + i * rowH;
    const bad =
      opts.threshold !== undefined &&
      Number.isFinite(v) &&
      (opts.higherIsWorse ?? true) === v >= opts.threshold;
    parts.push(
      `<text x="${left - 6}" y="${y + 15}" text-anchor="end">${esc(labels[i].slice(0, 24))}</text>`,
      Number.isFinite(v)
        ? `<rect x="${left}" y="${y + 3}" width="${(x(v) - left).toFixed(1)}" height="${rowH - 6}" fill="${bad ? COLORS.bad : COLORS.reference}"/>` +
            `<text x="${(x(v) + 4).toFixed(1)}" y="${y + 15}">${fmt(v)}</text>`
        : `<text x="${left + 4}" y="${y + 15}" class="m">n/a</text>`,
    );
  }
  if (opts.threshold !== undefined) {
    const tx = x(opts.threshold).toFixed(1);
    parts.push(
      `<line x1="${tx}" x2="${tx}" y1="${top - 4}" y2="${top + n * rowH}" class="th"/>`,
      `<text x="${tx}" y="${top + n * rowH + 16}" text-anchor="middle" class="m">threshold ${fmt(opts.threshold)}</text>`,
    );
  }
  return svg(width, height, parts);
}

/** Side-by-side bars per bin: reference vs current proportions of one feature. */
export function binChart(
  bins: readonly string[],
  series: readonly Series[],
  opts: { title: string; width?: number; height?: number },
): string {
  const width = opts.width ?? 420;
  const height = opts.height ?? 230;
  const left = 30; // room for the first slanted bin label
  const bottom = 70;
  const top = 26;
  const plotH = height - top - bottom;
  const n = bins.length;
  let max = 0;
  for (const s of series)
    for (let i = 0; i < n; i++) if (Number.isFinite(s.values[i])) max = Math.max(max, s.values[i]);
  max = max > 0 ? max * 1.1 : 1;
  const slot = (width - left - 8) / Math.max(1, n);
  const barW = Math.max(1, (slot * 0.8) / series.length);
  const parts = [`<text x="4" y="16" class="t">${esc(opts.title)}</text>`];
  parts.push(`<line x1="${left}" x2="${width - 4}" y1="${top + plotH}" y2="${top + plotH}" class="ax"/>`);
  for (let i = 0; i < n; i++) {
    series.forEach((s, k) => {
      const v = s.values[i];
      if (!Number.isFinite(v)) return;
      const h = (v / max) * plotH;
      const bx = left + i * slot + slot * 0.1 + k * barW;
      parts.push(
        `<rect x="${bx.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${esc(`${s.name} ${bins[i]}: ${fmt(v)}`)}</title></rect>`,
      );
    });
    // Label every bin when few, else a handful; slanted so neighbours do not overlap.
    if (n <= 12 || i % Math.ceil(n / 8) === 0) {
      const lx = (left + i * slot + slot / 2).toFixed(1);
      const ly = top + plotH + 10;
      parts.push(
        `<text x="${lx}" y="${ly}" text-anchor="end" transform="rotate(-35 ${lx} ${ly})" class="m">${esc(shortLabel(bins[i]))}</text>`,
      );
    }
  }
  parts.push(legend(series, left, height - 10));
  return svg(width, height, parts);
}

/** Lines over x (e.g. time or window index), with an optional horizontal threshold. */
export function lineChart(
  x: ArrayLike<number>,
  series: readonly Series[],
  opts: { title: string; width?: number; height?: number; threshold?: number; xLabels?: readonly string[] },
): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 220;
  const left = 56;
  const top = 26;
  const bottom = 44;
  const plotW = width - left - 12;
  const plotH = height - top - bottom;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series)
    for (let i = 0; i < s.values.length; i++)
      if (Number.isFinite(s.values[i])) {
        lo = Math.min(lo, s.values[i]);
        hi = Math.max(hi, s.values[i]);
      }
  if (opts.threshold !== undefined) {
    lo = Math.min(lo, opts.threshold);
    hi = Math.max(hi, opts.threshold);
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) hi = lo + 1;
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    x0 = Math.min(x0, x[i]);
    x1 = Math.max(x1, x[i]);
  }
  if (!(x1 > x0)) x1 = x0 + 1;
  const px = (v: number) => left + ((v - x0) / (x1 - x0)) * plotW;
  const py = (v: number) => top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const parts = [
    `<text x="4" y="16" class="t">${esc(opts.title)}</text>`,
    `<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" class="ax"/>`,
    `<text x="${left - 4}" y="${top + 8}" text-anchor="end" class="m">${fmt(hi)}</text>`,
    `<text x="${left - 4}" y="${top + plotH}" text-anchor="end" class="m">${fmt(lo)}</text>`,
  ];
  if (opts.xLabels?.length) {
    parts.push(
      `<text x="${left}" y="${top + plotH + 14}" class="m">${esc(opts.xLabels[0])}</text>`,
      `<text x="${left + plotW}" y="${top + plotH + 14}" text-anchor="end" class="m">${esc(opts.xLabels[opts.xLabels.length - 1])}</text>`,
    );
  }
  if (opts.threshold !== undefined) {
    const ty = py(opts.threshold).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${ty}" y2="${ty}" class="th"/>`);
  }
  for (const s of series) {
    const pts: string[] = [];
    for (let i = 0; i < s.values.length && i < x.length; i++) {
      if (Number.isFinite(s.values[i])) pts.push(`${px(x[i]).toFixed(1)},${py(s.values[i]).toFixed(1)}`);
    }
    if (pts.length === 1) {
      const [cx, cy] = pts[0].split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.color}"/>`);
    } else if (pts.length) {
      parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    }
  }
  parts.push(legend(series, left, height - 10));
  return svg(width, height, parts);
}

/**
 * Points (x, y) on shared axes, with the line y = x when `diagonal` (predicted vs actual). At
 * most `maxPoints` are drawn, evenly spaced through the input order, so a report stays small.
 */
export function scatterChart(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: {
    title: string;
    xLabel: string;
    yLabel: string;
    diagonal?: boolean;
    width?: number;
    height?: number;
    maxPoints?: number;
  },
): string {
  const width = opts.width ?? 420;
  const height = opts.height ?? 380;
  const left = 60;
  const top = 26;
  const bottom = 44;
  const plotW = width - left - 12;
  const plotH = height - top - bottom;
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) idx.push(i);
  const max = opts.maxPoints ?? 2000;
  const shown =
    idx.length <= max ? idx : Array.from({ length: max }, (_, k) => idx[Math.floor((k * idx.length) / max)]);
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const i of idx) {
    x0 = Math.min(x0, x[i]);
    x1 = Math.max(x1, x[i]);
    y0 = Math.min(y0, y[i]);
    y1 = Math.max(y1, y[i]);
  }
  if (opts.diagonal) {
    // One scale on both axes, so the diagonal is at 45°.
    x0 = y0 = Math.min(x0, y0);
    x1 = y1 = Math.max(x1, y1);
  }
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const px = (v: number) => left + ((v - x0) / (x1 - x0)) * plotW;
  const py = (v: number) => top + plotH - ((v - y0) / (y1 - y0)) * plotH;
  const parts = [
    `<text x="4" y="16" class="t">${esc(opts.title)}</text>`,
    `<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" class="ax"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" class="ax"/>`,
    `<text x="${left - 4}" y="${top + 8}" text-anchor="end" class="m">${fmt(y1)}</text>`,
    `<text x="${left - 4}" y="${top + plotH}" text-anchor="end" class="m">${fmt(y0)}</text>`,
    `<text x="${left}" y="${top + plotH + 14}" class="m">${fmt(x0)}</text>`,
    `<text x="${left + plotW}" y="${top + plotH + 14}" text-anchor="end" class="m">${fmt(x1)}</text>`,
    `<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    `<text x="14" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + plotH / 2})">${esc(opts.yLabel)}</text>`,
  ];
  if (opts.diagonal) {
    parts.push(
      `<line x1="${px(x0).toFixed(1)}" y1="${py(x0).toFixed(1)}" x2="${px(x1).toFixed(1)}" y2="${py(x1).toFixed(1)}" class="th"/>`,
    );
  }
  const dots = shown.map((i) => `M${px(x[i]).toFixed(1)} ${py(y[i]).toFixed(1)}h0`).join('');
  // One path of zero-length round-capped segments: thousands of points in a few KB.
  parts.push(
    `<path d="${dots}" stroke="${COLORS.reference}" stroke-opacity="0.45" stroke-width="4" stroke-linecap="round" fill="none"/>`,
  );
  if (shown.length < idx.length) {
    parts.push(
      `<text x="${left + plotW}" y="${top + 10}" text-anchor="end" class="m">${shown.length} of ${idx.length} points</text>`,
    );
  }
  return svg(width, height, parts);
}

/** "[12.3456, 45.6789)" → "12.3–45.7"; other labels cut to 14 characters. */
function shortLabel(label: string): string {
  const m = /^[[(]\s*([^,]+),\s*([^\])]+)[\])]$/.exec(label);
  if (!m) return label.length > 14 ? `${label.slice(0, 13)}…` : label;
  const short = (t: string) => {
    const x = Number(t.replace('−', '-').replace('∞', 'Infinity'));
    return Number.isFinite(x)
      ? fmt(Number(x.toPrecision(3)))
      : t.includes('-') || t.includes('−')
        ? '−∞'
        : '∞';
  };
  const lo = short(m[1]);
  const hi = short(m[2]);
  if (lo === '−∞') return `< ${hi}`;
  if (hi === '∞') return `≥ ${lo}`;
  return `${lo}–${hi}`;
}

function legend(series: readonly Series[], x: number, y: number): string {
  let at = x;
  return series
    .map((s) => {
      const g = `<rect x="${at}" y="${y - 9}" width="10" height="10" fill="${s.color}"/><text x="${at + 14}" y="${y}">${esc(s.name)}</text>`;
      at += 24 + s.name.length * 7;
      return g;
    })
    .join('');
}

function svg(width: number, height: number, parts: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">` +
    parts.join('') +
    '</svg>'
  );
}

/** The CSS the charts' classes refer to; a report includes it once. */
export const CHART_CSS = `
svg { font: 12px system-ui, sans-serif; background: #fff; }
svg .t { font-weight: 600; font-size: 13px; }
svg .m { fill: #666; font-size: 11px; }
svg .ax { stroke: #999; }
svg .th { stroke: #e45756; stroke-dasharray: 4 3; }
`;
