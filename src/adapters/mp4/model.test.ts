import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { describe, expect, it } from 'vitest';
import { ffprobe } from '../../../test/helpers/ffprobe-packets.ts';
import { FFPROBE, variants } from '../../../test/helpers/mp4-variants.ts';
import type { Mp4Track } from '../../types/mp4.ts';
import { mostCommon, readMp4Model } from './model.ts';
import { presentationTimeSec } from './presentation.ts';

describe('mostCommon', () => {
  it('counts every sample of a value, in runs or apart', () => {
    // 1000 appears 2 + 1 + 2 = 5 times in three runs, 1001 four times in one
    expect(mostCommon(Uint32Array.from([1000, 1000, 1001, 1001, 1001, 1001, 1000, 7, 1000, 1000]), null, 0)).toBe(1000);
  });
  it('counts only the samples of one sample description', () => {
    const values = Uint32Array.from([5, 5, 5, 9, 9, 5, 9]);
    const descriptions = Uint16Array.from([1, 1, 1, 2, 2, 2, 2]);
    expect(mostCommon(values, descriptions, 2)).toBe(9);
    expect(mostCommon(values, descriptions, 1)).toBe(5);
    expect(mostCommon(values, descriptions, 3)).toBe(0);
  });
  it('breaks a tie for the value seen first', () => {
    expect(mostCommon(Uint32Array.from([3, 4, 4, 3]), null, 0)).toBe(3);
    expect(mostCommon(Uint32Array.from([4, 3, 3, 4]), null, 0)).toBe(4);
  });
});

const files: [string, () => string][] = [
  ['faststart', variants.faststart],
  ['moov after mdat', variants.moovAtEnd],
  ['x264 High with B-frames', variants.bframes],
  ['video timescale 90000', () => variants.timescale(90000, 16)],
  ['video timescale 16384', () => variants.timescale(16384, 16)],
  ['video timescale 1000 at 8 fps', () => variants.timescale(1000, 8)],
  ['video timescale 1000 at 16 fps', () => variants.timescale(1000, 16)],
  ['audio 0.25 s late (empty edit)', variants.audioLate],
  ['audio longer than video', variants.unequal],
  ['fragmented, default-base-is-moof', variants.fragmented],
  ['fragmented, base data offsets', variants.fragmentedBaseOffset],
  ['fragmented after samples in the moov', variants.fragmentedWithMoovSamples],
  ['GStreamer mp4mux', () => variants.gstreamer('mp4mux')],
  ['GStreamer qtmux', () => variants.gstreamer('qtmux')],
  ['GStreamer mp4mux, fragmented', () => variants.gstreamer('mp4mux', 500)],
  ['HEVC (x265, hvc1)', variants.hevc],
];

function cts(track: Mp4Track, i: number): number {
  return track.samples.dts[i] + track.samples.compositionOffsets[i];
}

describe('readMp4Model against ffprobe', () => {
  it.each(files)('%s: every sample as ffprobe reads it without the edit list', async (_, make) => {
    const file = make();
    const model = await readMp4Model(file);
    const streams = ffprobe(file, { ignoreEditList: true });
    expect(model.tracks.map((t) => t.id).sort()).toEqual([...streams.keys()].sort());
    for (const track of model.tracks) {
      const { packets } = streams.get(track.id)!;
      const s = track.samples;
      expect(s.count, `track ${track.id} samples`).toBe(packets.length);
      expect(Array.from(s.sizes)).toEqual(packets.map((p) => p.size));
      expect(Array.from(s.offsets)).toEqual(packets.map((p) => p.pos));
      expect(Array.from(s.dts)).toEqual(packets.map((p) => p.dts));
      // ffmpeg's packet duration is not always the table's (it evens out 1000-Hz rounding, takes AAC's
      // frame length); the next sample's decode time is.
      expect(Array.from(s.durations.subarray(0, -1))).toEqual(packets.slice(1).map((p, i) => p.dts - packets[i].dts));
      expect(Array.from(s.dts, (_, i) => cts(track, i))).toEqual(packets.map((p) => p.pts));
      expect(Array.from(s.sync, Boolean)).toEqual(packets.map((p) => p.keyframe));
    }
  });

  it.each(files)('%s: presentation as ffprobe applies the edit list', async (_, make) => {
    const file = make();
    const model = await readMp4Model(file);
    const streams = ffprobe(file);
    for (const track of model.tracks) {
      const stream = streams.get(track.id)!;
      const tick = 1 / track.timescale;
      expect(track.presentation.startSec, `track ${track.id} start`).toBeCloseTo(stream.startSec, 5);
      expect(Math.abs(track.presentation.durationSec - stream.durationSec), `track ${track.id} duration`).toBeLessThanOrEqual(tick + 1e-6);
      expect(Math.abs(track.presentation.endSec - stream.startSec - stream.durationSec), `track ${track.id} end`).toBeLessThanOrEqual(tick + 1e-6);
      // ffmpeg keeps the samples an edit hides (AAC priming) flagged discard; the rest carry presentation times.
      const shown = stream.packets.map((p, i) => ({ p, i })).filter(({ p }) => !p.discard);
      for (const { p, i } of shown) {
        expect(Math.round(presentationTimeSec(track.presentation, cts(track, i), track.timescale) * track.timescale), `track ${track.id} sample ${i}`).toBe(p.pts);
      }
    }
  });
});

