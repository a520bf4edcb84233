import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from './helpers/azurite.ts';
import { fakeRecordingBytes } from './helpers/fake-process-event.ts';
import { FAKE_PROCESSOR, WorkerProcess, recordingEventMessage, waitFor } from './helpers/worker-fixtures.ts';

let azurite: RunningAzurite;
let queues: QueueServiceClient;
let blobs: BlobServiceClient;
let scratch: string;
const running: WorkerProcess[] = [];
let queueCounter = 0;

beforeAll(async () => {
  azurite = await startAzurite();
  queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
  blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  scratch = await mkdtemp(join(tmpdir(), 'acsrec-worker-test-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop('SIGKILL')));
});

afterAll(async () => {
  await azurite?.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** A fresh queue and archive container per test, so tests cannot see each other's messages. */
async function freshQueue(): Promise<{ name: string; queue: QueueClient; poison: QueueClient; container: ContainerClient; processLog: string }> {
  const name = `recordings-${++queueCounter}-${process.pid}`;
  const queue = queues.getQueueClient(name);
  await queue.create();
  return { name, queue, poison: queues.getQueueClient(`${name}-poison`), container: blobs.getContainerClient(`archive-${queueCounter}`), processLog: join(scratch, `${name}.log`) };
}

function startWorker(q: { name: string; container: ContainerClient; processLog: string }, { args = [], delayMs = 300 }: { args?: string[]; delayMs?: number } = {}): WorkerProcess {
  const worker = new WorkerProcess(['--queue', q.name, '--archive-container', q.container.containerName, '--visibility-timeout', '2', '--retry-delay', '0', ...args], {
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    ACSREC_WORKER_TEST_PROCESSOR: FAKE_PROCESSOR,
    FAKE_PROCESS_DELAY_MS: String(delayMs),
    FAKE_PROCESS_LOG: q.processLog,
    ACSREC_WORK_DIR: join(scratch, 'work'),
  });
  running.push(worker);
  return worker;
}

async function processRuns(log: string): Promise<{ recordingId: string; pid: number; phase: string }[]> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

async function messagesLeft(queue: QueueClient): Promise<number> {
  // -1 while the worker has not created the queue yet
  return queue.getProperties().then((p) => p.approximateMessagesCount ?? -1, () => -1);
}

async function blobNames(container: ContainerClient, prefix = ''): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
  return names.sort();
}

async function archivedManifests(container: ContainerClient): Promise<string[]> {
  if (!(await container.exists())) return [];
  return (await blobNames(container)).filter((n) => n.endsWith('/manifest.json'));
}

/** The whole archive of one recording, checked against bytes computed here, not read from the worker. */
async function expectWholeArchive(container: ContainerClient, callId: string, recordingId: string): Promise<void> {
  const prefix = `${callId}/${recordingId}/`;
  expect(await blobNames(container, prefix)).toEqual([`${prefix}manifest.json`, `${prefix}recording.mp4`, `${prefix}thumbnails/thumb-0001.jpg`, `${prefix}thumbnails/thumbnails.vtt`]);
  const recording = await container.getBlobClient(`${prefix}recording.mp4`).downloadToBuffer();
  const expected = fakeRecordingBytes(recordingId);
  expect(recording.equals(expected)).toBe(true);
  const manifest = JSON.parse((await container.getBlobClient(`${prefix}manifest.json`).downloadToBuffer()).toString('utf8'));
  expect(manifest.output.sha256).toBe(createHash('sha256').update(expected).digest('hex'));
  expect(manifest.callId).toBe(callId);
  const props = await container.getBlobClient(`${prefix}recording.mp4`).getProperties();
  expect(props.contentType).toBe('video/mp4');
  expect((await container.getBlobClient(`${prefix}manifest.json`).getProperties()).contentType).toBe('application/json');
  expect((await container.getBlobClient(`${prefix}thumbnails/thumb-0001.jpg`).getProperties()).contentType).toBe('image/jpeg');
}

describe('acsrec worker, scaled out on one Storage Queue (real Azurite, real worker processes)', () => {
  it('three workers, twenty recordings: each archived exactly once, queue drained, no poison', async () => {
    const q = await freshQueue();
    const ids = Array.from({ length: 20 }, (_, i) => ({ callId: `call-${i % 7}`, recordingId: `rec-${String(i).padStart(2, '0')}` }));
    await Promise.all(ids.map((id) => q.queue.sendMessage(recordingEventMessage(id))));
    const workers = [0, 1, 2].map((i) => startWorker(q, { args: ['--concurrency', '2', ...(i === 0 ? ['--health-port', '0', '--health-host', '127.0.0.1'] : [])] }));

    await waitFor('20 archived recordings', async () => (await archivedManifests(q.container)).length === 20, 60_000, 250);
    await waitFor('an empty queue', async () => (await messagesLeft(q.queue)) === 0, 10_000);

    const port = workers[0]!.lines.find((l) => l.msg === 'health server listening')?.port;
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^acsrec_worker_jobs_poisoned_total 0$/m);
    expect(metrics).toMatch(/^acsrec_worker_job_duration_seconds_count \d+$/m);

    const exits = await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    expect(exits).toEqual(workers.map(() => ({ code: 0, signal: null })));

    for (const id of ids) await expectWholeArchive(q.container, id.callId, id.recordingId);
    const runs = await processRuns(q.processLog);
    for (const id of ids) expect(runs.filter((r) => r.recordingId === id.recordingId && r.phase === 'done')).toHaveLength(1);
    const archivedLines = workers.flatMap((w) => w.lines.filter((l) => l.msg === 'archived'));
    expect(archivedLines).toHaveLength(20);
    expect(new Set(archivedLines.map((l) => l.recordingId)).size).toBe(20);
    // Scaled out: more than one replica did work.
    expect(workers.filter((w) => w.count('archived') > 0).length).toBeGreaterThan(1);
    // Every log line about a job names its recording.
    for (const line of workers.flatMap((w) => w.lines).filter((l) => ['job started', 'archived'].includes(l.msg))) expect(line.recordingId).toMatch(/^rec-\d\d$/);
    expect(await messagesLeft(q.queue)).toBe(0);
    expect(await messagesLeft(q.poison)).toBe(0);
  });

  it('a worker killed with SIGKILL mid-job: the message reappears and another worker completes it once', async () => {
    const q = await freshQueue();
    await q.queue.sendMessage(recordingEventMessage({ callId: 'call-k', recordingId: 'rec-killed' }));
    const doomed = startWorker(q, { delayMs: 60_000 });
    await waitFor('the job to start', () => doomed.count('job started', 'rec-killed') === 1, 20_000);
    // Longer than the visibility timeout: only renewals keep the message from another worker now.
    const survivor = startWorker(q, { delayMs: 300 });
    await new Promise((r) => setTimeout(r, 4_000));
    expect(survivor.count('job started')).toBe(0);
    expect(await archivedManifests(q.container)).toEqual([]);

    doomed.child.kill('SIGKILL');
    await waitFor('the survivor to archive it', () => survivor.count('archived', 'rec-killed') === 1, 20_000);
    expect(survivor.lines.find((l) => l.msg === 'job started')?.attempt).toBe(2);
    await waitFor('an empty queue', async () => (await messagesLeft(q.queue)) === 0, 10_000);
    expect(await survivor.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    await expectWholeArchive(q.container, 'call-k', 'rec-killed');
    expect(await archivedManifests(q.container)).toEqual(['call-k/rec-killed/manifest.json']);
    const runs = await processRuns(q.processLog);
    expect(runs.filter((r) => r.phase === 'done')).toHaveLength(1);
    expect(runs.filter((r) => r.phase === 'start').map((r) => r.pid)).toEqual([doomed.child.pid, survivor.child.pid]);
    expect(await messagesLeft(q.poison)).toBe(0);
  });

  it('a poison event ends in <queue>-poison after --max-attempts with its reason; the others are archived', async () => {
    const q = await freshQueue();
    const good = ['rec-a', 'rec-b', 'rec-c'];
    await q.queue.sendMessage(recordingEventMessage({ callId: 'call-p', recordingId: 'rec-poison', documentIds: ['poison-chunk0'] }));
    await q.queue.sendMessage(recordingEventMessage({ callId: 'call-p', recordingId: 'rec-invalid', documentIds: ['invalid-chunk0'] }));
    await q.queue.sendMessage('this is not an event');
    await q.queue.sendMessage(Buffer.from(JSON.stringify({ id: 'x', eventType: 'Microsoft.Communication.CallStarted', subject: 'call/x', eventTime: '2021-05-01T10:00:00Z', data: {} })).toString('base64'));
    for (const recordingId of good) await q.queue.sendMessage(recordingEventMessage({ callId: 'call-p', recordingId }));
    const worker = startWorker(q, { args: ['--max-attempts', '3', '--concurrency', '2'], delayMs: 100 });

    await waitFor('three poison messages', async () => (await messagesLeft(q.poison)) === 3, 40_000, 250);
    await waitFor('an empty queue', async () => (await messagesLeft(q.queue)) === 0, 20_000);
    const poisoned = (await q.poison.receiveMessages({ numberOfMessages: 10 })).receivedMessageItems.map((m) => JSON.parse(m.messageText));
    const byText = (needle: string) => poisoned.find((p) => p.message.includes(needle) || Buffer.from(p.message, 'base64').toString().includes(needle));

    const poison = byText('poison-chunk0');
    expect(poison.dequeueCount).toBe(3);
    expect(poison.reason).toContain('failed 3 of 3 attempts');
    expect(poison.reason).toContain('500 Internal Server Error');
    const invalid = byText('invalid-chunk0');
    expect(invalid.dequeueCount).toBe(1);
    expect(invalid.reason).toMatch(/not retryable \(invalid-input\).*chunkDuration/);
    const garbage = byText('this is not an event');
    expect(garbage.dequeueCount).toBe(1);
    expect(garbage.reason).toMatch(/not retryable \(invalid-input\).*neither JSON nor base64/);

    expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(worker.count('ignoring event of another type')).toBe(1);
    for (const recordingId of good) await expectWholeArchive(q.container, 'call-p', recordingId);
    expect(await archivedManifests(q.container)).toHaveLength(3);
    const runs = await processRuns(q.processLog);
    expect(runs.filter((r) => r.recordingId === 'rec-poison' && r.phase === 'start')).toHaveLength(3);
  });

  it('SIGTERM during a job: the job finishes within the grace period, exit 0', async () => {
    const q = await freshQueue();
    await q.queue.sendMessage(recordingEventMessage({ callId: 'call-t', recordingId: 'rec-term' }));
    const worker = startWorker(q, { delayMs: 3_000, args: ['--shutdown-grace', '20'] });
    await waitFor('the job to start', () => worker.count('job started') === 1, 20_000);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.count('archived', 'rec-term')).toBe(1);
    await expectWholeArchive(q.container, 'call-t', 'rec-term');
    expect(await messagesLeft(q.queue)).toBe(0);
  });

  it('SIGTERM with a job longer than the grace period: the job is released at once, exit 0, another worker finishes it', async () => {
    const q = await freshQueue();
    await q.queue.sendMessage(recordingEventMessage({ callId: 'call-r', recordingId: 'rec-released' }));
    const worker = startWorker(q, { delayMs: 60_000, args: ['--shutdown-grace', '0.5', '--visibility-timeout', '30'] });
    await waitFor('the job to start', () => worker.count('job started') === 1, 20_000);
    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.count('job stopped by shutdown; releasing the message')).toBe(1);
    // Released, not left invisible for its 30 s timeout: a new worker gets it right away.
    const next = startWorker(q, { delayMs: 100, args: ['--visibility-timeout', '30'] });
    await waitFor('the next worker to archive it', () => next.count('archived', 'rec-released') === 1, 20_000);
    expect(Date.now() - signalled).toBeLessThan(25_000);
    await expectWholeArchive(q.container, 'call-r', 'rec-released');
    expect(await next.stop()).toEqual({ code: 0, signal: null });
    expect(await messagesLeft(q.queue)).toBe(0);
  });
});
