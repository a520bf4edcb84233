import { type BoxPlan, fullHeaderAt, planBytes } from './box-plan.ts';
import { writeUint32sBE } from './uint32-be.ts';

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

/** What sizing a track's stts, ctts, stss and stsz takes, and its media duration. */
export interface SampleTableCounts {
  durationRuns: number;
  /** Runs of composition offsets; 0 when every offset is zero (no ctts). */
  compositionRuns: number;
  negativeCompositionOffset: boolean;
  syncSamples: number;
  /** The size of every sample when they are all equal, else 0. */
  uniformSize: number;
  mediaDuration: number;
}

/**
 * Counts, in one pass, what the table plans would count in five: these loops run once per
 * output, before V8 has optimised them, so each pass over the samples costs its full price
 * (at 1 h the moov's sizing took 37-62 ms in five passes, 23-41 ms with this one).
 */
export function countSampleTable(table: { count: number; durations: Indexed; compositionOffsets: Indexed; sync: Indexed; sizes: Indexed }): SampleTableCounts {
  const { count, durations, compositionOffsets, sync, sizes } = table;
  if (count === 0) return { durationRuns: 0, compositionRuns: 0, negativeCompositionOffset: false, syncSamples: 0, uniformSize: 0, mediaDuration: 0 };
  let durationRuns = 1;
  let compositionRuns = 1;
  let anyOffset = compositionOffsets[0] !== 0;
  let negative = compositionOffsets[0] < 0;
  let syncSamples = sync[0] ? 1 : 0;
  let uniformSize = sizes[0];
  let mediaDuration = durations[0];
  for (let i = 1; i < count; i++) {
    const duration = durations[i];
    const offset = compositionOffsets[i];
    if (duration !== durations[i - 1]) durationRuns++;
    if (offset !== compositionOffsets[i - 1]) compositionRuns++;
    if (offset !== 0) anyOffset = true;
    if (offset < 0) negative = true;
    if (sync[i]) syncSamples++;
    if (sizes[i] !== uniformSize) uniformSize = 0;
    mediaDuration += duration;
  }
  return { durationRuns, compositionRuns: anyOffset ? compositionRuns : 0, negativeCompositionOffset: negative, syncSamples, uniformSize, mediaDuration };
}

/** stts/ctts body: entry count, then (run length, value) pairs. */
function runsPlan(type: string, values: Indexed, version: number, runs: number): BoxPlan {
  const size = 16 + 8 * runs;
  return {
    size,
    writeTo(target, at) {
      const [view, first] = tableAt(target, at, type, size, version, runs);
      let next = first;
      if (runs === 1) {
        // one run (constant frame rate, AAC's 1024, a constant delay): no scan to find its end
        view.setUint32(next, values.length);
        view.setInt32(next + 4, values[0]);
        return next + 8;
      }
      return writeRuns(view, next, values);
    },
  };
}

// Each table's loop is a function of its own, outside the plans' closures: V8 compiles it on the
// loop once, where the loop inside a plan's writeTo was compiled again for the code after it.
function writeRuns(view: DataView, at: number, values: Indexed): number {
  let next = at;
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
}

/** `counts` from `countSampleTable` over the same samples; counted here when not given. */
export const sttsPlan = (durations: Indexed, counts = countSampleTable(tableOf({ durations }))): BoxPlan => runsPlan('stts', durations, 0, counts.durationRuns);

/** ctts only where some offset is not zero; version 1 when one is negative. */
export function cttsPlan(offsets: Indexed, counts = countSampleTable(tableOf({ compositionOffsets: offsets }))): BoxPlan | null {
  return counts.compositionRuns > 0 ? runsPlan('ctts', offsets, counts.negativeCompositionOffset ? 1 : 0, counts.compositionRuns) : null;
}

/** One size for all when they are equal (sample_size != 0), else the list. */
export function stszPlan(sizes: Indexed, counts = countSampleTable(tableOf({ sizes }))): BoxPlan {
  const uniform = counts.uniformSize;
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
      if (sizes instanceof Uint32Array) return writeUint32sBE(target, next, sizes.subarray(0, listed));
      for (let i = 0; i < listed; i++, next += 4) view.setUint32(next, sizes[i]);
      return next;
    },
  };
}

