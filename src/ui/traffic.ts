/**
 * Live traffic from the prediction log's rows: how many, how many rejected, latency percentiles,
 * and requests and p95 latency per minute for the chart. Computed over the rows handed in: the
 * rows the monitoring window read (the served version's, rejected ones included) on the
 * production page, one arm's rows on the experiments page.
 */
import type { WindowRow } from '../loop/monitoring.js';

/** One logged row, as much of it as traffic needs (the monitoring window's row). */
export type TrafficRow = WindowRow;

/** Traffic over the rows, and per minute. */
export interface Traffic {
  rows: number;
  rejected: number;
  /** rejected / rows; null without rows. */
  error_rate: number | null;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  first: string | null;
  last: string | null;
  /** Oldest first: start of the minute (ms since the epoch), rows, p95 latency. */
  per_minute: { t: number; rows: number; p95_ms: number | null }[];
}

/** Summarises `rows` (any order). */
export function trafficOf(rows: readonly TrafficRow[]): Traffic {
  const sorted = [...rows].sort((a, b) => a.time.localeCompare(b.time));
  const latencies = Float64Array.from(
    sorted.filter((r) => r.latency_ms !== null),
    (r) => r.latency_ms as number,
  ).sort();
  const rejected = sorted.filter((r) => r.status !== 'ok').length;
  return {
    rows: sorted.length,
    rejected,
    error_rate: sorted.length ? rejected / sorted.length : null,
    latency_ms: {
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
    },
    first: sorted[0]?.time ?? null,
    last: sorted.at(-1)?.time ?? null,
    per_minute: perMinute(sorted),
  };
}

function perMinute(sorted: readonly TrafficRow[]): Traffic['per_minute'] {
  const buckets = new Map<number, number[]>();
  for (const r of sorted) {
    const t = Math.floor(Date.parse(r.time) / 60_000) * 60_000;
    const b = buckets.get(t) ?? [];
    buckets.set(t, b);
    b.push(r.latency_ms ?? Number.NaN);
  }
  return [...buckets].map(([t, lat]) => {
    const finite = Float64Array.from(lat.filter(Number.isFinite)).sort();
    return { t, rows: lat.length, p95_ms: quantile(finite, 0.95) };
  });
}

/** The `q` quantile of sorted values (nearest rank); null when empty. */
function quantile(sorted: Float64Array, q: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
