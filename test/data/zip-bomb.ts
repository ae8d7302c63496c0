/**
 * Highly compressible ZIPs built on the fly with Node's zlib (fflate deflates ~30 MB/s; zlib does
 * 256 MB/s): the payload is streamed through the deflater, so only the small compressed entry is
 * ever in memory, then wrapped in a hand-written single-entry ZIP container (APPNOTE 4.3.7,
 * 4.3.12, 4.3.16).
 */
import { writeFileSync } from 'node:fs';
import { crc32, createDeflateRaw } from 'node:zlib';

export interface BombInfo {
  /** Bytes of the entry once inflated. */
  uncompressed: number;
  /** Bytes of the deflated entry. */
  compressed: number;
  /** Bytes of the whole .zip file. */
  fileBytes: number;
}

/** `head` then `chunk` `repeats` times, deflated at level 9 into `path` as entry `name`. */
export async function writeDeflatedZip(
  path: string,
  name: string,
  head: string,
  chunk: string,
  repeats: number,
): Promise<BombInfo> {
  const deflater = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflater.on('data', (b: Buffer) => parts.push(b));
  const done = new Promise((resolve, reject) => {
    deflater.on('end', resolve);
    deflater.on('error', reject);
  });
  const headBuf = Buffer.from(head);
  const chunkBuf = Buffer.from(chunk);
  let crc = crc32(headBuf);
  deflater.write(headBuf);
  for (let i = 0; i < repeats; i++) {
    crc = crc32(chunkBuf, crc);
    if (!deflater.write(chunkBuf)) await new Promise((r) => deflater.once('drain', r));
  }
  deflater.end();
  await done;
  const data = Buffer.concat(parts);
  const uncompressed = headBuf.length + chunkBuf.length * repeats;
  const zip = zipContainer(name, data, crc, uncompressed);
  writeFileSync(path, zip);
  return { uncompressed, compressed: data.length, fileBytes: zip.length };
}

function zipContainer(name: string, data: Buffer, crc: number, uncompressed: number): Buffer {
  if (uncompressed >= 2 ** 32) throw new Error('this helper writes no ZIP64 records');
  const nameBuf = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: deflate
  local.writeUInt16LE(0, 6); // flags
  local.writeUInt16LE(8, 8); // method: deflate
  local.writeUInt16LE(0, 10); // time
  local.writeUInt16LE(0x21, 12); // date: 1980-01-01
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(uncompressed, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // made by
  central.writeUInt16LE(20, 6); // needed
  central.writeUInt16LE(0, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(0, 12);
  central.writeUInt16LE(0x21, 14);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(uncompressed, 24);
  central.writeUInt16LE(nameBuf.length, 28);
  // extra, comment, disk, internal and external attributes, local header offset: all 0
  const cdOffset = local.length + nameBuf.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBuf.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBuf, data, central, nameBuf, end]);
}
