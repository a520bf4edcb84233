import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { planMp3Join, reservoirIntact, type Mp3JoinInput } from './mp3-join-plan.ts';

/** A 16 kHz mono MPEG-2 chunk of 144-byte frames as LAME writes them: frame 1 borrows 17 bytes from frame 0. */
function chunk(presented: number, o: { delay?: number; spf?: number; reservoir?: number[]; mainData?: number; file?: string; rate?: number } = {}): Mp3JoinInput {
  const spf = o.spf ?? 576;
  const delay = o.delay ?? 576;
  const frameCount = Math.ceil((presented + delay + 529) / spf);
  const mainDataBegin = new Uint16Array(frameCount).fill(30);
  (o.reservoir ?? [0, 17, 20, 17, 108, 131]).forEach((v, i) => i < frameCount && (mainDataBegin[i] = v));
  return {
    file: o.file ?? `chunk-${presented}.mp3`,
    sampleRate: o.rate ?? 16000,
    channels: 1,
    samplesPerFrame: spf,
    frameCount,
    frameSizes: new Uint32Array(frameCount).fill(144),
    mainDataBegin,
    // 144-byte frames carry 131 bytes of main data; granules using 160 of them leave no free tail.
    mainDataSizes: new Uint16Array(frameCount).fill(o.mainData ?? 160),
    sideInfoBytes: 13,
    encoderDelaySamples: delay,
    encoderPaddingSamples: frameCount * spf - delay - presented,
    presentedSamples: presented,
  };
}

/** Where the plan's frames put chunk k, by the arithmetic of frame positions (not the plan's own offset). */
function placed(chunks: Mp3JoinInput[], plan: ReturnType<typeof planMp3Join>, k: number): number {
  const framesBefore = plan.chunks.slice(0, k).reduce((sum, p) => sum + (p.lastFrame - p.firstFrame + 1), 0);
  return (framesBefore - plan.chunks[k].firstFrame) * plan.samplesPerFrame + chunks[k].encoderDelaySamples - chunks[0].encoderDelaySamples;
}

