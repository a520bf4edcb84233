import { describe, expect, it } from 'vitest';
import { mainDataBegin, parseFrameHeader } from './frame-header.ts';
import { headerBytes } from './hand-built-frames.ts';


describe('parseFrameHeader', () => {
  // Frame sizes from the published tables (e.g. 128 kbps / 44.1 kHz = 417 bytes, 418 padded).
  it.each([
    ['1', 9, 0, false, false, 128, 44100, 417, 1152, 32],
    ['1', 9, 0, true, false, 128, 44100, 418, 1152, 32],
    ['1', 14, 1, false, true, 320, 48000, 960, 1152, 17],
    ['1', 1, 2, false, true, 32, 32000, 144, 1152, 17],
    ['1', 5, 0, true, false, 64, 44100, 209, 1152, 32],
    ['2', 4, 2, false, true, 32, 16000, 144, 576, 9],
    ['2', 5, 2, false, true, 40, 16000, 180, 576, 9],
    ['2', 5, 2, true, true, 40, 16000, 181, 576, 9],
    ['2', 1, 0, false, false, 8, 22050, 26, 576, 17],
    ['2', 14, 1, false, false, 160, 24000, 480, 576, 17],
    ['2.5', 1, 2, false, true, 8, 8000, 72, 576, 9],
    ['2.5', 8, 1, true, false, 64, 12000, 385, 576, 17],
    ['2.5', 3, 0, false, true, 24, 11025, 156, 576, 9],
  ] as const)('MPEG-%s bitrate index %i, rate index %i, padding %s, mono %s', (version, bitrateIndex, rateIndex, padding, mono, kbps, rate, size, spf, sideInfo) => {
    const result = parseFrameHeader(headerBytes({ version, bitrateIndex, rateIndex, padding, mono }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.header).toMatchObject({ version, bitrateKbps: kbps, sampleRate: rate, frameSize: size, samplesPerFrame: spf, sideInfoSize: sideInfo, channels: mono ? 1 : 2, padding });
  });

  it.each([
    ['free format', { version: '1', bitrateIndex: 0, rateIndex: 0 }, /free-format/],
    ['bitrate index 15', { version: '1', bitrateIndex: 15, rateIndex: 0 }, /bitrate index 15/],
    ['reserved sample rate', { version: '2', bitrateIndex: 4, rateIndex: 3 }, /reserved sample rate/],
    ['reserved version', { version: '1', versionBits: 1, bitrateIndex: 4, rateIndex: 0 }, /reserved MPEG version/],
    ['Layer II', { version: '1', layerBits: 2, bitrateIndex: 4, rateIndex: 0 }, /Layer II audio, not MP3/],
    ['Layer I', { version: '1', layerBits: 3, bitrateIndex: 4, rateIndex: 0 }, /Layer I audio, not MP3/],
    ['reserved layer', { version: '1', layerBits: 0, bitrateIndex: 4, rateIndex: 0 }, /reserved layer/],
  ] as const)('refuses %s', (_, fields, reason) => {
    const result = parseFrameHeader(headerBytes(fields));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('refuses bytes without a sync word', () => {
    expect(parseFrameHeader(Buffer.from('<!DOCTYPE html>')).ok).toBe(false);
    expect(parseFrameHeader(Buffer.from([0xff, 0xfb])).ok).toBe(false);
  });

  it('reads main_data_begin: 9 bits in MPEG-1, 8 in MPEG-2, after the CRC when there is one', () => {
    const v1 = Buffer.concat([headerBytes({ version: '1', bitrateIndex: 9, rateIndex: 0 }), Buffer.from([0b10110011, 0b1_0000000])]);
    const v1Header = parseFrameHeader(v1);
    expect(v1Header.ok && mainDataBegin(v1, 0, v1Header.header)).toBe(0b101100111);
    const v2 = Buffer.concat([headerBytes({ version: '2', bitrateIndex: 4, rateIndex: 2, mono: true, crc: true }), Buffer.from([0xaa, 0xbb, 0xc5])]);
    const v2Header = parseFrameHeader(v2);
    expect(v2Header.ok && v2Header.header.protected).toBe(true);
    expect(v2Header.ok && mainDataBegin(v2, 0, v2Header.header)).toBe(0xc5);
  });
});
