import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AbortedError, InvalidInputError } from '../../errors.ts';
import type { Mp3JoinPlan } from '../../timeline/mp3-join-plan.ts';
import { buildInfoFrame } from './info-frame.ts';
import type { Mp3Probe } from './probe.ts';

export interface WriteJoinedMp3Args {
  plan: Mp3JoinPlan;
  chunks: Mp3Probe[];
  outFile: string;
  signal?: AbortSignal;
}

export interface WriteJoinedMp3Result {
  sizeBytes: number;
  sha256: string;
  /** Each chunk hashed whole while its frames were copied. */
  sources: { sha256: string; sizeBytes: number }[];
}

const READ_BYTES = 1 << 20;

/**
 * Writes the joined MP3: one Info/LAME tag frame, then the planned frames of each chunk copied
 * byte for byte. Each source is read once, front to back (hashed whole on the way), and the output
 * hashed as it is written; memory stays at a few MB. Written to a temporary sibling, then renamed.
 */
export async function writeJoinedMp3({ plan, chunks, outFile, signal }: WriteJoinedMp3Args): Promise<WriteJoinedMp3Result> {
  if (chunks.length !== plan.chunks.length) throw new RangeError(`plan for ${plan.chunks.length} chunks, ${chunks.length} given`);
  const keptSizes = chunks.map((chunk, k) => chunk.frameSizes.subarray(plan.chunks[k].firstFrame, plan.chunks[k].lastFrame + 1));
  const tagFrame = buildInfoFrame({
    audioHeader: await readBytes(chunks[0].file, chunks[0].frameOffsets[0], 4),
    constantBitrate: isConstantBitrate(keptSizes),
    frameSizes: (function* () {
      for (const sizes of keptSizes) yield* sizes;
    })(),
    frameCount: plan.frameCount,
    audioBytes: plan.audioBytes,
    delaySamples: plan.encoderDelaySamples,
    paddingSamples: plan.encoderPaddingSamples,
    lameTemplate: chunks[0].infoTag?.lame?.raw ?? null,
  });

  const temporary = join(dirname(outFile), `.${basename(outFile)}.${randomBytes(6).toString('hex')}.tmp`);
  const output = await open(temporary, 'wx');
  const outputHash = createHash('sha256');
  let written = 0;
  const write = async (bytes: Uint8Array) => {
    outputHash.update(bytes);
    let done = 0;
    while (done < bytes.length) done += (await output.write(bytes, done, bytes.length - done, written + done)).bytesWritten;
    written += bytes.length;
  };
  try {
    await write(tagFrame);
    const sources: WriteJoinedMp3Result['sources'] = [];
    for (let k = 0; k < chunks.length; k++) {
      const next = k + 1 < chunks.length && plan.chunks[k + 1].handOverBytes > 0 ? await reservoirTail(chunks[k + 1], plan.chunks[k + 1].firstFrame, plan.chunks[k + 1].handOverBytes) : null;
      const last = plan.chunks[k].lastFrame;
      const patch = next && { at: chunks[k].frameOffsets[last] + chunks[k].frameSizes[last] - next.length, bytes: next };
      sources.push(await copyFrames(chunks[k], plan.chunks[k].firstFrame, last, write, signal, patch));
    }
    await output.sync();
    await output.close();
    if (written !== tagFrame.length + plan.audioBytes) throw new Error(`${outFile}: wrote ${written} bytes, planned ${tagFrame.length + plan.audioBytes}`);
    await rename(temporary, outFile);
    return { sizeBytes: written, sha256: outputHash.digest('hex'), sources };
  } catch (error) {
    await output.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Byte ranges of frames first..last, adjacent frames merged (resync junk between frames stays out). */
function frameRanges(chunk: Mp3Probe, first: number, last: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let j = first; j <= last; j++) {
    const start = chunk.frameOffsets[j];
    const end = start + chunk.frameSizes[j];
    const previous = ranges[ranges.length - 1];
    if (previous && previous[1] === start) previous[1] = end;
    else ranges.push([start, end]);
  }
  return ranges;
}

/**
 * The last `length` bytes of the bit reservoir before frame `first`: the payload tails of the
 * frames before it (side information skipped), which the kept frames' main data starts in.
 */
async function reservoirTail(chunk: Mp3Probe, first: number, length: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let missing = length;
  for (let j = first - 1; j >= 0 && missing > 0; j--) {
    const payload = chunk.frameSizes[j] - chunk.sideInfoBytes;
    const take = Math.min(payload, missing);
    parts.unshift(await readBytes(chunk.file, chunk.frameOffsets[j] + chunk.frameSizes[j] - take, take));
    missing -= take;
  }
  if (missing > 0) throw new RangeError(`${chunk.file}: ${length} reservoir bytes asked before frame ${first}, only ${length - missing} there`);
  return Buffer.concat(parts);
}

/** Bytes put over the source's at absolute offset `at` as they are copied (after hashing). */
interface Patch {
  at: number;
  bytes: Buffer;
}

async function copyFrames(chunk: Mp3Probe, first: number, last: number, write: (bytes: Uint8Array) => Promise<void>, signal?: AbortSignal, patch?: Patch | null) {
  const ranges = frameRanges(chunk, first, last);
  const source = await open(chunk.file, 'r');
  try {
    const size = (await source.stat()).size;
    if (size !== chunk.sizeBytes) throw new InvalidInputError(`changed since it was probed (${chunk.sizeBytes} bytes then, ${size} now)`, { file: chunk.file, stage: 'join' });
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    let position = 0;
    let range = 0;
    while (position < size) {
      if (signal?.aborted) throw new AbortedError(`joining MP3: aborted while copying ${chunk.file}`);
      const { bytesRead } = await source.read(buffer, 0, Math.min(READ_BYTES, size - position), position);
      if (bytesRead === 0) throw new InvalidInputError(`ended at byte ${position}, before its ${size} bytes`, { file: chunk.file, stage: 'join' });
      const block = buffer.subarray(0, bytesRead);
      hash.update(block);
      const blockEnd = position + bytesRead;
      if (patch && patch.at < blockEnd && patch.at + patch.bytes.length > position) {
        const from = Math.max(patch.at, position);
        patch.bytes.copy(block, from - position, from - patch.at, Math.min(patch.at + patch.bytes.length, blockEnd) - patch.at);
      }
      while (range < ranges.length && ranges[range][0] < blockEnd) {
        const [start, end] = ranges[range];
        if (start >= position && block[start - position] !== 0xff) {
          throw new InvalidInputError(`no frame header at byte ${start} any more: changed since it was probed`, { file: chunk.file, stage: 'join' });
        }
        await write(block.subarray(Math.max(start, position) - position, Math.min(end, blockEnd) - position));
        if (end > blockEnd) break;
        range++;
      }
      position = blockEnd;
    }
    return { sha256: hash.digest('hex'), sizeBytes: size };
  } finally {
    await source.close();
  }
}

function isConstantBitrate(keptSizes: Uint32Array[]): boolean {
  let min = Infinity;
  let max = 0;
  for (const sizes of keptSizes) for (const size of sizes) [min, max] = [Math.min(min, size), Math.max(max, size)];
  return max - min <= 1; // the padding byte
}

async function readBytes(file: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, offset);
    return buffer;
  } finally {
    await handle.close();
  }
}
