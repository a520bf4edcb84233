import { BoxParser } from 'mp4box';
import { writtenBy } from './bytes.ts';

/**
 * The stbl tables from typed arrays, through mp4box.js's own box writers (they round-trip; see
 * sample-table.test.ts). mp4box.js indexes the arrays it writes, so typed arrays go in as they
 * are: a four-hour track has hundreds of thousands of entries.
 */
type Indexed = ArrayLike<number>;
const asArray = (values: Indexed) => values as number[];

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

export function sttsBox(durations: Indexed): Buffer {
  const box = new BoxParser.box.stts();
  [box.sample_counts, box.sample_deltas] = runLengths(durations);
  return writtenBy(box);
}

/** ctts only where some offset is not zero; mp4box.js picks version 1 when one is negative. */
export function cttsBox(offsets: Indexed): Buffer | null {
  let any = false;
  for (let i = 0; i < offsets.length && !any; i++) any = offsets[i] !== 0;
  if (!any) return null;
  const box = new BoxParser.box.ctts();
  [box.sample_counts, box.sample_offsets] = runLengths(offsets);
  return writtenBy(box);
}

/** One size for all when they are equal (sample_size != 0), else the list. */
export function stszBox(sizes: Indexed): Buffer {
  const box = new BoxParser.box.stsz();
  let uniform = sizes.length > 0 ? sizes[0] : 0;
  for (let i = 1; i < sizes.length && uniform !== 0; i++) if (sizes[i] !== uniform) uniform = 0;
  box.sample_size = uniform;
  box.sample_sizes = asArray(sizes);
  return writtenBy(box);
}

/** stsc from each chunk's sample count and description index, runs of equal chunks merged. */
export function stscBox(samplesPerChunk: Indexed, descriptionIndex: Indexed): Buffer {
  const box = new BoxParser.box.stsc();
  box.first_chunk = [];
  box.samples_per_chunk = [];
  box.sample_description_index = [];
  for (let chunk = 0; chunk < samplesPerChunk.length; chunk++) {
    const last = box.first_chunk.length - 1;
    if (last >= 0 && box.samples_per_chunk[last] === samplesPerChunk[chunk] && box.sample_description_index[last] === descriptionIndex[chunk]) continue;
    box.first_chunk.push(chunk + 1);
    box.samples_per_chunk.push(samplesPerChunk[chunk]);
    box.sample_description_index.push(descriptionIndex[chunk]);
  }
  return writtenBy(box);
}

/** stco, or co64 when an offset needs 64 bits (the caller decides, as the moov size depends on it). */
export function chunkOffsetBox(offsets: Indexed, large: boolean): Buffer {
  const box = large ? new BoxParser.box.co64() : new BoxParser.box.stco();
  if (!large) {
    for (let i = 0; i < offsets.length; i++) {
      if (offsets[i] > 0xffffffff) throw new RangeError(`chunk offset ${offsets[i]} needs co64`);
    }
  }
  box.chunk_offsets = asArray(offsets);
  return writtenBy(box);
}

/** stss only when some sample is not a sync sample (no stss means every sample is one). */
export function stssBox(sync: Indexed): Buffer | null {
  const numbers: number[] = [];
  for (let i = 0; i < sync.length; i++) if (sync[i]) numbers.push(i + 1);
  if (numbers.length === sync.length) return null;
  const box = new BoxParser.box.stss();
  box.sample_numbers = numbers;
  return writtenBy(box);
}
