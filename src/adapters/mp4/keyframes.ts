import { open } from 'node:fs/promises';
import type { SyncSample } from '../../types/probe.ts';

const START_CODE = Buffer.from([0, 0, 0, 1]);

/** Converts one AVCC sample (length-prefixed NAL units) to Annex B, parameter sets first. */
export function avccSampleToAnnexB(sample: Buffer, nalLengthSize: number, parameterSets: Buffer[]): Buffer {
  const parts: Buffer[] = parameterSets.flatMap((set) => [START_CODE, set]);
  let offset = 0;
  while (offset + nalLengthSize <= sample.length) {
    const length = sample.readUIntBE(offset, nalLengthSize);
    offset += nalLengthSize;
    if (length === 0 || offset + length > sample.length) throw new RangeError(`NAL unit of ${length} bytes at ${offset} overruns the sample`);
    parts.push(START_CODE, sample.subarray(offset, offset + length));
    offset += length;
  }
  return Buffer.concat(parts);
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

/** Reads the named sync samples of one file as a decodable Annex B stream, one access unit each. */
export async function readKeyframesAnnexB(file: string, samples: SyncSample[], nalLengthSize: number, parameterSets: Buffer[]): Promise<Buffer[]> {
  const handle = await open(file, 'r');
  try {
    const units: Buffer[] = [];
    for (const sample of samples) {
      const bytes = Buffer.alloc(sample.size);
      const { bytesRead } = await handle.read(bytes, 0, sample.size, sample.offset);
      if (bytesRead !== sample.size) throw new RangeError(`${file}: keyframe at byte ${sample.offset} is cut short`);
      units.push(avccSampleToAnnexB(bytes, nalLengthSize, parameterSets));
    }
    return units;
  } finally {
    await handle.close();
  }
}
