import { createFile, MP4BoxBuffer, type ISOFile } from 'mp4box';

/** For the round-trip tests: mp4box.js's reading of some bytes, as an independent parser. */
export function parsedByMp4box(bytes: Uint8Array): ISOFile {
  const iso = createFile();
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, 0));
  iso.flush();
  return iso;
}

/** The top-level boxes mp4box.js found, with their fields (loosely typed: the tests compare values). */
export function boxesOf(bytes: Uint8Array): Record<string, any>[] {
  return parsedByMp4box(bytes).boxes as unknown as Record<string, any>[];
}
