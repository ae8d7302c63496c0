/**
 * What a distributed run's jobs are doing, per worker: done, running, failed, and how many were
 * taken back from a worker that stopped answering (stalled) and queued again.
 */

/** Counts of one worker (host:pid). */
export interface WorkerCounts {
  done: number;
  running: number;
  failed: number;
}

/** The run's jobs so far. */
export interface QueueProgress {
  readonly queued: number;
  readonly done: number;
  readonly running: number;
  readonly failed: number;
  /** Jobs a stalled worker held, queued again (BullMQ's stalled-job check). */
  readonly retried: number;
  /** Jobs Redis lost (restarted without persistence), queued again by the trainer. */
  readonly lost: number;
  readonly workers: ReadonlyMap<string, Readonly<WorkerCounts>>;
}

/** Tallies a run's job events into a {@link QueueProgress}. */
export class ProgressTally {
  private queued = 0;
  private done = 0;
  private failed = 0;
  private retried = 0;
  private lost = 0;
  private readonly runningOn = new Map<string, string>();
  private readonly workers = new Map<string, WorkerCounts>();
  /** Jobs whose result was taken: a progress event heard after it is stale, not a new start. */
  private readonly finished = new Set<string>();

  private of(worker: string): WorkerCounts {
    let w = this.workers.get(worker);
    if (!w) {
      w = { done: 0, running: 0, failed: 0 };
      this.workers.set(worker, w);
    }
    return w;
  }

  queue(): void {
    this.queued++;
  }

  /**
   * Job `id` started on `worker`. The queue's events arrive on their own connection and may lag
   * behind the result the trainer read itself: a start heard after the job finished is ignored.
   */
  start(id: string, worker: string): void {
    if (this.finished.has(id)) return;
    this.stop(id);
    this.runningOn.set(id, worker);
    this.of(worker).running++;
  }

  /** Job `id` stopped running where it ran (finished, failed or stalled). */
  private stop(id: string): string | undefined {
    const worker = this.runningOn.get(id);
    if (worker !== undefined) {
      this.runningOn.delete(id);
      this.of(worker).running--;
    }
    return worker;
  }

  finish(id: string, worker: string): void {
    this.finished.add(id);
    this.stop(id);
    this.done++;
    this.of(worker).done++;
  }

  fail(id: string): void {
    const worker = this.stop(id);
    this.failed++;
    if (worker !== undefined) this.of(worker).failed++;
  }

  /** Job `id` was taken back from a worker that stopped renewing its lock. */
  stall(id: string): void {
    this.stop(id);
    this.retried++;
  }

  /** Job `id` is gone from Redis: it will be queued again under a new id (counted anew). */
  lose(id: string): void {
    this.finished.add(id);
    this.stop(id);
    this.queued--;
    this.lost++;
  }

  snapshot(): QueueProgress {
    return {
      queued: this.queued,
      done: this.done,
      running: this.runningOn.size,
      failed: this.failed,
      retried: this.retried,
      lost: this.lost,
      workers: new Map([...this.workers].map(([k, v]) => [k, { ...v }])),
    };
  }
}

/** `jobs 12/60 done · 2 running · 0 failed · 1 retried — host:12 7✓ 1▶ · host:13 5✓ 1▶`. */
export function describeProgress(p: QueueProgress): string {
  const per = [...p.workers]
    .map(([w, c]) => `${w} ${c.done}✓ ${c.running}▶${c.failed ? ` ${c.failed}✗` : ''}`)
    .join(' · ');
  return (
    `jobs ${p.done}/${p.queued} done · ${p.running} running · ${p.failed} failed · ${p.retried} retried` +
    (p.lost ? ` · ${p.lost} lost by Redis and queued again` : '') +
    (per ? ` — ${per}` : '')
  );
}
