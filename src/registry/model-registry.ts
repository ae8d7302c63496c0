/**
 * ModelRegistry: every trained run a numbered version of one named model; stages dev, staging and
 * production (one version each at most) mirrored by folders `<root>/<stage>`; free aliases; a
 * recorded decision for every move, with the production gate's numbers.
 *
 * A stage move, serialised across processes by the store's write lock, is
 *   write the release folder complete → swap the stage link → commit the database row and event.
 * A crash at any point leaves the link on the old or the new complete release; `open` then resets
 * the link to what the database says (the database is the source of truth).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { writeDirAtomic } from '../artifacts/atomic.js';
import { readRunConfig } from '../artifacts/run-config.js';
import { METADATA_FILE, type MetadataJson, RunFolder, sha256 } from '../artifacts/run-folder.js';
import { RELEASES } from '../artifacts/stage-link.js';
import { DataError, UsageError } from '../core/errors.js';
import { openStores, registryUriOf } from '../store/open-stores.js';
import type {
  NewEvent,
  RegistryEvent,
  RegistryStore,
  StageRow,
  StoredVersion,
} from '../store/registry-store.js';
import { faultPoint } from './fault.js';
import { refuseLostRegistry, shownPath } from './lost-registry.js';
import { checkAlias, checkModelName, checkStage, checkTags, parseRef, type Stage } from './names.js';
import { type RebuildReport, rebuildRegistry } from './rebuild.js';
import type { Decision, ReconcileFix, StageMove, VersionRecord } from './records.js';
import { hasRunLeftovers, type RecoveryNote, recoverRuns } from './run-recovery.js';
import { StageFolders } from './stage-folders.js';
import { StageRecords } from './stage-records.js';
import type { StageWriter } from './stage-writer.js';
import { diffVersions, type VersionDiff } from './version-diff.js';

export type { RebuildReport } from './rebuild.js';
export type { Decision, ReconcileFix, StageMove, VersionRecord } from './records.js';
export type { RecoveryNote } from './run-recovery.js';

/** A stage move as the promotion layer decided it (see `ModelRegistry.moveStage`). */
export interface StageMoveInput {
  version: number;
  stage: Stage;
  /** The version the stage must still hold for the move to apply (null: empty). */
  expected: number | null;
  decision: Exclude<Decision, 'rollback'>;
  /** Stored with the event: the gate's numbers, or why it could not run. */
  details?: Record<string, unknown>;
  reason?: string | null;
  actor?: string;
}

/** How to open a registry: another store than the root's SQLite file. */
export interface OpenOptions {
  /**
   * An opened store, or the URI of one (`sqlite:/srv/models/registry.sqlite`, see `openStores`).
   * Default: `sqlite:<root>/registry.sqlite`.
   */
  store?: RegistryStore | string;
  /**
   * false: this host keeps no models folder (a node serving from an artifact store, promoting
   * through a shared registry). Nothing is created or repaired in `root`, and a stage move is
   * recorded without folders (`StageRecords`): the hosts with the run folders follow it when they
   * next open the registry. A version's `run_path` still resolves against `root`. Default true.
   */
  folders?: boolean;
}

/** Versions of one named model in a models root, their stages, aliases and recorded moves. */
export class ModelRegistry {
  readonly root: string;
  readonly store: RegistryStore;
  /** What `open` repaired: stage links that disagreed with the database after a crash. */
  readonly reconciled: ReconcileFix[] = [];
  /** What `open` did with the leftovers of a killed save under runs/. */
  readonly recovered: RecoveryNote[] = [];
  private readonly folders: StageWriter;
  private readonly datasets = new Map<string, ReturnType<typeof datasetOf> | object>();
  /** The model name as last read or written (the first registration fixes it). */
  private name: string | null;

  private constructor(root: string, store: RegistryStore, name: string | null, folders: boolean) {
    this.root = root;
    this.store = store;
    this.name = name;
    this.folders = folders ? new StageFolders(root, store, (v) => this.get(v)) : new StageRecords(store);
  }

  /** A registry over `store`, without the repairs of `open` (rebuild starts from there). */
  private static async bare(root: string, store: RegistryStore, folders = true): Promise<ModelRegistry> {
    return new ModelRegistry(root, store, await store.getMeta('model_name'), folders);
  }

