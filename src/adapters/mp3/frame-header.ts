/**
 * MPEG audio frame headers (ISO 11172-3, 13818-3 and the unofficial MPEG-2.5): the 4 bytes that
 * start every frame. Only Layer III is accepted; everything else gets a reason saying why not.
 */
export type MpegVersion = '1' | '2' | '2.5';

export interface FrameHeader {
  version: MpegVersion;
  /** Whether a 16-bit CRC follows the header. */
  protected: boolean;
  bitrateKbps: number;
  sampleRate: number;
  padding: boolean;
  channelMode: 'stereo' | 'joint-stereo' | 'dual-channel' | 'mono';
  channels: 1 | 2;
  samplesPerFrame: 1152 | 576;
  /** Whole frame, header included. */
  frameSize: number;
  /** Layer III side information: 32/17 bytes (MPEG-1 stereo/mono), 17/9 (MPEG-2 and 2.5). */
  sideInfoSize: number;
}

export type HeaderResult = { ok: true; header: FrameHeader } | { ok: false; reason: string };

const VERSIONS: (MpegVersion | null)[] = ['2.5', null, '2', '1'];
const LAYERS = [null, 'III', 'II', 'I'] as const;
const MODES = ['stereo', 'joint-stereo', 'dual-channel', 'mono'] as const;
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<MpegVersion, number[]> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
};

/** Whether the 11-bit frame sync is at `offset`. */
export function hasFrameSync(bytes: Uint8Array, offset: number): boolean {
  return bytes[offset] === 0xff && (bytes[offset + 1] & 0xe0) === 0xe0;
}

/** Parses the header at `offset`; needs 4 bytes there. */
export function parseFrameHeader(bytes: Uint8Array, offset = 0): HeaderResult {
  if (offset + 4 > bytes.length) return { ok: false, reason: 'fewer than 4 bytes left for a frame header' };
  if (!hasFrameSync(bytes, offset)) return { ok: false, reason: 'no frame sync' };
  const b1 = bytes[offset + 1];
  const b2 = bytes[offset + 2];
  const b3 = bytes[offset + 3];
  const version = VERSIONS[(b1 >> 3) & 3];
  if (version === null) return { ok: false, reason: 'reserved MPEG version' };
  const layer = LAYERS[(b1 >> 1) & 3];
  if (layer === null) return { ok: false, reason: 'reserved layer' };
  if (layer !== 'III') return { ok: false, reason: `MPEG-${version} Layer ${layer} audio, not MP3 (Layer III)` };
  const bitrateIndex = b2 >> 4;
  if (bitrateIndex === 0) return { ok: false, reason: 'free-format bitrate (bitrate index 0) is not supported' };
  if (bitrateIndex === 15) return { ok: false, reason: 'invalid bitrate index 15' };
  const rateIndex = (b2 >> 2) & 3;
  if (rateIndex === 3) return { ok: false, reason: 'reserved sample rate index' };
  const bitrateKbps = (version === '1' ? BITRATES_V1 : BITRATES_V2)[bitrateIndex];
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const padding = (b2 & 2) !== 0;
  const channelMode = MODES[b3 >> 6];
  const channels = channelMode === 'mono' ? 1 : 2;
  const samplesPerFrame = version === '1' ? 1152 : 576;
  // Layer III: samplesPerFrame / 8 bytes per bit per second, plus one byte of padding.
  const frameSize = Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0);
  const sideInfoSize = version === '1' ? (channels === 1 ? 17 : 32) : channels === 1 ? 9 : 17;
  return {
    ok: true,
    header: { version, protected: (b1 & 1) === 0, bitrateKbps, sampleRate, padding, channelMode, channels, samplesPerFrame, frameSize, sideInfoSize },
  };
}

/** Whether two headers can belong to one stream (what a resync must confirm). */
export function sameStream(a: FrameHeader, b: FrameHeader): boolean {
  return a.version === b.version && a.sampleRate === b.sampleRate && a.channels === b.channels;
}

/**
 * `main_data_begin`: how many bytes before this header the frame's main data starts (the bit
 * reservoir). 9 bits in MPEG-1, 8 in MPEG-2/2.5; it is the first field of the side information.
 */
export function mainDataBegin(bytes: Uint8Array, offset: number, header: FrameHeader): number {
  const at = offset + 4 + (header.protected ? 2 : 0);
  return header.version === '1' ? (bytes[at] << 1) | (bytes[at + 1] >> 7) : bytes[at];
}

/** Bytes of a frame that carry main data (what later frames may borrow through the reservoir). */
export function mainDataBytes(header: FrameHeader, frameSize = header.frameSize): number {
  return frameSize - 4 - (header.protected ? 2 : 0) - header.sideInfoSize;
}

/**
 * Bytes of main data the frame's own granules use: the sum of their `part2_3_length` fields
 * (ISO 11172-3 2.4.1.7, 13818-3 2.4.1.7), rounded up. What follows it, up to the next frame's
 * main data, is free; a join can hand bytes over to the next frame there.
 */
export function mainDataSize(bytes: Uint8Array, offset: number, header: FrameHeader): number {
  const start = (offset + 4 + (header.protected ? 2 : 0)) * 8;
  const bits = (at: number, n: number) => {
    let value = 0;
    for (let i = 0; i < n; i++) value = (value << 1) | ((bytes[(at + i) >> 3] >> (7 - ((at + i) & 7))) & 1);
    return value;
  };
  const v1 = header.version === '1';
  const mono = header.channels === 1;
  let at = start + (v1 ? 9 + (mono ? 5 : 3) + 4 * header.channels : 8 + (mono ? 1 : 2));
  const granules = v1 ? 2 : 1;
  let total = 0;
  for (let g = 0; g < granules * header.channels; g++) {
    total += bits(at, 12);
    at += v1 ? 59 : 63;
  }
  return Math.ceil(total / 8);
}
