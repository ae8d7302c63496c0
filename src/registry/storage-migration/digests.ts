/**
 * What `tabflow storage migrate` compares between a source and a target: a sha256 over a
 * canonical serialisation of each part, so two stores on different databases hash alike exactly
 * when they hold the same records. Store-assigned ids (events, log rows, feedback rows) are left
 * out — a target numbers its rows itself — but order is kept: rows are hashed in id order.
 */
import { createHash, type Hash } from 'node:crypto';
import type { LoggedFeedback, LoggedPrediction, PredictionStore } from '../../store/prediction-store.js';
import type { RegistryStore } from '../../store/registry-store.js';

/** Meta rows a backend writes itself on open (its schema version): never copied nor compared. */
export const BACKEND_META_KEYS: ReadonlySet<string> = new Set(['schema_version']);

/** JSON with object keys sorted at every depth (one text per value, whatever the column order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** A registry's records by part: counts and a sha256 of each. */
export interface RegistryDigest {
  versions: number;
  stages: number;
  aliases: number;
  events: number;
  meta: number;
  /** sha256 of each part's canonical text. */
  sha256: { versions: string; stages: string; aliases: string; events: string; meta: string };
}

/** Read every record of `store` and digest it. */
export async function registryDigest(store: RegistryStore): Promise<RegistryDigest> {
  const versions = await store.listVersions();
  const stages = await store.getStages();
  const aliases = await store.getAliases();
  const events = (await store.listEvents()).map(({ id: _, ...rest }) => rest);
  const meta = Object.entries(await store.listMeta()).filter(([k]) => !BACKEND_META_KEYS.has(k));
  const hash = (v: unknown) => createHash('sha256').update(canonicalJson(v)).digest('hex');
  return {
    versions: versions.length,
    stages: stages.length,
    aliases: aliases.length,
    events: events.length,
    meta: meta.length,
    sha256: {
      versions: hash(versions),
      stages: hash(stages),
      aliases: hash(aliases),
      events: hash(events),
      meta: hash(meta),
    },
  };
}

/** Rows read in order: how many and the sha256 of their canonical lines. */
export interface RowsDigest {
  rows: number;
  sha256: string;
}

/** A running digest of rows without their ids, one canonical line each. */
export class RowHasher {
  private readonly h: Hash = createHash('sha256');
  rows = 0;

  add(row: LoggedPrediction | LoggedFeedback): void {
    const { id: _, ...rest } = row;
    this.h.update(canonicalJson(rest)).update('\n');
    this.rows++;
  }

  /** The digest so far (the hasher stays usable). */
  digest(): RowsDigest {
    return { rows: this.rows, sha256: this.h.copy().digest('hex') };
  }
}

/** Digest of every prediction row of `log` (id order), or of its first `limit`. */
export async function predictionsDigest(log: PredictionStore, limit?: number): Promise<RowsDigest> {
  const h = new RowHasher();
  if (limit !== 0) for await (const r of log.predictions({ limit })) h.add(r);
  return h.digest();
}

/** Digest of every feedback row of `log` (id order), or of its first `limit`. */
export async function feedbackDigest(log: PredictionStore, limit?: number): Promise<RowsDigest> {
  const h = new RowHasher();
  if (limit === 0) return h.digest();
  for await (const r of log.feedbackRows()) {
    h.add(r);
    if (limit !== undefined && h.rows >= limit) break;
  }
  return h.digest();
}
