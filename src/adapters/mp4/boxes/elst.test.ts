import { BoxParser } from 'mp4box';
import { describe, expect, it } from 'vitest';
import { writtenBy } from './bytes.ts';
import { edtsBox, elstBox } from './elst.ts';
import { boxesOf } from './parsed-by-mp4box.ts';

function parsedEntries(bytes: Buffer) {
  const [box] = boxesOf(bytes);
  expect(box.size).toBe(bytes.length);
  return { version: box.version as number, entries: box.entries as { segment_duration: number; media_time: number; media_rate_integer: number; media_rate_fraction: number }[] };
}

describe('elst round-trips through mp4box.js', () => {
  it('version 0: an empty edit, then media from a start time', () => {
    const { version, entries } = parsedEntries(elstBox([{ segmentDuration: 500, mediaTime: -1, rate: 1 }, { segmentDuration: 15_011, mediaTime: 1024, rate: 1 }]));
    expect(version).toBe(0);
    expect(entries).toEqual([
      { segment_duration: 500, media_time: -1, media_rate_integer: 1, media_rate_fraction: 0 },
      { segment_duration: 15_011, media_time: 1024, media_rate_integer: 1, media_rate_fraction: 0 },
    ]);
  });

  it('version 1 when a segment duration needs 64 bits, or a media time 32 signed bits cannot hold', () => {
    for (const edit of [{ segmentDuration: 2 ** 32, mediaTime: 0, rate: 1 }, { segmentDuration: 10, mediaTime: 3_000_000_000, rate: 1 }]) {
      const { version, entries } = parsedEntries(elstBox([{ segmentDuration: 7, mediaTime: -1, rate: 1 }, edit]));
      expect(version).toBe(1);
      expect(entries.map((e) => [e.segment_duration, e.media_time])).toEqual([[7, -1], [edit.segmentDuration, edit.mediaTime]]);
    }
  });

  it('writes rates as 16.16: a dwell is 0, quarter speed is 0x4000', () => {
    const { entries } = parsedEntries(elstBox([{ segmentDuration: 1, mediaTime: 0, rate: 0 }, { segmentDuration: 1, mediaTime: 0, rate: 0.25 }]));
    expect(entries.map((e) => [e.media_rate_integer, e.media_rate_fraction])).toEqual([[0, 0], [0, 0x4000]]);
  });

  it('is ours because mp4box.js keeps version 0 for a media time above 2^31 - 1', () => {
    const box = new BoxParser.box.elst();
    box.entries = [{ segment_duration: 10, media_time: 3_000_000_000, media_rate_integer: 1, media_rate_fraction: 0 }];
    const { version, entries } = parsedEntries(writtenBy(box));
    expect(version).toBe(0);
    expect(entries[0].media_time).not.toBe(3_000_000_000);
  });

  it('edts holds the elst; no edits, no edts', () => {
    expect(edtsBox([])).toBeNull();
    const [edts] = boxesOf(edtsBox([{ segmentDuration: 3, mediaTime: 0, rate: 1 }])!);
    expect(edts.type).toBe('edts');
    expect(edts.elst.entries).toHaveLength(1);
  });
});
