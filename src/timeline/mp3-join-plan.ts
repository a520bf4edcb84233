import { InvalidInputError } from '../errors.ts';
import type { Mp3Probe } from '../adapters/mp3/probe.ts';

/**
 * Plans a join of MP3 chunks by frame copy, placing each chunk where the earlier chunks' presented
 * lengths (encoder delay and padding removed) add up to.
 *
 * Whole frames only: at each join the frames holding the earlier chunk's padding and the later
 * chunk's encoder delay are dropped, as many as rounding against the running ideal asks, so a
 * chunk starts within half a frame of its ideal position and the error never accumulates. The
 * output keeps the first chunk's delay and the last chunk's padding, which its Info/LAME tag
 * declares. Trailing frames can always go (main data never reaches forward). Leading frames can
 * go when the bytes that kept frames borrow from them through the bit reservoir (`main_data_begin`)
 * fit in the free tail of the earlier chunk's last kept frame, where the writer hands them over.
 */
export type Mp3JoinInput = Pick<
  Mp3Probe,
  'file' | 'sampleRate' | 'channels' | 'samplesPerFrame' | 'frameCount' | 'frameSizes' | 'mainDataBegin' | 'mainDataSizes' | 'sideInfoBytes' | 'encoderDelaySamples' | 'encoderPaddingSamples' | 'presentedSamples'
>;

export interface Mp3JoinChunkPlan {
  /** First and last frame copied (inclusive; indexes into the chunk's audio frames). */
  firstFrame: number;
  lastFrame: number;
  copiedFrames: number;
  /** Where the chunk's first presented sample lands in the joined presentation. */
  offsetSamples: number;
  /** Where the summed presented lengths of the earlier chunks put it. */
  idealOffsetSamples: number;
  /** offsetSamples - idealOffsetSamples. */
  placementErrorSamples: number;
  /** Presented samples of this chunk cut off by the frames dropped at its ends (decoder delay of 529 counted). */
  cutSamples: number;
  /**
   * Bytes that the kept frames borrow from the dropped leading ones: the writer puts the last
   * this many reservoir bytes before `firstFrame` into the free tail of the previous chunk's last
   * kept frame (bytes its own granules do not use).
   */
  handOverBytes: number;
}

export interface Mp3JoinPlan {
  sampleRate: number;
  channels: number;
  samplesPerFrame: number;
  chunks: Mp3JoinChunkPlan[];
  /** Audio frames of the output (its Info tag frame not counted). */
  frameCount: number;
  audioBytes: number;
  /** What the output's LAME tag declares: the first chunk's delay, the last chunk's padding. */
  encoderDelaySamples: number;
  encoderPaddingSamples: number;
  presentedSamples: number;
  /** Sum of the chunks' presented lengths. */
  idealPresentedSamples: number;
  /** Largest |placement error| over the chunk starts and the end, in samples. */
  maxPlacementErrorSamples: number;
}

/** The MP3 decoder's own delay (528 + 1 samples), which decoders add to the LAME tag's delay. */
export const DECODER_DELAY_SAMPLES = 529;
/** The farthest main_data_begin can point back (9 bits, MPEG-1). */
const MAX_RESERVOIR_BYTES = 511;

