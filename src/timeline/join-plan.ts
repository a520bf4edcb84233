/**
 * Plans a sample-accurate join of AAC chunks without re-encoding.
 *
 * An AAC frame always decodes to 1024 samples, so a copied chunk can only occupy a whole number of
 * frames. Each chunk's encoder priming frames are dropped (the first chunk's stay, hidden by the
 * output's edit list) and its frame count is rounded against the running ideal position, so the
 * placement error stays under half a frame (32 ms at 16 kHz) and never accumulates. Video is then
 * placed on that same audio grid, which keeps every chunk's picture and sound exactly together.
 */
export interface JoinChunkInput {
  /** Presentation length of the video track, seconds. */
  videoDurationSec: number;
  sampleRate: number;
  samplesPerFrame: number;
  primingSamples: number;
  /** Audio samples the chunk's edit list presents. */
  presentedSamples: number;
  /** AAC frames stored in the chunk, priming included. */
  frameCount: number;
}

export interface JoinChunkPlan {
  /** First stored frame to copy. */
  firstFrame: number;
  /** Frames copied (after firstFrame). */
  copiedFrames: number;
  /** Encoded silent frames appended where the video outlasts the sound. */
  silentFrames: number;
  /** Where the chunk starts in the joined media, in audio samples (priming excluded). */
  offsetSamples: number;
  /** Slot the chunk occupies, in samples; its video is placed on it. */
  slotSamples: number;
  /** The chunk's own length: the longer of its tracks, in seconds. */
  mediaDurationSec: number;
  /** Where the summed durations say the chunk should start, in samples. */
  idealOffsetSamples: number;
}

export interface JoinPlan {
  sampleRate: number;
  /** Priming frames of the first chunk, kept and hidden by the output's edit list. */
  leadingPrimingSamples: number;
  chunks: JoinChunkPlan[];
  totalSamples: number;
  /** Largest distance of a chunk start from its ideal position, in samples. */
  maxPlacementErrorSamples: number;
}

export function planJoins(chunks: JoinChunkInput[]): JoinPlan {
  if (chunks.length === 0) throw new RangeError('planJoins needs at least one chunk');
  const { sampleRate, samplesPerFrame } = chunks[0];
  let position = 0;
  let ideal = 0;
  let maxError = 0;
  const plans = chunks.map((chunk, index) => {
    if (chunk.sampleRate !== sampleRate || chunk.samplesPerFrame !== samplesPerFrame) {
      throw new RangeError(`chunk ${index} has ${chunk.sampleRate} Hz / ${chunk.samplesPerFrame} samples per frame, the first ${sampleRate} / ${samplesPerFrame}`);
    }
    const primingFrames = Math.round(chunk.primingSamples / samplesPerFrame);
    const availableFrames = Math.max(0, chunk.frameCount - primingFrames);
    const mediaDurationSec = Math.max(chunk.videoDurationSec, chunk.presentedSamples / sampleRate);
    const idealOffsetSamples = Math.round(ideal);
    maxError = Math.max(maxError, Math.abs(position - idealOffsetSamples));
    ideal += mediaDurationSec * sampleRate;
    const wantedFrames = Math.max(1, Math.round((ideal - position) / samplesPerFrame));
    const copiedFrames = Math.min(availableFrames, wantedFrames);
    const plan: JoinChunkPlan = {
      firstFrame: index === 0 ? 0 : primingFrames,
      copiedFrames: index === 0 ? copiedFrames + primingFrames : copiedFrames,
      silentFrames: wantedFrames - copiedFrames,
      offsetSamples: position,
      slotSamples: wantedFrames * samplesPerFrame,
      mediaDurationSec,
      idealOffsetSamples,
    };
    position += plan.slotSamples;
    return plan;
  });
  maxError = Math.max(maxError, Math.abs(position - Math.round(ideal)));
  return {
    sampleRate,
    leadingPrimingSamples: Math.round(chunks[0].primingSamples / samplesPerFrame) * samplesPerFrame,
    chunks: plans,
    totalSamples: position,
    maxPlacementErrorSamples: maxError,
  };
}
