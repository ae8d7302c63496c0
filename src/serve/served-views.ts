/**
 * The model views a server answers with, kept in step with their sources: the champion of a
 * `ModelSource` (a fixed pipeline, or a stage that hot-reloads) and the challenger of a running
 * A/B experiment. A view (model-view.ts) is built once per served model; when the source swaps
 * the model, the next request builds the new view and the old one is retired (its explain thread
 * ends once its jobs are answered).
 *
 * Each request reads `current()` (and `currentArms()`) once, when its handler starts, and uses
 * what it got for everything: a reload never mixes two models in one request.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ArmsView } from './arm-scoring.js';
import type { ExperimentSource } from './experiment-follower.js';
import type { ExplainThread } from './explain-thread.js';
import type { ModelSource, ServedModel } from './model-source.js';
import { type ModelView, modelView } from './model-view.js';

/** How views are built: micro-batching, and explain threads for models loaded from a folder. */
export interface ServedViewsOptions {
  source: ModelSource;
  /** The A/B experiments to follow; null: the champion answers every row. */
  experiments: ExperimentSource | null;
  microBatch: boolean;
  explainThreads: boolean;
  /** Told when an explain job falls back to the server's thread. */
  logger: FastifyBaseLogger;
}

/** The champion and challenger views of a server, kept in step with their sources. */
export class ServedViews {
  private view: ModelView;
  private arms: ArmsView | null = null;
  private readonly explainers = new Set<ExplainThread>();
  private readonly swapListeners: ((v: ModelView) => void)[] = [];

  /** Builds the view of the model the source serves now. */
  constructor(private readonly o: ServedViewsOptions) {
    this.view = this.open(o.source.current());
  }

  /** The champion a request uses from start to end; swaps in the source's model when it moved. */
  current(): ModelView {
    const served = this.o.source.current();
    if (served !== this.view.served) {
      this.retire(this.view);
      this.view = this.open(served);
      for (const listen of this.swapListeners) listen(this.view);
    }
    return this.view;
  }

  /** The experiment a request uses from start to end (null: champion only). */
  currentArms(): ArmsView | null {
    const active = this.o.experiments?.current() ?? null;
    if (!active) {
      if (this.arms) this.retire(this.arms.challenger);
      this.arms = null;
      return null;
    }
    if (this.arms?.active !== active) {
      // A weight change keeps the loaded challenger, and its batcher with it.
      const keep = this.arms?.active.challenger === active.challenger;
      if (this.arms && !keep) this.retire(this.arms.challenger);
      const challenger = keep && this.arms ? this.arms.challenger : this.open(active.challenger);
      this.arms = { active, challenger };
    }
    return this.arms;
  }

  /** Calls `listen` with each new champion view (e.g. to relabel /metrics). */
  onSwap(listen: (v: ModelView) => void): void {
    this.swapListeners.push(listen);
  }

  /** Ends every explain thread, once its jobs are answered. */
  async close(): Promise<void> {
    await Promise.all([...this.explainers].map((e) => e.close()));
  }

  private open(served: ServedModel): ModelView {
    const v = modelView(served, {
      microBatch: this.o.microBatch,
      explainThreads: this.o.explainThreads
        ? { onFallback: (reason) => this.o.logger.warn({ reason }, 'explaining on the server thread') }
        : null,
    });
    if (v.explainer) this.explainers.add(v.explainer);
    return v;
  }

  /** A model no longer served: its explain thread ends once its jobs are answered. */
  private retire(v: ModelView): void {
    if (!v.explainer) return;
    v.explainer.retire();
    this.explainers.delete(v.explainer);
  }
}
