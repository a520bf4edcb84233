import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../fixtures/corpus/tools.ts';
import { keyframeThumbnailArgs, numberedFilesPattern } from '../src/adapters/ffmpeg/args.ts';
import { ffmpegPath } from '../src/adapters/ffmpeg/binary.ts';
import { runFfmpeg } from '../src/adapters/ffmpeg/runner.ts';

const [WIDTH, HEIGHT, FRAMES] = [320, 180, 4];
let dir: string;
let keyframes: string;

/** Peak signal-to-noise ratio of two same-sized 8-bit pictures, dB. */
function psnr(a: Buffer, b: Buffer): number {
  let squares = 0;
  for (let i = 0; i < a.length; i++) squares += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (squares / a.length));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'thumbnail-decode-'));
  keyframes = join(dir, 'keyframes.h264');
  // detailed, noisy 1080p keyframes at a low bitrate, where deblocking has the most to do: lone
  // keyframes in Annex B, as the thumbnail stage hands them to the decoder
  await runTool(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'mandelbrot=s=1920x1080:r=16,noise=alls=12:allf=t', '-frames:v', String(FRAMES), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', '-g', '1', '-f', 'h264', keyframes]);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const argsOf = (outFile: string, jpegPrefix: string) => keyframeThumbnailArgs({ inputFile: keyframes, width: WIDTH, height: HEIGHT, outFile, jpegPattern: numberedFilesPattern(dir, jpegPrefix, '.jpg') });

/** The frames our arguments decode, and those of the same arguments as `vary` changes them (JPEGs `<name>-ours-*`, `<name>-reference-*`). */
async function oursAndReference(name: string, vary: (args: string[]) => string[]): Promise<[Buffer, Buffer]> {
  const decode = async (label: string, change: (args: string[]) => string[]) => {
    const outFile = join(dir, `${name}-${label}.rgb`);
    await runFfmpeg({ args: change(argsOf(outFile, `${name}-${label}-`)) });
    return readFile(outFile);
  };
  return [await decode('ours', (args) => args), await decode('reference', vary)];
}

/** Every frame of ours other than the reference's in its bytes, yet a viewer cannot tell them apart (PSNR over 45 dB). */
function expectOtherYetClose(ours: Buffer, reference: Buffer): void {
  const frameBytes = WIDTH * HEIGHT * 3;
  expect([ours.length, reference.length]).toEqual([FRAMES * frameBytes, FRAMES * frameBytes]);
  for (let f = 0; f < FRAMES; f++) {
    const [a, b] = [ours.subarray(f * frameBytes, (f + 1) * frameBytes), reference.subarray(f * frameBytes, (f + 1) * frameBytes)];
    expect(a.equals(b), `frame ${f}`).toBe(false);
    expect(psnr(a, b), `frame ${f}`).toBeGreaterThan(45);
  }
}

describe('the thumbnail decode', () => {
  it('skips the deblocking filter yet gives thumbnails a viewer cannot tell from a full decode (PSNR over 45 dB against one)', async () => {
    const args = argsOf('x.rgb', 'x-');
    const skip = args.indexOf('-skip_loop_filter');
    expect(args.slice(skip, skip + 2)).toEqual(['-skip_loop_filter', 'all']);
    // the same decode and filters with the deblocking filter on: what the thumbnails were before
    const [ours, full] = await oursAndReference('deblock', (args) => [...args.slice(0, skip), ...args.slice(skip + 2)]);
    expect((await readdir(dir)).filter((name) => name.startsWith('deblock-ours-'))).toHaveLength(FRAMES);
    expectOtherYetClose(ours, full);
  }, 60_000);

  it('shrinks in 4:2:0 and converts the small picture to RGB, a picture a viewer cannot tell from shrinking straight to RGB (PSNR over 45 dB)', async () => {
    const args = argsOf('x.rgb', 'x-');
    const graph = args.indexOf('-filter_complex') + 1;
    expect(args[graph]).toContain(`scale=${WIDTH}:${HEIGHT}:flags=area,format=yuv420p,`);
    // the scaler left to negotiate its output: rgb24, what the sprite's frames are written as
    const [ours, rgb] = await oursAndReference('scale', (args) => args.map((arg, i) => (i === graph ? arg.replace(',format=yuv420p', '') : arg)));
    expectOtherYetClose(ours, rgb);
  }, 60_000);
});
