/**
 * Permutation importance as a plain record: what explain's `permutationImportance` returns and
 * results.json stores for the selected model. Declared here, below both, so the stage that computes
 * it and the run-folder format that records it share one shape.
 */

/** Per input column, the mean and std of the metric's deterioration when that column is shuffled. */
export interface PermutationImportanceRecord<M extends string = string> {
  /** The metric whose deterioration is measured. */
  readonly metric: M;
  /** Rows the importances were computed on, and how many were available. */
  readonly rows: number;
  readonly total_rows: number;
  readonly repeats: number;
  readonly seed: number;
  /** Metric on the unshuffled rows. */
  readonly baseline: number;
  /** Input column → deterioration (positive = the model relies on it), sorted by mean, largest first. */
  readonly columns: Record<string, { mean: number; std: number }>;
}
