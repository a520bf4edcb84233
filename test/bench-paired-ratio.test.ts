import { describe, expect, it } from 'vitest';
import { pairedRatios } from '../bench/paired-ratio.ts';

describe('the bench ratio round by round', () => {
  it('takes each round on its own: the median, the range and the rounds a was faster in', () => {
    // rounds: 0.9/1.0, 1.0/0.9, 0.8/1.0 -> 0.9, 1.111.., 0.8
    const r = pairedRatios([0.9, 1.0, 0.8], [1.0, 0.9, 1.0]);
    expect(r.median).toBeCloseTo(0.9, 12);
    expect(r.min).toBeCloseTo(0.8, 12);
    expect(r.max).toBeCloseTo(10 / 9, 12);
    expect(r.aFaster).toBe(2);
    expect(r.rounds).toBe(3);
  });

  it('differs from the ratio of the medians when the load falls on the rounds unevenly', () => {
    // rounds 1/2, 3/2, 3/4 -> 0.5, 1.5, 0.75; the medians alone (3 and 2) would say 1.5
    const r = pairedRatios([1, 3, 3], [2, 2, 4]);
    expect(r.median).toBe(0.75);
    expect([r.min, r.max]).toEqual([0.5, 1.5]);
    expect(r.aFaster).toBe(2);
  });

  it('an even number of rounds gives the mean of the middle two', () => {
    expect(pairedRatios([1, 2, 3, 4], [1, 1, 1, 1]).median).toBe(2.5);
  });

  it('refuses rounds that do not pair up', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(/as many rounds/);
    expect(() => pairedRatios([], [])).toThrow(/at least one/);
  });
});
