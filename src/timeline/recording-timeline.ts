/**
 * Maps between wall-clock time and media time. A paused span is absent from the chunk's media, so
 * the media jumps forward in wall-clock time at the pause's position; with fill-pauses, pauses and
 * gaps between chunks become filler and media time equals wall-clock time.
 */
import type { TimelineSegment } from '../types/timeline.ts';

export interface TimelineChunk {
  index: number;
  startMs: number;
  mediaDurationSec: number;
  pauses: { startMs: number; durationMs: number }[];
}

/** A chunk on the timeline, from its metadata document and its measured media length. */
export function timelineChunkOf(metadata: { chunkIndex: number; chunkStartTime: string; pauseResumeIntervals: { startTime: string; duration: number }[] }, mediaDurationSec: number): TimelineChunk {
  return {
    index: metadata.chunkIndex,
    startMs: Date.parse(metadata.chunkStartTime),
    mediaDurationSec,
    pauses: metadata.pauseResumeIntervals.map((p) => ({ startMs: Date.parse(p.startTime), durationMs: p.duration })),
  };
}

export interface PlacedPause {
  chunkIndex: number;
  startMs: number;
  durationMs: number;
  mediaOffsetSec: number;
  /** Where in the chunk's own media the pause sits, seconds. */
  localSec: number;
}

export interface RecordingTimeline {
  recordingStartMs: number;
  wallClockDurationMs: number;
  chunkOffsetsSec: number[];
  pauses: PlacedPause[];
  warnings: string[];
}

const JOIN_TOLERANCE_MS = 500;

/** Pause positions inside one chunk's media, in order. */
export function localPausePositions(chunk: TimelineChunk): { startMs: number; durationMs: number; localSec: number }[] {
  let pausedBefore = 0;
  return [...chunk.pauses]
    .sort((a, b) => a.startMs - b.startMs)
    .map((pause) => {
      const localMs = pause.startMs - chunk.startMs - pausedBefore;
      pausedBefore += pause.durationMs;
      return { ...pause, localSec: Math.min(chunk.mediaDurationSec, Math.max(0, localMs / 1000)) };
    });
}

function chunkWallEndMs(chunk: TimelineChunk): number {
  return chunk.startMs + chunk.mediaDurationSec * 1000 + chunk.pauses.reduce((sum, p) => sum + p.durationMs, 0);
}

/** Places chunks and pauses given each chunk's offset in the joined media. */
export function buildTimeline(chunks: TimelineChunk[], chunkOffsetsSec: number[]): RecordingTimeline {
  const recordingStartMs = Math.min(...chunks.map((c) => c.startMs));
  const warnings: string[] = [];
  const pauses: PlacedPause[] = [];
  chunks.forEach((chunk, i) => {
    for (const pause of localPausePositions(chunk)) {
      pauses.push({ chunkIndex: chunk.index, startMs: pause.startMs, durationMs: pause.durationMs, localSec: pause.localSec, mediaOffsetSec: chunkOffsetsSec[i] + pause.localSec });
    }
    const previous = chunks[i - 1];
    if (previous) {
      const gapMs = chunk.startMs - chunkWallEndMs(previous);
      if (Math.abs(gapMs) > JOIN_TOLERANCE_MS) {
        warnings.push(
          `chunk ${chunk.index} starts ${Math.round(Math.abs(gapMs))} ms ${gapMs > 0 ? 'after' : 'before'} chunk ${previous.index} ends (its start time plus media and pauses)`,
        );
      }
    }
  });
  const endMs = Math.max(...chunks.map(chunkWallEndMs));
  return { recordingStartMs, wallClockDurationMs: Math.round(endMs - recordingStartMs), chunkOffsetsSec, pauses, warnings };
}

/** The wall-clock instant (epoch ms) shown at a media time. */
export function mediaTimeToWallMs(timeline: RecordingTimeline, chunks: TimelineChunk[], mediaSec: number): number {
  let i = chunks.length - 1;
  while (i > 0 && timeline.chunkOffsetsSec[i] > mediaSec) i--;
  const local = mediaSec - timeline.chunkOffsetsSec[i];
  const pausedBefore = timeline.pauses
    .filter((p) => p.chunkIndex === chunks[i].index && p.localSec <= local)
    .reduce((sum, p) => sum + p.durationMs, 0);
  return chunks[i].startMs + local * 1000 + pausedBefore;
}

/**
 * The segments of a filled recording: each chunk's media cut at its pauses, black filler for the
 * pauses and for gaps between chunks, so every offset equals the wall-clock offset.
 */
export function filledSegments(chunks: TimelineChunk[]): { segments: TimelineSegment[]; chunkOffsetsSec: number[]; warnings: string[] } {
  const segments: TimelineSegment[] = [];
  const chunkOffsetsSec: number[] = [];
  const warnings: string[] = [];
  const recordingStartMs = Math.min(...chunks.map((c) => c.startMs));
  let cursorSec = 0;
  chunks.forEach((chunk, input) => {
    const gapSec = (chunk.startMs - recordingStartMs) / 1000 - cursorSec;
    if (gapSec > 0.001) {
      segments.push({ kind: 'filler', durationSec: gapSec });
      cursorSec += gapSec;
    } else if (gapSec < -0.001) {
      warnings.push(`chunk ${chunk.index} overlaps the previous chunk by ${Math.round(-gapSec * 1000)} ms; it follows it directly`);
    }
    chunkOffsetsSec.push(cursorSec);
    let fromSec = 0;
    for (const pause of localPausePositions(chunk)) {
      if (pause.localSec > fromSec) segments.push({ kind: 'media', input, fromSec, durationSec: pause.localSec - fromSec });
      cursorSec += pause.localSec - fromSec;
      fromSec = pause.localSec;
      segments.push({ kind: 'filler', durationSec: pause.durationMs / 1000 });
      cursorSec += pause.durationMs / 1000;
    }
    if (chunk.mediaDurationSec > fromSec) segments.push({ kind: 'media', input, fromSec, durationSec: chunk.mediaDurationSec - fromSec });
    cursorSec += chunk.mediaDurationSec - fromSec;
  });
  return { segments, chunkOffsetsSec, warnings };
}
