import { describe, expect, it } from 'vitest';
import { avccSampleToAnnexB, syncSampleAt } from './keyframes.ts';

describe('avccSampleToAnnexB', () => {
  it('replaces 4-byte lengths with start codes, parameter sets first', () => {
    const sample = Buffer.from([0, 0, 0, 2, 0x65, 0xaa, 0, 0, 0, 1, 0x06]);
    const out = avccSampleToAnnexB(sample, 4, [Buffer.from([0x67, 1]), Buffer.from([0x68, 2])]);
    expect(out.toString('hex')).toBe('00000001' + '6701' + '00000001' + '6802' + '00000001' + '65aa' + '00000001' + '06');
  });

  it('handles 2-byte lengths', () => {
    expect(avccSampleToAnnexB(Buffer.from([0, 1, 0x65]), 2, []).toString('hex')).toBe('0000000165');
  });

  it('refuses a NAL unit that overruns the sample', () => {
    expect(() => avccSampleToAnnexB(Buffer.from([0, 0, 0, 9, 0x65]), 4, [])).toThrow(/overruns/);
  });
});

describe('syncSampleAt', () => {
  const samples = [0, 2, 4, 6].map((timeSec) => ({ timeSec, offset: timeSec * 100, size: 10 }));
  it.each([
    [0, 0],
    [1.9, 0],
    [2, 2],
    [5.5, 4],
    [100, 6],
  ])('at %d s shows the keyframe of %d s', (time, expected) => {
    expect(syncSampleAt(samples, time).timeSec).toBe(expected);
  });
});
