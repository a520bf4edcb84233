import type { EditEntry } from '../../../types/mp4.ts';
import { containerBox, fullBox } from './bytes.ts';

const MAX_UINT32 = 0xffffffff;
const MAX_INT32 = 0x7fffffff;

/**
 * Our own elst: mp4box.js 2.4.1 keeps version 0 for a media_time above 2^31 - 1 (it compares
 * with 2^32 - 1), which a signed 32-bit field cannot hold.
 */
export function elstBox(entries: readonly EditEntry[]): Buffer {
  const large = entries.some((e) => e.segmentDuration > MAX_UINT32 || e.mediaTime > MAX_INT32 || e.mediaTime < -MAX_INT32 - 1);
  const entrySize = large ? 20 : 12;
  const body = Buffer.alloc(4 + entrySize * entries.length);
  body.writeUInt32BE(entries.length, 0);
  entries.forEach((entry, i) => {
    const { segmentDuration, mediaTime, rate } = entry;
    if (!Number.isSafeInteger(segmentDuration) || segmentDuration < 0) throw new RangeError(`edits[${i}].segmentDuration ${segmentDuration} is not a duration`);
    if (!Number.isSafeInteger(mediaTime) || mediaTime < -1) throw new RangeError(`edits[${i}].mediaTime ${mediaTime} is neither a media time nor -1`);
    let at = 4 + entrySize * i;
    if (large) {
      body.writeBigUInt64BE(BigInt(segmentDuration), at);
      body.writeBigInt64BE(BigInt(mediaTime), at + 8);
      at += 16;
    } else {
      body.writeUInt32BE(segmentDuration, at);
      body.writeInt32BE(mediaTime, at + 4);
      at += 8;
    }
    const integer = Math.trunc(rate);
    body.writeInt16BE(integer, at);
    body.writeUInt16BE(Math.round((rate - integer) * 0x10000), at + 2);
  });
  return fullBox('elst', large ? 1 : 0, 0, body);
}

/** edts holding the elst, or nothing without edits. */
export function edtsBox(entries: readonly EditEntry[]): Buffer | null {
  return entries.length === 0 ? null : containerBox('edts', [elstBox(entries)]);
}
