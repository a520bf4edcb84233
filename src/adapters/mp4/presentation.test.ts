import { describe, expect, it } from 'vitest';
import type { EditEntry, SampleTable } from '../../types/mp4.ts';
import { applyEdits, presentationTimeSec } from './presentation.ts';
import { emptySampleTable } from './sample-tables.ts';

/** `count` samples of `duration` ticks, composition offsets as given (default 0). */
function samples(count: number, duration: number, compositionOffsets: number[] = []): SampleTable {
  const t = emptySampleTable(count);
  for (let i = 0; i < count; i++) {
    t.dts[i] = i * duration;
    t.durations[i] = duration;
    t.compositionOffsets[i] = compositionOffsets[i] ?? 0;
  }
  return t;
}

const edit = (segmentDuration: number, mediaTime: number): EditEntry => ({ segmentDuration, mediaTime, rate: 1 });

// Media timescale 1000, movie timescale 100: 10 samples of 100 ticks = 1 s of media.
const cases: [string, SampleTable, EditEntry[], { startSec: number; endSec: number; durationSec: number }][] = [
  ['no edit list: media from composition time 0', samples(10, 100), [], { startSec: 0, endSec: 1, durationSec: 1 }],
  ['no edit list, first composition time 200: starts late', samples(10, 100, Array(10).fill(200)), [], { startSec: 0.2, endSec: 1.2, durationSec: 1 }],
  ['media_time skips the start', samples(10, 100), [edit(80, 200)], { startSec: 0, endSec: 0.8, durationSec: 0.8 }],
  ['an empty edit delays the track', samples(10, 100), [edit(25, -1), edit(100, 0)], { startSec: 0.25, endSec: 1.25, durationSec: 1 }],
  ['the edit is clipped to what the media holds', samples(10, 100), [edit(500, 0)], { startSec: 0, endSec: 1, durationSec: 1 }],
  ['segment_duration 0: the rest of the media', samples(10, 100), [edit(0, 300)], { startSec: 0, endSec: 0.7, durationSec: 0.7 }],
  ['an edit longer than its media: the next entry still starts where the edit ends', samples(10, 100), [edit(50, 800), edit(30, 0)], { startSec: 0, endSec: 0.8, durationSec: 0.5 }],
  ['several entries with a pause between', samples(10, 100), [edit(30, 0), edit(50, -1), edit(20, 500)], { startSec: 0, endSec: 1, durationSec: 0.5 }],
];

describe('applyEdits', () => {
  it.each(cases)('%s', (_, table, edits, expected) => {
    const p = applyEdits({ samples: table, edits, timescale: 1000, movieTimescale: 100 });
    expect(p.startSec).toBeCloseTo(expected.startSec, 9);
    expect(p.endSec).toBeCloseTo(expected.endSec, 9);
    expect(p.durationSec).toBeCloseTo(expected.durationSec, 9);
  });

  it('trusts the exact media length where the rounded edit agrees within one movie tick', () => {
    // 48 kHz audio: 1 s + 1024 priming = 49024 ticks; a millisecond movie timescale rounds the edit to 1000.
    const p = applyEdits({ samples: samples(1, 49024), edits: [edit(1000, 1024)], timescale: 48000, movieTimescale: 1000 });
    expect(p.durationSec).toBe(1);
    const uneven = applyEdits({ samples: samples(1, 48024 + 1024), edits: [edit(1000, 1024)], timescale: 48000, movieTimescale: 1000 });
    expect(uneven.durationSec).toBe(48024 / 48000);
    const shorter = applyEdits({ samples: samples(1, 49024 + 480), edits: [edit(1000, 1024)], timescale: 48000, movieTimescale: 1000 });
    expect(shorter.durationSec, 'more than a tick apart: the edit wins').toBe(1);
  });

  it('keeps the media composition extent before any edit (B-frame reordering: the latest sample is not the last)', () => {
    // decode 0,100,200,300 with offsets 200,400,0,100: composition 200, 500, 200, 400; the last ends at 600
    const p = applyEdits({ samples: samples(4, 100, [200, 400, 0, 100]), edits: [edit(30, 200)], timescale: 1000, movieTimescale: 100 });
    expect(p.composition).toEqual({ start: 200, end: 600 });
    expect(applyEdits({ samples: samples(0, 100), edits: [], timescale: 1000, movieTimescale: 100 }).composition).toEqual({ start: 0, end: 0 });
  });

  it('maps composition times through the spans (B-frame delay, empty edit, pause)', () => {
    const table = samples(10, 100);
    const p = applyEdits({ samples: table, edits: [edit(25, -1), edit(30, 200), edit(50, -1), edit(20, 700)], timescale: 1000, movieTimescale: 100 });
    expect(presentationTimeSec(p, 200, 1000)).toBeCloseTo(0.25, 9);
    expect(presentationTimeSec(p, 400, 1000)).toBeCloseTo(0.45, 9);
    expect(presentationTimeSec(p, 700, 1000)).toBeCloseTo(0.25 + 0.3 + 0.5, 9);
    expect(presentationTimeSec(p, 100, 1000), 'before the first span: extrapolated').toBeCloseTo(0.15, 9);
  });
});
