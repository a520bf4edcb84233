import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { planWavJoin, type WavJoinPlan } from '../adapters/wav/join-plan.ts';
import { writeJoinedWav, type SampleObserver } from '../adapters/wav/write-joined.ts';
import type { TimelineChunk } from '../timeline/recording-timeline.ts';
import type { ProbedAudioChunk } from '../types/audio.ts';

export const WAV_RECORDING_FILE = 'recording.wav';
export const MP3_RECORDING_FILE = 'recording.mp3';
export const CHANNELS_DIR = 'channels';

export interface JoinedAudio {
  file: typeof WAV_RECORDING_FILE | typeof MP3_RECORDING_FILE;
  sizeBytes: number;
  sha256: string;
  chunkOffsetsSec: number[];
  /** What the chunks add up to, as planned. */
  expectedDurationSec: number;
  warnings: string[];
}

export function planWavRecording(chunks: ProbedAudioChunk[], options: { fillPauses: boolean; timelineChunks: TimelineChunk[] }): WavJoinPlan {
  return planWavJoin({ chunkFrames: chunks.map((c) => c.audio.wav!.sampleFrames), sampleRate: chunks[0].audio.sampleRate, fillPauses: options.fillPauses, timelineChunks: options.timelineChunks });
}

/** Writes `recording.wav` (and, unmixed, `channels/channel-<k>.wav`) in one pass over the chunks' samples. */
export async function joinWavChunks(
  chunks: ProbedAudioChunk[],
  context: { plan: WavJoinPlan; outDir: string; unmixed: boolean; observers: SampleObserver[]; signal?: AbortSignal; onProgress?: (share: number) => void },
): Promise<JoinedAudio & { channelFiles: string[] }> {
  const { plan } = context;
  const format = chunks[0].audio.wav!.format;
  const channelFiles = context.unmixed ? Array.from({ length: format.channels }, (_, k) => join(CHANNELS_DIR, `channel-${k}.wav`)) : [];
  if (context.unmixed) await mkdir(join(context.outDir, CHANNELS_DIR), { recursive: true });
  const written = await writeJoinedWav({
    plan,
    chunks: chunks.map((c) => ({ file: c.mediaFile, dataOffset: c.audio.wav!.dataOffset })),
    layout: { channels: format.channels, sampleRate: format.sampleRate, bitsPerSample: format.bitsPerSample },
    outFile: join(context.outDir, WAV_RECORDING_FILE),
    channelFiles: channelFiles.map((f) => join(context.outDir, f)),
    observers: context.observers,
    signal: context.signal,
    onProgress: context.onProgress,
  });
  return {
    file: WAV_RECORDING_FILE,
    sizeBytes: written.sizeBytes,
    sha256: written.sha256,
    chunkOffsetsSec: plan.chunkOffsetsSec,
    expectedDurationSec: plan.totalFrames / format.sampleRate,
    warnings: plan.warnings,
    channelFiles,
  };
}
