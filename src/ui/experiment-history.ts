/**
 * Ended experiments from the registry's history: each `ab_start` event (its details hold the
 * design) paired with the `ab_stop` or `ab_conclude` that ended it (its details hold the test's
 * numbers at that moment, as `tabflow ab stop | conclude` recorded them).
 */
import type { Experiment } from '../experiment/index.js';
import type { RegistryEvent } from '../registry/index.js';
import type { AbTestJson } from './api-types.js';

/** What the page shows of an experiment's definition (experiment.json or its start event). */
export type ExperimentHead = Pick<
  Experiment,
  'id' | 'name' | 'weight' | 'shadow' | 'key_field' | 'started_at'
> & {
  champion: { version: number; run_id: string };
  challenger: { version: number; run_id: string };
};

/** An experiment that is not running any more: its start, and the event that ended it (if any). */
export interface EndedExperiment {
  start: RegistryEvent;
  end: RegistryEvent | null;
  /** Its definition, from the start event (`name`: the registry's model name). */
  experiment(name: string | null): ExperimentHead;
}

/** The experiments of `events` (oldest first) other than `runningId`, newest first. */
export function endedExperiments(
  events: readonly RegistryEvent[],
  runningId: string | null,
): EndedExperiment[] {
  const ends = new Map<string, RegistryEvent>();
  for (const e of events) {
    if (e.type === 'ab_stop' || e.type === 'ab_conclude') ends.set(idOf(e), e);
  }
  return events
    .filter((e) => e.type === 'ab_start' && idOf(e) !== '' && idOf(e) !== runningId)
    .map((start) => ({
      start,
      end: ends.get(idOf(start)) ?? null,
      experiment: (name: string | null) => headOf(start, name),
    }))
    .reverse();
}

function idOf(e: RegistryEvent): string {
  const id = e.details?.experiment_id;
  return typeof id === 'string' ? id : '';
}

function headOf(start: RegistryEvent, name: string | null): ExperimentHead {
  const d = start.details ?? {};
  return {
    id: idOf(start),
    name: name ?? '',
    weight: typeof d.weight === 'number' ? d.weight : 0,
    shadow: d.shadow === true,
    key_field: typeof d.key_field === 'string' ? d.key_field : null,
    started_at: start.ts,
    champion: { version: start.from_version ?? 0, run_id: String(d.champion_run_id ?? '') },
    challenger: { version: start.version ?? 0, run_id: String(d.challenger_run_id ?? '') },
  };
}

/** The test's numbers an `ab_stop` or `ab_conclude` event recorded (see eventDetails in ab-service). */
export function recordedTest(details: Record<string, unknown> | null): AbTestJson | null {
  const d = details ?? {};
  if (typeof d.verdict !== 'string') return null;
  const n = (arm: unknown) => Number((arm as { n?: unknown } | undefined)?.n ?? 0);
  return {
    source: 'recorded',
    verdict: d.verdict as AbTestJson['verdict'],
    reason: String(d.test_reason ?? ''),
    n: { champion: n(d.champion), challenger: n(d.challenger) },
    t_test: (d.t_test as AbTestJson['t_test']) ?? null,
    bootstrap: (d.bootstrap as AbTestJson['bootstrap']) ?? null,
    planned: typeof d.planned === 'number' ? d.planned : null,
    ready: typeof d.ready === 'boolean' ? d.ready : null,
    advice: null,
  };
}
