/**
 * The artifact store on a model-sized blob: put (streamed), get (verified) and materialising a
 * run-like folder into an empty cache and again from it, on `file:` and on PostgreSQL (bytea in
 * 1 MiB chunks). Seeded noise, so neither TOAST compression nor the hash gets an easy input.
 *
 * usage: node --import tsx bench/artifact-store.ts [--mb 32] [--pg postgres://…/test]
 * writes bench/results/artifact-store.json
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type ArtifactStore,
  fetchManifest,
  materialise,
  openArtifactStore,
  publishFiles,
} from '../src/internal.js';
import { writeResult } from './write-result.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const MB = Number(arg('mb', '32'));
const PG = arg(
  'pg',
  process.env.TABFLOW_TEST_POSTGRES || `postgres://${userInfo().username}@127.0.0.1:5432/test`,
);

function noise(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 2463534242;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

async function* pieces(b: Buffer): AsyncIterable<Uint8Array> {
  for (let i = 0; i < b.length; i += 256 * 1024) yield b.subarray(i, i + 256 * 1024);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, Math.round(performance.now() - t0)];
}

async function measure(store: ArtifactStore) {
  const model = noise(MB * 1024 * 1024);
  const [put, putMs] = await timed(() => store.put(pieces(model)));
  const [, getMs] = await timed(() => store.get(put.sha256));
  const files = { 'model.json': model, 'metadata.json': '{"run_id":"bench"}', 'config.yaml': 'a: 1\n' };
  const [p, publishMs] = await timed(() => publishFiles(store, 'bench', files));
  const host = mkdtempSync(join(tmpdir(), 'tabflow-bench-host-'));
  const cache = await openArtifactStore(`file:${join(host, 'blobs')}`);
  const manifest = await fetchManifest(store, p.manifestSha256, cache);
  const [, coldMs] = await timed(() => materialise(store, manifest, join(host, 'cold'), { cache }));
  const [, warmMs] = await timed(() => materialise(store, manifest, join(host, 'warm'), { cache }));
  const [, checkMs] = await timed(() => materialise(store, manifest, join(host, 'warm'), { cache }));
  await cache.close();
  return { putMs, getMs, publishAgainMs: publishMs, coldMs, fromCacheMs: warmMs, verifyOnlyMs: checkMs };
}

async function main() {
  const out: Record<string, unknown> = { mb: MB };
  const fileStore = await openArtifactStore(`file:${mkdtempSync(join(tmpdir(), 'tabflow-bench-blobs-'))}`);
  out.file = await measure(fileStore);
  await fileStore.close();
  const schema = `tabflow_bench_${randomBytes(4).toString('hex')}`;
  const sep = PG.includes('?') ? '&' : '?';
  const pgStore = await openArtifactStore(`${PG}${sep}schema=${schema}`);
  try {
    out.postgres = await measure(pgStore);
  } finally {
    await pgStore.close();
    const c = new pg.Client({ connectionString: PG });
    await c.connect();
    await c.query(`DROP SCHEMA "${schema}" CASCADE`);
    await c.end();
  }
  console.log(JSON.stringify(out, null, 2));
  writeResult('artifact-store', out);
}

await main();
