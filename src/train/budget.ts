/**
 * Time budgets for candidates. Model fits are synchronous loops on the main thread, so a timer
 * could never flip an AbortSignal while they run; this signal's `aborted` is computed from the
 * clock on every read, which is exactly what a fit loop polling `ctx.signal.aborted` needs.
 */
export function deadlineSignal(seconds: number | null, parent?: AbortSignal): AbortSignal | undefined {
  if (seconds === null || !Number.isFinite(seconds)) return parent;
  const controller = new AbortController();
  const deadline = performance.now() + seconds * 1000;
  const signal = controller.signal;
  Object.defineProperty(signal, 'aborted', {
    get: () =>
      controller.signal.reason !== undefined || performance.now() > deadline || parent?.aborted === true,
  });
  // Async work (worker threads) still gets a real abort event when the deadline passes.
  const timer = setTimeout(
    () => controller.abort(new Error(`time budget of ${seconds} s exceeded`)),
    seconds * 1000,
  );
  timer.unref();
  parent?.addEventListener('abort', () => controller.abort(parent.reason), { once: true });
  return signal;
}
