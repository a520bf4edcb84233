import { readSync } from 'node:fs';
import type { TopLevelBox } from '../../types/mp4.ts';

export type { TopLevelBox };

export type BoxWalkResult = { ok: true; boxes: TopLevelBox[] } | { ok: false; reason: string; boxes: TopLevelBox[] };

const PRINTABLE_TYPE = /^[\x20-\x7e]{4}$/;

/**
 * Walks the top-level boxes by reading 16 bytes per box, so that a 1.5 GB chunk costs a few reads.
 * Reports (instead of throwing) a file that is not MP4 or is cut short.
 */
export function walkTopLevelBoxes(fd: number, fileSize: number): BoxWalkResult {
  const boxes: TopLevelBox[] = [];
  const header = Buffer.alloc(16);
  let offset = 0;
  while (offset < fileSize) {
    const remaining = fileSize - offset;
    if (remaining < 8) return { ok: false, reason: `${remaining} stray bytes after the last box`, boxes };
    const bytesRead = readSync(fd, header, 0, Math.min(16, remaining), offset);
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (!PRINTABLE_TYPE.test(type)) return { ok: false, reason: `no MP4 box at byte ${offset}`, boxes };
    let headerSize = 8;
    if (size === 1) {
      if (bytesRead < 16) return { ok: false, reason: `box '${type}' at byte ${offset} is cut short`, boxes };
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      size = remaining;
    }
    if (size < headerSize) return { ok: false, reason: `box '${type}' at byte ${offset} has an invalid size ${size}`, boxes };
    if (size > remaining) {
      return { ok: false, reason: `box '${type}' at byte ${offset} needs ${size} bytes but the file ends after ${remaining} (truncated)`, boxes };
    }
    boxes.push({ type, start: offset, size, headerSize });
    offset += size;
  }
  return { ok: true, boxes };
}
