/**
 * Audio recordings end to end: the official SDK (unmodified) starts mixed MP3, mixed WAV,
 * unmixed WAV with three participants and the default MP4 on the emulator, pauses, resumes and
 * stops them; the events arrive on a webhook; the fetch stage downloads the chunks; decoding
 * them shows each participant's voice on the channel the metadata names, when the emulator says
 * they spoke, with the paused span cut out.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CallAutomationClient, type StartRecordingOptions } from '@azure/communication-call-automation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedRequest } from '../src/adapters/http/signed-request.ts';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.ts';
import { parseEvents } from '../src/schemas/parse.ts';
import type { RecordingEvent } from '../src/schemas/recording-event.ts';
import { fetchRecording, type FetchResult } from '../src/stages/fetch.ts';
import { silentLogger } from '../src/logger.ts';
import type { Manifest } from '../src/schemas/manifest.ts';
import { DEFAULT_PROCESS_OPTIONS } from '../src/types/pipeline.ts';
import { processEvent } from '../pipelines/process-event.ts';
import { agreement, decodeChannels, wallToMedia, windowRms, type Interval } from './helpers/audio-decode.ts';
import { startWebhook, waitFor } from './helpers/webhook.ts';

const execFileAsync = promisify(execFile);
const TIME_SCALE = 20;
const MIN_SPEECH_MS = 100;
const RETRY = { maxAttempts: 20, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 1500 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ALICE = '8:acs:00000000-0000-0000-0000-00000000000a';
const BOB = '8:acs:00000000-0000-0000-0000-00000000000b';
const CAROL = '8:acs:00000000-0000-0000-0000-00000000000c';

interface Metadata {
  chunkStartTime: string;
  chunkDuration: number;
  pauseResumeIntervals: { startTime: string; duration: number }[];
  recordingInfo: { contentType: string; channelType: string; format: string; audioConfiguration: { sampleRate: string; channels: number } };
  participants: { participantId: string; channel?: number }[];
}
interface Truth {
  chunks: { documentId: string; mediaSha256: string; mediaSizeBytes: number }[];
  recorded: { speakers: { participantId: string; channel: number | null }[]; speech: { participantId: string; wallOffsetMs: number; durationMs: number }[] };
}

const CASES: { name: string; options: Partial<StartRecordingOptions>; format: string; contentType: string; event: [string, string, string] }[] = [
  { name: 'mixed-mp3', options: { recordingContent: 'audio', recordingChannel: 'mixed', recordingFormat: 'mp3' }, format: 'mp3', contentType: 'audio/mpeg', event: ['Audio', 'Mixed', 'Mp3'] },
  { name: 'mixed-wav', options: { recordingContent: 'audio', recordingChannel: 'mixed', recordingFormat: 'wav' }, format: 'wav', contentType: 'audio/wav', event: ['Audio', 'Mixed', 'Wav'] },
  {
    name: 'unmixed-wav-3',
    options: {
      recordingContent: 'audio',
      recordingChannel: 'unmixed',
      recordingFormat: 'wav',
      audioChannelParticipantOrdering: [{ communicationUserId: ALICE }, { communicationUserId: BOB }],
      channelAffinity: [{ targetParticipant: { communicationUserId: CAROL }, channel: 0 }],
    },
    format: 'wav',
    contentType: 'audio/wav',
    event: ['Audio', 'Unmixed', 'Wav'],
  },
  { name: 'default-mp4', options: {}, format: 'mp4', contentType: 'video/mp4', event: ['AudioVideo', 'Mixed', 'Mp4'] },
];

describe('audio recordings through the official SDK', () => {
  let emulator: RunningEmulator;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  let workDir: string;
  const started = new Map<string, string>();
  const events = new Map<string, RecordingEvent>();
  const fetched = new Map<string, FetchResult>();

  beforeAll(async () => {
    webhook = await startWebhook();
    // half the downloads fail the ways real ones do (HTML pages and empty bodies among them)
    emulator = await startEmulator({ sinks: { webhooks: [webhook.url] }, timeScale: TIME_SCALE, chunkMaxSeconds: 30, faultRate: 0.5, profile: { width: 320, height: 180 } });
    workDir = await mkdtemp(path.join(os.tmpdir(), 'acsrec-audio-e2e-'));
    const recorder = new CallAutomationClient(emulator.connectionString, { allowInsecureConnection: true } as never).getCallRecording();
    await Promise.all(
      CASES.map(async (c) => {
        const { recordingId, recordingState } = await recorder.start({ callLocator: { id: `server-call-${c.name}`, kind: 'serverCallLocator' }, ...c.options });
        expect(recordingState).toBe('active');
        started.set(c.name, recordingId);
      }),
    );
    const all = (action: (id: string) => Promise<unknown>) => Promise.all([...started.values()].map(action));
    await sleep(1000);
    await all((id) => recorder.pause(id));
    await sleep(400);
    await all((id) => recorder.resume(id));
    await sleep(1000);
    await all((id) => recorder.stop(id));
    await emulator.idle();
    for (const c of CASES) {
      const delivery = await waitFor(() => webhook.deliveries.find((d) => d.eventType === 'Notification' && JSON.stringify(d.body).includes(started.get(c.name)!)), 60_000, `the ${c.name} event`);
      const event = parseEvents(delivery.body, 'webhook').recordings[0]!;
      events.set(c.name, event);
      fetched.set(c.name, await fetchRecording({ event, workDir: path.join(workDir, c.name) }, { connectionString: emulator.connectionString, retry: RETRY }));
    }
  }, 180_000);

  afterAll(async () => {
    await emulator?.close();
    await webhook?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const metadataOf = async (name: string) => Promise.all(fetched.get(name)!.chunks.map(async (c) => JSON.parse(await readFile(c.metadataFile, 'utf8')) as Metadata));
  const truthOf = async (name: string) =>
    JSON.parse((await signedRequest({ method: 'GET', url: new URL(`/emulator/recordings/${started.get(name)}`, emulator.endpoint), accessKey: emulator.accessKey })).body.toString()) as Truth;

  it.each(CASES)('$name: the event says what was recorded, the downloads are $format served as $contentType', async (c) => {
    const event = events.get(c.name)!;
    const data = event.data as Record<string, unknown>;
    expect([data.recordingContentType, data.recordingChannelType, data.recordingFormatType]).toEqual(c.event);
    const chunks = fetched.get(c.name)!.chunks;
    // about 40 s of media in 30 s chunks
    expect(chunks.length).toBe(2);
    expect(chunks.every((ch) => ch.format === c.format && ch.mediaFile.endsWith(`.${c.format}`))).toBe(true);
    // through the faults, exactly the bytes the emulator rendered
    const truth = await truthOf(c.name);
    for (const chunk of chunks) {
      const media = await readFile(chunk.mediaFile);
      expect(createHash('sha256').update(media).digest('hex')).toBe(truth.chunks.find((t) => t.documentId === chunk.documentId)!.mediaSha256);
    }
    const ref = event.data.recordingStorageInfo.recordingChunks[0]!;
    const download = await waitFor(async () => {
      const response = await signedRequest({ method: 'GET', url: new URL(ref.contentLocation!), accessKey: emulator.accessKey, locationOf: new URL(emulator.endpoint) }).catch(() => null);
      return response && response.status === 200 && response.body.length === truth.chunks[0]!.mediaSizeBytes ? response : undefined;
    }, 20_000, 'a download without a fault');
    expect(download.headers['content-type']).toBe(c.contentType);
    const metadata = await metadataOf(c.name);
    expect(metadata[0]!.recordingInfo.format).toBe(c.format);
    expect(metadata.flatMap((m) => m.pauseResumeIntervals)).toHaveLength(1);
  });

  it.each(CASES.filter((c) => c.format !== 'mp4'))('$name: ffprobe finds the codec, 16 kHz and the channels the metadata states; chunk lengths match', async (c) => {
    const metadata = await metadataOf(c.name);
    for (const [i, chunk] of fetched.get(c.name)!.chunks.entries()) {
      const { stdout } = await execFileAsync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,channels', '-of', 'json', chunk.mediaFile]);
      const [stream] = (JSON.parse(stdout) as { streams: { codec_name: string; sample_rate: string; channels: number }[] }).streams;
      expect(stream!.codec_name).toBe(c.format === 'mp3' ? 'mp3' : 'pcm_s16le');
      expect(Number(stream!.sample_rate)).toBe(16000);
      expect(stream!.channels).toBe(c.name.startsWith('unmixed') ? 3 : 1);
      expect(metadata[i]!.recordingInfo.audioConfiguration.channels).toBe(stream!.channels);
      const [samples] = await decodeChannels(chunk.mediaFile, stream!.channels);
      const decodedMs = (samples!.length / 16000) * 1000;
      console.log(`${c.name} chunk ${i}: metadata ${metadata[i]!.chunkDuration} ms, decoded ${decodedMs} ms, ${(await readFile(chunk.mediaFile)).length} bytes`);
      // WAV to the sample; MP3 within one frame (36 ms at 16 kHz) once the decoder drops delay and padding
      expect(Math.abs(decodedMs - metadata[i]!.chunkDuration)).toBeLessThanOrEqual(c.format === 'wav' ? 0 : 36);
    }
  });

  it('unmixed: channel 0 is Carol (channelAffinity), then Alice and Bob (audioChannelParticipantOrdering), each heard exactly when they spoke', async () => {
    const metadata = await metadataOf('unmixed-wav-3');
    expect(metadata[0]!.recordingInfo).toMatchObject({ contentType: 'audio', channelType: 'unmixed', format: 'wav' });
    const channelOf = Object.fromEntries(metadata[0]!.participants.map((p) => [p.participantId, p.channel]));
    expect(channelOf).toEqual({ [CAROL]: 0, [ALICE]: 1, [BOB]: 2 });
    const truth = await truthOf('unmixed-wav-3');
    const t0 = Date.parse(metadata[0]!.chunkStartTime);
    const pauses: Interval[] = metadata.flatMap((m) => m.pauseResumeIntervals.map((p) => ({ startMs: Date.parse(p.startTime) - t0, endMs: Date.parse(p.startTime) - t0 + p.duration })));
    const channels: Int16Array[][] = [];
    for (const chunk of fetched.get('unmixed-wav-3')!.chunks) channels.push(await decodeChannels(chunk.mediaFile, 3));
    const whole = [0, 1, 2].map((k) => {
      const parts = channels.map((chunk) => chunk[k]!);
      const joined = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
      return joined;
    });
    // 20 ms windows; a voice at its quietest (syllable trough) has an RMS of about 0.019 of full scale, silence 0
    const WINDOW = 20;
    const THRESHOLD = 0.005;
    for (const [participantId, channel] of Object.entries(channelOf)) {
      const spoken = truth.recorded.speech.filter((s) => s.participantId === participantId).map((s) => ({ startMs: s.wallOffsetMs, endMs: s.wallOffsetMs + s.durationMs }));
      const heard = wallToMedia(spoken, pauses);
      expect(heard.length).toBeGreaterThan(1);
      const { share, compared } = agreement(windowRms(whole[channel!]!, 16000, WINDOW), WINDOW, heard, THRESHOLD);
      expect(compared).toBeGreaterThan(1500);
      expect(share, `${participantId} on channel ${channel}`).toBeGreaterThanOrEqual(0.999);
      console.log(`unmixed: ${participantId} on channel ${channel}: ${heard.length} turns heard, ${(share * 100).toFixed(2)}% of ${compared} ${WINDOW} ms windows agree`);
      // and nobody else is on that channel: another participant's turns are silence there
      const other = truth.recorded.speech.filter((s) => s.participantId !== participantId).map((s) => ({ startMs: s.wallOffsetMs, endMs: s.wallOffsetMs + s.durationMs }));
      expect(agreement(windowRms(whole[channel!]!, 16000, WINDOW), WINDOW, wallToMedia(other, pauses), THRESHOLD).share).toBeLessThan(0.5);
    }
  });

  it.each([
    ['unmixed mp3', { recordingContent: 'audio', recordingChannel: 'unmixed', recordingFormat: 'mp3' }],
    ['unmixed audioVideo', { recordingContent: 'audioVideo', recordingChannel: 'unmixed', recordingFormat: 'mp4' }],
    ['audioVideo as wav', { recordingContent: 'audioVideo', recordingChannel: 'mixed', recordingFormat: 'wav' }],
    ['audio as mp4', { recordingContent: 'audio', recordingChannel: 'mixed', recordingFormat: 'mp4' }],
    ['ordering on a mixed recording', { recordingContent: 'audio', recordingChannel: 'mixed', recordingFormat: 'wav', audioChannelParticipantOrdering: [{ communicationUserId: ALICE }] }],
  ] as [string, Partial<StartRecordingOptions>][])('refuses %s with a 400 RestError', async (_name, options) => {
    const recorder = new CallAutomationClient(emulator.connectionString, { allowInsecureConnection: true } as never).getCallRecording();
    const failure = await recorder.start({ callLocator: { id: 'server-call-bad', kind: 'serverCallLocator' }, ...options }).then(() => null, (error: unknown) => error as { name: string; statusCode: number; message: string });
    expect(failure?.name).toBe('RestError');
    expect(failure?.statusCode).toBe(400);
  });

  const processed = new Map<string, Manifest>();
  const processOnce = async (name: string) => {
    if (!processed.has(name)) {
      const { manifest } = await processEvent(
        { event: events.get(name)!, workDir: path.join(workDir, name) },
        { ...DEFAULT_PROCESS_OPTIONS, expectVideo: { width: 320, height: 180, frameRate: 8 }, outDir: path.join(workDir, `${name}-out`), logger: silentLogger, connectionString: emulator.connectionString, fetchRetry: RETRY },
      );
      processed.set(name, manifest);
    }
    return processed.get(name)!;
  };

  it.each(CASES)('$name: `process` joins the downloaded chunks; the output lasts what the chunks add up to', async (c) => {
    const manifest = await processOnce(c.name);
    const metadata = await metadataOf(c.name);
    const total = metadata.reduce((sum, m) => sum + m.chunkDuration, 0);
    expect(manifest.verification.passed).toBe(true);
    expect(manifest.output.file).toBe(`recording.${c.format}`);
    // WAV to the sample (whole ms here), MP3 within half a frame, MP4 within a frame or so
    expect(Math.abs(manifest.output.durationMs - total)).toBeLessThanOrEqual({ wav: 0, mp3: 18, mp4: 130 }[c.format]!);
    expect(manifest.pauses).toHaveLength(1);
    expect(manifest.pauses[0]!.durationMs).toBe(metadata.flatMap((m) => m.pauseResumeIntervals)[0]!.duration);
    if (c.format === 'mp4') {
      expect(manifest.output.video).toMatchObject({ width: 320, height: 180 });
    } else {
      expect(manifest.output.video).toBeNull();
      expect(manifest.waveform).toBe('waveform.png');
      expect(manifest.output.audio).toMatchObject({ codec: c.format === 'mp3' ? 'mp3' : 'pcm_s16le', sampleRate: 16000, channels: c.name.startsWith('unmixed') ? 3 : 1 });
    }
    console.log(`${c.name}: processed ${manifest.output.durationMs} ms against ${total} ms of chunks, ${manifest.output.sizeBytes} bytes`);
  });

  it('unmixed: `process` names each channel\'s participant and finds their speech where the emulator says they spoke', async () => {
    const manifest = await processOnce('unmixed-wav-3');
    const truth = await truthOf('unmixed-wav-3');
    const t0 = Date.parse(manifest.recordingStartTime);
    const pauses: Interval[] = manifest.pauses.map((p) => ({ startMs: Date.parse(p.startTime) - t0, endMs: Date.parse(p.startTime) - t0 + p.durationMs }));
    expect(manifest.channels!.map((c) => [c.channel, c.participantId, c.file])).toEqual([
      [0, CAROL, 'channels/channel-0.wav'],
      [1, ALICE, 'channels/channel-1.wav'],
      [2, BOB, 'channels/channel-2.wav'],
    ]);
    for (const channel of manifest.channels!) {
      const spoken = truth.recorded.speech.filter((s) => s.participantId === channel.participantId).map((s) => ({ startMs: s.wallOffsetMs, endMs: s.wallOffsetMs + s.durationMs }));
      // a turn the pause cut down to less than the detector's minimum span (100 ms, docs/audio.md)
      // cannot be found; the emulated clock decides whether a run has one
      const heard = wallToMedia(spoken, pauses).filter((s) => s.startMs < manifest.output.durationMs && s.endMs - s.startMs >= MIN_SPEECH_MS);
      const found = channel.speech.map((s) => ({ startMs: s.mediaOffsetMs, endMs: s.mediaOffsetMs + s.durationMs }));
      console.log(`unmixed channel ${channel.channel}: spoken ${JSON.stringify(heard.map((h) => [h.startMs, h.endMs]))}, found ${JSON.stringify(found.map((f) => [f.startMs, f.endMs]))}`);
      expect(found).toHaveLength(heard.length);
      found.forEach((f, i) => {
        // onsets within two 20 ms frames; ends up to the detector's 200 ms hangover later
        expect(Math.abs(f.startMs - heard[i]!.startMs)).toBeLessThanOrEqual(40);
        expect(f.endMs - heard[i]!.endMs).toBeGreaterThanOrEqual(-40);
        expect(f.endMs - Math.min(heard[i]!.endMs, manifest.output.durationMs)).toBeLessThanOrEqual(260);
      });
      expect(Math.abs(channel.speechMs - found.reduce((sum, f) => sum + f.endMs - f.startMs, 0))).toBeLessThanOrEqual(1);
    }
  });

  it('downloaded all of that through faults of every kind, HTML pages and empty bodies among them', async () => {
    const { counts } = JSON.parse((await signedRequest({ method: 'GET', url: new URL('/emulator/faults', emulator.endpoint), accessKey: emulator.accessKey })).body.toString()) as { counts: Record<string, number> };
    console.log(`audio e2e: faults injected ${JSON.stringify(counts)}`);
    expect(Object.values(counts).every((n) => n > 0)).toBe(true);
  });

  it('reads the same fields on the 2021 route, and answers each route\'s error shape', async () => {
    const call = (method: string, route: string, body: unknown) =>
      signedRequest({ method, url: new URL(route, emulator.endpoint), accessKey: emulator.accessKey, body: JSON.stringify(body) }).then((r) => ({ status: r.status, json: JSON.parse(r.body.toString() || '{}') as Record<string, unknown> }));
    const refused = await call('POST', '/conversations/conv-audio/Recordings', { recordingContentType: 'audio', recordingChannelType: 'unmixed', recordingFormatType: 'mp3' });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.json).sort()).toEqual(['code', 'details', 'message', 'target']);
    expect(refused.json.target).toBe('recordingFormatType');
    const current = await call('POST', '/calling/recordings', { callLocator: { kind: 'serverCallLocator', serverCallId: 'x' }, recordingContentType: 'audio', recordingChannelType: 'mixed', recordingFormatType: 'mp4' });
    expect(current.status).toBe(400);
    expect(current.json.error).toMatchObject({ code: 'BadRequest', target: 'recordingFormatType' });

    const started = await call('POST', '/conversations/conv-audio/Recordings', { recordingContentType: 'audio', recordingChannelType: 'mixed', recordingFormatType: 'wav' });
    expect(started.status).toBe(200);
    const id = started.json.recordingId as string;
    await sleep(300);
    expect((await call('DELETE', `/conversations/conv-audio/recordings/${id}`, {})).status).toBe(200);
    await emulator.idle();
    const delivery = await waitFor(() => webhook.deliveries.find((d) => d.eventType === 'Notification' && JSON.stringify(d.body).includes(id)), 30_000, 'the 2021 event');
    const data = parseEvents(delivery.body, 'webhook').recordings[0]!.data as Record<string, unknown>;
    expect([data.recordingContentType, data.recordingChannelType, data.recordingFormatType]).toEqual(['Audio', 'Mixed', 'Wav']);
  });
});
