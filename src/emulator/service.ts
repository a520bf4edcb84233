import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import PQueue from 'p-queue';
import { runFfmpeg } from '../adapters/ffmpeg/runner.ts';
import { hashFile } from '../adapters/fs/hash.ts';
import { channelCount, chunkMediaArgs, chunkMetadata, timelineRate, type MediaProfile, type RecordedCall } from './chunk-media.ts';
import { assignChannels, DEFAULT_KIND, EVENT_TYPE_NAMES, MEDIA_CONTENT_TYPES, type StartOptions } from './recording-options.ts';
import { speakersOf, speechSchedule, type SpeechSpan } from './voices.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { RECORDING_EVENT_TYPE } from '../schemas/recording-event.ts';
import type { EventPublisher, EventGridEvent } from './publish.ts';
import { buildTimeline, splitIntoChunks, type ChunkSpec, type ControlAction, type ControlEvent, type Timeline } from './timeline.ts';

export type RecordingProfile = MediaProfile;

export interface ServiceOptions {
  profile: RecordingProfile;
  chunkMaxSeconds: number;
  timeScale: number;
  retentionHours: number;
  /** The emulator's own base URL, for contentLocation & co. */
  endpoint: () => string;
  publisher: EventPublisher;
  logger?: Logger;
}

export type RecordingState = 'active' | 'paused' | 'inactive';

export interface EmittedChunk {
  index: number;
  documentId: string;
  endReason: string;
  /** Chunk-local seconds of the flash/beep markers (none in unmixed audio). */
  markersSec: number[];
  mediaSizeBytes: number;
  mediaSha256: string;
  metadata: Record<string, unknown>;
}

export interface Recording {
  id: string;
  conversationId: string | null;
  callId: string;
  serverCallId: string;
  realStart: number;
  state: RecordingState;
  actions: ControlEvent[];
  callbackUri: string | null;
  operationContext: string | null;
  /** What is recorded, who is in the call (speaking order) and, unmixed, on which channel. */
  call: RecordedCall;
  participantIds: string[];
  /** Set once the chunks are rendered and the event published. */
  chunks: EmittedChunk[] | null;
  event: EventGridEvent | null;
  failure: string | null;
  /** Audio recordings, set at stop: every turn spoken (wall clock from the start), paused spans included. */
  speech: SpeechSpan[] | null;
}

export interface StoredDocument {
  documentId: string;
  mediaFile: string;
  mediaSize: number;
  contentType: string;
  metadata: Buffer;
  /** Real epoch ms after which the document is gone (the retention period on the emulated clock). */
  expiresAt: number;
}

export class InvalidStateError extends Error {}

/** Deterministic GUID-shaped id from a text (the same conversation gets the same call id). */
export function guidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The recordings and documents of the emulated service; the HTTP layer only translates. */
export class RecordingService {
  readonly recordings = new Map<string, Recording>();
  readonly documents = new Map<string, StoredDocument>();
  readonly resourceId = randomUUID();
  private readonly renderQueue = new PQueue({ concurrency: Math.max(1, Math.min(2, os.availableParallelism())) });
  private readonly pending = new Set<Promise<void>>();
  private dataDir: Promise<string> | null = null;
  private readonly logger: Logger;
  private seq = 0;
  private readonly shutdown = new AbortController();

