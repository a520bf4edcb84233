import { describe, expect, it } from 'vitest';
import { boxesOf } from './parsed-by-mp4box.ts';
import { chunkOffsetBox, countSampleTable, cttsBox, runLengths, stscBox, stssBox, sttsBox, stszBox, stszPlan } from './sample-table.ts';

function one(bytes: Buffer | null) {
  expect(bytes).not.toBeNull();
  const boxes = boxesOf(bytes!);
  expect(boxes).toHaveLength(1);
  expect(boxes[0].size).toBe(bytes!.length);
  return boxes[0];
}

/** Expands run-length pairs back to one value per sample, the way a reader does. */
function expand(counts: number[], values: number[]): number[] {
  return counts.flatMap((count, i) => Array<number>(count).fill(values[i]));
}

describe('sample table boxes round-trip through mp4box.js', () => {
  it('runLengths merges equal neighbours only', () => {
    expect(runLengths([3, 3, 1, 3, 3, 3])).toEqual([[2, 1, 3], [3, 1, 3]]);
    expect(runLengths([])).toEqual([[], []]);
  });

  it('stts: run-length durations', () => {
    const durations = new Uint32Array([512, 512, 512, 1024, 512, 0x7fffffff]);
    const box = one(sttsBox(durations));
    expect(box.type).toBe('stts');
    expect(box.sample_counts).toEqual([3, 1, 1, 1]);
    expect(expand(box.sample_counts, box.sample_deltas)).toEqual([...durations]);
    const constant = one(sttsBox(new Uint32Array(1000).fill(1024)));
    expect([constant.sample_counts, constant.sample_deltas, constant.size]).toEqual([[1000], [1024], 24]);
    const delay = one(cttsBox(new Int32Array(7).fill(-2048)));
    expect([delay.version, delay.sample_counts, delay.sample_offsets]).toEqual([1, [7], [-2048]]);
  });

  it('ctts: absent when all offsets are zero, version 0 when all >= 0, version 1 with a negative', () => {
    expect(cttsBox(new Int32Array(5))).toBeNull();
    const positive = [1024, 0, 2048, 2048, 512];
    const v0 = one(cttsBox(new Int32Array(positive)));
    expect([v0.type, v0.version]).toEqual(['ctts', 0]);
    expect(expand(v0.sample_counts, v0.sample_offsets)).toEqual(positive);
    const negative = [-1024, -1024, 0, 2048, -2147483648, 2147483647];
    const v1 = one(cttsBox(new Int32Array(negative)));
    expect(v1.version).toBe(1);
    expect(expand(v1.sample_counts, v1.sample_offsets)).toEqual(negative);
  });

  it('stsz: one size when all are equal, else the list', () => {
    const uniform = one(stszBox(new Uint32Array([6, 6, 6, 6])));
    expect([uniform.sample_size, uniform.sample_count, uniform.size]).toEqual([6, 4, 20]);
    const sizes = [6, 7, 0xfffffff0, 1];
    const listed = one(stszBox(new Uint32Array(sizes)));
    expect([listed.sample_size, listed.sample_count, listed.sample_sizes]).toEqual([0, 4, sizes]);
    expect(one(stszBox(new Uint32Array(0))).sample_count).toBe(0);
    // a view into a larger buffer (copied and swapped natively) and a plain array (written one by one)
    const backing = new Uint32Array([99, ...sizes, 99]);
    expect(one(stszBox(backing.subarray(1, 5))).sample_sizes).toEqual(sizes);
    expect(stszBox(backing.subarray(1, 5)).equals(stszBox(sizes))).toBe(true);
    // written at an odd offset of a larger buffer, as inside a moov
    const many = Uint32Array.from({ length: 300 }, (_, i) => i * 16777259 + 7);
    const plan = stszPlan(many);
    for (const at of [1, 2, 3]) {
      const target = Buffer.alloc(at + plan.size + 5, 0xee);
      expect(plan.writeTo(target, at)).toBe(at + plan.size);
      expect(target.subarray(at, at + plan.size).equals(stszBox(Array.from(many)))).toBe(true);
      expect(target[at + plan.size]).toBe(0xee);
    }
  });

  it('stsc: runs of equal chunks merged into one entry', () => {
    const box = one(stscBox([5, 5, 5, 2, 2, 7, 7], [1, 1, 1, 1, 1, 1, 2]));
    expect(box.first_chunk).toEqual([1, 4, 6, 7]);
    expect(box.samples_per_chunk).toEqual([5, 2, 7, 7]);
    expect(box.sample_description_index).toEqual([1, 1, 1, 2]);
  });

  it('stco holds 32-bit offsets and refuses larger ones; co64 holds offsets past 4 GiB', () => {
    const small = [48, 0xffffffff, 123456];
    const stco = one(chunkOffsetBox(new Float64Array(small), false));
    expect([stco.type, stco.chunk_offsets]).toEqual(['stco', small]);
    expect(() => chunkOffsetBox(new Float64Array([2 ** 32]), false)).toThrow(RangeError);
    const large = [48, 2 ** 32, 2 ** 32 + 1, 5 * 2 ** 32 + 0xfffffffe, 2 ** 52 + 3];
    const co64 = one(chunkOffsetBox(new Float64Array(large), true));
    expect([co64.type, co64.version, co64.chunk_offsets]).toEqual(['co64', 0, large]);
  });

  it('stss: absent when every sample is sync, else the 1-based sync sample numbers', () => {
    expect(stssBox(new Uint8Array([1, 1, 1]))).toBeNull();
    const box = one(stssBox(new Uint8Array([1, 0, 0, 1, 0, 1])));
    expect(box.sample_numbers).toEqual([1, 4, 6]);
    expect(one(stssBox(new Uint8Array([0, 0]))).sample_numbers).toEqual([]);
  });

  it('countSampleTable counts in one pass what each table counts alone, over the first `count` samples only', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (const count of [0, 1, 2, 17, 500]) {
      const length = count + 3;
      const durations = Uint32Array.from({ length }, () => [512, 512, 1024][random(3)]);
      const compositionOffsets = Int32Array.from({ length }, () => [0, 0, 1024, -512][random(count % 2 ? 4 : 3)]);
      const sync = Uint8Array.from({ length }, () => (random(4) === 0 ? 1 : 0));
      const sizes = count === 17 ? new Uint32Array(length).fill(6) : Uint32Array.from({ length }, () => 1 + random(3));
      const head = <T extends { slice(a: number, b: number): T }>(a: T) => a.slice(0, count);
      const offsets = [...head(compositionOffsets)];
      expect(countSampleTable({ count, durations, compositionOffsets, sync, sizes }), `count ${count}`).toEqual({
        durationRuns: runLengths(head(durations))[0].length,
        compositionRuns: offsets.some((o) => o !== 0) ? runLengths(offsets)[0].length : 0,
        negativeCompositionOffset: offsets.some((o) => o < 0),
        syncSamples: [...head(sync)].filter(Boolean).length,
        uniformSize: count > 0 && head(sizes).every((s) => s === sizes[0]) ? sizes[0] : 0,
        mediaDuration: [...head(durations)].reduce((a, b) => a + b, 0),
      });
    }
  });
});
