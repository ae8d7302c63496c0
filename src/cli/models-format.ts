/**
 * Human output of `tabflow models ...` (tables and one-line decisions); `--json` prints the
 * library's records instead.
 */

import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import Table from 'cli-table3';
import { describeGate, type GateResult } from '../promotion/gate.js';
import type { PromotionDecision } from '../promotion/promote.js';
import type { RebuildReport, RecoveryNote, VersionRecord } from '../registry/model-registry.js';
import type { PublishedRun } from '../registry/run-publication.js';
import type { VersionDiff } from '../registry/version-diff.js';
import type { RegistryEvent } from '../store/registry-store.js';

function table(head: string[]): Table.Table {
  // No colour codes: the output is often piped or read in CI logs.
  return new Table({ head, style: { head: [], border: [] } });
}

const num = (v: unknown): string =>
  typeof v !== 'number' || !Number.isFinite(v)
    ? '—'
    : Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3)
      ? v.toExponential(3)
      : v.toFixed(4);

const where = (p: string): string => relative(process.cwd(), p) || '.';

export function versionsTable(list: VersionRecord[]): string {
  if (!list.length) return 'no versions registered yet (tabflow train registers every run)';
  const t = table([
    'version',
    'stages',
    'aliases',
    'target',
    'data',
    'model',
    'test rmse',
    'test r2',
    'trained',
    'run',
  ]);
  for (const v of list) {
    t.push([
      `v${v.version}`,
      v.stages.join(', '),
      v.aliases.join(', '),
      v.target ?? '—',
      v.data_file === undefined
        ? '—'
        : `${v.data_file}${v.data_rows === undefined ? '' : ` (${v.data_rows.toLocaleString('en')} rows)`}`,
      `${v.model_name} (${v.model_kind})`,
      num(v.metrics?.test?.rmse),
      num(v.metrics?.test?.r2),
      v.trained_at.replace('T', ' ').slice(0, 19),
      v.run_id,
    ]);
  }
  return t.toString();
}

export function versionDetails(v: VersionRecord): string {
  const lines = [
    `${v.name} v${v.version}`,
    `  run          ${v.run_id} (${where(v.run_path)})`,
    `  model        ${v.model_name} (${v.model_kind})`,
    `  stages       ${v.stages.join(', ') || '—'}`,
    `  aliases      ${v.aliases.join(', ') || '—'}`,
    `  trained      ${v.trained_at}`,
    `  target       ${v.target ?? '—'}`,
    `  data         ${v.data_file ?? '—'}${v.data_rows === undefined ? '' : ` (${v.data_rows.toLocaleString('en')} rows)`}`,
    `  columns      ${v.features ? `${v.features.length}: ${v.features.join(', ')}` : '—'}`,
    `  registered   ${v.registered_at} by ${v.actor}`,
    `  data sha256  ${v.data_sha256}`,
    `  config hash  ${v.config_sha256}`,
    `  metadata     sha256 ${v.metadata_sha256}`,
    `  tags         ${
      Object.entries(v.tags)
        .map(([k, x]) => `${k}=${x}`)
        .join(' ') || '—'
    }`,
    `  params       ${JSON.stringify(v.params)}`,
  ];
  const splits = Object.keys(v.metrics ?? {});
  if (splits.length) {
    const names = Object.keys(v.metrics[splits[0]] ?? {});
    const t = table(['split', ...names]);
    for (const s of splits) t.push([s, ...names.map((m) => num(v.metrics[s]?.[m]))]);
    lines.push(t.toString());
  }
  return lines.join('\n');
}

