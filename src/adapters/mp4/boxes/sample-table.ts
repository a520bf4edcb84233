import { type BoxPlan, fullHeaderAt, planBytes } from './box-plan.ts';

/**
 * The stbl tables, sized by arithmetic from run and entry counts and written straight from the
 * typed arrays: a four-hour track has hundreds of thousands of entries, and no copy of them is
 * made. Byte for byte what mp4box.js's writers make (sample-table.test.ts reads them back with it).
 */
type Indexed = ArrayLike<number>;

/** DataView's setters, not Buffer's writeUInt32BE: a four-hour moov has 500k table entries (the 1 h layout took 66 -> 45 ms). */
const viewOf = (target: Buffer) => new DataView(target.buffer, target.byteOffset, target.byteLength);

/** A table box's full header and entry count: the view to write the entries with, and where they start. */
function tableAt(target: Buffer, at: number, type: string, size: number, version: number, entries: number): [DataView, number] {
  const view = viewOf(target);
  const next = fullHeaderAt(target, at, type, size, version);
  view.setUint32(next, entries);
  return [view, next + 4];
}

/** Run-length pairs of a sequence: [counts, values]. */
export function runLengths(values: Indexed, count = values.length): [number[], number[]] {
  const counts: number[] = [];
  const runs: number[] = [];
  for (let i = 0; i < count; i++) {
    const value = values[i];
    if (runs.length > 0 && runs[runs.length - 1] === value) counts[counts.length - 1]++;
    else {
      counts.push(1);
      runs.push(value);
    }
  }
  return [counts, runs];
}

function runCount(values: Indexed): number {
  let runs = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[i - 1]) runs++;
  return runs;
}

/** stts/ctts body: entry count, then (run length, value) pairs. */
function runsPlan(type: string, values: Indexed, version: number): BoxPlan {
  const runs = runCount(values);
  const size = 16 + 8 * runs;
  return {
    size,
    writeTo(target, at) {
      const [view, first] = tableAt(target, at, type, size, version, runs);
      let next = first;
      let i = 0;
      while (i < values.length) {
        let j = i + 1;
        while (j < values.length && values[j] === values[i]) j++;
        view.setUint32(next, j - i);
        // the same 32 bits either way: a negative offset is written as its two's complement
        view.setInt32(next + 4, values[i]);
        next += 8;
        i = j;
      }
      return next;
    },
  };
}

export const sttsPlan = (durations: Indexed): BoxPlan => runsPlan('stts', durations, 0);

/** ctts only where some offset is not zero; version 1 when one is negative. */
export function cttsPlan(offsets: Indexed): BoxPlan | null {
  let any = false;
  let negative = false;
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i] !== 0) any = true;
    if (offsets[i] < 0) negative = true;
  }
  return any ? runsPlan('ctts', offsets, negative ? 1 : 0) : null;
}

/** One size for all when they are equal (sample_size != 0), else the list. */
export function stszPlan(sizes: Indexed): BoxPlan {
  let uniform = sizes.length > 0 ? sizes[0] : 0;
  for (let i = 1; i < sizes.length && uniform !== 0; i++) if (sizes[i] !== uniform) uniform = 0;
  const listed = uniform === 0 ? sizes.length : 0;
  const size = 20 + 4 * listed;
  return {
    size,
    writeTo(target, at) {
      const view = viewOf(target);
      let next = fullHeaderAt(target, at, 'stsz', size, 0);
      view.setUint32(next, uniform);
      view.setUint32(next + 4, sizes.length);
      next += 8;
      for (let i = 0; i < listed; i++, next += 4) view.setUint32(next, sizes[i]);
      return next;
    },
  };
}

/** stsc from each chunk's sample count and description index, runs of equal chunks merged. */
export function stscPlan(samplesPerChunk: Indexed, descriptionIndex: Indexed): BoxPlan {
  const starts = (chunk: number) => chunk === 0 || samplesPerChunk[chunk] !== samplesPerChunk[chunk - 1] || descriptionIndex[chunk] !== descriptionIndex[chunk - 1];
  let entries = 0;
  for (let chunk = 0; chunk < samplesPerChunk.length; chunk++) if (starts(chunk)) entries++;
  const size = 16 + 12 * entries;
  return {
    size,
    writeTo(target, at) {
      const [view, first] = tableAt(target, at, 'stsc', size, 0, entries);
      let next = first;
      for (let chunk = 0; chunk < samplesPerChunk.length; chunk++) {
        if (!starts(chunk)) continue;
        view.setUint32(next, chunk + 1);
        view.setUint32(next + 4, samplesPerChunk[chunk]);
        view.setUint32(next + 8, descriptionIndex[chunk]);
        next += 12;
      }
      return next;
    },
  };
}

/**
 * stco, or co64 when an offset needs 64 bits (the caller decides, as the moov size depends on it).
 * Offsets are written plus `base()`, which is known only once the moov is sized.
 */
export function chunkOffsetPlan(offsets: Indexed, large: boolean, base: () => number = () => 0): BoxPlan {
  const size = 16 + (large ? 8 : 4) * offsets.length;
  return {
    size,
    writeTo(target, at) {
      const [view, first] = tableAt(target, at, large ? 'co64' : 'stco', size, 0, offsets.length);
      let next = first;
      const add = base();
      for (let i = 0; i < offsets.length; i++) {
        const offset = offsets[i] + add;
        if (large) {
          view.setUint32(next, Math.floor(offset / 2 ** 32));
          view.setUint32(next + 4, offset % 2 ** 32);
          next += 8;
        } else {
          if (offset > 0xffffffff) throw new RangeError(`chunk offset ${offset} needs co64`);
          view.setUint32(next, offset);
          next += 4;
        }
      }
      return next;
    },
  };
}

/** stss only when some sample is not a sync sample (no stss means every sample is one). */
export function stssPlan(sync: Indexed): BoxPlan | null {
  let numbers = 0;
  for (let i = 0; i < sync.length; i++) if (sync[i]) numbers++;
  if (numbers === sync.length) return null;
  const size = 16 + 4 * numbers;
  return {
    size,
    writeTo(target, at) {
      const [view, first] = tableAt(target, at, 'stss', size, 0, numbers);
      let next = first;
      for (let i = 0; i < sync.length; i++) {
        if (!sync[i]) continue;
        view.setUint32(next, i + 1);
        next += 4;
      }
      return next;
    },
  };
}

const bytesOrNull = (plan: BoxPlan | null) => (plan === null ? null : planBytes(plan));
export const sttsBox = (durations: Indexed) => planBytes(sttsPlan(durations));
export const cttsBox = (offsets: Indexed) => bytesOrNull(cttsPlan(offsets));
export const stszBox = (sizes: Indexed) => planBytes(stszPlan(sizes));
export const stscBox = (samplesPerChunk: Indexed, descriptionIndex: Indexed) => planBytes(stscPlan(samplesPerChunk, descriptionIndex));
export const chunkOffsetBox = (offsets: Indexed, large: boolean) => planBytes(chunkOffsetPlan(offsets, large));
export const stssBox = (sync: Indexed) => bytesOrNull(stssPlan(sync));
