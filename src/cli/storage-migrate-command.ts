/**
 * `tabflow storage migrate --from models --to postgres://…`: which stores the flags name (a
 * models folder stands for its registry.sqlite, predictions.sqlite, run folders and
 * experiment.json; a store URI for both stores, as storage.uri, its experiment a registry row), progress on stderr, and the table of what was copied and
 * verified. The work is the library's (`migrateStorage`).
 */
import { dirname, join, resolve } from 'node:path';
import Table from 'cli-table3';
import { LOG_FILE } from '../log/default-log-path.js';
import { EXPERIMENT_FILE } from '../registry/experiment-location.js';
import {
  type MigrationProgress,
  type MigrationReport,
  type MigrationSource,
  type MigrationTarget,
  migrateStorage,
} from '../registry/storage-migration/migrate-storage.js';
import { REGISTRY_DB_FILE } from '../store/open-stores.js';
import { parseStoreUri, postgresSchemaOf } from '../store/store-uri.js';

/** The flags of `storage migrate`. */
export interface StorageMigrateOptions {
  from: string;
  to: string;
  artifacts?: string;
  fromArtifacts?: string;
  resume?: boolean;
  verifyOnly?: boolean;
  json?: boolean;
}

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;

/** A models folder's two stores, or a store URI's (a `sqlite:` registry file's folder is its models folder). */
function storesOf(flag: string, value: string): { registry: string; log: string; root: string | null } {
  if (!HAS_SCHEME.test(value)) {
    const root = resolve(value);
    return {
      registry: `sqlite:${join(root, REGISTRY_DB_FILE)}`,
      log: `sqlite:${join(root, LOG_FILE)}`,
      root,
    };
  }
  const u = parseStoreUri(flag, value);
  if (u.scheme === 'sqlite') {
    const root = dirname(u.target);
    return { registry: `sqlite:${u.target}`, log: `sqlite:${join(root, LOG_FILE)}`, root };
  }
  return { registry: value, log: value, root: null };
}

/** The source and target the flags name. */
export function migrationEndpoints(o: StorageMigrateOptions): { from: MigrationSource; to: MigrationTarget } {
  const f = storesOf('--from', o.from);
  const t = storesOf('--to', o.to);
  const runs = o.fromArtifacts ? { artifacts: o.fromArtifacts } : f.root ? { root: f.root } : null;
  let artifacts = o.artifacts ?? null;
  if (artifacts === null && t.root === null) {
    // The artifact tables do not overlap the stores': one schema holds all three. Named
    // explicitly, since an artifact store's own default schema is another.
    const url = new URL(o.to);
    url.searchParams.set('schema', postgresSchemaOf(o.to));
    artifacts = url.toString();
  }
  // A models folder keeps the running A/B test in its experiment.json, a store in its registry.
  const experimentOf = (root: string | null) => (root ? join(root, EXPERIMENT_FILE) : null);
  return {
    from: { registry: f.registry, log: f.log, runs, experimentFile: experimentOf(f.root) },
    to: { registry: t.registry, log: t.log, artifacts, experimentFile: experimentOf(t.root) },
  };
}

export async function storageMigrateCommand(o: StorageMigrateOptions): Promise<number> {
  const { from, to } = migrationEndpoints(o);
  const report = await migrateStorage({
    from,
    to,
    resume: o.resume === true,
    verifyOnly: o.verifyOnly === true,
    onProgress: progress(process.stderr),
  });
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${reportText(report, o)}\n`);
  return 0;
}

/** One line per step on stderr; rows as `predictions 12,000/51,200` at most every 5% (every 200 ms on a terminal). */
function progress(out: NodeJS.WriteStream): (p: MigrationProgress) => void {
  const tty = out.isTTY === true && !process.env.CI;
  let last = { step: '', pct: -1, at: 0 };
  return (p) => {
    const pct = p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total);
    const now = performance.now();
    const same = p.step === last.step;
    const due = tty
      ? now - last.at >= 200 || p.done === p.total
      : Math.floor(pct / 5) !== Math.floor(last.pct / 5);
    if (same && !due) return;
    if (tty && !same && last.step) out.write('\n');
    last = { step: p.step, pct, at: now };
    const line = `${p.step.padEnd(11)} ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')} (${pct}%)`;
    out.write(tty ? `\r${line}\x1b[K${p.done === p.total && p.step === 'verify' ? '\n' : ''}` : `${line}\n`);
  };
}