/** stsc from each chunk's sample count and description index, runs of equal chunks merged. */
export function stscPlan(samplesPerChunk: Indexed, descriptionIndex: Indexed): BoxPlan {
  const entries = countStscEntries(samplesPerChunk, descriptionIndex);
  const size = 16 + 12 * entries;
  return {
    size,
    writeTo(target, at) {
      const [view, first] = tableAt(target, at, 'stsc', size, 0, entries);
      return writeStscEntries(view, first, samplesPerChunk, descriptionIndex);
    },
  };
}

const startsStscEntry = (samplesPerChunk: Indexed, descriptionIndex: Indexed, chunk: number) =>
  chunk === 0 || samplesPerChunk[chunk] !== samplesPerChunk[chunk - 1] || descriptionIndex[chunk] !== descriptionIndex[chunk - 1];

function countStscEntries(samplesPerChunk: Indexed, descriptionIndex: Indexed): number {
  let entries = 0;
  for (let chunk = 0; chunk < samplesPerChunk.length; chunk++) if (startsStscEntry(samplesPerChunk, descriptionIndex, chunk)) entries++;
  return entries;
}

function writeStscEntries(view: DataView, at: number, samplesPerChunk: Indexed, descriptionIndex: Indexed): number {
  let next = at;
  for (let chunk = 0; chunk < samplesPerChunk.length; chunk++) {
    if (!startsStscEntry(samplesPerChunk, descriptionIndex, chunk)) continue;
    view.setUint32(next, chunk + 1);
    view.setUint32(next + 4, samplesPerChunk[chunk]);
    view.setUint32(next + 8, descriptionIndex[chunk]);
    next += 12;
  }
  return next;
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
      return writeChunkOffsets(view, first, offsets, base(), large);
    },
  };
}

function writeChunkOffsets(view: DataView, at: number, offsets: Indexed, add: number, large: boolean): number {
  let next = at;
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
}

/** stss only when some sample is not a sync sample (no stss means every sample is one). */
export function stssPlan(sync: Indexed, counts = countSampleTable(tableOf({ sync }))): BoxPlan | null {
  const numbers = counts.syncSamples;
  if (numbers === sync.length) return null;
  const size = 16 + 4 * numbers;
  return {
    size,
    writeTo(target, at) {
      const [view, first] = tableAt(target, at, 'stss', size, 0, numbers);
      return writeSyncNumbers(view, first, sync);
    },
  };
}

function writeSyncNumbers(view: DataView, at: number, sync: Indexed): number {
  let next = at;
  for (let i = 0; i < sync.length; i++) {
    if (!sync[i]) continue;
    view.setUint32(next, i + 1);
    next += 4;
  }
  return next;
}

/** A table of one field's samples and zeros, to count that field alone. */
function tableOf(field: Partial<Record<'durations' | 'compositionOffsets' | 'sync' | 'sizes', Indexed>>) {
  const count = Object.values(field)[0]!.length;
  const zeros = new Uint8Array(count);
  return { count, durations: zeros, compositionOffsets: zeros, sync: zeros, sizes: zeros, ...field };
}

const bytesOrNull = (plan: BoxPlan | null) => (plan === null ? null : planBytes(plan));
export const sttsBox = (durations: Indexed) => planBytes(sttsPlan(durations));
export const cttsBox = (offsets: Indexed) => bytesOrNull(cttsPlan(offsets));
export const stszBox = (sizes: Indexed) => planBytes(stszPlan(sizes));
export const stscBox = (samplesPerChunk: Indexed, descriptionIndex: Indexed) => planBytes(stscPlan(samplesPerChunk, descriptionIndex));
export const chunkOffsetBox = (offsets: Indexed, large: boolean) => planBytes(chunkOffsetPlan(offsets, large));
export const stssBox = (sync: Indexed) => bytesOrNull(stssPlan(sync));
