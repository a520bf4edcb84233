import { join } from 'node:path';
import { probeMp4 } from '../src/adapters/mp4/probe.ts';
import { AbortedError } from '../src/errors.ts';
import { planConcat, StreamCopyOffsets } from '../src/stages/concat.ts';
import { discoverChunks } from '../src/stages/discover.ts';
import { startCopyThreads, type CopyThreads } from '../src/adapters/fs/piece-copy.ts';
import { buildManifest, writeManifest } from '../src/stages/manifest.ts';
import { orderChunks } from '../src/stages/order.ts';
import { probeChunks } from '../src/stages/probe.ts';
import { writeReport } from '../src/stages/report.ts';
import { createStaging, discardStaging, publishStaging, RECORDING_FILE, refuseFinishedOutput } from '../src/stages/publish.ts';
import { makeThumbnails, startThumbnails, type ThumbnailSource } from '../src/stages/thumbnails.ts';
import { assertPassed, configurationChecks, outputChecks, reportOf } from '../src/stages/verify.ts';
import { buildTimeline, mediaTimeToWallMs, timelineChunkOf, type TimelineChunk } from '../src/timeline/recording-timeline.ts';
import { allSettledOrThrow } from '../src/settle.ts';
import type { Discovery } from '../src/types/chunk.ts';
import type { DirectoryInput, ProcessOptions, ProcessResult } from '../src/types/pipeline.ts';

/**
 * The `process` pipeline over a directory of downloaded chunks:
 * discover -> order -> probe -> (concat | thumbnails) -> verify -> report -> manifest -> publish.
 */
export async function processDirectory(input: DirectoryInput, options: ProcessOptions): Promise<ProcessResult> {
  const step = stepper(options);
  step('discover');
  const discovery = await discoverChunks(input);
  if (discovery.format !== 'mp4') return await (await import('./process-audio.ts')).processAudio(discovery, options);
  // the copy's threads boot on the other core while the chunks are probed and the join planned.
  // Not before discover: booting beside it, they made it take 26 ms, not 8, and its collections
  // grew the young generation to 4-8 MB meanwhile (young-generation.ts); the 1 h run is as fast
  // (801 against 807 ms, 30 alternated pairs) and node's peak 2 MB lower. The audio joins copy
  // without them and boot none
  const copyThreads = startCopyThreads();
  try {
    return await processMp4Chunks(discovery, copyThreads, options);
  } finally {
    await copyThreads.close();
  }
}

async function processMp4Chunks(discovery: Discovery, copyThreads: CopyThreads, options: ProcessOptions): Promise<ProcessResult> {
  const { logger, signal } = options;
  const step = stepper(options);
  step('order');
  const { ordered, warnings: orderWarnings } = orderChunks(discovery.chunks, { allowGaps: options.allowGaps });
  step('probe');
  // the staging comes before the probe, so that the thumbnail decode can start while the later
  // chunks are probed; the output is still refused only after them, as before
  const staging = createStaging(options.outDir);
  const thumbnailContext = { outDir: staging.dir, workDir: staging.workDir, intervalSec: options.thumbnailIntervalSec, width: options.thumbnailWidth, logger, signal };
  const earlyThumbnails = options.fillPauses ? null : startThumbnails(thumbnailContext);
  try {
    const offsets = new StreamCopyOffsets();
    const probed = await probeChunks(ordered, {
      expectVideo: options.expectVideo,
      expectAudio: options.expectAudio,
      signal,
      onProbed: (chunk) => {
        const offsetSec = offsets.add(chunk);
        if (offsetSec === null) void earlyThumbnails?.cancel();
        else earlyThumbnails?.add({ file: chunk.mediaFile, offsetSec, video: chunk.probe.video! });
      },
    });
    refuseFinishedOutput(options.outDir, { force: options.force });

    const timelineChunks = probed.chunks.map((chunk) => timelineChunkOf(chunk.metadata, chunk.probe.durationSec));
    const outFile = join(staging.dir, RECORDING_FILE);
    step('concat');
    const concat = planConcat(probed.chunks, {
      workDir: staging.workDir,
      outFile,
      fillPauses: options.fillPauses,
      timelineChunks,
      chunkTables: probed.tables,
      copyThreads,
      expectVideo: options.expectVideo,
      thumbnailIntervalSec: options.thumbnailIntervalSec,
      logger,
      signal,
      onProgress: (share) => options.onProgress?.(share, 'joining chunks'),
    });
    const timeline = buildTimeline(timelineChunks, concat.chunkOffsetsSec);
    const chunkSources: ThumbnailSource[] = probed.chunks.map((c, i) => ({ file: c.mediaFile, offsetSec: concat.chunkOffsetsSec[i], video: c.probe.video! }));
    // the join hashes every chunk and the output as it copies them; the thumbnails' decode, begun
    // during the probe, ends alongside (a failure of the join still comes first)
    if (concat.mode !== 'stream-copy') await earlyThumbnails?.cancel();
    const thumbnailing = concat.mode === 'stream-copy' && earlyThumbnails ? earlyThumbnails.finish(chunkSources, concat.expected.durationSec) : Promise.resolve(null);
    const [joined, streamCopyThumbnails] = await allSettledOrThrow([concat.run(), thumbnailing]);

    step('verify');
    const outputProbe = await probeMp4(outFile);
    const checks = [
      ...probed.checks,
      ...configurationChecks(outputProbe, { video: options.expectVideo, audio: options.expectAudio }, 'output.'),
      ...outputChecks(outputProbe, concat.expected),
    ];
    const verification = reportOf(checks);
    assertPassed(verification, outFile);

    step('thumbnails');
    const thumbnails =
      streamCopyThumbnails ?? (await makeThumbnails([{ file: outFile, offsetSec: 0, video: outputProbe.video! }], { ...thumbnailContext, durationSec: outputProbe.durationSec }));

    step('manifest');
    const manifest = buildManifest({
      chunks: probed.chunks.map((c, i) => ({ ...c, ...joined.chunks[i] })),
      resourceId: discovery.event?.resourceId ?? probed.chunks[0].metadata.resourceId ?? null,
      output: { probe: outputProbe, sha256: joined.sha256 },
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
    await earlyThumbnails?.cancel();
    await discardStaging(staging);
  }
}


function stepper({ logger, signal }: ProcessOptions): (name: string) => void {
  return (name) => {
    if (signal?.aborted) throw new AbortedError(`aborted before ${name}`);
    logger.debug('stage', { stage: name });
  };
}

function wallClockAt(timeline: ReturnType<typeof buildTimeline>, chunks: TimelineChunk[], mediaTimeMs: number, filled: boolean): number {
  return filled ? timeline.recordingStartMs + mediaTimeMs : mediaTimeToWallMs(timeline, chunks, mediaTimeMs / 1000);
}
