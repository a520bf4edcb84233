import { describe, expect, it } from 'vitest';
import type { VideoTrackProbe } from '../types/probe.ts';
import { KeyframePicker, pickKeyframes, type ThumbnailSource } from './thumbnails.ts';

/** A source with a keyframe every `gopSec` over `lengthSec`. */
const source = (offsetSec: number, lengthSec: number, gopSec: number): ThumbnailSource => ({
  file: `chunk-at-${offsetSec}.mp4`,
  offsetSec,
  video: { syncSamples: Array.from({ length: Math.ceil(lengthSec / gopSec) }, (_, k) => ({ timeSec: k * gopSec, offset: 1000 + k, size: 10 })) } as unknown as VideoTrackProbe,
});

const fedOneByOne = (sources: ThumbnailSource[], intervalSec: number, durationSec: number) => {
  const picker = new KeyframePicker(intervalSec);
  const batches = sources.map((s) => picker.add(s).length);
  picker.finish(durationSec);
  return { picks: picker.picks, batches };
};

describe('KeyframePicker', () => {
  it('fixes the slots before each source when it arrives, the last ones at the end', () => {
    // slots every 4 s over 30 s: 0, 4, 8 before 10; 12, 16 before 19.98; 20, 24, 28 after
    const sources = [source(0, 10, 2), source(10, 10, 3), source(19.98, 10.02, 1)];
    const { picks, batches } = fedOneByOne(sources, 4, 30);
    expect(batches).toEqual([0, 3, 2]);
    expect(picks.map((p) => [p.source, p.slotStartSec, Math.round(p.mediaTimeSec * 100) / 100])).toEqual([
      [0, 0, 0],
      [0, 4, 4],
      [0, 8, 8],
      [1, 12, 10],
      [1, 16, 16],
      [2, 20, 19.98],
      [2, 24, 23.98],
      [2, 28, 27.98],
    ]);
  });

  it('picks what pickKeyframes picks over all sources at once, for any lengths and interval', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let run = 0; run < 200; run++) {
      let offset = random() * 0.2;
      const sources = Array.from({ length: 1 + Math.floor(random() * 9) }, () => {
        const length = 0.5 + random() * 20;
        const s = source(offset, length, 0.25 + random() * 3);
        offset += length;
        return s;
      });
      const interval = 0.1 + random() * 12;
      const key = (p: { source: number; slotStartSec: number; sample: { offset: number } }) => `${p.source}:${p.slotStartSec}:${p.sample.offset}`;
      expect(fedOneByOne(sources, interval, offset).picks.map(key), `run ${run}`).toEqual(pickKeyframes(sources, interval, offset).map(key));
    }
  });

  it('gives one thumbnail of a recording shorter than the interval', () => {
    expect(fedOneByOne([source(0, 1.5, 1)], 60, 1.5).picks.map((p) => p.slotStartSec)).toEqual([0]);
  });
});
