import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWaveformPng } from './waveform.ts';

const dir = await mkdtemp(join(tmpdir(), 'acsrec-waveform-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeWaveformPng', () => {
  it('draws one lane per channel from its peaks, marks the spans, labels the lanes', async () => {
    const width = 200;
    const lane = (from: number, to: number, amplitude: number) => {
      const min = new Int16Array(width);
      const max = new Int16Array(width);
      for (let x = from; x < to; x++) [min[x], max[x]] = [-amplitude, amplitude];
      return { min, max };
    };
    const outFile = join(dir, 'waveform.png');
    const size = await writeWaveformPng({
      lanes: [
        { ...lane(20, 60, 29000), label: 'channel 0: alice' },
        { ...lane(120, 180, 14500), label: 'channel 1: bob' },
      ],
      marks: [{ from: 0.4, to: 0.5 }],
      laneHeight: 100,
      outFile,
    });
    expect(size).toEqual({ width: 200, height: 200 });
    const { data, info } = await sharp(outFile).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([200, 200]);
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const isWave = (p: number[]) => p[2] > 200 && p[0] < 80;
    // lane 0 loud from x=20 to 60: wave near its top and bottom edges (the louder lane sets the gain)
    expect(isWave(pixel(40, 30))).toBe(true);
    expect(isWave(pixel(40, 88))).toBe(true);
    expect(isWave(pixel(100, 30))).toBe(false);
    // lane 1 half as loud: its wave reaches about half way from its middle (y = 150)
    expect(isWave(pixel(150, 130))).toBe(true);
    expect(isWave(pixel(150, 105))).toBe(false);
    // where a lane is silent only its zero line is drawn
    expect(isWave(pixel(150, 40))).toBe(false);
    // the marked span (x 80..100) is shaded in both lanes, outside it is not
    expect(pixel(90, 70)).toEqual(pixel(90, 170));
    expect(pixel(90, 70)).not.toEqual(pixel(110, 70));
    // labels: dark text pixels in the top-left corner of each lane
    const darkIn = (y0: number) => {
      let dark = 0;
      for (let y = y0 + 6; y < y0 + 22; y++) for (let x = 8; x < 100; x++) if (pixel(x, y)[0] < 100 && !isWave(pixel(x, y))) dark++;
      return dark;
    };
    expect(darkIn(0)).toBeGreaterThan(20);
    expect(darkIn(100)).toBeGreaterThan(20);
  });
});
