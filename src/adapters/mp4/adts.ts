import { open } from 'node:fs/promises';
import { parseAudioSpecificConfig } from './probe.ts';

const SAMPLE_RATE_INDEX = new Map([96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350].map((r, i) => [r, i]));

/** The 7-byte ADTS header (no CRC) for one raw AAC frame. */
export function adtsHeader(audioSpecificConfigHex: string, payloadLength: number): Buffer {
  const asc = parseAudioSpecificConfig(Buffer.from(audioSpecificConfigHex, 'hex'));
  const rateIndex = asc.sampleRate === null ? undefined : SAMPLE_RATE_INDEX.get(asc.sampleRate);
  if (rateIndex === undefined || asc.objectType < 1 || asc.objectType > 4) {
    throw new RangeError(`AAC config ${audioSpecificConfigHex} cannot be carried in ADTS`);
  }
  const length = payloadLength + 7;
  const header = Buffer.alloc(7);
  header[0] = 0xff;
  header[1] = 0xf1; // MPEG-4, layer 0, no CRC
  header[2] = ((asc.objectType - 1) << 6) | (rateIndex << 2) | (asc.channels >> 2);
  header[3] = ((asc.channels & 3) << 6) | (length >> 11);
  header[4] = (length >> 3) & 0xff;
  header[5] = ((length & 7) << 5) | 0x1f;
  header[6] = 0xfc;
  return header;
}

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

export interface CopyFramesRequest {
  file: string;
  offsets: Float64Array;
  sizes: Uint32Array;
  first: number;
  count: number;
}

/**
 * Copies AAC frames out of an MP4 by their sample-table positions, as ADTS, reading contiguous
 * frames in one go. Returns the ADTS bytes of those frames.
 */
export async function* readFramesAsAdts(request: CopyFramesRequest, audioSpecificConfigHex: string): AsyncGenerator<Buffer> {
  const { file, offsets, sizes, first, count } = request;
  const handle = await open(file, 'r');
  try {
    let i = first;
    const end = Math.min(offsets.length, first + count);
    while (i < end) {
      let j = i + 1;
      let runBytes = sizes[i];
      while (j < end && offsets[j] === offsets[j - 1] + sizes[j - 1] && runBytes < 1 << 20) {
        runBytes += sizes[j];
        j++;
      }
      const run = Buffer.alloc(runBytes);
      const { bytesRead } = await handle.read(run, 0, runBytes, offsets[i]);
      if (bytesRead !== runBytes) throw new RangeError(`${file}: audio frames at byte ${offsets[i]} are cut short`);
      const parts: Buffer[] = [];
      let at = 0;
      for (let k = i; k < j; k++) {
        parts.push(adtsHeader(audioSpecificConfigHex, sizes[k]), run.subarray(at, at + sizes[k]));
        at += sizes[k];
      }
      yield Buffer.concat(parts);
      i = j;
    }
  } finally {
    await handle.close();
  }
}
