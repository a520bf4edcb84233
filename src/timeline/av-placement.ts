/**
 * Where each chunk lands in the joined presentation, from the chunks' presentations alone.
 *
 * Chunk k starts where the earlier chunks' presented lengths (the longer track of each) add up.
 * AAC is the constraint: a copied frame always decodes to `samplesPerFrame` samples, so the audio
 * track is a whole number of frames. Every chunk's frames are placed against the running ideal
 * position (priming dropped at every join but the first, encoded silence where a chunk's sound
 * starts late or ends early), so each join lands within half a frame of where the lengths say and
 * the error never accumulates. The chunk's picture is then placed relative to where its sound
 * actually landed, which keeps picture and sound of every chunk together to the sample.
 */
import type { Mp4Track } from '../types/mp4.ts';

/** What the placement needs of one chunk: its two tracks. */
export interface PlacementChunk {
  video: Mp4Track;
  audio: Mp4Track;
  /** samplesPerFrame of the audio track's sample description. */
  samplesPerFrame: number;
  sampleRate: number;
}

export interface ChunkPlacement {
  /** Where the chunk's own movie time 0 sits in the output, seconds. */
  originSec: number;
  /** Where the summed lengths say it should sit. */
  idealOriginSec: number;
  /** Presented length of the chunk: the later end of its two tracks. */
  lengthSec: number;
  /** First stored audio frame copied (priming frames before it are dropped). */
  firstFrame: number;
  copiedFrames: number;
  /** Encoded silent frames before the copied ones (the chunk's sound starts late) and after (it ends early). */
  leadSilentFrames: number;
  tailSilentFrames: number;
}

export interface Placement {
  sampleRate: number;
  samplesPerFrame: number;
  chunks: ChunkPlacement[];
  /** Audio: the empty edit before the first sample (samples) and the first chunk's priming the edit hides. */
  audioLeadSamples: number;
  audioMediaStartSamples: number;
  /** Samples the output's audio edit presents. */
  audioPresentedSamples: number;
  /** End of the joined presentation, seconds. */
  durationSec: number;
  /** Sum of the chunks' presented lengths: what the output must add up to. */
  idealDurationSec: number;
  /** Largest distance of a chunk's sound (or the end) from where the lengths say, seconds. */
  maxJoinErrorSec: number;
}

/** The one media span a stream copy can follow; a track whose edits cut the media elsewhere cannot be copied as is. */
export function singleSpan(track: Mp4Track): { atSec: number; mediaStart: number; mediaEnd: number } | null {
  const spans = track.presentation.spans;
  if (spans.length !== 1 || track.edits.some((e) => e.mediaTime >= 0 && e.rate !== 1)) return null;
  return spans[0];
}

/** Media time (in samples from the first stored sample) where an audio track's presentation begins. */
function audioMediaStartSamples(chunk: PlacementChunk): number {
  const span = singleSpan(chunk.audio)!;
  const { timescale, samples } = chunk.audio;
  return Math.round(((span.mediaStart - (samples.count ? samples.dts[0] : 0)) * chunk.sampleRate) / timescale);
}

export function placeChunks(chunks: PlacementChunk[]): Placement {
  if (chunks.length === 0) throw new RangeError('placeChunks needs at least one chunk');
  const placer = new ChunkPlacer(chunks[0]);
  for (const chunk of chunks) placer.place(chunk);
  return placer.finish();
}

/**
 * placeChunks one chunk at a time: a chunk's place depends only on the chunks before it, so the
 * thumbnails of the earlier chunks can be decoded while the later ones are still being probed.
 */
export class ChunkPlacer {
  private readonly sr: number;
  private readonly spf: number;
  private readonly audioLeadSamples: number;
  private readonly audioMediaStart: number;
  private readonly placed: ChunkPlacement[] = [];
  /** Stored audio samples of the output track so far. */
  private pos = 0;
  private idealSec = 0;
  private maxError = 0;

  constructor(first: PlacementChunk) {
    this.sr = first.sampleRate;
    this.spf = first.samplesPerFrame;
    this.audioLeadSamples = Math.round(first.audio.presentation.startSec * this.sr);
    this.audioMediaStart = audioMediaStartSamples(first);
  }

  /** Movie position (samples) of stored audio sample `pos` of the output track. */
  private movieOf(pos: number): number {
    return this.audioLeadSamples + pos - this.audioMediaStart;
  }

  place(chunk: PlacementChunk): ChunkPlacement {
    const { sr, spf } = this;
    const index = this.placed.length;
    if (chunk.sampleRate !== sr || chunk.samplesPerFrame !== spf) {
      throw new RangeError(`chunk ${index} has ${chunk.sampleRate} Hz / ${chunk.samplesPerFrame} samples per frame, the first ${sr} / ${spf}`);
    }
    const audio = chunk.audio.presentation;
    const lengthSec = Math.max(chunk.video.presentation.endSec, audio.endSec);
    const mediaStart = audioMediaStartSamples(chunk);
    const firstFrame = index === 0 ? 0 : Math.max(0, Math.round(mediaStart / spf));
    // presented sample 0 of the chunk's sound, counted from the start of its first copied frame
    const residual = mediaStart - firstFrame * spf;
    const idealSoundStart = (this.idealSec + audio.startSec) * sr;
    const leadSilentFrames = index === 0 ? 0 : Math.max(0, Math.round((idealSoundStart - this.movieOf(this.pos) - residual) / spf));
    const soundStart = this.movieOf(this.pos + leadSilentFrames * spf) + residual;
    if (index > 0) this.maxError = Math.max(this.maxError, Math.abs(soundStart - idealSoundStart) / sr);
    const idealEnd = (this.idealSec + lengthSec) * sr;
    const slotFrames = Math.max(leadSilentFrames + 1, Math.round((idealEnd - this.movieOf(this.pos)) / spf));
    const soundFrames = Math.ceil((residual + audio.durationSec * sr) / spf - 1e-9);
    const available = Math.max(0, chunk.audio.samples.count - firstFrame);
    const copiedFrames = Math.max(0, Math.min(available, soundFrames, slotFrames - leadSilentFrames));
    const placement: ChunkPlacement = {
      originSec: soundStart / sr - audio.startSec,
      idealOriginSec: this.idealSec,
      lengthSec,
      firstFrame,
      copiedFrames,
      leadSilentFrames,
      tailSilentFrames: slotFrames - leadSilentFrames - copiedFrames,
    };
    this.pos += slotFrames * spf;
    this.idealSec += lengthSec;
    this.placed.push(placement);
    return placement;
  }

  finish(): Placement {
    const endSamples = this.movieOf(this.pos);
    return {
      sampleRate: this.sr,
      samplesPerFrame: this.spf,
      chunks: this.placed,
      audioLeadSamples: this.audioLeadSamples,
      audioMediaStartSamples: this.audioMediaStart,
      audioPresentedSamples: this.pos - this.audioMediaStart,
      durationSec: endSamples / this.sr,
      idealDurationSec: this.idealSec,
      maxJoinErrorSec: Math.max(this.maxError, Math.abs(endSamples - this.idealSec * this.sr) / this.sr),
    };
  }
}
