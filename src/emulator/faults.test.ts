import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, FaultInjector } from './faults.ts';

describe('FaultInjector', () => {
  it.each([
    [0, 0],
    [0.25, 25],
    [0.5, 50],
    [0.75, 75],
    [1, 100],
  ])('rate %f fails exactly %i of 100 requests', (rate, expected) => {
    const injector = new FaultInjector(rate);
    const picks = Array.from({ length: 100 }, () => injector.pick());
    expect(picks.filter(Boolean)).toHaveLength(expected);
  });

  it('takes the kinds in turn', () => {
    const injector = new FaultInjector(1);
    expect(Array.from({ length: 7 }, () => injector.pick())).toEqual([...FAULT_KINDS, FAULT_KINDS[0]]);
  });

  it.each([-0.1, 1.5, Number.NaN])('refuses rate %f', (rate) => {
    expect(() => new FaultInjector(rate)).toThrow(RangeError);
  });
});
