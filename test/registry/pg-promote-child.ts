/**
 * Child process of the PostgreSQL concurrency test, standing in for one host:
 *   pg-promote-child.ts <uri> <tag> <n> <every tag, comma-separated>
 * Waits until every host has opened the registry (so they run side by side, whatever their
 * start-up times), then n times, in one write transaction each: register a version, then promote it to production
 * recording the version it replaces (as ModelRegistry's promote does under the write lock).
 * Prints one JSON line: the versions it registered. Imports the store modules only (fast start).
 */
import { openStores } from '../../src/store/open-stores.js';

const [uri, tag, count, tags] = process.argv.slice(2);
const { registry } = await openStores({ registry: uri }, { busyTimeoutMs: 30_000 });
const mine: number[] = [];
try {
  await registry.setMeta(`ready-${tag}`, '1');
  const deadline = Date.now() + 60_000;
  for (const other of tags.split(',')) {
    while ((await registry.getMeta(`ready-${other}`)) === null) {
      if (Date.now() > deadline) throw new Error(`${other} never opened the registry`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  for (let i = 0; i < Number(count); i++) {
    const v = await registry.writeTransaction(async () => {
      const version = await registry.insertVersion({
        name: 'default',
        run_id: `${tag}-${i}`,
        run_dir: `runs/${tag}-${i}`,
        registered_at: new Date().toISOString(),
        actor: tag,
        metadata_sha256: 'a'.repeat(64),
        artifacts: {},
        model_kind: 'ridge',
        model_name: 'ridge',
        params: {},
        metrics: {},
        data_sha256: 'c'.repeat(64),
        config_sha256: 'd'.repeat(64),
        trained_at: new Date().toISOString(),
        tags: {},
      });
      const before = (await registry.getStages()).find((s) => s.stage === 'production');
      // Widen the window between the read and the write: without the lock the other host's
      // promotion would land here and this one would record a stale from_version.
      await new Promise((r) => setTimeout(r, 2));
      await registry.setStage({ stage: 'production', version, since: 'now' });
      await registry.addEvent({
        ts: new Date().toISOString(),
        type: 'promote',
        stage: 'production',
        version,
        from_version: before?.version ?? null,
        actor: tag,
      });
      return version;
    });
    mine.push(v);
  }
  process.stdout.write(`${JSON.stringify({ tag, versions: mine })}\n`);
} finally {
  await registry.close();
}
