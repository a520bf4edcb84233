import { readFile, rename, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { AbortedError, FetchError, InvalidInputError, PipelineError, UsageError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { downloadToFile, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../adapters/http/download.ts';
import { parseConnectionString, signLocationRequest, type AcsCredentials } from '../adapters/http/hmac.ts';
import { checkUrlAllowed, parseAllowedHosts, redactUrl } from '../adapters/http/hosts.ts';
import { asMediaFormat, checkMediaStart, type MediaFormat } from '../adapters/http/media-signature.ts';
import { chunkMetadataSchema } from '../schemas/chunk-metadata.ts';
import { parseDocument, parseJsonText } from '../schemas/parse.ts';
import { RECORDING_EVENT_TYPE, type RecordingEvent } from '../schemas/recording-event.ts';

/** What fetching needs from the environment. */
export interface FetchEnvironment {
  /** `endpoint=...;accesskey=...`; a secret: never log it. */
  connectionString: string;
  allowedHosts: string[];
}

/** Reads `ACS_CONNECTION_STRING` (required) and `ACS_ALLOWED_HOSTS` (comma-separated, optional). */
export function readFetchEnvironment(env: NodeJS.ProcessEnv = process.env): FetchEnvironment {
  const connectionString = env.ACS_CONNECTION_STRING?.trim();
  if (!connectionString) throw new UsageError('ACS_CONNECTION_STRING is not set (needed to download the chunks an event names)');
  parseConnectionString(connectionString);
  return { connectionString, allowedHosts: parseAllowedHosts(env.ACS_ALLOWED_HOSTS) };
}

/** Where one chunk's documents come from and go to. */
export interface ChunkPlan {
  index: number;
  documentId: string;
  endReason: string | null;
  mediaUrl: URL;
  metadataUrl: URL;
  deleteUrl: URL;
  /** Where an MP4 chunk goes; other formats take their own extension (`mediaFileOf`). */
  mediaFile: string;
  metadataFile: string;
}

/** `<documentId>.<format>`: the name `process` looks for beside the metadata. */
export function mediaFileOf(plan: ChunkPlan, format: MediaFormat): string {
  return plan.mediaFile.replace(/\.mp4$/, `.${format}`);
}

/** The media format a downloaded chunk's metadata names; the event's `recordingFormatType` when it names none. */
async function mediaFormatOf(plan: ChunkPlan, event: RecordingEvent): Promise<MediaFormat> {
  const metadata = JSON.parse(await readFile(plan.metadataFile, 'utf8')) as { recordingInfo?: { format?: unknown } };
  const named = metadata.recordingInfo?.format ?? (event.data as Record<string, unknown>).recordingFormatType ?? 'mp4';
  const format = asMediaFormat(named);
  if (!format) throw new FetchError(`chunk ${plan.index} (${plan.documentId}): recordingInfo.format '${String(named)}' is not mp4, mp3 or wav`, { file: plan.metadataFile, retryable: false, stage: 'fetch' });
  return format;
}

const SAFE_DOCUMENT_ID = /^[A-Za-z0-9._-]+$/;

function locationUrl(value: string | null | undefined, fallback: URL, label: string): URL {
  if (!value) return fallback;
  try {
    return new URL(value);
  } catch {
    throw new FetchError(`${label} is not a URL`, { retryable: false, stage: 'fetch' });
  }
}

/**
 * Where every chunk is fetched from: `contentLocation` / `metadataLocation` / `deleteLocation` when
 * the event has them, else the documented `<endpoint>/recording/download/{documentId}[/metadata]`.
 * Refuses the whole event, before any request, when one URL points outside the allowed hosts.
 */
export function planChunkDownloads(event: RecordingEvent, workDir: string, endpoint: URL, allowedHosts: readonly string[]): ChunkPlan[] {
  const seen = new Set<string>();
  return event.data.recordingStorageInfo.recordingChunks.map((chunk) => {
    const label = `chunk ${chunk.index} (${chunk.documentId})`;
    if (!SAFE_DOCUMENT_ID.test(chunk.documentId) || chunk.documentId.startsWith('.')) {
      throw new FetchError(`${label}: documentId is not a safe file name`, { retryable: false, stage: 'fetch' });
    }
    if (seen.has(chunk.documentId)) throw new FetchError(`${label}: documentId listed twice`, { retryable: false, stage: 'fetch' });
    seen.add(chunk.documentId);
    const base = new URL(`recording/download/${encodeURIComponent(chunk.documentId)}`, endpoint.href.endsWith('/') ? endpoint : `${endpoint.href}/`);
    const plan: ChunkPlan = {
      index: chunk.index,
      documentId: chunk.documentId,
      endReason: chunk.endReason ?? null,
      mediaUrl: locationUrl(chunk.contentLocation, base, `${label}: contentLocation`),
      metadataUrl: locationUrl(chunk.metadataLocation, new URL(`${base.href}/metadata`), `${label}: metadataLocation`),
      deleteUrl: locationUrl(chunk.deleteLocation, base, `${label}: deleteLocation`),
      mediaFile: path.join(workDir, `${chunk.documentId}.mp4`),
      metadataFile: path.join(workDir, `${chunk.documentId}.json`),
    };
    for (const [what, url] of [['contentLocation', plan.mediaUrl], ['metadataLocation', plan.metadataUrl], ['deleteLocation', plan.deleteUrl]] as const) {
      const decision = checkUrlAllowed(url, endpoint, allowedHosts);
      if (!decision.allowed) throw new FetchError(`${label}: refusing ${what} ${redactUrl(url)}: ${decision.reason}`, { retryable: false, stage: 'fetch' });
    }
    return plan;
  });
}

export interface FetchOptions {
  connectionString: string;
  allowedHosts?: string[];
  /** Documents downloaded at once (default 4). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (share: number, label: string) => void;
}

export interface FetchedChunk {
  index: number;
  documentId: string;
  /** The metadata's `recordingInfo.format` (else the event's `recordingFormatType`, else mp4). */
  format: MediaFormat;
  mediaFile: string;
  metadataFile: string;
  mediaSizeBytes: number;
  /** True when a complete download from an earlier run was reused. */
  reused: boolean;
  attempts: number;
}

export interface FetchResult {
  workDir: string;
  eventFile: string;
  chunks: FetchedChunk[];
}

/** Completed downloads with their sizes, so that a rerun reuses them instead of fetching again. */
const STATE_FILE = '.fetch-state.json';
type FetchState = Record<string, { sizeBytes: number }>;

async function readState(workDir: string): Promise<FetchState> {
  try {
    const value = JSON.parse(await readFile(path.join(workDir, STATE_FILE), 'utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as FetchState) : {};
  } catch {
    return {};
  }
}

async function fileSize(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

/** An MP4 starts with an `ftyp` box; an HTML error page or nothing at all does not. */
export const checkMp4Start = (file: string): Promise<string | null> => checkMediaStart(file, 'mp4');

/**
 * A body that is not JSON metadata (an HTML page, nothing, a cut) is worth another try; a metadata
 * document that fails its schema (an unsafe id, a missing field) is what the service has, so it is
 * invalid input at once, named as the file it would have become.
 */
export async function checkMetadataDocument(file: string): Promise<string | null> {
  const name = path.basename(file).replace(/\.part$/, '');
  let document: unknown;
  try {
    document = parseJsonText(await readFile(file, 'utf8'), name);
  } catch (error) {
    return error instanceof PipelineError ? `metadata: ${error.toLine()}` : String(error);
  }
  const looksLikeMetadata = typeof document === 'object' && document !== null && ('chunkDocumentId' in document || 'chunkIndex' in document);
  try {
    parseDocument(chunkMetadataSchema, document, name);
    return null;
  } catch (error) {
    if (looksLikeMetadata && error instanceof InvalidInputError) throw error;
    return error instanceof PipelineError ? `metadata: ${error.toLine()}` : String(error);
  }
}

/** The event as `event.json`, in Event Grid schema (the data kept as received). */
export function eventDocument(event: RecordingEvent): Record<string, unknown> {
  return {
    id: event.id,
    topic: event.resourceId,
    subject: event.subject,
    eventType: RECORDING_EVENT_TYPE,
    eventTime: event.eventTime,
    data: event.data,
    dataVersion: '1.0',
    metadataVersion: '1',
  };
}

/**
 * The fetch stage: downloads every chunk's media and metadata into workDir with bounded
 * concurrency, streaming to disk, signed with the connection string's key; writes `event.json`.
 */
export async function fetchRecording(input: { event: RecordingEvent; workDir: string }, options: FetchOptions): Promise<FetchResult> {
  const logger = options.logger ?? silentLogger;
  const credentials: AcsCredentials = parseConnectionString(options.connectionString);
  const allowedHosts = options.allowedHosts ?? [];
  const plans = planChunkDownloads(input.event, input.workDir, credentials.endpoint, allowedHosts);
  await mkdir(input.workDir, { recursive: true });
  const state = await readState(input.workDir);
  let stateWrite = Promise.resolve();
  const remember = (file: string, sizeBytes: number) => {
    state[path.basename(file)] = { sizeBytes };
    stateWrite = stateWrite.then(async () => {
      const tmp = path.join(input.workDir, `${STATE_FILE}.tmp`);
      await writeFile(tmp, JSON.stringify(state, null, 2));
      await rename(tmp, path.join(input.workDir, STATE_FILE));
    });
  };
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const queue = new PQueue({ concurrency: options.concurrency ?? 4 });
  const total = plans.length * 2;
  let done = 0;

  const fetchOne = async (plan: ChunkPlan, kind: 'media' | 'metadata', format: MediaFormat = 'mp4') => {
    const file = kind === 'media' ? mediaFileOf(plan, format) : plan.metadataFile;
    const validate = kind === 'media' ? (f: string) => checkMediaStart(f, format) : checkMetadataDocument;
    const label = `chunk ${plan.index} (${plan.documentId}) ${kind}`;
    const known = state[path.basename(file)];
    const size = await fileSize(file);
    if (known && size === known.sizeBytes && (await validate(file)) === null) {
      logger.info('reusing complete download', { label, sizeBytes: size });
      return { sizeBytes: size, reused: true, attempts: 0 };
    }
    const result = await downloadToFile({
      url: kind === 'media' ? plan.mediaUrl : plan.metadataUrl,
      file,
      label,
      sign: (method, url) => signLocationRequest({ method, url, endpoint: credentials.endpoint, accessKey: credentials.accessKey }),
      checkUrl: (url) => {
        const decision = checkUrlAllowed(url, credentials.endpoint, allowedHosts);
        return decision.allowed ? null : decision.reason;
      },
      validate,
      retry,
      signal: abort.signal,
      logger,
    });
    remember(file, result.sizeBytes);
    logger.info('downloaded', { label, sizeBytes: result.sizeBytes, attempts: result.attempts, resumedBytes: result.resumedBytes });
    return { sizeBytes: result.sizeBytes, reused: false, attempts: result.attempts };
  };

  const run = <T>(job: () => Promise<T>, label: string) =>
    queue.add(async () => {
      const value = await job();
      options.onProgress?.(++done / total, label);
      return value;
    }) as Promise<T>;

  try {
    const chunks = await Promise.all(
      plans.map(async (plan) => {
        // The metadata comes first: its recordingInfo.format names the media's format and file.
        const metadata = await run(() => fetchOne(plan, 'metadata'), `chunk ${plan.index} metadata`);
        const format = await mediaFormatOf(plan, input.event);
        const media = await run(() => fetchOne(plan, 'media', format), `chunk ${plan.index} media`);
        return {
          index: plan.index,
          documentId: plan.documentId,
          format,
          mediaFile: mediaFileOf(plan, format),
          metadataFile: plan.metadataFile,
          mediaSizeBytes: media.sizeBytes,
          reused: media.reused && metadata.reused,
          attempts: media.attempts + metadata.attempts,
        } satisfies FetchedChunk;
      }),
    ).catch((error: unknown) => {
      queue.clear();
      abort.abort(error);
      throw error;
    });
    await queue.onIdle();
    await stateWrite;
    const eventFile = path.join(input.workDir, 'event.json');
    await writeFile(`${eventFile}.tmp`, JSON.stringify(eventDocument(input.event), null, 2));
    await rename(`${eventFile}.tmp`, eventFile);
    return { workDir: input.workDir, eventFile, chunks: chunks.sort((a, b) => a.index - b.index) };
  } catch (error) {
    await queue.onIdle().catch(() => undefined);
    if (options.signal?.aborted) throw new AbortedError('fetch aborted', { stage: 'fetch' });
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}
