import { closeSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keyframeThumbnailArgs, numberedFileName, numberedFilesPattern } from '../adapters/ffmpeg/args.ts';
import { runFfmpeg } from '../adapters/ffmpeg/runner.ts';
import { SpriteSheet } from '../adapters/images/sprite-sheet.ts';
import { spriteLayout } from '../adapters/images/thumbnail-images.ts';
import { appendKeyframesAnnexB, syncSampleAt } from '../adapters/mp4/keyframes.ts';
import type { VideoTrackProbe } from '../types/probe.ts';
import { FfmpegError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { thumbnailVtt } from '../timeline/webvtt.ts';

/** A file whose video sits at an offset of the joined media (a chunk, or the output itself). */
export interface ThumbnailSource {
  file: string;
  offsetSec: number;
  video: VideoTrackProbe;
}

export interface Thumbnail {
  /** Relative to the output directory. */
  file: string;
  mediaTimeMs: number;
}

export interface ThumbnailContext {
  outDir: string;
  workDir: string;
  intervalSec: number;
  width: number;
  durationSec: number;
  logger: Logger;
  signal?: AbortSignal;
}

export const THUMBNAIL_DIR = 'thumbnails';
const SPRITE_FILE = 'sprite.jpg';

/** Which keyframe each thumbnail shows: one per interval, the last keyframe at or before it. */
export function pickKeyframes(sources: ThumbnailSource[], intervalSec: number, durationSec: number) {
  const picks = [];
  for (let t = 0; t < durationSec - 1e-6 || picks.length === 0; t += intervalSec) {
    let s = sources.length - 1;
    while (s > 0 && sources[s].offsetSec > t + 1e-6) s--;
    const sample = syncSampleAt(sources[s].video.syncSamples, t - sources[s].offsetSec);
    picks.push({ source: s, sample, slotStartSec: t, mediaTimeSec: sources[s].offsetSec + sample.timeSec });
  }
  return picks;
}

/**
 * Decodes only the keyframes the thumbnails show, all in one ffmpeg, and writes the JPEGs, the
 * sprite sheet and the WebVTT seek-preview track.
 */
export async function makeThumbnails(sources: ThumbnailSource[], context: ThumbnailContext): Promise<Thumbnail[]> {
  const picks = pickKeyframes(sources, context.intervalSec, context.durationSec);
  // Synchronous up to the ffmpeg that decodes them: a caller that starts the join's synchronous
  // planning next finds the decode already running on the other core, not queued behind it and
  // then competing with the copy (4 h: 0.6 s of decoding; the run 2.63 -> 2.51 s). Keyframe by
  // keyframe through one buffer, so memory does not grow with their number.
  const keyframesFile = join(context.workDir, 'keyframes.h264');
  const keyframes = openSync(keyframesFile, 'w');
  try {
    const scratch = { bytes: Buffer.alloc(0) };
    let end = 0;
    for (const [s, source] of sources.entries()) {
      const mine = picks.filter((p) => p.source === s);
      if (mine.length === 0) continue;
      end = appendKeyframesAnnexB(source.file, mine.map((p) => p.sample), source.video.nalLengthSize, source.video.parameterSets, keyframes, end, scratch);
    }
  } finally {
    closeSync(keyframes);
  }

  const { width: w, height: h } = sources[0].video;
  const width = context.width;
  const height = Math.max(2, Math.round((width * h) / w / 2) * 2);
  const frameBytes = width * height * 3;
  const layout = spriteLayout(picks.length, width, height);
  const dir = join(context.outDir, THUMBNAIL_DIR);
  mkdirSync(dir, { recursive: true });
  const names = picks.map((_, i) => numberedFileName('thumb-', i + 1, '.jpg'));

  // ffmpeg writes each thumbnail's JPEG, and the frames to a work file that is read back into one
  // reused buffer for the sprite sheet: frames read from a pipe arrive in fresh 64 KiB chunks, and
  // tens of MB of them piled up before V8 collected them (its external-memory trigger)
  const framesFile = join(context.workDir, 'thumbnail-frames.rgb');
  await runFfmpeg({
    // one decoding thread: frame threads each hold their own pictures (41 -> 29 MB) and the
    // join's hashing already keeps the other core busy
    args: ['-threads', '1', ...keyframeThumbnailArgs({ inputFile: keyframesFile, width, height, outFile: framesFile, jpegPattern: numberedFilesPattern(dir, 'thumb-', '.jpg') })],
    label: 'decode thumbnails',
    logger: context.logger,
    signal: context.signal,
    timeoutMs: 60_000 + picks.length * 2000,
  });
  const written = readdirSync(dir).filter((name) => /^thumb-\d+\.jpg$/.test(name)).length;
  if (written !== picks.length) throw new FfmpegError(`decode thumbnails: expected ${picks.length} JPEGs, ffmpeg wrote ${written}`, 0, '');
  const frames = await open(framesFile, 'r');
  const sheet = await SpriteSheet.create(join(context.workDir, 'sprite.v'), layout.columns * width, layout.rows * height);
  const frame = Buffer.allocUnsafeSlow(frameBytes);
  try {
    const decoded = (await frames.stat()).size / frameBytes;
    if (decoded !== picks.length) throw new FfmpegError(`decode thumbnails: expected ${picks.length} frames, ffmpeg returned ${decoded}`, 0, '');
    for (const [index, tile] of layout.tiles.entries()) {
      // a regular file of the checked size: one read gives the whole frame
      const { bytesRead } = await frames.read(frame, 0, frameBytes, index * frameBytes);
      if (bytesRead !== frameBytes) throw new FfmpegError(`decode thumbnails: frame ${index + 1} is ${bytesRead} of ${frameBytes} bytes`, 0, '');
      await sheet.writeTile(frame, width, height, tile.x, tile.y);
    }
    await sheet.writeJpeg(join(dir, SPRITE_FILE));
  } finally {
    await Promise.allSettled([sheet.close(), frames.close()]);
  }
  const cues = picks.map((p, i) => ({
    startMs: Math.round(p.slotStartSec * 1000),
    endMs: Math.round(Math.min(context.durationSec, p.slotStartSec + context.intervalSec) * 1000),
    ...layout.tiles[i],
    width,
    height,
  }));
  await writeFile(join(dir, 'thumbnails.vtt'), thumbnailVtt(cues, SPRITE_FILE));
  return picks.map((p, i) => ({ file: `${THUMBNAIL_DIR}/${names[i]}`, mediaTimeMs: Math.round(p.mediaTimeSec * 1000) }));
}
