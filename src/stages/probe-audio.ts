import { basename } from 'node:path';
import PQueue from 'p-queue';
import { probeWav } from '../adapters/wav/riff.ts';
import type { VerificationCheck } from '../schemas/manifest.ts';
import type { AudioProbe, AudioRecordingKind, ProbedAudioChunk } from '../types/audio.ts';
import type { DiscoveredChunk } from '../types/chunk.ts';
import type { ExpectedAudio } from '../types/pipeline.ts';
import { probeMp3Audio } from './probe-mp3-audio.ts';
import { assertPassed, reportOf } from './verify.ts';

export interface ProbeAudioResult {
  chunks: ProbedAudioChunk[];
  checks: VerificationCheck[];
  warnings: string[];
}

/** The codec each format must hold: what ACS writes. */
export const EXPECTED_CODEC = { mp3: 'mp3', wav: 'pcm_s16le' } as const;

const check = (name: string, expected: unknown, actual: unknown): VerificationCheck => ({ name, expected, actual, passed: expected === actual });

/** The channel count a chunk's metadata implies: its audioConfiguration, else 1 (mixed) or one per channel its participants name. */
export function expectedChannels(chunk: DiscoveredChunk, kind: AudioRecordingKind): number | null {
  const stated = chunk.metadata.recordingInfo?.audioConfiguration?.channels;
  if (typeof stated === 'number' && stated > 0) return stated;
  if (kind.channelType === 'mixed') return 1;
  const channels = chunk.metadata.participants.map((p) => p.channel).filter((c): c is number => c !== undefined);
  return channels.length > 0 ? Math.max(...channels) + 1 : null;
}

/**
 * Measures every audio chunk (headers only for WAV, frame headers for MP3) and checks codec,
 * sample rate and channel count; a chunk that fails fails here, before anything is written.
 */
export async function probeAudioChunks(chunks: DiscoveredChunk[], context: { kind: AudioRecordingKind; expectAudio: ExpectedAudio; signal?: AbortSignal }): Promise<ProbeAudioResult> {
  const queue = new PQueue({ concurrency: 4 });
  const probes = await Promise.all(chunks.map((chunk) => queue.add(() => probeOne(chunk.mediaFile, context.kind), { signal: context.signal })));
  const probed = chunks.map((chunk, i) => ({ ...chunk, audio: probes[i] as AudioProbe }));
  const checks: VerificationCheck[] = [];
  const warnings: string[] = [];
  const layout = (p: AudioProbe) => `${p.channels} ch, ${p.sampleRate} Hz`;
  for (const [i, chunk] of probed.entries()) {
    const prefix = `chunk[${chunk.metadata.chunkIndex}].audio.`;
    const channels = expectedChannels(chunk, context.kind);
    const chunkChecks = [
      check(`${prefix}codec`, EXPECTED_CODEC[context.kind.format], chunk.audio.codec),
      check(`${prefix}sampleRate`, context.expectAudio.sampleRate, chunk.audio.sampleRate),
      check(`${prefix}channels`, channels ?? chunk.audio.channels, chunk.audio.channels),
      // samples are joined as they are: every chunk must have the first one's layout
      ...(i > 0 ? [check(`${prefix}layout`, layout(probed[0].audio), layout(chunk.audio))] : []),
    ];
    assertPassed(reportOf(chunkChecks), chunk.mediaFile);
    checks.push(...chunkChecks);
    warnings.push(...durationDisagreement(chunk));
  }
  return { chunks: probed, checks, warnings };
}

async function probeOne(file: string, kind: AudioRecordingKind): Promise<AudioProbe> {
  if (kind.format === 'mp3') return probeMp3Audio(file);
  const wav = await probeWav(file);
  return { format: 'wav', codec: wav.format.codec, sampleRate: wav.format.sampleRate, channels: wav.format.channels, durationSec: wav.durationSec, sizeBytes: wav.sizeBytes, wav };
}

function durationDisagreement(chunk: ProbedAudioChunk): string[] {
  const measuredMs = chunk.audio.durationSec * 1000;
  // one MP3 frame (1152 samples) or one 20 ms frame of PCM is within what ACS rounds to
  const toleranceMs = chunk.audio.format === 'mp3' ? (1152 / chunk.audio.sampleRate) * 1000 : 20;
  if (Math.abs(chunk.metadata.chunkDuration - measuredMs) <= toleranceMs + 1) return [];
  return [`${basename(chunk.metadataFile)}: chunkDuration says ${chunk.metadata.chunkDuration} ms, the media is ${Math.round(measuredMs)} ms long`];
}
