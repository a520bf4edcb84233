import PQueue from 'p-queue';
import { hashFile } from '../src/adapters/fs/hash.ts';
import { AbortedError } from '../src/errors.ts';
import { allSettledOrThrow } from '../src/settle.ts';
import { buildAudioManifest } from '../src/stages/audio-manifest.ts';
import { joinWavChunks, planWavRecording, type JoinedAudio } from '../src/stages/join-audio.ts';
import { joinMp3Chunks } from '../src/stages/join-mp3.ts';
import { writeManifest } from '../src/stages/manifest.ts';
import { orderChunks } from '../src/stages/order.ts';
import { expectedChannels, probeAudioChunks } from '../src/stages/probe-audio.ts';
import { discardStaging, prepareStaging, publishStaging } from '../src/stages/publish.ts';
import { writeReport } from '../src/stages/report.ts';
import { assertPassed, reportOf } from '../src/stages/verify.ts';
import { wavOutputChecks } from '../src/stages/verify-audio.ts';
import { channelParticipants, startVoiceActivity, type ChannelEntry } from '../src/stages/voice-activity.ts';
import { drawWaveform, peaksOfEncoded, startPeaks } from '../src/stages/waveform.ts';
import { buildTimeline, localPausePositions, timelineChunkOf, type RecordingTimeline, type TimelineChunk } from '../src/timeline/recording-timeline.ts';
import type { PeakColumns } from '../src/adapters/audio/peaks.ts';
import type { AudioProbe, AudioRecordingKind, ProbedAudioChunk } from '../src/types/audio.ts';
import type { Discovery } from '../src/types/chunk.ts';
import type { ProcessOptions, ProcessResult } from '../src/types/pipeline.ts';

/**
 * The `process` pipeline for audio recordings (mixed MP3, mixed WAV, unmixed WAV):
 * order -> probe -> join (with peaks and voice activity as the samples pass) -> verify ->
 * waveform -> report -> manifest -> publish. Same staging, exit codes and atomicity as video.
 */
