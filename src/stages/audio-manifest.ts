import { PipelineError } from '../errors.ts';
import { manifestSchema, type Manifest, type VerificationReport } from '../schemas/manifest.ts';
import type { RecordingTimeline } from '../timeline/recording-timeline.ts';
import type { AudioProbe, ProbedAudioChunk } from '../types/audio.ts';
import type { JoinedAudio } from './join-audio.ts';
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

const iso = (ms: number) => new Date(Math.round(ms)).toISOString();
const msOf = (sec: number) => Math.round(sec * 1000);

/** `manifest.json` (schemaVersion 1) of an audio recording, checked against its own schema. */
export function buildAudioManifest(input: AudioManifestInput): Manifest {
  const { chunks, output, timeline } = input;
  const participants = new Map<string, { participantId: string }>();
  for (const chunk of chunks) for (const p of chunk.metadata.participants) participants.set(p.participantId, { participantId: p.participantId });
  const manifest: Manifest = {
    schemaVersion: 1,
    callId: chunks[0].metadata.callId,
    resourceId: input.resourceId,
    recordingStartTime: iso(timeline.recordingStartMs),
    wallClockDurationMs: timeline.wallClockDurationMs,
    output: {
      file: output.file,
      sizeBytes: output.sizeBytes,
      sha256: output.sha256,
      durationMs: msOf(output.probe.durationSec),
      video: null,
      audio: { codec: output.probe.codec, sampleRate: output.probe.sampleRate, channels: output.probe.channels },
    },
    chunks: chunks.map((chunk, i) => ({
      index: chunk.metadata.chunkIndex,
      documentId: chunk.metadata.chunkDocumentId,
      startTime: iso(Date.parse(chunk.metadata.chunkStartTime)),
      durationMs: msOf(chunk.audio.durationSec),
      mediaOffsetMs: msOf(timeline.chunkOffsetsSec[i]),
      sizeBytes: chunk.sizeBytes,
      sha256: chunk.sha256,
      endReason: chunk.eventRef?.endReason ?? null,
    })),
    pauses: timeline.pauses.map((p) => ({ startTime: iso(p.startMs), durationMs: Math.round(p.durationMs), mediaOffsetMs: msOf(p.mediaOffsetSec) })),
    participants: [...participants.values()],
    thumbnails: [],
    verification: input.verification,
    warnings: input.warnings,
    waveform: input.waveform,
    ...(input.channels ? { channels: input.channels } : {}),
  };
  const parsed = manifestSchema.safeParse(manifest);
  if (!parsed.success) throw new PipelineError('internal', `the manifest does not match its schema: ${parsed.error.issues[0]?.message} at ${parsed.error.issues[0]?.path.join('.')}`);
  return parsed.data;
}
