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

/** Frames further apart than this are read separately; closer ones share one read. */
const READ_WINDOW_BYTES = 1 << 20;

/**
 * Copies AAC frames out of an MP4 by their sample-table positions, as ADTS. Muxers interleave a
 * couple of audio frames between video frames, so reading frame by frame costs one read per few
 * hundred bytes; instead, frames in order within a 1 MB window are fetched with one read and cut
 * out of it (the video bytes in between are read and dropped: a memory copy is far cheaper than a
 * read call). Yields the ADTS bytes of those frames, in order.
 */
export async function* readFramesAsAdts(request: CopyFramesRequest, audioSpecificConfigHex: string): AsyncGenerator<Buffer> {
  const { file, offsets, sizes, first, count } = request;
  const header = adtsHeader(audioSpecificConfigHex, 0);
  const handle = await open(file, 'r');
  try {
    let i = first;
    const end = Math.min(offsets.length, first + count);
    const window = Buffer.allocUnsafe(READ_WINDOW_BYTES);
    while (i < end) {
      const windowStart = offsets[i];
      let j = i + 1;
      let payload = sizes[i];
      while (j < end && offsets[j] >= offsets[j - 1] + sizes[j - 1] && offsets[j] + sizes[j] - windowStart <= READ_WINDOW_BYTES) {
        payload += sizes[j];
        j++;
      }
      const span = offsets[j - 1] + sizes[j - 1] - windowStart;
      const source = span <= READ_WINDOW_BYTES ? window : Buffer.allocUnsafe(span);
      const { bytesRead } = await handle.read(source, 0, span, windowStart);
      if (bytesRead !== span) throw new RangeError(`${file}: audio frames at byte ${windowStart} are cut short`);
      const out = Buffer.allocUnsafe(payload + 7 * (j - i));
      let at = 0;
      for (let k = i; k < j; k++) {
        const length = sizes[k] + 7;
        header.copy(out, at);
        out[at + 3] = (header[3] & 0xfc) | (length >> 11);
        out[at + 4] = (length >> 3) & 0xff;
        out[at + 5] = ((length & 7) << 5) | 0x1f;
        const from = offsets[k] - windowStart;
        source.copy(out, at + 7, from, from + sizes[k]);
        at += length;
      }
      yield out;
      i = j;
    }
  } finally {
    await handle.close();
  }
}
