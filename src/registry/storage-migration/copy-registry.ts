/**
 * The registry's records from one store to another, in one write transaction of the target:
 * a migration killed half-way leaves the target's registry empty (rolled back), never half
 * copied. Versions keep their numbers (the target numbers them 1, 2, … as the source did, which
 * is checked), events keep their order (the target gives them its own ids). The running A/B test
 * is not a meta row here: it goes where the target keeps it (copy-experiment.ts).
 */
import { DataError } from '../../core/errors.js';
import type { RegistryStore } from '../../store/registry-store.js';
import { isCopiedMeta } from './digests.js';

/** What was copied. */
export interface RegistryCopy {
  versions: number;
  stages: number;
  aliases: number;
  events: number;
  meta: number;
}

/** Copy every record of `source` into the empty registry `target` (one transaction). */
export async function copyRegistry(source: RegistryStore, target: RegistryStore): Promise<RegistryCopy> {
  const meta = Object.entries(await source.listMeta()).filter(([k]) => isCopiedMeta(k));
  const versions = await source.listVersions();
  const stages = await source.getStages();
  const aliases = await source.getAliases();
  const events = await source.listEvents();
  await target.writeTransaction(async () => {
    for (const [k, v] of meta) await target.setMeta(k, v);
    for (const { version, ...v } of versions) {
      const got = await target.insertVersion(v);
      if (got !== version) {
        throw new DataError(
          'migration_mismatch',
          `${target.location} numbered version ${version} of ${source.location} (run ${v.run_id}) as ${got}: ` +
            'the source numbers its versions with a gap, which the target cannot keep; nothing was committed',
        );
      }
    }
    for (const s of stages) await target.setStage(s);
    for (const a of aliases) await target.setAlias(a);
    for (const { id: _, ...e } of events) await target.addEvent(e);
  });
  return {
    versions: versions.length,
    stages: stages.length,
    aliases: aliases.length,
    events: events.length,
    meta: meta.length,
  };
}
