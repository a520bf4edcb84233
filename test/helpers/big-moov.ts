import type { RawTrackBoxes } from '../../src/types/mp4.ts';
import { box, fullBox, u32, u32List } from './mp4-boxes.ts';

export interface BigTrack {
  raw: RawTrackBoxes;
  count: number;
  duration: number;
  /** Samples per chunk (constant). */
  perChunk: number;
  /** B-frame composition offsets: 2, 0, 1 durations repeating (an I/P then two B). */
  bframes: boolean;
  /** A sync sample every `gop` samples; 0: every sample. */
  gop: number;
}

/**
 * A moov-after-mdat file of hundreds of thousands of one-byte samples (a four-hour chunk's tables
 * without its payload): the track boxes copied from a real file, the tables written here.
 */
export function bigMoovFile(tracks: BigTrack[], ftyp: Buffer): Buffer {
  const total = tracks.reduce((sum, t) => sum + t.count, 0);
  const mdat = box('mdat', Buffer.alloc(total));
  let offset = ftyp.length + 8;
  const traks = tracks.map((t) => {
    const chunks = Math.ceil(t.count / t.perChunk);
    const chunkOffsets = Array.from({ length: chunks }, (_, i) => offset + i * t.perChunk);
    offset += t.count;
    const cttsRuns = Array.from({ length: t.count * 2 }, (_, k) => (k % 2 === 0 ? 1 : [2, 0, 1][(k >> 1) % 3] * t.duration));
    const ctts = t.bframes ? fullBox('ctts', 0, 0, u32(t.count), u32List(cttsRuns)) : Buffer.alloc(0);
    const syncCount = t.gop ? Math.ceil(t.count / t.gop) : 0;
    const sync = t.gop ? fullBox('stss', 0, 0, u32(syncCount), u32List(Array.from({ length: syncCount }, (_, i) => i * t.gop + 1))) : Buffer.alloc(0);
    const stbl = box(
      'stbl',
      Buffer.from(t.raw.stsd),
      fullBox('stts', 0, 0, u32(1, t.count, t.duration)),
      ctts,
      sync,
      fullBox('stsc', 0, 0, u32(1, 1, t.perChunk, 1)),
      fullBox('stsz', 0, 0, u32(0, t.count), u32List(new Array<number>(t.count).fill(1))),
      fullBox('stco', 0, 0, u32(chunks), u32List(chunkOffsets)),
    );
    const minf = box('minf', Buffer.from(t.raw.mediaHeader!), Buffer.from(t.raw.dinf!), stbl);
    return box('trak', Buffer.from(t.raw.tkhd), box('mdia', Buffer.from(t.raw.mdhd), Buffer.from(t.raw.hdlr), minf));
  });
  const mvhd = fullBox('mvhd', 0, 0, u32(0, 0, 1000, 4 * 3600 * 1000), Buffer.alloc(80));
  return Buffer.concat([ftyp, mdat, box('moov', mvhd, ...traks)]);
}