export function planMp3Join(chunks: Mp3JoinInput[]): Mp3JoinPlan {
  if (chunks.length === 0) throw new RangeError('planMp3Join needs at least one chunk');
  const { sampleRate, channels, samplesPerFrame: spf } = chunks[0];
  chunks.forEach((chunk) => {
    if (chunk.sampleRate !== sampleRate || chunk.channels !== channels || chunk.samplesPerFrame !== spf) {
      throw new InvalidInputError(`MP3 of ${chunk.sampleRate} Hz, ${chunk.channels} channel(s), ${chunk.samplesPerFrame} samples a frame; the first chunk has ${sampleRate} Hz, ${channels}, ${spf}`, { file: chunk.file, stage: 'plan' });
    }
  });
  const d0 = chunks[0].encoderDelaySamples;
  const first = chunks.map(() => 0);
  const last = chunks.map((chunk) => chunk.frameCount - 1);
  const handOver = chunks.map(() => 0);
  let ideal = 0;
  /** Output frames before the current chunk's first kept frame. */
  let framesBefore = 0;
  const ideals: number[] = [];
  for (let k = 0; k < chunks.length; k++) {
    ideals.push(ideal);
    if (k > 0) {
      const prev = chunks[k - 1];
      const chunk = chunks[k];
      // Chunk k's presented start is (framesBefore - first[k]) * spf + delay_k - d0; with nothing
      // dropped framesBefore would be `atJoin`.
      const atJoin = framesBefore + (last[k - 1] - first[k - 1] + 1);
      const wantedBefore = Math.round((ideal + d0 - chunk.encoderDelaySamples) / spf);
      const drop = Math.max(0, Math.min(atJoin - wantedBefore, last[k - 1] - first[k - 1] + chunk.frameCount - 1));
      const split = splitDrop({ prev, chunk, drop, prevKept: last[k - 1] - first[k - 1] + 1 });
      last[k - 1] -= split.trailing;
      first[k] = split.leading;
      handOver[k] = split.handOver;
      framesBefore += last[k - 1] - first[k - 1] + 1;
    }
    ideal += chunks[k].presentedSamples;
  }

  const plans = chunks.map((chunk, k): Mp3JoinChunkPlan => {
    const before = chunks.slice(0, k).reduce((sum, _, j) => sum + last[j] - first[j] + 1, 0);
    const offsetSamples = (before - first[k]) * spf + chunk.encoderDelaySamples - d0;
    return {
      firstFrame: first[k],
      lastFrame: last[k],
      copiedFrames: last[k] - first[k] + 1,
      offsetSamples,
      idealOffsetSamples: ideals[k],
      placementErrorSamples: offsetSamples - ideals[k],
      cutSamples: headCut(chunk, first[k], spf) + (k < chunks.length - 1 ? tailCut(chunk, chunk.frameCount - 1 - last[k], spf) : 0),
      handOverBytes: handOver[k],
    };
  });
  const frameCount = plans.reduce((sum, p) => sum + p.copiedFrames, 0);
  const lastChunk = chunks[chunks.length - 1];
  const presentedSamples = frameCount * spf - d0 - lastChunk.encoderPaddingSamples;
  const errors = [...plans.map((p) => p.placementErrorSamples), presentedSamples - ideal];
  return {
    sampleRate,
    channels,
    samplesPerFrame: spf,
    chunks: plans,
    frameCount,
    audioBytes: chunks.reduce((sum, chunk, k) => sum + chunk.frameSizes.subarray(first[k], last[k] + 1).reduce((a, b) => a + b, 0), 0),
    encoderDelaySamples: d0,
    encoderPaddingSamples: lastChunk.encoderPaddingSamples,
    presentedSamples,
    idealPresentedSamples: ideal,
    maxPlacementErrorSamples: Math.max(...errors.map(Math.abs)),
  };
}

/** Presented samples lost when the first `frames` frames go: those past the delay (encoder + decoder). */
function headCut(chunk: Mp3JoinInput, frames: number, spf: number): number {
  return Math.max(0, frames * spf - chunk.encoderDelaySamples - DECODER_DELAY_SAMPLES);
}

/** Presented samples lost when the last `frames` frames go: the decoder delay shifts padding 529 samples later. */
function tailCut(chunk: Mp3JoinInput, frames: number, spf: number): number {
  return Math.max(0, frames * spf - Math.max(0, chunk.encoderPaddingSamples - DECODER_DELAY_SAMPLES));
}

/**
 * How many of the frames to drop at a join come from the earlier chunk's end and how many from the
 * later chunk's start: the split that cuts the fewest presented samples, among those whose
 * borrowed reservoir bytes fit where they can be handed over; on a tie the earlier chunk's end.
 */
function splitDrop(a: { prev: Mp3JoinInput; chunk: Mp3JoinInput; drop: number; prevKept: number }): { leading: number; trailing: number; handOver: number } {
  const { prev, chunk, drop, prevKept } = a;
  const spf = chunk.samplesPerFrame;
  let best = { leading: 0, trailing: Math.min(drop, prevKept - 1), handOver: 0, cut: Infinity };
  for (let leading = 0; leading <= Math.min(drop, chunk.frameCount - 1); leading++) {
    const trailing = drop - leading;
    if (trailing > prevKept - 1) continue;
    const handOver = borrowedBytes(chunk, leading);
    if (handOver > freeTailBytes(prev, prev.frameCount - 1 - trailing)) continue;
    const cut = headCut(chunk, leading, spf) + tailCut(prev, trailing, spf);
    if (cut < best.cut) best = { leading, trailing, handOver, cut };
  }
  return best;
}

type ReservoirFields = Pick<Mp3JoinInput, 'frameSizes' | 'mainDataBegin' | 'mainDataSizes' | 'sideInfoBytes' | 'frameCount'>;

/** How far before frame `first` the main data of the frames from `first` on starts, in bytes (0: they need nothing earlier). */
export function borrowedBytes(chunk: ReservoirFields, first: number): number {
  let available = 0;
  let borrowed = 0;
  for (let j = first; j < chunk.frameCount && available < MAX_RESERVOIR_BYTES; j++) {
    borrowed = Math.max(borrowed, chunk.mainDataBegin[j] - available);
    available += chunk.frameSizes[j] - chunk.sideInfoBytes;
  }
  return borrowed;
}

/** Whether frames from `first` on decode without the bytes of the frames before it. */
export function reservoirIntact(chunk: ReservoirFields, first: number): boolean {
  return borrowedBytes(chunk, first) === 0;
}

/** Bytes at the end of frame j that no granule up to j uses (only the frame's own payload is counted). */
export function freeTailBytes(chunk: ReservoirFields, j: number): number {
  const payload = chunk.frameSizes[j] - chunk.sideInfoBytes;
  return Math.max(0, Math.min(payload, payload + chunk.mainDataBegin[j] - chunk.mainDataSizes[j]));
}
