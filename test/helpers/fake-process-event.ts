/**
 * A stand-in for pipelines/process-event.ts that `acsrec worker` loads when
 * ACSREC_WORKER_TEST_PROCESSOR points here: it takes FAKE_PROCESS_DELAY_MS, honours the abort
 * signal and writes a small but schema-valid output, so suites can drive many real worker
 * processes quickly. Chunk documentIds steer it: `poison-*` always fails to download,
 * `invalid-*` is invalid input. Every run is appended to FAKE_PROCESS_LOG.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortedError, FetchError, InvalidInputError } from '../../src/errors.ts';
import type { Manifest } from '../../src/schemas/manifest.ts';
import type { RecordingEvent } from '../../src/schemas/recording-event.ts';
import type { ProcessOptions, ProcessResult } from '../../src/types/pipeline.ts';

export function fakeRecordingBytes(recordingId: string): Buffer {
  const block = createHash('sha256').update(recordingId).digest();
  return Buffer.concat(Array.from({ length: 2048 }, () => block));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new AbortedError());
    }, { once: true });
  });
}

export async function processEvent(input: { event: RecordingEvent; workDir: string }, options: ProcessOptions & { connectionString: string }): Promise<ProcessResult> {
  const { event } = input;
  const chunks = event.data.recordingStorageInfo.recordingChunks;
  const recordingId = event.recordingId ?? chunks[0]!.documentId;
  const log = process.env.FAKE_PROCESS_LOG;
  if (log) await appendFile(log, `${JSON.stringify({ recordingId, pid: process.pid, phase: 'start' })}\n`);
  await sleep(Number(process.env.FAKE_PROCESS_DELAY_MS ?? 200), options.signal);
  if (chunks.some((c) => c.documentId.startsWith('poison'))) throw new FetchError('GET /recording/download: 500 Internal Server Error', { file: `${chunks[0]!.documentId}`, status: 500 });
  if (chunks.some((c) => c.documentId.startsWith('invalid'))) throw new InvalidInputError('chunkDuration: expected a number', { file: `${chunks[0]!.documentId}.json`, field: 'chunkDuration' });

  const staging = `${options.outDir}.partial`;
  await mkdir(join(staging, 'thumbnails'), { recursive: true });
  const bytes = fakeRecordingBytes(recordingId);
  await writeFile(join(staging, 'recording.mp4'), bytes);
  await writeFile(join(staging, 'thumbnails', 'thumb-0001.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  await writeFile(join(staging, 'thumbnails', 'thumbnails.vtt'), 'WEBVTT\n');
  const start = event.data.recordingStartTime ?? '2021-05-01T10:00:00.000Z';
  const manifest: Manifest = {
    schemaVersion: 1,
    callId: event.callId ?? `call-of-${recordingId}`,
    resourceId: event.resourceId,
    recordingStartTime: new Date(start).toISOString(),
    wallClockDurationMs: 1000,
    output: {
      file: 'recording.mp4',
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      durationMs: 1000,
      video: { codec: 'avc1.640028', width: 1920, height: 1080, frameRate: 8 },
      audio: { codec: 'mp4a.40.2', sampleRate: 16000, channels: 1 },
    },
    chunks: chunks.map((c) => ({ index: c.index, documentId: c.documentId, startTime: new Date(start).toISOString(), durationMs: 1000, mediaOffsetMs: 0, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), endReason: c.endReason ?? null })),
    pauses: [],
    participants: [],
    thumbnails: [{ file: 'thumbnails/thumb-0001.jpg', mediaTimeMs: 0, wallClockTime: new Date(start).toISOString() }],
    verification: { passed: true, checks: [] },
    warnings: [],
  };
  await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(staging, options.outDir);
  if (log) await appendFile(log, `${JSON.stringify({ recordingId, pid: process.pid, phase: 'done' })}\n`);
  return { manifest, outDir: options.outDir };
}
