/**
 * The compare page: 2–5 runs side by side — their summaries, every candidate's scores in each
 * run (a table and an overlaid chart), and only the config keys and parameters that differ.
 */
import { type Comparison, getJson } from '../api.js';
import { overlaid } from '../charts.js';
import { h, mount } from '../dom.js';
import { metricName, num, seconds, when } from '../format.js';

/** Renders the comparison of the runs in `ids` (or how to start one) into `root`. */
export async function comparePage(root: HTMLElement, ids: string[]): Promise<void> {
  if (ids.length < 2) {
    mount(
      root,
      h('h1', {}, 'Compare runs'),
      h(
        'p',
        {},
        'Tick 2 to 5 runs on the ',
        h('a', { href: '#/runs' }, 'runs page'),
        ' and press “Compare selected”.',
      ),
    );
    return;
  }
  const c = await getJson<Comparison>(`/api/compare?ids=${ids.map(encodeURIComponent).join(',')}`);
  const m = metricName(c.metric);
  const labels = c.runs.map((r) => r.run_id);
  mount(
    root,
    h('h1', {}, `Compare ${c.runs.length} runs`),
    h(
      'table',
      { class: 'compare' },
      h('caption', { class: 'sr-only' }, 'The runs compared'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, ''),
          labels.map((l) => h('th', { scope: 'col' }, h('a', { href: `#/run/${encodeURIComponent(l)}` }, l))),
        ),
      ),
      h('tbody', {}, summaryRows(c)),
    ),
    h('h2', {}, 'Candidates'),
    overlaid(
      c.candidates.map((x) => x.name),
      c.runs.map((r, i) => ({ label: r.run_id, values: c.candidates.map((x) => x.test[i]) })),
      `TEST ${m}`,
    ),
    h(
      'table',
      { class: 'compare' },
      h('caption', { class: 'sr-only' }, `Each candidate's ${m} in each run`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'candidate'),
          labels.map((l) => h('th', { scope: 'col' }, `${l} CV/VAL · TEST`)),
        ),
      ),
      h(
        'tbody',
        {},
        c.candidates.map((x) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, x.name),
            x.test.map((t, i) => h('td', { class: 'num' }, `${num(x.score[i])} · ${num(t)}`)),
          ),
        ),
      ),
    ),
    diffTable('Selected model parameters that differ', c.params_diff, labels),
    diffTable('Config keys that differ', c.config_diff, labels),
  );
}

function summaryRows(c: Comparison): HTMLElement[] {
  const row = (k: string, f: (r: Comparison['runs'][number]) => string) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, k),
      c.runs.map((r) => h('td', {}, f(r))),
    );
  return [
    row('created', (r) => when(r.created_at)),
    row('model name', (r) => r.name ?? '—'),
    row('data', (r) => `${r.data_file} (${r.data_sha256.slice(0, 12)}, ${r.rows} rows)`),
    row('selected', (r) => `${r.selected} (${r.family})`),
    row(`${metricName(c.metric)} CV/VAL`, (r) => num(r.score)),
    row(`${metricName(c.metric)} TEST`, (r) => num(r.test)),
    row('wall time', (r) => seconds(r.wall_seconds)),
  ];
}

function diffTable(title: string, rows: Comparison['config_diff'], labels: string[]): HTMLElement[] {
  if (!rows.length) return [h('h2', {}, title), h('p', { class: 'sub' }, 'none: identical in every run')];
  return [
    h('h2', {}, title),
    h(
      'table',
      { class: 'compare diff' },
      h('caption', { class: 'sr-only' }, title),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'key'),
          labels.map((l) => h('th', { scope: 'col' }, l)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((d) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row', class: 'mono' }, d.key),
            d.values.map((v) => h('td', { class: 'mono' }, v ?? '—')),
          ),
        ),
      ),
    ),
  ];
}
