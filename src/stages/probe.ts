import { basename } from 'node:path';
import { probeMp4 } from '../adapters/mp4/probe.ts';
import { SampleTableArena } from '../adapters/mp4/table-arena.ts';
import type { VerificationCheck } from '../schemas/manifest.ts';
import type { DiscoveredChunk, ProbedChunk } from '../types/chunk.ts';
import type { ExpectedAudio, ExpectedVideo } from '../types/pipeline.ts';
import { assertPassed, configurationChecks, reportOf } from './verify.ts';

export interface ProbeStageResult {
  chunks: ProbedChunk[];
  /** Where the chunks' sample tables live: released once the join has its own. */
  tables: SampleTableArena;
  checks: VerificationCheck[];
  warnings: string[];
}

/**
 * Measures every chunk (moov only) and checks it against the expectation; a wrong configuration
 * fails here, before anything is written.
 */
export async function probeChunks(
  chunks: DiscoveredChunk[],
  context: {
    expectVideo: ExpectedVideo;
    expectAudio: ExpectedAudio;
    signal?: AbortSignal;
    /** Each probed chunk in order, as soon as it is probed (not yet checked); must not throw. */
    onProbed?: (chunk: ProbedChunk) => void;
  },
): Promise<ProbeStageResult> {
  const tables = new SampleTableArena();
  const probed: ProbedChunk[] = [];
  // one after another: the probe's reads are synchronous (readMp4Model), so chunks in flight at
  // once would only take turns; each is handed over as soon as it is probed
  for (const chunk of chunks) {
    context.signal?.throwIfAborted();
    const next: ProbedChunk = { ...chunk, probe: await probeMp4(chunk.mediaFile, tables) };
    probed.push(next);
    context.onProbed?.(next);
    // a turn of the event loop between chunks: without it the thumbnails' feed to ffmpeg stalled
    // once the pipe was full until every chunk was probed
    await new Promise((resolve) => setImmediate(resolve));
  }
  const checks: VerificationCheck[] = [];
  const warnings: string[] = [];
  for (const chunk of probed) {
    const chunkChecks = configurationChecks(chunk.probe, { video: context.expectVideo, audio: context.expectAudio }, `chunk[${chunk.metadata.chunkIndex}].`);
    assertPassed(reportOf(chunkChecks), chunk.mediaFile);
    checks.push(...chunkChecks);
    warnings.push(...metadataDisagreements(chunk));
  }
  return { chunks: probed, tables, checks, warnings };
}

/** Where the chunk's own metadata disagrees with its media: warnings, since the media is what plays. */
export function metadataDisagreements(chunk: ProbedChunk): string[] {
  const { metadata, probe } = chunk;
  const name = basename(chunk.metadataFile);
  const warnings: string[] = [];
  const video = probe.video!;
  const audio = probe.audio!;
  const measuredMs = probe.durationSec * 1000;
  const frameMs = 1000 / (video.frameRate || 8);
  if (Math.abs(metadata.chunkDuration - measuredMs) > frameMs + 1) {
    warnings.push(`${name}: chunkDuration says ${metadata.chunkDuration} ms, the media is ${Math.round(measuredMs)} ms long`);
  }
  const vc = metadata.recordingInfo?.videoConfiguration;
  if (vc?.longerSideLength && vc.shorterSideLength) {
    const [longer, shorter] = [Math.max(video.width, video.height), Math.min(video.width, video.height)];
    if (vc.longerSideLength !== longer || vc.shorterSideLength !== shorter) {
      warnings.push(`${name}: recordingInfo says ${vc.longerSideLength}x${vc.shorterSideLength}, the media is ${video.width}x${video.height}`);
    }
  }
  if (vc?.frameRate && Math.abs(vc.frameRate - video.frameRate) > 0.01 * vc.frameRate) {
    warnings.push(`${name}: recordingInfo says ${vc.frameRate} fps, the media has ${video.frameRate}`);
  }
  const ac = metadata.recordingInfo?.audioConfiguration;
  if (ac?.sampleRate && ac.sampleRate !== audio.sampleRate) warnings.push(`${name}: recordingInfo says ${ac.sampleRate} Hz, the media has ${audio.sampleRate}`);
  if (ac?.channels && ac.channels !== audio.channels) warnings.push(`${name}: recordingInfo says ${ac.channels} channels, the media has ${audio.channels}`);
  return warnings;
}
