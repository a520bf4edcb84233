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

/** A positional write may write less than asked (it rarely does for files): loop until all is out. */
async function writeFully(handle: FileHandle, bytes: Uint8Array, length: number, position: number): Promise<void> {
  for (let done = 0; done < length; ) done += (await handle.write(bytes, done, length - done, position + done)).bytesWritten;
}

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
  // two sets of buffers: the next block is read and analysed while the previous one is written
  const sets = [0, 1].map(() => ({
    block: Buffer.alloc(BLOCK_FRAMES * frameBytes),
    mono: input.channelFiles ? Array.from({ length: channels }, () => Buffer.alloc(BLOCK_FRAMES * 2)) : [],
    writing: Promise.resolve() as Promise<unknown>,
  }));
  let turn = 0;
  let writeFailure: unknown = null;
  const monoHeader = wavHeader({ ...layout, channels: 1 }, plan.totalFrames * 2);
  let outAt = 0;
  let monoAt = 0;
  const observers = input.observers ?? [];
  let doneFrames = 0;
  try {
    for (const file of input.channelFiles ?? []) channelOuts.push(await open(file, 'w'));
    await writeFully(out, header, header.length, 0);
    outAt = header.length;
    await Promise.all(channelOuts.map((h) => writeFully(h, monoHeader, monoHeader.length, 0)));
    monoAt = monoHeader.length;

    /** The next free buffer set, once its earlier writes are done. */
    const nextSet = async () => {
      const set = sets[turn];
      turn ^= 1;
      await set.writing;
      if (writeFailure) throw writeFailure;
      if (input.signal?.aborted) throw new AbortedError('WAV join aborted');
      return set;
    };
    /** Starts the writes of a filled block (positions are taken now, so order is kept). */
    const emit = (set: (typeof sets)[number], frames: number) => {
      const bytes = frames * frameBytes;
      const view = set.block.subarray(0, bytes);
      hash.update(view);
      const writes: Promise<unknown>[] = [writeFully(out, view, bytes, outAt)];
      outAt += bytes;
      if (channelOuts.length > 0) {
        const samples = new Int16Array(set.block.buffer, set.block.byteOffset, frames * channels);
        for (let c = 0; c < channels; c++) {
          const target = new Int16Array(set.mono[c].buffer, set.mono[c].byteOffset, frames);
          for (let i = 0, at = c; i < frames; i++, at += channels) target[i] = samples[at];
          writes.push(writeFully(channelOuts[c], set.mono[c], frames * 2, monoAt));
        }
        monoAt += frames * 2;
      }
      set.writing = Promise.all(writes).then(
        () => {
          doneFrames += frames;
          input.onProgress?.(doneFrames / Math.max(1, plan.totalFrames));
        },
        (error: unknown) => {
          writeFailure ??= error;
        },
      );
    };

    for (const segment of plan.segments) {
      if (segment.kind === 'silence') {
        for (let left = segment.frames; left > 0; ) {
          const set = await nextSet();
          const frames = Math.min(left, BLOCK_FRAMES);
          set.block.fill(0, 0, frames * frameBytes);
          for (const o of observers) o.silence(frames);
          emit(set, frames);
          left -= frames;
        }
        continue;
      }
      const source = input.chunks[segment.chunk];
      const handle = await open(source.file, 'r');
      try {
        let position = source.dataOffset + segment.fromFrame * frameBytes;
        for (let left = segment.frames; left > 0; ) {
          const set = await nextSet();
          const frames = Math.min(left, BLOCK_FRAMES);
          const { bytesRead } = await handle.read(set.block, 0, frames * frameBytes, position);
          if (bytesRead < frames * frameBytes) throw new InvalidInputError('the WAV data ended early (the file changed while it was read)', { file: source.file });
          const samples = new Int16Array(set.block.buffer, set.block.byteOffset, frames * channels);
          for (const o of observers) o.samples(samples, frames);
          emit(set, frames);
          position += bytesRead;
          left -= frames;
        }
      } finally {
        await handle.close();
      }
    }
    await Promise.all(sets.map((set) => set.writing));
    if (writeFailure) throw writeFailure;
  } finally {
    await Promise.all(sets.map((set) => set.writing));
    await out.close();
    await Promise.all(channelOuts.map((h) => h.close()));
  }
  return { sizeBytes: outAt, sha256: hash.digest('hex'), channelSizes: channelOuts.map(() => monoAt) };
}
