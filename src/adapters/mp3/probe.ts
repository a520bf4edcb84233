import { open } from 'node:fs/promises';
import { InvalidInputError } from '../../errors.ts';
import { id3v2Size, TAIL_BYTES, trailingTagsSize } from './container-tags.ts';
import { FileWindow } from './file-window.ts';
import { mainDataBegin, mainDataSize, parseFrameHeader, sameStream, type FrameHeader, type MpegVersion } from './frame-header.ts';
import { parseInfoTag, type InfoTag } from './info-tag.ts';

export interface Mp3Probe {
  file: string;
  sizeBytes: number;
  version: MpegVersion;
  sampleRate: number;
  channels: number;
  /** 1152 (MPEG-1) or 576 (MPEG-2 and 2.5). */
  samplesPerFrame: number;
  /** Audio frames (not counting a Xing/Info tag frame). */
  frameCount: number;
  /** Byte offset and size of each audio frame. */
  frameOffsets: Float64Array;
  frameSizes: Uint32Array;
  /** Each audio frame's `main_data_begin`: bytes of earlier frames its main data starts in. */
  mainDataBegin: Uint16Array;
  /** Bytes of main data each frame's granules use (part2_3_length), wherever they start. */
  mainDataSizes: Uint16Array;
  /** Bytes before the main data in each frame: header, CRC and side information. */
  sideInfoBytes: number;
  /** From the LAME tag (0 without one). */
  encoderDelaySamples: number;
  encoderPaddingSamples: number;
  /** frameCount * samplesPerFrame - delay - padding: what the chunk decodes to, trimmed. */
  presentedSamples: number;
  durationSec: number;
  /** Average over the audio frames. */
  bitrateKbps: number;
  hasInfoTag: boolean;
  infoTag: InfoTag | null;
  /** Bytes between frames that belonged to no frame chain (skipped by the resync). */
  skippedBytes: number;
}

/** Frames that must follow a header, each where the previous one ends, before it counts as found. */
const CONFIRMING_FRAMES = 3;
/** How far into the file (after an ID3v2 tag) the first frame is looked for. */
const FIRST_FRAME_SEARCH_BYTES = 128 * 1024;
/** Header, CRC and the largest side information (MPEG-1 stereo). */
const SIDE_INFO_READ = 4 + 2 + 32;

/**
 * Reads an MP3's frame headers in one forward pass through a 1 MB window (memory does not grow
 * with the file, apart from the frame tables). Bad input is an InvalidInputError naming the file.
 */
