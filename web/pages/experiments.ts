/**
 * The experiments page: the running A/B test — its arms (versions), the traffic split, each arm's
 * rows, rejections, latency and accuracy from feedback, and the significance test exactly as
 * `tabflow ab status` computes it — with stop and conclude; a start form when none runs; and the
 * ended experiments with the numbers recorded when they ended. Writes carry the admin token.
 *
 * The page refreshes itself (web/refresh.ts): while the same experiment runs, a refresh redraws
 * only its live parts (the as-of time, the arms, the test, the conclude button's label), so a
 * half-filled start form, an open confirmation dialog and the keyboard focus stay as they are.
 * When an experiment started or ended elsewhere, the page is drawn again, keeping the values typed
 * into its fields, and says what changed. Only the newest answer of the API is drawn.
 */
import { adminToken, tokenForm } from '../admin.js';
import { type ExperimentJson, type ExperimentsJson, getJson, postAdmin } from '../api.js';
import { h, mount } from '../dom.js';
import { pct, when } from '../format.js';
import { autoRefresh, preservingInput, refreshControls, refreshNow, showing } from '../refresh.js';
import { actions, concludeLabel, startForm, type Writes } from './experiment-actions.js';
import { armsTable, testTable } from './experiment-tables.js';

const ROUTE = '#/experiments';
/** What the page drew: its running experiment and the shape a live refresh must find again. */
let drawn: { running: string | null; shape: string } = { running: null, shape: '' };
/** The newest overview the page has (Conclude reads the test's readiness from it). */
let newest: ExperimentsJson | undefined;
/** Requests of the overview so far: a refresh draws its answer only if no later one was made. */
let requests = 0;
/** Writes in flight: refreshes wait for them (the write redraws the page itself). */
let writing = 0;

/** Renders the experiments of the models folder into `root` and keeps the numbers fresh. */
export async function experimentsPage(root: HTMLElement): Promise<void> {
  requests++;
  draw(root, await getJson<ExperimentsJson>('/api/experiments'));
  autoRefresh(ROUTE, () => refresh(root));
}

/** One refresh: the live parts when the same experiment (or none) still runs, else the page. */
async function refresh(root: HTMLElement): Promise<void> {
  if (writing) return;
  const mine = ++requests;
  const x = await getJson<ExperimentsJson>('/api/experiments');
  if (mine !== requests || writing || !showing(ROUTE)) return;
  const asOf = document.getElementById('experiments-as-of');
  if (asOf && shapeOf(x) === drawn.shape) {
    newest = x;
    asOf.textContent = `as of ${when(x.generated_at)}`;
    if (x.running) preservingInput(root, () => redrawLive(root, x.running as ExperimentJson));
    return;
  }
  const before = drawn.running;
  preservingInput(root, () => draw(root, x));
  note(changedElsewhere(before, x));
}

function redrawLive(root: HTMLElement, e: ExperimentJson): void {
  for (const old of root.querySelectorAll<HTMLElement>('[data-live]')) {
    if (old.getAttribute('data-live') === e.id) old.replaceWith(liveParts(e));
  }
  const conclude = document.getElementById('conclude');
  if (conclude) conclude.textContent = concludeLabel(e);
}

/** What must be the same for a refresh to redraw only the live parts. */
function shapeOf(x: ExperimentsJson): string {
  return JSON.stringify([
    x.running?.id ?? null,
    x.ended.map((e) => e.id),
    x.writable,
    x.production_version,
    x.challengers.map((v) => v.version),
    x.rule,
  ]);
}

function changedElsewhere(before: string | null, x: ExperimentsJson): string {
  const now = x.running?.id ?? null;
  if (before === now)
    return 'The registry changed (versions, production or the stopping rule): the page is drawn again.';
  if (before && now) return `${before} ended and ${now} started elsewhere.`;
  return before ? `${before} ended elsewhere.` : `${now} was started elsewhere.`;
}

/** A line in the page's status region (the current one: a redraw replaces it). */
function note(message: string, cls = 'note', role?: 'alert'): void {
  const status = document.getElementById('experiments-status');
  if (status) mount(status, h('p', { class: cls, role }, message));
}

function draw(root: HTMLElement, x: ExperimentsJson): void {
  newest = x;
  drawn = { running: x.running?.id ?? null, shape: shapeOf(x) };
  const status = h('div', { id: 'experiments-status', role: 'status', 'aria-live': 'polite' });
  const w: Writes = {
    refused: (message) => note(message, 'warn', 'alert'),
    post: async <T>(path: string, body: unknown) => {
      writing++;
      requests++; // a refresh already asked for draws nothing
      try {
        return await postAdmin<T>(path, adminToken(), body);
      } finally {
        writing--;
      }
    },
    rerender: async (message) => {
      writing++; // the page drawn after the write is this one's, with its message
      try {
        requests++;
        const y = await getJson<ExperimentsJson>('/api/experiments');
        if (!showing(ROUTE)) return;
        draw(root, y);
        note(message, 'ok');
      } finally {
        writing--;
      }
    },
    latest: (e) => (newest?.running?.id === e.id ? newest.running : e),
  };
  const refreshButton = h('button', { type: 'button', id: 'experiments-refresh' }, 'Refresh');
  refreshButton.addEventListener('click', () => {
    void refreshNow().catch((err: Error) => note(err.message, 'warn', 'alert'));
  });
  mount(
    root,
    h('h1', {}, `Experiments: ${x.name ?? '(unnamed model)'}`),
    h(
      'p',
      { class: 'sub', id: 'generated-at' },
      h('span', { id: 'experiments-as-of' }, `as of ${when(x.generated_at)}`),
      ' · ',
      refreshControls(ROUTE),
      ' ',
      refreshButton,
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
      ? experimentSection(x.running, x.writable ? w : null)
      : [h('p', { id: 'no-experiment' }, 'No experiment is running.'), x.writable ? startForm(x, w) : null],
    h('h2', {}, 'Ended'),
    x.ended.length
      ? x.ended.map((e) => experimentSection(e, null))
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

function experimentSection(e: ExperimentJson, w: Writes | null): HTMLElement {
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
    liveParts(e),
    w ? actions(e, w) : null,
  );
}

/** What a refresh redraws of a running experiment: production's move, the arms, the test. */
function liveParts(e: ExperimentJson): HTMLElement {
  return h(
    'div',
    { class: 'live', 'data-live': e.id },
    e.production?.moved
      ? h(
          'p',
          { class: 'warn' },
          `Production is now v${e.production.version ?? 'none'}, not this experiment's champion.`,
        )
      : null,
    armsTable(e),
    e.test ? testTable(e.test, e.id) : null,
  );
}