  constructor(private readonly options: ServiceOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The recording's clock: starts at its real start and runs timeScale times faster. */
  clock(recording: Recording, realNow = Date.now()): number {
    return Math.round(recording.realStart + (realNow - recording.realStart) * this.options.timeScale);
  }

  start(input: { conversationId: string | null; callId: string; serverCallId: string; callbackUri?: string | null; operationContext?: string | null; pauseOnStart?: boolean; options?: StartOptions }): Recording {
    const realStart = Date.now();
    const kind = input.options?.kind ?? DEFAULT_KIND;
    const requested = input.options?.participants;
    const participantIds = requested && requested.named.length > 0 ? requested.named : [`8:acs:${this.resourceId}_${guidFrom(input.callId + ':a')}`, `8:acs:${this.resourceId}_${guidFrom(input.callId + ':b')}`];
    const speakers = speakersOf(participantIds);
    const channels =
      kind.channel === 'unmixed' ? assignChannels({ affinity: requested?.affinity ?? new Map(), ordering: requested?.ordering ?? [], bySpeakingOrder: speakers.map((s) => s.participantId) }) : null;
    const recording: Recording = {
      id: randomUUID(),
      conversationId: input.conversationId,
      callId: input.callId,
      serverCallId: input.serverCallId,
      realStart,
      state: input.pauseOnStart ? 'paused' : 'active',
      actions: [{ action: 'start', at: realStart }],
      callbackUri: input.callbackUri ?? null,
      operationContext: input.operationContext ?? null,
      call: { kind, speakers, channels },
      participantIds: channels ? [...participantIds].sort((a, b) => channels.get(a)! - channels.get(b)!) : participantIds,
      chunks: null,
      event: null,
      failure: null,
      speech: null,
    };
    if (input.pauseOnStart) recording.actions.push({ action: 'pause', at: realStart });
    this.recordings.set(recording.id, recording);
    this.logger.info('recording started', { recordingId: recording.id, callId: recording.callId, ...kind });
    return recording;
  }

  control(recording: Recording, action: Exclude<ControlAction, 'start'>): void {
    if (recording.state === 'inactive') throw new InvalidStateError(`recording ${recording.id} is not active`);
    if (action === 'pause' && recording.state === 'paused') return;
    if (action === 'resume' && recording.state === 'active') return;
    recording.actions.push({ action, at: this.clock(recording) });
    recording.state = action === 'pause' ? 'paused' : action === 'resume' ? 'active' : 'inactive';
    this.logger.info(`recording ${action}`, { recordingId: recording.id, state: recording.state });
    if (action === 'stop') this.track(this.finish(recording));
  }

  /** Resolves once every stopped recording has been rendered and published. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  document(documentId: string, realNow = Date.now()): StoredDocument | null {
    const doc = this.documents.get(documentId);
    if (!doc) return null;
    if (realNow >= doc.expiresAt) {
      void this.deleteDocument(documentId);
      return null;
    }
    return doc;
  }

  async deleteDocument(documentId: string): Promise<boolean> {
    const doc = this.documents.get(documentId);
    if (!doc) return false;
    this.documents.delete(documentId);
    await rm(doc.mediaFile, { force: true });
    return true;
  }

  /** Drops documents past retention. */
  async sweep(realNow = Date.now()): Promise<void> {
    for (const doc of [...this.documents.values()]) if (realNow >= doc.expiresAt) await this.deleteDocument(doc.documentId);
  }

  async close(): Promise<void> {
    this.shutdown.abort();
    this.options.publisher.close();
    await this.idle();
    if (this.dataDir) await rm(await this.dataDir, { recursive: true, force: true });
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private async finish(recording: Recording): Promise<void> {
    const { profile } = this.options;
    try {
      this.dataDir ??= mkdtemp(path.join(os.tmpdir(), 'acsrec-emulator-'));
      const dir = await this.dataDir;
      const rate = timelineRate(recording.call.kind, profile);
      const timeline = buildTimeline(recording.actions, rate);
      const specs = splitIntoChunks(timeline, this.options.chunkMaxSeconds * 1000, rate);
      if (recording.call.channels) for (const spec of specs) spec.markersSec = [];
      // MP4 chunks carry the tone and beeps of the fixtures, not voices
      recording.speech = recording.call.kind.format === 'mp4' ? null : speechSchedule(recording.call.speakers, timeline.stopTime - timeline.startTime);
      const seq = this.seq++;
      const chunks = await Promise.all(specs.map((spec) => this.renderQueue.add(() => this.renderChunk(recording, timeline, spec, dir, seq)) as Promise<EmittedChunk>));
      recording.chunks = chunks;
      const event = this.recordingEvent(recording, chunks, timeline.stopTime - timeline.startTime);
      recording.event = event;
      await this.options.publisher.publish(event);
      this.logger.info('recording published', { recordingId: recording.id, chunks: chunks.length, mediaMs: timeline.mediaDurationMs });
    } catch (error) {
      recording.failure = (error as Error).message;
      this.logger.error('recording could not be finished', { recordingId: recording.id, error: recording.failure });
    }
  }

  private async renderChunk(recording: Recording, timeline: Timeline, spec: ChunkSpec, dir: string, seq: number): Promise<EmittedChunk> {
    const { profile } = this.options;
    const { format } = recording.call.kind;
    const documentId = `0-emu-d${seq % 10}-${randomUUID().replace(/-/g, '')}`;
    const mediaFile = path.join(dir, `${documentId}.${format}`);
    if (this.shutdown.signal.aborted) throw new Error('the emulator is shutting down');
    const started = Date.now();
    await runFfmpeg({
      signal: this.shutdown.signal,
      args: chunkMediaArgs({ call: recording.call, timeline, spec, profile, outFile: `${mediaFile}.tmp.${format}`, seed: seq * 7 + spec.index }),
      timeoutMs: 30 * 60_000,
      label: `emulator render ${documentId}`,
      logger: this.logger,
    });
    await rename(`${mediaFile}.tmp.${format}`, mediaFile);
    this.logger.info('chunk rendered', { documentId, format, channels: channelCount(recording.call), mediaMs: spec.durationMs, renderMs: Date.now() - started });
    const metadata = chunkMetadata({ call: recording.call, spec, profile, resourceId: this.resourceId, callId: recording.callId, documentId, participantIds: recording.participantIds });
    const retentionMs = (this.options.retentionHours * 3_600_000) / this.options.timeScale;
    const mediaSizeBytes = (await stat(mediaFile)).size;
    const mediaSha256 = (await hashFile(mediaFile)).sha256;
    this.documents.set(documentId, {
      documentId,
      mediaFile,
      mediaSize: mediaSizeBytes,
      contentType: MEDIA_CONTENT_TYPES[format],
      metadata: Buffer.from(JSON.stringify(metadata, null, 2)),
      expiresAt: Date.now() + retentionMs,
    });
    return { index: spec.index, documentId, endReason: spec.endReason, markersSec: spec.markersSec, mediaSizeBytes, mediaSha256, metadata };
  }

  private recordingEvent(recording: Recording, chunks: EmittedChunk[], recordingDurationMs: number): EventGridEvent {
    const base = this.options.endpoint().replace(/\/$/, '');
    return {
      id: randomUUID(),
      topic: `/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/acsrec-emulator/providers/microsoft.communication/communicationservices/emulator`,
      subject: `/recording/call/${recording.callId}/serverCallId/${recording.serverCallId}/recordingId/${recording.id}`,
      eventType: RECORDING_EVENT_TYPE,
      eventTime: new Date(this.clock(recording)).toISOString(),
      dataVersion: '1.0',
      metadataVersion: '1',
      data: {
        recordingStorageInfo: {
          recordingChunks: chunks.map((c) => ({
            documentId: c.documentId,
            index: c.index,
            endReason: c.endReason,
            contentLocation: `${base}/recording/download/${c.documentId}`,
            metadataLocation: `${base}/recording/download/${c.documentId}/metadata`,
            deleteLocation: `${base}/recording/download/${c.documentId}`,
          })),
        },
        recordingStartTime: new Date(recording.realStart).toISOString(),
        recordingContentType: EVENT_TYPE_NAMES.content[recording.call.kind.content],
        recordingChannelType: EVENT_TYPE_NAMES.channel[recording.call.kind.channel],
        recordingFormatType: EVENT_TYPE_NAMES.format[recording.call.kind.format],
        recordingDurationMs: Math.round(recordingDurationMs),
        sessionEndReason: 'CallEnded',
      },
    };
  }
}
