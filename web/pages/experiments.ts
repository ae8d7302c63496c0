/**
 * The experiments page: the running A/B test — its arms (versions), the traffic split, each arm's
 * rows, rejections, latency and accuracy from feedback, and the significance test exactly as
 * `tabflow ab status` computes it — with stop and conclude; a start form when none runs; and the
 * ended experiments with the numbers recorded when they ended. Writes carry the admin token.
 */
import { adminToken, confirmDialog, tokenForm } from '../admin.js';
import {
  type AbTestJson,
  type ArmJson,
  type ConcludeJson,
  type ExperimentJson,
  type ExperimentsJson,
  getJson,
  postAdmin,
} from '../api.js';
import { h, mount } from '../dom.js';
import { num, pct, when } from '../format.js';

type Rerender = (message: string) => Promise<void>;

/** Renders the experiments of the models folder into `root`. */
export async function experimentsPage(root: HTMLElement): Promise<void> {
  const x = await getJson<ExperimentsJson>('/api/experiments');
  const status = h('div', { id: 'experiments-status', role: 'status', 'aria-live': 'polite' });
  const rerender: Rerender = async (message) => {
    await experimentsPage(root);
    mount(document.getElementById('experiments-status') as HTMLElement, h('p', { class: 'ok' }, message));
  };
  mount(
    root,
    h('h1', {}, `Experiments: ${x.name ?? '(unnamed model)'}`),
    h(
      'p',
      { class: 'sub', id: 'generated-at' },
      `as of ${when(x.generated_at)} `,
      h(
        'button',
        { type: 'button', id: 'experiments-refresh', onclick: () => void experimentsPage(root) },
        'Refresh',
      ),
    ),
    x.writable
      ? tokenForm()
      : h(
          'p',
          { class: 'sub' },
          'Read-only: start the UI with TABFLOW_ADMIN_TOKEN set to start, stop and conclude experiments.',
        ),
    status,
    ruleLine(x),
    h('h2', {}, 'Running'),
    x.running
      ? experimentSection(x.running, x.writable, status, rerender)
      : [
          h('p', { id: 'no-experiment' }, 'No experiment is running.'),
          x.writable ? startForm(x, status, rerender) : null,
        ],
    h('h2', {}, 'Ended'),
    x.ended.length
      ? x.ended.map((e) => experimentSection(e, false, status, rerender))
      : h('p', { class: 'note' }, 'No experiment has ended yet.'),
  );
}

function ruleLine(x: ExperimentsJson): HTMLElement | null {
  const r = x.rule;
  if (!r) return null;
  return h(
    'p',
    { class: 'sub', id: 'stopping-rule' },
    `Stopping rule (the production run's experiment section): ${r.metric === 'mae' ? 't-test on absolute errors (MAE)' : 'bootstrap of the RMSE difference'}, ` +
      `α = ${r.alpha}, a verdict from ${r.min_samples} actuals per arm, planned ${r.max_samples ?? r.min_samples} (test once there).`,
  );
}

function experimentSection(
  e: ExperimentJson,
  writable: boolean,
  status: HTMLElement,
  rerender: Rerender,
): HTMLElement {
  const [champ, chal] = e.arms;
  const split =
    e.design === 'shadow'
      ? 'shadow: the challenger scores every row, the champion answers'
      : `split: challenger ${pct(e.weight)}, champion ${pct(1 - e.weight)}`;
  const ended = e.ended_at
    ? `, ended ${when(e.ended_at)}`
    : e.status === 'running'
      ? ''
      : ', end not recorded';
  return h(
    'section',
    {
      class: 'experiment',
      'data-experiment': e.id,
      'data-status': e.status,
      'aria-label': `Experiment ${e.id}`,
    },
    h(
      'p',
      { class: 'experiment-summary' },
      h('strong', {}, e.id),
      `: challenger v${chal.version} vs champion v${champ.version} — ${split}${e.key_field ? `, sticky by ${e.key_field}` : ''}; started ${when(e.started_at)}${ended}`,
    ),
    e.status !== 'running'
      ? h(
          'p',
          { class: 'outcome' },
          `${e.status.toUpperCase()}${e.outcome ? ` (${e.outcome.replace(/_/g, ' ')})` : ''}: ${e.end_reason ?? ''}`,
        )
      : null,
    e.production?.moved
      ? h(
          'p',
          { class: 'warn' },
          `Production is now v${e.production.version ?? 'none'}, not this experiment's champion.`,
        )
      : null,
    armsTable(e),
    e.test ? testTable(e.test, e.id) : null,
    writable ? actions(e, status, rerender) : null,
  );
}

function armsTable(e: ExperimentJson): HTMLElement {
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
      e.arms.map((a) => armRow(a, e.design)),
    ),
  );
}

