/**
 * The bench recordings: realistic-size ACS-like chunks (1920x1080 @ 8 fps H.264 High profile with
 * B-frames, as x264's `veryfast` preset makes them, at a constant 1 Mbit/s; 16 kHz mono AAC),
 * cached under `.cache/bench/`.
 *
 * One five-minute chunk is rendered and copied for every other chunk: rendering 1080p takes about
 * 1.5 minutes per chunk here, so one render instead of 60 saves over an hour, and the pipeline does
 * not look at the picture (only at sample tables, keyframes and bytes), so identical content costs
 * it the same as distinct content. Copies (not links) keep each chunk its own file in the page cache.
 */
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../src/adapters/ffmpeg/runner.ts';
import { syntheticChunkArgs } from '../src/adapters/ffmpeg/synthetic-chunk.ts';
import { readMp4Model } from '../src/adapters/mp4/model.ts';
import { eventOf, metadataOf, type ChunkSpec } from '../fixtures/make-fixtures.ts';

export const CHUNK_SEC = 300;
const KEYFRAME_EVERY_SEC = 2;
/** Bump when the rendered media changes, so stale caches are not reused. */
const CACHE_VERSION = 'v3-bframes';

export interface BenchRecording {
  name: string;
  dir: string;
  chunkCount: number;
  mediaFiles: string[];
  totalBytes: number;
}

/**
 * x264 in CBR with NAL HRD filler: the synthetic picture would otherwise compress to almost nothing,
 * and the pipeline's cost is in the bytes it moves. B-frames (High profile: ctts and an edit list
 * `media_time`), not the fixtures' `-bf 0`: real encoders make them. The preset's three, placed
 * always (`b-adapt=0`): left to choose, x264 put none in this picture (a flat frame, a box moving
 * 192 px a frame), and the v2 bench's chunks had a ctts of one run and no frame out of order.
 */
export function benchChunkArgs(outFile: string, durationSec = CHUNK_SEC): string[] {
  const args = syntheticChunkArgs({ outFile, durationSec, markersSec: [60, 180].filter((m) => m < durationSec), seed: 1, keyframeIntervalSec: KEYFRAME_EVERY_SEC });
  const crf = args.indexOf('-crf');
  args.splice(crf, 2, '-b:v', '1M', '-minrate', '1M', '-maxrate', '1M', '-bufsize', '2M', '-x264-params', 'nal-hrd=cbr:b-adapt=0');
  const noBFrames = args.indexOf('-bf');
  args.splice(noBFrames, 2, '-profile:v', 'high');
  const threads = args.indexOf('-threads');
  args.splice(threads, 2, '-threads', '2');
  return args;
}

export function chunkSpecs(name: string, count: number): ChunkSpec[] {
  return Array.from({ length: count }, (_, index) => {
    const documentId = `0-bench-${name}-${String(index).padStart(3, '0')}`;
    return {
      documentId,
      index,
      startMs: index * CHUNK_SEC * 1000,
      durationSec: CHUNK_SEC,
      markersSec: [],
      endReason: index === count - 1 ? 'SessionEnded' : 'ChunkMaximumSizeExceeded',
      metadataName: `${documentId}.json`,
      mediaName: `${documentId}.mp4`,
    };
  });
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** The rendered five-minute chunk every recording copies. */
async function masterChunk(cacheDir: string, log: (line: string) => void): Promise<string> {
  const file = join(cacheDir, `chunk-${CHUNK_SEC}s.mp4`);
  if (await exists(file)) return file;
  await mkdir(cacheDir, { recursive: true });
  log(`rendering one ${CHUNK_SEC} s 1080p chunk (about 1-2 minutes) ...`);
  const started = Date.now();
  const partial = `${file}.partial.mp4`;
  await runFfmpeg({ args: benchChunkArgs(partial), label: 'render bench chunk', timeoutMs: 30 * 60_000 });
  const reordered = await framesOutOfOrder(partial);
  if (reordered === 0) throw new Error(`${partial}: no video frame is out of decoding order (no B-frames); the bench measures chunks with them`);
  await rename(partial, file);
  log(`rendered ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

/** Video frames shown before the frame decoded just ahead of them: 0 without B-frames. */
export async function framesOutOfOrder(file: string): Promise<number> {
  const video = (await readMp4Model(file)).tracks.find((t) => t.kind === 'video');
  if (!video) throw new Error(`${file}: no video track`);
  const { count, dts, compositionOffsets } = video.samples;
  let reordered = 0;
  for (let i = 1; i < count; i++) if (dts[i] + compositionOffsets[i] < dts[i - 1] + compositionOffsets[i - 1]) reordered++;
  return reordered;
}

/** A recording of `count` five-minute chunks with metadata and event, made once and cached. */
export async function benchRecording(root: string, name: string, count: number, log: (line: string) => void): Promise<BenchRecording> {
  const cacheDir = join(root, CACHE_VERSION);
  const dir = join(cacheDir, name);
  const specs = chunkSpecs(name, count);
  const mediaFiles = specs.map((s) => join(dir, s.mediaName));
  const doneMarker = join(dir, '.complete');
  if (!(await exists(doneMarker))) {
    const master = await masterChunk(cacheDir, log);
    log(`writing ${name}: ${count} chunks of ${CHUNK_SEC} s ...`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const spec of specs) {
      await copyFile(master, join(dir, spec.mediaName));
      await writeFile(join(dir, spec.metadataName), `${JSON.stringify(metadataOf(spec), null, 2)}\n`);
    }
    await writeFile(join(dir, 'event.json'), `${JSON.stringify(eventOf(specs), null, 2)}\n`);
    await writeFile(doneMarker, '');
  }
  let totalBytes = 0;
  for (const file of mediaFiles) totalBytes += (await stat(file)).size;
  return { name, dir, chunkCount: count, mediaFiles, totalBytes };
}
