/**
 * Where the server gets its model: one reference to the model being served, swapped as a whole.
 * A request reads `current()` once when it starts and uses that model to the end, so a reload
 * never changes the model under a request in flight. `fixedModel` serves one pipeline for ever;
 * `StageFollower` (stage-follower.ts) follows a stage link as the registry moves it.
 */

import type { RegistryStamp } from '../registry/registry-stamp.js';
import type { ModelPipeline } from './pipeline-port.js';

/** A model as served: its pipeline, where it came from, and when it was loaded. */
export interface ServedModel {
  readonly pipeline: ModelPipeline;
  /** registry.json of the folder, null when it has none. */
  readonly stamp: RegistryStamp | null;
  /** Registered version number (from the stamp), null when unknown. */
  readonly version: number | null;
  /** Stage it is served as (the stamp's, else the followed stage), null when unknown. */
  readonly stage: string | null;
  /** The resolved folder it was loaded from; null for a pipeline handed in. */
  readonly dir: string | null;
  /** 1 for the first model a source serves, +1 per swap. */
  readonly generation: number;
  readonly loadedAt: number;
}

/** What a reload did: nothing new, a swap, a failed load (old model kept), or nothing to follow. */
export type ReloadStatus = 'unchanged' | 'loaded' | 'failed' | 'fixed';

/** The outcome of `ModelSource.reload()`. */
export interface ReloadResult {
  status: ReloadStatus;
  /** The model served after the check. */
  model: ServedModel;
  /** The model served before, when the check swapped. */
  previous?: ServedModel;
  /** Why the load failed (the old model stays). */
  error?: string;
}

/** Swaps and failed loads of a source since start (for /metrics). */
export interface ReloadCounters {
  /** Swaps to a new model since start (the first load not counted). */
  readonly swaps: number;
  /** Failed attempts to load a new model. */
  readonly failures: number;
  readonly lastError: string | null;
}

/** Where the server gets its model: `current()` read once per request, `reload()` to look now. */
export interface ModelSource {
  current(): ServedModel;
  /**
   * Check the source now and swap if it moved. `force` retries a folder whose load failed
   * without waiting for its back-off.
   */
  reload(opts?: { force?: boolean }): Promise<ReloadResult>;
  readonly counters: ReloadCounters;
  /** The stage link followed, null for a fixed model. */
  readonly follows: string | null;
  /** Stop polling; the current model stays usable. */
  close(): void;
}

/** A source that always serves `pipeline` (createServer({pipeline}), `serve --model <plain folder>`). */
export function fixedModel(
  pipeline: ModelPipeline,
  o: { stamp?: RegistryStamp | null; dir?: string | null; stage?: string | null } = {},
): ModelSource {
  const stamp = o.stamp ?? null;
  const model: ServedModel = {
    pipeline,
    stamp,
    version: stamp?.version ?? null,
    stage: stamp?.stage ?? o.stage ?? null,
    dir: o.dir ?? null,
    generation: 1,
    loadedAt: Date.now(),
  };
  return {
    current: () => model,
    reload: async () => ({ status: 'fixed', model }),
    counters: { swaps: 0, failures: 0, lastError: null },
    follows: null,
    close() {},
  };
}
