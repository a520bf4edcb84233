import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mp4Probe } from '../types/probe.ts';
import { PipelineError } from '../errors.ts';
import { manifestSchema, type Manifest, type VerificationReport } from '../schemas/manifest.ts';
import { FEW_PARSES } from '../schemas/parse.ts';
import type { RecordingTimeline } from '../timeline/recording-timeline.ts';
import type { DiscoveredChunk, ProbedChunk } from '../types/chunk.ts';
import { MANIFEST_FILE, RECORDING_FILE } from './publish.ts';
import type { Thumbnail } from './thumbnails.ts';

export interface ManifestInput {
  chunks: (ProbedChunk & { sha256: string; sizeBytes: number })[];
  resourceId: string | null;
  output: { probe: Mp4Probe; sha256: string };
  timeline: RecordingTimeline;
  thumbnails: (Thumbnail & { wallClockMs: number })[];
  verification: VerificationReport;
  warnings: string[];
}

const iso = (ms: number) => new Date(Math.round(ms)).toISOString();
const msOf = (sec: number) => Math.round(sec * 1000);

/** A chunk as every manifest lists it: its documents, its hash and its measured length. */
export interface ManifestChunk extends Pick<DiscoveredChunk, 'metadata' | 'eventRef'> {
  sha256: string;
  sizeBytes: number;
  durationSec: number;
}

type CommonFields = Pick<Manifest, 'schemaVersion' | 'callId' | 'resourceId' | 'recordingStartTime' | 'wallClockDurationMs' | 'chunks' | 'pauses' | 'participants'>;

/** What video and audio manifests share: the call, its timeline, chunks, pauses and participants. */
export function commonManifestFields(input: { chunks: ManifestChunk[]; resourceId: string | null; timeline: RecordingTimeline }): CommonFields {
  const { chunks, timeline } = input;
  const participants = new Map<string, { participantId: string }>();
  for (const chunk of chunks) for (const p of chunk.metadata.participants) participants.set(p.participantId, { participantId: p.participantId });
  return {
    schemaVersion: 1,
    callId: chunks[0].metadata.callId,
    resourceId: input.resourceId,
    recordingStartTime: iso(timeline.recordingStartMs),
    wallClockDurationMs: timeline.wallClockDurationMs,
    chunks: chunks.map((chunk, i) => ({
      index: chunk.metadata.chunkIndex,
      documentId: chunk.metadata.chunkDocumentId,
      startTime: iso(Date.parse(chunk.metadata.chunkStartTime)),
      durationMs: msOf(chunk.durationSec),
      mediaOffsetMs: msOf(timeline.chunkOffsetsSec[i]),
      sizeBytes: chunk.sizeBytes,
      sha256: chunk.sha256,
      endReason: chunk.eventRef?.endReason ?? null,
    })),
    pauses: timeline.pauses.map((p) => ({ startTime: iso(p.startMs), durationMs: Math.round(p.durationMs), mediaOffsetMs: msOf(p.mediaOffsetSec) })),
    participants: [...participants.values()],
  };
}

/** The manifest as its own schema parses it; a mismatch is our bug, not the input's. */
export function validatedManifest(manifest: Manifest): Manifest {
  const parsed = manifestSchema.safeParse(manifest, FEW_PARSES);
  if (!parsed.success) throw new PipelineError('internal', `the manifest does not match its schema: ${parsed.error.issues[0]?.message} at ${parsed.error.issues[0]?.path.join('.')}`);
  return parsed.data;
}

/** Assembles `manifest.json` (schemaVersion 1) and checks it against its own schema. */
export function buildManifest(input: ManifestInput): Manifest {
  const { output } = input;
  const video = output.probe.video!;
  const audio = output.probe.audio!;
  return validatedManifest({
    ...commonManifestFields({ ...input, chunks: input.chunks.map((c) => ({ ...c, durationSec: c.probe.durationSec })) }),
    output: {
      file: RECORDING_FILE,
      sizeBytes: output.probe.sizeBytes,
      sha256: output.sha256,
      durationMs: msOf(output.probe.durationSec),
      video: { codec: video.codec, width: video.width, height: video.height, frameRate: video.frameRate },
      audio: { codec: audio.codec, sampleRate: audio.sampleRate, channels: audio.channels },
    },
    thumbnails: input.thumbnails.map((t) => ({ file: t.file, mediaTimeMs: t.mediaTimeMs, wallClockTime: iso(t.wallClockMs) })),
    verification: input.verification,
    warnings: input.warnings,
  });
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}
