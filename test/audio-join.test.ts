/**
 * WAV joins decoded: Debian's ffmpeg (not the pipeline's parser) decodes the chunks and the
 * output, and the test rebuilds the expected samples from the metadata's arithmetic alone.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNEL_OF, MIXED_MP3, MIXED_WAV, PARTICIPANTS, UNMIXED_WAV } from '../fixtures/audio-fixtures.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';

const run = promisify(execFile);
const scratch = await mkdtemp(join(tmpdir(), 'acsrec-audio-join-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));
const RATE = 16000;
const input = (name: string) => join(REPO_ROOT, 'fixtures', 'cases', name, 'input');

async function decode(file: string): Promise<Buffer> {
  const { stdout } = await run('/usr/bin/ffmpeg', ['-v', 'error', '-i', file, '-f', 's16le', '-c:a', 'pcm_s16le', 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 << 20 });
  return stdout;
}

async function processed(name: string, args: string[] = []): Promise<{ out: string; manifest: any }> {
  const out = join(scratch, `${name}${args.join('')}`);
  const result = await runCli(['process', input(name), '--out', out, ...args]);
  expect(result.code, result.stderr).toBe(0);
  return { out, manifest: JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) };
}

describe('WAV joins, decoded', () => {
  it('joins the chunks to the sample: the output is the chunks back to back', async () => {
    const { out, manifest } = await processed('audio-mixed-wav');
    const chunks = await Promise.all(MIXED_WAV.map((c) => decode(join(input('audio-mixed-wav'), c.mediaName))));
    const output = await decode(join(out, 'recording.wav'));
    expect(output.length).toBe(chunks.reduce((s, c) => s + c.length, 0));
    expect(output.equals(Buffer.concat(chunks))).toBe(true);
    expect(manifest.chunks[1].mediaOffsetMs).toBe(Math.round((chunks[0].length / 2 / RATE) * 1000));
  }, 60_000);

  it('--fill-pauses puts exact silence where the pause was, so media time is wall-clock time', async () => {
    const { out, manifest } = await processed('audio-mixed-wav', ['--fill-pauses']);
    const [first, second] = await Promise.all(MIXED_WAV.map((c) => decode(join(input('audio-mixed-wav'), c.mediaName))));
    const pause = MIXED_WAV[0].pauses![0];
    const cut = ((pause.atMs - MIXED_WAV[0].startMs) * RATE) / 1000;
    const chunk0WallEndMs = MIXED_WAV[0].startMs + (first.length / 2 / RATE) * 1000 + pause.durationMs;
    const gapSamples = Math.round(((MIXED_WAV[1].startMs - chunk0WallEndMs) * RATE) / 1000);
    const expected = Buffer.concat([first.subarray(0, cut * 2), Buffer.alloc((pause.durationMs * RATE * 2) / 1000), first.subarray(cut * 2), Buffer.alloc(Math.max(0, gapSamples) * 2), second]);
    const output = await decode(join(out, 'recording.wav'));
    expect(output.length).toBe(expected.length);
    expect(output.equals(expected)).toBe(true);
    expect(manifest.pauses[0].mediaOffsetMs).toBe(pause.atMs);
    expect(manifest.chunks[1].mediaOffsetMs).toBe(MIXED_WAV[1].startMs);
    expect(manifest.output.durationMs).toBe(expected.length / 2 / (RATE / 1000));
  }, 60_000);

  it('unmixed: every channel file is its channel of recording.wav, its participant is the metadata\'s, speech where the participant spoke', async () => {
    const { out, manifest } = await processed('audio-unmixed-wav');
    const all = await decode(join(out, 'recording.wav'));
    const channels = 3;
    const frames = all.length / 2 / channels;
    for (let k = 0; k < channels; k++) {
      const mono = await decode(join(out, 'channels', `channel-${k}.wav`));
      expect(mono.length).toBe(frames * 2);
      const expected = Buffer.alloc(frames * 2);
      for (let f = 0; f < frames; f++) expected.writeInt16LE(all.readInt16LE((f * channels + k) * 2), f * 2);
      expect(mono.equals(expected), `channel ${k}`).toBe(true);
    }
    expect(manifest.output.audio.channels).toBe(3);
    expect(manifest.channels.map((c: any) => c.participantId)).toEqual([0, 1, 2].map((k) => PARTICIPANTS[CHANNEL_OF.indexOf(k)]));
    // where each participant spoke, from the fixture's own burst list and chunk starts
    let offsetMs = 0;
    const bursts: { channel: number; fromMs: number; toMs: number }[] = [];
    for (const chunk of UNMIXED_WAV) {
      for (const b of chunk.bursts) bursts.push({ channel: b.channel, fromMs: offsetMs + b.atSec * 1000, toMs: offsetMs + (b.atSec + b.durationSec) * 1000 });
      offsetMs += chunk.durationSec * 1000;
    }
    for (let k = 0; k < channels; k++) {
      const mine = bursts.filter((b) => b.channel === k);
      const spans = manifest.channels[k].speech;
      expect(spans, `channel ${k}`).toHaveLength(mine.length);
      mine.forEach((b, i) => {
        expect(Math.abs(spans[i].mediaOffsetMs - b.fromMs)).toBeLessThanOrEqual(30);
        const endMs = spans[i].mediaOffsetMs + spans[i].durationMs;
        expect(endMs).toBeGreaterThanOrEqual(b.toMs - 30);
        expect(endMs).toBeLessThanOrEqual(b.toMs + 200 + 30);
      });
    }
  }, 60_000);

  it('MP3: the joined file decodes to the chunks\' summed length within half a frame, each chunk placed where the lengths add up', async () => {
    const { out, manifest } = await processed('audio-mixed-mp3');
    const halfFrameMs = 576 / 2 / (RATE / 1000); // MPEG-2 Layer III at 16 kHz
    // Debian's ffmpeg trims the LAME tag's delay and padding when it decodes
    const lengths = await Promise.all(MIXED_MP3.map(async (c) => (await decode(join(input('audio-mixed-mp3'), c.mediaName))).length / 2 / (RATE / 1000)));
    const decodedMs = (await decode(join(out, 'recording.mp3'))).length / 2 / (RATE / 1000);
    const summedMs = lengths.reduce((a, b) => a + b, 0);
    expect(Math.abs(decodedMs - summedMs)).toBeLessThanOrEqual(halfFrameMs);
    expect(Math.abs(manifest.output.durationMs - decodedMs)).toBeLessThanOrEqual(1);
    let idealMs = 0;
    manifest.chunks.forEach((chunk: { mediaOffsetMs: number }, i: number) => {
      expect(Math.abs(chunk.mediaOffsetMs - idealMs)).toBeLessThanOrEqual(halfFrameMs + 1);
      idealMs += lengths[i];
    });
    expect(manifest.output.audio).toEqual({ codec: 'mp3', sampleRate: RATE, channels: 1 });
  }, 60_000);
});
