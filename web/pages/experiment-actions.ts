/**
 * The experiments page's writes, each with the admin token: start (a form), and Conclude and
 * Stop of the running experiment after a confirmation dialog. A write redraws the whole page
 * with its outcome in the status line; a refused one says why there.
 */
import { confirmDialog } from '../admin.js';
import type { ConcludeJson, ExperimentJson, ExperimentsJson } from '../api.js';
import { h } from '../dom.js';

/** What the writes need of the page. */
export interface Writes {
  /** Says in the page's status region why a write was refused. */
  refused: (message: string) => void;
  /** POSTs a write with the admin token (refreshes wait for it). */
  post: <T>(path: string, body: unknown) => Promise<T>;
  /** Redraws the whole page after a write, with `message` in the status line. */
  rerender: (message: string) => Promise<void>;
  /** The newest numbers of experiment `e` the page has (refreshes update them after it drew). */
  latest: (e: ExperimentJson) => ExperimentJson;
}

/** Conclude and Stop of the running experiment `e` (each asks for a confirmation first). */
export function actions(e: ExperimentJson, w: Writes): HTMLElement {
  return h(
    'div',
    { class: 'actions' },
    h(
      'button',
      { type: 'button', id: 'conclude', onclick: () => void conclude(w.latest(e), w) },
      concludeLabel(e),
    ),
    h('button', { type: 'button', id: 'stop', onclick: () => void stop(e, w) }, 'Stop'),
  );
}

/** The conclude button's label: before the planned sample size it says so. */
export function concludeLabel(e: ExperimentJson): string {
  return e.test?.ready === true ? 'Conclude' : 'Conclude now (before the horizon)';
}

async function conclude(e: ExperimentJson, w: Writes): Promise<void> {
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
    const r = await w.post<ConcludeJson>('/api/experiments/conclude', {
      id: e.id,
      force: !ready,
    });
    await w.rerender(
      `${r.outcome === 'promoted' ? 'Promoted the challenger' : 'Kept the champion'}: ${r.reason}`,
    );
  } catch (err) {
    w.refused((err as Error).message);
  }
}

async function stop(e: ExperimentJson, w: Writes): Promise<void> {
  const body = h('p', {}, 'Production answers alone again; the numbers so far are recorded in the history.');
  if (!(await confirmDialog(`Stop ${e.id}?`, body, 'Confirm stop'))) return;
  try {
    await w.post('/api/experiments/stop', { id: e.id });
    await w.rerender(`Stopped ${e.id}`);
  } catch (err) {
    w.refused((err as Error).message);
  }
}

/** The form that starts an experiment: challenger, share or shadow, sticky key. */
export function startForm(x: ExperimentsJson, w: Writes): HTMLElement {
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
      const e = await w.post<{ id: string }>('/api/experiments/start', {
        challenger: Number(challenger.value),
        weight: Number(weight.value),
        shadow: shadow.checked,
        key: key.value.trim() || undefined,
      });
      await w.rerender(`Started ${e.id}: a server following production picks it up within its poll period`);
    } catch (err) {
      w.refused((err as Error).message);
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
