import { describe, expect, it } from 'vitest';
import { adtsHeader, splitAdtsFrames } from './adts.ts';

describe('adtsHeader', () => {
  it.each([
    // AAC LC, 16 kHz, mono: the header ffmpeg's ADTS muxer writes for a 100-byte frame
    ['1408', 100, 'fff16040 0d7ffc'],
    // AAC LC, 48 kHz, stereo
    ['1190', 10, 'fff14c80 023ffc'],
  ])('config %s, %d bytes', (asc, length, expected) => {
    expect(adtsHeader(asc, length).toString('hex')).toBe(expected.replace(' ', ''));
  });

  it('round-trips through splitAdtsFrames', () => {
    const payloads = [Buffer.from([1, 2, 3]), Buffer.alloc(300, 7)];
    const stream = Buffer.concat(payloads.flatMap((p) => [adtsHeader('1408', p.length), p]));
    expect(splitAdtsFrames(stream)).toEqual(payloads);
  });

  it('refuses configurations ADTS cannot carry', () => {
    expect(() => adtsHeader('2b08', 10)).toThrow(/cannot be carried/);
  });
});
