/**
 * Worker thread of csv-parallel.ts: parses one byte range of a CSV file per message and posts its
 * columns back, their buffers transferred rather than copied.
 */
import { parentPort } from 'node:worker_threads';
import type { CsvHead } from './csv-head.js';
import { type ByteRange, type CsvParseResult, parseCsv } from './csv-parser.js';
import { decoderOf } from './encoding.js';

/** One range to parse, with the options of parseCsv that can cross threads. */
export interface RangeJob {
  path: string;
  head: CsvHead;
  missingTokens: string[];
  textColumns: number[];
  range: ByteRange;
}

/** The range's columns, or why it could not be parsed (the caller then parses the whole file). */
export type RangeReply = { ok: true; result: CsvParseResult } | { ok: false; message: string };

const port = parentPort;
port?.on('message', (job: RangeJob) => {
  void parseRange(job).then(
    (result) => {
      const buffers = result.columns.map((c) =>
        c.type === 'numeric' ? c.values.buffer : c.type === 'categorical' ? c.codes.buffer : null,
      );
      port.postMessage(
        { ok: true, result } satisfies RangeReply,
        buffers.filter((b) => b !== null) as ArrayBuffer[],
      );
    },
    (err: unknown) => port.postMessage({ ok: false, message: String(err) } satisfies RangeReply),
  );
});

function parseRange(job: RangeJob): Promise<CsvParseResult> {
  return parseCsv(job.path, job.head, {
    missingTokens: job.missingTokens,
    textColumns: new Set(job.textColumns),
    decoder: decoderOf(job.head.encoding),
    range: job.range,
  });
}
