/**
 * The experiments page's tables: each arm's traffic and accuracy, and the significance test (live,
 * as `tabflow ab status` computes it, or as recorded when the experiment ended).
 */
import type { AbTestJson, ArmJson, ExperimentJson } from '../api.js';
import { h } from '../dom.js';
import { num, pct } from '../format.js';

/** The arms of `e`: traffic from the prediction log, accuracy from feedback, one row an arm. */
export function armsTable(e: ExperimentJson): HTMLElement {
  const cols = [
    'arm',
    'version',
    'planned share',
    'rows',
    'rejected',
    'latency p50 / p95',
    'actuals',
    'MAE',
    'RMSE',
    'R²',
    'interval coverage',
  ];
  return h(
    'table',
    { class: 'arms' },
    h('caption', {}, `Arms of ${e.id}: traffic from the prediction log, accuracy from feedback`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        cols.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      e.arms.map((a) => armRow(a, e)),
    ),
  );
}

function armRow(a: ArmJson, e: ExperimentJson): HTMLElement {
  const t = a.traffic;
  const l = a.live;
  return h(
    'tr',
    { 'data-arm': a.arm },
    h(
      'th',
      { scope: 'row' },
      a.arm === 'challenger' && e.design === 'shadow' ? 'challenger (shadow)' : a.arm,
    ),
    h(
      'td',
      {},
      // An id, so that a refresh that redraws the table gives the keyboard focus back to it.
      h('a', { id: `run-${e.id}-${a.arm}`, href: `#/run/${encodeURIComponent(a.run_id)}` }, `v${a.version}`),
    ),
    h('td', { class: 'num' }, a.share === null ? 'all rows (shadow)' : pct(a.share)),
    h('td', { class: 'num', 'data-col': 'rows' }, String(t.rows)),
    h('td', { class: 'num' }, `${t.rejected} (${pct(t.error_rate)})`),
    h('td', { class: 'num' }, `${num(t.latency_ms.p50)} / ${num(t.latency_ms.p95)} ms`),
    h('td', { class: 'num', 'data-col': 'n' }, String(l.n)),
    h('td', { class: 'num', 'data-col': 'mae' }, num(l.mae)),
    h('td', { class: 'num', 'data-col': 'rmse' }, num(l.rmse)),
    h('td', { class: 'num' }, num(l.r2)),
    h('td', { class: 'num' }, pct(l.coverage)),
  );
}

/** The significance test of experiment `id`: live (as `tabflow ab status` computes it) or recorded. */
export function testTable(t: AbTestJson, id: string): HTMLElement {
  const row = (k: string, v: string, col: string) =>
    h('tr', {}, h('th', { scope: 'row' }, k), h('td', { 'data-col': col }, v));
  const tt = t.t_test;
  const b = t.bootstrap;
  return h(
    'table',
    { class: 'kv ab-test', 'data-source': t.source },
    h(
      'caption',
      {},
      t.source === 'live'
        ? `Significance test of ${id}, as tabflow ab status computes it now`
        : `Significance test of ${id}, as recorded when it ended`,
    ),
    h(
      'tbody',
      {},
      row('verdict', t.verdict.replace(/_/g, ' ').toUpperCase(), 'verdict'),
      row('why', t.reason, 'reason'),
      row('actuals tested', `champion ${t.n.champion}, challenger ${t.n.challenger}`, 'n'),
      tt
        ? row(
            `${tt.name === 'paired' ? 'paired' : "Welch's"} t-test on |error|`,
            `difference ${num(tt.mean_difference)}, t = ${num(tt.t)}, p = ${num(tt.p_value)}`,
            't-test',
          )
        : null,
      b
        ? row(
            'bootstrap RMSE difference',
            `${num(b.estimate)}, ${Math.round(b.level * 100)}% interval [${num(b.lower)}, ${num(b.upper)}]`,
            'bootstrap',
          )
        : null,
      t.planned !== null
        ? row('planned actuals per arm', `${t.planned}${t.ready ? ' — reached' : ''}`, 'planned')
        : null,
      t.advice ? row('next', t.advice, 'advice') : null,
    ),
  );
}
