import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentAacArgs } from '../ffmpeg/args.ts';
import { ffmpegPath } from '../ffmpeg/binary.ts';
import { splitAdtsFrames } from './adts.ts';

describe('splitAdtsFrames', () => {
  it('splits hand-made frames (7-byte headers, lengths across the 11-bit field)', () => {
    const frame = (payload: Buffer) => {
      const length = payload.length + 7;
      const header = Buffer.from([0xff, 0xf1, 0x60, 0x40 | (length >> 11), (length >> 3) & 0xff, ((length & 7) << 5) | 0x1f, 0xfc]);
      return Buffer.concat([header, payload]);
    };
    const payloads = [Buffer.from([1, 2, 3]), Buffer.alloc(300, 7), Buffer.alloc(2100, 9)];
    expect(splitAdtsFrames(Buffer.concat(payloads.map(frame)))).toEqual(payloads);
  });

  it("splits ffmpeg's own ADTS output into as many frames as it encoded", () => {
    const dir = mkdtempSync(join(tmpdir(), 'acsrec-adts-'));
    try {
      const file = join(dir, 's.aac');
      const run = spawnSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', ...silentAacArgs({ sampleRate: 16000, channels: 1, outFile: file })]);
      expect(run.status, String(run.stderr)).toBe(0);
      // 4096 samples of silence: 4 frames, plus the encoder's priming frame and its flush
      const frames = splitAdtsFrames(readFileSync(file));
      expect(frames.length).toBeGreaterThanOrEqual(5);
      expect(frames.length).toBeLessThanOrEqual(6);
      expect(frames.every((f) => f.length > 0 && f.length < 100)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bytes that are not ADTS', () => {
    expect(() => splitAdtsFrames(Buffer.from('<html><body>oops</body></html>'))).toThrow(/no ADTS sync word at byte 0/);
  });
});
