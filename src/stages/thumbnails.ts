import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keyframeThumbnailArgs, numberedFileName, numberedFilesPattern } from '../adapters/ffmpeg/args.ts';
import { runFfmpeg } from '../adapters/ffmpeg/runner.ts';
import { SpriteSheet } from '../adapters/images/sprite-sheet.ts';
import { spriteLayout } from '../adapters/images/thumbnail-images.ts';
import { KeyframeFeed, syncSampleAt } from '../adapters/mp4/keyframes.ts';
import type { SyncSample, VideoTrackProbe } from '../types/probe.ts';
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
const FRAMES_FILE = 'thumbnail-frames.rgb';

/** Which keyframe each thumbnail shows: one per interval, the last keyframe at or before it. */
export function pickKeyframes(sources: ThumbnailSource[], intervalSec: number, durationSec: number): KeyframePick[] {
  const picks = [];
  for (let t = 0; t < durationSec - 1e-6 || picks.length === 0; t += intervalSec) picks.push(pickAt(sources, t));
  return picks;
}

export interface KeyframePick {
  source: number;
  sample: SyncSample;
  slotStartSec: number;
  mediaTimeSec: number;
}

function pickAt(sources: ThumbnailSource[], t: number): KeyframePick {
  let s = sources.length - 1;
  while (s > 0 && sources[s].offsetSec > t + 1e-6) s--;
  const sample = syncSampleAt(sources[s].video.syncSamples, t - sources[s].offsetSec);
  return { source: s, sample, slotStartSec: t, mediaTimeSec: sources[s].offsetSec + sample.timeSec };
}

/**
 * pickKeyframes as the sources arrive in order: the slots before a source's offset are the earlier
 * sources', so their picks are fixed when it arrives. The same slots, counted the same way.
 */
export class KeyframePicker {
  readonly picks: KeyframePick[] = [];
  readonly sources: ThumbnailSource[] = [];
  private t = 0;

  constructor(private readonly intervalSec: number) {}

  /** Adds the next source; returns the picks its offset has fixed. */
  add(source: ThumbnailSource): KeyframePick[] {
    const from = this.picks.length;
    if (this.sources.length > 0) {
      for (; this.t + 1e-6 < source.offsetSec; this.t += this.intervalSec) this.picks.push(pickAt(this.sources, this.t));
    }
    this.sources.push(source);
    return this.picks.slice(from);
  }

  /** The last picks, once the duration is known. */
  finish(durationSec: number): KeyframePick[] {
    const from = this.picks.length;
    for (; this.t < durationSec - 1e-6 || this.picks.length === 0; this.t += this.intervalSec) this.picks.push(pickAt(this.sources, this.t));
    return this.picks.slice(from);
  }
}

/** Thumbnails decoded while their sources are still arriving. */
export interface ThumbnailRun {
  /** The next source, in order of offset; its keyframes are decoded once the next source or the end fixes them. */
  add(source: ThumbnailSource): void;
  /** The end: decodes the rest and writes the images. A run fed other sources than these final ones is decoded again. */
  finish(sources: ThumbnailSource[], durationSec: number): Promise<Thumbnail[]>;
  /** Stops the decode and waits for ffmpeg to exit (no file is written after). */
  cancel(): Promise<void>;
}

/** Decodes only the keyframes the thumbnails show, all in one ffmpeg, and writes the JPEGs, the sprite sheet and the WebVTT seek-preview track. */
export async function makeThumbnails(sources: ThumbnailSource[], context: ThumbnailContext): Promise<Thumbnail[]> {
  const run = startThumbnails(context);
  for (const source of sources) run.add(source);
  return run.finish(sources, context.durationSec);
}

/**
 * A thumbnail run whose ffmpeg starts with the first source and reads the keyframes from its
 * stdin as they are fixed: a join's decode then runs beside the probe of the later chunks, on
 * the core the probe leaves, not beside the copy (1 h: the copy's two hashes and this decode
 * shared both cores for 0.13 s of CPU).
 */
