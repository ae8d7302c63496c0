/**
 * The "try a prediction" page: a form generated from the data contract of a stage's model (types,
 * training ranges, category lists; training medians as defaults) → the prediction, its interval
 * and what each input contributed. Nothing is logged.
 */
import { getJson, type PredictForm, type Prediction, postJson } from '../api.js';
import { h, mount } from '../dom.js';
import { num, pct } from '../format.js';

/** Renders the form for the stage in `params` (default production) into `root`. */
export async function predictPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const stage = params.get('stage') ?? 'production';
  const f = await getJson<PredictForm>(`/api/predict/form?stage=${encodeURIComponent(stage)}`);
  const result = h('section', { id: 'prediction', 'aria-live': 'polite', 'aria-label': 'Prediction' });
  const form = h(
    'form',
    { class: 'predict', 'aria-label': `Inputs of ${f.model}` },
    f.fields.map(field),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Predict')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(result, h('p', {}, 'Predicting…'));
    try {
      const p = await postJson<Prediction>(`/api/predict?stage=${encodeURIComponent(stage)}`, {
        record: recordOf(form, f),
      });
      mount(result, outcome(p, f));
    } catch (err) {
      mount(result, h('p', { class: 'warn', role: 'alert' }, (err as Error).message));
    }
  });
  mount(
    root,
    h('h1', {}, 'Try a prediction'),
    h(
      'p',
      { class: 'sub' },
      `${f.model} (run `,
      h('a', { href: `#/run/${encodeURIComponent(f.run_id)}` }, f.run_id),
      `) predicting ${f.target}; defaults are the training medians`,
    ),
    f.stages.length > 1 ? stagePicker(f) : null,
    form,
    result,
  );
}

function stagePicker(f: PredictForm): HTMLElement {
  const sel = h(
    'select',
    { id: 'stage' },
    f.stages.map((s) => h('option', { value: s, selected: s === f.stage }, s)),
  );
  sel.addEventListener('change', () => {
    location.hash = `#/predict?stage=${sel.value}`;
  });
  return h('label', { for: 'stage', class: 'inline' }, 'Stage ', sel);
}

function field(x: PredictForm['fields'][number]): HTMLElement {
  const id = `in-${x.name}`;
  const hint = x.categories
    ? `${x.categories.length} categories`
    : x.min !== null && x.max !== null
      ? `trained on ${num(x.min)} to ${num(x.max)}`
      : x.type;
  const input = x.categories
    ? h(
        'select',
        { id, name: x.name, 'aria-describedby': `${id}-hint` },
        x.nullable ? h('option', { value: '' }, '(missing)') : null,
        x.categories.map((c) => h('option', { value: c, selected: c === x.default }, c)),
      )
    : h('input', {
        id,
        name: x.name,
        type: x.type === 'numeric' ? 'number' : 'text',
        step: 'any',
        value: x.default ?? '',
        required: !x.nullable,
        'aria-describedby': `${id}-hint`,
      });
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, x.name),
    input,
    h('span', { class: 'sub', id: `${id}-hint` }, hint),
  );
}

function recordOf(form: HTMLFormElement, f: PredictForm): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const x of f.fields) {
    const v = (form.elements.namedItem(x.name) as HTMLInputElement | HTMLSelectElement).value;
    record[x.name] = v === '' ? null : x.type === 'numeric' ? Number(v) : v;
  }
  return record;
}

function outcome(p: Prediction, f: PredictForm): HTMLElement {
  const issues = [...p.errors, ...p.warnings].map((i) => h('li', {}, i.message));
  if (p.status !== 'ok' || p.prediction === null) {
    return h('div', {}, h('h2', {}, 'Rejected'), h('ul', { class: 'warn' }, issues));
  }
  return h(
    'div',
    {},
    h('h2', {}, `${f.target}: `, h('output', { id: 'predicted-value' }, num(p.prediction))),
    p.interval
      ? h(
          'p',
          {},
          `${pct(p.interval.coverage)} interval: ${num(p.interval.lower)} to ${num(p.interval.upper)}`,
        )
      : null,
    issues.length ? h('ul', { class: 'warn' }, issues) : null,
    p.attributions ? attributions(p.attributions, p.base_value ?? 0) : null,
  );
}

/** Signed bars, largest contribution first: how each input moved the prediction from the base value. */
function attributions(a: Record<string, number>, base: number): HTMLElement {
  const rows = Object.entries(a).sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]));
  const max = Math.max(...rows.map(([, v]) => Math.abs(v)), 1e-12);
  return h(
    'table',
    { class: 'bars attributions' },
    h('caption', {}, `What each input contributed, from the base value ${num(base)}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'input'),
        h('th', { scope: 'col' }, 'contribution'),
        h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'bar')),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map(([name, v]) =>
        h(
          'tr',
          {},
          h('td', {}, name),
          h('td', { class: 'num' }, `${v >= 0 ? '+' : ''}${num(v)}`),
          h(
            'td',
            { class: 'bar-cell' },
            h('span', {
              class: v >= 0 ? 'bar pos' : 'bar neg',
              style: `width:${((50 * Math.abs(v)) / max).toFixed(1)}%;margin-left:${v >= 0 ? 50 : 50 - (50 * Math.abs(v)) / max}%`,
            }),
          ),
        ),
      ),
    ),
  );
}
