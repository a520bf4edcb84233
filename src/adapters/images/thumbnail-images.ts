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
