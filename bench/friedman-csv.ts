/**
 * A seeded Friedman #1 regression problem written as CSV (for whole-run benchmarks):
 * `y = 10 sin(π x0 x1) + 20 (x2 − 0.5)² + 10 x3 + 5 x4 + ε`, ε ~ N(0, 1), every xj ~ U(0, 1);
 * columns x5… are noise. Numbers are written with 6 decimals.
 */
import { createWriteStream } from 'node:fs';
import { Rng } from '../src/core/random.js';

/** Rows, feature columns and seed of a generated Friedman #1 file. */
export interface FriedmanSpec {
  rows: number;
  features: number;
  seed: number;
}

/** Write `spec.rows` rows of Friedman #1 (`x0…x{p−1}`, then `y`) to `path`; the same spec gives the same bytes. */
export async function writeFriedmanCsv(path: string, spec: FriedmanSpec): Promise<void> {
  if (spec.features < 5) throw new Error(`Friedman #1 needs at least 5 features, got ${spec.features}`);
  const rng = new Rng(spec.seed);
  const out = createWriteStream(path);
  const x = new Float64Array(spec.features);
  let buf = `${Array.from(x, (_, j) => `x${j}`).join(',')},y\n`;
  for (let i = 0; i < spec.rows; i++) {
    let line = '';
    for (let j = 0; j < x.length; j++) {
      // y is computed from the written (rounded) inputs.
      x[j] = Math.round(rng.next() * 1e6) / 1e6;
      line += `${x[j].toFixed(6)},`;
    }
    const y =
      10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) ** 2 + 10 * x[3] + 5 * x[4] + rng.normal();
    buf += `${line}${y.toFixed(6)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((done, fail) => out.end((err?: Error | null) => (err ? fail(err) : done())));
}
