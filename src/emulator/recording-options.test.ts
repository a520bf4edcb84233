import { describe, expect, it } from 'vitest';
import { assignChannels, parseStartOptions, StartOptionsError } from './recording-options.ts';

const user = (id: string) => ({ rawId: id, kind: 'communicationUser', communicationUser: { id } });

describe('parseStartOptions', () => {
  it.each([
    [{}, { content: 'audioVideo', channel: 'mixed', format: 'mp4' }],
    [{ recordingContentType: 'audio', recordingFormatType: 'mp3' }, { content: 'audio', channel: 'mixed', format: 'mp3' }],
    [{ recordingContentType: 'audio', recordingChannelType: 'mixed', recordingFormatType: 'wav' }, { content: 'audio', channel: 'mixed', format: 'wav' }],
    [{ recordingContentType: 'AUDIO', recordingChannelType: 'Unmixed', recordingFormatType: 'Wav' }, { content: 'audio', channel: 'unmixed', format: 'wav' }],
  ])('accepts %j', (body, kind) => {
    expect(parseStartOptions(body).kind).toEqual(kind);
  });

  it.each([
    [{ recordingChannelType: 'unmixed' }, 'recordingChannelType'],
    [{ recordingFormatType: 'mp3' }, 'recordingFormatType'],
    [{ recordingContentType: 'audio' }, 'recordingFormatType'],
    [{ recordingContentType: 'audio', recordingChannelType: 'unmixed', recordingFormatType: 'mp3' }, 'recordingFormatType'],
    [{ recordingContentType: 'video', recordingFormatType: 'mp4' }, 'recordingContentType'],
    [{ recordingContentType: 'audio', recordingFormatType: 'wav', audioChannelParticipantOrdering: [user('8:acs:a')] }, 'audioChannelParticipantOrdering'],
    [{ recordingContentType: 'audio', recordingChannelType: 'unmixed', recordingFormatType: 'wav', channelAffinity: [{ participant: user('8:acs:a'), channel: 5 }] }, 'channelAffinity'],
    [{ recordingContentType: 'audio', recordingChannelType: 'unmixed', recordingFormatType: 'wav', channelAffinity: [{ participant: user('8:acs:a'), channel: 1 }, { participant: user('8:acs:b'), channel: 1 }] }, 'channelAffinity'],
    [{ recordingContentType: 'audio', recordingChannelType: 'unmixed', recordingFormatType: 'wav', audioChannelParticipantOrdering: ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => user(`8:acs:${x}`)) }, 'audioChannelParticipantOrdering'],
  ])('refuses %j (target %s)', (body, target) => {
    expect(() => parseStartOptions(body)).toThrow(StartOptionsError);
    try {
      parseStartOptions(body);
    } catch (error) {
      expect((error as StartOptionsError).target).toBe(target);
    }
  });

  it('reads raw ids of users and phone numbers', () => {
    const parsed = parseStartOptions({
      recordingContentType: 'audio', recordingChannelType: 'unmixed', recordingFormatType: 'wav',
      audioChannelParticipantOrdering: [{ kind: 'phoneNumber', phoneNumber: { value: '+14255550123' } }, user('8:acs:x')],
    });
    expect(parsed.participants.named).toEqual(['4:+14255550123', '8:acs:x']);
  });
});

describe('assignChannels', () => {
  it('puts affinity first, then the ordering on free channels, then the rest by who spoke first', () => {
    const channels = assignChannels({ affinity: new Map([['c', 0]]), ordering: ['a', 'b'], bySpeakingOrder: ['d', 'b', 'c', 'a'] });
    expect(Object.fromEntries(channels)).toEqual({ c: 0, a: 1, b: 2, d: 3 });
  });
  it('without choices follows the speaking order', () => {
    expect(Object.fromEntries(assignChannels({ affinity: new Map(), ordering: [], bySpeakingOrder: ['y', 'x'] }))).toEqual({ y: 0, x: 1 });
  });
});
