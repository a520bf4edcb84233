import { describe, expect, it } from 'vitest';
import type { EditEntry, Mp4Model, Mp4Track, OutputTrack } from '../types/mp4.ts';
import { placeChunks } from './av-placement.ts';
import { buildJoinJob, type JoinSource } from './join-tables.ts';

const SR = 16000;
const SPF = 1024;

interface TrackSpec {
  timescale: number;
  sampleDurations: number[];
  /** composition offsets per sample (B-frames), default 0 */
  compositionOffsets?: number[];
  sync?: (j: number) => boolean;
  emptyEditSec?: number;
  mediaTime?: number;
  /** presented media length in media ticks; default all of it from mediaTime */
  presented?: number;
}

/** A track as the reader would give it, built from plain numbers (the test's own arithmetic). */
function track(kind: 'video' | 'audio', spec: TrackSpec, firstByte: number): Mp4Track {
  const count = spec.sampleDurations.length;
  const dts = new Float64Array(count);
  for (let j = 1; j < count; j++) dts[j] = dts[j - 1] + spec.sampleDurations[j - 1];
  const end = count ? dts[count - 1] + spec.sampleDurations[count - 1] : 0;
  const offsets = new Float64Array(count).map((_, j) => firstByte + j * 100);
  const cts = Array.from(dts, (d, j) => d + (spec.compositionOffsets?.[j] ?? 0));
  const mediaStart = spec.mediaTime ?? 0;
  const presentedTicks = spec.presented ?? end + Math.max(...(spec.compositionOffsets ?? [0])) - mediaStart;
  const atSec = spec.emptyEditSec ?? 0;
  const edits: EditEntry[] = [];
  if (atSec > 0) edits.push({ segmentDuration: Math.round(atSec * 1000), mediaTime: -1, rate: 1 });
  edits.push({ segmentDuration: Math.round((presentedTicks / spec.timescale) * 1000), mediaTime: mediaStart, rate: 1 });
  const raw = new Uint8Array([kind === 'video' ? 1 : 2]);
  return {
    id: kind === 'video' ? 1 : 2,
    kind,
    handlerType: kind === 'video' ? 'vide' : 'soun',
    timescale: spec.timescale,
    language: 'und',
    samples: {
      count,
      dts,
      durations: Uint32Array.from(spec.sampleDurations),
      compositionOffsets: Int32Array.from(spec.compositionOffsets ?? new Array(count).fill(0)),
      offsets,
      sizes: new Uint32Array(count).fill(100),
      sync: Uint8Array.from({ length: count }, (_, j) => (spec.sync ? (spec.sync(j) ? 1 : 0) : 1)),
      descriptionIndex: new Uint16Array(count).fill(1),
    },
    edits,
    presentation: {
      startSec: atSec,
      endSec: atSec + presentedTicks / spec.timescale,
      durationSec: presentedTicks / spec.timescale,
      spans: [{ atSec, mediaStart, mediaEnd: mediaStart + presentedTicks }],
      composition: { start: Math.min(...cts), end: Math.max(...cts.map((c, j) => c + spec.sampleDurations[j])) },
    },
    descriptions: [
      kind === 'video'
        ? { kind: 'video', fourcc: 'avc1', codec: 'avc1.64001f', width: 640, height: 360, nalLengthSize: 4, parameterSets: [Buffer.from('67', 'hex')], raw }
        : { kind: 'audio', fourcc: 'mp4a', codec: 'mp4a.40.2', sampleRate: SR, channels: 1, audioSpecificConfig: '1408', samplesPerFrame: SPF, raw },
    ],
    raw: { tkhd: raw, mdhd: raw, hdlr: raw, mediaHeader: raw, dinf: raw, stsd: raw },
  };
}

