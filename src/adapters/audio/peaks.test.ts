import { describe, expect, it } from 'vitest';
import { PeakColumns } from './peaks.ts';

describe('PeakColumns', () => {
  it('takes min and max per column and channel, whatever the piece sizes', () => {
    // 2 channels, 8 frames, 4 columns of 2 frames: channel 0 counts up, channel 1 counts down
    const frames = [0, 1, 2, 3, 4, 5, 6, 7];
    const interleaved = new Int16Array(frames.flatMap((f) => [f * 100, -f * 100]));
    for (const pieces of [[8], [3, 5], [1, 1, 1, 1, 1, 1, 1, 1]]) {
      const peaks = new PeakColumns(4, 2, 8);
      let at = 0;
      for (const n of pieces) {
        peaks.push(interleaved.subarray(at * 2, (at + n) * 2), n);
        at += n;
      }
      expect([...peaks.max[0]]).toEqual([100, 300, 500, 700]);
      expect([...peaks.min[0]]).toEqual([0, 0, 0, 0]);
      expect([...peaks.min[1]]).toEqual([-100, -300, -500, -700]);
    }
  });

  it('skipped silence moves the position: later samples land in later columns', () => {
    const peaks = new PeakColumns(4, 1, 8);
    peaks.skip(6);
    peaks.push(new Int16Array([-5, 9]), 2);
    expect([...peaks.max[0]]).toEqual([0, 0, 0, 9]);
    expect([...peaks.min[0]]).toEqual([0, 0, 0, -5]);
  });

  it('more columns than frames: each frame its own column, the rest empty', () => {
    const peaks = new PeakColumns(10, 1, 3);
    peaks.push(new Int16Array([1, 2, 3]), 3);
    expect([...peaks.max[0]].filter((v) => v !== 0)).toEqual([1, 2, 3]);
  });
});