  /**
   * Open (creating if needed) the registry of a models root, and repair stage links after a crash.
   * A registry that is unreadable, or empty while stage links to registered releases exist, is a
   * DataError pointing to `ModelRegistry.rebuild`. `opts.store` names another store (a URI or
   * an opened one); the folders stay in `root`.
   */
  static async open(root: string, opts: OpenOptions = {}): Promise<ModelRegistry> {
    const abs = resolve(root);
    if (opts.folders === false) {
      const store = typeof opts.store === 'object' ? opts.store : await openStore(abs, opts.store);
      return ModelRegistry.bare(abs, store, false).catch(async (e) => {
        await store.close();
        throw e;
      });
    }
    mkdirSync(abs, { recursive: true });
    const store = typeof opts.store === 'object' ? opts.store : await openStore(abs, opts.store);
    try {
      const reg = await ModelRegistry.bare(abs, store);
      // An emptied registry must not "repair" the links of the versions it forgot by deleting them.
      await refuseLostRegistry(abs, store);
      reg.reconciled.push(...(await reg.folders.reconcile(defaultActor())));
      reg.recovered.push(...(await reg.recoverRuns(defaultActor())));
      return reg;
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  /**
   * Rebuild an emptied or unreadable registry from the folders of `root`: every run folder under
   * runs/ verified and registered again (oldest first), stage rows restored from the stage links'
   * registry.json stamps, a deleted run folder of a stage rewritten from its release. An
   * unreadable registry file is kept beside it (`registry.sqlite.damaged-<time>`). Refused when
   * the registry holds versions. Stop servers and other tabflow processes of the root first.
   */
  static rebuild(root: string, o: { actor?: string } = {}): Promise<RebuildReport> {
    const abs = resolve(root);
    return rebuildRegistry(
      abs,
      (store) => ModelRegistry.bare(abs, store),
      () => ModelRegistry.open(abs),
      o.actor ?? defaultActor(),
    );
  }

  /**
   * The model name this root holds (fixed by the first registration), null when empty: as read
   * when the registry was opened, or as this instance registered it. It only ever changes from
   * null, and every registration checks it again under the write lock.
   */
  get modelName(): string | null {
    return this.name;
  }

  /** The stage's folder (a link to its release), `<root>/<stage>`. */
  stageDir(stage: Stage): string {
    return join(this.root, checkStage(stage));
  }

  /**
   * The folder serving version `v` in `stage` on this host: its release (where the stage link
   * points, when complete and of that version), else the version's run folder.
   */
  versionFolder(stage: Stage, v: VersionRecord): string {
    const release = this.folders.localRelease(checkStage(stage), v);
    return release === null ? v.run_path : join(this.root, RELEASES, release);
  }

  /** Close the store. */
  close(): Promise<void> {
    return this.store.close();
  }

  /** Register a run folder as the next version; a run registered before returns its version. */
  async register(
    runDir: string,
    o: { name: string; tags?: Record<string, string>; actor?: string },
  ): Promise<VersionRecord> {
    const name = checkModelName(o.name);
    const tags = checkTags(o.tags ?? {});
    const run = RunFolder.open(runDir);
    return this.get(await this.insertRun({ run, name, tags, actor: o.actor ?? defaultActor() }));
  }

  /**
   * Write a trained run's folder (atomically) and register it, as one step under the write lock:
   * a registry opened meanwhile sees no folder or a registered one, never an unregistered run, so
   * it may remove any `.tmp-` entry under runs/ (a dead writer's). The files are verified against
   * metadata.json as written; the model is not loaded.
   */
  async saveRun(
    runDir: string,
    files: Record<string, string | Uint8Array>,
    o: { name: string; tags?: Record<string, string>; actor?: string },
  ): Promise<VersionRecord> {
    const name = checkModelName(o.name);
    const tags = checkTags(o.tags ?? {});
    const dir = resolve(runDir);
    const version = await this.store.writeTransaction(() => {
      let first = true;
      writeDirAtomic(dir, files, () => {
        if (first) faultPoint('run-partial');
        first = false;
      });
      faultPoint('run-saved');
      return this.insertVerified(dir, name, tags, o.actor ?? defaultActor());
    });
    return this.get(version);
  }

  /** Every version, oldest first, with its stages and aliases. */
  async list(): Promise<VersionRecord[]> {
    const stages = await this.store.getStages();
    const aliases = await this.store.getAliases();
    return (await this.store.listVersions()).map((v) => this.record(v, stages, aliases));
  }

  /** A version by number, `v7`, stage name or alias. */
  async get(ref: string | number): Promise<VersionRecord> {
    const r = parseRef(ref);
    let version: number;
    if (r.kind === 'version') version = r.version;
    else if (r.kind === 'stage') {
      const row = await this.stageRow(r.stage);
      if (!row) throw new UsageError('empty_stage', `No version is in stage ${r.stage}`);
      version = row.version;
    } else {
      const aliases = await this.store.getAliases();
      const row = aliases.find((x) => x.alias === r.alias);
      if (!row) {
        const known = aliases.map((x) => x.alias);
        throw new UsageError(
          'unknown_ref',
          `${JSON.stringify(r.alias)} is neither a version, a stage nor an alias` +
            (known.length ? ` (aliases: ${known.join(', ')})` : ' (no aliases are set)'),
        );
      }
      version = row.version;
    }
    const v = await this.store.getVersion(version);
    if (!v) {
      const n = (await this.store.listVersions()).length;
      throw new UsageError(
        'unknown_version',
        `Version ${version} does not exist: ${n ? `versions are 1 to ${n}` : 'nothing is registered yet'}`,
      );
    }
    return this.record(v, await this.store.getStages(), await this.store.getAliases());
  }

  /** The version a stage holds, or null. */
  async stageVersion(stage: Stage): Promise<VersionRecord | null> {
    const row = await this.stageRow(checkStage(stage));
    return row ? this.get(row.version) : null;
  }

  /**
   * Record a stage move decided elsewhere (the promotion layer's gate, src/promotion): under the
   * write lock, when `stage` still holds version `expected` (null: empty), a `refused` decision
   * is recorded as an event and nothing moves; any other decision moves version `version` into
   * `stage` (release folder, link swap, row and event). Returns null and records nothing when the
   * stage moved meanwhile: decide again. `details` (the gate's numbers) are stored with the event.
   */
  async moveStage(m: StageMoveInput): Promise<StageMove | null> {
    const st = checkStage(m.stage);
    const cand = await this.get(m.version);
    const reason = m.reason ?? null;
    const actor = m.actor ?? defaultActor();
    const details = m.details ?? {};
    const done = await this.store.writeTransaction(async (): Promise<StageMove | null> => {
      const inc = await this.stageRow(st);
      if ((inc?.version ?? null) !== m.expected) return null;
      const base = { stage: st, version: cand.version, from_version: inc?.version ?? null, reason, actor };
      const decision = m.decision;
      if (decision === 'refused') {
        const id = await this.store.addEvent({ ts: now(), type: 'promote', decision, details, ...base });
        return { ...base, decision, applied: false, event_id: id };
      }
      const id = await this.folders.move(cand, st, inc, {
        type: 'promote',
        decision,
        details,
        reason,
        actor,
      });
      return { ...base, decision, applied: true, event_id: id };
    });
    if (done?.applied) await this.folders.prune();
    return done;
  }

  /** Move `stage` back to the version that held it before the current one. */
  async rollback(stage: Stage, o: { reason?: string; actor?: string } = {}): Promise<StageMove> {
    const st = checkStage(stage);
    const actor = o.actor ?? defaultActor();
    const reason = o.reason ?? null;
    const done = await this.store.writeTransaction(async () => {
      const cur = await this.stageRow(st);
      if (!cur) throw new UsageError('empty_stage', `No version is in stage ${st}: nothing to roll back`);
      const stack = await this.stageStack(st);
      if (stack[stack.length - 1] !== cur.version) stack.push(cur.version);
      const target = stack.length >= 2 ? stack[stack.length - 2] : undefined;
      if (target === undefined) {
        throw new UsageError(
          'no_previous',
          `Stage ${st} has no previous version to roll back to (v${cur.version} is the first it held)`,
        );
      }
      const rec = await this.get(target);
      const id = await this.folders.move(rec, st, cur, {
        type: 'rollback',
        decision: 'rollback',
        reason,
        actor,
      });
      return {
        decision: 'rollback' as const,
        applied: true,
        stage: st,
        version: target,
        from_version: cur.version,
        reason,
        actor,
        event_id: id,
      };
    });
    await this.folders.prune();
    return done;
  }

  /** Point an alias at a version (recorded as an event). */
  async setAlias(alias: string, ref: string | number, o: { actor?: string } = {}): Promise<VersionRecord> {
    const a = checkAlias(alias);
    const v = await this.get(ref);
    await this.store.writeTransaction(async () => {
      const was = (await this.store.getAliases()).find((x) => x.alias === a)?.version ?? null;
      await this.store.setAlias({ alias: a, version: v.version, updated_at: now() });
      await this.store.addEvent({
        ts: now(),
        type: 'alias',
        version: v.version,
        from_version: was,
        actor: o.actor ?? defaultActor(),
        details: { alias: a },
      });
    });
    return this.get(v.version);
  }

  /** Remove an alias (recorded as an event). */
  async removeAlias(alias: string, o: { actor?: string } = {}): Promise<void> {
    const a = checkAlias(alias);
    await this.store.writeTransaction(async () => {
      const was = (await this.store.getAliases()).find((x) => x.alias === a);
      if (!was || !(await this.store.removeAlias(a))) {
        throw new UsageError('unknown_alias', `Alias ${JSON.stringify(a)} is not set`);
      }
      await this.store.addEvent({
        ts: now(),
        type: 'unalias',
        from_version: was.version,
        actor: o.actor ?? defaultActor(),
        details: { alias: a },
      });
    });
  }

  /**
   * Record an event that is not a stage move (an A/B start, stop or conclusion), with its numbers
   * in `details`; returns its id. Stage moves record their own events.
   */
  async recordEvent(e: Omit<NewEvent, 'ts'> & { ts?: string }): Promise<number> {
    if (e.type === 'promote' || e.type === 'rollback') {
      throw new UsageError('bad_event', `A ${e.type} event is recorded by the stage move itself`);
    }
    return this.store.writeTransaction(() =>
      this.store.addEvent({ ...e, ts: e.ts ?? now(), actor: e.actor ?? defaultActor() }),
    );
  }

  /** Recorded events, oldest first (`limit`: the newest that many). */
  async history(o: { limit?: number; stage?: Stage } = {}): Promise<RegistryEvent[]> {
    return this.store.listEvents({ limit: o.limit, stage: o.stage && checkStage(o.stage) });
  }

  /** Params, metrics, data and config differences of two versions. */
  async diff(a: string | number, b: string | number): Promise<VersionDiff> {
    const va = await this.get(a);
    const vb = await this.get(b);
    return diffVersions(va, vb, readRunConfig(va.run_path), readRunConfig(vb.run_path));
  }

  // ---- internals ----

  /** A run folder whose files match its metadata.json, registered without loading the model. */
  private insertVerified(
    dir: string,
    name: string,
    tags: Record<string, string>,
    actor: string,
    details?: Record<string, unknown>,
  ): Promise<number> {
    // Consistent in itself (its seal, when it has one, and every file): the registry records it.
    const run = RunFolder.open(dir, { registered: sha256(readFileSync(join(dir, METADATA_FILE))) });
    return this.insertRun({ run, name, tags, actor, details });
  }

  /** The version row and its event; the run registered before returns its version. */
  private insertRun(p: {
    run: RunFolder;
    name: string;
    tags: Record<string, string>;
    actor: string;
    details?: Record<string, unknown>;
  }): Promise<number> {
    const { run, name } = p;
    const m = run.metadata;
    return this.store.writeTransaction(async () => {
      const held = await this.store.getMeta('model_name');
      if (held !== null && held !== name) {
        throw new UsageError(
          'other_model',
          `${this.root} holds the registered model "${held}"; registering "${name}" there is not allowed: ` +
            `one models folder holds one model, so train "${name}" with another --models-dir`,
        );
      }
      const existing = await this.store.findRun(m.run_id);
      if (existing) return existing.version;
      if (held === null) await this.store.setMeta('model_name', name);
      this.name = name;
      const inRoot = relative(this.root, run.real);
      const v = await this.store.insertVersion({
        name,
        run_id: m.run_id,
        run_dir: inRoot.startsWith('..') || isAbsolute(inRoot) ? run.real : inRoot,
        registered_at: new Date().toISOString(),
        actor: p.actor,
        metadata_sha256: sha256(run.file(METADATA_FILE)),
        artifacts: m.artifacts,
        model_kind: m.selected_model.kind,
        model_name: m.selected_model.name,
        params: m.selected_model.params ?? {},
        metrics: (m.selected_model.metrics ?? {}) as Record<string, Record<string, number>>,
        data_sha256: m.data.sha256,
        config_sha256: sha256(JSON.stringify(run.config ?? {})),
        trained_at: m.created_at,
        tags: p.tags,
        ...datasetOf(m),
      });
      await this.store.addEvent({
        ts: new Date().toISOString(),
        type: 'register',
        version: v,
        actor: p.actor,
        details: { run_id: m.run_id, model: m.selected_model.name, ...(p.details ?? {}) },
      });
      return v;
    });
  }

  /** Leftovers of a killed save under runs/: temp folders removed, complete runs registered. */
  private async recoverRuns(actor: string): Promise<RecoveryNote[]> {
    if (!(await hasRunLeftovers(this.root, this.store))) return [];
    return this.store.writeTransaction(() =>
      recoverRuns(this.root, this.store, (dir, meta, name) =>
        this.insertVerified(dir, checkModelName(name), checkTags(meta.registration?.tags ?? {}), actor, {
          recovered: 'saved by a process that died before registering it',
        }),
      ),
    );
  }

  /** The version a stage holds, since when; undefined when empty. */
  async stageRow(stage: Stage): Promise<StageRow | undefined> {
    return (await this.store.getStages()).find((r) => r.stage === stage);
  }

  private record(
    v: StoredVersion,
    stages: StageRow[],
    aliases: { alias: string; version: number }[],
  ): VersionRecord {
    const run_path = resolve(this.root, v.run_dir);
    return {
      ...(v.target === undefined ? this.olderDataset(v.run_id, run_path) : {}),
      ...v,
      run_path,
      stages: stages.filter((s) => s.version === v.version).map((s) => s.stage),
      aliases: aliases.filter((a) => a.version === v.version).map((a) => a.alias),
    };
  }

  /** Target and data of a version registered before the registry recorded them (its metadata.json). */
  private olderDataset(runId: string, runPath: string): ReturnType<typeof datasetOf> | object {
    let d = this.datasets.get(runId);
    if (!d) {
      try {
        d = datasetOf(JSON.parse(readFileSync(join(runPath, METADATA_FILE), 'utf8')) as MetadataJson);
      } catch {
        d = {}; // the run folder is gone or damaged: shown without them
      }
      this.datasets.set(runId, d);
    }
    return d;
  }

  /** Versions the stage held, as a stack: promotions push, rollbacks pop. */
  private async stageStack(stage: Stage): Promise<number[]> {
    const stack: number[] = [];
    for (const e of await this.store.listEvents({ stage })) {
      if (e.type === 'promote' && e.decision !== 'refused' && e.version !== null) stack.push(e.version);
      else if (e.type === 'rollback') stack.pop();
    }
    return stack;
  }
}

/** What a run was trained on, as the registry records it. */
function datasetOf(m: MetadataJson): Pick<StoredVersion, 'target' | 'data_file' | 'data_rows' | 'features'> {
  return {
    target: m.target.name,
    data_file: basename(m.data.path),
    data_rows: m.data.rows,
    features: m.features.map((f) => f.name),
  };
}

/** The store of a root (its SQLite file unless `uri` names another); an unreadable one says how to rebuild it. */
async function openStore(root: string, uri = registryUriOf(root)): Promise<RegistryStore> {
  try {
    return (await openStores({ registry: uri })).registry;
  } catch (e) {
    if (!(e instanceof DataError) || e.code !== 'registry_open') throw e;
    throw new DataError(
      'registry_open',
      `${e.message}. If the file is damaged, rebuild it from the run folders: ` +
        `tabflow models rebuild --models-dir ${shownPath(root)} (the damaged file is kept beside it)`,
    );
  }
}

function now(): string {
  return new Date().toISOString();
}

/** Who a recorded event names by default: TABFLOW_ACTOR, else the user name. */
export function defaultActor(): string {
  if (process.env.TABFLOW_ACTOR) return process.env.TABFLOW_ACTOR;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
