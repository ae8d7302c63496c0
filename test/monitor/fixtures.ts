/** Scipy reference numbers for the monitor statistics (see fixtures/make_drift_fixtures.py). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export const fx = JSON.parse(readFileSync(new URL('./fixtures/drift-stats.json', import.meta.url), 'utf8'));

/** |got − want| ≤ rel·|want| (+ a tiny absolute floor for values that are 0). */
export function assertClose(got: number | null, want: number, rel: number, what: string): void {
  assert.ok(got !== null, `${what}: got null, scipy ${want}`);
  const tol = rel * Math.abs(want) + 1e-300;
  assert.ok(
    Math.abs(got - want) <= tol,
    `${what}: ${got} vs scipy ${want} (rel err ${Math.abs(got - want) / Math.abs(want)})`,
  );
}

export const sorted = (a: number[]): Float64Array => Float64Array.from(a).sort();
