import { relative } from 'node:path';
import { readConfigFile, resolveConfigUnknown, type TabflowConfig } from '../config/config.js';
import { applyEnvironment, selectedEnvironment } from '../config/environments.js';
import { UsageError } from '../core/errors.js';
import '../models/index.js';
import type { SaveResult } from '../promotion/register-run.js';
import { describeProgress, type QueueProgress } from '../queue/progress.js';
import type { QueueRunner } from '../queue/queue-runner.js';
import { describeQueue, parseQueueUri } from '../queue/queue-uri.js';
import { checkModelName, checkTags } from '../registry/names.js';
import { publishRun } from '../registry/run-publication.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import { isModelsFolderStore, openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { filterCandidates } from '../train/candidates.js';
import { TrainingPipeline } from '../train/training-pipeline.js';
import { leaderboard } from './leaderboard.js';
import { type ModelsDirFlags, modelsDirOf } from './models-dir.js';
import { promotionLines, publishedLine } from './models-format.js';
import { createReporter } from './reporter.js';

export interface TrainOptions extends ModelsDirFlags {
  data?: string;
  target?: string;
  config?: string;
  models?: string;
  splitColumn?: string;
  seed?: string;
  promote?: boolean;
  json?: boolean;
  /** dev | staging | production: applies `environments.<env>` of the config (else TABFLOW_ENV). */
  env?: string;
  /** Registered model name (else registry.name of the config). */
  name?: string;
  /** Registry tags, `key=value` each. */
  tag?: string[];
  /** Register even if the target or input columns differ from the previous version. */
  allowDataChange?: boolean;
  /** Run the fit jobs on `tabflow worker` processes through this Redis. */
  queue?: string;
  queueName?: string;
}

/** Config file, then command-line flags on top. */
export function buildConfig(opts: TrainOptions): TabflowConfig {
  // The environment's overrides first, so command-line flags win over them.
  const raw = applyEnvironment(
    opts.config ? readConfigFile(opts.config) : {},
    selectedEnvironment(opts.env),
  ) as Record<string, Record<string, unknown> | undefined>;
  const set = (section: string, key: string, value: unknown) => {
    raw[section] = { ...(raw[section] ?? {}), [key]: value };
  };
  if (opts.data) set('data', 'path', opts.data);
  if (opts.target) set('data', 'target', opts.target);
  if (opts.splitColumn) {
    set('split', 'strategy', 'column');
    set('split', 'split_column', opts.splitColumn);
  }
  if (opts.seed !== undefined) {
    const seed = Number(opts.seed);
    if (!Number.isInteger(seed) || seed < 0) {
      throw new UsageError(
        'bad_seed',
        `--seed ${JSON.stringify(opts.seed)} is not allowed: expected a non-negative integer`,
      );
    }
    set('training', 'seed', seed);
    set('split', 'seed', seed);
  }
  const modelsDir = modelsDirOf(opts, ['out', 'dir']);
  if (modelsDir) set('output', 'dir', modelsDir);
  if (opts.promote) set('output', 'promote', 'always');
  if (opts.allowDataChange) set('registry', 'allow_data_change', true);
  if (opts.name !== undefined) set('registry', 'name', checkModelName(opts.name, '--name'));
  const cfg = resolveConfigUnknown(raw);
  if (opts.models) {
    const names = opts.models
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!names.length)
      throw new UsageError(
        'bad_models',
        '--models is empty: give a comma-separated list such as ridge,lasso',
      );
    cfg.models = filterCandidates(cfg.models, names);
  }
  return cfg;
}

