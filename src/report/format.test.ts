import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatMediaTime, formatUtc, formatValue } from './format.ts';

describe('format', () => {
  it.each([
    [0, '0:00:00'],
    [1500, '0:00:01.500'],
    [3_723_000, '1:02:03'],
    [-5, '0:00:00'],
  ])('formatMediaTime(%d) = %s', (ms, text) => expect(formatMediaTime(ms)).toBe(text));

  it.each([
    [0, '0 s'],
    [2500, '2.5 s'],
    [59_000, '59 s'],
    [65_000, '1 min 05 s'],
    [3_723_000, '1 h 02 min 03 s'],
  ])('formatDuration(%d) = %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    ['2024-05-01T10:00:00Z', '2024-05-01 10:00:00 UTC'],
    ['2024-05-01T12:00:00.250+02:00', '2024-05-01 10:00:00.250 UTC'],
  ])('formatUtc(%s) = %s', (iso, text) => expect(formatUtc(Date.parse(iso))).toBe(text));

  it.each([
    [512, '512 B'],
    [15_057, '14.7 KiB'],
    [3 * 1024 ** 3, '3.0 GiB'],
  ])('formatBytes(%d) = %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    ['avc1', 'avc1'],
    [16000, '16000'],
    [null, 'null'],
    [undefined, '—'],
    [{ width: 1920, height: 1080 }, '{"width":1920,"height":1080}'],
  ])('formatValue(%j) = %s', (value, text) => expect(formatValue(value)).toBe(text));
});