export function startThumbnails(context: Omit<ThumbnailContext, 'durationSec'>): ThumbnailRun {
  const picker = new KeyframePicker(context.intervalSec);
  const feed = new KeyframeFeed();
  const stop = new AbortController();
  const signal = context.signal ? AbortSignal.any([context.signal, stop.signal]) : stop.signal;
  const dir = join(context.outDir, THUMBNAIL_DIR);
  let decoding: Promise<unknown> | null = null;
  let size = { width: 0, height: 0 };
  let failed = false;
  let addError: unknown = null;

  const enqueue = (picks: KeyframePick[]) =>
    feed.push(picks.map((p) => ({ file: picker.sources[p.source].file, sample: p.sample, nalLengthSize: picker.sources[p.source].video.nalLengthSize, parameterSets: picker.sources[p.source].video.parameterSets })));
  const cancel = async () => {
    failed = true;
    feed.end();
    stop.abort();
    await decoding?.catch(() => {});
  };
  const start = (video: VideoTrackProbe) => {
    const width = context.width;
    size = { width, height: Math.max(2, Math.round((width * video.height) / video.width / 2) * 2) };
    // a cancelled run may have left images: a count of what is there must be of this run's
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const run = runFfmpeg({
      // one decoding thread: frame threads each hold their own pictures (41 -> 29 MB) and the
      // join's hashing already keeps the other core busy
      args: ['-threads', '1', ...keyframeThumbnailArgs({ inputFile: 'pipe:0', ...size, outFile: join(context.workDir, FRAMES_FILE), jpegPattern: numberedFilesPattern(dir, 'thumb-', '.jpg') })],
      input: (stdin) => feed.writeTo(stdin),
      label: 'decode thumbnails',
      logger: context.logger,
      signal,
      timeoutMs: () => 60_000 + picker.picks.length * 2000,
    });
    run.catch(() => {});
    return run;
  };

  return {
    add(source) {
      if (failed) return;
      try {
        decoding ??= start(source.video);
        enqueue(picker.add(source));
      } catch (error) {
        // reported at the end, where the join's own failure still comes first
        addError = error;
        void cancel();
      }
    },
    async finish(sources, durationSec) {
      if (addError) {
        await cancel();
        throw addError;
      }
      if (!failed && decoding) {
        enqueue(picker.finish(durationSec));
        feed.end();
      }
      if (failed || !decoding || !samePicks(picker.picks, pickKeyframes(sources, context.intervalSec, durationSec))) {
        await cancel();
        return makeThumbnails(sources, { ...context, durationSec });
      }
      await decoding;
      return writeThumbnailImages(picker.picks, size, { ...context, durationSec });
    },
    cancel,
  };
}

function samePicks(fed: KeyframePick[], expected: KeyframePick[]): boolean {
  return fed.length === expected.length && fed.every((p, i) => p.source === expected[i].source && p.sample.offset === expected[i].sample.offset && p.slotStartSec === expected[i].slotStartSec);
}

/** Checks what ffmpeg wrote, tiles the sprite sheet from its frames and writes the WebVTT track. */
async function writeThumbnailImages(picks: KeyframePick[], size: { width: number; height: number }, context: ThumbnailContext): Promise<Thumbnail[]> {
  const { width, height } = size;
  const frameBytes = width * height * 3;
  const layout = spriteLayout(picks.length, width, height);
  const dir = join(context.outDir, THUMBNAIL_DIR);
  const names = picks.map((_, i) => numberedFileName('thumb-', i + 1, '.jpg'));
  const written = readdirSync(dir).filter((name) => /^thumb-\d+\.jpg$/.test(name)).length;
  if (written !== picks.length) throw new FfmpegError(`decode thumbnails: expected ${picks.length} JPEGs, ffmpeg wrote ${written}`, 0, '');
  // ffmpeg writes each thumbnail's JPEG, and the frames to a work file that is read back into one
  // reused buffer for the sprite sheet: frames read from a pipe arrive in fresh 64 KiB chunks, and
  // tens of MB of them piled up before V8 collected them (its external-memory trigger)
  const framesFile = join(context.workDir, FRAMES_FILE);
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
