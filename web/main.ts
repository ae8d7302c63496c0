/**
 * The tabflow web UI: a hash router over the pages. `#/runs?…`, `#/run/<id>`, `#/compare?ids=a,b`,
 * `#/models`, `#/production`, `#/experiments`, `#/predict?stage=production`.
 * Each navigation renders one page into <main>, moves focus there for keyboard and screen-reader
 * users, and shows API errors as they are.
 */
import { h, mount } from './dom.js';
import { comparePage } from './pages/compare.js';
import { experimentsPage } from './pages/experiments.js';
import { modelsPage } from './pages/models.js';
import { predictPage } from './pages/predict.js';
import { productionPage } from './pages/production.js';
import { runPage } from './pages/run.js';
import { runsPage } from './pages/runs.js';

const root = document.getElementById('app') as HTMLElement;

async function route(): Promise<void> {
  const [path, query = ''] = (location.hash.replace(/^#/, '') || '/runs').split('?');
  const params = new URLSearchParams(query);
  const [, page, arg] = path.split('/');
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.getAttribute('data-nav') === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = 'tabflow';
  root.setAttribute('aria-busy', 'true');
  try {
    if (page === 'run' && arg) await runPage(root, decodeURIComponent(arg));
    else if (page === 'models') await modelsPage(root);
    else if (page === 'production') await productionPage(root, params);
    else if (page === 'experiments') await experimentsPage(root);
    else if (page === 'predict') await predictPage(root, params);
    else if (page === 'compare')
      await comparePage(root, (params.get('ids') ?? '').split(',').filter(Boolean));
    else await runsPage(root, params);
  } catch (e) {
    mount(
      root,
      h('h1', {}, 'Something went wrong'),
      h('p', { class: 'warn', role: 'alert' }, (e as Error).message),
      h('p', {}, h('a', { href: '#/runs' }, 'Back to the runs')),
    );
  } finally {
    root.removeAttribute('aria-busy');
    root.focus({ preventScroll: true });
  }
}

window.addEventListener('hashchange', () => void route());
void route();
