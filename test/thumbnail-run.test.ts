import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMp4 } from '../src/adapters/mp4/probe.ts';
import { silentLogger } from '../src/logger.ts';
import { makeThumbnails, startThumbnails, type Thumbnail, type ThumbnailSource } from '../src/stages/thumbnails.ts';
import { REPO_ROOT } from './helpers/cli.ts';

const SAMPLE = join(REPO_ROOT, 'fixtures', 'three-chunks-with-pause');
const INTERVAL = 1.5;
let scratch: string;
let sources: ThumbnailSource[];
let durationSec: number;
let reference: { thumbnails: Thumbnail[]; files: Record<string, string> };

const contextIn = async (name: string) => {
  const outDir = join(scratch, name);
  await rm(outDir, { recursive: true, force: true });
  const workDir = join(outDir, '.work');
  await mkdir(workDir, { recursive: true });
  return { outDir, workDir, intervalSec: INTERVAL, width: 160, logger: silentLogger };
};
/** Every file the run wrote into thumbnails/, as hex. */
const written = async (outDir: string) => {
  const dir = join(outDir, 'thumbnails');
  const names = (await readdir(dir)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await readFile(join(dir, n))).toString('hex')] as const)));
};

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'thumbnail-run-'));
  const files = ['zz-first.mp4', '0-eus-d2-4dd5f6a7b8c9d0e1f2a3b4c5d6e7f8a9.mp4', 'm-third.mp4'].map((f) => join(SAMPLE, f));
  const probes = await Promise.all(files.map((f) => probeMp4(f)));
  let offset = 0;
  sources = probes.map((p, i) => {
    const s = { file: files[i], offsetSec: offset, video: p.video! };
    offset += p.durationSec;
    return s;
  });
  durationSec = offset;
  // all sources known before the decode starts: the run the pipeline made before this one
  const context = await contextIn('reference');
  reference = { thumbnails: await makeThumbnails(sources, { ...context, durationSec }), files: await written(context.outDir) };
}, 60_000);
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('a thumbnail run fed source by source', () => {
  it('has one thumbnail per interval, each the last keyframe at or before its slot', () => {
    expect(reference.thumbnails).toHaveLength(Math.ceil(durationSec / INTERVAL));
    reference.thumbnails.forEach((t, i) => {
      const slot = i * INTERVAL;
      const s = sources.filter((x) => x.offsetSec <= slot + 1e-6).at(-1)!;
      const keyframe = s.video.syncSamples.filter((k) => k.timeSec <= slot - s.offsetSec + 1e-6).at(-1)!;
      expect(t.mediaTimeMs, `thumbnail ${i}`).toBe(Math.round((s.offsetSec + keyframe.timeSec) * 1000));
    });
    expect(Object.keys(reference.files)).toEqual([...reference.thumbnails.map((t) => t.file.slice('thumbnails/'.length)), 'sprite.jpg', 'thumbnails.vtt'].sort());
  });

  it('writes the same files when the sources arrive while it decodes', async () => {
    const context = await contextIn('fed');
    const run = startThumbnails(context);
    for (const s of sources) {
      run.add(s);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await run.finish(sources, durationSec)).toEqual(reference.thumbnails);
    expect(await written(context.outDir)).toEqual(reference.files);
  });

  it('decodes again when the offsets it was fed are not the final ones', async () => {
    const context = await contextIn('refed');
    const run = startThumbnails(context);
    for (const s of sources) run.add({ ...s, offsetSec: s.offsetSec === 0 ? 0 : s.offsetSec + 2 });
    expect(await run.finish(sources, durationSec)).toEqual(reference.thumbnails);
    expect(await written(context.outDir)).toEqual(reference.files);
  });

  it('stops when cancelled, and a run after it counts only its own images', async () => {
    const context = await contextIn('cancelled');
    const run = startThumbnails(context);
    run.add(sources[0]);
    run.add(sources[1]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await run.cancel();
    const before = await written(context.outDir);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await written(context.outDir)).toEqual(before);
    expect(await makeThumbnails(sources, { ...context, durationSec })).toEqual(reference.thumbnails);
    expect(await written(context.outDir)).toEqual(reference.files);
  });

  it('fails at the end with the error that stopped it early, once', async () => {
    const notADir = join(scratch, 'a-file');
    await writeFile(notADir, '');
    const run = startThumbnails({ outDir: join(notADir, 'out'), workDir: scratch, intervalSec: INTERVAL, width: 160, logger: silentLogger });
    for (const s of sources) run.add(s);
    await expect(run.finish(sources, durationSec)).rejects.toThrow(/ENOTDIR/);
  });
});
