import { describe, expect, it } from 'vitest';
import { layoutTimeline, mediaToWallMs, timelineTicks } from './timeline.ts';
import { T0, at, testManifest } from './test-manifest.ts';

/** Two chunks of 6 s media; pauses of 3 s at wall 4 s (chunk 0) and 2 s at wall 12 s (chunk 1). */
const skipped = testManifest((m) => {
  m.wallClockDurationMs = 17_000;
  m.output.durationMs = 12_000;
  m.chunks[0]!.durationMs = 6000;
  m.chunks[1]!.startTime = at(9000);
  m.chunks[1]!.durationMs = 6000;
  m.chunks[1]!.mediaOffsetMs = 6000;
  m.pauses = [
    { startTime: at(4000), durationMs: 3000, mediaOffsetMs: 4000 },
    { startTime: at(12_000), durationMs: 2000, mediaOffsetMs: 9000 },
  ];
});

/** The same call recorded with --fill-pauses: media offsets are wall-clock offsets; chunk durations stay their own media. */
const filled = testManifest((m) => {
  m.wallClockDurationMs = 17_000;
  m.output.durationMs = 17_000;
  m.chunks[0]!.durationMs = 6000;
  m.chunks[1]!.startTime = at(9000);
  m.chunks[1]!.durationMs = 6000;
  m.chunks[1]!.mediaOffsetMs = 9000;
  m.pauses = [
    { startTime: at(4000), durationMs: 3000, mediaOffsetMs: 4000 },
    { startTime: at(12_000), durationMs: 2000, mediaOffsetMs: 12_000 },
  ];
});

describe('layoutTimeline', () => {
  it.each([
    { name: 'no pauses', manifest: testManifest(), filledPauses: false, chunks: [[0, 60_000], [60_000, 120_000]], pauses: [] },
    { name: 'skipped pauses widen their chunk', manifest: skipped, filledPauses: false, chunks: [[0, 9000], [9000, 17_000]], pauses: [[4000, 7000], [12_000, 14_000]] },
    { name: 'filled pauses are inside the chunk media', manifest: filled, filledPauses: true, chunks: [[0, 9000], [9000, 17_000]], pauses: [[4000, 7000], [12_000, 14_000]] },
  ])('$name', ({ manifest, filledPauses, chunks, pauses }) => {
    const layout = layoutTimeline(manifest);
    expect(layout.startEpochMs).toBe(T0);
    expect(layout.pausesInMedia).toBe(filledPauses);
    expect(layout.chunks.map((c) => [c.wallStartMs, c.wallEndMs])).toEqual(chunks);
    expect(layout.pauses.map((p) => [p.wallStartMs, p.wallEndMs])).toEqual(pauses);
    for (const bar of [...layout.chunks, ...layout.pauses]) {
      expect(bar.leftPct).toBeCloseTo((bar.wallStartMs / manifest.wallClockDurationMs) * 100, 3);
      expect(bar.widthPct).toBeCloseTo(((bar.wallEndMs - bar.wallStartMs) / manifest.wallClockDurationMs) * 100, 3);
    }
  });

  it.each([
    { media: 0, wall: 0 },
    { media: 3999, wall: 3999 },
    { media: 4000, wall: 7000 },
    { media: 6000, wall: 9000 },
    { media: 9000, wall: 14_000 },
    { media: 12_000, wall: 17_000 },
    { media: 12_001, wall: null },
  ])('maps media $media ms to wall $wall ms across skipped pauses', ({ media, wall }) => {
    expect(mediaToWallMs(layoutTimeline(skipped).mediaSpans, media)).toBe(wall);
  });

  it('maps media to wall one to one when pauses are filled', () => {
    const spans = layoutTimeline(filled).mediaSpans;
    expect([0, 5000, 13_000, 17_000].map((m) => mediaToWallMs(spans, m))).toEqual([0, 5000, 13_000, 17_000]);
  });

  it('keeps a chunk that overruns the stated duration inside the track', () => {
    const layout = layoutTimeline(testManifest((m) => (m.wallClockDurationMs = 100_000)));
    expect(layout.totalMs).toBe(120_000);
    expect(layout.chunks.at(-1)!.leftPct + layout.chunks.at(-1)!.widthPct).toBeCloseTo(100, 3);
  });
});

describe('timelineTicks', () => {
  it.each([
    { start: '2024-05-01T10:00:00.000Z', totalMs: 17_000, ticks: ['10:00:00', '10:00:05', '10:00:10', '10:00:15'] },
    { start: '2024-05-01T10:00:03.500Z', totalMs: 17_000, ticks: ['10:00:05', '10:00:10', '10:00:15', '10:00:20'] },
    { start: '2024-05-01T09:58:20.000Z', totalMs: 3_600_000, ticks: ['10:00:00', '10:10:00', '10:20:00', '10:30:00', '10:40:00', '10:50:00'] },
    { start: '2024-05-01T10:00:00.000Z', totalMs: 0, ticks: [] },
  ])('$totalMs ms from $start', ({ start, totalMs, ticks }) => {
    expect(timelineTicks(Date.parse(start), totalMs).map((t) => new Date(t.epochMs).toISOString().slice(11, 19))).toEqual(ticks);
  });
});
