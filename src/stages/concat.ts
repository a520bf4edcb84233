import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fillPausesArgs, silentAacArgs } from '../adapters/ffmpeg/args.ts';
import { runFfmpeg } from '../adapters/ffmpeg/runner.ts';
import { hashFile } from '../adapters/fs/hash.ts';
import type { CopyThreads } from '../adapters/fs/piece-copy.ts';
import { splitAdtsFrames } from '../adapters/mp4/adts.ts';
import type { SampleTableArena } from '../adapters/mp4/table-arena.ts';
import { copyMp4, planMp4Copy, releaseSampleTables } from '../adapters/mp4/writer.ts';
import type { Logger } from '../logger.ts';
import { ChunkPlacer, placeChunks, singleSpan, type Placement, type PlacementChunk } from '../timeline/av-placement.ts';
import { buildJoinJob, type JoinSource } from '../timeline/join-tables.ts';
import { filledSegments, type TimelineChunk } from '../timeline/recording-timeline.ts';
import type { ProbedChunk } from '../types/chunk.ts';
import type { ExpectedOutput, ExpectedVideo } from '../types/pipeline.ts';
import type { TimelineSegment } from '../types/timeline.ts';

export type JoinMode = 'stream-copy' | 're-encode' | 'fill-pauses';

export interface ConcatResult {
  /** Output SHA-256, hashed while written (or after, when ffmpeg wrote it). */
  sha256: string;
  sizeBytes: number;
  /** Every chunk's SHA-256 and size, hashed while it was read. */
  chunks: { sha256: string; sizeBytes: number }[];
}

export interface ConcatPlan {
  mode: JoinMode;
  /** Where each chunk's movie time 0 sits in the output. */
  chunkOffsetsSec: number[];
  expected: ExpectedOutput;
  /** Largest distance of a join from where the summed lengths put it, in ms. */
  maxJoinErrorMs: number;
  warnings: string[];
  /** Writes the joined MP4. */
  run(): Promise<ConcatResult>;
}

export interface ConcatContext {
  workDir: string;
  outFile: string;
  fillPauses: boolean;
  timelineChunks: TimelineChunk[];
  /** Where the chunks' sample tables live; a stream copy releases it once the join's own tables are built. */
  chunkTables?: SampleTableArena;
  /** Threads booted before the plan, for the stream copy (else it starts its own). */
  copyThreads?: CopyThreads;
  expectVideo: ExpectedVideo;
  thumbnailIntervalSec?: number;
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (share: number) => void;
}

const FFMPEG_TIMEOUT_PER_MEDIA_SECOND_MS = 200;

/**
 * Plans how the chunks become one MP4: a stream copy written by our own muxer, with every join
 * placed by the chunks' presentations, or a re-encode when it must. Offsets are known before the
 * join runs, so thumbnails start alongside it.
 */
export function planConcat(chunks: ProbedChunk[], context: ConcatContext): ConcatPlan {
  const total = (segments: TimelineSegment[]) => segments.reduce((sum, s) => sum + s.durationSec, 0);
  if (context.fillPauses) {
    const filled = filledSegments(context.timelineChunks);
    return reencodePlan('fill-pauses', chunks, filled.segments, filled.chunkOffsetsSec, context, [
      ...filled.warnings,
      'paused spans were filled with black frames and silence: the video was re-encoded',
    ]);
  }
  const mismatch = streamCopyMismatch(chunks);
  if (mismatch) {
    const segments: TimelineSegment[] = chunks.map((c, input) => ({ kind: 'media', input, fromSec: 0, durationSec: c.probe.durationSec }));
    const offsets = segments.map((_, i) => total(segments.slice(0, i)));
    return reencodePlan('re-encode', chunks, segments, offsets, context, [`${mismatch}: the chunks were re-encoded, not stream-copied`]);
  }
  return streamCopyPlan(chunks, context);
}

