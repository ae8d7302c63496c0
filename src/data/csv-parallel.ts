/**
 * Parses a large CSV file on two threads: the file is split in two at a line end near its middle,
 * a worker parses the second part while this thread parses the first, and csv-merge.ts joins them
 * into exactly the Frame columns one pass gives.
 *
 * The split is speculative, as in parallel CSV readers that do not pre-scan quote parity: a line
 * end may sit inside a quoted field. The first part's parse, which runs the real state machine
 * from the start of the file, tells: it must end exactly at the split (no tail). If it does not,
 * or the worker failed (an error in the second part, whose line numbers only a pass from the
 * start knows), or the parts disagree on column types in a way a merge cannot settle, the whole
 * file is parsed again on this thread: rare paths pay twice, the result is always the single
 * pass's, errors included. An error in the first part is the file's first error, as one pass
 * would report it.
 */
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerScript } from '../core/worker-entry.js';
import type { CsvHead } from './csv-head.js';
import { mergeRanges } from './csv-merge.js';
import { type ByteRange, type CsvParseOptions, type CsvParseResult, parseCsv } from './csv-parser.js';
import type { RangeJob, RangeReply } from './csv-range-worker.js';

/**
 * Off by default (opt in with LoadOptions.csvParallelMinBytes): measured 2026-12-07 on the 1M x 10
 * bench file (bench/README.md), two threads cost ~0.45 s more CPU (a second cold JIT, the worker's
 * start, the merge's copy) and ~50 MB more peak RSS, for a critical path only ~20% shorter than one
 * pass: slower under load, and not shown faster on a quiet machine.
 */
export const PARALLEL_MIN_BYTES = Number.POSITIVE_INFINITY;
/** How far past the middle a line end is looked for before giving up on splitting. */
const SPLIT_WINDOW = 1 << 20;

/**
 * parseCsv over the whole file, on two threads when it is at least `minBytes` long (default
 * PARALLEL_MIN_BYTES: never) and the machine has a second core.
 */
export async function parseCsvFile(
  path: string,
  head: CsvHead,
  opts: CsvParseOptions,
  minBytes = PARALLEL_MIN_BYTES,
): Promise<CsvParseResult> {
  const size = (await stat(path)).size;
  if (size < minBytes || availableParallelism() < 2) return parseCsv(path, head, opts);
  const split = await lineEndAfter(path, Math.floor(size / 2), size);
  if (split < 0) return parseCsv(path, head, opts);
  return (await parseInTwo(path, head, opts, split, size)) ?? parseCsv(path, head, opts);
}

/** The two parts, merged; null when the file must be parsed in one pass (see the file comment). */
async function parseInTwo(
  path: string,
  head: CsvHead,
  opts: CsvParseOptions,
  split: number,
  size: number,
): Promise<CsvParseResult | null> {
  const worker = new RangeWorker();
  try {
    const job: RangeJob = {
      path,
      head,
      missingTokens: [...opts.missingTokens],
      textColumns: [...opts.textColumns],
      range: { start: split, end: size, last: true },
    };
    const second = worker.run(job);
    const firstRange: ByteRange = { start: 0, end: split, last: false };
    let a = await parseCsv(path, head, { ...opts, range: firstRange });
    let b = await second;
    if (a.tail !== 0 || b === null) return null;
    if (a.demoted.length > 0 || b.demoted.length > 0) {
      // Text past the sampled rows: the caller parses again with these columns as text.
      return { ...a, demoted: [...new Set([...a.demoted, ...b.demoted])].sort((x, y) => x - y) };
    }
    // A column with text in one part only: the other part is read again with it as text.
    const text = [...new Set([...a.text, ...b.text])].sort((x, y) => x - y);
    if (a.text.length < text.length) {
      a = await parseCsv(path, head, { ...opts, textColumns: new Set(text), range: firstRange });
    }
    if (b.text.length < text.length) b = await worker.run({ ...job, textColumns: text });
    return b === null ? null : mergeRanges(a, b);
  } finally {
    worker.stop();
  }
}

/** Offset just past the first line feed at or after `from`, or -1 when none is near. */
async function lineEndAfter(path: string, from: number, size: number): Promise<number> {
  const buf = new Uint8Array(Math.min(SPLIT_WINDOW, size - from));
  const fh = await open(path, 'r');
  try {
    const { bytesRead } = await fh.read(buf, 0, buf.length, from);
    const i = buf.subarray(0, bytesRead).indexOf(10);
    return i < 0 || from + i + 1 >= size ? -1 : from + i + 1;
  } finally {
    await fh.close();
  }
}

/** A worker thread running csv-range-worker.ts, one job at a time. */
class RangeWorker {
  private readonly worker: Worker;
  private failed: Promise<null>;
  constructor() {
    const [entry, options] = workerScript(import.meta.url, 'csv-range-worker');
    // From dist/ the worker needs none of the parent's flags (a loader such as tsx would only slow
    // its start); from sources workerScript passes the loader it needs.
    this.worker = new Worker(entry, { execArgv: [], ...options });
    // A worker that cannot start (or dies) makes every job answer null: the caller parses alone.
    this.failed = new Promise((done) => {
      this.worker.once('error', () => done(null));
      this.worker.once('exit', () => done(null));
    });
  }

  /** The range's result, or null when the worker failed on it. */
  run(job: RangeJob): Promise<CsvParseResult | null> {
    const reply = new Promise<CsvParseResult | null>((done) => {
      this.worker.once('message', (r: RangeReply) => done(r.ok ? r.result : null));
    });
    this.worker.postMessage(job);
    return Promise.race([reply, this.failed]);
  }

  stop(): void {
    void this.worker.terminate();
  }
}
