import { describe, expect, it } from 'vitest';
import { chunkMetadataSchema } from '../schemas/chunk-metadata.ts';
import { recordingKindOf } from './discover.ts';

const metadata = (recordingInfo: Record<string, unknown> | undefined, participants: unknown[] = []) =>
  chunkMetadataSchema.parse({ callId: 'c', chunkDocumentId: 'd', chunkIndex: 0, chunkStartTime: '2026-11-20T10:00:00Z', chunkDuration: 1000, recordingInfo, participants });

describe('recordingKindOf', () => {
  it.each([
    { info: undefined, format: 'mp4', channelType: 'mixed' },
    { info: { contentType: 'audioVideo', channelType: 'mixed', format: 'mp4' }, format: 'mp4', channelType: 'mixed' },
    // the 2021 sample's order: the values swapped between the fields
    { info: { contentType: 'mixed', channelType: 'audioVideo', format: 'mp4' }, format: 'mp4', channelType: 'mixed' },
    { info: { contentType: 'audio', channelType: 'mixed', format: 'mp3' }, format: 'mp3', channelType: 'mixed' },
    { info: { contentType: 'audio', channelType: 'unmixed', format: 'wav' }, format: 'wav', channelType: 'unmixed' },
    { info: { contentType: 'unmixed', channelType: 'audio', format: 'WAV' }, format: 'wav', channelType: 'unmixed' },
    { info: { contentType: 'Audio', channelType: 'Unmixed', format: 'Wav' }, format: 'wav', channelType: 'unmixed' },
  ])('$info -> $format $channelType', ({ info, format, channelType }) => {
    expect(recordingKindOf(metadata(info), 'x.json')).toEqual({ format, channelType });
  });

  it.each([
    { info: { contentType: 'audio', channelType: 'unmixed', format: 'mp3' }, error: /recordingInfo.format|an unmixed recording is WAV/ },
    { info: { contentType: 'audio', channelType: 'mixed', format: 'ogg' }, error: /unknown format 'ogg'/ },
  ])('refuses $info', ({ info, error }) => {
    expect(() => recordingKindOf(metadata(info), 'x.json')).toThrow(error);
  });

  it('reads participants[].channel, numbers as strings too', () => {
    const m = metadata({ format: 'wav' }, [{ participantId: 'a', channel: 1 }, { participantId: 'b', channel: '0' }, { participantId: 'c' }]);
    expect(m.participants.map((p) => p.channel)).toEqual([1, 0, undefined]);
    expect(() => metadata({ format: 'wav' }, [{ participantId: 'a', channel: -1 }])).toThrow();
  });
});
