/**
 * The models page: the registry's stages, versions and history, and the two moves — promote (the
 * gate's numbers shown first, then a confirmation) and roll back, with the admin token of admin.ts.
 */

import { adminToken, confirmDialog, tokenForm } from '../admin.js';
import { getJson, type ModelsOverview, type Preview, postAdmin, type StageMove } from '../api.js';
import { h, mount } from '../dom.js';
import { metricName, num, pct, when } from '../format.js';

/** Renders the registry of the models folder into `root`. */
export async function modelsPage(root: HTMLElement): Promise<void> {
  const m = await getJson<ModelsOverview>('/api/models');
  const status = h('div', { id: 'models-status', role: 'status', 'aria-live': 'polite' });
  const rerender = async (message: string) => {
    await modelsPage(root);
    mount(document.getElementById('models-status') as HTMLElement, h('p', { class: 'ok' }, message));
  };
  mount(
    root,
    h('h1', {}, `Model ${m.name ?? '(unnamed)'}`),
    m.writable
      ? tokenForm()
      : h(
          'p',
          { class: 'sub' },
          'Read-only: start the UI with TABFLOW_ADMIN_TOKEN set to promote and roll back.',
        ),
    status,
    h('h2', {}, 'Stages'),
    stagesTable(m, status, rerender),
    h('h2', {}, 'Versions'),
    versionsTable(m, status, rerender),
    h('h2', {}, 'History'),
    historyTable(m),
  );
}

type Rerender = (message: string) => Promise<void>;

function stagesTable(m: ModelsOverview, status: HTMLElement, rerender: Rerender): HTMLElement {
  return h(
    'table',
    { class: 'stages' },
    h('caption', { class: 'sr-only' }, 'Which version each stage holds'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['stage', 'version', 'since', ''].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      m.stages.map((s) =>
        h(
          'tr',
          { 'data-stage': s.stage },
          h('th', { scope: 'row' }, s.stage),
          h('td', { class: 'num', 'data-col': 'version' }, s.version === null ? '—' : `v${s.version}`),
          h('td', {}, s.since ? when(s.since) : '—'),
          h(
            'td',
            {},
            m.writable && s.version !== null
              ? h(
                  'button',
                  { type: 'button', onclick: () => void rollback(s.stage, status, rerender) },
                  `Roll back ${s.stage}`,
                )
              : null,
          ),
        ),
      ),
    ),
  );
}

function versionsTable(m: ModelsOverview, status: HTMLElement, rerender: Rerender): HTMLElement {
  const stages = m.stages.map((s) => s.stage);
  return h(
    'table',
    { class: 'versions' },
    h('caption', { class: 'sr-only' }, 'Registered versions, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['version', 'run', 'model', 'TEST R²', 'stages', 'registered', ''].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      [...m.versions].reverse().map((v) =>
        h(
          'tr',
          { 'data-version': v.version },
          h('th', { scope: 'row' }, `v${v.version}`),
          h('td', {}, h('a', { href: `#/run/${encodeURIComponent(v.run_id)}` }, v.run_id)),
          h('td', {}, `${v.model} (${v.family})`),
          h('td', { class: 'num' }, num(v.test?.r2)),
          h('td', {}, [...v.stages, ...v.aliases.map((a) => `@${a}`)].join(', ') || '—'),
          h('td', {}, `${when(v.registered_at)} by ${v.actor}`),
          h(
            'td',
            {},
            m.writable
              ? stages
                  .filter((s) => !v.stages.includes(s))
                  .map((s) =>
                    h(
                      'button',
                      {
                        type: 'button',
                        'data-promote': s,
                        onclick: () => void previewThenPromote(v.version, s, status, rerender),
                      },
                      `Promote to ${s}`,
                    ),
                  )
              : null,
          ),
        ),
      ),
    ),
  );
}

