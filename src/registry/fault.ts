/**
 * Fault injection for the crash tests: with TABFLOW_FAULT_AT=<step> the process kills itself
 * (SIGKILL: no cleanup, no finally blocks) when a stage move or a run's save reaches that step. Unset, it costs a
 * string comparison.
 */
export const FAULT_STEPS = [
  /** One file of the new release folder written (still under its temporary name). */
  'release-partial',
  /** The new release folder complete, the stage link not yet touched. */
  'release-written',
  /** The new link exists under a temporary name, not yet renamed over the stage link. */
  'link-created',
  /** The stage link points to the new release; the database does not know yet. */
  'link-swapped',
  /** The database committed; old releases not yet pruned. */
  'committed',
] as const;

/** Steps of saving a trained run (tabflow train), for the leftover tests. */
export const SAVE_FAULT_STEPS = [
  /** One file of the run folder written (still under its temporary name in runs/). */
  'run-partial',
  /** The run folder complete under runs/, not registered yet. */
  'run-saved',
] as const;
export type FaultStep = (typeof FAULT_STEPS)[number] | (typeof SAVE_FAULT_STEPS)[number];

export function faultPoint(step: FaultStep): void {
  if (process.env.TABFLOW_FAULT_AT === step) process.kill(process.pid, 'SIGKILL');
}
