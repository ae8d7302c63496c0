/**
 * The running A/B test, carried by `tabflow storage migrate`. A models folder keeps it in its
 * experiment.json (embedded stores), a store URI in its registry's `experiment` row
 * (experiment-location.ts). Migrate reads it where the source keeps it, checks that both arms
 * are versions the registry holds (same number, same run), writes it where the target keeps it
 * — the same text, byte for byte — and the verification compares the two texts like any other
 * part of the registry. The arms' `dir` fields are carried as written: a node serving from an
 * artifact store fetches an arm by its run id, a host with the models folder loads it from there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../artifacts/atomic.js';
import { ArtifactError, UsageError } from '../../core/errors.js';
import type { RegistryStore, StoredVersion } from '../../store/registry-store.js';
import { EXPERIMENT_META_KEY } from '../experiment-location.js';

/** Where one side of a migration keeps its running experiment. */
export interface ExperimentSide {
  registry: RegistryStore;
  /** A models folder's experiment.json; null: the registry's `experiment` row. */
  experimentFile: string | null;
}

/** Where the side's experiment is, for messages. */
function whereOf(side: ExperimentSide): string {
  return side.experimentFile ?? `the registry ${side.registry.location} (its ${EXPERIMENT_META_KEY} row)`;
}

/**
 * The side's running experiment as stored, '' when none runs. A models folder whose registry
 * row holds another experiment than its experiment.json (a --storage setting once pointed at its
 * registry file) is refused: which one runs cannot be told.
 */
export async function readExperimentText(side: ExperimentSide): Promise<string> {
  const row = (await side.registry.getMeta(EXPERIMENT_META_KEY)) ?? '';
  const file = side.experimentFile;
  if (file === null) return row;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (text !== '' && row !== '' && text !== row) {
    throw new ArtifactError(
      'bad_experiment',
      `${file} and the ${EXPERIMENT_META_KEY} row of the registry ${side.registry.location} both hold a running ` +
        'A/B test, and not the same one: stop one of them first (tabflow ab stop, with and without --storage)',
    );
  }
  return text || row;
}

/** The arm `key` of an experiment's text: its version and run id, when it names them. */
function armOf(
  e: Record<string, unknown>,
  key: 'champion' | 'challenger',
): { version: unknown; run_id: unknown } {
  const arm = (e[key] ?? {}) as Record<string, unknown>;
  return { version: arm.version, run_id: arm.run_id };
}

/**
 * Check that the experiment `text` read from `source` names, in both arms, a version `versions`
 * holds with that run: else `bad_experiment`, before anything is copied.
 */
export function checkExperimentArms(
  text: string,
  versions: readonly StoredVersion[],
  source: ExperimentSide,
): void {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ArtifactError(
      'bad_experiment',
      `${whereOf(source)} is not valid JSON (${(err as Error).message}); stop it with \`tabflow ab stop\` and migrate again`,
    );
  }
  for (const key of ['champion', 'challenger'] as const) {
    const arm = armOf(e ?? {}, key);
    const held = versions.find((v) => v.version === arm.version);
    if (!held || held.run_id !== arm.run_id) {
      throw new ArtifactError(
        'bad_experiment',
        `The running A/B test in ${whereOf(source)} has as ${key} version ${JSON.stringify(arm.version)} ` +
          `(run ${JSON.stringify(arm.run_id)}), which the registry ${source.registry.location} does not hold: ` +
          'nothing was copied. Stop the experiment (tabflow ab stop) and migrate again',
      );
    }
  }
}

/**
 * Write the experiment `text` (non-empty) where `target` keeps it, unless it is there already.
 * A target running another experiment is refused (`target_not_empty`). Returns whether it wrote.
 */
export async function carryExperiment(text: string, target: ExperimentSide): Promise<boolean> {
  const held = await readExperimentText(target);
  if (held === text) return false;
  if (held !== '') {
    throw new UsageError(
      'target_not_empty',
      `The target runs another A/B test (${whereOf(target)}) than the source: migrate copies into an empty store`,
    );
  }
  if (target.experimentFile !== null) writeFileAtomic(target.experimentFile, text);
  else await target.registry.writeTransaction(() => target.registry.setMeta(EXPERIMENT_META_KEY, text));
  return true;
}
