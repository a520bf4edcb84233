import { open } from 'node:fs/promises';
import { InvalidInputError } from '../../errors.ts';

/** The `fmt ` chunk of a WAV file, and the name ffmpeg gives its sample encoding. */
export interface WavFormat {
  /** `WAVE_FORMAT_*` tag; for WAVE_FORMAT_EXTENSIBLE, the sub-format's tag. */
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  /** `pcm_s16le`, `pcm_u8`, `pcm_s24le`, `pcm_s32le`, `pcm_f32le`, ... or `wav-format-0x....`. */
  codec: string;
}

export interface WavProbe {
  sizeBytes: number;
  /** `RIFF` or `RF64`. */
  container: 'RIFF' | 'RF64';
  format: WavFormat;
  /** Where the sample bytes start and how many there are. */
  dataOffset: number;
  dataBytes: number;
  /** The data size said 0 or 0xFFFFFFFF (a streaming writer that never went back): data runs to the end of the file. */
  streamingSize: boolean;
  sampleFrames: number;
  durationSec: number;
  /** Chunk ids in file order (`fmt `, `LIST`, `fact`, `data`, ...). */
  chunkIds: string[];
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const STREAMING_SIZES = new Set([0, 0xffffffff]);

export function codecName(formatTag: number, bitsPerSample: number): string {
  if (formatTag === WAVE_FORMAT_PCM) {
    if (bitsPerSample === 8) return 'pcm_u8';
    if ([16, 24, 32].includes(bitsPerSample)) return `pcm_s${bitsPerSample}le`;
  }
  if (formatTag === WAVE_FORMAT_IEEE_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64)) return `pcm_f${bitsPerSample}le`;
  if (formatTag === 0x0006) return 'pcm_alaw';
  if (formatTag === 0x0007) return 'pcm_mulaw';
  return `wav-format-0x${formatTag.toString(16).padStart(4, '0')}`;
}

/** Parses a `fmt ` chunk body (16, 18 or 40 bytes); the extensible sub-format GUID's first two bytes are its tag. */
export function parseFmt(body: Buffer, file: string): WavFormat {
  if (body.length < 16) throw new InvalidInputError(`the fmt chunk is ${body.length} bytes, a WAV needs at least 16`, { file });
  let formatTag = body.readUInt16LE(0);
  const channels = body.readUInt16LE(2);
  const sampleRate = body.readUInt32LE(4);
  const blockAlign = body.readUInt16LE(12);
  const bitsPerSample = body.readUInt16LE(14);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (body.length < 40) throw new InvalidInputError('WAVE_FORMAT_EXTENSIBLE without its 40-byte fmt chunk', { file });
    formatTag = body.readUInt16LE(24);
  }
  if (channels === 0 || sampleRate === 0 || blockAlign === 0) throw new InvalidInputError(`the fmt chunk says ${channels} channels, ${sampleRate} Hz, block ${blockAlign}`, { file });
  return { formatTag, channels, sampleRate, bitsPerSample, blockAlign, codec: codecName(formatTag, bitsPerSample) };
}

/**
 * Reads a WAV's chunk list (headers only, a few small reads): chunks in any order, unknown ones
 * skipped, odd sizes padded, RF64's `ds64` sizes. A data size of 0 or 0xFFFFFFFF means "to the end
 * of the file" (streaming writers); data shorter than its stated size is a truncated file.
 */
export async function probeWav(file: string): Promise<WavProbe> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(`cannot read the media (${error.code})`, { file });
  });
  try {
    const sizeBytes = (await handle.stat()).size;
    if (sizeBytes === 0) throw new InvalidInputError('the media file is empty', { file });
    const read = async (position: number, length: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    };
    const head = await read(0, 12);
    const magic = head.subarray(0, 4).toString('latin1');
    if (head.length < 12 || (magic !== 'RIFF' && magic !== 'RF64') || head.subarray(8, 12).toString('latin1') !== 'WAVE') {
      throw new InvalidInputError('not a WAV file (no RIFF/RF64 WAVE header)', { file });
    }
    const container = magic as 'RIFF' | 'RF64';
    let ds64: { dataBytes: number } | null = null;
    let format: WavFormat | null = null;
    let data: { offset: number; bytes: number; streaming: boolean } | null = null;
    const chunkIds: string[] = [];
    let position = 12;
    while (position + 8 <= sizeBytes) {
      const header = await read(position, 8);
      const id = header.subarray(0, 4).toString('latin1');
      const declared = header.readUInt32LE(4);
      const bodyAt = position + 8;
      chunkIds.push(id);
      if (id === 'ds64') ds64 = { dataBytes: Number((await read(bodyAt, 28)).readBigUInt64LE(8)) };
      if (id === 'fmt ') format = parseFmt(await read(bodyAt, Math.min(declared, 64)), file);
      if (id === 'data') {
        const remaining = sizeBytes - bodyAt;
        const streaming = container === 'RIFF' && STREAMING_SIZES.has(declared);
        const bytes = container === 'RF64' && declared === 0xffffffff && ds64 ? ds64.dataBytes : streaming ? remaining : declared;
        if (bytes > remaining) throw new InvalidInputError(`truncated WAV: the data chunk says ${bytes} bytes, the file holds ${remaining}`, { file });
        data = { offset: bodyAt, bytes, streaming };
        if (streaming) break;
        position = bodyAt + bytes + (bytes % 2);
        continue;
      }
      if (bodyAt + declared > sizeBytes) {
        if (data) break; // trailing metadata cut short after complete samples: the samples are what matter
        throw new InvalidInputError(`truncated WAV: the '${id.replace(/[^\x20-\x7e]/g, '?')}' chunk runs past the end of the file`, { file });
      }
      position = bodyAt + declared + (declared % 2);
    }
    if (!format) throw new InvalidInputError('no fmt chunk in the WAV file', { file });
    if (!data) throw new InvalidInputError('no data chunk in the WAV file', { file });
    const dataBytes = data.bytes - (data.bytes % format.blockAlign);
    const sampleFrames = dataBytes / format.blockAlign;
    return {
      sizeBytes,
      container,
      format,
      dataOffset: data.offset,
      dataBytes,
      streamingSize: data.streaming,
      sampleFrames,
      durationSec: sampleFrames / format.sampleRate,
      chunkIds,
    };
  } finally {
    await handle.close();
  }
}
