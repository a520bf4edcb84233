/**
 * Voice activity of one channel: an energy detector with hangover, fed sample by sample as the
 * recording streams past (state is a few numbers; memory grows only with the number of spans).
 * Parameters and their reasons: docs/audio.md.
 */

export interface VoiceActivityParameters {
  /** Analysis frame. */
  frameMs: number;
  /** A frame is speech when its level is this far above the channel's noise floor ... */
  marginDb: number;
  /** ... and above this absolute level (dBFS), so a silent channel's dither is never speech. */
  absoluteThresholdDb: number;
  /** How fast the noise floor estimate may rise (it falls at once to any quieter frame). */
  floorRiseDbPerSec: number;
  /** Speech continues this long after the last loud frame (bridges gaps between syllables). */
  hangoverMs: number;
  /** Loud stretches shorter than this (clicks, a door) are not speech. */
  minSpeechMs: number;
  /** The noise floor starts at the quietest frame of this opening stretch, so speech from 0 ms is heard. */
  warmupMs: number;
}

export const DEFAULT_VOICE_ACTIVITY: VoiceActivityParameters = {
  frameMs: 20,
  marginDb: 12,
  absoluteThresholdDb: -45,
  floorRiseDbPerSec: 1,
  hangoverMs: 200,
  minSpeechMs: 100,
  warmupMs: 1000,
};

/** A span in sample frames from the channel's start. */
export interface SampleSpan {
  startFrame: number;
  frames: number;
}

const SILENCE_DB = -100;

export class VoiceActivityDetector {
  readonly spans: SampleSpan[] = [];
  private readonly frameLength: number;
  private readonly hangoverFrames: number;
  private readonly minSpeechFrames: number;
  private readonly floorRisePerFrame: number;
  private sumSquares = 0;
  private inFrame = 0;
  private frameIndex = 0;
  private noiseFloorDb = SILENCE_DB;
  /** Levels of the opening frames, held until the floor is known; null after. */
  private warmup: number[] | null = [];
  private readonly warmupFrames: number;
  /** Open span: first and last loud frame, or -1. */
  private firstLoud = -1;
  private lastLoud = -1;

  constructor(
    readonly sampleRate: number,
    private readonly parameters: VoiceActivityParameters = DEFAULT_VOICE_ACTIVITY,
  ) {
    this.frameLength = Math.max(1, Math.round((sampleRate * parameters.frameMs) / 1000));
    const frameSec = this.frameLength / sampleRate;
    this.hangoverFrames = Math.round(parameters.hangoverMs / 1000 / frameSec);
    this.minSpeechFrames = Math.max(1, Math.round(parameters.minSpeechMs / 1000 / frameSec));
    this.floorRisePerFrame = parameters.floorRiseDbPerSec * frameSec;
    this.warmupFrames = Math.max(1, Math.round(parameters.warmupMs / 1000 / frameSec));
  }

  /** Feeds `count` 16-bit samples read from `samples[offset + i * stride]`. */
  push(samples: Int16Array, offset: number, stride: number, count: number): void {
    let sum = this.sumSquares;
    let inFrame = this.inFrame;
    const frameLength = this.frameLength;
    for (let i = 0, at = offset; i < count; i++, at += stride) {
      const v = samples[at];
      sum += v * v;
      if (++inFrame === frameLength) {
        this.endFrame(sum / frameLength);
        sum = 0;
        inFrame = 0;
      }
    }
    this.sumSquares = sum;
    this.inFrame = inFrame;
  }

  /** Feeds `count` samples of digital silence. */
  pushSilence(count: number): void {
    let remaining = count;
    while (remaining > 0) {
      const take = Math.min(remaining, this.frameLength - this.inFrame);
      this.inFrame += take;
      remaining -= take;
      if (this.inFrame === this.frameLength) {
        this.endFrame(this.sumSquares / this.frameLength);
        this.sumSquares = 0;
        this.inFrame = 0;
      }
    }
  }

  /** Closes the last frame and span; returns the spans, clipped to `totalFrames` samples. */
  finish(totalFrames: number): SampleSpan[] {
    if (this.inFrame > 0) this.endFrame(this.sumSquares / this.inFrame);
    this.inFrame = 0;
    this.endWarmup();
    this.closeSpan();
    for (const span of this.spans) span.frames = Math.max(0, Math.min(span.frames, totalFrames - span.startFrame));
    return this.spans;
  }

  private endFrame(meanSquare: number): void {
    const rms = Math.sqrt(meanSquare) / 32768;
    const db = rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB;
    if (!this.warmup) return this.classify(db);
    this.warmup.push(db);
    if (this.warmup.length >= this.warmupFrames) this.endWarmup();
  }

  /** A floor taken from the first frame alone would be the speaker's level when someone talks from 0 ms. */
  private endWarmup(): void {
    if (!this.warmup) return;
    const levels = this.warmup;
    this.warmup = null;
    this.noiseFloorDb = levels.reduce((min, db) => Math.min(min, db), Infinity);
    for (const db of levels) this.classify(db);
  }

  private classify(db: number): void {
    if (db < this.noiseFloorDb) this.noiseFloorDb = db;
    else this.noiseFloorDb += this.floorRisePerFrame;
    const loud = db >= this.noiseFloorDb + this.parameters.marginDb && db >= this.parameters.absoluteThresholdDb;
    const frame = this.frameIndex++;
    if (loud) {
      if (this.firstLoud < 0) this.firstLoud = frame;
      this.lastLoud = frame;
    } else if (this.firstLoud >= 0 && frame - this.lastLoud > this.hangoverFrames) {
      this.closeSpan();
    }
  }

  private closeSpan(): void {
    if (this.firstLoud < 0) return;
    const loudFrames = this.lastLoud - this.firstLoud + 1;
    if (loudFrames >= this.minSpeechFrames) {
      const endFrame = Math.min(this.frameIndex, this.lastLoud + 1 + this.hangoverFrames);
      this.spans.push({ startFrame: this.firstLoud * this.frameLength, frames: (endFrame - this.firstLoud) * this.frameLength });
    }
    this.firstLoud = -1;
    this.lastLoud = -1;
  }
}

/** Spans in milliseconds, as the manifest gives them; `speechMs` is their sum. */
export function speechInMs(spans: SampleSpan[], sampleRate: number, offsetFrames = 0): { speech: { mediaOffsetMs: number; durationMs: number }[]; speechMs: number } {
  const speech = spans
    .filter((s) => s.frames > 0)
    .map((s) => {
      const startMs = Math.round(((s.startFrame + offsetFrames) * 1000) / sampleRate);
      const endMs = Math.round(((s.startFrame + offsetFrames + s.frames) * 1000) / sampleRate);
      return { mediaOffsetMs: startMs, durationMs: endMs - startMs };
    });
  return { speech, speechMs: speech.reduce((sum, s) => sum + s.durationMs, 0) };
}
