import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeWav } from './riff.ts';

const dir = await mkdtemp(join(tmpdir(), 'acsrec-riff-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const u16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
const chunk = (id: string, body: Buffer, declared = body.length) => Buffer.concat([Buffer.from(id, 'latin1'), u32(declared), body, Buffer.alloc(body.length % 2)]);
const fmt16 = (channels: number, rate: number, bits = 16, tag = 1) => Buffer.concat([u16(tag), u16(channels), u32(rate), u32((rate * channels * bits) / 8), u16((channels * bits) / 8), u16(bits)]);
const extensible = (channels: number, rate: number, subTag = 1) =>
  Buffer.concat([fmt16(channels, rate, 16, 0xfffe), u16(22), u16(16), u32(0), u16(subTag), Buffer.from('000000001000800000aa00389b71', 'hex')]);
const riff = (parts: Buffer[], size?: number, magic = 'RIFF') => {
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...parts]);
  return Buffer.concat([Buffer.from(magic, 'latin1'), u32(size ?? body.length), body]);
};
const samples = (frames: number, channels: number) => Buffer.alloc(frames * channels * 2, 1);

const CASES: { name: string; bytes: Buffer; expect: { codec?: string; channels?: number; frames?: number; chunkIds?: string[]; streaming?: boolean; error?: RegExp } }[] = [
  { name: 'canonical 44-byte header', bytes: riff([chunk('fmt ', fmt16(1, 16000)), chunk('data', samples(1600, 1))]), expect: { codec: 'pcm_s16le', channels: 1, frames: 1600 } },
  {
    name: 'LIST and fact before fmt, an odd-sized chunk padded',
    bytes: riff([chunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00abcde', 'latin1')), chunk('odd ', Buffer.from('xyz')), chunk('fmt ', fmt16(2, 16000)), chunk('fact', u32(800)), chunk('data', samples(800, 2))]),
    expect: { codec: 'pcm_s16le', channels: 2, frames: 800, chunkIds: ['LIST', 'odd ', 'fmt ', 'fact', 'data'] },
  },
  { name: 'fmt after data', bytes: riff([chunk('data', samples(100, 1)), chunk('fmt ', fmt16(1, 16000))]), expect: { frames: 100, chunkIds: ['data', 'fmt '] } },
  { name: 'WAVE_FORMAT_EXTENSIBLE with the PCM sub-format', bytes: riff([chunk('fmt ', extensible(5, 16000)), chunk('data', samples(320, 5))]), expect: { codec: 'pcm_s16le', channels: 5, frames: 320 } },
  { name: 'streaming writer: data size 0xFFFFFFFF', bytes: riff([chunk('fmt ', fmt16(1, 16000)), Buffer.from('data'), u32(0xffffffff), samples(500, 1)], 0xffffffff), expect: { frames: 500, streaming: true } },
  { name: 'streaming writer: data size 0', bytes: riff([chunk('fmt ', fmt16(1, 16000)), Buffer.from('data'), u32(0), samples(501, 1)], 0), expect: { frames: 501, streaming: true } },
  {
    name: 'RF64 with ds64',
    bytes: riff([chunk('ds64', Buffer.concat([Buffer.from(new BigUint64Array([0n, 640n, 320n]).buffer), u32(0)])), chunk('fmt ', fmt16(1, 16000)), Buffer.from('data'), u32(0xffffffff), samples(320, 1)], 0xffffffff, 'RF64'),
    expect: { frames: 320, streaming: false },
  },
  { name: '24-bit PCM is read and named (the pipeline then refuses it)', bytes: riff([chunk('fmt ', fmt16(1, 16000, 24)), chunk('data', Buffer.alloc(300))]), expect: { codec: 'pcm_s24le', frames: 100 } },
  { name: 'float', bytes: riff([chunk('fmt ', fmt16(1, 16000, 32, 3)), chunk('data', Buffer.alloc(400))]), expect: { codec: 'pcm_f32le', frames: 100 } },
  { name: 'truncated data', bytes: riff([chunk('fmt ', fmt16(1, 16000)), chunk('data', samples(1000, 1))]).subarray(0, 1000), expect: { error: /truncated WAV: the data chunk says 2000 bytes, the file holds 956/ } },
  { name: 'an HTML page', bytes: Buffer.from('<!DOCTYPE html><html><body>Service unavailable</body></html>'), expect: { error: /not a WAV file/ } },
  { name: 'no fmt chunk', bytes: riff([chunk('data', samples(10, 1))]), expect: { error: /no fmt chunk/ } },
  { name: 'no data chunk', bytes: riff([chunk('fmt ', fmt16(1, 16000))]), expect: { error: /no data chunk/ } },
  { name: 'empty', bytes: Buffer.alloc(0), expect: { error: /empty/ } },
];

describe('probeWav', () => {
  it.each(CASES)('$name', async ({ name, bytes, expect: want }) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.wav`);
    await writeFile(file, bytes);
    if (want.error) {
      await expect(probeWav(file)).rejects.toThrow(want.error);
      return;
    }
    const probe = await probeWav(file);
    if (want.codec) expect(probe.format.codec).toBe(want.codec);
    if (want.channels) expect(probe.format.channels).toBe(want.channels);
    if (want.frames !== undefined) expect(probe.sampleFrames).toBe(want.frames);
    if (want.chunkIds) expect(probe.chunkIds).toEqual(want.chunkIds);
    if (want.streaming !== undefined) expect(probe.streamingSize).toBe(want.streaming);
    expect(probe.durationSec).toBeCloseTo(probe.sampleFrames / probe.format.sampleRate, 9);
  });
});
