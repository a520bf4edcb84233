/**
 * Events per minute through real `acsrec worker` processes on one Azurite queue, for 1 and 2
 * workers. Each event is a short emulated recording rendered once by `acsrec emulate`; the
 * events are then replayed onto the queue so every run processes the same media through the
 * real pipeline (fetch, join, verify, thumbnails, archive to Blob).
 *   node --import tsx bench/worker-throughput.ts [events=8] [seconds of media=4]
 */
import { CallAutomationClient } from '@azure/communication-call-automation';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { startAzurite } from '../test/helpers/azurite.ts';
import { spawnEmulator } from '../test/helpers/emulator-process.ts';
import { WorkerProcess, waitFor } from '../test/helpers/worker-fixtures.ts';

const EVENTS = Number(process.argv[2] ?? 8);
const MEDIA_SECONDS = Number(process.argv[3] ?? 4);
const TIME_SCALE = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const azurite = await startAzurite();
const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
const emulator = await spawnEmulator(['--queue-connection-string', azurite.queueConnectionString, '--queue', 'bench-source', '--time-scale', String(TIME_SCALE)]);
try {
  const recorder = new CallAutomationClient(emulator.connectionString, { allowInsecureConnection: true } as never).getCallRecording();
  const source = queues.getQueueClient('bench-source');
  await source.createIfNotExists();
  const texts: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const { recordingId } = await recorder.start({ callLocator: { id: `bench-${i}`, kind: 'serverCallLocator' } });
    await sleep((MEDIA_SECONDS * 1000) / TIME_SCALE);
    await recorder.stop(recordingId);
  }
  await waitFor(`${EVENTS} events`, async () => {
    for (const m of (await source.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 3600 })).receivedMessageItems) texts.push(m.messageText);
    return texts.length >= EVENTS;
  }, 120_000, 200);

  for (const workerCount of [1, 2]) {
    const name = `bench-${workerCount}`;
    const queue = queues.getQueueClient(name);
    await queue.create();
    const workers = Array.from({ length: workerCount }, () => new WorkerProcess(['--queue', name, '--archive-container', name, '--visibility-timeout', '60', '--thumbnail-interval', '2'], { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, ACS_CONNECTION_STRING: emulator.connectionString }));
    await waitFor('workers', () => workers.every((w) => w.count('worker started') === 1), 60_000);
    const started = performance.now();
    await Promise.all(texts.map((t) => queue.sendMessage(t)));
    await waitFor('all archived', () => workers.reduce((n, w) => n + w.count('archived'), 0) >= EVENTS, 30 * 60_000, 100);
    const seconds = (performance.now() - started) / 1000;
    const failed = workers.reduce((n, w) => n + w.count('job failed; will retry') + w.count('job failed; dead-lettering'), 0);
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    let archived = 0;
    for await (const blob of blobs.getContainerClient(name).listBlobsFlat()) if (blob.name.endsWith('/manifest.json')) archived += 1;
    process.stdout.write(`${workerCount} worker(s): ${EVENTS} recordings of ${MEDIA_SECONDS} s media in ${seconds.toFixed(1)} s = ${((EVENTS / seconds) * 60).toFixed(1)} events/min (${archived} archived, ${failed} failed attempts)\n`);
  }
} finally {
  await emulator.stop();
  await azurite.stop();
}
