import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { needsRf64, wavHeader } from './header.ts';
import { probeWav } from './riff.ts';

const dir = await mkdtemp(join(tmpdir(), 'acsrec-wavheader-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const GiB4 = 2 ** 32;
const five = { channels: 5, sampleRate: 16000, bitsPerSample: 16 };

describe('wavHeader', () => {
  it.each([
    { dataBytes: 0, rf64: false },
    { dataBytes: 32000, rf64: false },
    // the RIFF size field holds 36 + data (+ a pad byte when odd): the last size that fits, and the first that does not
    { dataBytes: GiB4 - 2 - 36, rf64: false },
    { dataBytes: GiB4 - 1 - 36, rf64: true },
    { dataBytes: GiB4 - 36, rf64: true },
    // 4 h x 5 channels x 16 kHz x 2 bytes: the bench recording, 2.3 GB, still RIFF
    { dataBytes: 4 * 3600 * 16000 * 2 * 5, rf64: false },
    // 8 h of the same: RF64
    { dataBytes: 8 * 3600 * 16000 * 2 * 5, rf64: true },
  ])('$dataBytes bytes of data -> rf64 $rf64', ({ dataBytes, rf64 }) => {
    expect(needsRf64(dataBytes)).toBe(rf64);
    const h = wavHeader(five, dataBytes);
    expect(h.toString('latin1', 0, 4)).toBe(rf64 ? 'RF64' : 'RIFF');
    expect(h.toString('latin1', 8, 12)).toBe('WAVE');
    if (!rf64) {
      expect(h.length).toBe(44);
      expect(h.readUInt32LE(4)).toBe(36 + dataBytes);
      expect(h.toString('latin1', 36, 40)).toBe('data');
      expect(h.readUInt32LE(40)).toBe(dataBytes);
      return;
    }
    // EBU Tech 3306: RIFF and data sizes are -1, the real ones are in ds64
    expect(h.length).toBe(80);
    expect(h.readUInt32LE(4)).toBe(0xffffffff);
    expect(h.toString('latin1', 12, 16)).toBe('ds64');
    expect(h.readUInt32LE(16)).toBe(28);
    expect(Number(h.readBigUInt64LE(20))).toBe(72 + dataBytes + (dataBytes % 2));
    expect(Number(h.readBigUInt64LE(28))).toBe(dataBytes);
    expect(Number(h.readBigUInt64LE(36))).toBe(Math.floor(dataBytes / 10));
    expect(h.readUInt32LE(44)).toBe(0);
    expect(h.toString('latin1', 48, 52)).toBe('fmt ');
    expect(h.toString('latin1', 72, 76)).toBe('data');
    expect(h.readUInt32LE(76)).toBe(0xffffffff);
  });

  it('fmt fields: PCM, channels, rate, byte rate, block align, bits', () => {
    const h = wavHeader(five, 100);
    expect([h.readUInt16LE(20), h.readUInt16LE(22), h.readUInt32LE(24), h.readUInt32LE(28), h.readUInt16LE(32), h.readUInt16LE(34)]).toEqual([1, 5, 16000, 160000, 10, 16]);
  });

  it('reads back through probeWav and Debian ffprobe agrees on the length', async () => {
    const file = join(dir, 'round-trip.wav');
    await writeFile(file, Buffer.concat([wavHeader(five, 16000 * 10), Buffer.alloc(16000 * 10)]));
    const probe = await probeWav(file);
    expect([probe.format.codec, probe.format.channels, probe.sampleFrames]).toEqual(['pcm_s16le', 5, 16000]);
    const { stdout } = await promisify(execFile)('/usr/bin/ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,channels,sample_rate,duration_ts', '-of', 'csv=p=0', file]);
    expect(stdout.trim()).toBe('pcm_s16le,16000,5,16000');
  });
});
