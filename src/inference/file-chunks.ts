/**
 * Split a large delimited-text or NDJSON file into pieces of whole records, each written to a
 * temporary file (with the CSV header repeated) that the DataLoader reads like any other file.
 * Memory stays bounded by one piece however large the input. A newline inside a quoted CSV field
 * does not end a record (quote state is tracked byte by byte; "" toggles twice, so it is neutral).
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const NL = 0x0a;
const QUOTE = 0x22;

export interface FileChunk {
  file: string;
  /** Bytes of the input consumed so far (for progress). */
  bytesRead: number;
}

/** Pieces of at most `rows` records; `dir` receives the temporary files (the caller removes it). */
export async function* fileChunks(
  path: string,
  rows: number,
  dir: string,
  opts: { header: boolean },
): AsyncGenerator<FileChunk> {
  const ext = extname(path).toLowerCase();
  let header: Buffer | null = null;
  let parts: Buffer[] = [];
  let count = 0;
  let inQuote = false;
  let bytesRead = 0;
  let k = 0;
  const flush = (): string => {
    const file = join(dir, `chunk-${k++}${ext}`);
    writeFileSync(file, Buffer.concat(header ? [header, ...parts] : parts));
    parts = [];
    count = 0;
    return file;
  };
  for await (const buf of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    bytesRead += buf.length;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (b === QUOTE && opts.header) inQuote = !inQuote;
      else if (b === NL && !inQuote) {
        const blank = i === start || (i === start + 1 && buf[start] === 0x0d);
        if (blank && parts.length === 0) {
          start = i + 1; // a blank line is no record (and must not make a piece of its own)
          continue;
        }
        parts.push(buf.subarray(start, i + 1));
        start = i + 1;
        if (opts.header && header === null) {
          header = Buffer.concat(parts);
          parts = [];
        } else if (++count === rows) yield { file: flush(), bytesRead };
      }
    }
    if (start < buf.length) parts.push(Buffer.from(buf.subarray(start)));
  }
  // The last record may lack a final newline.
  const rest = Buffer.concat(parts);
  if (rest.toString('utf8').trim().length > 0) {
    parts = [rest];
    yield { file: flush(), bytesRead };
  }
}
