/**
 * What changed between two registered versions: model family and parameters, metrics split by
 * split, the training data's hash, and every config value that differs (dotted paths).
 */
import type { StoredVersion } from '../store/registry-store.js';

export interface VersionSummary {
  version: number;
  run_id: string;
  model_kind: string;
  model_name: string;
  trained_at: string;
}

export interface ValueChange {
  key: string;
  a: unknown;
  b: unknown;
}

export interface MetricChange {
  split: string;
  metric: string;
  a: number | null;
  b: number | null;
  /** b − a (null when either is missing). */
  delta: number | null;
}

/** What differs between two versions: params, metrics, data and config. */
export interface VersionDiff {
  a: VersionSummary;
  b: VersionSummary;
  /** Parameters of the selected models that differ (all of them when the families differ). */
  params: ValueChange[];
  metrics: MetricChange[];
  data: { a: string; b: string; same: boolean };
  /** Config values that differ, by dotted path (lists compared whole). */
  config: ValueChange[];
  tags: ValueChange[];
}

export function diffVersions(
  a: StoredVersion,
  b: StoredVersion,
  configA: unknown,
  configB: unknown,
): VersionDiff {
  const metrics: MetricChange[] = [];
  const splits = union(Object.keys(a.metrics ?? {}), Object.keys(b.metrics ?? {}));
  for (const split of splits) {
    const ma = a.metrics?.[split] ?? {};
    const mb = b.metrics?.[split] ?? {};
    for (const metric of union(Object.keys(ma), Object.keys(mb))) {
      const va = num(ma[metric]);
      const vb = num(mb[metric]);
      metrics.push({ split, metric, a: va, b: vb, delta: va === null || vb === null ? null : vb - va });
    }
  }
  return {
    a: summary(a),
    b: summary(b),
    params: changes(flatten(a.params ?? {}), flatten(b.params ?? {})),
    metrics,
    data: { a: a.data_sha256, b: b.data_sha256, same: a.data_sha256 === b.data_sha256 },
    config: changes(flatten(configA), flatten(configB)),
    tags: changes(a.tags ?? {}, b.tags ?? {}),
  };
}

function summary(v: StoredVersion): VersionSummary {
  return {
    version: v.version,
    run_id: v.run_id,
    model_kind: v.model_kind,
    model_name: v.model_name,
    trained_at: v.trained_at,
  };
}

function num(x: unknown): number | null {
  return typeof x === 'number' ? x : null;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Leaves of nested mappings by dotted path; lists and scalars are leaves. */
export function flatten(v: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = v;
  }
  return out;
}

function changes(a: Record<string, unknown>, b: Record<string, unknown>): ValueChange[] {
  const out: ValueChange[] = [];
  for (const key of union(Object.keys(a), Object.keys(b)).sort()) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key]))
      out.push({ key, a: a[key] ?? null, b: b[key] ?? null });
  }
  return out;
}
