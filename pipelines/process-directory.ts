import { join } from 'node:path';
import PQueue from 'p-queue';
import { hashFile } from '../src/adapters/fs/hash.ts';
import { probeMp4 } from '../src/adapters/mp4/probe.ts';
import { AbortedError } from '../src/errors.ts';
import { planConcat } from '../src/stages/concat.ts';
import { discoverChunks } from '../src/stages/discover.ts';
import { buildManifest, writeManifest } from '../src/stages/manifest.ts';
import { orderChunks } from '../src/stages/order.ts';
import { probeChunks } from '../src/stages/probe.ts';
import { writeReport } from '../src/stages/report.ts';
import { discardStaging, prepareStaging, publishStaging, RECORDING_FILE } from '../src/stages/publish.ts';
import { makeThumbnails, type ThumbnailSource } from '../src/stages/thumbnails.ts';
import { assertPassed, configurationChecks, outputChecks, reportOf } from '../src/stages/verify.ts';
import { buildTimeline, mediaTimeToWallMs, type TimelineChunk } from '../src/timeline/recording-timeline.ts';
import { allSettledOrThrow } from '../src/settle.ts';
import type { ProbedChunk } from '../src/types/chunk.ts';
import type { DirectoryInput, ProcessOptions, ProcessResult } from '../src/types/pipeline.ts';

/**
 * The `process` pipeline over a directory of downloaded chunks:
 * discover -> order -> probe -> (concat | thumbnails) -> verify -> report -> manifest -> publish.
 */
export async function processDirectory(input: DirectoryInput, options: ProcessOptions): Promise<ProcessResult> {
  const { logger, signal } = options;
  const step = (name: string) => {
    if (signal?.aborted) throw new AbortedError(`aborted before ${name}`);
    logger.debug('stage', { stage: name });
  };

  step('discover');
  const discovery = await discoverChunks(input);
  if (discovery.format !== 'mp4') return (await import('./process-audio.ts')).processAudio(discovery, options);
  step('order');
  const { ordered, warnings: orderWarnings } = orderChunks(discovery.chunks, { allowGaps: options.allowGaps });
  step('probe');
  const probed = await probeChunks(ordered, { expectVideo: options.expectVideo, expectAudio: options.expectAudio, signal });

  const staging = await prepareStaging(options.outDir, { force: options.force });
  try {
    const timelineChunks = probed.chunks.map(toTimelineChunk);
    const outFile = join(staging.dir, RECORDING_FILE);
    step('concat');
    const concat = planConcat(probed.chunks, {
      workDir: staging.workDir,
      outFile,
      fillPauses: options.fillPauses,
      timelineChunks,
      expectVideo: options.expectVideo,
      thumbnailIntervalSec: options.thumbnailIntervalSec,
      logger,
      signal,
      onProgress: (share) => options.onProgress?.(share, 'joining chunks'),
    });
    const timeline = buildTimeline(timelineChunks, concat.chunkOffsetsSec);
    const thumbnailContext = {
      outDir: staging.dir,
      workDir: staging.workDir,
      intervalSec: options.thumbnailIntervalSec,
      width: options.thumbnailWidth,
      durationSec: concat.expectedDurationSec,
      logger,
      signal,
    };
    const chunkSources: ThumbnailSource[] = probed.chunks.map((c, i) => ({ file: c.mediaFile, offsetSec: concat.chunkOffsetsSec[i], video: c.probe.video! }));
    const hashing = new PQueue({ concurrency: 2 });
    const [, streamCopyThumbnails, chunkHashes] = await allSettledOrThrow([
      concat.run(),
      concat.mode === 'stream-copy' ? makeThumbnails(chunkSources, thumbnailContext) : Promise.resolve(null),
      Promise.all(probed.chunks.map((c) => hashing.add(() => hashFile(c.mediaFile)))),
    ]);

    step('verify');
    // hashing the output reads all of it: done while the moov is checked, not after
    const [probing, outputHashing] = await Promise.allSettled([probeMp4(outFile), hashFile(outFile)]);
    if (probing.status === 'rejected') throw probing.reason;
    const outputProbe = probing.value;
    const checks = [
      ...probed.checks,
      ...configurationChecks(outputProbe, { video: options.expectVideo, audio: options.expectAudio }, 'output.'),
      ...outputChecks(outputProbe, { expectedDurationSec: concat.expectedDurationSec, frameRate: options.expectVideo.frameRate }),
    ];
    const verification = reportOf(checks);
    assertPassed(verification, outFile);

    step('thumbnails');
    const thumbnails =
      streamCopyThumbnails ?? (await makeThumbnails([{ file: outFile, offsetSec: 0, video: outputProbe.video! }], { ...thumbnailContext, durationSec: outputProbe.durationSec }));

    step('manifest');
    if (outputHashing.status === 'rejected') throw outputHashing.reason;
    const manifest = buildManifest({
      chunks: probed.chunks.map((c, i) => ({ ...c, ...(chunkHashes[i] as { sha256: string; sizeBytes: number }) })),
      resourceId: discovery.event?.resourceId ?? probed.chunks[0].metadata.resourceId ?? null,
      output: { probe: outputProbe, sha256: outputHashing.value.sha256 },
      timeline,
      thumbnails: thumbnails.map((t) => ({ ...t, wallClockMs: wallClockAt(timeline, timelineChunks, t.mediaTimeMs, options.fillPauses) })),
      verification,
      warnings: [...discovery.warnings, ...orderWarnings, ...probed.warnings, ...timeline.warnings, ...concat.warnings],
    });
    await writeReport({ outDir: staging.dir, manifest }, { logger, signal });
    await writeManifest(staging.dir, manifest);
    step('publish');
    await publishStaging(staging);
    logger.info('recording processed', { outDir: staging.outDir, chunks: manifest.chunks.length, durationMs: manifest.output.durationMs, joinMode: concat.mode, maxJoinErrorMs: concat.maxJoinErrorMs });
    return { manifest, outDir: staging.outDir };
  } finally {
    await discardStaging(staging);
  }
}

function toTimelineChunk(chunk: ProbedChunk): TimelineChunk {
  return {
    index: chunk.metadata.chunkIndex,
    startMs: Date.parse(chunk.metadata.chunkStartTime),
    mediaDurationSec: Math.max(chunk.probe.video!.durationSec, chunk.probe.audio!.durationSec),
    pauses: chunk.metadata.pauseResumeIntervals.map((p) => ({ startMs: Date.parse(p.startTime), durationMs: p.duration })),
  };
}

function wallClockAt(timeline: ReturnType<typeof buildTimeline>, chunks: TimelineChunk[], mediaTimeMs: number, filled: boolean): number {
  return filled ? timeline.recordingStartMs + mediaTimeMs : mediaTimeToWallMs(timeline, chunks, mediaTimeMs / 1000);
}
