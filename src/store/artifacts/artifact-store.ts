/**
 * ArtifactStore: where runs' files live so that any host can fetch them, content-addressed by
 * sha256 (as git's objects are): a blob is stored once under the hash of its bytes, whoever puts
 * it and however often, and a get proves the bytes still hash to their key. Named refs
 * (`run/<run-id>`) point at a blob — a run's manifest — and are written once. Every member is
 * documented here once; each backend (file/, postgres/) passes
 * test/store/artifact-store-conformance.ts. The store only stores: which files make a run and
 * how they are checked is the run folder's (src/artifacts) and the registry's (src/registry).
 */

/** Bytes to store: in memory, text (UTF-8), or streamed (a Node Readable is an AsyncIterable). */
export type BlobInput = Uint8Array | string | AsyncIterable<Uint8Array>;

/** A blob as stored: its key and size, and whether this put added it. */
export interface PutResult {
  /** Hex sha256 of the bytes: the blob's key. */
  sha256: string;
  bytes: number;
  /** false when the store already held it (a put is idempotent). */
  created: boolean;
}

/** A content-addressed blob store with write-once refs. */
export interface ArtifactStore {
  /** Human-readable location (a folder, or a connection string without its password). */
  readonly location: string;
  /**
   * Store `data` under its sha256 and return the key. Atomic: until the put resolves the blob is
   * not visible, and a put killed half-way leaves nothing a reader can see. Putting bytes the
   * store holds already changes nothing (`created` false).
   */
  put(data: BlobInput): Promise<PutResult>;
  /**
   * The blob's bytes, verified: bytes that no longer hash to `sha256` are `blob_corrupt` naming
   * where it is stored, the expected and the actual hash; an absent one is `blob_missing`; a key
   * that is not 64 lower-case hex digits is `bad_blob_key`.
   */
  get(sha256: string): Promise<Buffer>;
  /** Whether a blob is stored under `sha256` (its bytes are not read). */
  has(sha256: string): Promise<boolean>;
  /**
   * Point ref `name` (`run/<run-id>`: a lower-case kind, a slash, 1-128 letters, digits, `.` `_`
   * `-`) at a stored blob, once: setting it again to the same blob is a no-op, to another is
   * `ref_conflict` (a published run never changes under its name). The blob must be stored.
   */
  setRef(name: string, sha256: string): Promise<void>;
  /** The blob a ref points at, or null when it is not set. */
  getRef(name: string): Promise<string | null>;
  /** Release connections and handles. Idempotent. */
  close(): Promise<void>;
}
