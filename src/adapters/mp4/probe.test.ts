import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../ffmpeg/binary.ts';
import { sampleTable } from './probe.ts';

const dir = mkdtempSync(join(tmpdir(), 'probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function render(name: string, args: string[]): string {
  const file = join(dir, name);
  const run = spawnSync(ffmpegPath(), ['-v', 'error', '-y', ...args, file]);
  expect(run.status, String(run.stderr)).toBe(0);
  return file;
}

/** mp4box.js's own per-sample objects: the reference the typed tables must agree with. */
function mp4boxSamples(file: string) {
  const bytes = readFileSync(file);
  const iso = createFile();
  iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), 0));
  iso.flush();
  return iso.moov.traks.map((trak) => ({ trak, samples: trak.samples }));
}

describe('sampleTable', () => {
  const files = [
    ['a committed chunk', new URL('../../../fixtures/three-chunks-with-pause/zz-first.mp4', import.meta.url).pathname],
    ['B-frames (ctts), moov at the end, 44.1 kHz audio', render('bframes.mp4', ['-f', 'lavfi', '-i', 'testsrc=s=160x120:r=25:d=3', '-f', 'lavfi', '-i', 'sine=r=44100:d=3.3', '-c:v', 'libx264', '-bf', '3', '-g', '10', '-c:a', 'aac'])],
    ['one sample only', render('one.mp4', ['-f', 'lavfi', '-i', 'testsrc=s=160x120:r=8:d=0.125', '-c:v', 'libx264'])],
  ];
  it.each(files)('agrees with mp4box.js sample lists: %s', (_, file) => {
    for (const { trak, samples } of mp4boxSamples(file)) {
      const table = sampleTable(trak);
      expect(table.count).toBe(samples.length);
      expect(Array.from(table.offsets)).toEqual(samples.map((s) => s.offset));
      expect(Array.from(table.sizes)).toEqual(samples.map((s) => s.size));
      expect(Array.from(table.cts)).toEqual(samples.map((s) => s.cts));
      expect(Array.from(table.sync, Boolean)).toEqual(samples.map((s) => s.is_sync));
      expect(table.firstDuration).toBe(samples[0].duration);
      expect(table.totalDuration).toBe(samples.reduce((sum, s) => sum + s.duration, 0));
      expect(table.lastByte).toBe(Math.max(...samples.map((s) => s.offset + s.size)));
    }
  });
});
