import { open } from 'node:fs/promises';

/** Builds MP4 boxes byte by byte, for tables no muxer writes on request. */
export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

export function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, vf, ...payload);
}

export function u32(...values: number[]): Buffer {
  return u32List(values);
}

/** u32 for tables too long to spread into arguments. */
export function u32List(values: ArrayLike<number>): Buffer {
  const b = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0) b.writeInt32BE(v, i * 4);
    else b.writeUInt32BE(v, i * 4);
  }
  return b;
}

export function u64(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => b.writeBigUInt64BE(BigInt(v), i * 8));
  return b;
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'mvex', 'moof', 'traf']);

/** Rewrites the boxes of buf[start, end), descending into containers; `change` returns a replacement or null to keep a box. */
export function rewriteBoxes(buf: Buffer, change: (type: string, whole: Buffer) => Buffer | null, start = 0, end = buf.length): Buffer {
  const out: Buffer[] = [];
  for (let at = start; at < end; ) {
    const size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const whole = buf.subarray(at, at + size);
    const replaced = change(type, whole);
    if (replaced) out.push(replaced);
    else if (CONTAINERS.has(type)) out.push(box(type, rewriteBoxes(buf, change, at + 8, at + size)));
    else out.push(whole);
    at += size;
  }
  return Buffer.concat(out);
}

/** stco -> co64 with the same offsets (valid wherever the moov's size change moves no sample: moov after mdat). */
export function stcoToCo64(type: string, whole: Buffer): Buffer | null {
  if (type !== 'stco') return null;
  const count = whole.readUInt32BE(12);
  const offsets = Array.from({ length: count }, (_, i) => whole.readUInt32BE(16 + i * 4));
  return fullBox('co64', 0, 0, u32(count), u64(...offsets));
}


/**
 * The top-level box types of an MP4 in file order, read from the box headers alone (independently
 * of the pipeline's reader), so a test can tell fast start (moov before mdat) and fragments (moof).
 */
export async function topLevelBoxTypes(file: string): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const header = Buffer.alloc(16);
    const types: string[] = [];
    for (let offset = 0; offset < fileSize; ) {
      await handle.read(header, 0, 16, offset);
      const size32 = header.readUInt32BE(0);
      const size = size32 === 1 ? Number(header.readBigUInt64BE(8)) : size32 === 0 ? fileSize - offset : size32;
      if (size < 8) throw new Error(`${file}: box at byte ${offset} has size ${size}`);
      types.push(header.toString('latin1', 4, 8));
      offset += size;
    }
    return types;
  } finally {
    await handle.close();
  }
}
