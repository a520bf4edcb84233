import { join } from 'node:path';
import { writeJoinedMp3 } from '../adapters/mp3/write-joined.ts';
import type { Logger } from '../logger.ts';
import { planMp3Join } from '../timeline/mp3-join-plan.ts';
import type { VerificationCheck } from '../schemas/manifest.ts';
import type { AudioProbe, ProbedAudioChunk } from '../types/audio.ts';
import type { ExpectedAudio } from '../types/pipeline.ts';
import { MP3_RECORDING_FILE, type JoinedAudio } from './join-audio.ts';
import { probeMp3Audio } from './probe-mp3-audio.ts';
import { audioOutputChecks, mp3DurationCheck } from './verify-audio.ts';

/**
 * Joins MP3 chunks by frame copy with the MP3 join plan (each chunk placed where the durations add
 * up, within half a frame), then checks the written file.
 */
export async function joinMp3Chunks(
  chunks: ProbedAudioChunk[],
  context: { outDir: string; expectAudio: ExpectedAudio; channels: number; fillPauses: boolean; signal?: AbortSignal; logger?: Logger },
): Promise<JoinedAudio & { probe: AudioProbe; checks: VerificationCheck[]; outFile: string; sources: { sha256: string; sizeBytes: number }[] }> {
  const outFile = join(context.outDir, MP3_RECORDING_FILE);
  const plan = planMp3Join(chunks.map((c) => c.audio.mp3!));
  const written = await writeJoinedMp3({ plan, chunks: chunks.map((c) => c.audio.mp3!), outFile, signal: context.signal });
  const probe = await probeMp3Audio(outFile);
  const expectedDurationSec = plan.idealPresentedSamples / plan.sampleRate;
  const samplesPerFrame = plan.samplesPerFrame;
  return {
    file: MP3_RECORDING_FILE,
    outFile,
    sizeBytes: written.sizeBytes,
    sha256: written.sha256,
    chunkOffsetsSec: plan.chunks.map((c) => c.offsetSamples / plan.sampleRate),
    expectedDurationSec,
    warnings: context.fillPauses ? ['--fill-pauses does not apply to MP3 recordings (frames are copied, never re-encoded): pauses stay absent from the media and are listed in pauses[]'] : [],
    sources: written.sources,
    probe,
    checks: [
      ...audioOutputChecks(probe, { audio: context.expectAudio, channels: context.channels }),
      mp3DurationCheck({ expectedDurationSec, actualDurationSec: probe.durationSec, samplesPerFrame, sampleRate: probe.sampleRate }),
      {
        name: 'output.maxJoinErrorMs',
        expected: `<= ${Math.round((samplesPerFrame / 2 / plan.sampleRate) * 1000)}`,
        actual: Math.round((plan.maxPlacementErrorSamples / plan.sampleRate) * 1000),
        passed: plan.maxPlacementErrorSamples <= samplesPerFrame / 2,
      },
    ],
  };
}
