/**
 * Reliability figures: a fuzz, kill, load, corruption or security test reports what it tried and
 * what went wrong as a test diagnostic, which `bench/reliability.ts` collects into
 * RELIABILITY.md's table. The test itself still asserts the figures it reports.
 */
import type { TestContext } from 'node:test';

export interface ReliabilityFigures {
  /** Short name of the run, e.g. "serve fuzz". */
  run: string;
  /** Cases tried: payloads, requests, crashes, corrupted files, probes. */
  cases: number;
  /** Cases that went wrong (5xx, a crash, a stack trace, a wrong answer). */
  failures: number;
  /** Records lost (predictions answered but not logged, versions lost), when the run can lose any. */
  lost?: number;
  /** One line on what was measured beside the counts. */
  detail?: string;
}

export const RELIABILITY_TAG = 'reliability ';

/** Report the run's figures (shown by the spec reporter, collected by bench/reliability.ts). */
export function reportFigures(t: TestContext, f: ReliabilityFigures): void {
  t.diagnostic(`${RELIABILITY_TAG}${JSON.stringify(f)}`);
}
