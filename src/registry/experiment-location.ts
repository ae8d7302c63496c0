/**
 * Where a project keeps its running A/B test, named once for the layers that read or move it
 * (src/experiment reads and writes it; `tabflow storage migrate` carries it between storages):
 * with the embedded stores, `<models folder>/experiment.json`; with a storage setting (a
 * registry shared by several hosts), the registry's meta row `experiment` ('' when none runs).
 */

/** The models folder's file holding the running A/B test (embedded storage). */
export const EXPERIMENT_FILE = 'experiment.json';

/** The registry meta key holding the running A/B test with shared storage ('' when none runs). */
export const EXPERIMENT_META_KEY = 'experiment';
