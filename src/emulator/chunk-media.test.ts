import { describe, expect, it } from 'vitest';
import { channelCount, chunkMediaArgs, chunkMetadata, timelineRate, type RecordedCall } from './chunk-media.ts';
import { assignChannels } from './recording-options.ts';
import { buildTimeline, splitIntoChunks } from './timeline.ts';
import { speakersOf } from './voices.ts';

const PROFILE = { width: 320, height: 180, frameRate: 8, sampleRate: 16000 };
const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const timeline = buildTimeline([{ action: 'start', at: T0 }, { action: 'stop', at: T0 + 12_345 }], 1000);
const [spec] = splitIntoChunks(timeline, 60_000, 1000);

function unmixed(ids: string[], affinity: [string, number][] = []): RecordedCall {
  const speakers = speakersOf(ids);
  return { kind: { content: 'audio', channel: 'unmixed', format: 'wav' }, speakers, channels: assignChannels({ affinity: new Map(affinity), ordering: [], bySpeakingOrder: speakers.map((s) => s.participantId) }) };
}

describe('chunk media and metadata', () => {
  it('cuts audio to the millisecond and video to frames', () => {
    expect(timelineRate({ content: 'audio', channel: 'mixed', format: 'mp3' }, PROFILE)).toBe(1000);
    expect(timelineRate({ content: 'audioVideo', channel: 'mixed', format: 'mp4' }, PROFILE)).toBe(8);
    expect(spec!.durationMs).toBe(12_345);
  });

  it('unmixed without choices: channels in the order participants were first heard (last named speaks first)', () => {
    const call = unmixed(['8:acs:a', '8:acs:b']);
    const metadata = chunkMetadata({ call, spec: spec!, profile: PROFILE, resourceId: 'r', callId: 'c', documentId: 'd', participantIds: ['8:acs:b', '8:acs:a'] });
    expect(metadata.participants).toEqual([{ participantId: '8:acs:b', channel: 0 }, { participantId: '8:acs:a', channel: 1 }]);
    expect(metadata.recordingInfo).toEqual({ contentType: 'audio', channelType: 'unmixed', format: 'wav', audioConfiguration: { sampleRate: '16000', bitRate: 512_000, channels: 2 } });
    expect(metadata.chunkDuration).toBe(12_345);
  });

  it('a channel fixed past the others leaves silent channels in between', () => {
    const call = unmixed(['8:acs:a', '8:acs:b'], [['8:acs:a', 4]]);
    expect(channelCount(call)).toBe(5);
    const args = chunkMediaArgs({ call, timeline, spec: spec!, profile: PROFILE, outFile: 'x.wav', seed: 0 });
    const channels = args[args.indexOf('-i') + 1]!.replace(/^aevalsrc='|':s=.*$/g, '').split('|');
    expect(channels).toHaveLength(5);
    expect(channels.map((c) => c === '0')).toEqual([false, true, true, true, false]);
    // a (fixed on 4) speaks second: the 150 Hz voice; b takes the first free channel with the 110 Hz one
    expect(channels[4]).toContain('*150*t');
    expect(channels[0]).toContain('*110*t');
  });

  it('mixed audio carries every voice and the beep markers in one channel', () => {
    const speakers = speakersOf(['8:acs:a', '8:acs:b', '8:acs:c']);
    const args = chunkMediaArgs({ call: { kind: { content: 'audio', channel: 'mixed', format: 'mp3' }, speakers, channels: null }, timeline, spec: spec!, profile: PROFILE, outFile: 'x.mp3', seed: 0 });
    const expr = args[args.indexOf('-i') + 1]!;
    expect(expr).not.toContain('|');
    for (const hz of [110, 150, 196]) expect(expr).toContain(`*${hz}*t`);
    expect(expr).toContain('sin(2*PI*1000*t)');
  });

  it('MP4 keeps the video arguments and the swapped recordingInfo pair of the 2021 sample', () => {
    const call: RecordedCall = { kind: { content: 'audioVideo', channel: 'mixed', format: 'mp4' }, speakers: speakersOf(['8:acs:a']), channels: null };
    expect(chunkMediaArgs({ call, timeline, spec: spec!, profile: PROFILE, outFile: 'x.mp4', seed: 0 })).toContain('libx264');
    const metadata = chunkMetadata({ call, spec: spec!, profile: PROFILE, resourceId: 'r', callId: 'c', documentId: 'd', participantIds: ['8:acs:a'] });
    expect(metadata.recordingInfo).toMatchObject({ contentType: 'mixed', channelType: 'audioVideo', format: 'mp4' });
    expect(metadata.participants).toEqual([{ participantId: '8:acs:a' }]);
  });
});
