/**
 * Text encodings of data files (data.encoding). tabflow's CSV reader works on bytes and decodes
 * only header names and distinct text values, so checking that a file is UTF-8 costs nothing on
 * numbers and ASCII: only a non-ASCII distinct value is validated. UTF-16 (not ASCII-compatible)
 * is transcoded to a temporary UTF-8 file first; so is any non-UTF-8 file read by DuckDB.
 *
 * `auto` reads UTF-8 and, when the file is not valid UTF-8, falls back to windows-1252 with a note
 * in the load report. Failing instead (as pandas does) would stop the most common case with a
 * message, not a fix: a non-UTF-8 CSV is nearly always an Excel or legacy export in windows-1252
 * (or Latin-1, its subset for printable text), every byte sequence decodes in it, and the note
 * plus the report's `encoding` say what happened; `data.encoding: utf-8` makes it an error.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { DataError } from '../core/errors.js';

export type TextEncoding = 'auto' | 'utf-8' | 'latin1' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export const TEXT_ENCODINGS: readonly TextEncoding[] = [
  'auto',
  'utf-8',
  'latin1',
  'windows-1252',
  'utf-16le',
  'utf-16be',
];

/** The encoding a file was read with (never `auto`). */
export type UsedEncoding = Exclude<TextEncoding, 'auto'>;

/** A decoder of whole byte strings: null for UTF-8, the default path. */
export type BytesDecoder = ((bytes: Uint8Array) => string) | null;

const cp1252 = new TextDecoder('windows-1252');

export function decoderOf(enc: UsedEncoding): BytesDecoder {
  if (enc === 'latin1') return (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  if (enc === 'windows-1252') return (b) => cp1252.decode(b);
  return null;
}

/** The encoding a byte-order mark at the start of `head` announces. */
export function bomEncoding(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

export async function readBom(path: string): Promise<ReturnType<typeof bomEncoding>> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(4);
    await fh.read(buf, 0, 4, 0);
    return bomEncoding(buf);
  } finally {
    await fh.close();
  }
}

/** Rewrite `path` (in `from`) as UTF-8 into `to`, without a BOM. Streams: memory stays flat. */
export async function transcodeToUtf8(path: string, from: UsedEncoding, to: string): Promise<void> {
  const decoder = new TextDecoder(from === 'latin1' ? 'windows-1252' : from, { ignoreBOM: false });
  const exact = from === 'latin1'; // WHATWG maps the label latin1 to windows-1252; Buffer does not
  await pipeline(
    createReadStream(path, { highWaterMark: 1 << 20 }),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source)
        yield exact ? chunk.toString('latin1') : decoder.decode(chunk, { stream: true });
      if (!exact) yield decoder.decode();
    },
    createWriteStream(to),
  );
}

/** Byte offset of the first byte that is not valid UTF-8 in the file (-1 if none). Only on errors. */
export async function firstInvalidUtf8(path: string): Promise<number> {
  let offset = 0;
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const at = invalidAt(buf);
    // A sequence cut by the chunk's end is not an error yet: carry up to 3 bytes over.
    if (at >= 0 && at < buf.length - 3) return offset + at;
    const keep = at >= 0 ? buf.length - at : 0;
    offset += buf.length - keep;
    carry = Buffer.from(buf.subarray(buf.length - keep));
  }
  return carry.length ? offset : -1;
}

/** Index of the first invalid UTF-8 sequence in `b`, -1 if none (a plain validator: errors only). */
function invalidAt(b: Uint8Array): number {
  if (isUtf8(b)) return -1;
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (n < 0) return i;
    if (i + n >= b.length && n > 0) return i; // cut short (the caller carries it over)
    if (n > 0 && !isUtf8(b.subarray(i, i + n + 1))) return i;
    i += n + 1;
  }
  return -1;
}

/** The error for `data.encoding: utf-8` on a file that is not. */
export function notUtf8Error(path: string, offset: number, where: string): DataError {
  return new DataError(
    'invalid_encoding',
    `"${path}" is not valid UTF-8 (first invalid byte at offset ${offset.toLocaleString('en')}${where}), ` +
      "but data.encoding is utf-8. Set data.encoding to the file's encoding (latin1, windows-1252, " +
      'utf-16le or utf-16be; auto reads windows-1252 when a file is not UTF-8), or save the file as UTF-8.',
  );
}
