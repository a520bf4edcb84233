/** Tags that wrap MP3 frames: ID3v2 before them, APEv2 and ID3v1 after them. */

/** Bytes of the ID3v2 tag at the start of `head` (10-byte header, syncsafe size, optional footer), or 0. */
export function id3v2Size(head: Uint8Array): number {
  if (head.length < 10 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return 0; // "ID3"
  if (head[3] === 0xff || head[4] === 0xff || (head[6] | head[7] | head[8] | head[9]) & 0x80) return 0;
  const size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9];
  const hasFooter = head[3] >= 4 && (head[5] & 0x10) !== 0;
  return 10 + size + (hasFooter ? 10 : 0);
}

/**
 * Bytes of the tags at the end of a file whose last bytes are `tail`: an ID3v1 tag ("TAG", 128
 * bytes) and/or an APEv2 tag before it (32-byte footer "APETAGEX", its size counting the items
 * and the footer, plus a 32-byte header when flagged).
 */
export function trailingTagsSize(tail: Uint8Array): number {
  let end = tail.length;
  const ascii = (at: number, length: number) => (at >= 0 && at + length <= tail.length ? String.fromCharCode(...tail.subarray(at, at + length)) : '');
  if (ascii(end - 128, 3) === 'TAG') end -= 128;
  if (ascii(end - 32, 8) === 'APETAGEX') {
    const view = new DataView(tail.buffer, tail.byteOffset + end - 32, 32);
    const size = view.getUint32(12, true);
    const hasHeader = (view.getUint32(20, true) & 0x80000000) !== 0;
    end -= size + (hasHeader ? 32 : 0);
  }
  // An APE tag larger than `tail` (cover art) gives a size beyond it, still measured from the end.
  return tail.length - end;
}

/** How many bytes of the file's end `trailingTagsSize` needs to see. */
export const TAIL_BYTES = 64 * 1024;
