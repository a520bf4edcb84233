/** The header the pipeline writes before a WAV's samples: plain RIFF, or RF64 once the file passes 4 GiB. */

export interface PcmLayout {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
}

const U32_MAX = 0xffffffff;
/** RIFF size fields are 32-bit: a file whose RIFF size would not fit becomes RF64 (EBU Tech 3306). */
export const RIFF_HEADER_BYTES = 44;
export const RF64_HEADER_BYTES = 80;

export function needsRf64(dataBytes: number): boolean {
  return RIFF_HEADER_BYTES - 8 + dataBytes + (dataBytes % 2) > U32_MAX;
}

/** The header bytes for `dataBytes` of interleaved PCM; the samples follow it directly. */
export function wavHeader(layout: PcmLayout, dataBytes: number): Buffer {
  const blockAlign = layout.channels * (layout.bitsPerSample / 8);
  const rf64 = needsRf64(dataBytes);
  const header = Buffer.alloc(rf64 ? RF64_HEADER_BYTES : RIFF_HEADER_BYTES);
  let at = 0;
  const fourcc = (s: string) => {
    header.write(s, at, 'latin1');
    at += 4;
  };
  const u16 = (v: number) => {
    header.writeUInt16LE(v, at);
    at += 2;
  };
  const u32 = (v: number) => {
    header.writeUInt32LE(v, at);
    at += 4;
  };
  const u64 = (v: number) => {
    header.writeBigUInt64LE(BigInt(v), at);
    at += 8;
  };
  const riffBytes = header.length - 8 + dataBytes + (dataBytes % 2);
  fourcc(rf64 ? 'RF64' : 'RIFF');
  u32(rf64 ? U32_MAX : riffBytes);
  fourcc('WAVE');
  if (rf64) {
    fourcc('ds64');
    u32(28);
    u64(riffBytes);
    u64(dataBytes);
    u64(Math.floor(dataBytes / blockAlign));
    u32(0); // no table of other chunk sizes
  }
  fourcc('fmt ');
  u32(16);
  u16(1);
  u16(layout.channels);
  u32(layout.sampleRate);
  u32(layout.sampleRate * blockAlign);
  u16(blockAlign);
  u16(layout.bitsPerSample);
  fourcc('data');
  u32(rf64 ? U32_MAX : dataBytes);
  return header;
}
