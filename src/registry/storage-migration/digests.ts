/**
 * What `tabflow storage migrate` compares between a source and a target: a sha256 over a
 * canonical serialisation of each part, so two stores on different databases hash alike exactly
 * when they hold the same records. Store-assigned ids (events, log rows, feedback rows) are left
 * out — a target numbers its rows itself — but order is kept: rows are hashed in id order.
 */
import { createHash, type Hash } from 'node:crypto';
import type { LoggedFeedback, LoggedPrediction, PredictionStore } from '../../store/prediction-store.js';
import type { AliasRow, RegistryEvent, StageRow, StoredVersion } from '../../store/registry-store.js';
import { EXPERIMENT_META_KEY } from '../experiment-location.js';
import { type ExperimentSide, readExperimentText } from './copy-experiment.js';

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

/** The registry's parts, in the order they are compared (`experiment`: the running A/B test, 0 or 1). */
export const REGISTRY_PARTS = ['versions', 'stages', 'aliases', 'events', 'meta', 'experiment'] as const;
/** A part of the registry. */
export type RegistryPart = (typeof REGISTRY_PARTS)[number];

/**
 * Every record of a registry by part, as compared: events without ids, meta without the
 * backend's rows and without the experiment's, which is a part of its own — wherever the side
 * keeps it (copy-experiment.ts), its stored text or nothing.
 */
export interface RegistrySnapshot {
  versions: StoredVersion[];
  stages: StageRow[];
  aliases: AliasRow[];
  events: Omit<RegistryEvent, 'id'>[];
  meta: [string, string][];
  experiment: string[];
}

/** Meta rows compared and copied as meta: not the backend's, not the experiment (its own part). */
export function isCopiedMeta(key: string): boolean {
  return !BACKEND_META_KEYS.has(key) && key !== EXPERIMENT_META_KEY;
}

/** A registry's records by part: counts and a sha256 of each. */
export type RegistryDigest = Record<RegistryPart, number> & { sha256: Record<RegistryPart, string> };

/** Read every record of a side (its registry, and its experiment where it keeps it). */
export async function registrySnapshot(side: ExperimentSide): Promise<RegistrySnapshot> {
  const store = side.registry;
  const experiment = await readExperimentText(side);
  return {
    versions: await store.listVersions(),
    stages: await store.getStages(),
    aliases: await store.getAliases(),
    events: (await store.listEvents()).map(({ id: _, ...rest }) => rest),
    meta: Object.entries(await store.listMeta()).filter(([k]) => isCopiedMeta(k)),
    experiment: experiment === '' ? [] : [experiment],
  };
}

/** Counts and sha256 of each part of a snapshot. */
export function digestOf(snap: RegistrySnapshot): RegistryDigest {
  const hash = (v: unknown) => createHash('sha256').update(canonicalJson(v)).digest('hex');
  const out = { sha256: {} } as RegistryDigest;
  for (const part of REGISTRY_PARTS) {
    out[part] = snap[part].length;
    out.sha256[part] = hash(snap[part]);
  }
  return out;
}

/** Read every record of a side and digest it. */
export async function registryDigest(side: ExperimentSide): Promise<RegistryDigest> {
  return digestOf(await registrySnapshot(side));
}

/** The parts whose count or sha256 differ. */
export function differingParts(a: RegistryDigest, b: RegistryDigest): RegistryPart[] {
  return REGISTRY_PARTS.filter((p) => a[p] !== b[p] || a.sha256[p] !== b.sha256[p]);
}

/** The first item of two lists that differs, as `#i: source … target …` (texts cut short). */
export function firstDifference(a: readonly unknown[], b: readonly unknown[]): string {
  const cut = (v: unknown) => {
    const t = v === undefined ? '(none)' : canonicalJson(v);
    return t.length > 160 ? `${t.slice(0, 157)}...` : t;
  };
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= a.length || i >= b.length || canonicalJson(a[i]) !== canonicalJson(b[i])) {
      return `first difference at #${i + 1}: source ${cut(a[i])}, target ${cut(b[i])}`;
    }
  }
  return 'no item differs';
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

  /** Hash `row` (without its id); returns its canonical line. */
  add(row: LoggedPrediction | LoggedFeedback): string {
    const { id: _, ...rest } = row;
    const line = canonicalJson(rest);
    this.h.update(line).update('\n');
    this.rows++;
    return line;
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

/** Two row streams read side by side: their digests and where they first differ (null: nowhere). */
export async function compareRows<R extends LoggedPrediction | LoggedFeedback>(
  source: AsyncIterable<R>,
  target: AsyncIterable<R>,
): Promise<{ source: RowsDigest; target: RowsDigest; first: string | null }> {
  const [a, b] = [source[Symbol.asyncIterator](), target[Symbol.asyncIterator]()];
  const [ha, hb] = [new RowHasher(), new RowHasher()];
  let first: string | null = null;
  const cut = (t: string) => (t.length > 200 ? `${t.slice(0, 197)}...` : t);
  for (;;) {
    const [x, y] = await Promise.all([a.next(), b.next()]);
    if (x.done && y.done) break;
    const lx = x.done ? '(none)' : ha.add(x.value);
    const ly = y.done ? '(none)' : hb.add(y.value);
    if (first === null && lx !== ly) {
      const n = Math.max(ha.rows, hb.rows);
      first = `first difference at row ${n}: source ${cut(lx)}, target ${cut(ly)}`;
    }
  }
  return { source: ha.digest(), target: hb.digest(), first };
}
