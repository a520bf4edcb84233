import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { createCommunicationAccessKeyCredentialPolicy } from '@azure/communication-common';
import { AzureKeyCredential } from '@azure/core-auth';
import { createDefaultHttpClient, createEmptyPipeline, createPipelineRequest } from '@azure/core-rest-pipeline';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionString } from '../src/adapters/http/hmac.ts';
import { signedRequest } from '../src/adapters/http/signed-request.ts';
import { chunkMetadataSchema } from '../src/schemas/chunk-metadata.ts';
import { parseEvents } from '../src/schemas/parse.ts';
import { fetchRecording } from '../src/stages/fetch.ts';
import { silentLogger } from '../src/logger.ts';
import { DEFAULT_PROCESS_OPTIONS } from '../src/types/pipeline.ts';
import { processEvent } from '../pipelines/process-event.ts';
import { startAzurite, type RunningAzurite } from './helpers/azurite.ts';
import { spawnEmulator, type EmulatorProcess } from './helpers/emulator-process.ts';
import { startWebhook, waitFor } from './helpers/webhook.ts';

const TIME_SCALE = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('emulator driven by the official SDK, fetched through faults', () => {
  let azurite: RunningAzurite;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  let emulator: EmulatorProcess;
  let workDir: string;

  beforeAll(async () => {
    [azurite, webhook] = await Promise.all([startAzurite(), startWebhook()]);
    emulator = await spawnEmulator([
      '--webhook', webhook.url,
      '--queue-connection-string', azurite.queueConnectionString,
      '--queue', 'recording-events',
      '--time-scale', String(TIME_SCALE),
      '--chunk-max-seconds', '120',
      '--fault-rate', '0.75',
    ]);
    workDir = await mkdtemp(path.join(os.tmpdir(), 'acsrec-e2e-'));
  });

  afterAll(async () => {
    await emulator?.stop();
    await Promise.all([azurite?.stop(), webhook?.close(), workDir && rm(workDir, { recursive: true, force: true })]);
  });

  it('records, publishes to webhook and queue, and the fetcher gets exactly what was recorded', async () => {
    const { accessKey } = parseConnectionString(emulator.connectionString);
    const client = new CallAutomationClient(emulator.connectionString, { allowInsecureConnection: true } as never);
    const recorder = client.getCallRecording();
    const started = await recorder.start({ callLocator: { id: 'server-call-e2e', kind: 'serverCallLocator' } });
    expect(started.recordingState).toBe('active');
    await sleep(1000);
    await recorder.pause(started.recordingId);
    expect((await recorder.getState(started.recordingId)).recordingState).toBe('inactive');
    await sleep(500);
    await recorder.resume(started.recordingId);
    expect((await recorder.getState(started.recordingId)).recordingState).toBe('active');
    await sleep(1000);
    await recorder.stop(started.recordingId);

    const delivery = await waitFor(() => webhook.deliveries.find((d) => d.eventType === 'Notification'), 90_000, 'the webhook event');
    expect(webhook.deliveries[0]!.eventType).toBe('SubscriptionValidation');
    expect(Array.isArray(delivery.body)).toBe(true);

    const queue = new QueueClient(azurite.queueConnectionString, 'recording-events');
    const message = await waitFor(async () => (await queue.receiveMessages({ numberOfMessages: 32 })).receivedMessageItems[0], 30_000, 'the queue message');
    const fromQueue = JSON.parse(Buffer.from(message.messageText, 'base64').toString('utf8')) as unknown;
    expect(fromQueue).toEqual((delivery.body as unknown[])[0]);

    const { recordings, others } = parseEvents(delivery.body, 'webhook');
    expect(others).toEqual([]);
    const event = recordings[0]!;
    expect(event.recordingId).toBe(started.recordingId);
    const refs = event.data.recordingStorageInfo.recordingChunks;
    // ~100 s + ~100 s of media (a 50 s pause left out) in chunks of 120 s: two chunks, more if the box is slow
    expect(refs.length).toBeGreaterThanOrEqual(2);
    expect(refs.map((c) => c.endReason)).toEqual([...Array(refs.length - 1).fill('ChunkMaximumSizeExceeded'), 'SessionEnded']);
    expect(refs.every((c) => c.contentLocation?.startsWith(emulator.endpoint))).toBe(true);

    const fetched = await fetchRecording(
      { event, workDir },
      { connectionString: emulator.connectionString, concurrency: 3, retry: { maxAttempts: 20, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 1500 } },
    );
    const recorded = (await (await signedRequest({ method: 'GET', url: new URL(`/emulator/recordings/${started.recordingId}`, emulator.endpoint), accessKey })).body).toString();
    const truth = JSON.parse(recorded) as { chunks: Array<{ documentId: string; mediaSha256: string; mediaSizeBytes: number; metadata: unknown }> };
    for (const chunk of fetched.chunks) {
      const expected = truth.chunks.find((c) => c.documentId === chunk.documentId)!;
      const media = await readFile(chunk.mediaFile);
      expect(media.length).toBe(expected.mediaSizeBytes);
      expect(createHash('sha256').update(media).digest('hex')).toBe(expected.mediaSha256);
      expect(JSON.parse(await readFile(chunk.metadataFile, 'utf8'))).toEqual(expected.metadata);
    }
    const faultCounts = async () => (JSON.parse((await signedRequest({ method: 'GET', url: new URL('/emulator/faults', emulator.endpoint), accessKey })).body.toString()) as { counts: Record<string, number> }).counts;
    const faultsTotal = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    const faults = { counts: await faultCounts() };
    const injected = faultsTotal(faults.counts);
    // three of four download requests fail: every kind of fault met, and still all downloaded
    expect(Object.values(faults.counts).every((n) => n > 0)).toBe(true);

    const metadata = await Promise.all(fetched.chunks.map(async (c) => chunkMetadataSchema.parse(JSON.parse(await readFile(c.metadataFile, 'utf8')))));
    // one pause, listed by the chunk it happened in; media cut into 120 s chunks
    expect(metadata.flatMap((m) => m.pauseResumeIntervals)).toHaveLength(1);
    const pausedChunk = metadata.findIndex((m) => m.pauseResumeIntervals.length === 1);
    const pause = metadata[pausedChunk]!.pauseResumeIntervals[0]!;
    expect(pause.duration).toBeGreaterThan(0.5 * TIME_SCALE * 1000 * 0.8);
    expect(pause.duration).toBeLessThan(0.5 * TIME_SCALE * 1000 * 3);
    expect(metadata.slice(0, -1).every((m) => m.chunkDuration === 120_000)).toBe(true);
    const totalMedia = metadata.reduce((a, m) => a + m.chunkDuration, 0);
    expect(totalMedia).toBeGreaterThan(2 * TIME_SCALE * 1000 * 0.8);
    expect(refs).toHaveLength(Math.ceil(totalMedia / 120_000));
    // wall clock between chunk starts: 120 s of media, plus the pause where it falls in between
    const gap = Date.parse(metadata[1]!.chunkStartTime) - Date.parse(metadata[0]!.chunkStartTime);
    expect(gap).toBe(120_000 + (pausedChunk === 0 ? pause.duration : 0));
    // the pause sits where the media reached at its start: chunk start + media before it
    const pauseMediaOffset = pausedChunk * 120_000 + (Date.parse(pause.startTime) - Date.parse(metadata[pausedChunk]!.chunkStartTime));
    console.log(`e2e: ${injected} faults injected ${JSON.stringify(faults.counts)}; attempts ${fetched.chunks.map((c) => c.attempts).join(',')}; media ${totalMedia} ms`);

    // A request signed by @azure/communication-common's own policy is served too.
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(accessKey)));
    const httpClient = createDefaultHttpClient();
    const official = await waitFor(async () => {
      // faults are still on: a failed request is simply tried again
      const response = await pipeline.sendRequest(httpClient, createPipelineRequest({ url: refs[1]!.metadataLocation!, allowInsecureConnection: true })).catch(() => null);
      return response?.status === 200 && response.bodyAsText?.startsWith('{') ? response.bodyAsText : undefined;
    }, 30_000, 'an SDK-signed download');
    expect(JSON.parse(official)).toEqual(truth.chunks[1]!.metadata);

    // The whole path: processEvent reuses the downloads, joins, verifies, then deletes at the service.
    const outDir = path.join(workDir, 'out');
    const before = faultsTotal(await faultCounts());
    const { manifest } = await processEvent(
      { event, workDir },
      { ...DEFAULT_PROCESS_OPTIONS, outDir, logger: silentLogger, connectionString: emulator.connectionString, deleteSource: true, fetchRetry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 15 } },
    );
    expect(faultsTotal(await faultCounts())).toBe(before); // no download again: complete files were reused
    expect(manifest.verification.passed).toBe(true);
    expect(manifest.chunks.map((c) => [c.index, c.documentId, c.endReason, c.durationMs])).toEqual(
      metadata.map((m, i) => [i, m.chunkDocumentId, refs[i]!.endReason, m.chunkDuration]),
    );
    expect(manifest.pauses).toHaveLength(1);
    expect(manifest.pauses[0]!.durationMs).toBe(pause.duration);
    expect(manifest.pauses[0]!.startTime).toBe(new Date(pause.startTime).toISOString());
    expect(Math.abs(manifest.pauses[0]!.mediaOffsetMs - pauseMediaOffset)).toBeLessThanOrEqual(130);
    expect(Math.abs(manifest.output.durationMs - totalMedia)).toBeLessThanOrEqual(250);
    expect(manifest.wallClockDurationMs).toBeGreaterThanOrEqual(totalMedia + pause.duration - 250);
    expect(manifest.output.video).toMatchObject({ width: 1920, height: 1080, frameRate: 8 });
    expect(manifest.output.audio).toMatchObject({ sampleRate: 16000 });
    console.log(`e2e manifest: output ${manifest.output.durationMs} ms, wall clock ${manifest.wallClockDurationMs} ms, pause at media ${manifest.pauses[0]!.mediaOffsetMs} ms for ${manifest.pauses[0]!.durationMs} ms`);

    // --delete-source: the chunks are gone at the service afterwards.
    for (const ref of refs) {
      const after = await signedRequest({ method: 'GET', url: new URL(ref.metadataLocation!), accessKey });
      expect(after.status).toBe(404);
    }
  });

  it('refuses unsigned and wrongly signed requests with 401', async () => {
    const url = new URL('/calling/recordings/none', emulator.endpoint);
    const unsigned = await fetch(url);
    expect(unsigned.status).toBe(401);
    const wrong = await signedRequest({ method: 'GET', url, accessKey: Buffer.from('not the emulator key!').toString('base64') });
    expect(wrong.status).toBe(401);
    const right = await signedRequest({ method: 'GET', url, accessKey: parseConnectionString(emulator.connectionString).accessKey });
    expect(right.status).toBe(404);
  });

  it('shares Azurite with blob storage too (the helper the worker suites reuse)', async () => {
    const container = BlobServiceClient.fromConnectionString(azurite.blobConnectionString).getContainerClient('helper-check');
    await container.create();
    await container.getBlockBlobClient('a.txt').upload('hello', 5);
    expect((await container.getBlockBlobClient('a.txt').downloadToBuffer()).toString()).toBe('hello');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await emulator.stop()).toBe(0);
  });
});
