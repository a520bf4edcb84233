import type { EditEntry, Presentation, PresentedSpan, SampleTable } from '../../types/mp4.ts';

/** The media's composition extent: first composition time and the end of the latest sample. */
export function compositionExtent(samples: SampleTable): { start: number; end: number } {
  if (samples.count === 0) return { start: 0, end: 0 };
  let start = Infinity;
  let end = -Infinity;
  for (let i = 0; i < samples.count; i++) {
    const cts = samples.dts[i] + samples.compositionOffsets[i];
    if (cts < start) start = cts;
    if (cts + samples.durations[i] > end) end = cts + samples.durations[i];
  }
  return { start, end };
}

/**
 * Applies the edit list in full (ISO/IEC 14496-12 8.6.6): empty edits delay the track, media_time
 * skips media (B-frame delay, AAC priming), each entry shows a span, a segment_duration of 0 shows
 * the rest of the media (fragmented files cannot know their length). Without an edit list the
 * media plays from composition time 0. Spans are clipped to what the media holds.
 */
export function applyEdits(params: { samples: SampleTable; edits: EditEntry[]; timescale: number; movieTimescale: number }): Presentation {
  const { samples, edits, timescale, movieTimescale } = params;
  const media = compositionExtent(samples);
  const spans: PresentedSpan[] = [];
  if (samples.count === 0) return { startSec: 0, endSec: 0, durationSec: 0, spans, composition: media };
  if (edits.length === 0) {
    const start = Math.max(media.start, 0);
    spans.push({ atSec: start / timescale, mediaStart: start, mediaEnd: media.end });
  }
  // One movie tick in media ticks: the rounding of segment_duration that muxers leave.
  const tick = timescale / movieTimescale;
  let atSec = 0;
  for (const edit of edits) {
    const lengthSec = edit.segmentDuration / movieTimescale;
    if (edit.mediaTime < 0 || edit.rate === 0) {
      atSec += lengthSec;
      continue;
    }
    const available = media.end - edit.mediaTime;
    const exact = edit.segmentDuration === 0 || Math.abs(edit.segmentDuration * tick - available) <= tick;
    const length = exact ? available : Math.min(edit.segmentDuration * tick, available);
    const lead = Math.max(0, media.start - edit.mediaTime);
    const mediaStart = edit.mediaTime + lead;
    const mediaEnd = edit.mediaTime + length;
    if (mediaEnd > mediaStart) spans.push({ atSec: atSec + lead / timescale, mediaStart, mediaEnd });
    // The next entry starts where this one ends in the movie, even where the media ran out before.
    atSec += exact ? Math.max(length, 0) / timescale : lengthSec;
  }
  if (spans.length === 0) return { startSec: atSec, endSec: atSec, durationSec: 0, spans, composition: media };
  const last = spans[spans.length - 1];
  return {
    startSec: spans[0].atSec,
    endSec: last.atSec + (last.mediaEnd - last.mediaStart) / timescale,
    durationSec: spans.reduce((sum, s) => sum + (s.mediaEnd - s.mediaStart) / timescale, 0),
    spans,
    composition: media,
  };
}

/** Where a composition time shows in the movie, seconds: through the span that holds it (or extrapolated from the nearest). */
export function presentationTimeSec(presentation: Presentation, cts: number, timescale: number): number {
  const { spans } = presentation;
  if (spans.length === 0) return cts / timescale;
  let span = spans[0];
  for (const s of spans) {
    if (s.mediaStart <= cts && cts < s.mediaEnd) {
      span = s;
      break;
    }
    if (s.mediaStart <= cts) span = s;
  }
  return span.atSec + (cts - span.mediaStart) / timescale;
}
