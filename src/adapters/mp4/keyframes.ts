import { closeSync, openSync, readSync } from 'node:fs';
import type { Writable } from 'node:stream';
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

/** One keyframe to decode: a sync sample of an MP4 file and the stream parameters it needs. */
export interface KeyframeRef {
  file: string;
  sample: SyncSample;
  nalLengthSize: number;
  parameterSets: Buffer[];
}

/**
 * Writes keyframes to a stream (a decoder's stdin) as a decodable Annex B stream, one access unit
 * each, as they are named: the decode starts while later ones are still unknown. One access unit
 * in flight, read and assembled in two reused buffers: a fresh buffer per keyframe was megabytes
 * of garbage for a long recording, and a pipe that is not read holds nothing more.
 */
export class KeyframeFeed {
  private readonly pending: KeyframeRef[] = [];
  private next = 0;
  private ended = false;
  private wake: (() => void) | null = null;

  push(refs: KeyframeRef[]): void {
    this.pending.push(...refs);
    this.wake?.();
  }

  /** No keyframes follow: the stream ends once the pending ones are written. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async writeTo(out: Writable): Promise<void> {
    const sample = { bytes: Buffer.alloc(0) };
    const unit = { bytes: Buffer.alloc(0) };
    let fd = -1;
    let fdFile = '';
    try {
      for (;;) {
        while (this.next === this.pending.length && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        if (this.next === this.pending.length) break;
        const ref = this.pending[this.next++];
        if (ref.file !== fdFile) {
          if (fd >= 0) closeSync(fd);
          // not closed twice should the open fail
          fd = -1;
          fd = openSync(ref.file, 'r');
          fdFile = ref.file;
        }
        const accessUnit = readAnnexBUnit(fd, ref, sample, unit);
        await new Promise<void>((resolve, reject) => out.write(accessUnit, (error) => (error ? reject(error) : resolve())));
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }
}

function readAnnexBUnit(fd: number, ref: KeyframeRef, sample: { bytes: Buffer }, unit: { bytes: Buffer }): Buffer {
  const { size, offset } = ref.sample;
  const bytes = room(sample, size);
  const bytesRead = readSync(fd, bytes, 0, size, offset);
  if (bytesRead !== size) throw new RangeError(`${ref.file}: keyframe at byte ${offset} is cut short`);
  const parts = annexBParts(bytes, ref.nalLengthSize, ref.parameterSets);
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const assembled = room(unit, length);
  let at = 0;
  for (const part of parts) at += part.copy(assembled, at);
  return assembled;
}

/** The first `size` bytes of a reused buffer, grown (doubling) when it is smaller. */
function room(scratch: { bytes: Buffer }, size: number): Buffer {
  if (scratch.bytes.length < size) scratch.bytes = Buffer.allocUnsafe(Math.max(size, scratch.bytes.length * 2));
  return scratch.bytes.subarray(0, size);
}
