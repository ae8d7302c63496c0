/**
 * The registry store's queries, written once in kysely for every SQL backend: a backend folder
 * (src/store/sqlite, src/store/postgres) opens the connection, creates its schema and says
 * how a write transaction takes the exclusive lock — the rest is here. As kysely's own dialects
 * are shaped: the query layer is shared, the driver and its quirks are the backend's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type {
  AliasRow,
  EventType,
  NewEvent,
  NewVersion,
  RegistryEvent,
  RegistryStore,
  RegistryWatch,
  Stage,
  StageRow,
  StoredVersion,
  WatchOptions,
} from '../registry-store.js';

/** The registry's tables as the queries see them (JSON columns are text). */
export interface RegistryDb {
  registry_meta: { key: string; value: string };
  versions: VersionTable;
  stages: { stage: string; version: number; since: string };
  aliases: { alias: string; version: number; updated_at: string };
  events: EventTable;
}

interface VersionTable {
  version: number;
  name: string;
  run_id: string;
  run_dir: string;
  registered_at: string;
  actor: string;
  metadata_sha256: string;
  artifacts: string;
  model_kind: string;
  model_name: string;
  params: string;
  metrics: string;
  data_sha256: string;
  config_sha256: string;
  trained_at: string;
  tags: string;
  target: string | null;
  data_file: string | null;
  data_rows: number | null;
  features: string | null;
}

interface EventTable {
  id: Generated<number>;
  ts: string;
  type: string;
  stage: string | null;
  version: number | null;
  from_version: number | null;
  actor: string | null;
  reason: string | null;
  decision: string | null;
  details: string | null;
}

/** How a backend runs a write transaction: takes the lock, runs `body`, commits or rolls back. */
export type WriteTransaction = <T>(
  db: Kysely<RegistryDb>,
  body: (tx: Kysely<RegistryDb>) => Promise<T>,
) => Promise<T>;

/** The registry's queries over a kysely instance; `write` is the backend's locking transaction. */
export class SqlRegistryStore implements RegistryStore {
  /** The connection of the write transaction the current async call runs in, if any. */
  private readonly current = new AsyncLocalStorage<Kysely<RegistryDb>>();
  private closed = false;

  constructor(
    readonly location: string,
    private readonly db: Kysely<RegistryDb>,
    private readonly write: WriteTransaction,
  ) {}

  /** Queries inside a write transaction go through its connection (the only one it holds). */
  private get q(): Kysely<RegistryDb> {
    return this.current.getStore() ?? this.db;
  }

  /** The last write transaction of this process: the next one starts after it ends. */
  private tail: Promise<unknown> = Promise.resolve();

  writeTransaction<T>(fn: () => Promise<T> | T): Promise<T> {
    // Nested calls join the outer transaction.
    if (this.current.getStore()) return Promise.resolve().then(fn);
    // This process's writers go in call order: the lock alone lets a later caller whose pooled
    // connection happened to come first win it.
    const run = this.tail.then(() => this.write(this.db, (tx) => this.current.run(tx, async () => fn())));
    this.tail = run.catch(() => {});
    return run;
  }

