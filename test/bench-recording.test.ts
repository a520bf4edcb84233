import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchChunkArgs, framesOutOfOrder } from '../bench/recording.ts';
import { runFfmpeg } from '../src/adapters/ffmpeg/runner.ts';
import { syntheticChunkArgs } from '../src/adapters/ffmpeg/synthetic-chunk.ts';
import { ffprobe } from './helpers/ffprobe-packets.ts';
import { FFPROBE } from './helpers/mp4-variants.ts';

/** Picture types in the order they are shown, as Debian's ffprobe decodes them. */
function pictureTypes(file: string): string {
  const run = spawnSync(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pict_type', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ffprobe ${file}: ${run.stderr}`);
  return run.stdout.replace(/[^IPB]/g, '');
}

/** Video packets whose presentation time is below the one decoded before them, as ffprobe reads them. */
function ptsGoingBack(file: string): number {
  const video = [...ffprobe(file).values()].find((s) => s.codecType === 'video')!;
  return video.packets.filter((p, i) => i > 0 && p.pts < video.packets[i - 1].pts).length;
}

describe('the bench chunk (1080p, as `npm run bench` renders it, 3 s here)', () => {
  let dir: string;
  const bench = () => join(dir, 'bench.mp4');
  const plain = () => join(dir, 'plain.mp4');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-chunk-'));
    await runFfmpeg({ args: benchChunkArgs(bench(), 3), label: 'bench chunk' });
    await runFfmpeg({ args: syntheticChunkArgs({ outFile: plain(), durationSec: 3 }), label: 'fixture chunk' });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has B-frames that ffprobe decodes out of order, as real encoders make them', () => {
    const types = pictureTypes(bench());
    expect(types).toHaveLength(24);
    // three B-frames between references, every GOP (16 frames: 2 s at 8 fps)
    expect(types.slice(0, 16)).toBe('IBBBPBBBPBBBPBBP');
    expect(ptsGoingBack(bench())).toBeGreaterThan(0);
  });

  it('framesOutOfOrder counts what ffprobe counts, and 0 for the fixtures\' chunks (-bf 0)', async () => {
    expect(await framesOutOfOrder(bench())).toBe(ptsGoingBack(bench()));
    expect(pictureTypes(plain())).not.toContain('B');
    expect(await framesOutOfOrder(plain())).toBe(0);
  });
});
