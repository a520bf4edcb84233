import { createHash } from 'node:crypto';
import { manifestSchema, type Manifest } from '../schemas/manifest.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
export const T0 = Date.parse('2024-05-01T10:00:00.000Z');
export const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

/** A small valid manifest for the unit tables: two chunks 60 s of media each, no pauses. */
export function testManifest(patch: (m: Manifest) => void = () => {}): Manifest {
  const m: Manifest = {
    schemaVersion: 1,
    callId: 'call-1',
    resourceId: 'resource-1',
    recordingStartTime: at(0),
    wallClockDurationMs: 120_000,
    output: {
      file: 'recording.mp4',
      sizeBytes: 2048,
      sha256: sha('out'),
      durationMs: 120_000,
      video: { codec: 'avc1.640028', width: 1920, height: 1080, frameRate: 8 },
      audio: { codec: 'mp4a.40.2', sampleRate: 16000, channels: 1 },
    },
    chunks: [
      { index: 0, documentId: 'doc-0', startTime: at(0), durationMs: 60_000, mediaOffsetMs: 0, sizeBytes: 1, sha256: sha('0'), endReason: 'ChunkMaximumSizeExceeded' },
      { index: 1, documentId: 'doc-1', startTime: at(60_000), durationMs: 60_000, mediaOffsetMs: 60_000, sizeBytes: 1, sha256: sha('1'), endReason: 'SessionEnded' },
    ],
    pauses: [],
    participants: [{ participantId: '8:acs:alice' }],
    thumbnails: [
      { file: 'thumbnails/thumb-0000.jpg', mediaTimeMs: 0, wallClockTime: at(0) },
      { file: 'thumbnails/thumb-0001.jpg', mediaTimeMs: 60_000, wallClockTime: at(60_000) },
    ],
    verification: { passed: true, checks: [{ name: 'video.frameRate', expected: 8, actual: 8, passed: true }] },
    warnings: [],
  };
  patch(m);
  return manifestSchema.parse(m);
}
