import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

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

/** Writes each raw RGB frame as a JPEG and all of them as one sprite sheet. */
export async function writeThumbnailImages(options: {
  frames: Buffer[];
  width: number;
  height: number;
  files: string[];
  spriteFile: string;
  quality?: number;
}): Promise<SpriteLayout> {
  const { frames, width, height, quality = 80 } = options;
  const raw = { width, height, channels: 3 as const };
  await Promise.all(frames.map(async (frame, i) => writeFile(options.files[i], await sharp(frame, { raw }).jpeg({ quality }).toBuffer())));
  const layout = spriteLayout(frames.length, width, height);
  const sprite = await sharp({ create: { width: layout.columns * width, height: layout.rows * height, channels: 3, background: '#000000' } })
    .composite(frames.map((frame, i) => ({ input: frame, raw, left: layout.tiles[i].x, top: layout.tiles[i].y })))
    .jpeg({ quality })
    .toBuffer();
  await writeFile(options.spriteFile, sprite);
  return layout;
}