describe('planMp3Join', () => {
  it('keeps a single chunk whole, with its delay and padding', () => {
    const c = chunk(40000);
    const plan = planMp3Join([c]);
    expect(plan.chunks[0]).toMatchObject({ firstFrame: 0, lastFrame: c.frameCount - 1, offsetSamples: 0, idealOffsetSamples: 0 });
    expect(plan).toMatchObject({ frameCount: c.frameCount, encoderDelaySamples: 576, encoderPaddingSamples: c.encoderPaddingSamples, presentedSamples: 40000, maxPlacementErrorSamples: 0 });
  });

  it('places 9 chunks within half a frame of the summed lengths, never accumulating', () => {
    const lengths = [40000, 40123, 39999, 40300, 40576, 40001, 40288, 40289, 41000];
    const chunks = lengths.map((n) => chunk(n));
    const plan = planMp3Join(chunks);
    let ideal = 0;
    chunks.forEach((c, k) => {
      expect(plan.chunks[k].idealOffsetSamples).toBe(ideal);
      expect(plan.chunks[k].offsetSamples).toBe(placed(chunks, plan, k));
      expect(Math.abs(placed(chunks, plan, k) - ideal)).toBeLessThanOrEqual(288);
      ideal += c.presentedSamples;
    });
    expect(plan.idealPresentedSamples).toBe(lengths.reduce((a, b) => a + b));
    expect(Math.abs(plan.presentedSamples - plan.idealPresentedSamples)).toBeLessThanOrEqual(288);
    expect(plan.maxPlacementErrorSamples).toBeLessThanOrEqual(288);
    expect(plan.frameCount).toBe(plan.chunks.reduce((sum, p) => sum + p.copiedFrames, 0));
    expect(plan.audioBytes).toBe(plan.frameCount * 144);
    expect(plan.encoderPaddingSamples).toBe(chunks[8].encoderPaddingSamples);
  });

  it('drops leading frames only where the bytes kept frames borrow from them can be handed over', () => {
    // 40000 samples: 72 frames, padding 72 * 576 - 576 - 40000 = 896, of which 896 - 529 = 367
    // are past the content once the decoder delay is counted. A join drops round((896 + 576) / 576) = 3 frames.
    const noRoom = planMp3Join([chunk(40000), chunk(40000)]);
    expect(noRoom.chunks.map((p) => [p.firstFrame, p.lastFrame, p.cutSamples, p.handOverBytes])).toEqual([[0, 68, 3 * 576 - 367, 0], [0, 71, 0, 0]]);
    // Granules using 120 of 131 bytes with main_data_begin 30 leave 41 bytes free at a frame's end:
    // room for the 20 bytes frame 2 borrows from frame 1. 2 leading frames (1152 - 576 - 529 = 47
    // cut) and 1 trailing (576 - 367 = 209 cut).
    const room = planMp3Join([chunk(40000, { mainData: 120 }), chunk(40000, { mainData: 120 })]);
    expect(room.chunks.map((p) => [p.firstFrame, p.lastFrame, p.cutSamples, p.handOverBytes])).toEqual([[0, 70, 209, 0], [2, 71, 47, 20]]);
    const nothingBorrowed = planMp3Join([chunk(40000, { reservoir: Array(72).fill(0) }), chunk(40000, { reservoir: Array(72).fill(0) })]);
    expect(nothingBorrowed.chunks.map((p) => [p.firstFrame, p.lastFrame, p.handOverBytes])).toEqual([[0, 70, 0], [2, 71, 0]]);
    expect(new Set([noRoom, room, nothingBorrowed].map((p) => p.chunks[1].offsetSamples)).size).toBe(1);
  });

  it.each([
    ['frame 0 lends 17 bytes to frame 1', [0, 17], 1, false],
    ['frame 0 lends nothing', [0, 0, 100, ...Array(20).fill(0)], 1, true],
    ['frame 2 reaches back past frame 1 into frame 0', [0, 0, 140, ...Array(20).fill(0)], 1, false],
    ['frame 2 reaches back 131 bytes, all within frame 1', [0, 0, 131, ...Array(20).fill(0)], 1, true],
  ])('reservoirIntact: %s', (_, reservoir, first, intact) => {
    expect(reservoirIntact(chunk(10000, { reservoir }), first)).toBe(intact);
  });

  it('chunks without a LAME tag abut frame to frame', () => {
    const chunks = [chunk(576 * 50, { delay: 0 }), chunk(576 * 70, { delay: 0 })].map((c) => ({ ...c, frameCount: c.presentedSamples / 576, encoderPaddingSamples: 0 }));
    const plan = planMp3Join(chunks);
    expect(plan.chunks.map((p) => [p.firstFrame, p.lastFrame])).toEqual([[0, 49], [0, 69]]);
    expect(plan.maxPlacementErrorSamples).toBe(0);
  });

  it('keeps the error bounded over 200 joins of MPEG-1 chunks (1152 samples a frame)', () => {
    const chunks = Array.from({ length: 200 }, (_, i) => chunk(44100 * 3 + ((i * 7919) % 1152), { spf: 1152, rate: 44100 }));
    const plan = planMp3Join(chunks);
    chunks.forEach((_, k) => expect(Math.abs(placed(chunks, plan, k) - plan.chunks[k].idealOffsetSamples)).toBeLessThanOrEqual(576));
  });

  it('refuses chunks of another sample rate, naming the file', () => {
    expect(() => planMp3Join([chunk(1000), chunk(1000, { rate: 48000, spf: 1152, file: 'odd.mp3' })])).toThrow(InvalidInputError);
    expect(() => planMp3Join([chunk(1000), chunk(1000, { rate: 48000, spf: 1152, file: 'odd.mp3' })])).toThrow(/48000 Hz/);
  });
});
