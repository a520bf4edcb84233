import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { AbortedError, InvalidInputError } from '../../errors.ts';
import { wavHeader, type PcmLayout } from './header.ts';
import type { WavJoinPlan } from './join-plan.ts';

/** Sees every sample frame of the output as it is written (peaks, voice activity). */
export interface SampleObserver {
  samples(interleaved: Int16Array, frames: number): void;
  silence(frames: number): void;
}

export interface WriteJoinedWavInput {
  plan: WavJoinPlan;
  /** The chunks' files and where their 16-bit PCM starts, in plan order. */
  chunks: { file: string; dataOffset: number }[];
  layout: PcmLayout;
  outFile: string;
  /** One mono WAV per channel, written alongside (unmixed recordings). */
  channelFiles?: string[];
  observers?: SampleObserver[];
  signal?: AbortSignal;
  onProgress?: (share: number) => void;
}

const BLOCK_FRAMES = 16384;

/**
 * Streams the planned segments into one WAV (and the per-channel WAVs): one block of samples in
 * memory at a time, the header written first from the planned length (RF64 past 4 GiB), the
 * SHA-256 computed on the way out so the output is never read back.
 */
export async function writeJoinedWav(input: WriteJoinedWavInput): Promise<{ sizeBytes: number; sha256: string; channelSizes: number[] }> {
  const { plan, layout } = input;
  if (layout.bitsPerSample !== 16) throw new InvalidInputError(`only 16-bit PCM can be joined, this is ${layout.bitsPerSample}-bit`, { file: input.chunks[0]?.file });
  const channels = layout.channels;
  const frameBytes = channels * 2;
  const dataBytes = plan.totalFrames * frameBytes;
  const header = wavHeader(layout, dataBytes);
  const hash = createHash('sha256').update(header);
  const out = await open(input.outFile, 'w');
  const channelOuts: FileHandle[] = [];
  const block = Buffer.alloc(BLOCK_FRAMES * frameBytes);
  const mono = input.channelFiles ? Array.from({ length: channels }, () => Buffer.alloc(BLOCK_FRAMES * 2)) : [];
  const monoHeader = wavHeader({ ...layout, channels: 1 }, plan.totalFrames * 2);
  let outAt = 0;
  let monoAt = 0;
  const observers = input.observers ?? [];
  let doneFrames = 0;
  try {
    for (const file of input.channelFiles ?? []) channelOuts.push(await open(file, 'w'));
    await out.write(header, 0, header.length, 0);
    outAt = header.length;
    await Promise.all(channelOuts.map((h) => h.write(monoHeader, 0, monoHeader.length, 0)));
    monoAt = monoHeader.length;

    const emit = async (frames: number) => {
      const bytes = frames * frameBytes;
      const view = block.subarray(0, bytes);
      hash.update(view);
      const writes: Promise<unknown>[] = [out.write(view, 0, bytes, outAt)];
      outAt += bytes;
      if (channelOuts.length > 0) {
        const samples = new Int16Array(block.buffer, block.byteOffset, frames * channels);
        for (let c = 0; c < channels; c++) {
          const target = new Int16Array(mono[c].buffer, mono[c].byteOffset, frames);
          for (let i = 0, at = c; i < frames; i++, at += channels) target[i] = samples[at];
          writes.push(channelOuts[c].write(mono[c], 0, frames * 2, monoAt));
        }
        monoAt += frames * 2;
      }
      await Promise.all(writes);
      doneFrames += frames;
      input.onProgress?.(doneFrames / Math.max(1, plan.totalFrames));
    };

    for (const segment of plan.segments) {
      if (input.signal?.aborted) throw new AbortedError('WAV join aborted');
      if (segment.kind === 'silence') {
        block.fill(0);
        for (let left = segment.frames; left > 0; ) {
          const frames = Math.min(left, BLOCK_FRAMES);
          for (const o of observers) o.silence(frames);
          await emit(frames);
          left -= frames;
        }
        continue;
      }
      const source = input.chunks[segment.chunk];
      const handle = await open(source.file, 'r');
      try {
        let position = source.dataOffset + segment.fromFrame * frameBytes;
        for (let left = segment.frames; left > 0; ) {
          if (input.signal?.aborted) throw new AbortedError('WAV join aborted');
          const frames = Math.min(left, BLOCK_FRAMES);
          const { bytesRead } = await handle.read(block, 0, frames * frameBytes, position);
          if (bytesRead < frames * frameBytes) throw new InvalidInputError('the WAV data ended early (the file changed while it was read)', { file: source.file });
          const samples = new Int16Array(block.buffer, block.byteOffset, frames * channels);
          for (const o of observers) o.samples(samples, frames);
          await emit(frames);
          position += bytesRead;
          left -= frames;
        }
      } finally {
        await handle.close();
      }
    }
  } finally {
    await out.close();
    await Promise.all(channelOuts.map((h) => h.close()));
  }
  return { sizeBytes: outAt, sha256: hash.digest('hex'), channelSizes: channelOuts.map(() => monoAt) };
}
