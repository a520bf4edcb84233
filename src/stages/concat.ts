import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { fillPausesArgs, joinArgs, silentAacArgs, videoSlotList, type TimelineSegment } from '../adapters/ffmpeg/args.ts';
import { runFfmpeg } from '../adapters/ffmpeg/runner.ts';
import { readFramesAsAdts, splitAdtsFrames, adtsHeader } from '../adapters/mp4/adts.ts';
import type { Logger } from '../logger.ts';
import { planJoins, type JoinPlan } from '../timeline/join-plan.ts';
import { filledSegments, type TimelineChunk } from '../timeline/recording-timeline.ts';
import type { ProbedChunk } from '../types/chunk.ts';
import type { ExpectedVideo } from '../types/pipeline.ts';

export type JoinMode = 'stream-copy' | 're-encode' | 'fill-pauses';

export interface ConcatPlan {
  mode: JoinMode;
  chunkOffsetsSec: number[];
  /** What the output's length must be: the chunks (and fillers) added up. */
  expectedDurationSec: number;
  /** Largest distance of a join from where the summed durations put it, in ms. */
  maxJoinErrorMs: number;
  warnings: string[];
  /** Writes the joined MP4. */
  run(): Promise<void>;
}

export interface ConcatContext {
  workDir: string;
  outFile: string;
  fillPauses: boolean;
  timelineChunks: TimelineChunk[];
  expectVideo: ExpectedVideo;
  thumbnailIntervalSec?: number;
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (share: number) => void;
}

const FFMPEG_TIMEOUT_PER_MEDIA_SECOND_MS = 200;

/**
 * Plans how the chunks become one MP4 (stream copy with sample-accurate joins, or a re-encode when
 * it must), so that offsets are known before the join runs and thumbnails can start alongside.
 */
export function planConcat(chunks: ProbedChunk[], context: ConcatContext): ConcatPlan {
  const mediaSec = (c: ProbedChunk) => Math.max(c.probe.video!.durationSec, c.probe.audio!.durationSec);
  const total = (segments: TimelineSegment[]) => segments.reduce((sum, s) => sum + s.durationSec, 0);
  if (context.fillPauses) {
    const filled = filledSegments(context.timelineChunks);
    const warnings = [...filled.warnings, 'paused spans were filled with black frames and silence: the video was re-encoded'];
    return {
      mode: 'fill-pauses',
      chunkOffsetsSec: filled.chunkOffsetsSec,
      expectedDurationSec: total(filled.segments),
      maxJoinErrorMs: 0,
      warnings,
      run: () => renderSegments(chunks, filled.segments, context),
    };
  }
  const mismatch = streamCopyMismatch(chunks);
  if (mismatch) {
    const segments: TimelineSegment[] = chunks.map((c, input) => ({ kind: 'media', input, fromSec: 0, durationSec: mediaSec(c) }));
    return {
      mode: 're-encode',
      chunkOffsetsSec: segments.map((_, i) => total(segments.slice(0, i))),
      expectedDurationSec: total(segments),
      maxJoinErrorMs: 0,
      warnings: [`${mismatch}: the chunks were re-encoded, not stream-copied`],
      run: () => renderSegments(chunks, segments, context),
    };
  }
  return planStreamCopy(chunks, context);
}

/** Why the chunks cannot share one stream-copied track, or null when they can. */
export function streamCopyMismatch(chunks: ProbedChunk[]): string | null {
  const first = chunks[0].probe;
  for (const chunk of chunks.slice(1)) {
    const { video, audio } = chunk.probe;
    const label = `chunk ${chunk.metadata.chunkIndex}`;
    if (video!.codec !== first.video!.codec || video!.width !== first.video!.width || video!.height !== first.video!.height) {
      return `${label} has video ${video!.codec} ${video!.width}x${video!.height}, chunk ${chunks[0].metadata.chunkIndex} ${first.video!.codec} ${first.video!.width}x${first.video!.height}`;
    }
    const sets = (p: typeof video) => p!.parameterSets.map((b) => b.toString('hex')).join(',');
    if (sets(video) !== sets(first.video) || video!.nalLengthSize !== first.video!.nalLengthSize) return `${label} has other H.264 parameter sets`;
    if (audio!.audioSpecificConfig !== first.audio!.audioSpecificConfig) return `${label} has another AAC configuration`;
  }
  return null;
}

