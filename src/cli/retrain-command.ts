/**
 * `tabflow retrain`: the improvement loop (src/loop/retrain.ts) from the command line — new
 * data in, a registered challenger out, the gate's numbers printed, and the configured next step
 * (A/B test, promotion, or nothing) taken.
 */
import { join, relative } from 'node:path';
import { readRunConfig } from '../artifacts/run-config.js';
import { UsageError } from '../core/errors.js';
import { parseSince } from '../log/read-log.js';
import { type RetrainOptions, retrain } from '../loop/retrain.js';
import { publishRun } from '../registry/run-publication.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import { resolveArtifactStorageConfig } from '../store/artifacts/artifacts-config.js';
import { isModelsFolderStore, openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { DEFAULT_MODELS_DIR, type ModelsDirFlags, modelsDirOf } from './models-dir.js';
import { publishedLine } from './models-format.js';
import { createReporter } from './reporter.js';

export interface RetrainCliOptions extends ModelsDirFlags {
  data?: string;
  fromFeedback?: boolean;
  since?: string;
  db?: string;
  models?: string;
  then?: string;
  json?: boolean;
}

const ACTIONS = ['ab', 'promote', 'none'] as const;

export async function retrainCommand(opts: RetrainCliOptions): Promise<number> {
  const root = modelsDirOf(opts) ?? DEFAULT_MODELS_DIR;
  if (opts.then !== undefined && !(ACTIONS as readonly string[]).includes(opts.then)) {
    throw new UsageError(
      'bad_then',
      `--then ${JSON.stringify(opts.then)} is not allowed: expected one of ${ACTIONS.join(', ')}`,
    );
  }
  const reporter = createReporter();
  const store = await championArtifactStore(root);
  try {
    const r = await retrain({
      publish: store ? (runDir) => publishRun(store, runDir) : undefined,
      root,
      newData: opts.data,
      fromFeedback: opts.fromFeedback,
      since: opts.since ? parseSince(opts.since) : undefined,
      logFile: opts.db,
      models: opts.models
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      onGatePass: opts.then as RetrainOptions['onGatePass'],
      onEvent: (e) => reporter.onEvent(e),
    });
    reporter.stop();
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    if (r.published) process.stdout.write(`${publishedLine(r.published)}\n`);
    const d = r.data.rows;
    process.stdout.write(
      `training set ${relative(process.cwd(), r.data.path)}: ${d.base} production rows + ${d.new_file} from file + ` +
        `${d.feedback} from feedback = ${d.total}\n`,
    );
    const g = r.gate;
    process.stdout.write(
      `gate (${g.metric} on ${g.eval}, ${g.rows.used} rows): challenger v${r.challenger.version} ${fmt(g.candidate)} vs ` +
        `production v${r.champion.version} ${fmt(g.incumbent)} → ${g.passed ? 'PASSED' : 'REFUSED'} ` +
        `(improvement ${fmt(g.improvement_abs)}, ${(g.improvement_rel * 100).toFixed(2)}%; needs ≥ ` +
        `${g.thresholds.min_improvement_abs} and ≥ ${(g.thresholds.min_improvement_rel * 100).toFixed(2)}%)\n`,
    );
    process.stdout.write(`${r.summary}\n`);
    return 0;
  } finally {
    reporter.stop();
    await store?.close();
  }
}

/**
 * The artifact store the production run was published to (`storage.artifacts` of its recorded
 * config), so its challenger goes there too; null when it was not published (or there is no
 * production run: `retrain` says so).
 */
async function championArtifactStore(root: string): Promise<ArtifactStore | null> {
  let raw: Record<string, unknown>;
  try {
    raw = readRunConfig(join(root, 'production'));
  } catch {
    return null;
  }
  const { artifacts } = resolveArtifactStorageConfig(raw.storage);
  if (artifacts === null || isModelsFolderStore(artifacts, root)) return null;
  return openArtifactStore(artifacts);
}

function fmt(x: number): string {
  return Number(x.toPrecision(5)).toString();
}
