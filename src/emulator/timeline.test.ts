import { describe, expect, it } from 'vitest';
import { buildTimeline, splitIntoChunks, type ControlEvent } from './timeline.ts';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const ev = (action: ControlEvent['action'], sec: number): ControlEvent => ({ action, at: T0 + sec * 1000 });

describe('buildTimeline', () => {
  it('leaves paused spans out of the media and lists them', () => {
    const t = buildTimeline([ev('start', 0), ev('pause', 10), ev('resume', 25), ev('stop', 40)], 8);
    expect(t.mediaDurationMs).toBe(25_000);
    expect(t.pauses).toEqual([{ wallStart: T0 + 10_000, durationMs: 15_000, mediaOffset: 10_000 }]);
    expect(t.active.map((s) => [s.wallStart - T0, s.mediaStart, s.durationMs])).toEqual([
      [0, 0, 10_000],
      [25_000, 10_000, 15_000],
    ]);
  });

  it('cuts recorded spans to whole frames, the remainder counting as pause', () => {
    const t = buildTimeline([ev('start', 0), ev('pause', 1.3), ev('resume', 2), ev('stop', 3.01)], 8);
    expect(t.active.map((s) => s.durationMs)).toEqual([1250, 1000]);
    expect(t.pauses).toEqual([{ wallStart: T0 + 1250, durationMs: 750, mediaOffset: 1250 }]);
    expect(t.mediaDurationMs).toBe(2250);
  });

  it('ignores a repeated pause and lists a pause that lasts until stop', () => {
    const t = buildTimeline([ev('start', 0), ev('pause', 4), ev('pause', 5), ev('stop', 9)], 16);
    expect(t.mediaDurationMs).toBe(4000);
    expect(t.pauses).toEqual([{ wallStart: T0 + 4000, durationMs: 5000, mediaOffset: 4000 }]);
  });
});

describe('splitIntoChunks', () => {
  it('splits by media time; the pause belongs to the chunk it happens in', () => {
    const t = buildTimeline([ev('start', 0), ev('pause', 100), ev('resume', 160), ev('stop', 360)], 8);
    const chunks = splitIntoChunks(t, 120_000, 8);
    expect(chunks.map((c) => [c.index, c.wallStart - T0, c.durationMs, c.endReason])).toEqual([
      [0, 0, 120_000, 'ChunkMaximumSizeExceeded'],
      [1, 180_000, 120_000, 'ChunkMaximumSizeExceeded'],
      [2, 300_000, 60_000, 'SessionEnded'],
    ]);
    expect(chunks.map((c) => c.pauses.length)).toEqual([1, 0, 0]);
    expect(chunks[0]!.markersSec).toEqual([0, 100]);
    expect(chunks[1]!.markersSec).toEqual([0]);
  });

  it('keeps one chunk when the media fits', () => {
    const t = buildTimeline([ev('start', 0), ev('stop', 30)], 8);
    const chunks = splitIntoChunks(t, 4 * 3600_000, 8);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ durationMs: 30_000, endReason: 'SessionEnded', wallStart: T0 });
  });

  it('gives a pause at a chunk boundary to the earlier chunk', () => {
    const t = buildTimeline([ev('start', 0), ev('pause', 60), ev('resume', 70), ev('stop', 100)], 8);
    const chunks = splitIntoChunks(t, 60_000, 8);
    expect(chunks.map((c) => [c.wallStart - T0, c.durationMs, c.pauses.length])).toEqual([
      [0, 60_000, 1],
      [70_000, 30_000, 0],
    ]);
  });
});