  async getMeta(key: string): Promise<string | null> {
    const r = await this.q
      .selectFrom('registry_meta')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return r ? String(r.value) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.q
      .insertInto('registry_meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async listMeta(): Promise<Record<string, string>> {
    const rows = await this.q.selectFrom('registry_meta').selectAll().orderBy('key').execute();
    return Object.fromEntries(rows.map((r) => [String(r.key), String(r.value)]));
  }

  async insertVersion(v: NewVersion): Promise<number> {
    const top = await this.q
      .selectFrom('versions')
      .select((eb) => eb.fn.max('version').as('n'))
      .executeTakeFirst();
    const version = Number(top?.n ?? 0) + 1;
    await this.q.insertInto('versions').values(toRow(v, version)).execute();
    return version;
  }

  async getVersion(version: number): Promise<StoredVersion | null> {
    const r = await this.q
      .selectFrom('versions')
      .selectAll()
      .where('version', '=', version)
      .executeTakeFirst();
    return r ? toVersion(r) : null;
  }

  async findRun(runId: string): Promise<StoredVersion | null> {
    const r = await this.q.selectFrom('versions').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return r ? toVersion(r) : null;
  }

  async listVersions(): Promise<StoredVersion[]> {
    const rows = await this.q.selectFrom('versions').selectAll().orderBy('version').execute();
    return rows.map(toVersion);
  }

  async getStages(): Promise<StageRow[]> {
    const rows = await this.q.selectFrom('stages').selectAll().orderBy('stage').execute();
    return rows.map((r) => ({ stage: r.stage as Stage, version: Number(r.version), since: r.since }));
  }

  async setStage(row: StageRow): Promise<void> {
    const { stage, version, since } = row;
    await this.q
      .insertInto('stages')
      .values({ stage, version, since })
      .onConflict((oc) => oc.column('stage').doUpdateSet({ version, since }))
      .execute();
  }

  async getAliases(): Promise<AliasRow[]> {
    const rows = await this.q.selectFrom('aliases').selectAll().orderBy('alias').execute();
    return rows.map((r) => ({ alias: r.alias, version: Number(r.version), updated_at: r.updated_at }));
  }

  async setAlias(row: AliasRow): Promise<void> {
    const { version, updated_at } = row;
    await this.q
      .insertInto('aliases')
      .values({ ...row })
      .onConflict((oc) => oc.column('alias').doUpdateSet({ version, updated_at }))
      .execute();
  }

  async removeAlias(alias: string): Promise<boolean> {
    const r = await this.q.deleteFrom('aliases').where('alias', '=', alias).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async addEvent(e: NewEvent): Promise<number> {
    const r = await this.q
      .insertInto('events')
      .values({
        ts: e.ts,
        type: e.type,
        stage: e.stage ?? null,
        version: e.version ?? null,
        from_version: e.from_version ?? null,
        actor: e.actor ?? null,
        reason: e.reason ?? null,
        decision: e.decision ?? null,
        details: e.details ? JSON.stringify(e.details) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async listEvents(o: { limit?: number; stage?: Stage } = {}): Promise<RegistryEvent[]> {
    let query = this.q.selectFrom('events').selectAll().orderBy('id', 'desc');
    if (o.stage) query = query.where('stage', '=', o.stage);
    if (o.limit !== undefined) query = query.limit(Math.max(0, Math.floor(o.limit)));
    // Newest first to apply the limit, then oldest first for the caller.
    return (await query.execute()).reverse().map(toEvent);
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  /** No notifications here (SQLite): followers poll; PostgreSQL overrides this with LISTEN. */
  async watch(_onChange: () => void, _o?: WatchOptions): Promise<RegistryWatch | null> {
    return null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }
}

const JSON_COLUMNS = ['artifacts', 'params', 'metrics', 'tags'] as const;

/** Columns recorded after the first schema: absent on older rows (ModelRegistry reads metadata then). */
const DATASET_COLUMNS = ['target', 'data_file', 'data_rows', 'features'] as const;

function toRow(v: NewVersion, version: number): VersionTable {
  return {
    ...v,
    version,
    artifacts: JSON.stringify(v.artifacts),
    params: JSON.stringify(v.params),
    metrics: JSON.stringify(v.metrics),
    tags: JSON.stringify(v.tags),
    target: v.target ?? null,
    data_file: v.data_file ?? null,
    data_rows: v.data_rows ?? null,
    features: v.features === undefined ? null : JSON.stringify(v.features),
  };
}

function toVersion(r: Selectable<VersionTable>): StoredVersion {
  const out: Record<string, unknown> = { ...r };
  for (const c of JSON_COLUMNS) out[c] = JSON.parse(String(r[c]));
  for (const c of DATASET_COLUMNS) if (out[c] === null || out[c] === undefined) delete out[c];
  if (typeof out.features === 'string') out.features = JSON.parse(out.features);
  if (out.data_rows !== undefined) out.data_rows = Number(out.data_rows);
  out.version = Number(r.version);
  return out as unknown as StoredVersion;
}

function toEvent(r: Selectable<EventTable>): RegistryEvent {
  return {
    id: Number(r.id),
    ts: String(r.ts),
    type: r.type as EventType,
    stage: (r.stage as Stage | null) ?? null,
    version: r.version === null ? null : Number(r.version),
    from_version: r.from_version === null ? null : Number(r.from_version),
    actor: r.actor ?? null,
    reason: r.reason ?? null,
    decision: r.decision ?? null,
    details: r.details ? (JSON.parse(String(r.details)) as Record<string, unknown>) : null,
  };
}