/** How each file was made, in seconds: where each track starts and how long it shows. */
const made: [string, () => string, { video: [number, number]; audio: [number, number] | null; audioTolerance: number }][] = [
  ['faststart', variants.faststart, { video: [0, 2], audio: [0, 2], audioTolerance: 1e-9 }],
  ['x264 High with B-frames', variants.bframes, { video: [0, 2], audio: [0, 2], audioTolerance: 1e-9 }],
  ['video timescale 90000', () => variants.timescale(90000, 16), { video: [0, 2], audio: [0, 2], audioTolerance: 1e-9 }],
  // ffmpeg writes the edit in ms: the audio (priming included) starts 1024 samples before 0.25 s, rounded down to a ms.
  ['audio 0.25 s late', variants.audioLate, { video: [0, 2], audio: [Math.floor((0.25 - 1024 / 48000) * 1000) / 1000, 1.75 + 1024 / 48000 + 0.001], audioTolerance: 0.001 }],
  ['audio longer than video', variants.unequal, { video: [0, 2], audio: [0, 2.45], audioTolerance: 1e-9 }],
  // No edit list in empty_moov files: the B-frame delay (2 frames) stays in the presentation. (ffmpeg stretches
  // the first audio sample there to 3840 ticks; ffprobe reads the same above, nothing to derive it from here.)
  ['fragmented', variants.fragmented, { video: [2 / 25, 2], audio: null, audioTolerance: 0 }],
  ['GStreamer mp4mux', () => variants.gstreamer('mp4mux'), { video: [0, 2], audio: [0, (94 * 1024) / 48000], audioTolerance: 1024 / 48000 }],
];

describe('presentation against how the file was made', () => {
  it.each(made)('%s', async (_, make, expected) => {
    const model = await readMp4Model(make());
    const video = model.tracks.find((t) => t.kind === 'video')!;
    const audio = model.tracks.find((t) => t.kind === 'audio')!;
    expect(video.presentation.startSec).toBeCloseTo(expected.video[0], 9);
    expect(video.presentation.durationSec).toBeCloseTo(expected.video[1], 9);
    if (!expected.audio) return;
    expect(audio.presentation.startSec).toBeCloseTo(expected.audio[0], 9);
    expect(Math.abs(audio.presentation.durationSec - expected.audio[1])).toBeLessThanOrEqual(expected.audioTolerance + 1e-9);
  });
});

/** mp4box.js's own per-sample objects (small files only: 500 bytes a sample). */
function mp4boxSamples(file: string) {
  const bytes = readFileSync(file);
  const iso = createFile();
  iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), 0));
  iso.flush();
  return new Map(iso.moov.traks.map((trak) => [trak.tkhd.track_id, trak.samples]));
}