const short = (sha: string) => (sha ? sha.slice(0, 12) : '-');

/**
 * The runs whose training data stayed behind: a serving node cannot gate them, the training host
 * (where the file is) still can, and `storage publish` there sends it later.
 */
function withoutData(r: MigrationReport): string[] {
  const left = r.artifacts?.withoutData ?? [];
  if (!left.length) return [];
  return [
    `training data not published for ${left.length} run(s) — promote them from a host that has the file, ` +
      'or publish it from there later (tabflow storage publish):',
    ...left.map((x) => `  v${x.version} (run ${x.run_id}): ${x.reason}`),
  ];
}

/** The table of what was copied and verified, and the settings that use the target. */
export function reportText(r: MigrationReport, o: Pick<StorageMigrateOptions, 'verifyOnly'>): string {
  const v = r.verified;
  const t = new Table({
    head: ['part', 'in source', 'copied now', 'verified'],
    style: { head: [], border: [] },
  });
  const reg = r.registryCopied ? 'yes' : o.verifyOnly ? '-' : 'kept (resumed)';
  t.push(['registry versions', v.registry.versions, reg, `sha256 ${short(v.registry.sha256.versions)}`]);
  t.push(['stages', v.registry.stages, reg, `sha256 ${short(v.registry.sha256.stages)}`]);
  t.push(['aliases', v.registry.aliases, reg, `sha256 ${short(v.registry.sha256.aliases)}`]);
  t.push(['events', v.registry.events, reg, `sha256 ${short(v.registry.sha256.events)}`]);
  t.push(['meta', v.registry.meta, reg, `sha256 ${short(v.registry.sha256.meta)}`]);
  t.push([
    'running A/B test',
    v.registry.experiment,
    r.experimentCopied ? 'yes' : o.verifyOnly || !v.registry.experiment ? '-' : 'kept (resumed)',
    `sha256 ${short(v.registry.sha256.experiment)}`,
  ]);
  const rows = (c: MigrationReport['predictions']) => (c.kept ? `${c.copied} (+${c.kept} kept)` : c.copied);
  t.push([
    'prediction rows',
    v.predictions.rows,
    rows(r.predictions),
    `sha256 ${short(v.predictions.sha256)}`,
  ]);
  t.push(['feedback rows', v.feedback.rows, rows(r.feedback), `sha256 ${short(v.feedback.sha256)}`]);
  t.push([
    'runs (artifacts)',
    v.artifacts ? v.artifacts.runs : '-',
    r.artifacts ? `${r.artifacts.runs} published, ${r.artifacts.created} new blobs` : '-',
    v.artifacts ? `${v.artifacts.files} files, sha256 each` : 'not copied (no artifact store)',
  ]);
  t.push([
    "runs' training data",
    v.artifacts ? v.artifacts.runs : '-',
    r.artifacts ? `${r.artifacts.data} published` : '-',
    v.artifacts ? `${v.artifacts.data} files, sha256 each` : '-',
  ]);
  const lines = [
    `${o.verifyOnly ? 'compared' : 'migrated'} ${r.from.registry} → ${r.to.registry} in ${r.seconds.toFixed(1)} s`,
    t.toString(),
    'target verified: same counts and checksums as the source.',
    ...withoutData(r),
  ];
  if (!o.verifyOnly) {
    const same = r.to.registry === r.to.log;
    const uri = (location: string) => (HAS_SCHEME.test(location) ? location : `sqlite:${location}`);
    lines.push(
      'Use it on every host with (password in PGPASSWORD or ~/.pgpass, not in the config):',
      '  storage:',
      same ? `    uri: ${r.to.registry}` : `    registry: ${uri(r.to.registry)}\n    log: ${uri(r.to.log)}`,
      ...(r.to.artifacts ? [`    artifacts: ${r.to.artifacts}`] : []),
    );
  }
  return lines.join('\n');
}
