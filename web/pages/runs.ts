/**
 * The runs page: every run of the models folder, filtered (name, family, tag, data hash, text),
 * sorted by any column (click its header), paginated; tick 2–5 runs to compare them.
 */
import { getJson, type RunPage, type RunSummary } from '../api.js';
import { h, mount } from '../dom.js';
import { metricName, num, seconds, when } from '../format.js';

const COLUMNS: { key: string; label: string; sortable: boolean }[] = [
  { key: 'select', label: 'Compare', sortable: false },
  { key: 'created_at', label: 'Created', sortable: true },
  { key: 'name', label: 'Model name', sortable: true },
  { key: 'family', label: 'Selected', sortable: true },
  { key: 'score', label: 'CV / VAL', sortable: true },
  { key: 'test', label: 'TEST', sortable: true },
  { key: 'data_file', label: 'Data', sortable: true },
  { key: 'rows', label: 'Rows', sortable: true },
  { key: 'wall_seconds', label: 'Wall time', sortable: true },
];

const FILTERS = ['name', 'family', 'tag', 'data', 'since', 'min_test', 'q'] as const;

/** Renders the runs page for the hash query `params` into `root`. */
export async function runsPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const page = await getJson<RunPage>(`/api/runs?${params}`);
  const selected = new Set<string>();
  const compareButton = h(
    'button',
    {
      type: 'button',
      disabled: true,
      onclick: () => {
        location.hash = `#/compare?ids=${[...selected].join(',')}`;
      },
    },
    'Compare selected',
  );
  const onTick = (id: string, on: boolean) => {
    if (on) selected.add(id);
    else selected.delete(id);
    compareButton.disabled = selected.size < 2 || selected.size > 5;
    compareButton.textContent = `Compare selected (${selected.size})`;
  };
  mount(
    root,
    h('h1', {}, 'Runs'),
    filtersForm(page, params),
    h(
      'p',
      { class: 'sub', id: 'runs-count', 'aria-live': 'polite' },
      `${page.total} run${page.total === 1 ? '' : 's'} match`,
    ),
    page.unreadable.length
      ? h(
          'p',
          { class: 'warn' },
          `${page.unreadable.length} run folder(s) could not be read: ${page.unreadable.map((u) => `${u.run_id} (${u.error})`).join('; ')}`,
        )
      : null,
    h('div', { class: 'actions' }, compareButton, h('span', { class: 'sub' }, 'tick 2 to 5 runs')),
    runsTable(page.runs, params, onTick),
    pager(page, params),
  );
}

function filtersForm(page: RunPage, params: URLSearchParams): HTMLElement {
  const select = (id: string, label: string, options: string[]) =>
    h(
      'label',
      { for: `f-${id}` },
      label,
      h(
        'select',
        { id: `f-${id}`, name: id },
        h('option', { value: '' }, 'all'),
        options.map((o) => h('option', { value: o, selected: params.get(id) === o }, o)),
      ),
    );
  const text = (id: string, label: string, placeholder: string) =>
    h(
      'label',
      { for: `f-${id}` },
      label,
      h('input', { id: `f-${id}`, name: id, type: 'search', value: params.get(id) ?? '', placeholder }),
    );
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter runs' },
    select('name', 'Model name', page.facets.names),
    select('family', 'Selected family', page.facets.families),
    text('tag', 'Tag', page.facets.tags.length ? `${page.facets.tags[0]}=…` : 'key=value'),
    text('data', 'Data sha256', 'prefix'),
    h(
      'label',
      { for: 'f-since' },
      'Created since',
      h('input', { id: 'f-since', name: 'since', type: 'date', value: params.get('since') ?? '' }),
    ),
    h(
      'label',
      { for: 'f-min_test' },
      'TEST at least',
      h('input', {
        id: 'f-min_test',
        name: 'min_test',
        type: 'number',
        step: 'any',
        value: params.get('min_test') ?? '',
        placeholder: 'e.g. 0.9',
      }),
    ),
    text('q', 'Search', 'run id, data file, target…'),
    h('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      const v = (form.elements.namedItem(f) as HTMLInputElement | HTMLSelectElement).value.trim();
      if (v) next.set(f, v);
    }
    for (const k of ['sort', 'order', 'page_size']) if (params.get(k)) next.set(k, params.get(k) as string);
    location.hash = `#/runs?${next}`;
  });
  return form;
}

