import { describe, expect, it } from 'vitest';
import { buildTimeline, splitIntoChunks } from './timeline.ts';
import { speakersOf, speechSchedule, TURN_MS, wallClockExpr } from './voices.ts';

/** Evaluates the little expression language wallClockExpr writes (`t`, numbers, `+`, `*`, `gte`). */
const evaluate = (expr: string, t: number) => Function('t', 'gte', `return ${expr};`)(t, (a: number, b: number) => (a >= b ? 1 : 0)) as number;

describe('wallClockExpr', () => {
  // start 0, pause at 10 s, resume at 17 s, stop at 30 s; chunks of 15 s of media
  const T0 = 1_700_000_000_000;
  const timeline = buildTimeline(
    [
      { action: 'start', at: T0 },
      { action: 'pause', at: T0 + 10_000 },
      { action: 'resume', at: T0 + 17_000 },
      { action: 'stop', at: T0 + 30_000 },
    ],
    1000,
  );
  const chunks = splitIntoChunks(timeline, 15_000, 1000);

  it.each([
    [0, 0, 0],
    [0, 9.5, 9.5],
    [0, 10, 17],
    [0, 14.9, 21.9],
    [1, 0, 22],
    [1, 7.9, 29.9],
  ])('chunk %i, media %f s -> wall %f s', (chunk, t, wall) => {
    expect(evaluate(wallClockExpr(timeline, chunks[chunk]!), t)).toBeCloseTo(wall, 6);
  });
});

describe('speechSchedule', () => {
  it('rotates turns last-named first, each speaker for their own length', () => {
    const speakers = speakersOf(['a', 'b', 'c']);
    expect(speakers.map((s) => s.participantId)).toEqual(['c', 'b', 'a']);
    const spans = speechSchedule(speakers, 4 * TURN_MS + 1000);
    expect(spans.map((s) => [s.participantId, s.wallOffsetMs])).toEqual([['c', 300], ['b', 5300], ['a', 10_300], ['c', 15_300], ['b', 20_300]]);
    expect(spans[4]!.durationMs).toBe(700);
    expect(new Set(speakers.map((s) => s.voice.pitchHz)).size).toBe(3);
  });
});
