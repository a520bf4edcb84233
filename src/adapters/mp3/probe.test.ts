import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../errors.ts';
import { ffmpegPath } from '../ffmpeg/binary.ts';
import { apeTag, frameBytes, headerBytes, id3v1Tag, id3v2Tag, infoFrame, type HeaderFields } from './hand-built-frames.ts';
import { probeMp3 } from './probe.ts';

const dir = mkdtempSync(join(tmpdir(), 'mp3-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, ...parts: Buffer[]): string {
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

async function refusal(file: string): Promise<InvalidInputError> {
  const error = await probeMp3(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  expect((error as InvalidInputError).toLine()).toContain(file);
  return error as InvalidInputError;
}

// 16 kHz mono MPEG-2: 32 kbps frames are 72 * 32000 / 16000 = 144 bytes, 40 kbps 180 (+1 padded).
const mono16k = (bitrateIndex: number, padding = false): HeaderFields => ({ version: '2', bitrateIndex, rateIndex: 2, mono: true, padding });
const audio16k = (n: number) => Array.from({ length: n }, (_, i) => (i % 3 === 2 ? frameBytes(mono16k(5, true), 181) : frameBytes(mono16k(4), 144)));
const audioBytes16k = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 3 === 2 ? 181 : 144));

describe('probeMp3 on hand-built streams', () => {
  const frames = audio16k(20);
  const info = infoFrame(mono16k(5), 180, 9, { frames: 20, bytes: 180 + audioBytes16k(20).reduce((a, b) => a + b), delay: 576, padding: 1234 });

  it('skips ID3v2 (with footer), reads the Info/LAME tag, tolerates APE and ID3v1 at the end', async () => {
    const id3 = id3v2Tag(300, true);
    const probe = await probeMp3(write('tagged.mp3', id3, info, ...frames, apeTag(50), id3v1Tag()));
    const sizes = audioBytes16k(20);
    const firstAudio = id3.length + 180;
    expect(id3.length).toBe(320);
    expect(probe).toMatchObject({ version: '2', sampleRate: 16000, channels: 1, samplesPerFrame: 576, frameCount: 20, hasInfoTag: true });
    expect(Array.from(probe.frameSizes)).toEqual(sizes);
    expect(Array.from(probe.frameOffsets)).toEqual(sizes.map((_, i) => firstAudio + sizes.slice(0, i).reduce((a, b) => a + b, 0)));
    expect(probe.encoderDelaySamples).toBe(576);
    expect(probe.encoderPaddingSamples).toBe(1234);
    expect(probe.presentedSamples).toBe(20 * 576 - 576 - 1234);
    expect(probe.durationSec).toBeCloseTo((20 * 576 - 1810) / 16000, 9);
    expect(probe.infoTag?.lame?.encoder).toBe('LAME3.100');
    expect(probe.skippedBytes).toBe(0);
  });

  it('resyncs over junk between frames where a chain of headers confirms it', async () => {
    const junk = Buffer.from([0xff, 0xf3, 0x00, 0x12, ...Array(33).fill(0)]);
    const probe = await probeMp3(write('junk.mp3', info, ...frames.slice(0, 6), junk, ...frames.slice(6)));
    expect(probe.frameCount).toBe(20);
    expect(probe.skippedBytes).toBe(37);
  });

  it('without a tag: every frame is audio, no delay or padding', async () => {
    const probe = await probeMp3(write('plain.mp3', ...frames));
    expect(probe).toMatchObject({ frameCount: 20, hasInfoTag: false, encoderDelaySamples: 0, encoderPaddingSamples: 0, presentedSamples: 20 * 576 });
  });

  it.each([
    ['MPEG-1 stereo (side info 32 bytes)', { version: '1', bitrateIndex: 9, rateIndex: 0 }, 417, 32, 44100, 1152],
    ['MPEG-1 mono (17)', { version: '1', bitrateIndex: 5, rateIndex: 1, mono: true }, 192, 17, 48000, 1152],
    ['MPEG-2 stereo (17)', { version: '2', bitrateIndex: 8, rateIndex: 0 }, 208, 17, 22050, 576],
    ['MPEG-2.5 mono (9)', { version: '2.5', bitrateIndex: 4, rateIndex: 2, mono: true }, 288, 9, 8000, 576],
  ] as const)('finds the Info tag after the side information: %s', async (_, fields, size, sideInfo, rate, spf) => {
    const tag = infoFrame(fields, size, sideInfo, { frames: 10, bytes: 11 * size, delay: 1105, padding: 300 });
    const probe = await probeMp3(write(`info-${rate}.mp3`, tag, ...Array.from({ length: 10 }, () => frameBytes(fields, size))));
    expect(probe).toMatchObject({ sampleRate: rate, samplesPerFrame: spf, frameCount: 10, encoderDelaySamples: 1105, encoderPaddingSamples: 300, presentedSamples: 10 * spf - 1405 });
  });

  it.each([
    ['a truncated file (last frame cut short)', () => Buffer.concat([info, ...frames]).subarray(0, 180 + 4 * 144 + 2 * 181 + 62), /truncated: frame 6 at byte 1118 needs 144 bytes/],
    ['a file cut at a frame boundary', () => Buffer.concat([info, ...frames.slice(0, 19)]), /counts 20 audio frames but the file holds 19 \(truncated\?\)/],
    ['an HTML page', () => Buffer.from('<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>\n'.repeat(20)), /not an MP3: no MPEG audio Layer III frames found \(it starts like an HTML/],
    ['random bytes', () => Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 251)), /not an MP3: no MPEG audio Layer III frames found \(it starts with bytes/],
    ['an empty file', () => Buffer.alloc(0), /is empty/],
    ['MPEG-1 Layer II', () => Buffer.concat(Array.from({ length: 5 }, () => frameBytes({ version: '1', layerBits: 2, bitrateIndex: 9, rateIndex: 0 }, 417))), /Layer II audio, not MP3/],
    ['free-format bitrate', () => Buffer.concat([headerBytes({ version: '1', bitrateIndex: 0, rateIndex: 0 }), Buffer.alloc(600)]), /free-format bitrate/],
    ['an ID3 tag and nothing else', () => id3v2Tag(100), /not an MP3/],
  ])('refuses %s, naming the file', async (name, bytes, message) => {
    const error = await refusal(write(`${name.replace(/\W+/g, '-')}.mp3`, bytes()));
    expect(error.message).toMatch(message);
  });
});

function run(binary: string, args: string[]) {
  const result = spawnSync(binary, args, { maxBuffer: 1 << 28 });
  expect(result.status, String(result.stderr)).toBe(0);
  return result.stdout;
}

describe('probeMp3 on files libmp3lame writes (both ffmpegs)', () => {
  const encoders = [
    ['embedded ffmpeg 4.1', ffmpegPath()],
    ['Debian ffmpeg 5.1', '/usr/bin/ffmpeg'],
  ] as const;
  const formats = [
    [16000, 1, '32k', 2.5],
    [16000, 1, '24k', 1.23],
    [44100, 2, '128k', 1.7],
    [48000, 1, '64k', 0.9],
    [44100, 2, 'vbr', 1.1],
  ] as const;
  const cases = encoders.flatMap(([label, binary]) => formats.map(([rate, channels, bitrate, seconds]) => [label, rate, channels, bitrate, seconds, binary] as const));

  it.each(cases)('%s: %i Hz, %i channel(s), %s, %f s', async (label, rate, channels, bitrate, seconds, binary) => {
    const file = join(dir, `${label.replace(/\W+/g, '-')}-${rate}-${channels}-${bitrate}-${seconds}.mp3`);
    const quality = bitrate === 'vbr' ? ['-q:a', '4'] : ['-b:a', bitrate];
    run(binary, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=f=440:r=${rate}:d=${seconds}`, '-ac', String(channels), '-c:a', 'libmp3lame', ...quality, file]);
    const probe = await probeMp3(file);
    const inputSamples = Math.round(rate * seconds);
    // Independent figures: what the encoder was fed, what ffmpeg decodes it to, how many packets
    // ffprobe counts and where it says the audio starts (encoder delay + 529 decoder delay).
    const decodedSamples = run(binary, ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-']).length / 2;
    const probed = JSON.parse(String(run('/usr/bin/ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=start_time,nb_read_packets,sample_rate,channels:packet=pos,size', '-of', 'json', file])));
    const ffprobe = probed.streams[0];
    expect(Array.from(probe.frameOffsets)).toEqual(probed.packets.map((p: { pos: string }) => Number(p.pos)));
    expect(Array.from(probe.frameSizes)).toEqual(probed.packets.map((p: { size: string }) => Number(p.size)));
    expect(probe.infoTag?.kind).toBe(bitrate === 'vbr' ? 'Xing' : 'Info');
    expect(probe.presentedSamples).toBe(inputSamples);
    expect(decodedSamples).toBe(inputSamples);
    expect(probe.frameCount).toBe(Number(ffprobe.nb_read_packets));
    expect(probe.encoderDelaySamples).toBe(Math.round(Number(ffprobe.start_time) * rate) - 529);
    expect(probe.encoderPaddingSamples).toBe(probe.frameCount * probe.samplesPerFrame - inputSamples - probe.encoderDelaySamples);
    expect([probe.sampleRate, probe.channels]).toEqual([Number(ffprobe.sample_rate), Number(ffprobe.channels)]);
    expect(probe.samplesPerFrame).toBe(rate >= 32000 ? 1152 : 576);
    expect(probe.hasInfoTag).toBe(true);
    // The side information read right: each frame's main data starts after the previous one's ends
    // and ends inside its own frame (main_data_begin and part2_3_length agree for every frame).
    let payloadStart = 0;
    let previousEnd = 0;
    for (let j = 0; j < probe.frameCount; j++) {
      const start = payloadStart - probe.mainDataBegin[j];
      payloadStart += probe.frameSizes[j] - probe.sideInfoBytes;
      expect(start).toBeGreaterThanOrEqual(previousEnd);
      expect(start + probe.mainDataSizes[j]).toBeLessThanOrEqual(payloadStart);
      previousEnd = start + probe.mainDataSizes[j];
    }
    expect(probe.mainDataSizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.3 * payloadStart);
    expect(probe.mainDataBegin[0]).toBe(0);
    expect(Math.max(...probe.mainDataBegin)).toBeGreaterThan(0);
  });
});
