import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile } from '../fs/hash.ts';
import { ffmpegPath } from '../ffmpeg/binary.ts';
import { boxesOf } from './boxes/parsed-by-mp4box.ts';
import { joinJob } from './mp4box-jobs.ts';
import { writeMp4 } from './writer.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  expect(readSync(fd, buffer, 0, length, position)).toBe(length);
  return buffer;
}

/** Slow: writes a file of 4.3 GB. ACSREC_SLOW_TESTS=1 runs it. */
describe.skipIf(process.env.ACSREC_SLOW_TESTS !== '1')('writeMp4 past 4 GiB', () => {
  let dir = '';
  let media = '';
  let filler = '';
  let out = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mp4-writer-co64-'));
    [media, filler, out] = ['bframes.mp4', 'filler.bin', 'out.mp4'].map((name) => join(dir, name));
    const render = spawnSync('nice', [ffmpegPath(), '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=2', '-f', 'lavfi', '-i', 'sine=r=48000:d=2', '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-c:a', 'aac', media]);
    expect(render.status, String(render.stderr)).toBe(0);
    // Sparse: 4 GiB + 1 MiB of zeros that cost no disk until the output copies them.
    writeFileSync(filler, '');
    truncateSync(filler, 2 ** 32 + 2 ** 20);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes co64 and a 64-bit mdat, and every sample past 2^32 reads back, plays and hashes equal', async () => {
    const test = joinJob([media], out);
    const { job } = test;
    // Unreferenced filler first, so that every sample lies past 2^32.
    job.sources.unshift(filler);
    job.pieces = [{ kind: 'file', source: 0, start: 0, end: 2 ** 32 + 2 ** 20 }, ...job.pieces.map((p) => (p.kind === 'file' ? { ...p, source: p.source + 1 } : p))];
    for (const track of job.tracks) for (let i = 0; i < track.samples.count; i++) track.samples.piece[i]++;

    const result = await writeMp4(job);
    expect(result.sizeBytes).toBeGreaterThan(2 ** 32);
    const hashes = await Promise.all([out, filler, media].map(hashFile));
    expect([result.sha256, ...result.sources.map((s) => s.sha256)]).toEqual(hashes.map((h) => h.sha256));

    const fd = openSync(out, 'r');
    try {
      const ftypSize = readAt(fd, 0, 4).readUInt32BE(0);
      const moovSize = readAt(fd, ftypSize, 4).readUInt32BE(0);
      const mdat = readAt(fd, ftypSize + moovSize, 16);
      expect([mdat.readUInt32BE(0), mdat.toString('latin1', 4, 8), Number(mdat.readBigUInt64BE(8))]).toEqual([1, 'mdat', result.sizeBytes - ftypSize - moovSize]);
      const [, moov] = boxesOf(readAt(fd, 0, ftypSize + moovSize));
      const source = test.parsed[0].bytes;
      (moov.traks as Record<string, any>[]).forEach((trak, t) => {
        expect(trak.mdia.minf.stbl.co64).toBeDefined();
        const samples = trak.samples as { offset: number; size: number }[];
        expect(samples).toHaveLength(test.expected[t].length);
        samples.forEach((sample, i) => {
          const from = test.expected[t][i];
          expect(sample.offset).toBeGreaterThan(2 ** 32);
          expect(sha256(readAt(fd, sample.offset, sample.size))).toBe(sha256(source.subarray(from.offset, from.offset + from.size)));
        });
      });
    } finally {
      closeSync(fd);
    }
    const probe = spawnSync('/usr/bin/ffprobe', ['-v', 'error', '-show_entries', 'packet=stream_index,size', '-of', 'json', out], { encoding: 'utf8', maxBuffer: 16 << 20 });
    const packets = (JSON.parse(probe.stdout) as { packets: { stream_index: number; size: string }[] }).packets;
    expect(test.expected.map((_, t) => packets.filter((p) => p.stream_index === t).map((p) => Number(p.size)))).toEqual(test.expected.map((samples) => samples.map((s) => s.size)));
    for (const ffmpeg of [ffmpegPath(), '/usr/bin/ffmpeg']) {
      const decode = spawnSync(ffmpeg, ['-v', 'error', '-xerror', '-i', out, '-f', 'null', '-'], { encoding: 'utf8' });
      expect([decode.status, decode.stderr]).toEqual([0, '']);
    }
  }, 600_000);
});
