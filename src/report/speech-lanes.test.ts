import { describe, expect, it } from 'vitest';
import type { ReportManifest } from './report-manifest.ts';
import { layoutSpeechLanes } from './speech-lanes.ts';
import { at, testManifest } from './test-manifest.ts';
import { layoutTimeline } from './timeline.ts';

describe('layoutSpeechLanes', () => {
  // one 60 s chunk with a 20 s pause cut out at media 30 s, then a second chunk
  const manifest: ReportManifest = {
    ...testManifest((m) => {
      m.pauses = [{ startTime: at(30_000), durationMs: 20_000, mediaOffsetMs: 30_000 }];
      m.chunks[1]!.startTime = at(80_000);
      m.wallClockDurationMs = 140_000;
    }),
    channels: [
      { channel: 1, participantId: null, file: 'channels/channel-1.wav', speechMs: 1000, speech: [{ mediaOffsetMs: 100_000, durationMs: 1000 }] },
      { channel: 0, participantId: '8:acs:a', file: 'channels/channel-0.wav', speechMs: 20_000, speech: [{ mediaOffsetMs: 10_000, durationMs: 5000 }, { mediaOffsetMs: 25_000, durationMs: 15_000 }] },
    ],
  };
  const lanes = layoutSpeechLanes(manifest, layoutTimeline(manifest));

  it('orders lanes by channel', () => expect(lanes.map((l) => [l.channel, l.participantId])).toEqual([[0, '8:acs:a'], [1, null]]));
  it('maps media to wall clock and splits a span the pause cuts', () => {
    expect(lanes[0]!.bars.map((b) => [b.mediaOffsetMs, b.wallStartMs, b.wallEndMs])).toEqual([
      [10_000, 10_000, 15_000],
      [25_000, 25_000, 30_000],
      [30_000, 50_000, 60_000],
    ]);
    expect(lanes[1]!.bars.map((b) => [b.wallStartMs, b.leftPct])).toEqual([[120_000, Math.round((120_000 / 140_000) * 1e6) / 1e4]]);
  });
});
