import { open } from 'node:fs/promises';

/** The chunk media formats the service writes (the metadata's `recordingInfo.format`). */
export type MediaFormat = 'mp4' | 'mp3' | 'wav';
export const MEDIA_FORMATS: readonly MediaFormat[] = ['mp4', 'mp3', 'wav'];

export function asMediaFormat(value: unknown): MediaFormat | null {
  const lower = typeof value === 'string' ? value.trim().toLowerCase() : null;
  return MEDIA_FORMATS.find((f) => f === lower) ?? null;
}

/** An MPEG audio Layer III frame header (sync, a defined version, layer III, a usable bitrate and rate). */
export function isMp3FrameHeader(b: Buffer, at = 0): boolean {
  if (b.length < at + 4 || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return false;
  const version = (b[at + 1]! >> 3) & 3;
  const layer = (b[at + 1]! >> 1) & 3;
  const bitrate = b[at + 2]! >> 4;
  const rate = (b[at + 2]! >> 2) & 3;
  return version !== 1 && layer === 1 && bitrate !== 0 && bitrate !== 15 && rate !== 3;
}

/**
 * Whether a downloaded file starts the way its format does: MP4 an `ftyp` box, MP3 an ID3v2 tag
 * followed by a frame (or a frame at once), WAV `RIFF`/`RF64` ... `WAVE`. An HTML error page, an
 * empty body or another format does not. Returns what is wrong, or null.
 */
export async function checkMediaStart(file: string, format: MediaFormat): Promise<string | null> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(12);
    const { bytesRead } = await handle.read(head, 0, 12, 0);
    const bytes = head.subarray(0, bytesRead);
    if (format === 'mp4') return bytes.length >= 8 && bytes.toString('latin1', 4, 8) === 'ftyp' ? null : 'does not start with an MP4 ftyp box';
    if (format === 'wav') {
      return bytes.length >= 12 && ['RIFF', 'RF64'].includes(bytes.toString('latin1', 0, 4)) && bytes.toString('latin1', 8, 12) === 'WAVE' ? null : 'does not start with a RIFF/WAVE header';
    }
    if (bytes.length >= 10 && bytes.toString('latin1', 0, 3) === 'ID3') {
      // ID3v2 size: four 7-bit bytes, excluding the 10-byte header (and a 10-byte footer when flagged)
      const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
      const frameAt = 10 + size + (bytes[5]! & 0x10 ? 10 : 0);
      const frame = Buffer.alloc(4);
      const read = await handle.read(frame, 0, 4, frameAt);
      return read.bytesRead === 4 && isMp3FrameHeader(frame) ? null : 'has an ID3 tag but no MP3 frame after it';
    }
    return isMp3FrameHeader(bytes) ? null : 'does not start with an MP3 frame or ID3 tag';
  } finally {
    await handle.close();
  }
}
