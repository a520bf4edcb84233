import { describe, expect, it } from 'vitest';
import { box, fullBox, u32, u64 } from '../../../test/helpers/mp4-boxes.ts';
import { MalformedBoxError } from './boxes.ts';
import { readMovieFragment, readTrackDefaults, SampleTableBuilder } from './fragments.ts';
import { emptySampleTable } from './sample-tables.ts';

const trex = (track: number, sdi: number, duration: number, size: number, flags: number) => fullBox('trex', 0, 0, u32(track, sdi, duration, size, flags));
const NON_SYNC = 0x10000;

function tracks() {
  const mvex = box('mvex', trex(1, 1, 100, 10, NON_SYNC), trex(2, 1, 0, 0, 0));
  const defaults = readTrackDefaults(mvex, { type: 'mvex', start: 0, body: 8, end: mvex.length });
  // Track 2 has one sample in the moov: fragments continue after it.
  const moovAudio = emptySampleTable(1);
  moovAudio.durations[0] = 1024;
  const builders = new Map([
    [1, new SampleTableBuilder(emptySampleTable())],
    [2, new SampleTableBuilder(moovAudio)],
  ]);
  return { defaults, builders };
}

describe('readMovieFragment', () => {
  it('applies trex and tfhd defaults, tfdt, data offsets, first-sample flags and signed v1 composition offsets', () => {
    const { defaults, builders } = tracks();
    const moof = box(
      'moof',
      fullBox('mfhd', 0, 0, u32(1)),
      box(
        'traf',
        fullBox('tfhd', 0, 0, u32(1)),
        fullBox('tfdt', 1, 0, u64(2 ** 33)),
        fullBox('trun', 1, 0x1 | 0x4 | 0x800, u32(3, 200, 0, 200, -100, 0)),
        fullBox('trun', 0, 0x100 | 0x200, u32(2, 50, 7, 60, 8)),
      ),
      box('traf', fullBox('tfhd', 0, 0x2 | 0x8 | 0x10 | 0x20, u32(2, 2, 1024, 5, 0)), fullBox('trun', 0, 0, u32(2))),
    );
    readMovieFragment(moof, 5000, builders, defaults);
    const video = builders.get(1)!.build();
    expect(Array.from(video.dts)).toEqual([0, 100, 200, 300, 350].map((t) => 2 ** 33 + t));
    expect(Array.from(video.durations)).toEqual([100, 100, 100, 50, 60]);
    expect(Array.from(video.sizes)).toEqual([10, 10, 10, 7, 8]);
    expect(Array.from(video.offsets), 'the second run follows the first').toEqual([5200, 5210, 5220, 5230, 5237]);
    expect(Array.from(video.sync), 'first-sample-flags make the first a sync sample; trex says non-sync').toEqual([1, 0, 0, 0, 0]);
    expect(Array.from(video.compositionOffsets)).toEqual([200, -100, 0, 0, 0]);

    const audio = builders.get(2)!.build();
    expect(audio.count).toBe(3);
    expect(Array.from(audio.dts), 'no tfdt: after the moov sample').toEqual([0, 1024, 2048]);
    expect(Array.from(audio.offsets.subarray(1)), 'no base offset: after the previous traf').toEqual([5245, 5250]);
    expect(Array.from(audio.descriptionIndex.subarray(1))).toEqual([2, 2]);
    expect(Array.from(audio.sync.subarray(1))).toEqual([1, 1]);

    const next = box('moof', box('traf', fullBox('tfhd', 0, 0x20000, u32(2)), fullBox('trun', 0, 0x1 | 0x100 | 0x200, u32(1, 100, 1024, 9))));
    readMovieFragment(next, 9000, builders, defaults);
    const more = builders.get(2)!.build();
    expect([more.offsets[3], more.dts[3], more.sizes[3]], 'default-base-is-moof').toEqual([9100, 3072, 9]);

    const absolute = box('moof', box('traf', fullBox('tfhd', 0, 0x1, u32(2), u64(2 ** 32 + 8)), fullBox('trun', 0, 0x200, u32(1, 3))));
    readMovieFragment(absolute, 9500, builders, defaults);
    expect(builders.get(2)!.build().offsets[4], 'base-data-offset').toBe(2 ** 32 + 8);
  });

  it('grows past its first allocation', () => {
    const { defaults, builders } = tracks();
    const run = fullBox('trun', 0, 0, u32(5000));
    readMovieFragment(box('moof', box('traf', fullBox('tfhd', 0, 0x20000, u32(1)), run)), 0, builders, defaults);
    const video = builders.get(1)!.build();
    expect(video.count).toBe(5000);
    expect(video.dts[4999]).toBe(4999 * 100);
    expect(video.offsets[4999]).toBe(4999 * 10);
  });

  it('refuses a traf for a track the moov does not have, and a trun shorter than its count', () => {
    const { defaults, builders } = tracks();
    expect(() => readMovieFragment(box('moof', box('traf', fullBox('tfhd', 0, 0, u32(7)))), 0, builders, defaults)).toThrow(MalformedBoxError);
    expect(() => readMovieFragment(box('moof', box('traf', fullBox('tfhd', 0, 0, u32(1)), fullBox('trun', 0, 0x100, u32(3, 1)))), 0, builders, defaults)).toThrow(MalformedBoxError);
  });
});
