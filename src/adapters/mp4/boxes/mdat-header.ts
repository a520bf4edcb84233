const MAX_UINT32 = 0xffffffff;

/** Bytes of the mdat header for a payload of this size: 8, or 16 with a 64-bit largesize. */
export function mdatHeaderSize(payloadSize: number): number {
  return payloadSize + 8 > MAX_UINT32 ? 16 : 8;
}

/**
 * The mdat header alone, so the payload can be streamed behind it. mp4box.js writes an mdat only
 * with its payload in memory, which a recording of gigabytes cannot be.
 */
export function mdatHeader(payloadSize: number): Buffer {
  if (!Number.isSafeInteger(payloadSize) || payloadSize < 0) throw new RangeError(`mdat payload size ${payloadSize} is not a byte count`);
  const headerSize = mdatHeaderSize(payloadSize);
  const header = Buffer.alloc(headerSize);
  header.write('mdat', 4, 4, 'latin1');
  if (headerSize === 8) {
    header.writeUInt32BE(payloadSize + 8, 0);
  } else {
    header.writeUInt32BE(1, 0);
    header.writeBigUInt64BE(BigInt(payloadSize + 16), 8);
  }
  return header;
}
