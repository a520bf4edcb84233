import { DataStream, Endianness, type MultiBufferStream } from 'mp4box';

const MAX_UINT32 = 0xffffffff;

/** The bytes an mp4box.js box writes. */
export function writtenBy(box: { write(stream: MultiBufferStream): void }): Buffer {
  const stream = new DataStream(undefined, 0, Endianness.BIG_ENDIAN);
  // Writing needs only DataStream's writers; MultiBufferStream is what the typings name.
  box.write(stream as MultiBufferStream);
  return Buffer.from(stream.buffer, 0, stream.getPosition());
}

/** A box header: 32-bit size, type. */
export function boxHeader(type: string, size: number): Buffer {
  if (size > MAX_UINT32) throw new RangeError(`box '${type}' of ${size} bytes needs a 64-bit size`);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(size, 0);
  header.write(type, 4, 4, 'latin1');
  return header;
}

/** A box made of its children, as moov, trak, mdia, minf, stbl, edts are. */
export function containerBox(type: string, children: Uint8Array[]): Buffer {
  const size = children.reduce((sum, child) => sum + child.length, 8);
  return Buffer.concat([boxHeader(type, size), ...children]);
}

/** A full box: header, version, 24-bit flags, then the body. */
export function fullBox(type: string, version: number, flags: number, body: Uint8Array): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32BE(12 + body.length, 0);
  head.write(type, 4, 4, 'latin1');
  head.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 8);
  return Buffer.concat([head, body]);
}
