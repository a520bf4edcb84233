import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ffprobe } from '../../../test/helpers/ffprobe-packets.ts';
import { variants } from '../../../test/helpers/mp4-variants.ts';
import { InvalidInputError } from '../../errors.ts';
import { frameRateOf, probeMp4 } from './probe.ts';

const dir = mkdtempSync(join(tmpdir(), 'probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('frameRateOf', () => {
  it.each([
    ['constant 90 kHz', [3750, 3750, 3750], 90000, 24],
    ['1000 Hz at 16 fps: 62/63 rounding', [62, 63, 62, 63, 62, 63], 1000, 16],
    ['a dropped frame and a long last frame do not count', [40, 40, 80, 40, 40, 200], 1000, 25],
    ['NTSC in ms', Array.from({ length: 300 }, (_, i) => Math.round(((i + 1) * 1001) / 30) - Math.round((i * 1001) / 30)), 1000, 29.97],
    ['12.5 fps is not rounded to 13', [80, 80, 80, 80], 1000, 12.5],
  ])('%s', (_, durations, timescale, fps) => {
    expect(frameRateOf(Uint32Array.from(durations as number[]), timescale as number)).toBeCloseTo(fps as number, 2);
  });
});

describe('probeMp4', () => {
  it.each([
    ['90000', () => variants.timescale(90000, 16), 16],
    ['16384', () => variants.timescale(16384, 16), 16],
    ['1000 at 16 fps', () => variants.timescale(1000, 16), 16],
    ['1000 at 8 fps', () => variants.timescale(1000, 8), 8],
    ['12800 (x264 B-frames)', variants.bframes, 25],
    ['GStreamer 2500', () => variants.gstreamer('mp4mux'), 25],
  ])('frame rate with a video timescale of %s', async (_, make, fps) => {
    expect((await probeMp4(make())).video!.frameRate).toBe(fps);
  });

  it.each([
    ['x264 B-frames', variants.bframes],
    ['timescale 1000', () => variants.timescale(1000, 16)],
    ['audio late', variants.audioLate],
    ['fragmented', variants.fragmented],
    ['GStreamer qtmux', () => variants.gstreamer('qtmux')],
  ])('keyframe times are presentation times, as ffprobe shows them: %s', async (_, make) => {
    const file = make();
    const probe = await probeMp4(file);
    const video = probe.video!;
    const keyframes = ffprobe(file).get(video.track.id)!.packets.filter((p) => p.keyframe);
    expect(video.syncSamples.map((s) => Math.round(s.timeSec * video.timescale))).toEqual(keyframes.map((p) => p.pts));
    expect(video.syncSamples.map((s) => [s.offset, s.size])).toEqual(keyframes.map((p) => [p.pos, p.size]));
  });

  it('B-frames: the first keyframe shows at 0, two frames of delay are skipped, 50 frames last 2 s', async () => {
    const { video, audio } = await probeMp4(variants.bframes());
    expect(video!.syncSamples[0].timeSec).toBe(0);
    expect(video!.mediaStartSec).toBe(2 / 25);
    expect(video!.durationSec).toBe(2);
    expect(video!.sampleCount).toBe(50);
    // ffmpeg's AAC encoder primes 1024 samples; 2 s at 44.1 kHz are presented.
    expect(audio).toMatchObject({ primingSamples: 1024, presentedSamples: 88200, samplesPerFrame: 1024, sampleRate: 44100, durationSec: 2 });
  });

  it('an audio track that starts late keeps its start, and the file lasts to the latest end', async () => {
    const file = variants.audioLate();
    const probe = await probeMp4(file);
    const streams = ffprobe(file);
    expect(probe.audio!.startSec).toBeCloseTo(streams.get(probe.audio!.track.id)!.startSec, 6);
    expect(probe.audio!.primingSamples).toBe(0);
    expect(probe.video!.startSec).toBe(0);
    expect(probe.durationSec).toBeCloseTo(Math.max(...[...streams.values()].map((s) => s.startSec + s.durationSec)), 6);
  });

  it('tracks of unequal length: the longer one is the file length', async () => {
    const probe = await probeMp4(variants.unequal());
    expect(probe.video!.durationSec).toBe(2);
    expect(probe.audio!.presentedSamples).toBe(Math.round(2.45 * 48000));
    expect(probe.durationSec).toBeCloseTo(2.45, 9);
  });

  it('fragmented files have samples, and the audio summary points at its model track', async () => {
    const probe = await probeMp4(variants.fragmented());
    expect(probe.fragmented).toBe(true);
    expect(probe.video!.sampleCount).toBe(50);
    expect(probe.model.tracks).toContain(probe.audio!.track);
  });

  it('refuses a track without samples, naming the file', async () => {
    const bytes = readFileSync(variants.fragmented());
    const parts: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += bytes.readUInt32BE(at)) {
      const type = bytes.toString('latin1', at + 4, at + 8);
      if (type === 'ftyp' || type === 'moov') parts.push(bytes.subarray(at, at + bytes.readUInt32BE(at)));
    }
    const file = join(dir, 'init-segment-only.mp4');
    writeFileSync(file, Buffer.concat(parts));
    const error = await probeMp4(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ file, message: 'the video track has no samples' });
  });
});
