/**
 * What the stage follower and the experiment follower share: checks run one at a time (a reload
 * asked for while one runs queues behind it; a poll tick that finds one running is skipped), and
 * a failing source is retried with a doubling back-off instead of on every tick.
 */

const MAX_BACKOFF_MS = 30_000;

/** Runs checks one at a time, on a poll timer and on demand. */
export class SerialChecks<R> {
  private queue: Promise<unknown> = Promise.resolve();
  private running = 0;
  private timer: NodeJS.Timeout | null = null;

  /** `pollMs` 0: only on `run()`. */
  constructor(
    private readonly check: (force: boolean) => Promise<R>,
    pollMs: number,
  ) {
    if (pollMs > 0) {
      this.timer = setInterval(() => {
        if (this.running === 0) void this.run();
      }, pollMs);
      this.timer.unref();
    }
  }

  run(force = false): Promise<R> {
    this.running++;
    const run = this.queue.then(() => this.check(force));
    this.queue = run.catch(() => {});
    return run.finally(() => {
      this.running--;
    });
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** The wait before retrying a failure: doubled while the same failure repeats, else `first`. */
export function nextBackoff(previous: number | undefined, sameFailure: boolean, first: number): number {
  return sameFailure && previous !== undefined ? Math.min(previous * 2, MAX_BACKOFF_MS) : first;
}