export function diffText(d: VersionDiff): string {
  const out = [
    `v${d.a.version} ${d.a.model_name} (${d.a.model_kind}, run ${d.a.run_id})  →  ` +
      `v${d.b.version} ${d.b.model_name} (${d.b.model_kind}, run ${d.b.run_id})`,
    `data: ${d.data.same ? `same file (sha256 ${d.data.a.slice(0, 12)}…)` : `different (${d.data.a.slice(0, 12)}… → ${d.data.b.slice(0, 12)}…)`}`,
  ];
  const m = table(['split', 'metric', `v${d.a.version}`, `v${d.b.version}`, 'change']);
  for (const c of d.metrics) {
    m.push([
      c.split,
      c.metric,
      num(c.a),
      num(c.b),
      c.delta === null ? '—' : `${c.delta >= 0 ? '+' : ''}${num(c.delta)}`,
    ]);
  }
  out.push('metrics:', m.toString());
  for (const [title, list] of [
    ['params', d.params],
    ['config', d.config],
    ['tags', d.tags],
  ] as const) {
    if (!list.length) {
      out.push(`${title}: no differences`);
      continue;
    }
    const t = table(['key', `v${d.a.version}`, `v${d.b.version}`]);
    for (const c of list) t.push([c.key, show(c.a), show(c.b)]);
    out.push(`${title}:`, t.toString());
  }
  return out.join('\n');
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

export function historyTable(events: RegistryEvent[]): string {
  if (!events.length) return 'no events recorded yet';
  const t = table(['#', 'time', 'event', 'stage', 'version', 'from', 'decision', 'actor', 'details']);
  for (const e of events) {
    t.push([
      e.id,
      e.ts.replace('T', ' ').slice(0, 19),
      e.type,
      e.stage ?? '',
      e.version === null ? '' : `v${e.version}`,
      e.from_version === null ? '' : `v${e.from_version}`,
      e.decision ?? '',
      e.actor ?? '',
      eventDetails(e),
    ]);
  }
  return t.toString();
}

function eventDetails(e: RegistryEvent): string {
  const d = e.details ?? {};
  const parts: string[] = [];
  if (typeof d.candidate === 'number') {
    const g = d as unknown as GateResult;
    parts.push(`${g.metric} ${num(g.candidate)} vs ${num(g.incumbent)} (${g.rows?.used} rows, ${g.eval})`);
  }
  if (typeof d.gate_error === 'string') parts.push(`gate error: ${show(d.gate_error)}`);
  if (typeof d.alias === 'string') parts.push(`alias ${d.alias}`);
  if (typeof d.run_id === 'string') parts.push(`run ${d.run_id}`);
  if (e.type === 'reconcile') parts.push(`link ${d.link_was ?? '—'} → ${d.link_now ?? '—'}`);
  if (e.reason) parts.push(`reason: ${e.reason}`);
  return parts.join('; ');
}

/** What a promotion or rollback did, in a line or two. */
export function promotionLines(d: PromotionDecision, root: string): string[] {
  const gate = d.candidate !== undefined ? describeGate(d as GateResult) : undefined;
  // A move made on a host without the run's folder is the registry's record alone.
  const dir = existsSync(join(root, d.stage))
    ? where(`${root}/${d.stage}`)
    : 'the shared registry (no run folder on this host: the hosts that have it, and every node, follow it)';
  switch (d.decision) {
    case 'refused':
      return [
        `NOT promoted: v${d.version} was refused by the ${d.stage} gate — ${gate}`,
        `v${d.version} stays registered; ${d.stage} keeps v${d.from_version} (use --force to promote anyway)`,
      ];
    case 'passed':
      return [
        `promoted v${d.version} to ${d.stage} (was v${d.from_version}): gate passed — ${gate}`,
        `${d.stage} → ${dir}`,
      ];
    case 'forced':
      return [
        `promoted v${d.version} to ${d.stage} (was v${d.from_version}), FORCED past the gate — ` +
          (gate ?? `gate not evaluated: ${d.gate_error}`),
        `${d.stage} → ${dir}`,
      ];
    case 'no_incumbent':
      return [`promoted v${d.version} to ${d.stage} (the first ${d.stage} version)`, `${d.stage} → ${dir}`];
    case 'rollback':
      return [`rolled back ${d.stage} from v${d.from_version} to v${d.version}`, `${d.stage} → ${dir}`];
    default:
      return [
        `promoted v${d.version} to ${d.stage}${d.from_version === null ? '' : ` (was v${d.from_version})`}`,
        `${d.stage} → ${dir}`,
      ];
  }
}

/** What `tabflow models rebuild` did, one line each. */
export function rebuildLines(r: RebuildReport): string[] {
  const lines = [`rebuilt ${where(r.registry)} from the folders of ${where(dirname(r.registry))}`];
  if (r.moved_aside) lines.push(`  the unreadable registry file was kept as ${where(r.moved_aside)}`);
  for (const id of r.restored_runs) lines.push(`  run folder ${id} rewritten from its release copy`);
  for (const v of r.registered)
    lines.push(`  registered ${r.name} v${v.version}: run ${v.run_id} (${v.trained_at})`);
  for (const s of r.stages) lines.push(`  ${s.stage} → v${s.version} (${s.release})`);
  for (const f of r.reconciled)
    lines.push(`  ${f.stage}: link moved from ${f.was ?? 'nothing'} to ${f.now ?? 'nothing'}`);
  for (const s of r.skipped) lines.push(`  skipped ${where(s.path)}: ${s.reason}`);
  lines.push('  aliases and the event history are not in the folders: set aliases again if you used them');
  return lines;
}

/** What opening the registry did with a killed save's leftover under runs/. */
export function recoveryLine(n: RecoveryNote): string {
  if (n.action === 'removed_tmp')
    return `removed ${where(n.path)}: a run folder a killed save left half-written`;
  if (n.action === 'registered')
    return `registered ${where(n.path)} as v${n.version}: its save was killed before registering it`;
  return `warning: moved ${where(n.path)} to ${where(n.moved_to ?? '')}: ${n.reason}`;
}

/**
 * `published run <id> to <store> (manifest <sha>, N new blobs)`: a run sent to the artifact store,
 * then a line on its training data (published for the gate on other hosts, or why not).
 */
export function publishedLine(p: PublishedRun): string {
  const d = p.data;
  const data =
    d.status === 'published'
      ? `  with its training data ${basename(d.path)} (sha256 ${d.sha256.slice(0, 12)}…, ${d.bytes} bytes, ` +
        `${d.created} new blobs): a host without the file can promote it through the gate`
      : `  training data not published: ${d.reason}; promote it from a host that has the file`;
  return `published run ${p.runId} to ${p.location} (manifest ${p.manifestSha256}, ${p.created} new blobs)\n${data}`;
}