function armRow(a: ArmJson, design: ExperimentJson['design']): HTMLElement {
  const t = a.traffic;
  const l = a.live;
  return h(
    'tr',
    { 'data-arm': a.arm },
    h('th', { scope: 'row' }, a.arm === 'challenger' && design === 'shadow' ? 'challenger (shadow)' : a.arm),
    h('td', {}, h('a', { href: `#/run/${encodeURIComponent(a.run_id)}` }, `v${a.version}`)),
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

function testTable(t: AbTestJson, id: string): HTMLElement {
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

function actions(e: ExperimentJson, status: HTMLElement, rerender: Rerender): HTMLElement {
  const ready = e.test?.ready === true;
  return h(
    'div',
    { class: 'actions' },
    h(
      'button',
      { type: 'button', id: 'conclude', onclick: () => void conclude(e, status, rerender) },
      ready ? 'Conclude' : 'Conclude now (before the horizon)',
    ),
    h('button', { type: 'button', id: 'stop', onclick: () => void stop(e, status, rerender) }, 'Stop'),
  );
}

async function conclude(e: ExperimentJson, status: HTMLElement, rerender: Rerender): Promise<void> {
  const ready = e.test?.ready === true;
  const verdict = e.test ? e.test.verdict.replace(/_/g, ' ') : 'no verdict';
  const body = h(
    'div',
    {},
    h(
      'p',
      {},
      `Verdict now: ${verdict}. A significantly better challenger is promoted through the registry gate; otherwise the champion is kept. The experiment stops either way.`,
    ),
    ready
      ? null
      : h(
          'p',
          { class: 'warn' },
          'The planned sample size is not reached: deciding now inflates false positives (as tabflow ab conclude --force).',
        ),
  );
  if (
    !(await confirmDialog(
      `Conclude ${e.id}?`,
      body,
      ready ? 'Confirm conclusion' : 'Conclude anyway (force)',
    ))
  )
    return;
  try {
    const r = await postAdmin<ConcludeJson>('/api/experiments/conclude', adminToken(), {
      id: e.id,
      force: !ready,
    });
    await rerender(
      `${r.outcome === 'promoted' ? 'Promoted the challenger' : 'Kept the champion'}: ${r.reason}`,
    );
  } catch (err) {
    mount(status, h('p', { class: 'warn', role: 'alert' }, (err as Error).message));
  }
}

async function stop(e: ExperimentJson, status: HTMLElement, rerender: Rerender): Promise<void> {
  const body = h('p', {}, 'Production answers alone again; the numbers so far are recorded in the history.');
  if (!(await confirmDialog(`Stop ${e.id}?`, body, 'Confirm stop'))) return;
  try {
    await postAdmin('/api/experiments/stop', adminToken(), { id: e.id });
    await rerender(`Stopped ${e.id}`);
  } catch (err) {
    mount(status, h('p', { class: 'warn', role: 'alert' }, (err as Error).message));
  }
}

function startForm(x: ExperimentsJson, status: HTMLElement, rerender: Rerender): HTMLElement {
  const challenger = h(
    'select',
    { id: 'start-challenger' },
    x.challengers.map((v) => h('option', { value: v.version }, `v${v.version} — ${v.model} (${v.run_id})`)),
  );
  const weight = h('input', {
    id: 'start-weight',
    type: 'number',
    min: 0.01,
    max: 0.99,
    step: 0.01,
    value: x.rule?.weight ?? 0.1,
  });
  const shadow = h('input', { id: 'start-shadow', type: 'checkbox' });
  const key = h('input', { id: 'start-key', type: 'text', autocomplete: 'off' });
  const submit = async (ev: Event) => {
    ev.preventDefault();
    try {
      const e = await postAdmin<{ id: string }>('/api/experiments/start', adminToken(), {
        challenger: Number(challenger.value),
        weight: Number(weight.value),
        shadow: shadow.checked,
        key: key.value.trim() || undefined,
      });
      await rerender(`Started ${e.id}: a server following production picks it up within its poll period`);
    } catch (err) {
      mount(status, h('p', { class: 'warn', role: 'alert' }, (err as Error).message));
    }
  };
  if (!x.challengers.length || x.production_version === null) {
    return h(
      'p',
      { class: 'note' },
      'An experiment needs a production version and another registered version.',
    );
  }
  return h(
    'form',
    {
      class: 'filters',
      id: 'start-form',
      'aria-label': 'Start an experiment',
      onsubmit: (ev: Event) => void submit(ev),
    },
    h(
      'label',
      { for: 'start-challenger' },
      `Challenger (against production v${x.production_version})`,
      challenger,
    ),
    h('label', { for: 'start-weight' }, 'Challenger share of traffic', weight),
    h(
      'label',
      { for: 'start-shadow', class: 'check' },
      shadow,
      ' Shadow (challenger scores every row, production answers)',
    ),
    h('label', { for: 'start-key' }, 'Sticky key field (optional)', key),
    h('button', { type: 'submit' }, 'Start experiment'),
  );
}
