import type { Manifest, VerificationReport } from '../schemas/manifest.ts';
import type { RecordingTimeline } from '../timeline/recording-timeline.ts';
import type { AudioProbe, ProbedAudioChunk } from '../types/audio.ts';
import type { JoinedAudio } from './join-audio.ts';
import { commonManifestFields, validatedManifest } from './manifest.ts';
import type { ChannelEntry } from './voice-activity.ts';

export interface AudioManifestInput {
  chunks: (ProbedAudioChunk & { sha256: string; sizeBytes: number })[];
  resourceId: string | null;
  output: JoinedAudio & { probe: AudioProbe };
  timeline: RecordingTimeline;
  waveform: string;
  channels: ChannelEntry[] | null;
  verification: VerificationReport;
  warnings: string[];
}

const msOf = (sec: number) => Math.round(sec * 1000);

/** `manifest.json` (schemaVersion 1) of an audio recording, checked against its own schema. */
export function buildAudioManifest(input: AudioManifestInput): Manifest {
  const { output } = input;
  return validatedManifest({
    ...commonManifestFields({ ...input, chunks: input.chunks.map((c) => ({ ...c, durationSec: c.audio.durationSec })) }),
    output: {
      file: output.file,
      sizeBytes: output.sizeBytes,
      sha256: output.sha256,
      durationMs: msOf(output.probe.durationSec),
      video: null,
      audio: { codec: output.probe.codec, sampleRate: output.probe.sampleRate, channels: output.probe.channels },
    },
    thumbnails: [],
    verification: input.verification,
    warnings: input.warnings,
    waveform: input.waveform,
    ...(input.channels ? { channels: input.channels } : {}),
  });
}
