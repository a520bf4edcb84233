import { createWriteStream } from 'node:fs';
import { rename, rm, stat, truncate } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { once } from 'node:events';
import { AbortedError, FetchError, InvalidInputError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import { redactUrl } from './hosts.ts';
import { backoffDelayMs, parseContentRange, parseRetryAfterMs, sleep } from './retry.ts';

export interface DownloadRequest {
  url: URL;
  /** Final path; bytes arrive in `<file>.part` and are renamed once complete and valid. */
  file: string;
  /** What the download is, for errors and logs (e.g. `chunk 2 (doc-id) media`). */
  label: string;
  /** Signed headers for one request. */
  sign: (method: string, url: URL) => Record<string, string>;
  /** Refuses a redirect target that may not be contacted; returns a reason or null. */
  checkUrl: (url: URL) => string | null;
  /** Checks the complete file (e.g. MP4 `ftyp`, metadata schema); returns a problem or null. */
  validate?: (file: string) => Promise<string | null>;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Retry-After above this is cut down to it. */
  maxRetryAfterMs: number;
  /** No byte for this long: the attempt fails. */
  idleTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000, idleTimeoutMs: 60_000 };

export interface DownloadResult {
  file: string;
  sizeBytes: number;
  attempts: number;
  /** Bytes that came from resumed (Range) requests. */
  resumedBytes: number;
}

/** A failed attempt; `transient` ones are retried, keeping `keepPartial` bytes for a Range resume. */
class AttemptFailure extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly options: { status?: number; retryAfterMs?: number | null; keepPartial?: boolean } = {},
  ) {
    super(message);
  }
}

const MAX_REDIRECTS = 3;

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

function get(url: URL, headers: Record<string, string>, idleTimeoutMs: number, signal?: AbortSignal): Promise<IncomingMessage> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method: 'GET', headers, signal }, resolve);
    request.setTimeout(idleTimeoutMs, () => request.destroy(new Error(`no response for ${idleTimeoutMs} ms`)));
    request.on('error', reject);
    request.end();
  });
}

/**
 * Streams one document to disk: resumes with `Range` after a cut, retries 429 (honouring
 * Retry-After), 5xx, resets, short bodies and invalid 200s with bounded exponential backoff.
 * Memory stays flat: bytes go straight from the socket to the file.
 */
export async function downloadToFile(request: DownloadRequest): Promise<DownloadResult> {
  const policy = request.retry ?? DEFAULT_RETRY_POLICY;
  const logger = request.logger ?? silentLogger;
  const part = `${request.file}.part`;
  let resumedBytes = 0;
  let lastProblem = '';
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (request.signal?.aborted) throw new AbortedError(`${request.label}: aborted`);
    try {
      const result = await attemptOnce(request, part, policy);
      resumedBytes += result.resumedBytes;
      const problem = request.validate ? await request.validate(part) : null;
      if (problem) throw new AttemptFailure(`downloaded content is invalid: ${problem}`, true);
      await rename(part, request.file);
      return { file: request.file, sizeBytes: result.size, attempts: attempt, resumedBytes };
    } catch (error) {
      if (request.signal?.aborted) throw new AbortedError(`${request.label}: aborted`);
      if (error instanceof InvalidInputError) {
        await rm(part, { force: true });
        throw error;
      }
      const failure = error instanceof AttemptFailure ? error : new AttemptFailure((error as Error).message, true, { keepPartial: true });
      lastProblem = failure.message;
      if (!failure.options.keepPartial) await rm(part, { force: true });
      if (!failure.transient) {
        await rm(part, { force: true });
        throw new FetchError(`${request.label}: ${failure.message}`, { file: redactUrl(request.url), status: failure.options.status, retryable: false, stage: 'fetch' });
      }
      if (attempt === policy.maxAttempts) break;
      const backoff = backoffDelayMs(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });
      const delay = failure.options.retryAfterMs != null ? Math.min(policy.maxRetryAfterMs, failure.options.retryAfterMs) : backoff;
      logger.warn('download attempt failed, retrying', { label: request.label, url: redactUrl(request.url), attempt, problem: failure.message, delayMs: delay });
      await sleep(delay, request.signal).catch(() => undefined);
    }
  }
  throw new FetchError(`${request.label}: gave up after ${policy.maxAttempts} attempts: ${lastProblem}`, { file: redactUrl(request.url), stage: 'fetch' });
}

