import { filledSegments, type TimelineChunk } from '../../timeline/recording-timeline.ts';

/** A run of the joined recording: sample frames copied from one chunk, or digital silence. */
export type WavSegment = { kind: 'media'; chunk: number; fromFrame: number; frames: number } | { kind: 'silence'; frames: number };

export interface WavJoinPlan {
  segments: WavSegment[];
  /** Where each chunk starts in the output, in sample frames and seconds. */
  chunkOffsetFrames: number[];
  chunkOffsetsSec: number[];
  totalFrames: number;
  warnings: string[];
}

/**
 * Plans a PCM join to the sample. Without filling, the chunks follow each other whole. With
 * `fillPauses`, the timeline's filled segments (the video path's arithmetic) are cut at sample
 * positions rounded from the running wall-clock offset, so no rounding accumulates: every
 * offset in the output is the nearest sample to its wall-clock offset.
 */
export function planWavJoin(options: { chunkFrames: number[]; sampleRate: number; fillPauses: boolean; timelineChunks: TimelineChunk[] }): WavJoinPlan {
  const { chunkFrames, sampleRate } = options;
  if (!options.fillPauses) {
    const chunkOffsetFrames: number[] = [];
    let total = 0;
    for (const frames of chunkFrames) {
      chunkOffsetFrames.push(total);
      total += frames;
    }
    return {
      segments: chunkFrames.map((frames, chunk) => ({ kind: 'media', chunk, fromFrame: 0, frames })),
      chunkOffsetFrames,
      chunkOffsetsSec: chunkOffsetFrames.map((f) => f / sampleRate),
      totalFrames: total,
      warnings: [],
    };
  }
  const filled = filledSegments(options.timelineChunks);
  const segments: WavSegment[] = [];
  const chunkOffsetFrames: number[] = [];
  const consumed = chunkFrames.map(() => 0);
  let cursorSec = 0;
  let written = 0;
  for (const segment of filled.segments) {
    // a chunk starts where the output stands when the cursor reaches its offset
    while (chunkOffsetFrames.length < chunkFrames.length && filled.chunkOffsetsSec[chunkOffsetFrames.length] <= cursorSec + 1e-9) chunkOffsetFrames.push(written);
    cursorSec += segment.durationSec;
    if (segment.kind === 'filler') {
      const frames = Math.round(cursorSec * sampleRate) - written;
      if (frames > 0) segments.push({ kind: 'silence', frames });
      written += Math.max(0, frames);
      continue;
    }
    const chunk = segment.input;
    const isLastOfChunk = segment.fromSec + segment.durationSec >= options.timelineChunks[chunk].mediaDurationSec - 1e-9;
    const endFrame = isLastOfChunk ? chunkFrames[chunk] : Math.min(chunkFrames[chunk], Math.round((segment.fromSec + segment.durationSec) * sampleRate));
    const frames = endFrame - consumed[chunk];
    if (frames > 0) segments.push({ kind: 'media', chunk, fromFrame: consumed[chunk], frames });
    consumed[chunk] = endFrame;
    written += Math.max(0, frames);
  }
  while (chunkOffsetFrames.length < chunkFrames.length) chunkOffsetFrames.push(written);
  return { segments, chunkOffsetFrames, chunkOffsetsSec: chunkOffsetFrames.map((f) => f / sampleRate), totalFrames: written, warnings: filled.warnings };
}
