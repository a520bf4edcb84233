/** One piece of the output timeline: a span of an input chunk's media, or black frames and silence. */
export type TimelineSegment =
  | { kind: 'media'; input: number; fromSec: number; durationSec: number }
  | { kind: 'filler'; durationSec: number };