export async function trainCommand(opts: TrainOptions): Promise<number> {
  if (!opts.data && !opts.config) {
    throw new UsageError(
      'no_data',
      'tabflow train needs --data FILE and --target COLUMN (or a --config that sets data.path and data.target)',
    );
  }
  const cfg = buildConfig(opts);
  const reporter = createReporter();
  const store = await openPublishStore(cfg);
  const runner = opts.queue ? await openQueue(opts.queue, opts.queueName) : undefined;
  const pipeline = new TrainingPipeline(cfg, {
    onEvent: (e) => reporter.onEvent(e),
    tags: parseTags(opts.tag),
    runner,
    publish: store ? (runDir) => publishRun(store, runDir) : undefined,
    storeWaitS: cfg.storage.wait_s,
  });
  try {
    const run = await pipeline.run();
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(run.results, null, 2)}\n`);
      // stdout stays pure JSON; the registration still shows on the terminal.
      process.stderr.write(`${registrationLines(run, cfg.output.dir).join('\n')}\n`);
    } else {
      process.stdout.write(`\n${leaderboard(run.results)}\n`);
      for (const w of run.results.warnings ?? []) process.stdout.write(`⚠ ${w.message}\n`);
      process.stdout.write('\n');
      process.stdout.write(`run ${run.runId}: artifacts in ${relative(process.cwd(), run.runDir) || '.'}\n`);
      process.stdout.write(`${registrationLines(run, cfg.output.dir).join('\n')}\n`);
      const dir = relative(process.cwd(), run.runDir) || '.';
      process.stdout.write(
        `plots (predicted vs actual, residuals, coverage): tabflow report --model ${dir}\n`,
      );
    }
    return 0;
  } finally {
    reporter.stop();
    await runner?.close();
    await store?.close();
  }
}

/** The store of `storage.artifacts` when it is not the models folder itself; else null. */
async function openPublishStore(cfg: TabflowConfig): Promise<ArtifactStore | null> {
  const uri = cfg.storage.artifacts;
  if (uri === null || isModelsFolderStore(uri, cfg.output.dir)) return null;
  return openArtifactStore(uri);
}

/** The queue's runner, its progress on stderr (at most every 2 s, and the last state). */
async function openQueue(uri: string, queueName?: string): Promise<QueueRunner> {
  let last = 0;
  let pending: QueueProgress | null = null;
  const show = (p: QueueProgress) => process.stderr.write(`  ${describeProgress(p)}\n`);
  // BullMQ and its Redis client (~60 ms to load) only when the run goes through a queue.
  const { openQueueRunner } = await import('../queue/queue-runner.js');
  const runner = await openQueueRunner(uri, {
    queueName,
    onProgress: (p) => {
      pending = p;
      const now = performance.now();
      if (now - last < 2000 && p.done + p.failed < p.queued) return;
      last = now;
      show(p);
      pending = null;
    },
  });
  const workers = await runner.workers();
  process.stderr.write(
    `  queue ${describeQueue(parseQueueUri(uri))}: ${workers} worker(s) connected${workers ? '' : ' — start one with tabflow worker --queue ' + uri}\n`,
  );
  return {
    ...runner,
    async close() {
      if (pending) show(pending);
      await runner.close();
    },
  };
}

/** `registered default v3 (stage dev)` and what happened to production. */
function registrationLines(run: SaveResult, root: string): string[] {
  const stages = run.stages.length ? ` (stage ${run.stages.join(', ')})` : '';
  const lines = [
    `registered ${run.modelName} v${run.version}${stages} in ${relative(process.cwd(), root) || '.'}`,
  ];
  if (run.published) lines.push(publishedLine(run.published));
  if (run.promotion) lines.push(...promotionLines(run.promotion, root));
  else if (run.promotionError) lines.push(`not promoted to production: ${run.promotionError}`);
  else lines.push('not published to production (one exists; use --promote to replace it through the gate)');
  return lines;
}

/** `--tag team=pricing --tag ticket=42` → {team: 'pricing', ticket: '42'}. */
export function parseTags(items: readonly string[] = []): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(
        'bad_tag',
        `--tag ${JSON.stringify(item)} is not allowed: expected key=value, e.g. --tag team=pricing`,
      );
    }
    tags[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return checkTags(tags, '--tag');
}
