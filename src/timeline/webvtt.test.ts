import { describe, expect, it } from 'vitest';
import { thumbnailVtt, vttTimestamp } from './webvtt.ts';

describe('webvtt', () => {
  it.each([
    [0, '00:00:00.000'],
    [61_005, '00:01:01.005'],
    [3_600_000 * 5 + 999, '05:00:00.999'],
  ])('vttTimestamp(%d) = %s', (ms, expected) => {
    expect(vttTimestamp(ms)).toBe(expected);
  });

  it('writes one cue per tile', () => {
    const text = thumbnailVtt([{ startMs: 0, endMs: 60_000, x: 320, y: 0, width: 320, height: 180 }], 'sprite.jpg');
    expect(text).toBe('WEBVTT\n\n00:00:00.000 --> 00:01:00.000\nsprite.jpg#xywh=320,0,320,180\n');
  });
});
