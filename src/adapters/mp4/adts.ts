/** Splits an ADTS stream into its raw frames (headers removed). */
export function splitAdtsFrames(stream: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let offset = 0;
  while (offset + 7 <= stream.length) {
    if (stream[offset] !== 0xff || (stream[offset + 1] & 0xf0) !== 0xf0) throw new RangeError(`no ADTS sync word at byte ${offset}`);
    const headerLength = stream[offset + 1] & 1 ? 7 : 9;
    const frameLength = ((stream[offset + 3] & 3) << 11) | (stream[offset + 4] << 3) | (stream[offset + 5] >> 5);
    frames.push(stream.subarray(offset + headerLength, offset + frameLength));
    offset += frameLength;
  }
  return frames;
}
