import { describe, expect, it } from 'vitest';
import type { TimelineChunk } from '../../timeline/recording-timeline.ts';
import { planWavJoin } from './join-plan.ts';

const RATE = 16000;
const T0 = 1_700_000_000_000;
const chunk = (index: number, startMs: number, frames: number, pauses: { atMs: number; durationMs: number }[] = []): TimelineChunk => ({
  index,
  startMs: T0 + startMs,
  mediaDurationSec: frames / RATE,
  pauses: pauses.map((p) => ({ startMs: T0 + p.atMs, durationMs: p.durationMs })),
});

describe('planWavJoin', () => {
  it('without filling, chunks follow each other whole, offsets are the summed frames', () => {
    const plan = planWavJoin({ chunkFrames: [16001, 7, 32000], sampleRate: RATE, fillPauses: false, timelineChunks: [] });
    expect(plan.segments).toEqual([
      { kind: 'media', chunk: 0, fromFrame: 0, frames: 16001 },
      { kind: 'media', chunk: 1, fromFrame: 0, frames: 7 },
      { kind: 'media', chunk: 2, fromFrame: 0, frames: 32000 },
    ]);
    expect(plan.chunkOffsetFrames).toEqual([0, 16001, 16008]);
    expect(plan.totalFrames).toBe(48008);
  });

  it.each([
    {
      name: 'a pause inside the first chunk and a gap before the second',
      // chunk 0: 1.5 s of media from t=0, paused 0.75 s..2.25 s (so it ends at 3.0 s); chunk 1 at 3.2 s
      chunks: [chunk(0, 0, 24000, [{ atMs: 750, durationMs: 1500 }]), chunk(1, 3200, 16000)],
      frames: [24000, 16000],
      segments: [
        { kind: 'media', chunk: 0, fromFrame: 0, frames: 12000 },
        { kind: 'silence', frames: 24000 },
        { kind: 'media', chunk: 0, fromFrame: 12000, frames: 12000 },
        { kind: 'silence', frames: 3200 },
        { kind: 'media', chunk: 1, fromFrame: 0, frames: 16000 },
      ],
      offsets: [0, 51200],
    },
    {
      name: 'pauses that do not fall on a sample: cut at the nearest one, no drift',
      // 1/3 ms positions: 0.3333 s -> 5333.3 samples
      chunks: [chunk(0, 0, 16000, [{ atMs: 333, durationMs: 333 }, { atMs: 999, durationMs: 1 }]), chunk(1, 1334, 8000)],
      frames: [16000, 8000],
      segments: [
        { kind: 'media', chunk: 0, fromFrame: 0, frames: 5328 },
        { kind: 'silence', frames: 5328 },
        { kind: 'media', chunk: 0, fromFrame: 5328, frames: 5328 },
        { kind: 'silence', frames: 16 },
        { kind: 'media', chunk: 0, fromFrame: 10656, frames: 5344 },
        { kind: 'media', chunk: 1, fromFrame: 0, frames: 8000 },
      ],
      offsets: [0, 21344],
    },
  ])('filling: $name', ({ chunks, frames, segments, offsets }) => {
    const plan = planWavJoin({ chunkFrames: frames, sampleRate: RATE, fillPauses: true, timelineChunks: chunks });
    expect(plan.segments).toEqual(segments);
    expect(plan.chunkOffsetFrames).toEqual(offsets);
    const total = segments.reduce((s, x) => s + x.frames, 0);
    expect(plan.totalFrames).toBe(total);
    // every chunk's samples are used exactly once
    for (const [i, n] of frames.entries()) expect(segments.filter((s) => s.kind === 'media' && s.chunk === i).reduce((a, s) => a + s.frames, 0)).toBe(n);
  });
});
