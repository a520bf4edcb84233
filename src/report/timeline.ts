import type { ReportManifest as Manifest } from './report-manifest.ts';

/** One bar of the wall-clock timeline; offsets in ms from `recordingStartTime`. */
export interface TimelineBar {
  wallStartMs: number;
  wallEndMs: number;
  mediaOffsetMs: number;
  leftPct: number;
  widthPct: number;
}

export interface ChunkBar extends TimelineBar {
  index: number;
  documentId: string;
  endReason: string | null;
}

/** A stretch of `recording.mp4` that plays without a jump in wall-clock time. */
export interface MediaSpan {
  mediaStartMs: number;
  mediaEndMs: number;
  wallStartMs: number;
}

export interface TimelineTick {
  wallOffsetMs: number;
  leftPct: number;
  epochMs: number;
}

export interface TimelineLayout {
  startEpochMs: number;
  totalMs: number;
  /** True when paused spans are in the media as filler (`--fill-pauses`). */
  pausesInMedia: boolean;
  chunks: ChunkBar[];
  pauses: TimelineBar[];
  mediaSpans: MediaSpan[];
  ticks: TimelineTick[];
}

const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800].map((s) => s * 1000);

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1e6) / 1e4 : 0);

/**
 * Places chunks and pauses on the wall clock. A chunk's `durationMs` is the length of its own
 * media, so the pauses inside a chunk add to its wall-clock span (filled or not).
 */
export function layoutTimeline(manifest: Manifest): TimelineLayout {
  const startEpochMs = Date.parse(manifest.recordingStartTime);
  const wallOffset = (instant: string) => Date.parse(instant) - startEpochMs;
  const chunks = [...manifest.chunks].sort((a, b) => a.index - b.index);
  const pauses = [...manifest.pauses].sort((a, b) => wallOffset(a.startTime) - wallOffset(b.startTime));
  const pausesInMedia = detectFilledPauses(manifest, wallOffset);

  const mediaSpans: MediaSpan[] = pausesInMedia ? [{ mediaStartMs: 0, mediaEndMs: manifest.output.durationMs, wallStartMs: 0 }] : [];
  const chunkSpans = chunks.map((chunk, i) => {
    const wallStartMs = wallOffset(chunk.startTime);
    const nextStart = i + 1 < chunks.length ? wallOffset(chunks[i + 1]!.startTime) : Infinity;
    const inside = pauses.filter((p) => wallOffset(p.startTime) >= wallStartMs && wallOffset(p.startTime) < nextStart);
    const wallEndMs = wallStartMs + chunk.durationMs + inside.reduce((sum, p) => sum + p.durationMs, 0);
    if (!pausesInMedia) mediaSpans.push(...skippedPauseSpans(chunk, wallStartMs, inside.map((p) => ({ ...p, wallStartMs: wallOffset(p.startTime) }))));
    return { chunk, wallStartMs, wallEndMs };
  });

  const pauseSpans = pauses.map((p) => ({ pause: p, wallStartMs: wallOffset(p.startTime), wallEndMs: wallOffset(p.startTime) + p.durationMs }));
  const totalMs = Math.max(manifest.wallClockDurationMs, ...chunkSpans.map((c) => c.wallEndMs), ...pauseSpans.map((p) => p.wallEndMs), 0);
  const bar = (wallStartMs: number, wallEndMs: number, mediaOffsetMs: number): TimelineBar => ({
    wallStartMs,
    wallEndMs,
    mediaOffsetMs,
    leftPct: pct(wallStartMs, totalMs),
    widthPct: pct(wallEndMs - wallStartMs, totalMs),
  });

  return {
    startEpochMs,
    totalMs,
    pausesInMedia,
    chunks: chunkSpans.map(({ chunk, wallStartMs, wallEndMs }) => ({
      ...bar(wallStartMs, wallEndMs, chunk.mediaOffsetMs),
      index: chunk.index,
      documentId: chunk.documentId,
      endReason: chunk.endReason,
    })),
    pauses: pauseSpans.map(({ pause, wallStartMs, wallEndMs }) => bar(wallStartMs, wallEndMs, pause.mediaOffsetMs)),
    mediaSpans,
    ticks: timelineTicks(startEpochMs, totalMs),
  };
}

/** The stretches of one chunk's media between the pauses that were cut out of it. */
function skippedPauseSpans(chunk: Manifest['chunks'][number], wallStartMs: number, pauses: { wallStartMs: number; durationMs: number; mediaOffsetMs: number }[]): MediaSpan[] {
  const spans: MediaSpan[] = [];
  const mediaEndMs = chunk.mediaOffsetMs + chunk.durationMs;
  let mediaStartMs = chunk.mediaOffsetMs;
  let spanWallStart = wallStartMs;
  for (const pause of pauses) {
    const at = Math.min(Math.max(pause.mediaOffsetMs, mediaStartMs), mediaEndMs);
    if (at > mediaStartMs) spans.push({ mediaStartMs, mediaEndMs: at, wallStartMs: spanWallStart });
    mediaStartMs = at;
    spanWallStart = pause.wallStartMs + pause.durationMs;
  }
  if (mediaEndMs > mediaStartMs) spans.push({ mediaStartMs, mediaEndMs, wallStartMs: spanWallStart });
  return spans;
}

/**
 * With `--fill-pauses` every media offset equals the wall-clock offset and the media is as long
 * as the call; without, the media is shorter by the paused time. Then media maps to wall clock 1:1.
 */
function detectFilledPauses(manifest: Manifest, wallOffset: (instant: string) => number): boolean {
  if (manifest.pauses.length === 0) return false;
  const aligned = [...manifest.chunks, ...manifest.pauses].every((x) => Math.abs(x.mediaOffsetMs - wallOffset(x.startTime)) <= 1);
  const pausedMs = manifest.pauses.reduce((sum, p) => sum + p.durationMs, 0);
  const media = manifest.output.durationMs;
  return aligned && Math.abs(media - manifest.wallClockDurationMs) < Math.abs(media - (manifest.wallClockDurationMs - pausedMs));
}

/** Round wall-clock instants (on the minute, on the hour...) for the axis, about five of them. */
export function timelineTicks(startEpochMs: number, totalMs: number): TimelineTick[] {
  if (!(totalMs > 0)) return [];
  const step = TICK_STEPS_MS.find((s) => totalMs / s <= 6) ?? TICK_STEPS_MS.at(-1)!;
  const ticks: TimelineTick[] = [];
  for (let epochMs = Math.ceil(startEpochMs / step) * step; epochMs <= startEpochMs + totalMs; epochMs += step) {
    ticks.push({ epochMs, wallOffsetMs: epochMs - startEpochMs, leftPct: pct(epochMs - startEpochMs, totalMs) });
  }
  return ticks;
}

/** Where a media position lies on the wall clock (ms from the recording start). */
export function mediaToWallMs(spans: MediaSpan[], mediaMs: number): number | null {
  const span = spans.find((s) => mediaMs >= s.mediaStartMs && mediaMs < s.mediaEndMs) ?? (spans.at(-1)?.mediaEndMs === mediaMs ? spans.at(-1) : undefined);
  return span ? span.wallStartMs + (mediaMs - span.mediaStartMs) : null;
}