export async function probeMp3(file: string): Promise<Mp3Probe> {
  const fail = (message: string) => new InvalidInputError(message, { file, stage: 'probe' });
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new InvalidInputError(`cannot be read: ${(error as Error).message}`, { file, stage: 'probe', cause: error });
  }
  try {
    const size = (await handle.stat()).size;
    if (size === 0) throw fail('is empty, not an MP3');
    const window = new FileWindow(handle, size);
    let start = 0;
    for (let tag; (tag = id3v2Size(await window.read(start, 10))) > 0; ) start += tag;
    const tailFrom = Math.max(start, size - TAIL_BYTES);
    const end = Math.max(start, size - trailingTagsSize(Buffer.from(await window.read(tailFrom, size - tailFrom))));

    const headerAt = async (offset: number): Promise<FrameHeader | null> => {
      const result = parseFrameHeader(await window.read(offset, 4));
      return result.ok ? result.header : null;
    };
    /** A header there, followed by CONFIRMING_FRAMES more of the same stream, or by the end exactly. */
    const chainAt = async (offset: number, like?: FrameHeader): Promise<FrameHeader | null> => {
      const first = await headerAt(offset);
      if (!first || (like && !sameStream(like, first))) return null;
      let at = offset + first.frameSize;
      for (let n = 0; n < CONFIRMING_FRAMES && at !== end; n++) {
        const next = at < end ? await headerAt(at) : null;
        if (!next || !sameStream(first, next)) return null;
        at += next.frameSize;
      }
      return first;
    };
    const searchChain = async (from: number, until: number, like?: FrameHeader) => {
      for (let at = from; at + 4 <= until; at++) {
        const bytes = await window.read(at, 2);
        if (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) {
          const header = await chainAt(at, like);
          if (header) return { at, header };
        }
      }
      return null;
    };

    const atStart = parseFrameHeader(await window.read(start, 4));
    if (!atStart.ok && /Layer I|free-format/.test(atStart.reason)) throw fail(`${atStart.reason} (frame header at byte ${start})`);
    const found = await searchChain(start, Math.min(end, start + FIRST_FRAME_SEARCH_BYTES));
    if (!found) throw fail(`not an MP3: no MPEG audio Layer III frames found${describeStart(await window.read(start, 64))}`);

    const stream = found.header;
    const tables = new FrameTables(Math.ceil((end - found.at) / Math.max(1, stream.frameSize - 1)) + 16);
    let infoTag: InfoTag | null = null;
    let skippedBytes = found.at - start;
    let offset = found.at;
    while (offset + 4 <= end) {
      if (!window.covers(offset, SIDE_INFO_READ)) await window.read(offset, SIDE_INFO_READ);
      const parsed = parseFrameHeader(window.view(offset, 4));
      if (!parsed.ok || !sameStream(stream, parsed.header)) {
        const resync = await searchChain(offset + 1, end, stream);
        if (!resync) break;
        skippedBytes += resync.at - offset;
        offset = resync.at;
        continue;
      }
      const header = parsed.header;
      if (offset + header.frameSize > end) {
        throw fail(`truncated: frame ${tables.count} at byte ${offset} needs ${header.frameSize} bytes, the file ends ${end - offset} bytes after its start`);
      }
      if (tables.count === 0 && infoTag === null && offset === found.at) {
        infoTag = parseInfoTag(Buffer.from(await window.read(offset, header.frameSize)), header);
        if (infoTag) {
          offset += header.frameSize;
          continue;
        }
        if (!window.covers(offset, SIDE_INFO_READ)) await window.read(offset, SIDE_INFO_READ);
      }
      const sideInfo = window.view(offset, SIDE_INFO_READ);
      tables.push(offset, header.frameSize, mainDataBegin(sideInfo, 0, header), mainDataSize(sideInfo, 0, header));
      offset += header.frameSize;
    }
    if (tables.count === 0) throw fail('holds no MP3 audio frames (only a tag frame)');
    const frameCount = tables.count;
    // Some Xing writers count the tag frame itself; LAME and ffmpeg (which write the extension) do not.
    const countsTagFrame = !infoTag?.lame && infoTag?.frames === frameCount + 1;
    if (infoTag?.frames && infoTag.frames !== frameCount && !countsTagFrame) {
      throw fail(`the ${infoTag.kind} tag counts ${infoTag.frames} audio frames but the file holds ${frameCount} (${frameCount < infoTag.frames ? 'truncated' : 'concatenated'}?)`);
    }
    const delay = infoTag?.lame?.delaySamples ?? 0;
    const padding = infoTag?.lame?.paddingSamples ?? 0;
    const storedSamples = frameCount * stream.samplesPerFrame;
    if (delay + padding >= storedSamples) {
      throw fail(`LAME tag: encoder delay ${delay} + padding ${padding} samples leave nothing of the ${storedSamples} its frames hold`);
    }
    const frameSizes = tables.sizes.slice(0, frameCount);
    const audioBytes = frameSizes.reduce((sum, n) => sum + n, 0);
    const presentedSamples = storedSamples - delay - padding;
    return {
      file,
      sizeBytes: size,
      version: stream.version,
      sampleRate: stream.sampleRate,
      channels: stream.channels,
      samplesPerFrame: stream.samplesPerFrame,
      frameCount,
      frameOffsets: tables.offsets.slice(0, frameCount),
      frameSizes,
      mainDataBegin: tables.mainDataBegin.slice(0, frameCount),
      mainDataSizes: tables.mainDataSizes.slice(0, frameCount),
      sideInfoBytes: 4 + (stream.protected ? 2 : 0) + stream.sideInfoSize,
      encoderDelaySamples: delay,
      encoderPaddingSamples: padding,
      presentedSamples,
      durationSec: presentedSamples / stream.sampleRate,
      bitrateKbps: (audioBytes * 8 * stream.sampleRate) / storedSamples / 1000,
      hasInfoTag: infoTag !== null,
      infoTag,
      skippedBytes,
    };
  } finally {
    await handle.close();
  }
}

function describeStart(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('latin1').trimStart();
  if (/^<(!doctype|html|\?xml|head|body)/i.test(text)) return ' (it starts like an HTML or XML document)';
  if (/^\s*[{[]/.test(text)) return ' (it starts like a JSON document)';
  return ` (it starts with bytes ${Buffer.from(bytes.subarray(0, 8)).toString('hex')})`;
}

/** Growable frame tables (typed arrays: 16 bytes a frame). */
class FrameTables {
  count = 0;
  offsets: Float64Array;
  sizes: Uint32Array;
  mainDataBegin: Uint16Array;
  mainDataSizes: Uint16Array;
  constructor(capacity: number) {
    this.offsets = new Float64Array(capacity);
    this.sizes = new Uint32Array(capacity);
    this.mainDataBegin = new Uint16Array(capacity);
    this.mainDataSizes = new Uint16Array(capacity);
  }
  push(offset: number, size: number, mdb: number, mainData: number): void {
    if (this.count === this.offsets.length) {
      const grow = <T extends Float64Array | Uint32Array | Uint16Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a as never);
        return b;
      };
      this.offsets = grow(this.offsets, (n) => new Float64Array(n));
      this.sizes = grow(this.sizes, (n) => new Uint32Array(n));
      this.mainDataBegin = grow(this.mainDataBegin, (n) => new Uint16Array(n));
      this.mainDataSizes = grow(this.mainDataSizes, (n) => new Uint16Array(n));
    }
    this.offsets[this.count] = offset;
    this.sizes[this.count] = size;
    this.mainDataBegin[this.count] = mdb;
    this.mainDataSizes[this.count] = mainData;
    this.count++;
  }
}
