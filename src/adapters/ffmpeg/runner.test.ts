import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { FfmpegError } from '../../errors.ts';
import { runFfmpeg } from './runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (stdin: Writable, bytes: Buffer) => new Promise<void>((resolve, reject) => stdin.write(bytes, (error) => (error ? reject(error) : resolve())));
const end = (stdin: Writable) => new Promise<void>((resolve) => stdin.end(resolve));
// raw 4x4 grey frames in, copied out: the output is the input's bytes
const copyArgs = (outFile: string) => ['-f', 'rawvideo', '-pix_fmt', 'gray', '-s', '4x4', '-r', '1', '-i', 'pipe:0', '-c', 'copy', '-f', 'rawvideo', outFile];

describe('runFfmpeg with an input', () => {
  it('feeds stdin as it is written, and counts the timeout from the end of the input', async () => {
    const outFile = join(dir, 'copied.gray');
    const frames = [1, 2, 3].map((n) => Buffer.alloc(16, n * 40));
    await runFfmpeg({
      args: copyArgs(outFile),
      // the input takes longer than the timeout: only ffmpeg's time after it counts
      timeoutMs: 250,
      input: async (stdin) => {
        for (const frame of frames) {
          await write(stdin, frame);
          await sleep(150);
        }
        await end(stdin);
      },
    });
    expect(readFileSync(outFile)).toEqual(Buffer.concat(frames));
  });

  it("fails with the input's error and kills ffmpeg when the input fails", async () => {
    const started = Date.now();
    const run = runFfmpeg({
      args: copyArgs(join(dir, 'never.gray')),
      input: async (stdin) => {
        await write(stdin, Buffer.alloc(16));
        throw new RangeError('chunk.mp4: keyframe at byte 7 is cut short');
      },
    });
    await expect(run).rejects.toThrow(/keyframe at byte 7 is cut short/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("reports ffmpeg's own error, not the broken pipe, when ffmpeg gives up on the input", async () => {
    const run = runFfmpeg({
      args: ['-f', 'nonexistent-demuxer', '-i', 'pipe:0', '-f', 'null', '-'],
      input: async (stdin) => {
        for (let i = 0; i < 200; i++) await write(stdin, Buffer.alloc(65536));
        await end(stdin);
      },
    });
    await expect(run).rejects.toBeInstanceOf(FfmpegError);
    await expect(run).rejects.toThrow(/ffmpeg exited with 1: .*nonexistent-demuxer/i);
  });
});
