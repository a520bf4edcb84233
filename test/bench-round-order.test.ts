import { describe, expect, it } from 'vitest';
import { roundOrder } from '../bench/round-order.ts';

/** How often each method ran first and each ordered pair ran back to back over `rounds`. */
function tally(methods: string[], rounds: number) {
  const first = new Map<string, number>();
  const after = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    const order = roundOrder(methods, round);
    expect([...order].sort()).toEqual([...methods].sort());
    first.set(order[0], (first.get(order[0]) ?? 0) + 1);
    for (let i = 1; i < order.length; i++) after.set(`${order[i - 1]}>${order[i]}`, (after.get(`${order[i - 1]}>${order[i]}`) ?? 0) + 1);
  }
  return { first, after };
}

describe('the bench rounds', () => {
  it('with four methods, in four rounds each runs first once and right after each other one once', () => {
    const methods = ['acsrec', 'acsrec-no-extra-ca', 'concat', 'cat'];
    const { first, after } = tally(methods, 4);
    expect([...first.values()]).toEqual([1, 1, 1, 1]);
    expect(after.size).toBe(12);
    expect(new Set(after.values())).toEqual(new Set([1]));
    // the design's first row: 0, 1, n-1, 2, ...
    expect(roundOrder(methods, 0)).toEqual(['acsrec', 'acsrec-no-extra-ca', 'cat', 'concat']);
  });

  it('with three methods, in six rounds each runs first twice and right after each other one twice', () => {
    const { first, after } = tally(['acsrec', 'concat', 'cat'], 6);
    expect([...first.values()]).toEqual([2, 2, 2]);
    expect(after.size).toBe(6);
    expect(new Set(after.values())).toEqual(new Set([2]));
  });

  it('refuses a round that is not a count', () => {
    expect(() => roundOrder(['a', 'b'], -1)).toThrow(RangeError);
    expect(() => roundOrder(['a', 'b'], 1.5)).toThrow(RangeError);
  });
});