export async function processAudio(discovery: Discovery, options: ProcessOptions): Promise<ProcessResult> {
  const { logger, signal } = options;
  const step = (name: string) => {
    if (signal?.aborted) throw new AbortedError(`aborted before ${name}`);
    logger.debug('stage', { stage: name });
  };
  const kind = { format: discovery.format, channelType: discovery.channelType } as AudioRecordingKind;

  step('order');
  const { ordered, warnings: orderWarnings } = orderChunks(discovery.chunks, { allowGaps: options.allowGaps });
  step('probe');
  const probed = await probeAudioChunks(ordered, { kind, expectAudio: options.expectAudio, signal });
  const { chunks } = probed;
  const channels = expectedChannels(chunks[0], kind) ?? chunks[0].audio.channels;
  const sampleRate = chunks[0].audio.sampleRate;
  const participants = channelParticipants(chunks, channels);
  const timelineChunks = chunks.map((chunk) => timelineChunkOf(chunk.metadata, chunk.audio.durationSec));

  const staging = prepareStaging(options.outDir, { force: options.force });
  try {
    step('join');
    const hashing = new PQueue({ concurrency: 2 });
    const hashChunks = () => Promise.all(chunks.map((c) => hashing.add(() => hashFile(c.mediaFile)))) as Promise<{ sha256: string; sizeBytes: number }[]>;
    let chunkHashes: { sha256: string; sizeBytes: number }[];
    const onProgress = (share: number) => options.onProgress?.(share, 'joining chunks');
    let joined: JoinedAudio & { probe: AudioProbe };
    let peaks: PeakColumns;
    let channelEntries: ChannelEntry[] | null = null;
    const checks = [...probed.checks];
    if (kind.format === 'wav') {
      const plan = planWavRecording(chunks, { fillPauses: options.fillPauses, timelineChunks });
      const peakRun = startPeaks({ channels, totalFrames: plan.totalFrames });
      const unmixed = kind.channelType === 'unmixed';
      const voice = unmixed ? startVoiceActivity({ channels, sampleRate, participants: participants.byChannel }) : null;
      const [wav, hashes] = await allSettledOrThrow([
        joinWavChunks(chunks, { plan, outDir: staging.dir, unmixed, observers: [peakRun.observer, ...(voice ? [voice.observer] : [])], signal, onProgress }),
        hashChunks(),
      ]);
      chunkHashes = hashes;
      step('verify');
      const output = await wavOutputChecks({ outDir: staging.dir, file: wav.file, channelFiles: wav.channelFiles, expectAudio: options.expectAudio, channels, expectedFrames: plan.totalFrames });
      checks.push(...output.checks);
      joined = { ...wav, probe: output.probe };
      peaks = peakRun.peaks;
      channelEntries = voice?.finish(plan.totalFrames) ?? null;
    } else {
      // the writer hashes each chunk as it copies its frames
      const mp3 = await joinMp3Chunks(chunks, { outDir: staging.dir, expectAudio: options.expectAudio, channels, fillPauses: options.fillPauses, signal, logger });
      chunkHashes = mp3.sources;
      step('verify');
      checks.push(...mp3.checks);
      joined = mp3;
      peaks = await peaksOfEncoded({ file: mp3.outFile, inputFormat: 'mp3', channels, totalFrames: Math.round(mp3.expectedDurationSec * sampleRate), logger, signal });
    }
    const verification = reportOf(checks);
    assertPassed(verification, joined.file);

    step('waveform');
    const filledPauses = options.fillPauses && kind.format === 'wav';
    const timeline = audioTimeline(timelineChunks, joined.chunkOffsetsSec, filledPauses);
    const waveform = await drawWaveform({
      outDir: staging.dir,
      peaks,
      labels: laneLabels(kind, participants.byChannel, chunks),
      durationMs: Math.round(joined.probe.durationSec * 1000),
      pauses: timeline.pauses.map((p) => ({ mediaOffsetMs: p.mediaOffsetSec * 1000, durationMs: p.durationMs, filled: filledPauses })),
    });

    step('manifest');
    const manifest = buildAudioManifest({
      chunks: chunks.map((c, i) => ({ ...c, ...chunkHashes[i] })),
      resourceId: discovery.event?.resourceId ?? chunks[0].metadata.resourceId ?? null,
      output: joined,
      timeline,
      waveform,
      channels: channelEntries,
      verification,
      warnings: [...discovery.warnings, ...orderWarnings, ...probed.warnings, ...participants.warnings, ...timeline.warnings, ...joined.warnings],
    });
    await writeReport({ outDir: staging.dir, manifest }, { logger, signal });
    await writeManifest(staging.dir, manifest);
    step('publish');
    await publishStaging(staging);
    logger.info('recording processed', { outDir: staging.outDir, format: kind.format, channelType: kind.channelType, chunks: manifest.chunks.length, durationMs: manifest.output.durationMs });
    return { manifest, outDir: staging.outDir };
  } finally {
    await discardStaging(staging);
  }
}


/** With filled pauses every pause sits at its wall-clock offset: earlier pauses of the same chunk are in the media too. */
function audioTimeline(chunks: TimelineChunk[], offsetsSec: number[], filled: boolean): RecordingTimeline {
  const timeline = buildTimeline(chunks, offsetsSec);
  if (!filled) return timeline;
  const shifted = chunks.flatMap((chunk, i) => {
    let before = 0;
    return localPausePositions(chunk).map((p) => {
      const mediaOffsetSec = offsetsSec[i] + p.localSec + before / 1000;
      before += p.durationMs;
      return mediaOffsetSec;
    });
  });
  return { ...timeline, pauses: timeline.pauses.map((p, i) => ({ ...p, mediaOffsetSec: shifted[i] })) };
}

function laneLabels(kind: AudioRecordingKind, byChannel: (string | null)[], chunks: ProbedAudioChunk[]): string[] {
  if (kind.channelType === 'unmixed') return byChannel.map((p, k) => `channel ${k}: ${p ?? 'unknown participant'}`);
  const everyone = new Set(chunks.flatMap((c) => c.metadata.participants.map((p) => p.participantId)));
  return [`mixed: ${everyone.size} participant(s)`];
}