function runsTable(
  runs: RunSummary[],
  params: URLSearchParams,
  onTick: (id: string, on: boolean) => void,
): HTMLElement {
  const sort = params.get('sort') ?? 'created_at';
  const order = params.get('order') ?? 'desc';
  const head = COLUMNS.map((c) => {
    if (!c.sortable) return h('th', { scope: 'col' }, c.label);
    const active = sort === c.key;
    const next = new URLSearchParams(params);
    next.set('sort', c.key);
    next.set('order', active && order === 'desc' ? 'asc' : 'desc');
    next.delete('page');
    return h(
      'th',
      { scope: 'col', 'aria-sort': active ? (order === 'asc' ? 'ascending' : 'descending') : 'none' },
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          'data-sort': c.key,
          onclick: () => {
            location.hash = `#/runs?${next}`;
          },
        },
        c.label,
        active ? (order === 'asc' ? ' ▲' : ' ▼') : '',
      ),
    );
  });
  return h(
    'table',
    { class: 'runs' },
    h('caption', { class: 'sr-only' }, 'Runs, one per row; column headers sort'),
    h('thead', {}, h('tr', {}, head)),
    h(
      'tbody',
      {},
      runs.map((r) => runRow(r, onTick)),
    ),
  );
}

function runRow(r: RunSummary, onTick: (id: string, on: boolean) => void): HTMLElement {
  const box = h('input', { type: 'checkbox', 'aria-label': `compare run ${r.run_id}`, 'data-run': r.run_id });
  box.addEventListener('change', () => onTick(r.run_id, box.checked));
  const tags = Object.entries(r.tags).map(([k, v]) => h('span', { class: 'tag' }, v ? `${k}=${v}` : k));
  return h(
    'tr',
    { 'data-run': r.run_id },
    h('td', {}, box),
    h(
      'td',
      {},
      h('a', { href: `#/run/${encodeURIComponent(r.run_id)}` }, when(r.created_at)),
      h('div', { class: 'sub mono' }, r.run_id),
    ),
    h('td', {}, r.name ?? '—', ' ', tags),
    h('td', {}, r.selected, r.selected !== r.family ? h('span', { class: 'sub' }, ` (${r.family})`) : null),
    h(
      'td',
      { class: 'num', 'data-col': 'score' },
      num(r.score),
      h('span', { class: 'sub' }, ` ${metricName(r.metric)} ${r.selected_on}`),
    ),
    h('td', { class: 'num', 'data-col': 'test' }, num(r.test)),
    h('td', {}, r.data_file, h('div', { class: 'sub mono' }, r.data_sha256.slice(0, 12))),
    h('td', { class: 'num' }, r.rows),
    h('td', { class: 'num' }, seconds(r.wall_seconds)),
  );
}

function pager(page: RunPage, params: URLSearchParams): HTMLElement {
  const pages = Math.max(1, Math.ceil(page.total / page.page_size));
  const link = (p: number, label: string) => {
    const next = new URLSearchParams(params);
    next.set('page', String(p));
    return h('a', { href: `#/runs?${next}`, rel: p < page.page ? 'prev' : 'next' }, label);
  };
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages of runs' },
    page.page > 1 ? link(page.page - 1, '← previous') : null,
    h('span', {}, ` page ${page.page} of ${pages} `),
    page.page < pages ? link(page.page + 1, 'next →') : null,
  );
}
