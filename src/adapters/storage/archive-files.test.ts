import { describe, expect, it } from 'vitest';
import { testManifest } from '../../report/test-manifest.ts';
import type { Manifest } from '../../schemas/manifest.ts';
import { contentTypeOf, filesNamedBy } from './archive-files.ts';

const audio = (patch: (m: Manifest) => void = () => {}) =>
  testManifest((m) => {
    m.output.file = 'recording.wav';
    m.output.video = null;
    m.thumbnails = [];
    m.waveform = 'waveform.png';
    m.channels = [0, 1].map((channel) => ({ channel, participantId: null, file: `channels/channel-${channel}.wav`, speechMs: 0, speech: [] }));
    patch(m);
  });

describe('filesNamedBy', () => {
  it('names the recording and every other file of a video manifest', () => {
    expect(filesNamedBy(testManifest())).toEqual({ recording: 'recording.mp4', others: ['thumbnails/thumb-0000.jpg', 'thumbnails/thumb-0001.jpg'] });
  });
  it('names the waveform and channel files of an audio manifest', () => {
    expect(filesNamedBy(audio())).toEqual({ recording: 'recording.wav', others: ['waveform.png', 'channels/channel-0.wav', 'channels/channel-1.wav'] });
  });
  it.each(['../x.png', 'channels/../../x', '/etc/passwd', './waveform.png', 'manifest.json', 'a//b'])('refuses %s', (name) => {
    expect(filesNamedBy(audio((m) => (m.waveform = name)))).toBeUndefined();
  });
});

describe('contentTypeOf', () => {
  it.each([['recording.mp3', 'audio/mpeg'], ['channels/channel-0.wav', 'audio/wav'], ['waveform.png', 'image/png'], ['recording.mp4', 'video/mp4']])('%s', (file, type) => {
    expect(contentTypeOf(file)).toBe(type);
  });
});