/** A chunk as ffmpeg makes one: video at `fps`, AAC with one priming frame hidden by the edit list. */
function chunk(durationSec: number, options: { fps?: number; videoTimescale?: number; audioSec?: number; audioLateSec?: number; bframes?: boolean } = {}): JoinSource {
  const fps = options.fps ?? 8;
  const ts = options.videoTimescale ?? 16384;
  const frames = Math.round(durationSec * fps);
  const tick = ts / fps;
  const delay = options.bframes ? 2 * tick : 0;
  const compositionOffsets = Array.from({ length: frames }, (_, j) => (options.bframes ? (j % 3 === 0 ? 2 * tick : j % 3 === 1 ? 3 * tick : 0) : 0));
  const video = track('video', { timescale: ts, sampleDurations: new Array(frames).fill(tick), compositionOffsets, mediaTime: delay, presented: frames * tick, sync: (j) => j % 8 === 0 }, 1000);
  const audioSamples = Math.round((options.audioSec ?? durationSec) * SR);
  const audioFrames = 1 + Math.ceil(audioSamples / SPF);
  const audio = track('audio', { timescale: SR, sampleDurations: new Array(audioFrames).fill(SPF), mediaTime: SPF, presented: audioSamples, emptyEditSec: options.audioLateSec }, 1_000_000);
  const model = { file: `chunk-${durationSec}.mp4`, mediaData: [{ start: 900, end: 5_000_000 }] } as Mp4Model;
  return { model, video, audio };
}

const placementOf = (sources: JoinSource[]) => placeChunks(sources.map((s) => ({ ...s, sampleRate: SR, samplesPerFrame: SPF })));
const SILENCE = Buffer.from([0x21, 0x10, 0x05]);

/** Presentation time (seconds) of every sample of an output track, from its tables and edit list alone. */
function presentedTimes(t: OutputTrack, movieTimescale: number): number[] {
  const empty = t.edits.filter((e) => e.mediaTime < 0).reduce((s, e) => s + e.segmentDuration, 0) / movieTimescale;
  const mediaTime = t.edits.find((e) => e.mediaTime >= 0)!.mediaTime;
  const times: number[] = [];
  let dts = 0;
  for (let j = 0; j < t.samples.count; j++) {
    times.push(empty + (dts + t.samples.compositionOffsets[j] - mediaTime) / t.timescale);
    dts += t.samples.durations[j];
  }
  return times;
}

describe('placeChunks', () => {
  it('puts every chunk within half an AAC frame of the summed lengths, never accumulating', () => {
    const durations = [3.125, 2.875, 3.5, 2.625, 3.375, 3.0, 2.75, 3.25, 2.5];
    const placement = placementOf(durations.map((d) => chunk(d)));
    let ideal = 0;
    placement.chunks.forEach((c, i) => {
      expect(Math.abs(c.originSec - ideal), `chunk ${i}`).toBeLessThanOrEqual(SPF / 2 / SR + 1e-9);
      expect(c.firstFrame).toBe(i === 0 ? 0 : 1);
      ideal += durations[i];
    });
    expect(Math.abs(placement.durationSec - ideal)).toBeLessThanOrEqual(SPF / 2 / SR + 1e-9);
    expect(placement.idealDurationSec).toBeCloseTo(ideal, 9);
    expect(placement.audioMediaStartSamples).toBe(SPF);
  });

  it('fills with silence where a chunk sounds shorter than it shows, and starts late audio late', () => {
    const placement = placementOf([chunk(4, { audioSec: 3.5 }), chunk(4, { audioLateSec: 0.25, audioSec: 3.75 })]);
    // 0.5 s of missing sound = 7.8 frames
    expect(placement.chunks[0].tailSilentFrames).toBeGreaterThanOrEqual(7);
    // the second chunk's sound starts 0.25 s in: about 3.9 frames of silence before it, fewer if the
    // first chunk's slot already ran past 4 s
    expect(placement.chunks[1].leadSilentFrames).toBeGreaterThanOrEqual(3);
    expect(placement.chunks[1].leadSilentFrames).toBeLessThanOrEqual(4);
    expect(Math.abs(placement.chunks[1].originSec - 4)).toBeLessThanOrEqual(SPF / 2 / SR);
  });

  it('keeps an audio track that starts late in the first chunk late, with an empty edit', () => {
    const placement = placementOf([chunk(3, { audioLateSec: 0.25, audioSec: 2.75 })]);
    expect(placement.audioLeadSamples).toBe(0.25 * SR);
    expect(placement.chunks[0].originSec).toBe(0);
  });
});

