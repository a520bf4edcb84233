import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpriteSheet } from './sprite-sheet.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acsrec-sprite-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const solid = (w: number, h: number, rgb: [number, number, number]) => Buffer.from(Uint8Array.from({ length: w * h * 3 }, (_, i) => rgb[i % 3]));

describe('SpriteSheet', () => {
  it('puts every tile where the layout says, black elsewhere, and encodes a JPEG libvips and sharp read back', async () => {
    const [w, h] = [32, 18];
    const sheet = await SpriteSheet.create(join(dir, 'sprite.v'), 3 * w, 2 * h);
    const colours: [number, number, number][] = [
      [250, 10, 10],
      [10, 250, 10],
      [10, 10, 250],
      [240, 240, 20],
    ];
    for (const [i, colour] of colours.entries()) await sheet.writeTile(solid(w, h, colour), w, h, (i % 3) * w, Math.floor(i / 3) * h);
    const jpeg = join(dir, 'sprite.jpg');
    await sheet.writeJpeg(jpeg, 95);
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([3 * w, 2 * h, 3]);
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    for (const [i, colour] of colours.entries()) {
      const centre = pixel((i % 3) * w + w / 2, Math.floor(i / 3) * h + h / 2);
      centre.forEach((c, k) => expect(Math.abs(c - colour[k]), `tile ${i} channel ${k}`).toBeLessThan(12));
    }
    // the sixth tile was never written: black
    expect(Math.max(...pixel(2 * w + w / 2, h + h / 2))).toBeLessThan(12);
  });

  it('refuses a tile outside the sheet', async () => {
    const sheet = await SpriteSheet.create(join(dir, 'small.v'), 10, 10);
    await expect(sheet.writeTile(solid(8, 8, [0, 0, 0]), 8, 8, 4, 0)).rejects.toThrow(/leaves the 10x10 sheet/);
    await sheet.close();
  });
});
