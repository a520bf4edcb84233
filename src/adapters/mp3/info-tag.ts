import type { FrameHeader } from './frame-header.ts';

/**
 * The Xing/Info tag that LAME (and ffmpeg's MP3 muxer) put in a frame of silence before the audio,
 * and its LAME extension, whose 12+12 bits give the encoder delay and padding that gapless
 * decoders trim. Layout: http://gabriel.mp3-tech.org/mp3infotag.html
 */
export interface LameExtension {
  /** The 9-byte encoder version, e.g. `LAME3.100` or `Lavc58.42`. */
  encoder: string;
  delaySamples: number;
  paddingSamples: number;
  /** The 36 raw bytes, kept so that a rewritten tag can carry the encoder's fields on. */
  raw: Uint8Array;
}

export interface InfoTag {
  kind: 'Xing' | 'Info' | 'VBRI';
  /** Audio frames the tag counts (the tag frame itself excluded), when present. */
  frames: number | null;
  bytes: number | null;
  lame: LameExtension | null;
}

export const XING_FLAGS = { frames: 1, bytes: 2, toc: 4, quality: 8 } as const;
export const LAME_EXTENSION_BYTES = 36;

/** The encoders whose extension ffmpeg also trusts; other Xing tags carry no delay/padding. */
const LAME_LIKE = /^(LAME|Lavf|Lavc|L3\.99|GOGO)/;

/** Where the Xing tag sits in a frame: after the header and the side information (CRC ignored, as ffmpeg does). */
export function xingOffset(header: FrameHeader): number {
  return 4 + header.sideInfoSize;
}

/** Reads the tag in `frame` (the whole first frame), or null when it is an audio frame. */
export function parseInfoTag(frame: Uint8Array, header: FrameHeader): InfoTag | null {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const ascii = (at: number, length: number) => (at + length <= frame.length ? String.fromCharCode(...frame.subarray(at, at + length)) : '');
  for (const at of header.protected ? [xingOffset(header), xingOffset(header) + 2] : [xingOffset(header)]) {
    const id = ascii(at, 4);
    if (id !== 'Xing' && id !== 'Info') continue;
    if (at + 8 > frame.length) return { kind: id, frames: null, bytes: null, lame: null };
    const flags = view.getUint32(at + 4);
    let p = at + 8;
    const field = (flag: number, size: number): number | null => {
      if (!(flags & flag)) return null;
      const value = size === 4 && p + 4 <= frame.length ? view.getUint32(p) : null;
      p += size;
      return value;
    };
    const frames = field(XING_FLAGS.frames, 4);
    const bytes = field(XING_FLAGS.bytes, 4);
    field(XING_FLAGS.toc, 100);
    field(XING_FLAGS.quality, 4);
    return { kind: id, frames, bytes, lame: parseLameExtension(frame, p) };
  }
  // Fraunhofer's VBRI tag sits 32 bytes after the header whatever the channel mode.
  if (ascii(36, 4) === 'VBRI' && frame.length >= 36 + 18) {
    return { kind: 'VBRI', frames: view.getUint32(36 + 14), bytes: view.getUint32(36 + 10), lame: null };
  }
  return null;
}

export function parseLameExtension(frame: Uint8Array, at: number): LameExtension | null {
  if (at + LAME_EXTENSION_BYTES > frame.length) return null;
  const encoder = String.fromCharCode(...frame.subarray(at, at + 9));
  if (!LAME_LIKE.test(encoder)) return null;
  const d = at + 21;
  return {
    encoder: encoder.replace(/[^\x20-\x7e]+$/g, ''),
    delaySamples: (frame[d] << 4) | (frame[d + 1] >> 4),
    paddingSamples: ((frame[d + 1] & 0x0f) << 8) | frame[d + 2],
    raw: frame.slice(at, at + LAME_EXTENSION_BYTES),
  };
}

/** CRC-16 as LAME computes it (polynomial 0x8005, reflected, initial 0): tag and music CRCs. */
export function crc16(bytes: Uint8Array, crc = 0): number {
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ CRC16_TABLE[(crc ^ bytes[i]) & 0xff];
  return crc;
}

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    table[n] = c;
  }
  return table;
})();
