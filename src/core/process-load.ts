/**
 * This process's own part of the 1-minute load average, estimated from its CPU time. Code that
 * decides whether a core is free (a second predict thread) compares the load average with the
 * cores, but the load average counts our own threads too: after a 15 s two-thread fit it had
 * risen by ~0.5 from us alone, which on a 2-core machine read as "no core to spare" even when
 * nothing else ran, so the TEST predictions of a 1M-row run never used the idle core.
 */
import { availableParallelism, loadavg } from 'node:os';

/** The load average's time constant (s): the kernel's 1-minute average decays as e^(−t/60). */
const LOAD_TAU_S = 60;

/**
 * Our estimated part of the 1-minute load average: the process's mean CPU rate (cores busy,
 * every thread, capped at the cores) times the share of that rate the average has absorbed
 * over the process's life, 1 − e^(−uptime/60) (it lags: after 15 s it shows ~22 % of a
 * constant rate). The rate is a lifetime mean, so a long-lived process that was busy long ago
 * is overestimated: then a second thread is used a little more readily.
 */
export function processLoad(
  cpuUs: number = totalCpuUs(),
  uptimeS: number = process.uptime(),
  cores: number = availableParallelism(),
): number {
  if (!(uptimeS > 0)) return 0;
  const rate = Math.min(cores, cpuUs / 1e6 / uptimeS);
  return rate * (1 - Math.exp(-uptimeS / LOAD_TAU_S));
}

function totalCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * Whether a core is free for a second thread of ours: what others load (the 1-minute load average
 * less our own part) leaves at least half a core beside the thread we run on, as the predict
 * thread's check does. Under load a second thread gains nothing: the scheduler gives the process
 * about one share whatever its threads, so the helper's CPU comes out of the main thread's (a
 * sort worker at load 5–6 made calibration ~0.7 s slower for a save ~0.6 s faster).
 */
export function hasSpareCore(
  load: number = loadavg()[0],
  own: number = processLoad(),
  cores: number = availableParallelism(),
): boolean {
  return cores >= 2 && load - own < cores - 0.5;
}
