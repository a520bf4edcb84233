import { describe, expect, it } from 'vitest';
import { buildTimeline, filledSegments, localPausePositions, mediaTimeToWallMs, type TimelineChunk } from './recording-timeline.ts';

const T0 = Date.parse('2026-11-20T10:00:00Z');
// chunk 0: 10 s of media with a 5 s pause after 4 s of recording; chunk 1 starts when chunk 0 ends
const chunks: TimelineChunk[] = [
  { index: 0, startMs: T0, mediaDurationSec: 10, pauses: [{ startMs: T0 + 4000, durationMs: 5000 }] },
  { index: 1, startMs: T0 + 15000, mediaDurationSec: 6, pauses: [] },
];

describe('recording timeline', () => {
  it('places a pause at its media position', () => {
    expect(localPausePositions(chunks[0])).toEqual([{ startMs: T0 + 4000, durationMs: 5000, localSec: 4 }]);
    const timeline = buildTimeline(chunks, [0, 10]);
    expect(timeline.pauses).toEqual([{ chunkIndex: 0, startMs: T0 + 4000, durationMs: 5000, localSec: 4, mediaOffsetSec: 4 }]);
    expect(timeline.wallClockDurationMs).toBe(21000);
    expect(timeline.warnings).toEqual([]);
  });

  it('counts earlier pauses when placing a later one', () => {
    const twoPauses: TimelineChunk = { index: 0, startMs: T0, mediaDurationSec: 10, pauses: [{ startMs: T0 + 8000, durationMs: 1000 }, { startMs: T0 + 2000, durationMs: 3000 }] };
    // second pause: 8 s of wall clock minus the 3 s paused before it
    expect(localPausePositions(twoPauses).map((p) => p.localSec)).toEqual([2, 5]);
  });

  it('maps media time to wall clock across pauses and chunks', () => {
    const timeline = buildTimeline(chunks, [0, 10]);
    expect(mediaTimeToWallMs(timeline, chunks, 3) - T0).toBe(3000);
    expect(mediaTimeToWallMs(timeline, chunks, 4) - T0).toBe(9000);
    expect(mediaTimeToWallMs(timeline, chunks, 12) - T0).toBe(17000);
  });

  it('warns when a chunk does not start where the previous one ended', () => {
    const late = [chunks[0], { ...chunks[1], startMs: T0 + 17000 }];
    expect(buildTimeline(late, [0, 10]).warnings).toEqual(['chunk 1 starts 2000 ms after chunk 0 ends (its start time plus media and pauses)']);
  });

  it('fills pauses and gaps so offsets equal wall-clock offsets', () => {
    const late = [chunks[0], { ...chunks[1], startMs: T0 + 17000 }];
    const { segments, chunkOffsetsSec } = filledSegments(late);
    expect(segments).toEqual([
      { kind: 'media', input: 0, fromSec: 0, durationSec: 4 },
      { kind: 'filler', durationSec: 5 },
      { kind: 'media', input: 0, fromSec: 4, durationSec: 6 },
      { kind: 'filler', durationSec: 2 },
      { kind: 'media', input: 1, fromSec: 0, durationSec: 6 },
    ]);
    expect(chunkOffsetsSec).toEqual([0, 17]);
  });
});