describe('readMp4Model against mp4box.js sample lists', () => {
  it.each(files)('%s', async (_, make) => {
    const file = make();
    const model = await readMp4Model(file);
    const reference = mp4boxSamples(file);
    for (const track of model.tracks) {
      const samples = reference.get(track.id)!;
      expect(track.samples.count).toBe(samples.length);
      expect(Array.from(track.samples.offsets)).toEqual(samples.map((s) => s.offset));
      expect(Array.from(track.samples.sizes)).toEqual(samples.map((s) => s.size));
      expect(Array.from(track.samples.dts)).toEqual(samples.map((s) => s.dts));
      expect(Array.from(track.samples.dts, (_, i) => cts(track, i))).toEqual(samples.map((s) => s.cts));
      expect(Array.from(track.samples.sync, Boolean)).toEqual(samples.map((s) => s.is_sync));
      expect(Array.from(track.samples.descriptionIndex)).toEqual(samples.map((s) => s.description_index + 1));
    }
  });
});

describe('model fields', () => {
  it('keeps the raw boxes, descriptions and mdat ranges of the file', async () => {
    const file = variants.moovAtEnd();
    const bytes = readFileSync(file);
    const model = await readMp4Model(file);
    expect(model.moovBeforeMdat).toBe(false);
    const format = JSON.parse(spawnSync(FFPROBE, ['-v', 'error', '-show_format', '-of', 'json', file], { encoding: 'utf8' }).stdout).format.tags;
    expect(model.ftyp).toEqual({ majorBrand: format.major_brand, minorVersion: Number(format.minor_version), compatibleBrands: format.compatible_brands.match(/.{4}/g) });
    expect(model.fragmented).toBe(false);
    const mdat = bytes.indexOf('mdat') - 4;
    expect(model.mediaData).toEqual([{ start: mdat + 8, end: mdat + bytes.readUInt32BE(mdat) }]);
    for (const track of model.tracks) {
      for (const [type, raw] of Object.entries(track.raw)) {
        if (!raw) continue;
        expect(Buffer.from(raw).toString('latin1', 4, 8), type).toBe(type === 'mediaHeader' ? (track.kind === 'video' ? 'vmhd' : 'smhd') : type);
        expect(bytes.indexOf(Buffer.from(raw)), `${type} is a copy of the file's bytes`).toBeGreaterThan(0);
      }
      const [description] = track.descriptions;
      expect(Buffer.from(description.raw).toString('latin1', 4, 8)).toBe(track.kind === 'video' ? 'avc1' : 'mp4a');
      expect(Buffer.from(track.raw.stsd).indexOf(Buffer.from(description.raw))).toBe(16);
    }
    const video = model.tracks.find((t) => t.kind === 'video')!.descriptions[0];
    const audio = model.tracks.find((t) => t.kind === 'audio')!.descriptions[0];
    expect(video).toMatchObject({ kind: 'video', codec: expect.stringMatching(/^avc1\.64/), width: 160, height: 96, nalLengthSize: 4 });
    expect(audio).toMatchObject({ kind: 'audio', codec: 'mp4a.40.2', sampleRate: 48000, channels: 1, samplesPerFrame: 1024 });
    // AAC-LC (2), 48 kHz (index 3), mono: 00010 0011 0001 000
    expect(audio.kind === 'audio' && audio.audioSpecificConfig).toMatch(/^1188/);
  });

  it('reads an HEVC description: codec string and parameter sets (VPS, SPS, PPS)', async () => {
    const model = await readMp4Model(variants.hevc());
    const video = model.tracks.find((t) => t.kind === 'video')!.descriptions[0];
    expect(video).toMatchObject({ kind: 'video', fourcc: 'hvc1', codec: expect.stringMatching(/^hvc1\.1\./), width: 160, height: 96, nalLengthSize: 4 });
    // NAL unit types (bits 1-6 of the first byte): VPS 32, SPS 33, PPS 34 (x265 adds an SEI, 39, to hvcC).
    expect(video.kind === 'video' && video.parameterSets.map((p) => (p[0] >> 1) & 0x3f).slice(0, 3)).toEqual([32, 33, 34]);
  });

  it('reads the AudioSpecificConfig of a QuickTime sound description (GStreamer qtmux)', async () => {
    const model = await readMp4Model(variants.gstreamer('qtmux'));
    const audio = model.tracks.find((t) => t.kind === 'audio')!.descriptions[0];
    expect(audio).toMatchObject({ kind: 'audio', codec: 'mp4a.40.2', sampleRate: 48000, channels: 1, samplesPerFrame: 1024, audioSpecificConfig: expect.stringMatching(/^1188/) });
  });
});
