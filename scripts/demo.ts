/**
 * `npm run demo`: the production shape on one machine. Azurite stands in for the storage account,
 * `acsrec emulate` for ACS (it delivers events to the queue as Event Grid does), two
 * `acsrec worker` replicas share the queue. One emulated call is recorded, paused, resumed and
 * stopped; the archived result is listed from the blob container.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { startAzurite } from '../test/helpers/azurite.ts';
import { spawnEmulator } from '../test/helpers/emulator-process.ts';
import { WorkerProcess, waitFor } from '../test/helpers/worker-fixtures.ts';

const QUEUE = 'recording-events';
const CONTAINER = 'recordings';
const TIME_SCALE = Number(process.env.DEMO_TIME_SCALE ?? 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => process.stdout.write(`demo: ${line}\n`);

const azurite = await startAzurite();
say('Azurite (blob + queue) is running in memory');
const emulator = await spawnEmulator(['--queue-connection-string', azurite.queueConnectionString, '--queue', QUEUE, '--time-scale', String(TIME_SCALE)]);
say(`ACS emulator at ${emulator.endpoint}, delivering events to queue '${QUEUE}'`);
const workers = [1, 2].map(
  () =>
    new WorkerProcess(
      ['--queue', QUEUE, '--archive-container', CONTAINER, '--visibility-timeout', '30', '--thumbnail-interval', '5', '--health-port', '0', '--health-host', '127.0.0.1'],
      { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, ACS_CONNECTION_STRING: emulator.connectionString },
      { passthrough: process.env.DEMO_VERBOSE === '1' },
    ),
);
try {
  await waitFor('two workers', () => workers.every((w) => w.count('worker started') === 1), 60_000);
  say(`two workers (pids ${workers.map((w) => w.child.pid).join(', ')}) consume '${QUEUE}'`);

  const recorder = new CallAutomationClient(emulator.connectionString, { allowInsecureConnection: true } as never).getCallRecording();
  const { recordingId } = await recorder.start({ callLocator: { id: 'demo-server-call', kind: 'serverCallLocator' } });
  say(`recording ${recordingId} started (emulated clock runs ${TIME_SCALE}x)`);
  await sleep(2000);
  await recorder.pause(recordingId);
  await sleep(500);
  await recorder.resume(recordingId);
  await sleep(1000);
  await recorder.stop(recordingId);
  say('recording stopped; waiting for a worker to archive it');

  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER);
  const manifestBlob = await waitFor('the archive', async () => {
    if (!(await container.exists())) return undefined;
    for await (const blob of container.listBlobsFlat()) if (blob.name.endsWith(`${recordingId}/manifest.json`)) return blob.name;
    return undefined;
  }, 300_000, 500);
  const worker = workers.find((w) => w.count('archived', recordingId) > 0);
  say(`archived by worker pid ${worker?.child.pid} under ${container.url}/${manifestBlob.replace(/manifest\.json$/, '')}`);
  for await (const blob of container.listBlobsFlat({ prefix: manifestBlob.replace(/manifest\.json$/, '') })) {
    say(`  ${blob.name.padEnd(60)} ${String(blob.properties.contentLength).padStart(9)} B  ${blob.properties.contentType}`);
  }
  const manifest = JSON.parse((await container.getBlobClient(manifestBlob).downloadToBuffer()).toString('utf8'));
  say(`manifest: callId ${manifest.callId}, ${manifest.chunks.length} chunk(s), ${manifest.output.durationMs} ms of media, ${manifest.pauses.length} pause(s), verification ${manifest.verification.passed ? 'passed' : 'FAILED'}, ${manifest.thumbnails.length} thumbnail(s)`);
  const port = worker?.lines.find((l) => l.msg === 'health server listening')?.port;
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  say(`metrics of that worker: ${metrics.split('\n').filter((l) => /^acsrec_worker_jobs_(completed|failed|poisoned)_total/.test(l)).join(', ')}`);
} finally {
  const exits = await Promise.all(workers.map((w) => w.stop('SIGTERM')));
  say(`workers stopped with ${exits.map((e) => `exit ${e.code}`).join(', ')}`);
  await emulator.stop();
  await azurite.stop();
}
