/**
 * Micro-batching: requests whose bodies arrive in the same event-loop turn are scored in one
 * `pipeline.predict` call (flushed by `setImmediate`, so no request waits for a later turn).
 * A single-row predict pays the validation and preprocessing set-up per call; shared, it costs a
 * fraction per row. Results are the same as scoring each request alone: the pipeline validates
 * and predicts row by row, and rows and issues are renumbered back to their own request.
 *
 * Not batched: requests asking for explanations (model-agnostic attributions draw random numbers
 * in row order, so a row's values would depend on its neighbours) and oversized requests. If a
 * shared call throws, each request is scored alone, so one bad request cannot fail the others.
 */
import type { ModelPipeline, PredictOptions, RowPrediction } from './pipeline-port.js';

interface Pending {
  records: readonly Record<string, unknown>[];
  resolve: (r: RowPrediction[]) => void;
  reject: (e: unknown) => void;
}

/** Scores the requests of one event-loop turn in one `predict` call of one model's pipeline. */
export class MicroBatcher {
  /** Waiting requests, by the interval flag (the only option batched requests may differ in). */
  private readonly queues: [Pending[], Pending[]] = [[], []];
  private scheduled = false;

  constructor(
    private readonly pipeline: ModelPipeline,
    private readonly maxBatchRows = 2048,
  ) {}

  predict(
    records: readonly Record<string, unknown>[],
    opts: PredictOptions,
  ): Promise<RowPrediction[]> | RowPrediction[] {
    if (opts.explain || records.length >= this.maxBatchRows) return this.pipeline.predict(records, opts);
    return new Promise((resolve, reject) => {
      this.queues[opts.interval ? 1 : 0].push({ records, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    for (const interval of [false, true]) {
      const queue = this.queues[interval ? 1 : 0];
      this.queues[interval ? 1 : 0] = [];
      // Chunks of at most maxBatchRows rows.
      let start = 0;
      while (start < queue.length) {
        let rows = 0;
        let end = start;
        while (
          end < queue.length &&
          (end === start || rows + queue[end].records.length <= this.maxBatchRows)
        ) {
          rows += queue[end].records.length;
          end++;
        }
        this.run(queue.slice(start, end), { interval });
        start = end;
      }
    }
  }

  private run(batch: Pending[], opts: PredictOptions): void {
    if (batch.length === 1) {
      this.alone(batch[0], opts);
      return;
    }
    let results: RowPrediction[];
    try {
      results = this.pipeline.predict(
        batch.flatMap((p) => p.records),
        opts,
      );
    } catch {
      for (const p of batch) this.alone(p, opts);
      return;
    }
    let offset = 0;
    for (const p of batch) {
      const mine = results.slice(offset, offset + p.records.length);
      if (offset > 0) for (const r of mine) renumber(r, offset);
      offset += p.records.length;
      p.resolve(mine);
    }
  }

  private alone(p: Pending, opts: PredictOptions): void {
    try {
      p.resolve(this.pipeline.predict(p.records, opts));
    } catch (e) {
      p.reject(e);
    }
  }
}

/** Rows and issues of a shared call, numbered again from the request's first row. */
function renumber(r: RowPrediction, offset: number): void {
  r.row -= offset;
  for (const i of r.warnings) i.row -= offset;
  for (const i of r.errors) i.row -= offset;
}
