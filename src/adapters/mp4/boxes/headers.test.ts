import { describe, expect, it } from 'vitest';
import { mdhdBox, mvhdBox, packLanguage, tkhdBox } from './headers.ts';
import { boxesOf } from './parsed-by-mp4box.ts';

const IDENTITY = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];

function one(bytes: Buffer) {
  const [box, ...rest] = boxesOf(bytes);
  expect(rest).toHaveLength(0);
  expect(box.size).toBe(bytes.length);
  return box;
}

describe('movie, track and media headers round-trip through mp4box.js', () => {
  it('mvhd: timescale, duration, next track id, zero times, unit rate and volume', () => {
    const box = one(mvhdBox({ timescale: 1000, duration: 3_600_000, nextTrackId: 3 }));
    expect(box).toMatchObject({ type: 'mvhd', version: 0, creation_time: 0, modification_time: 0, timescale: 1000, duration: 3_600_000, rate: 0x10000, volume: 1, next_track_id: 3 });
    expect(Array.from(box.matrix)).toEqual(IDENTITY);
  });

  it('mvhd and mdhd: version 1 when the duration needs 64 bits', () => {
    const duration = 2 ** 32 + 17;
    expect(one(mvhdBox({ timescale: 90000, duration, nextTrackId: 2 }))).toMatchObject({ version: 1, duration, timescale: 90000 });
    expect(one(mdhdBox({ timescale: 90000, duration, language: 'eng' }))).toMatchObject({ version: 1, duration, timescale: 90000, languageString: 'eng' });
  });

  it('tkhd: enabled and in movie, 16.16 size, volume 1 for audio only', () => {
    const video = one(tkhdBox({ trackId: 1, duration: 15_511, width: 1920, height: 1080, audio: false }));
    expect(video).toMatchObject({ type: 'tkhd', version: 0, flags: 3, track_id: 1, duration: 15_511, width: 1920 * 65536, height: 1080 * 65536, volume: 0, creation_time: 0 });
    expect(Array.from(video.matrix)).toEqual(IDENTITY);
    const audio = one(tkhdBox({ trackId: 2, duration: 2 ** 33, width: 0, height: 0, audio: true }));
    expect(audio).toMatchObject({ version: 1, flags: 3, track_id: 2, duration: 2 ** 33, width: 0, height: 0, volume: 1 });
  });

  it('mdhd: timescale, duration, language', () => {
    expect(one(mdhdBox({ timescale: 16000, duration: 248_000, language: 'und' }))).toMatchObject({ type: 'mdhd', version: 0, timescale: 16000, duration: 248_000, languageString: 'und', creation_time: 0 });
    expect(one(mdhdBox({ timescale: 16000, duration: 1, language: 'deu' })).languageString).toBe('deu');
  });

  it('packs ISO 639-2 codes as three 5-bit letters, und for anything else', () => {
    // 'und' is 0x55C4 in every mp4 ffmpeg writes: (21 << 10) | (14 << 5) | 4.
    expect(packLanguage('und')).toBe(0x55c4);
    expect(packLanguage('')).toBe(0x55c4);
    expect(packLanguage('EN')).toBe(0x55c4);
  });
});