/** Why the chunks cannot share one stream-copied track, or null when they can. */
export function streamCopyMismatch(chunks: ProbedChunk[]): string | null {
  const first = chunks[0].probe;
  for (const chunk of chunks) {
    const { video, audio } = chunk.probe;
    const label = `chunk ${chunk.metadata.chunkIndex}`;
    if (!singleSpan(video!.track)) return `${label}: its video edit list cuts the media in ${video!.track.presentation.spans.length} pieces`;
    if (!singleSpan(audio!.track)) return `${label}: its audio edit list cuts the media in ${audio!.track.presentation.spans.length} pieces`;
    if (video!.codec.slice(0, 4) !== first.video!.codec.slice(0, 4) || video!.width !== first.video!.width || video!.height !== first.video!.height) {
      return `${label} has video ${video!.codec} ${video!.width}x${video!.height}, chunk ${chunks[0].metadata.chunkIndex} ${first.video!.codec} ${first.video!.width}x${first.video!.height}`;
    }
    // Chromium does not switch to a second sample description mid-track (a decode error at the
    // join), so other parameter sets mean a re-encode, not a second avc1 entry
    const sets = (p: typeof video) => p!.parameterSets.map((b) => b.toString('hex')).join(',');
    if (sets(video) !== sets(first.video) || video!.nalLengthSize !== first.video!.nalLengthSize) return `${label} has other H.264 parameter sets`;
    if (video!.track.descriptions.length > 1) return `${label} has ${video!.track.descriptions.length} video sample descriptions`;
    if (audio!.audioSpecificConfig !== first.audio!.audioSpecificConfig) return `${label} has another AAC configuration`;
    if (audio!.track.descriptions.length > 1) return `${label} has ${audio!.track.descriptions.length} audio sample descriptions`;
  }
  return null;
}

const placementChunkOf = ({ probe }: ProbedChunk): PlacementChunk => ({
  video: probe.video!.track,
  audio: probe.audio!.track,
  sampleRate: probe.audio!.sampleRate,
  samplesPerFrame: probe.audio!.samplesPerFrame,
});

/**
 * Where each chunk will sit in a stream copy, as the probed chunks arrive in order, before the
 * plan: null from the first chunk that rules a stream copy out (the plan then re-encodes).
 * The same placement the plan makes, one chunk at a time.
 */
export class StreamCopyOffsets {
  private first: ProbedChunk | null = null;
  private placer: ChunkPlacer | null = null;
  private ruledOut = false;

  add(chunk: ProbedChunk): number | null {
    this.ruledOut ||= !chunk.probe.video || !chunk.probe.audio || streamCopyMismatch(this.first ? [this.first, chunk] : [chunk]) !== null;
    if (this.ruledOut) return null;
    this.first ??= chunk;
    this.placer ??= new ChunkPlacer(placementChunkOf(chunk));
    try {
      return this.placer.place(placementChunkOf(chunk)).originSec;
    } catch {
      // what the placement refuses, the plan refuses too: it reports it
      this.ruledOut = true;
      return null;
    }
  }
}

function streamCopyPlan(chunks: ProbedChunk[], context: ConcatContext): ConcatPlan {
  const sources: JoinSource[] = chunks.map(({ probe }) => ({ model: probe.model, video: probe.video!.track, audio: probe.audio!.track }));
  const audio = chunks[0].probe.audio!;
  const placement = placeChunks(chunks.map(placementChunkOf));
  const frameMs = (frames: number) => Math.round((frames * audio.samplesPerFrame * 1000) / audio.sampleRate);
  const warnings = placement.chunks.flatMap((c, i) => {
    const label = `chunk ${chunks[i].metadata.chunkIndex}`;
    return [
      ...(c.leadSilentFrames > 1 ? [`${label}: its sound starts ${frameMs(c.leadSilentFrames)} ms after the previous chunk's end; filled with silence`] : []),
      ...(c.tailSilentFrames > 1 ? [`${label}: its sound ends ${frameMs(c.tailSilentFrames)} ms before its video; filled with silence`] : []),
    ];
  });
  return {
    mode: 'stream-copy',
    chunkOffsetsSec: placement.chunks.map((c) => c.originSec),
    expected: expectedOf(placement, sources),
    maxJoinErrorMs: Math.round(placement.maxJoinErrorSec * 1000),
    warnings,
    run: () => runStreamCopy(sources, placement, context),
  };
}

function expectedOf(placement: Placement, sources: JoinSource[]): ExpectedOutput {
  const first = placement.chunks[0].originSec + sources[0].video.presentation.startSec;
  return {
    durationSec: placement.idealDurationSec,
    toleranceSec: placement.samplesPerFrame / 2 / placement.sampleRate + 1e-3,
    tracks: {
      video: { sampleCount: sources.reduce((n, s) => n + s.video.samples.count, 0), durationSec: placement.durationSec - first },
      audio: {
        sampleCount: placement.chunks.reduce((n, c) => n + c.leadSilentFrames + c.copiedFrames + c.tailSilentFrames, 0),
        durationSec: placement.audioPresentedSamples / placement.sampleRate,
      },
    },
  };
}

