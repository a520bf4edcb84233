import { describe, expect, it } from 'vitest';
import { planJoins, type JoinChunkInput } from './join-plan.ts';

const chunk = (videoDurationSec: number, presentedSamples = Math.round(videoDurationSec * 16000)): JoinChunkInput => ({
  videoDurationSec,
  sampleRate: 16000,
  samplesPerFrame: 1024,
  primingSamples: 1024,
  presentedSamples,
  // ffmpeg's encoder: one priming frame, then enough frames to hold every sample
  frameCount: 1 + Math.ceil(presentedSamples / 1024),
});

describe('planJoins', () => {
  it('keeps the first chunk whole, priming included', () => {
    const plan = planJoins([chunk(5.375)]);
    // 86000 samples = 83.98 frames: 84 frames hold them
    expect(plan.chunks[0]).toMatchObject({ firstFrame: 0, copiedFrames: 85, silentFrames: 0, offsetSamples: 0, slotSamples: 84 * 1024 });
    expect(plan.leadingPrimingSamples).toBe(1024);
  });

  it('drops the priming of later chunks and never lets the error accumulate', () => {
    const durations = [5.375, 4.75, 6.25, 5.125, 5.375, 4.875, 6.0, 5.5, 5.25];
    const plan = planJoins(durations.map((d) => chunk(d)));
    let ideal = 0;
    plan.chunks.forEach((c, i) => {
      if (i > 0) expect(c.firstFrame).toBe(1);
      expect(Math.abs(c.offsetSamples - ideal)).toBeLessThanOrEqual(512);
      ideal += durations[i] * 16000;
    });
    expect(Math.abs(plan.totalSamples - ideal)).toBeLessThanOrEqual(512);
    expect(plan.maxPlacementErrorSamples).toBeLessThanOrEqual(512);
  });

  it('adds silent frames where the video outlasts the sound', () => {
    // video 5.375 s but sound only 5.0 s: 80000 samples
    const plan = planJoins([chunk(5.375, 80000), chunk(2)]);
    expect(plan.chunks[0].silentFrames).toBe(84 - 79);
    expect(plan.chunks[1].offsetSamples).toBe(84 * 1024);
  });

  it('refuses chunks whose sample rates differ', () => {
    expect(() => planJoins([chunk(1), { ...chunk(1), sampleRate: 48000 }])).toThrow(/48000 Hz/);
  });
});
