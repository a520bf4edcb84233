import type { ReportManifest } from './report-manifest.ts';
import type { MediaSpan, TimelineLayout } from './timeline.ts';

/** A stretch of one participant's speech on the wall clock; a span that a pause cut splits is two bars. */
export interface SpeechBar {
  mediaOffsetMs: number;
  mediaEndMs: number;
  wallStartMs: number;
  wallEndMs: number;
  leftPct: number;
  widthPct: number;
}

export interface SpeechLane {
  channel: number;
  participantId: string | null;
  speechMs: number;
  bars: SpeechBar[];
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1e6) / 1e4 : 0);

/** The wall-clock pieces of a media interval: one per stretch of media that plays without a jump. */
export function wallPieces(spans: readonly MediaSpan[], startMs: number, endMs: number): { mediaStartMs: number; mediaEndMs: number; wallStartMs: number }[] {
  const pieces = [];
  for (const span of spans) {
    const from = Math.max(startMs, span.mediaStartMs);
    const to = Math.min(endMs, span.mediaEndMs);
    if (to > from) pieces.push({ mediaStartMs: from, mediaEndMs: to, wallStartMs: span.wallStartMs + (from - span.mediaStartMs) });
  }
  return pieces;
}

/** One lane per channel of an unmixed recording, its speech placed like the chunks and pauses. */
export function layoutSpeechLanes(manifest: ReportManifest, layout: TimelineLayout): SpeechLane[] {
  return [...(manifest.channels ?? [])]
    .sort((a, b) => a.channel - b.channel)
    .map((c) => ({
      channel: c.channel,
      participantId: c.participantId,
      speechMs: c.speechMs,
      bars: c.speech.flatMap((s) =>
        wallPieces(layout.mediaSpans, s.mediaOffsetMs, s.mediaOffsetMs + s.durationMs).map((p) => {
          const wallEndMs = p.wallStartMs + (p.mediaEndMs - p.mediaStartMs);
          return { mediaOffsetMs: p.mediaStartMs, mediaEndMs: p.mediaEndMs, wallStartMs: p.wallStartMs, wallEndMs, leftPct: pct(p.wallStartMs, layout.totalMs), widthPct: pct(wallEndMs - p.wallStartMs, layout.totalMs) };
        }),
      ),
    }));
}
