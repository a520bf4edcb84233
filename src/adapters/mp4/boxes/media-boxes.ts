import { containerBox, fullBox } from './bytes.ts';

/** stsd holding the sample entries as they are in the source (avcC, esds and all). */
export function stsdBox(entries: readonly Uint8Array[]): Buffer {
  if (entries.length === 0) throw new RangeError('stsd needs at least one sample entry');
  entries.forEach((entry, i) => {
    const declared = entry.length >= 8 ? Buffer.from(entry.buffer, entry.byteOffset, 4).readUInt32BE(0) : -1;
    if (declared !== entry.length) throw new RangeError(`sampleEntries[${i}]: ${entry.length} bytes but its box header says ${declared}`);
  });
  const count = Buffer.alloc(4);
  count.writeUInt32BE(entries.length, 0);
  return fullBox('stsd', 0, 0, Buffer.concat([count, ...entries]));
}

/** A dinf whose one data reference says "in this file" (url  with flag 1), for a track that came without one. */
export function selfContainedDinf(): Buffer {
  const url = fullBox('url ', 0, 1, Buffer.alloc(0));
  const entryCount = Buffer.alloc(4);
  entryCount.writeUInt32BE(1, 0);
  return containerBox('dinf', [fullBox('dref', 0, 0, Buffer.concat([entryCount, url]))]);
}

/** vmhd (flags 1, copy mode) or smhd (balance 0), for a track that came without one. */
export function defaultMediaHeader(kind: 'video' | 'audio'): Buffer {
  return kind === 'video' ? fullBox('vmhd', 0, 1, Buffer.alloc(8)) : fullBox('smhd', 0, 0, Buffer.alloc(4));
}

/** A raw box checked to be the one expected, whole. */
export function checkedRaw(bytes: Uint8Array, type: string, field: string): Uint8Array {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 8 || buffer.readUInt32BE(0) !== buffer.length) throw new RangeError(`${field}: not one whole box (${buffer.length} bytes)`);
  const actual = buffer.toString('latin1', 4, 8);
  if (type !== actual && !(type === '*mhd' && actual.endsWith('mhd'))) throw new RangeError(`${field}: expected '${type}', got '${actual}'`);
  return bytes;
}
