import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CHUNKS } from '../fixtures/make-fixtures.ts';
import type { Manifest } from '../src/schemas/manifest.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { parseSpriteVtt } from './helpers/report-page.ts';

const SAMPLE = join(REPO_ROOT, 'fixtures', 'three-chunks-with-pause');
// the sample's picture (fixtures/make-fixtures.ts renders it): a 1920x1080 dark frame, 8 fps, with
// a light blue 200x200 box at y = 360 that moves 192 px a second from x = 150 x the chunk's index
// and wraps at 1720; at each marker one frame is all white
const [WIDTH, FPS, BOX, BOX_Y] = [1920, 8, 200, 360];
const THUMB_WIDTH = 320;
const SCALE = THUMB_WIDTH / WIDTH;

let out: string;
const manifests: Record<string, Manifest> = {};
const MODES = { 'stream copy': [], 'paused spans filled (re-encoded)': ['--fill-pauses'] } as const;
beforeAll(async () => {
  // a % in the path: ffmpeg reads the JPEGs' path as a pattern
  out = await mkdtemp(join(tmpdir(), 'thumbnail-content-50%-'));
  for (const [mode, flags] of Object.entries(MODES)) {
    const run = await runCli(['process', SAMPLE, '--out', join(out, mode), '--thumbnail-interval', '1', '--json', ...flags]);
    expect(run.code, run.stderr).toBe(0);
    manifests[mode] = JSON.parse(run.stdout) as Manifest;
  }
});
afterAll(() => rm(out, { recursive: true, force: true }));

type Picture = { kind: 'flash' } | { kind: 'black' } | { kind: 'box'; boxLeft: number };

/**
 * What a thumbnail at `mediaTimeMs` must show: the frame of its chunk at that chunk-local time;
 * filled pauses take media time (black), others are an instant of it.
 */
function expectedPicture(manifest: Manifest, mediaTimeMs: number, pausesFilled: boolean): Picture {
  const chunk = manifest.chunks.filter((c) => c.mediaOffsetMs <= mediaTimeMs).at(-1)!;
  const pauses = pausesFilled ? manifest.pauses.filter((p) => p.mediaOffsetMs >= chunk.mediaOffsetMs && p.mediaOffsetMs <= mediaTimeMs) : [];
  if (pauses.some((p) => mediaTimeMs < p.mediaOffsetMs + p.durationMs)) return { kind: 'black' };
  const localSec = (mediaTimeMs - chunk.mediaOffsetMs - pauses.reduce((sum, p) => sum + p.durationMs, 0)) / 1000;
  const spec = SAMPLE_CHUNKS.find((s) => s.index === chunk.index)!;
  if (spec.markersSec.some((m) => Math.abs(localSec - m) < 1 / FPS / 2)) return { kind: 'flash' };
  return { kind: 'box', boxLeft: (((localSec * WIDTH) / 10 + spec.index * 150) % (WIDTH - BOX)) * SCALE };
}

/** The box's left edge on the row through its middle (light blue on the dark frame), or the frame's mean brightness. */
function measure(rgb: Buffer, stride: number, left: number, width: number, height: number): { mean: number; boxLeft: number | null } {
  let sum = 0;
  for (let y = 0; y < height; y++) for (let x = left; x < left + width; x++) sum += rgb[(y * stride + x) * 3]! + rgb[(y * stride + x) * 3 + 1]! + rgb[(y * stride + x) * 3 + 2]!;
  const row = Math.round((BOX_Y + BOX / 2) * SCALE);
  let boxLeft: number | null = null;
  for (let x = left; x < left + width && boxLeft === null; x++) {
    const at = (row * stride + x) * 3;
    if (rgb[at + 2]! > 170 && rgb[at]! < 200) boxLeft = x - left;
  }
  return { mean: sum / (width * height * 3), boxLeft };
}

describe.each(Object.keys(MODES))('thumbnails show the frame their time names (%s)', (mode) => {
  it('each thumbnail JPEG and its sprite tile hold that frame: the box where it stood then, the flash or the filled pause where there was one', async () => {
    const manifest = manifests[mode]!;
    const dir = join(out, mode, 'thumbnails');
    const cues = parseSpriteVtt(await readFile(join(dir, 'thumbnails.vtt'), 'utf8'));
    const sprite = await sharp(join(dir, 'sprite.jpg')).raw().toBuffer({ resolveWithObject: true });
    expect(manifest.thumbnails.length).toBeGreaterThan(12);
    expect(cues).toHaveLength(manifest.thumbnails.length);
    const seen: Record<Picture['kind'], number> = { flash: 0, black: 0, box: 0 };
    for (const [i, thumbnail] of manifest.thumbnails.entries()) {
      const want = expectedPicture(manifest, thumbnail.mediaTimeMs, mode !== 'stream copy');
      const image = await sharp(join(out, mode, thumbnail.file)).raw().toBuffer({ resolveWithObject: true });
      const height = image.info.height;
      const pictures = [measure(image.data, image.info.width, 0, THUMB_WIDTH, height), measure(sprite.data.subarray(cues[i]!.y * sprite.info.width * 3), sprite.info.width, cues[i]!.x, THUMB_WIDTH, height)];
      for (const shown of pictures) {
        const label = `${thumbnail.file} at ${thumbnail.mediaTimeMs} ms`;
        if (want.kind === 'flash') expect(shown.mean, label).toBeGreaterThan(230);
        else if (want.kind === 'black') expect([shown.mean < 20, shown.boxLeft], label).toEqual([true, null]);
        else {
          expect(shown.mean, label).toBeLessThan(120);
          // a frame early or late moves the box 4 px, a second 32 px, another chunk's picture 25 px
          expect(Math.abs(shown.boxLeft! - want.boxLeft), label).toBeLessThanOrEqual(2);
        }
      }
      seen[want.kind]++;
    }
    expect(seen.flash).toBeGreaterThan(0);
    expect(seen.box).toBeGreaterThan(10);
    if (mode !== 'stream copy') expect(seen.black).toBeGreaterThan(0);
  });
});
