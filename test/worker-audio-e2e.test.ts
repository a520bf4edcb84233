/**
 * `acsrec worker` with the real pipeline on an audio recording: the official SDK starts an
 * unmixed WAV recording of three participants on a spawned emulator, the event goes through a
 * Storage Queue (Azurite), a spawned worker fetches, processes and archives it; the archive
 * holds the recording, the channel files, the waveform and the report with audio content types,
 * the manifest last, and a redelivery is acknowledged without work.
 */
import { CallAutomationClient } from '@azure/communication-call-automation';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/schemas/manifest.ts';
import { startAzurite, type RunningAzurite } from './helpers/azurite.ts';
import { spawnEmulator, type EmulatorProcess } from './helpers/emulator-process.ts';
import { WorkerProcess, waitFor } from './helpers/worker-fixtures.ts';
import { UNMIXED_THREE_CHANNEL_ARCHIVE } from './helpers/audio-archive.ts';

const QUEUE = 'audio-events';
const PARTICIPANTS = ['8:acs:00000000-0000-0000-0000-0000000000a1', '8:acs:00000000-0000-0000-0000-0000000000b2', '8:acs:00000000-0000-0000-0000-0000000000c3'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('acsrec worker archives an unmixed audio recording end to end', () => {
  let azurite: RunningAzurite;
  let emulator: EmulatorProcess;
  let worker: WorkerProcess;

  beforeAll(async () => {
    azurite = await startAzurite();
    emulator = await spawnEmulator(['--queue-connection-string', azurite.queueConnectionString, '--queue', QUEUE, '--time-scale', '10', '--chunk-max-seconds', '10']);
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await emulator?.stop();
    await azurite?.stop();
  });

  it('archives recording.wav, channels/, waveform.png and report.html, then manifest.json; a redelivery costs one read', async () => {
    worker = new WorkerProcess(['--queue', QUEUE, '--archive-container', 'archive', '--visibility-timeout', '10'], {
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      ACS_CONNECTION_STRING: emulator.connectionString,
    });
    const recorder = new CallAutomationClient(emulator.connectionString, { allowInsecureConnection: true } as never).getCallRecording();
    const { recordingId } = await recorder.start({
      callLocator: { id: 'audio-e2e-call', kind: 'serverCallLocator' },
      recordingContent: 'audio',
      recordingChannel: 'unmixed',
      recordingFormat: 'wav',
      audioChannelParticipantOrdering: PARTICIPANTS.map((communicationUserId) => ({ communicationUserId })),
    });
    await sleep(2000);
    await recorder.stop(recordingId);

    await waitFor('the archive', () => worker.count('archived', recordingId) === 1 || worker.count('job failed; will retry') > 0 || worker.child.exitCode !== null, 120_000, 250);
    expect(worker.count('archived', recordingId), worker.stderr.slice(-2000)).toBe(1);

    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('archive');
    const blobs = new Map<string, { contentType?: string; lastModified: Date }>();
    for await (const blob of container.listBlobsFlat()) blobs.set(blob.name, { contentType: blob.properties.contentType, lastModified: blob.properties.lastModified });
    const manifestName = [...blobs.keys()].find((n) => n.endsWith('/manifest.json'))!;
    const manifest = manifestSchema.parse(JSON.parse((await container.getBlobClient(manifestName).downloadToBuffer()).toString('utf8')));
    const prefix = `${manifest.callId}/${recordingId}/`;
    const types = Object.fromEntries([...blobs].map(([name, b]) => [name.slice(prefix.length), b.contentType]));
    expect(types).toEqual(UNMIXED_THREE_CHANNEL_ARCHIVE);
    const manifestTime = blobs.get(manifestName)!.lastModified.getTime();
    expect([...blobs.values()].every((b) => b.lastModified.getTime() <= manifestTime)).toBe(true);
    expect(manifest.verification.passed).toBe(true);
    expect(manifest.output).toMatchObject({ file: 'recording.wav', video: null, audio: { codec: 'pcm_s16le', sampleRate: 16000, channels: 3 } });
    // about 20 s of media in 10 s chunks
    expect(manifest.chunks.length).toBeGreaterThanOrEqual(2);
    expect(manifest.channels!.map((c) => c.participantId)).toEqual(PARTICIPANTS);
    expect(manifest.channels!.every((c) => c.speech.length > 0)).toBe(true);
    const recording = await container.getBlobClient(`${prefix}recording.wav`).downloadToBuffer();
    expect(createHash('sha256').update(recording).digest('hex')).toBe(manifest.output.sha256);
    expect(recording.toString('latin1', 0, 4)).toBe('RIFF');

    const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient(QUEUE);
    const original = worker.lines.find((l) => l.msg === 'job started' && l.recordingId === recordingId)!;
    await queue.sendMessage(Buffer.from(JSON.stringify({
      id: original.eventId,
      topic: '/subscriptions/0/resourceGroups/r/providers/Microsoft.Communication/CommunicationServices/emulator',
      subject: `/recording/call/${manifest.callId}/serverCallId/audio-e2e-call/recordingId/${recordingId}`,
      eventType: 'Microsoft.Communication.RecordingFileStatusUpdated',
      eventTime: new Date().toISOString(),
      data: { recordingStorageInfo: { recordingChunks: manifest.chunks.map((c) => ({ documentId: c.documentId, index: c.index, endReason: c.endReason })) }, recordingFormatType: 'Wav' },
    })).toString('base64'));
    await waitFor('the redelivery to be acknowledged', () => worker.count('already archived; acknowledging', recordingId) === 1, 30_000);
    expect(worker.count('archived', recordingId)).toBe(1);
    console.log(`worker audio e2e: ${manifest.chunks.length} chunks, ${manifest.output.durationMs} ms, speech per channel ${JSON.stringify(manifest.channels!.map((c) => c.speech))}`);
    expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
