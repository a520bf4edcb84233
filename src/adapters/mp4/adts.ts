import { closeSync, openSync, readSync } from 'node:fs';
import { parseAudioSpecificConfig } from './sample-descriptions.ts';

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

/** How many ADTS bytes are gathered before they are handed on. */
const OUTPUT_BATCH_BYTES = 256 * 1024;

/**
 * Copies AAC frames out of an MP4 by their sample-table positions, as ADTS. Muxers interleave a
 * couple of audio frames between video frames; each run of adjacent frames is read with one
 * synchronous pread (thousands per chunk, but microseconds each from the page cache, where
 * promise-based reads cost a thread-pool round trip each). Yields the ADTS bytes in order.
 */
export async function* readFramesAsAdts(request: CopyFramesRequest, audioSpecificConfigHex: string): AsyncGenerator<Buffer> {
  const { file, offsets, sizes, first, count } = request;
  const header = adtsHeader(audioSpecificConfigHex, 0);
  const fd = openSync(file, 'r');
  try {
    const end = Math.min(offsets.length, first + count);
    let out = Buffer.allocUnsafe(OUTPUT_BATCH_BYTES);
    let at = 0;
    let run = Buffer.allocUnsafe(64 * 1024);
    let i = first;
    while (i < end) {
      let j = i + 1;
      let runBytes = sizes[i];
      while (j < end && offsets[j] === offsets[j - 1] + sizes[j - 1]) runBytes += sizes[j++];
      if (run.length < runBytes) run = Buffer.allocUnsafe(runBytes);
      if (readSync(fd, run, 0, runBytes, offsets[i]) !== runBytes) throw new RangeError(`${file}: audio frames at byte ${offsets[i]} are cut short`);
      const adtsBytes = runBytes + 7 * (j - i);
      if (at + adtsBytes > out.length) {
        if (at > 0) yield out.subarray(0, at);
        out = Buffer.allocUnsafe(Math.max(OUTPUT_BATCH_BYTES, adtsBytes));
        at = 0;
      }
      let from = 0;
      for (let k = i; k < j; k++) {
        const length = sizes[k] + 7;
        header.copy(out, at);
        out[at + 3] = (header[3] & 0xfc) | (length >> 11);
        out[at + 4] = (length >> 3) & 0xff;
        out[at + 5] = ((length & 7) << 5) | 0x1f;
        run.copy(out, at + 7, from, from + sizes[k]);
        from += sizes[k];
        at += length;
      }
      i = j;
    }
    if (at > 0) yield out.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}
