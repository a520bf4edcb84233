import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

  it('keeps every tile when tiles come back to a row written before', async () => {
    const [w, h] = [16, 8];
    const sheet = await SpriteSheet.create(join(dir, 'order.v'), 2 * w, 3 * h);
    const colours: [number, number, number][] = [
      [200, 30, 30],
      [30, 200, 30],
      [30, 30, 200],
      [200, 200, 30],
    ];
    // (column, row) in an order that leaves row 1, fills row 2, and comes back to row 1 and row 0
    const places = [
      [0, 1],
      [1, 2],
      [1, 1],
      [0, 0],
    ];
    for (const [i, [column, row]] of places.entries()) await sheet.writeTile(solid(w, h, colours[i]), w, h, column * w, row * h);
    const png = join(dir, 'order.png');
    await sheet.writeJpeg(join(dir, 'order.jpg'), 100);
    await sharp(join(dir, 'order.v')).png().toFile(png);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    for (const [i, [column, row]] of places.entries()) expect(pixel(column * w + 3, row * h + 2), `tile ${i}`).toEqual(colours[i]);
    expect(pixel(w + 3, 2)).toEqual([0, 0, 0]);
    expect(pixel(3, 2 * h + 2)).toEqual([0, 0, 0]);
  });

  it('keeps every tile when tiles are written without waiting for each other, across rows', async () => {
    const [w, h, columns, rows] = [16, 8, 3, 4];
    const sheet = await SpriteSheet.create(join(dir, 'concurrent.v'), columns * w, rows * h);
    const colourOf = (i: number): [number, number, number] => [20 + 19 * i, 240 - 17 * i, (90 * i) % 256];
    // the thumbnail stage hands over a few frames at a time: the writes overlap
    await Promise.all(Array.from({ length: columns * rows }, (_, i) => sheet.writeTile(solid(w, h, colourOf(i)), w, h, (i % columns) * w, Math.floor(i / columns) * h)));
    await sheet.writeJpeg(join(dir, 'concurrent.jpg'), 100);
    const { data, info } = await sharp(join(dir, 'concurrent.v')).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    for (let i = 0; i < columns * rows; i++) expect(pixel((i % columns) * w + 3, Math.floor(i / columns) * h + 2), `tile ${i}`).toEqual(colourOf(i));
  });

  it('encodes a sheet of 240 thumbnails in far less memory than the sheet holds', async () => {
    const [w, h, columns, rows] = [320, 180, 10, 24];
    const sheet = await SpriteSheet.create(join(dir, 'big.v'), columns * w, rows * h);
    const noise = Buffer.from(Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 2654435761) >>> 24));
    for (let i = 0; i < columns * rows; i++) await sheet.writeTile(noise, w, h, (i % columns) * w, Math.floor(i / columns) * h);
    const status = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
    // resets VmHWM to the current RSS (Linux >= 4.0), so it shows the encoder's peak alone
    await writeFile('/proc/self/clear_refs', '5');
    const before = status('VmRSS');
    await sheet.writeJpeg(join(dir, 'big.jpg'));
    const grew = status('VmHWM') - before;
    const sheetBytes = columns * w * rows * h * 3;
    // a whole-image coefficient buffer (optimised Huffman tables) would be about sheetBytes
    expect(grew).toBeLessThan(sheetBytes / 3);
    const meta = await sharp(join(dir, 'big.jpg')).metadata();
    expect([meta.width, meta.height, meta.isProgressive]).toEqual([columns * w, rows * h, false]);
  });

  it('refuses a tile outside the sheet', async () => {
    const sheet = await SpriteSheet.create(join(dir, 'small.v'), 10, 10);
    await expect(sheet.writeTile(solid(8, 8, [0, 0, 0]), 8, 8, 4, 0)).rejects.toThrow(/leaves the 10x10 sheet/);
    await sheet.close();
  });
});
