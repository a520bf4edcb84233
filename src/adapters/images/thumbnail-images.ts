import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

// every image is encoded once: libvips' operation cache would only hold memory (up to 50 MB)
sharp.cache(false);
sharp.concurrency(1);

export interface SpriteLayout {
  columns: number;
  rows: number;
  /** Top-left corner of each tile in the sprite. */
  tiles: { x: number; y: number }[];
}

/** Lays thumbnails out row by row, at most `maxColumns` a row. */
export function spriteLayout(count: number, width: number, height: number, maxColumns = 10): SpriteLayout {
  const columns = Math.max(1, Math.min(maxColumns, count));
  const rows = Math.max(1, Math.ceil(count / columns));
  return { columns, rows, tiles: Array.from({ length: count }, (_, i) => ({ x: (i % columns) * width, y: Math.floor(i / columns) * height })) };
}

/** Writes one raw RGB frame as a JPEG. */
export async function writeThumbnailJpeg(frame: Buffer, width: number, height: number, file: string, quality = 80): Promise<void> {
  await writeFile(file, await sharp(frame, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer());
}
