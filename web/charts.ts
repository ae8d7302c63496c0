/**
 * Interactive charts (uPlot): hover shows values, drag zooms, double-click resets, clicking a
 * legend entry toggles its series. Each chart sits in a <figure> with a caption for screen readers.
 */
import uPlot from 'uplot';
import { h } from './dom.js';

const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed'];

/** A chart inside a captioned figure; the plot is drawn once the figure is in the page. */
function figure(caption: string, draw: (el: HTMLElement, width: number) => void): HTMLElement {
  const plot = h('div', { class: 'plot' });
  const fig = h(
    'figure',
    { class: 'chart', role: 'group', 'aria-label': caption },
    plot,
    h('figcaption', {}, caption),
  );
  requestAnimationFrame(() => draw(plot, Math.max(320, Math.min(760, fig.clientWidth || 640))));
  return fig;
}

function pointsSeries(label: string, color: string): uPlot.Series {
  return {
    label,
    stroke: color,
    fill: `${color}55`,
    paths: () => null,
    points: { show: true, size: 5, stroke: color, fill: `${color}55` },
  };
}

/** Predicted (y) against actual (x), with the line y = x. */
export function predictedVsActual(actual: number[], predicted: number[], target: string): HTMLElement {
  const order = actual.map((_, i) => i).sort((a, b) => actual[a] - actual[b]);
  const x = order.map((i) => actual[i]);
  const y = order.map((i) => predicted[i]);
  return figure(
    `Predicted vs actual ${target} on ${x.length} TEST rows; the line is a perfect prediction`,
    (el, width) => {
      new uPlot(
        {
          width,
          height: 340,
          scales: { x: { time: false } },
          axes: [{ label: `actual ${target}` }, { label: 'predicted' }],
          series: [
            { label: 'actual' },
            pointsSeries('predicted', COLORS[0]),
            { label: 'y = x', stroke: '#9ca3af', dash: [4, 4], points: { show: false } },
          ],
        },
        [x, y, x],
        el,
      );
    },
  );
}

/** Residuals (actual − predicted) against the prediction, with zero. */
export function residuals(actual: number[], predicted: number[]): HTMLElement {
  const order = predicted.map((_, i) => i).sort((a, b) => predicted[a] - predicted[b]);
  const x = order.map((i) => predicted[i]);
  const r = order.map((i) => actual[i] - predicted[i]);
  return figure('Residuals (actual − predicted) against the prediction on TEST', (el, width) => {
    new uPlot(
      {
        width,
        height: 280,
        scales: { x: { time: false } },
        axes: [{ label: 'predicted' }, { label: 'residual' }],
        series: [
          { label: 'predicted' },
          pointsSeries('residual', COLORS[1]),
          { label: 'zero', stroke: '#9ca3af', points: { show: false } },
        ],
      },
      [x, r, x.map(() => 0)],
      el,
    );
  });
}

/** Interval coverage per decile of the prediction (bars) against the nominal level (line). */
export function coverageByDecile(
  bins: { from: number; to: number; coverage: number }[],
  nominal: number,
): HTMLElement {
  const x = bins.map((_, i) => i + 1);
  return figure(
    `Interval coverage per decile of the prediction on TEST; the line is the nominal ${Math.round(nominal * 100)}%`,
    (el, width) => {
      new uPlot(
        {
          width,
          height: 260,
          scales: { x: { time: false, range: [0.4, bins.length + 0.6] }, y: { range: [0, 1] } },
          axes: [
            {
              label: 'decile of the prediction',
              values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')),
            },
            { label: 'coverage', values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`) },
          ],
          series: [
            { label: 'decile' },
            {
              label: 'coverage',
              stroke: COLORS[2],
              fill: `${COLORS[2]}88`,
              paths: uPlot.paths.bars?.({ size: [0.7, 60] }),
              points: { show: false },
              value: (_u, v) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`),
            },
            {
              label: 'nominal',
              stroke: '#111827',
              dash: [4, 4],
              points: { show: false },
              value: (_u, v) => (v === null ? '—' : `${(v * 100).toFixed(0)}%`),
            },
          ],
        },
        [x, bins.map((b) => b.coverage), x.map(() => nominal)],
        el,
      );
    },
  );
}

/** One line per run over the same categories (e.g. each candidate's TEST score in each run). */
export function overlaid(
  categories: string[],
  runs: { label: string; values: (number | null)[] }[],
  yLabel: string,
): HTMLElement {
  const x = categories.map((_, i) => i);
  return figure(`${yLabel} per candidate, one line per run`, (el, width) => {
    new uPlot(
      {
        width,
        height: 300,
        scales: { x: { time: false, range: [-0.5, categories.length - 0.5] } },
        axes: [
          {
            label: 'candidate',
            values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (categories[t] ?? '') : '')),
            rotate: -30,
            size: 80,
          } as uPlot.Axis,
          { label: yLabel },
        ],
        series: [
          { label: 'candidate', value: (_u, v) => (v === null ? '—' : (categories[v] ?? '')) },
          ...runs.map((r, i) => ({
            label: r.label,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            points: { show: true, size: 7 },
            spanGaps: false,
          })),
        ],
      },
      [x, ...runs.map((r) => r.values)] as uPlot.AlignedData,
      el,
    );
  });
}

/** Series over time (x in seconds since the epoch); a series with `scale` gets its own right axis. */
export function overTime(
  caption: string,
  x: number[],
  series: { label: string; values: (number | null)[]; scale?: string }[],
): HTMLElement {
  return figure(caption, (el, width) => {
    const scales = [...new Set(series.map((s) => s.scale).filter((s): s is string => s !== undefined))];
    new uPlot(
      {
        width,
        height: 260,
        axes: [
          {},
          { label: series[0].label },
          ...scales.map((s) => ({ scale: s, side: 1, label: s, grid: { show: false } })),
        ],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            scale: s.scale,
            points: { show: true, size: 5 },
          })),
        ],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
  });
}

/**
 * Reference against current proportions per bin, as pairs of bars (bins are value ranges or
 * categories, labelled on the x axis): how a feature's distribution moved since training.
 */
export function distributionChart(
  caption: string,
  bins: string[],
  reference: number[],
  current: number[],
): HTMLElement {
  const x = bins.map((_, i) => i);
  const asPct = (_u: uPlot, v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  const bars = (color: string, label: string, align: -1 | 1): uPlot.Series => ({
    label,
    stroke: color,
    fill: `${color}99`,
    paths: uPlot.paths.bars?.({ size: [0.4, 40], align }),
    points: { show: false },
    value: asPct,
  });
  return figure(caption, (el, width) => {
    new uPlot(
      {
        width,
        height: 280,
        scales: {
          x: { time: false, range: [-0.6, bins.length - 0.4] },
          y: { range: (_u, _min, max) => [0, Math.max(max * 1.05, 0.01)] },
        },
        axes: [
          {
            label: 'bin',
            values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (bins[t] ?? '') : '')),
            rotate: bins.length > 6 ? -30 : 0,
            size: bins.length > 6 ? 80 : 40,
          } as uPlot.Axis,
          { label: 'share of rows', values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`) },
        ],
        series: [
          { label: 'bin', value: (_u, v) => (v === null ? '—' : (bins[v] ?? '')) },
          bars(COLORS[0], 'reference (training)', -1),
          bars(COLORS[1], 'current window', 1),
        ],
      },
      [x, reference, current],
      el,
    );
  });
}
