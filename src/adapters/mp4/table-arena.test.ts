import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { variants } from '../../../test/helpers/mp4-variants.ts';
import { readMp4Model } from './model.ts';
import { SampleTableArena } from './table-arena.ts';

const MB = 1 << 20;
const residentBytes = () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const nextTick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('SampleTableArena', () => {
  it('makes zeroed tables of their own arrays, side by side in one block', () => {
    const arena = new SampleTableArena();
    const a = arena.table(3);
    const b = arena.table(5);
    expect(a.count).toBe(3);
    expect([a.dts.length, a.offsets.length, a.durations.length, a.compositionOffsets.length, a.sizes.length, a.descriptionIndex.length, a.sync.length]).toEqual([3, 3, 3, 3, 3, 3, 3]);
    expect(b.dts.buffer).toBe(a.dts.buffer);
    expect(b.dts.byteOffset % 8).toBe(0);
    for (const table of [a, b]) {
      for (const array of [table.dts, table.offsets, table.durations, table.compositionOffsets, table.sizes, table.descriptionIndex, table.sync]) expect([...array].every((v) => v === 0)).toBe(true);
    }
    // every array of both tables written with its own value: none overlaps another
    const all = [a, b].flatMap((t) => [t.dts, t.offsets, t.durations, t.compositionOffsets, t.sizes, t.descriptionIndex, t.sync]);
    all.forEach((array, i) => array.fill(i + 1));
    all.forEach((array, i) => expect([...array].every((v) => v === i + 1)).toBe(true));
  });

  it('gives a table larger than a block a block of its own', () => {
    const arena = new SampleTableArena();
    arena.table(10);
    const big = arena.table(2_000_000); // 62 MB of tables
    expect(big.sync.length).toBe(2_000_000);
    expect(arena.reservedBytes).toBe(32 * MB + Math.ceil((2_000_000 * 31) / 8) * 8);
    arena.release();
  });

  it('release empties every table it made and refuses new ones', () => {
    const arena = new SampleTableArena();
    const tables = [arena.table(100), arena.table(7)];
    tables[0].sizes.fill(9);
    const arrays = tables.map((t) => [t.dts, t.offsets, t.durations, t.compositionOffsets, t.sizes, t.descriptionIndex, t.sync]);
    arena.release();
    for (const [i, t] of tables.entries()) {
      const after = [t.dts, t.offsets, t.durations, t.compositionOffsets, t.sizes, t.descriptionIndex, t.sync];
      expect(after.map((x) => x.length)).toEqual([0, 0, 0, 0, 0, 0, 0]);
      // the same (now detached) arrays: no field of a table is written
      after.forEach((x, k) => expect(x).toBe(arrays[i][k]));
    }
    expect(arena.reservedBytes).toBe(0);
    expect(() => arena.release()).not.toThrow();
    expect(() => arena.table(1)).toThrow(/released/);
  });

  it('gives the memory back to the system at release, with no garbage collection', async () => {
    const arena = new SampleTableArena();
    // 96 MB of tables, every page touched
    const tables = Array.from({ length: 3 }, () => arena.table(1_000_000));
    for (const t of tables) for (const array of [t.dts, t.offsets, t.durations, t.compositionOffsets, t.sizes, t.descriptionIndex, t.sync]) array.fill(1);
    const filled = residentBytes();
    arena.release();
    await nextTick();
    const released = residentBytes();
    expect(filled - released, `resident ${Math.round(filled / MB)} MB filled, ${Math.round(released / MB)} MB released`).toBeGreaterThan(80 * MB);
  });

  it.each([
    ['moov before mdat', variants.faststart],
    ['B-frames', variants.bframes],
    ['fragmented, samples in the moov too', variants.fragmentedWithMoovSamples],
  ])('%s: the model read into an arena is the model read without one', async (_, make) => {
    const file = make();
    const arena = new SampleTableArena();
    const [plain, arenaModel] = [await readMp4Model(file), await readMp4Model(file, { tables: arena })];
    expect(arenaModel.tracks.map((t) => t.samples)).toEqual(plain.tracks.map((t) => t.samples));
    expect(arenaModel.tracks.map((t) => t.presentation)).toEqual(plain.tracks.map((t) => t.presentation));
    expect(plain.tracks.every((t) => t.samples.count > 0)).toBe(true);
    arena.release();
  });
});