async function runStreamCopy(sources: JoinSource[], placement: Placement, context: ConcatContext): Promise<ConcatResult> {
  const needsSilence = placement.chunks.some((c) => c.leadSilentFrames + c.tailSilentFrames > 0);
  const audio = sources[0].audio.descriptions[0];
  const silentFrame = needsSilence && audio.kind === 'audio' ? await encodedSilence(audio.sampleRate, audio.channels, context) : null;
  // only the plan is kept: the join's tables and the chunks' are given back before the copy, not
  // at V8's next full collection (the tree's peak 141 -> 135 MB at 4 h, 125 -> 122 MB at 1 h); the
  // chunks' before the layout adds its chunk table and the moov, while the copy's threads wait
  // beside them: a release takes effect once the event loop has run its close callbacks, which a
  // timer waits for (setImmediate comes before them). 4 h: 140-144 -> 130-136 MB
  const job = buildJoinJob(sources, placement, { outFile: context.outFile, silentFrame });
  context.chunkTables?.release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const plan = planMp4Copy(job);
  releaseSampleTables(job);
  context.logger.debug('writing the joined mp4', { pieces: plan.pieces.length, sizeBytes: plan.totalSize });
  const result = await copyMp4(plan, { signal: context.signal, threads: context.copyThreads, onProgress: (written, totalBytes) => context.onProgress?.(written / totalBytes) });
  context.logger.debug('joined mp4 written', { sizeBytes: result.sizeBytes, blocksWrittenByReader: result.blocksWrittenByReader });
  return { sha256: result.sha256, sizeBytes: result.sizeBytes, chunks: result.sources };
}

/** One raw AAC frame of silence in the chunks' configuration. */
async function encodedSilence(sampleRate: number, channels: number, context: ConcatContext): Promise<Buffer> {
  const file = join(context.workDir, 'silence.aac');
  await runFfmpeg({ args: silentAacArgs({ sampleRate, channels, outFile: file }), label: 'encode silence', logger: context.logger, signal: context.signal, timeoutMs: 30_000 });
  const frames = splitAdtsFrames(await readFile(file));
  // past the priming frame, the encoder's output for silence is steady
  return frames[Math.min(2, frames.length - 1)];
}

function reencodePlan(mode: JoinMode, chunks: ProbedChunk[], segments: TimelineSegment[], offsets: number[], context: ConcatContext, warnings: string[]): ConcatPlan {
  const durationSec = segments.reduce((sum, s) => sum + s.durationSec, 0);
  const frameSec = 1 / context.expectVideo.frameRate;
  return {
    mode,
    chunkOffsetsSec: offsets,
    expected: { durationSec, toleranceSec: frameSec + 1e-3, tracks: null },
    maxJoinErrorMs: 0,
    warnings,
    run: async () => {
      await renderSegments(chunks, segments, durationSec, context);
      const [output, ...hashes] = await Promise.all([hashFile(context.outFile), ...chunks.map((c) => hashFile(c.mediaFile))]);
      return { sha256: output.sha256, sizeBytes: output.sizeBytes, chunks: hashes };
    },
  };
}

async function renderSegments(chunks: ProbedChunk[], segments: TimelineSegment[], totalSec: number, context: ConcatContext): Promise<void> {
  const audio = chunks[0].probe.audio!;
  await runFfmpeg({
    args: fillPausesArgs({
      inputs: chunks.map((c) => c.mediaFile),
      segments,
      profile: { width: context.expectVideo.width, height: context.expectVideo.height, frameRate: context.expectVideo.frameRate, sampleRate: audio.sampleRate, channels: audio.channels },
      outFile: context.outFile,
      keyframeEverySec: context.thumbnailIntervalSec,
    }),
    label: 're-encode chunks',
    logger: context.logger,
    signal: context.signal,
    timeoutMs: 120_000 + totalSec * 10 * FFMPEG_TIMEOUT_PER_MEDIA_SECOND_MS,
    onProgress: (p) => context.onProgress?.(Math.min(1, p.outTimeMs / 1000 / totalSec)),
  });
}
