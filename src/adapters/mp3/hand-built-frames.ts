/** MP3 bytes built field by field, for tests that must not trust the parser to make them. */

const VERSION_BITS = { '1': 3, '2': 2, '2.5': 0 } as const;

export interface HeaderFields {
  version: keyof typeof VERSION_BITS;
  bitrateIndex: number;
  rateIndex: number;
  padding?: boolean;
  mono?: boolean;
  crc?: boolean;
  /** 01 = Layer III, 10 = II, 11 = I. */
  layerBits?: number;
  versionBits?: number;
}

/** Four header bytes from their fields (ISO 11172-3 2.4.1.3). */
export function headerBytes(o: HeaderFields): Buffer {
  const versionBits = o.versionBits ?? VERSION_BITS[o.version];
  const layerBits = o.layerBits ?? 1;
  return Buffer.from([
    0xff,
    0xe0 | (versionBits << 3) | (layerBits << 1) | (o.crc ? 0 : 1),
    (o.bitrateIndex << 4) | (o.rateIndex << 2) | (o.padding ? 2 : 0),
    (o.mono ? 3 : 1) << 6,
  ]);
}

/** A frame of `size` bytes: the header, then `fill` (side information and main data all zero by default). */
export function frameBytes(fields: HeaderFields, size: number, fill = 0): Buffer {
  const frame = Buffer.alloc(size, fill);
  headerBytes(fields).copy(frame);
  return frame;
}

/** An ID3v2.4 tag of `bodySize` bytes (syncsafe size), with a footer when asked. */
export function id3v2Tag(bodySize: number, footer = false): Buffer {
  const size = [21, 14, 7, 0].map((shift) => (bodySize >> shift) & 0x7f);
  const header = Buffer.from([0x49, 0x44, 0x33, 4, 0, footer ? 0x10 : 0, ...size]);
  const tail = footer ? Buffer.from([0x33, 0x44, 0x49, 4, 0, 0x10, ...size]) : Buffer.alloc(0);
  return Buffer.concat([header, Buffer.alloc(bodySize, 0x41), tail]);
}

export function id3v1Tag(): Buffer {
  const tag = Buffer.alloc(128, 0x20);
  tag.write('TAG', 0, 'latin1');
  return tag;
}

/** An APEv2 tag with a header and footer around `itemBytes` of items. */
export function apeTag(itemBytes: number): Buffer {
  const part = (isHeader: boolean) => {
    const b = Buffer.alloc(32);
    b.write('APETAGEX', 0, 'latin1');
    b.writeUInt32LE(2000, 8);
    b.writeUInt32LE(itemBytes + 32, 12);
    b.writeUInt32LE(1, 16);
    b.writeUInt32LE((0x80000000 | (isHeader ? 0x20000000 : 0)) >>> 0, 20);
    return b;
  };
  return Buffer.concat([part(true), Buffer.alloc(itemBytes, 0x42), part(false)]);
}

/**
 * A LAME-style Info frame: "Info" after the side information, flags 0x0F (frames, bytes, TOC,
 * quality), then the 36-byte LAME extension with the 12+12-bit delay and padding at its byte 21.
 */
export function infoFrame(fields: HeaderFields, size: number, sideInfoSize: number, t: { frames: number; bytes: number; delay: number; padding: number; encoder?: string }): Buffer {
  const frame = frameBytes(fields, size);
  let p = 4 + sideInfoSize;
  p += frame.write('Info', p, 'latin1');
  p = frame.writeUInt32BE(0x0f, p);
  p = frame.writeUInt32BE(t.frames, p);
  p = frame.writeUInt32BE(t.bytes, p);
  for (let i = 0; i < 100; i++) frame[p + i] = Math.floor((i * 256) / 100);
  p += 100;
  p = frame.writeUInt32BE(57, p);
  frame.write((t.encoder ?? 'LAME3.100').padEnd(9, '\0'), p, 'latin1');
  frame[p + 21] = t.delay >> 4;
  frame[p + 22] = ((t.delay & 0x0f) << 4) | (t.padding >> 8);
  frame[p + 23] = t.padding & 0xff;
  return frame;
}
