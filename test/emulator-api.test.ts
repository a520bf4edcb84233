import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedRequest } from '../src/adapters/http/signed-request.ts';
import { conversationIdFromUrl } from '../src/emulator/conversation-id.ts';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.ts';
import { chunkMetadataSchema } from '../src/schemas/chunk-metadata.ts';
import { parseEvents } from '../src/schemas/parse.ts';
import { fetchRecording } from '../src/stages/fetch.ts';
import { startWebhook, waitFor } from './helpers/webhook.ts';

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('emulator: 2021 runtime control API, faults, retention, profile', () => {
  let emulator: RunningEmulator;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  let workDir: string;
  const call = (method: string, route: string, body?: unknown) =>
    signedRequest({ method, url: new URL(route, emulator.endpoint), accessKey: emulator.accessKey, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => ({
      status: r.status,
      json: String(r.headers['content-type']).startsWith('application/json') && r.body.length ? (JSON.parse(r.body.toString()) as Record<string, unknown>) : null,
      headers: r.headers,
      body: r.body,
    }));

  beforeAll(async () => {
    webhook = await startWebhook();
    emulator = await startEmulator({ sinks: { webhooks: [webhook.url] }, timeScale: 10, fps: 16 });
    workDir = await mkdtemp(path.join(os.tmpdir(), 'acsrec-emu-api-'));
  });
  afterAll(async () => {
    await emulator?.close();
    await webhook?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('starts, pauses, resumes and stops through /conversations/{id}/Recordings, and publishes', async () => {
    const conversationId = conversationIdFromUrl('https://conv-weu.example/conv/abc?i=1&e=>>');
    const started = await call('POST', `/conversations/${conversationId}/Recordings`, { operationContext: 'ctx', recordingStateCallbackUri: webhook.url });
    expect(started.status).toBe(200);
    const recordingId = started.json!.recordingId as string;
    expect(recordingId).toMatch(/^[0-9a-f-]{36}$/);
    const base = `/conversations/${conversationId}/recordings/${recordingId}`;
    expect((await call('GET', base)).json).toEqual({ recordingState: 'active' });
    await sleep(300);
    expect((await call('POST', `${base}/Pause`, { operationContext: 'ctx' })).json).toEqual({});
    expect((await call('GET', base)).json).toEqual({ recordingState: 'paused' });
    await sleep(200);
    expect((await call('POST', `${base}/Resume`, { operationContext: 'ctx' })).status).toBe(200);
    expect((await call('GET', base)).json).toEqual({ recordingState: 'active' });
    await sleep(300);
    expect((await call('DELETE', base, { operationContext: 'ctx' })).json).toEqual({});
    expect((await call('GET', base)).json).toEqual({ recordingState: 'inactive' });

    const pausing = await call('POST', `${base}/Pause`, {});
    expect(pausing.status).toBe(400);
    expect(Object.keys(pausing.json!).sort()).toEqual(['code', 'details', 'message', 'target']);

    await emulator.idle();
    const delivery = await waitFor(() => webhook.deliveries.find((d) => d.eventType === 'Notification' && JSON.stringify(d.body).includes('RecordingFileStatusUpdated')), 30_000, 'event');
    const event = parseEvents(delivery.body, 'webhook').recordings[0]!;
    expect(event.recordingId).toBe(recordingId);
    const fetched = await fetchRecording({ event, workDir }, { connectionString: emulator.connectionString });
    const metadata = chunkMetadataSchema.parse(JSON.parse(await readFile(fetched.chunks[0]!.metadataFile, 'utf8')));
    expect(metadata.recordingInfo?.videoConfiguration?.frameRate).toBe(16);
    // 0.6 s real at time-scale 10: about 6 s of media, a 2 s pause, in whole 1/16 s frames
    expect(Math.abs(metadata.chunkDuration / 62.5 - Math.round(metadata.chunkDuration / 62.5)) * 62.5).toBeLessThanOrEqual(0.5);
    expect(metadata.chunkDuration).toBeGreaterThan(5000);
    expect(metadata.chunkDuration).toBeLessThan(9000);
    expect(metadata.pauseResumeIntervals[0]!.duration).toBeGreaterThan(1500);
    const media = await readFile(fetched.chunks[0]!.mediaFile);
    expect(media.toString('latin1', 4, 8)).toBe('ftyp');
  });

  it('answers unknown recordings with 404 in each surface\'s error shape', async () => {
    const old = await call('GET', '/conversations/abc/recordings/nope');
    expect(old.status).toBe(404);
    expect(old.json).toMatchObject({ code: 'RecordingNotFound', target: 'recordingId', details: [] });
    const current = await call('GET', '/calling/recordings/nope');
    expect(current.status).toBe(404);
    expect(current.json).toMatchObject({ error: { code: 'RecordingNotFound' } });
    expect((await call('POST', '/calling/recordings', {})).status).toBe(400);
    expect((await call('POST', '/calling/recordings', { callLocator: { kind: 'serverCallLocator', serverCallId: 'x' }, recordingFormatType: 'wav' })).status).toBe(400);
  });

  it('fails download requests in each of the six real ways, in turn', async () => {
    const doc = [...emulator.service.documents.values()][0]!;
    const url = `/recording/download/${doc.documentId}`;
    emulator.faults.rate = 1;
    try {
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await call('GET', url).catch((error: Error) => ({ status: -1, error, headers: {} as Record<string, string>, body: Buffer.alloc(0) }));
        if (r.status === -1) seen.push('error');
        else if (r.status === 200 && String(r.headers['content-type']).startsWith('text/html')) seen.push('html');
        else if (r.status === 200 && r.body.length === 0) seen.push('empty');
        else seen.push(String(r.status));
      }
      // reset and cut-short both end in a failed request
      expect(seen).toEqual(['500', '429', 'error', 'error', 'html', 'empty']);
    } finally {
      emulator.faults.rate = 0;
    }
    const range = await signedRequest({ method: 'GET', url: new URL(url, emulator.endpoint), accessKey: emulator.accessKey, headers: { range: 'bytes=10-' } });
    expect(range.status).toBe(206);
    expect(range.headers['content-range']).toBe(`bytes 10-${doc.mediaSize - 1}/${doc.mediaSize}`);
    expect(range.body.length).toBe(doc.mediaSize - 10);
  });

  it('forgets documents after the retention period (404)', async () => {
    // 1 s of retention on the emulated clock at time-scale 10: gone after 0.1 s real
    const shortLived = await startEmulator({ timeScale: 10, retentionHours: 1 / 3600 });
    try {
      const started = await signedRequest({ method: 'POST', url: new URL('/calling/recordings', shortLived.endpoint), accessKey: shortLived.accessKey, body: JSON.stringify({ callLocator: { kind: 'serverCallLocator', serverCallId: 'short' } }) });
      const { recordingId } = JSON.parse(started.body.toString()) as { recordingId: string };
      await sleep(100);
      await signedRequest({ method: 'DELETE', url: new URL(`/calling/recordings/${recordingId}`, shortLived.endpoint), accessKey: shortLived.accessKey });
      await shortLived.idle();
      const doc = [...shortLived.service.documents.values()][0]!;
      expect(doc.expiresAt - Date.now()).toBeLessThanOrEqual(100);
      await sleep(Math.max(0, doc.expiresAt - Date.now()) + 20);
      const gone = await signedRequest({ method: 'GET', url: new URL(`/recording/download/${doc.documentId}/metadata`, shortLived.endpoint), accessKey: shortLived.accessKey });
      expect(gone.status).toBe(404);
      expect(JSON.parse(gone.body.toString())).toMatchObject({ code: 'DocumentNotFound' });
    } finally {
      await shortLived.close();
    }
  });

  it('is what `acsrec process <event.json>` fetches and archives, end to end', async () => {
    const delivery = webhook.deliveries.find((d) => d.eventType === 'Notification' && JSON.stringify(d.body).includes('RecordingFileStatusUpdated'))!;
    const eventFile = path.join(workDir, 'recording-event.json');
    await writeFile(eventFile, JSON.stringify(delivery.body));
    const out = path.join(workDir, 'archive');
    const { stdout } = await execFileAsync(process.execPath, [path.join(import.meta.dirname, '..', 'bin', 'acsrec.js'), 'process', eventFile, '--out', out, '--expect-video', '1920x1080@16', '--json'], {
      env: { PATH: process.env.PATH, ACS_CONNECTION_STRING: emulator.connectionString },
      timeout: 120_000,
    });
    const manifest = JSON.parse(stdout) as { chunks: unknown[]; pauses: Array<{ durationMs: number }>; verification: { passed: boolean }; output: { video: { frameRate: number } } };
    expect(manifest.verification.passed).toBe(true);
    expect(manifest.chunks).toHaveLength(1);
    expect(manifest.pauses).toHaveLength(1);
    expect(manifest.output.video.frameRate).toBe(16);
    expect((await readdir(`${out}.download`)).filter((n) => n.endsWith('.mp4'))).toHaveLength(1);
  });
});

describe('emulator shutdown', () => {
  it('does not wait for an unreachable webhook', async () => {
    const emulator = await startEmulator({ sinks: { webhooks: ['http://127.0.0.1:9/unreachable'] }, timeScale: 10 });
    const started = await signedRequest({ method: 'POST', url: new URL('/calling/recordings', emulator.endpoint), accessKey: emulator.accessKey, body: JSON.stringify({ callConnectionId: 'c' }) });
    const { recordingId } = JSON.parse(started.body.toString()) as { recordingId: string };
    await sleep(100);
    await signedRequest({ method: 'DELETE', url: new URL(`/calling/recordings/${recordingId}`, emulator.endpoint), accessKey: emulator.accessKey });
    await sleep(1500); // rendered by now; delivery is failing and backing off
    const closing = Date.now();
    await emulator.close();
    expect(Date.now() - closing).toBeLessThan(1000);
  });
});
