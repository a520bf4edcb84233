import { closeSync, openSync, readSync, writeSync, writevSync } from 'node:fs';
import type { SyncSample } from '../../types/probe.ts';

const START_CODE = Buffer.from([0, 0, 0, 1]);

/** One AVCC sample (length-prefixed NAL units) as Annex B pieces, parameter sets first: views, no copies. */
export function annexBParts(sample: Buffer, nalLengthSize: number, parameterSets: Buffer[]): Buffer[] {
  const parts: Buffer[] = parameterSets.flatMap((set) => [START_CODE, set]);
  let offset = 0;
  while (offset + nalLengthSize <= sample.length) {
    const length = sample.readUIntBE(offset, nalLengthSize);
    offset += nalLengthSize;
    if (length === 0 || offset + length > sample.length) throw new RangeError(`NAL unit of ${length} bytes at ${offset} overruns the sample`);
    parts.push(START_CODE, sample.subarray(offset, offset + length));
    offset += length;
  }
  return parts;
}

/** Converts one AVCC sample to Annex B, parameter sets first. */
export function avccSampleToAnnexB(sample: Buffer, nalLengthSize: number, parameterSets: Buffer[]): Buffer {
  return Buffer.concat(annexBParts(sample, nalLengthSize, parameterSets));
}

/** The sync sample shown at a time: the last one at or before it (the first one before any). */
export function syncSampleAt(samples: SyncSample[], timeSec: number): SyncSample {
  let lo = 0;
  let hi = samples.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (samples[mid].timeSec <= timeSec + 1e-6) lo = mid;
    else hi = mid - 1;
  }
  return samples[lo];
}

/**
 * Appends the named sync samples of one file to `out` at `position` as a decodable Annex B stream,
 * one access unit each; returns where the stream now ends. Each sample is read into one reused
 * buffer: a fresh buffer and a copy per keyframe were megabytes of garbage for a long recording.
 * Synchronous: a few hundred reads from the page cache take milliseconds, and the thumbnail
 * decode they feed must start before the join plans its tables (see makeThumbnails).
 */
export function appendKeyframesAnnexB(
  file: string,
  samples: SyncSample[],
  nalLengthSize: number,
  parameterSets: Buffer[],
  out: number,
  position: number,
  scratch: { bytes: Buffer } = { bytes: Buffer.alloc(0) },
): number {
  const fd = openSync(file, 'r');
  let at = position;
  try {
    for (const sample of samples) {
      if (scratch.bytes.length < sample.size) scratch.bytes = Buffer.allocUnsafe(Math.max(sample.size, scratch.bytes.length * 2));
      const bytes = scratch.bytes.subarray(0, sample.size);
      const bytesRead = readSync(fd, bytes, 0, sample.size, sample.offset);
      if (bytesRead !== sample.size) throw new RangeError(`${file}: keyframe at byte ${sample.offset} is cut short`);
      const parts = annexBParts(bytes, nalLengthSize, parameterSets);
      const length = parts.reduce((sum, part) => sum + part.length, 0);
      let written = writevSync(out, parts, at);
      // a short write to a regular file is rare: the rest goes in one piece
      if (written < length) {
        const rest = Buffer.concat(parts).subarray(written);
        for (let done = 0; done < rest.length; ) done += writeSync(out, rest, done, rest.length - done, at + written + done);
        written = length;
      }
      at += written;
    }
    return at;
  } finally {
    closeSync(fd);
  }
}
