import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseContentRange, parseRetryAfterMs } from './retry.ts';

describe('backoffDelayMs', () => {
  it.each([
    [1, 0, 250],
    [1, 1, 500],
    [3, 1, 2000],
    [10, 1, 30_000],
    [10, 0, 15_000],
  ])('attempt %i with jitter %f is %i ms', (attempt, jitter, expected) => {
    expect(backoffDelayMs(attempt, { baseMs: 500, maxMs: 30_000, random: () => jitter })).toBe(expected);
  });
});

describe('parseRetryAfterMs', () => {
  it.each([
    ['2', 2000],
    ['0', 0],
    ['1.5', 1500],
    ['Fri, 27 Nov 2026 00:00:10 GMT', 10_000],
    ['soon', null],
    [undefined, null],
  ])('%s -> %s', (value, expected) => {
    expect(parseRetryAfterMs(value, Date.parse('2026-11-27T00:00:00Z'))).toBe(expected);
  });
});

describe('parseContentRange', () => {
  it.each([
    ['bytes 100-199/1000', { start: 100, end: 199, total: 1000 }],
    ['bytes 0-0/*', { start: 0, end: 0, total: null }],
    ['bytes 5-4/10', null],
    ['items 0-1/2', null],
    [undefined, null],
  ])('%s', (value, expected) => {
    expect(parseContentRange(value)).toEqual(expected);
  });
});
