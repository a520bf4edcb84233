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
let manifest: Manifest;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'thumbnail-content-'));
  const run = await runCli(['process', SAMPLE, '--out', join(out, 'result'), '--thumbnail-interval', '1', '--json']);
  expect(run.code, run.stderr).toBe(0);
  manifest = JSON.parse(run.stdout) as Manifest;
});
afterAll(() => rm(out, { recursive: true, force: true }));

/** What a thumbnail at `mediaTimeMs` must show: the frame of its chunk at that chunk-local time. */
function expectedPicture(mediaTimeMs: number): { flash: true } | { flash: false; boxLeft: number } {
  const chunk = manifest.chunks.filter((c) => c.mediaOffsetMs <= mediaTimeMs).at(-1)!;
  const localSec = (mediaTimeMs - chunk.mediaOffsetMs) / 1000;
  const spec = SAMPLE_CHUNKS.find((s) => s.index === chunk.index)!;
  if (spec.markersSec.some((m) => Math.abs(localSec - m) < 1 / FPS / 2)) return { flash: true };
  return { flash: false, boxLeft: (((localSec * WIDTH) / 10 + spec.index * 150) % (WIDTH - BOX)) * SCALE };
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

describe('thumbnails show the frame their time names', () => {
  it('each thumbnail JPEG and its sprite tile hold that frame: the box where it stood then, the flash where there was one', async () => {
    const cues = parseSpriteVtt(await readFile(join(out, 'result', 'thumbnails', 'thumbnails.vtt'), 'utf8'));
    const sprite = await sharp(join(out, 'result', 'thumbnails', 'sprite.jpg')).raw().toBuffer({ resolveWithObject: true });
    expect(manifest.thumbnails.length).toBeGreaterThan(12);
    expect(cues).toHaveLength(manifest.thumbnails.length);
    const seen = { flashes: 0, boxes: 0 };
    for (const [i, thumbnail] of manifest.thumbnails.entries()) {
      const want = expectedPicture(thumbnail.mediaTimeMs);
      const image = await sharp(join(out, 'result', thumbnail.file)).raw().toBuffer({ resolveWithObject: true });
      const height = image.info.height;
      const pictures = [measure(image.data, image.info.width, 0, THUMB_WIDTH, height), measure(sprite.data.subarray(cues[i]!.y * sprite.info.width * 3), sprite.info.width, cues[i]!.x, THUMB_WIDTH, height)];
      for (const seenThere of pictures) {
        if (want.flash) expect(seenThere.mean, `${thumbnail.file} at ${thumbnail.mediaTimeMs} ms`).toBeGreaterThan(230);
        else {
          expect(seenThere.mean, `${thumbnail.file} at ${thumbnail.mediaTimeMs} ms`).toBeLessThan(120);
          // a frame early or late moves the box 4 px, a second 32 px, another chunk's picture 25 px
          expect(Math.abs(seenThere.boxLeft! - want.boxLeft), `${thumbnail.file} at ${thumbnail.mediaTimeMs} ms`).toBeLessThanOrEqual(2);
        }
      }
      seen[want.flash ? 'flashes' : 'boxes']++;
    }
    expect(seen.flashes).toBeGreaterThan(0);
    expect(seen.boxes).toBeGreaterThan(10);
  });
});