function historyTable(m: ModelsOverview): HTMLElement {
  return h(
    'table',
    { class: 'history' },
    h('caption', { class: 'sr-only' }, 'Registry history, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['when', 'event', 'stage', 'version', 'from', 'decision', 'actor', 'reason'].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      [...m.history]
        .reverse()
        .map((e) =>
          h(
            'tr',
            {},
            h('td', {}, when(e.ts)),
            h('td', {}, e.type),
            h('td', {}, e.stage ?? ''),
            h('td', {}, e.version ?? ''),
            h('td', {}, e.from_version ?? ''),
            h('td', {}, e.decision ?? ''),
            h('td', {}, e.actor ?? ''),
            h('td', {}, e.reason ?? ''),
          ),
        ),
    ),
  );
}

async function previewThenPromote(
  version: number,
  stage: string,
  status: HTMLElement,
  rerender: Rerender,
): Promise<void> {
  mount(status, h('p', {}, `Running the gate for v${version} → ${stage}…`));
  try {
    const p = await postAdmin<Preview>('/api/models/preview', adminToken(), { version, stage });
    mount(status);
    const ok = await confirmDialog(
      `Promote v${version} to ${stage}?`,
      gateSummary(p),
      p.decision === 'refused' ? 'Promote anyway (force)' : 'Confirm promotion',
    );
    if (!ok) return;
    const move = await postAdmin<StageMove>('/api/models/promote', adminToken(), {
      version,
      stage,
      preview_id: p.preview_id,
      force: p.decision === 'refused',
    });
    await rerender(
      move.applied ? `v${version} is now in ${stage} (${move.decision})` : `Not promoted: ${move.decision}`,
    );
  } catch (e) {
    mount(status, h('p', { class: 'warn', role: 'alert' }, (e as Error).message));
  }
}

async function rollback(stage: string, status: HTMLElement, rerender: Rerender): Promise<void> {
  const ok = await confirmDialog(
    `Roll back ${stage}?`,
    h('p', {}, `${stage} goes back to the version that held it before.`),
    'Confirm rollback',
  );
  if (!ok) return;
  try {
    const move = await postAdmin<StageMove>('/api/models/rollback', adminToken(), { stage });
    await rerender(`${stage} rolled back to v${move.version}`);
  } catch (e) {
    mount(status, h('p', { class: 'warn', role: 'alert' }, (e as Error).message));
  }
}

function gateSummary(p: Preview): HTMLElement {
  if (p.gate_error) return h('p', { class: 'warn' }, `The gate could not run: ${p.gate_error}`);
  if (!p.gate) {
    return h(
      'p',
      { id: 'gate-decision' },
      p.decision === 'no_incumbent'
        ? `No version holds ${p.stage}: nothing to compare with.`
        : `${p.stage} is not gated.`,
    );
  }
  const g = p.gate;
  return h(
    'div',
    {},
    h(
      'p',
      { id: 'gate-decision', class: g.passed ? 'ok' : 'warn' },
      g.passed ? 'The gate passes.' : 'The gate refuses: the candidate is not better enough.',
    ),
    h(
      'table',
      { class: 'kv gate' },
      h('caption', { class: 'sr-only' }, 'The gate’s numbers'),
      h(
        'tbody',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, `${metricName(g.metric)} candidate v${p.version}`),
          h('td', { class: 'num' }, num(g.candidate)),
        ),
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, `${metricName(g.metric)} production v${p.incumbent}`),
          h('td', { class: 'num' }, num(g.incumbent)),
        ),
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, 'improvement'),
          h('td', { class: 'num' }, `${num(g.improvement_abs)} (${pct(g.improvement_rel)})`),
        ),
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, 'required'),
          h(
            'td',
            { class: 'num' },
            `≥ ${num(g.thresholds.min_improvement_abs)} and ≥ ${pct(g.thresholds.min_improvement_rel)}`,
          ),
        ),
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, 'rows'),
          h('td', {}, `${g.rows.used} used, ${g.rows.excluded} excluded — ${g.eval}`),
        ),
      ),
    ),
  );
}
