import type { SampleTable } from '../../types/mp4.ts';
import { childrenOf, findChild, fullBox, MalformedBoxError, need, type BoxSpan } from './boxes.ts';
import { emptySampleTable, sampleTableOf } from './sample-tables.ts';

/** trex: a track's fragment defaults. */
export interface TrackDefaults {
  descriptionIndex: number;
  duration: number;
  size: number;
  flags: number;
}

const NON_SYNC = 0x10000;

export function readTrackDefaults(buf: Buffer, mvex: BoxSpan | undefined): Map<number, TrackDefaults> {
  const defaults = new Map<number, TrackDefaults>();
  if (!mvex) return defaults;
  for (const trex of childrenOf(buf, mvex).filter((b) => b.type === 'trex')) {
    const { fields } = fullBox(buf, trex);
    need(trex, fields, 20);
    defaults.set(buf.readUInt32BE(fields), {
      descriptionIndex: buf.readUInt32BE(fields + 4),
      duration: buf.readUInt32BE(fields + 8),
      size: buf.readUInt32BE(fields + 12),
      flags: buf.readUInt32BE(fields + 16),
    });
  }
  return defaults;
}

/** Grows a track's samples fragment by fragment, then hands back tight typed arrays. */
export class SampleTableBuilder {
  private table: SampleTable;
  count = 0;
  /** Where the next sample decodes when a traf has no tfdt. */
  nextDts = 0;

  constructor(initial: SampleTable) {
    this.table = initial;
    this.count = initial.count;
    if (initial.count) this.nextDts = initial.dts[initial.count - 1] + initial.durations[initial.count - 1];
  }

  push(dts: number, duration: number, compositionOffset: number, offset: number, size: number, sync: boolean, descriptionIndex: number): void {
    if (this.count === this.table.dts.length) this.grow();
    const t = this.table;
    const i = this.count++;
    t.dts[i] = dts;
    t.durations[i] = duration;
    t.compositionOffsets[i] = compositionOffset;
    t.offsets[i] = offset;
    t.sizes[i] = size;
    t.sync[i] = sync ? 1 : 0;
    t.descriptionIndex[i] = descriptionIndex;
    this.nextDts = dts + duration;
  }

  build(): SampleTable {
    const t = this.table;
    const n = this.count;
    return sampleTableOf({
      count: n,
      dts: t.dts.slice(0, n),
      offsets: t.offsets.slice(0, n),
      durations: t.durations.slice(0, n),
      compositionOffsets: t.compositionOffsets.slice(0, n),
      sizes: t.sizes.slice(0, n),
      descriptionIndex: t.descriptionIndex.slice(0, n),
      sync: t.sync.slice(0, n),
    });
  }

  private grow(): void {
    const bigger = emptySampleTable(Math.max(1024, this.table.dts.length * 2));
    for (const key of ['dts', 'durations', 'compositionOffsets', 'offsets', 'sizes', 'sync', 'descriptionIndex'] as const) {
      (bigger[key] as { set(a: ArrayLike<number>): void }).set(this.table[key]);
    }
    this.table = bigger;
  }
}

/**
 * Appends the samples of one moof (buf holds the whole moof; moofStart is its file offset) to the
 * builders of its tracks: tfhd/trex defaults, tfdt, every trun (ISO/IEC 14496-12 8.8).
 */
export function readMovieFragment(
  buf: Buffer,
  moofStart: number,
  tracks: Map<number, SampleTableBuilder>,
  defaults: Map<number, TrackDefaults>,
): void {
  const moof: BoxSpan = { type: 'moof', start: 0, body: 8, end: buf.length };
  if (buf.readUInt32BE(0) === 1) moof.body = 16;
  // Without base-data-offset or default-base-is-moof, a traf's data follows the previous traf's.
  let previousTrafEnd = moofStart;
  for (const traf of childrenOf(buf, moof).filter((b) => b.type === 'traf')) {
    const tfhd = findChild(buf, traf, 'tfhd');
    if (!tfhd) throw new MalformedBoxError('a traf has no tfhd');
    const { flags, fields } = fullBox(buf, tfhd);
    need(tfhd, fields, 4);
    const trackId = buf.readUInt32BE(fields);
    const builder = tracks.get(trackId);
    if (!builder) throw new MalformedBoxError(`a traf names track ${trackId}, which the moov does not have`);
    const trex = defaults.get(trackId) ?? { descriptionIndex: 1, duration: 0, size: 0, flags: 0 };
    let at = fields + 4;
    const read32 = () => {
      need(tfhd, at, 4);
      const value = buf.readUInt32BE(at);
      at += 4;
      return value;
    };
    let base = flags & 0x20000 ? moofStart : previousTrafEnd;
    if (flags & 0x1) {
      need(tfhd, at, 8);
      base = Number(buf.readBigUInt64BE(at));
      at += 8;
    }
    const descriptionIndex = flags & 0x2 ? read32() : trex.descriptionIndex;
    const defaultDuration = flags & 0x8 ? read32() : trex.duration;
    const defaultSize = flags & 0x10 ? read32() : trex.size;
    const defaultFlags = flags & 0x20 ? read32() : trex.flags;

    const tfdt = findChild(buf, traf, 'tfdt');
    if (tfdt) {
      const box = fullBox(buf, tfdt);
      need(tfdt, box.fields, box.version === 1 ? 8 : 4);
      builder.nextDts = box.version === 1 ? Number(buf.readBigUInt64BE(box.fields)) : buf.readUInt32BE(box.fields);
    }
    let dataEnd = base;
    for (const trun of childrenOf(buf, traf).filter((b) => b.type === 'trun')) {
      const { flags: runFlags, fields: runFields } = fullBox(buf, trun);
      need(trun, runFields, 4);
      const count = buf.readUInt32BE(runFields);
      let p = runFields + 4;
      let offset = dataEnd;
      if (runFlags & 0x1) {
        need(trun, p, 4);
        offset = base + buf.readInt32BE(p);
        p += 4;
      }
      let firstFlags: number | null = null;
      if (runFlags & 0x4) {
        need(trun, p, 4);
        firstFlags = buf.readUInt32BE(p);
        p += 4;
      }
      const perSample = [0x100, 0x200, 0x400, 0x800].filter((f) => runFlags & f).length * 4;
      need(trun, p, count * perSample);
      let dts = builder.nextDts;
      for (let i = 0; i < count; i++) {
        const duration = runFlags & 0x100 ? buf.readUInt32BE((p += 4) - 4) : defaultDuration;
        const size = runFlags & 0x200 ? buf.readUInt32BE((p += 4) - 4) : defaultSize;
        let sampleFlags = runFlags & 0x400 ? buf.readUInt32BE((p += 4) - 4) : defaultFlags;
        if (i === 0 && firstFlags !== null) sampleFlags = firstFlags;
        // v0 offsets are unsigned in the spec; read signed as ffmpeg does (no real file needs 2^31).
        const composition = runFlags & 0x800 ? buf.readInt32BE((p += 4) - 4) : 0;
        builder.push(dts, duration, composition, offset, size, (sampleFlags & NON_SYNC) === 0, descriptionIndex);
        dts += duration;
        offset += size;
      }
      dataEnd = offset;
    }
    previousTrafEnd = dataEnd;
  }
}
