import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpegPath } from '../ffmpeg/binary.ts';
import { adtsHeader, readFramesAsAdts, splitAdtsFrames } from './adts.ts';
import { probeMp4 } from './probe.ts';

describe('adtsHeader', () => {
  it.each([
    // AAC LC, 16 kHz, mono: the header ffmpeg's ADTS muxer writes for a 100-byte frame
    ['1408', 100, 'fff16040 0d7ffc'],
    // AAC LC, 48 kHz, stereo
    ['1190', 10, 'fff14c80 023ffc'],
  ])('config %s, %d bytes', (asc, length, expected) => {
    expect(adtsHeader(asc, length).toString('hex')).toBe(expected.replace(' ', ''));
  });

  it('round-trips through splitAdtsFrames', () => {
    const payloads = [Buffer.from([1, 2, 3]), Buffer.alloc(300, 7)];
    const stream = Buffer.concat(payloads.flatMap((p) => [adtsHeader('1408', p.length), p]));
    expect(splitAdtsFrames(stream)).toEqual(payloads);
  });

  it('refuses configurations ADTS cannot carry', () => {
    expect(() => adtsHeader('2b08', 10)).toThrow(/cannot be carried/);
  });
});

async function collect(frames: AsyncGenerator<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of frames) parts.push(part);
  return Buffer.concat(parts);
}

describe('readFramesAsAdts', () => {
  const chunk = new URL('../../../fixtures/three-chunks-with-pause/zz-first.mp4', import.meta.url).pathname;

  it("writes what ffmpeg's own ADTS muxer writes for the chunk's audio", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adts-'));
    try {
      const reference = join(dir, 'reference.aac');
      const ffmpeg = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-i', chunk, '-map', '0:a', '-c', 'copy', '-f', 'adts', reference]);
      expect(ffmpeg.status).toBe(0);
      const expected = readFileSync(reference);
      const audio = (await probeMp4(chunk)).audio!;
      const request = { file: chunk, offsets: audio.packetOffsets, sizes: audio.packetSizes };
      expect(await collect(readFramesAsAdts({ ...request, first: 0, count: audio.sampleCount }, audio.audioSpecificConfig))).toEqual(expected);
      const frames = splitAdtsFrames(expected);
      const middle = await collect(readFramesAsAdts({ ...request, first: 3, count: 10 }, audio.audioSpecificConfig));
      expect(splitAdtsFrames(middle)).toEqual(frames.slice(3, 13));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('copies frames that lie far apart or out of file order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adts-'));
    try {
      const file = join(dir, 'spread.bin');
      const bytes = Buffer.alloc(3_500_000);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
      writeFileSync(file, bytes);
      // 5 bytes, then 3 bytes 1.5 MB later, then one before both, then two adjacent ones at the end
      const offsets = [100, 1_600_000, 50, 3_000_000, 3_000_004];
      const sizes = [5, 3, 40, 4, 6];
      const expected = Buffer.concat(offsets.flatMap((o, i) => [adtsHeader('1408', sizes[i]), bytes.subarray(o, o + sizes[i])]));
      const out = await collect(readFramesAsAdts({ file, offsets: Float64Array.from(offsets), sizes: Uint32Array.from(sizes), first: 0, count: 5 }, '1408'));
      expect(out).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses frames the file cuts short', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adts-'));
    try {
      const file = join(dir, 'short.bin');
      writeFileSync(file, Buffer.alloc(100));
      await expect(collect(readFramesAsAdts({ file, offsets: Float64Array.from([10, 90]), sizes: Uint32Array.from([5, 20]), first: 0, count: 2 }, '1408'))).rejects.toThrow(/cut short/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
