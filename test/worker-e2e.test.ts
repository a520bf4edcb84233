import { CallAutomationClient } from '@azure/communication-call-automation';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/schemas/manifest.ts';
import { startAzurite, type RunningAzurite } from './helpers/azurite.ts';
import { spawnEmulator, type EmulatorProcess } from './helpers/emulator-process.ts';
import { WorkerProcess, waitFor } from './helpers/worker-fixtures.ts';

const QUEUE = 'e2e-events';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('acsrec worker with the real pipeline: emulated call in, archive out', () => {
  let azurite: RunningAzurite;
  let emulator: EmulatorProcess;
  let worker: WorkerProcess;

  beforeAll(async () => {
    azurite = await startAzurite();
    emulator = await spawnEmulator(['--queue-connection-string', azurite.queueConnectionString, '--queue', QUEUE, '--time-scale', '10']);
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await emulator?.stop();
    await azurite?.stop();
  });

  it('archives the recording under <callId>/<recordingId>/, and acknowledges a redelivery without redoing it', async () => {
    worker = new WorkerProcess(['--queue', QUEUE, '--archive-container', 'archive', '--visibility-timeout', '10', '--thumbnail-interval', '5'], {
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      ACS_CONNECTION_STRING: emulator.connectionString,
    });
    const recorder = new CallAutomationClient(emulator.connectionString, { allowInsecureConnection: true } as never).getCallRecording();
    const { recordingId } = await recorder.start({ callLocator: { id: 'e2e-server-call', kind: 'serverCallLocator' } });
    await sleep(1500);
    await recorder.stop(recordingId);

    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('archive');
    await waitFor('the archive', () => worker.count('archived', recordingId) === 1 || worker.count('job failed; will retry') > 0 || worker.child.exitCode !== null, 180_000, 250);
    expect(worker.count('archived', recordingId), worker.stderr.slice(-2000)).toBe(1);

    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    const manifestName = names.find((n) => n.endsWith('/manifest.json'))!;
    const manifest = manifestSchema.parse(JSON.parse((await container.getBlobClient(manifestName).downloadToBuffer()).toString('utf8')));
    const prefix = `${manifest.callId}/${recordingId}/`;
    expect(manifestName).toBe(`${prefix}manifest.json`);
    expect(names.every((n) => n.startsWith(prefix))).toBe(true);
    expect(names).toContain(`${prefix}recording.mp4`);
    expect(names).toContain(`${prefix}thumbnails/thumbnails.vtt`);
    expect(names).toContain(`${prefix}report.html`);
    expect((await container.getBlobClient(`${prefix}report.html`).getProperties()).contentType).toBe('text/html; charset=utf-8');
    for (const thumbnail of manifest.thumbnails) expect(names).toContain(`${prefix}${thumbnail.file}`);
    const recording = await container.getBlobClient(`${prefix}recording.mp4`).downloadToBuffer();
    expect(recording.length).toBe(manifest.output.sizeBytes);
    expect(createHash('sha256').update(recording).digest('hex')).toBe(manifest.output.sha256);
    expect(manifest.verification.passed).toBe(true);
    expect(manifest.output.video).toMatchObject({ width: 1920, height: 1080, frameRate: 8 });

    // Event Grid delivers at least once: the same event again (the emulator's subject carries the
    // call id, as ACS's does) is acknowledged before any download.
    const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient(QUEUE);
    const original = worker.lines.find((l) => l.msg === 'job started' && l.recordingId === recordingId)!;
    expect(original).toBeDefined();
    const redelivery = Buffer.from(JSON.stringify({
      id: original.eventId,
      topic: '/subscriptions/0/resourceGroups/r/providers/Microsoft.Communication/CommunicationServices/emulator',
      subject: `/recording/call/${manifest.callId}/serverCallId/e2e-server-call/recordingId/${recordingId}`,
      eventType: 'Microsoft.Communication.RecordingFileStatusUpdated',
      eventTime: new Date().toISOString(),
      data: { recordingStorageInfo: { recordingChunks: manifest.chunks.map((c) => ({ documentId: c.documentId, index: c.index, endReason: c.endReason })) } },
    })).toString('base64');
    await queue.sendMessage(redelivery);
    await waitFor('the redelivery to be acknowledged', () => worker.count('already archived; acknowledging', recordingId) === 1, 30_000);
    expect(worker.count('archived', recordingId)).toBe(1);
    // The delete follows the log line: wait for it rather than race it.
    await waitFor('an empty queue', async () => (await queue.getProperties()).approximateMessagesCount === 0, 10_000);
    expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
