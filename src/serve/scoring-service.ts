/**
 * Scoring behind both prediction routes (/predict and /invocations): the row limits, each row
 * scored by its arm's model (arm-scoring.ts), every row counted in /metrics and logged, and — in
 * a shadow experiment — the challenger's predictions made after the answer has gone out.
 *
 * Shadow mode: the challenger scores the request once the reply is written (setImmediate), and
 * its rows are logged as arm 'shadow' under the same request id and row numbers. A failure there
 * is logged and counted; the client never sees it. `idle()` waits for shadow work still running.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PredictionLog } from '../log/prediction-log.js';
import { type ArmsScore, type ArmsView, predictWith, scoreArms } from './arm-scoring.js';
import { logEntry, type ScoredRows } from './log-entry.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelView } from './model-view.js';
import type { RowPrediction } from './pipeline-port.js';
import { RequestError } from './request-error.js';
import type { InputRecord, PredictFlags } from './request-records.js';

/** What scoring writes to and how much one request may ask. */
export interface ScoringOptions {
  /** Where every scored row is recorded; null: nowhere. */
  log: PredictionLog | null;
  metrics: ServerMetrics;
  /** Most rows in one request. */
  maxRows: number;
  /** Most rows in one request that asks for explanations. */
  maxExplainRows: number;
  /** Where a failed shadow prediction is reported. */
  logger: FastifyBaseLogger;
}

/** The request whose rows are recorded. */
export interface ScoringRequest {
  requestId: string;
  route: string;
  /** Time since the request arrived, ms: the latency logged with each row. */
  latencyMs: number;
}

/** A request's rows as answered: each names its model (and arm), with the counts the routes report. */
export interface Scored {
  results: RowPrediction[];
  rejected: number;
  warned: number;
}

/** Scores, counts and logs the rows of the prediction routes; runs the shadow predictions. */
export class ScoringService {
  private readonly armRows = new Map<string, number>();
  private shadowFailures = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly o: ScoringOptions) {}

  /** Rows scored per arm (champion, challenger, shadow), for /metrics. */
  get rowsByArm(): ReadonlyMap<string, number> {
    return this.armRows;
  }

  /** Shadow predictions that failed, for /metrics. */
  get shadowFailureCount(): number {
    return this.shadowFailures;
  }

  /** `records` scored by the champion `m`, or by each row's arm of the experiment `ex`. */
  async predict(
    records: InputRecord[],
    flags: Partial<PredictFlags>,
    m: ModelView,
    ex: ArmsView | null,
  ): Promise<ArmsScore> {
    const limit = flags.explain ? this.o.maxExplainRows : this.o.maxRows;
    if (records.length > limit) {
      const what = flags.explain ? 'with explain' : 'per request';
      throw new RequestError(
        [
          {
            path: 'body',
            code: 'too_many_rows',
            message: `${records.length} rows sent; at most ${limit} ${what}`,
          },
        ],
        'Request too large',
      );
    }
    return scoreArms(m, ex, records, { interval: flags.interval, explain: flags.explain });
  }

  /**
   * Names each row's model, counts and logs every row, and starts the shadow predictions. With
   * `log.durability: ack` it resolves only once the rows are committed (a failed write rejects).
   */
  async record(
    req: ScoringRequest,
    scored: ArmsScore,
    flags: Partial<PredictFlags>,
    m: ModelView,
    ex: ArmsView | null,
  ): Promise<Scored> {
    const { input, arms } = scored;
    let results: RowPrediction[];
    // Each row names the registered model, family, run and version that produced it.
    if (ex && arms) {
      results = scored.results.map((r, i) => ({
        ...r,
        model: { ...(arms[i] === 'challenger' ? ex.challenger : m).summary, arm: arms[i] },
      }));
      for (const a of arms) this.countArm(a, 1);
      if (ex.active.experiment.shadow) this.shadow(req, input, flags, ex);
    } else {
      results = scored.results.map((r) => ({ ...r, model: m.summary }));
    }
    const rows: ScoredRows = {
      ...req,
      ts: Date.now(),
      experimentId: ex?.active.experiment.id ?? null,
      input,
      results,
      scoredBy: (i) =>
        ex && arms?.[i] === 'challenger'
          ? { view: ex.challenger, arm: arms[i] }
          : { view: m, arm: arms?.[i] ?? null },
    };
    let rejected = 0;
    let warned = 0;
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (r.status === 'rejected') rejected++;
      if (r.warnings.length) warned++;
      this.o.metrics.observeRow(r.status, r.errors, r.warnings);
      this.o.log?.append(logEntry(rows, i));
    }
    // log.durability ack: no answer before its rows are committed (a failed write → 503).
    if (this.o.log?.durability === 'ack') await this.o.log.committed();
    return { results, rejected, warned };
  }

  /** Resolves when every shadow prediction started so far has been made and logged. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private countArm(arm: string, n: number): void {
    this.armRows.set(arm, (this.armRows.get(arm) ?? 0) + n);
  }

  /** The challenger scores the request's rows after the reply has been written. */
  private shadow(
    req: ScoringRequest,
    input: InputRecord[],
    flags: Partial<PredictFlags>,
    ex: ArmsView,
  ): void {
    const task = new Promise<void>((resolveTask) => {
      setImmediate(() => {
        void this.scoreShadow(req, input, flags, ex).finally(resolveTask);
      });
    });
    this.pending.add(task);
    void task.then(() => this.pending.delete(task));
  }

  private async scoreShadow(
    req: ScoringRequest,
    input: InputRecord[],
    flags: Partial<PredictFlags>,
    ex: ArmsView,
  ): Promise<void> {
    const t0 = performance.now();
    try {
      const results = await predictWith(ex.challenger, input, { interval: flags.interval });
      const rows: ScoredRows = {
        requestId: req.requestId,
        route: req.route,
        latencyMs: performance.now() - t0,
        experimentId: ex.active.experiment.id,
        input,
        results,
        scoredBy: () => ({ view: ex.challenger, arm: 'shadow' }),
      };
      for (let i = 0; i < results.length; i++) {
        if (this.o.log?.isClosed) break;
        this.o.log?.append(logEntry(rows, i));
      }
      this.countArm('shadow', results.length);
    } catch (e) {
      this.shadowFailures++;
      this.o.logger.error(
        { err: e, request_id: req.requestId, experiment_id: ex.active.experiment.id },
        'shadow prediction failed',
      );
    }
  }
}