async function attemptOnce(request: DownloadRequest, part: string, policy: RetryPolicy): Promise<{ size: number; resumedBytes: number }> {
  let url = request.url;
  const offset = await sizeOf(part);
  let response: IncomingMessage;
  for (let redirects = 0; ; redirects++) {
    const headers = { ...request.sign('GET', url), ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) };
    response = await get(url, headers, policy.idleTimeoutMs, request.signal);
    const status = response.statusCode ?? 0;
    if (status < 300 || status >= 400 || status === 304) break;
    response.resume();
    const location = response.headers.location;
    if (!location || redirects >= MAX_REDIRECTS) throw new AttemptFailure(`HTTP ${status} without a usable redirect`, false, { status });
    const target = new URL(location, url);
    const refusal = request.checkUrl(target);
    if (refusal) throw new AttemptFailure(`refused redirect to ${redactUrl(target)}: ${refusal}`, false, { status });
    url = target;
  }
  const status = response.statusCode ?? 0;
  if (status !== 200 && status !== 206) {
    response.resume();
    const retryAfterMs = parseRetryAfterMs(header(response, 'retry-after'));
    const transient = status === 429 || status === 408 || status >= 500;
    if (status === 416) throw new AttemptFailure('HTTP 416: range not satisfiable, starting over', true, { status, keepPartial: false });
    throw new AttemptFailure(`HTTP ${status}`, transient, { status, retryAfterMs, keepPartial: true });
  }
  if (/text\/html/i.test(header(response, 'content-type') ?? '')) {
    response.resume();
    throw new AttemptFailure(`HTTP ${status} carrying an HTML page instead of the document`, true, { status, keepPartial: true });
  }
  let start = 0;
  if (status === 206) {
    const range = parseContentRange(header(response, 'content-range'));
    if (!range || range.start !== offset) {
      response.resume();
      throw new AttemptFailure(`HTTP 206 with Content-Range '${header(response, 'content-range') ?? ''}' for offset ${offset}`, true, { keepPartial: false });
    }
    start = offset;
  } else if (offset > 0) {
    await truncate(part, 0).catch(() => undefined);
  }
  const lengthText = header(response, 'content-length');
  const expected = lengthText !== undefined && /^\d+$/.test(lengthText) ? Number(lengthText) : null;
  let received = 0;
  response.setTimeout(policy.idleTimeoutMs, () => response.destroy(new Error(`no data for ${policy.idleTimeoutMs} ms`)));
  // Not stream.pipeline: on a reset it would drop the bytes not yet flushed; ending the file
  // ourselves keeps every received byte for the Range resume.
  const out = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  let readError: Error | null = null;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } catch (error) {
    readError = error as Error;
  } finally {
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
  }
  if (readError) throw new AttemptFailure(`connection failed after ${received} bytes: ${readError.message}`, true, { keepPartial: true });
  if (!response.complete) throw new AttemptFailure(`body cut short after ${received} bytes`, true, { keepPartial: true });
  if (expected !== null && received !== expected) {
    throw new AttemptFailure(`body cut short: ${received} of ${expected} bytes (Content-Length)`, true, { keepPartial: received < expected });
  }
  const size = start + received;
  if (size === 0) throw new AttemptFailure(`HTTP ${status} with an empty body`, true, { keepPartial: false });
  return { size, resumedBytes: start > 0 ? received : 0 };
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