function planStreamCopy(chunks: ProbedChunk[], context: ConcatContext): ConcatPlan {
  const plan = planJoins(
    chunks.map(({ probe }) => ({
      videoDurationSec: probe.video!.durationSec,
      sampleRate: probe.audio!.sampleRate,
      samplesPerFrame: probe.audio!.samplesPerFrame,
      primingSamples: probe.audio!.primingSamples,
      presentedSamples: probe.audio!.presentedSamples,
      frameCount: probe.audio!.sampleCount,
    })),
  );
  const audio = chunks[0].probe.audio!;
  const sr = plan.sampleRate;
  const idealTotal = plan.chunks.reduce((sum, c) => sum + c.mediaDurationSec, 0);
  const warnings = plan.chunks.flatMap((c, i) =>
    c.silentFrames > 1 ? [`chunk ${chunks[i].metadata.chunkIndex}: its sound ends ${Math.round((c.silentFrames * audio.samplesPerFrame * 1000) / sr)} ms before its video; filled with silence`] : [],
  );
  return {
    mode: 'stream-copy',
    chunkOffsetsSec: plan.chunks.map((c) => c.offsetSamples / sr),
    expectedDurationSec: idealTotal,
    maxJoinErrorMs: Math.round((plan.maxPlacementErrorSamples * 1000) / sr),
    warnings,
    run: () => runStreamCopy(chunks, plan, context),
  };
}

async function runStreamCopy(chunks: ProbedChunk[], plan: JoinPlan, context: ConcatContext): Promise<void> {
  const audio = chunks[0].probe.audio!;
  const needsSilence = plan.chunks.some((c) => c.silentFrames > 0);
  const silence = needsSilence ? await encodedSilence(audio.sampleRate, audio.channels, context) : null;

  const adtsFile = join(context.workDir, 'joined-audio.aac');
  const out = createWriteStream(adtsFile);
  const write = async (bytes: Buffer) => {
    if (!out.write(bytes)) await once(out, 'drain');
  };
  for (const [i, chunk] of chunks.entries()) {
    const { firstFrame, copiedFrames, silentFrames } = plan.chunks[i];
    const a = chunk.probe.audio!;
    for await (const bytes of readFramesAsAdts({ file: chunk.mediaFile, offsets: a.packetOffsets, sizes: a.packetSizes, first: firstFrame, count: copiedFrames }, a.audioSpecificConfig)) {
      await write(bytes);
    }
    for (let s = 0; s < silentFrames; s++) await write(Buffer.concat([adtsHeader(audio.audioSpecificConfig, silence!.length), silence!]));
  }
  out.end();
  await once(out, 'finish');

  const sr = plan.sampleRate;
  const videoListFile = join(context.workDir, 'video-slots.ffconcat');
  await writeFile(videoListFile, videoSlotList(chunks.map((c, i) => ({ file: c.mediaFile, slotSec: plan.chunks[i].slotSamples / sr }))));
  const totalSec = plan.totalSamples / sr;
  await runFfmpeg({
    args: joinArgs({ videoListFile, adtsFile, leadingPrimingSec: plan.leadingPrimingSamples / sr, outFile: context.outFile }),
    label: 'join chunks',
    logger: context.logger,
    signal: context.signal,
    timeoutMs: 60_000 + totalSec * FFMPEG_TIMEOUT_PER_MEDIA_SECOND_MS,
    onProgress: (p) => context.onProgress?.(Math.min(1, p.outTimeMs / 1000 / totalSec)),
  });
}

/** One raw AAC frame of silence in the chunks' configuration. */
async function encodedSilence(sampleRate: number, channels: number, context: ConcatContext): Promise<Buffer> {
  const file = join(context.workDir, 'silence.aac');
  await runFfmpeg({ args: silentAacArgs({ sampleRate, channels, outFile: file }), label: 'encode silence', logger: context.logger, signal: context.signal, timeoutMs: 30_000 });
  const frames = splitAdtsFrames(await readFile(file));
  // past the priming frame, the encoder's output for silence is steady
  return frames[Math.min(2, frames.length - 1)];
}

async function renderSegments(chunks: ProbedChunk[], segments: TimelineSegment[], context: ConcatContext): Promise<void> {
  const audio = chunks[0].probe.audio!;
  const totalSec = segments.reduce((sum, s) => sum + s.durationSec, 0);
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