describe('buildJoinJob', () => {
  it('presents every video frame at its chunk origin plus its own presentation time (B-frames, mixed timescales)', () => {
    const sources = [chunk(3.125, { bframes: true }), chunk(2.875, { videoTimescale: 90000 }), chunk(3.5, { videoTimescale: 1000, bframes: true })];
    const placement = placementOf(sources);
    const job = buildJoinJob(sources, placement, { outFile: 'out.mp4', silentFrame: SILENCE });
    const video = job.tracks[0];
    expect(video.timescale).toBe(90000);
    const times = presentedTimes(video, job.movieTimescale);
    let at = 0;
    sources.forEach((source, i) => {
      const t = source.video.samples;
      const mediaStart = source.video.presentation.spans[0].mediaStart;
      for (let j = 0; j < t.count; j++, at++) {
        const own = (t.dts[j] + t.compositionOffsets[j] - mediaStart) / source.video.timescale;
        expect(Math.abs(times[at] - (placement.chunks[i].originSec + own)), `chunk ${i} frame ${j}`).toBeLessThan(1 / 90000 + 1e-9);
      }
    });
    // decode order stays strictly increasing, durations positive
    for (let j = 0; j < video.samples.count; j++) expect(video.samples.durations[j]).toBeGreaterThan(0);
    // a chunk with a smaller composition delay than the one before makes negative offsets (ctts v1)
    expect(Math.min(...video.samples.compositionOffsets)).toBeLessThan(0);
  });

  it('copies the placed audio frames with the silence around them, one edit hiding the first priming', () => {
    const sources = [chunk(4, { audioSec: 3.5 }), chunk(4, { audioLateSec: 0.25, audioSec: 3.75 }), chunk(2)];
    const placement = placementOf(sources);
    const job = buildJoinJob(sources, placement, { outFile: 'out.mp4', silentFrame: SILENCE });
    const audio = job.tracks[1];
    const expectedCount = placement.chunks.reduce((n, c) => n + c.leadSilentFrames + c.copiedFrames + c.tailSilentFrames, 0);
    expect(audio.samples.count).toBe(expectedCount);
    expect(audio.edits).toEqual([{ segmentDuration: audio.samples.count * SPF - SPF, mediaTime: SPF, rate: 1 }]);
    const silentPieces = job.pieces.filter((p) => p.kind === 'bytes');
    const silent = placement.chunks.reduce((n, c) => n + c.leadSilentFrames + c.tailSilentFrames, 0);
    expect(silentPieces.reduce((n, p) => n + (p.kind === 'bytes' ? p.bytes.length : 0), 0)).toBe(silent * SILENCE.length);
    // the second chunk's first copied frame is its stored frame 1 (priming dropped)
    const secondStart = placement.chunks[0].copiedFrames + placement.chunks[0].tailSilentFrames + placement.chunks[1].leadSilentFrames;
    expect(audio.samples.pieceOffset[secondStart]).toBe(sources[1].audio.samples.offsets[1]);
    // the output lasts as long as the chunks add up to, within half a frame
    const presented = audio.edits[0].segmentDuration / job.movieTimescale;
    expect(Math.abs(presented - 10)).toBeLessThanOrEqual(SPF / 2 / SR);
    const videoEnd = job.tracks[0].edits.reduce((s, e) => s + e.segmentDuration, 0) / job.movieTimescale;
    expect(videoEnd).toBeCloseTo(presented, 6);
  });

  it('refuses a sample outside every mdat', () => {
    const source = chunk(1);
    source.model = { ...source.model, mediaData: [{ start: 900, end: 1500 }] };
    expect(() => buildJoinJob([source], placementOf([source]), { outFile: 'o', silentFrame: SILENCE })).toThrow(/outside every mdat/);
  });
});
