import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../../src/adapters/ffmpeg/runner.ts';
import { syntheticChunkArgs } from '../../src/adapters/ffmpeg/synthetic-chunk.ts';
import { eventOf, metadataOf, type ChunkSpec } from '../../fixtures/make-fixtures.ts';
import { REPO_ROOT } from './cli.ts';

/** `--expect-video` for the chunks below. */
export const SMALL_VIDEO = '320x180@8';

/**
 * A recording of `count` tiny back-to-back chunks (1 s, 320x180), cached under `.cache/`. Their
 * metadata says 1920x1080 as the service's does, so a run also has warnings to show.
 */
export async function manyChunkRecording(count: number): Promise<string> {
  const dir = join(REPO_ROOT, '.cache', `many-chunks-${count}`);
  const specs: ChunkSpec[] = Array.from({ length: count }, (_, index) => ({
    documentId: `0-eus-d2-many${String(index).padStart(4, '0')}`,
    index,
    startMs: index * 1000,
    durationSec: 1,
    markersSec: [0.5],
    endReason: index === count - 1 ? 'SessionEnded' : 'ChunkMaximumSizeExceeded',
    metadataName: `chunk-${index}.json`,
    mediaName: `chunk-${index}.mp4`,
  }));
  const present = await readdir(dir).catch(() => [] as string[]);
  if (present.includes('event.json') && specs.every((s) => present.includes(s.mediaName))) return dir;
  await mkdir(dir, { recursive: true });
  for (const spec of specs) {
    await runFfmpeg({
      args: syntheticChunkArgs({ outFile: join(dir, spec.mediaName), durationSec: spec.durationSec, markersSec: spec.markersSec, seed: spec.index, width: 320, height: 180 }),
      label: `render ${spec.mediaName}`,
      timeoutMs: 60_000,
    });
    await writeFile(join(dir, spec.metadataName), `${JSON.stringify(metadataOf(spec), null, 2)}\n`);
  }
  await writeFile(join(dir, 'event.json'), `${JSON.stringify(eventOf(specs), null, 2)}\n`);
  return dir;
}
