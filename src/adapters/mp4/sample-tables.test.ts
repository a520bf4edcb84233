import { describe, expect, it } from 'vitest';
import { box, fullBox, u32 } from '../../../test/helpers/mp4-boxes.ts';
import type { BoxSpan } from './boxes.ts';
import { readSampleTables } from './sample-tables.ts';

function stblOf(...children: Buffer[]): { buf: Buffer; stbl: BoxSpan } {
  const buf = box('stbl', ...children);
  return { buf, stbl: { type: 'stbl', start: 0, body: 8, end: buf.length } };
}

describe('readSampleTables', () => {
  // Six samples in three chunks; the first chunk uses sample description 1, the others 2.
  const sizes = [10, 20, 30, 40, 50, 60];
  const base = [
    fullBox('stsz', 0, 0, u32(0, sizes.length, ...sizes)),
    fullBox('stsc', 0, 0, u32(2, 1, 2, 1, 2, 2, 2)),
    fullBox('stco', 0, 0, u32(3, 1000, 5000, 9000)),
    fullBox('stts', 0, 0, u32(2, 4, 100, 2, 50)),
  ];

  it('places samples in chunks and follows stsc sample_description_index', () => {
    const { buf, stbl } = stblOf(...base);
    const t = readSampleTables(buf, stbl);
    expect(t.count).toBe(6);
    expect(Array.from(t.offsets)).toEqual([1000, 1010, 5000, 5030, 9000, 9050]);
    expect(Array.from(t.descriptionIndex)).toEqual([1, 1, 2, 2, 2, 2]);
    expect(Array.from(t.dts)).toEqual([0, 100, 200, 300, 400, 450]);
    expect(Array.from(t.durations)).toEqual([100, 100, 100, 100, 50, 50]);
    expect(Array.from(t.sync), 'no stss: every sample is a sync sample').toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(t.compositionOffsets)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('reads ctts v1 negative offsets and stss', () => {
    const ctts = fullBox('ctts', 1, 0, u32(3, 1, 200, 2, -100, 3, 0));
    const stss = fullBox('stss', 0, 0, u32(2, 1, 5));
    const { buf, stbl } = stblOf(...base, ctts, stss);
    const t = readSampleTables(buf, stbl);
    expect(Array.from(t.compositionOffsets)).toEqual([200, -100, -100, 0, 0, 0]);
    expect(Array.from(t.sync)).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('reads a constant sample size, co64 and stz2', () => {
    const co64 = fullBox('co64', 0, 0, u32(3, 1, 0, 1, 16, 2, 0));
    const stz2 = fullBox('stz2', 0, 0, u32(16, 6), Buffer.from([0, 10, 0, 20, 0, 30, 0, 40, 0, 50, 0, 60]));
    const wide = stblOf(stz2, base[1], co64, base[3]);
    const t = readSampleTables(wide.buf, wide.stbl);
    expect(Array.from(t.sizes)).toEqual(sizes);
    expect(Array.from(t.offsets)).toEqual([2 ** 32, 2 ** 32 + 10, 2 ** 32 + 16, 2 ** 32 + 46, 2 ** 33, 2 ** 33 + 50]);
    const constant = stblOf(fullBox('stsz', 0, 0, u32(7, 6)), ...base.slice(1));
    expect(Array.from(readSampleTables(constant.buf, constant.stbl).offsets)).toEqual([1000, 1007, 5000, 5007, 9000, 9007]);
  });

  it('reads stsz and stco at any byte alignment, values up to 2^32 - 1', () => {
    const big = [0xffffffff, 0x80000001, 7, 0x01020304, 0, 65536];
    const children = [fullBox('stsz', 0, 0, u32(0, big.length, ...big)), fullBox('stsc', 0, 0, u32(1, 1, 1, 1)), fullBox('stco', 0, 0, u32(6, ...big)), base[3]];
    for (const pad of [1, 2, 3]) {
      const inner = box('stbl', ...children);
      const buf = Buffer.concat([Buffer.alloc(pad, 0xee), inner]).subarray(pad);
      expect(buf.byteOffset % 4).not.toBe(0);
      const t = readSampleTables(buf, { type: 'stbl', start: 0, body: 8, end: buf.length });
      expect(Array.from(t.sizes)).toEqual(big);
      expect(Array.from(t.offsets)).toEqual(big);
    }
  });

  it('refuses tables that place fewer samples than stsz holds', () => {
    const { buf, stbl } = stblOf(base[0], base[1], fullBox('stco', 0, 0, u32(2, 1000, 5000)), base[3]);
    expect(() => readSampleTables(buf, stbl)).toThrow('place 4 of 6 samples');
  });
});
