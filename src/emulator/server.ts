import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../logger.ts';
import { verifySignature } from '../adapters/http/hmac.ts';
import { serveDocument } from './downloads.ts';
import { FaultInjector } from './faults.ts';
import { EventPublisher, type Sinks } from './publish.ts';
import { guidFrom, InvalidStateError, RecordingService, type Recording, type RecordingProfile } from './service.ts';
import { conversationUrlFromId } from './conversation-id.ts';
import { parseStartOptions, StartOptionsError, type StartOptions } from './recording-options.ts';

export interface EmulatorOptions {
  host?: string;
  port?: number;
  accessKey?: string;
  sinks?: Sinks;
  chunkMaxSeconds?: number;
  timeScale?: number;
  fps?: 8 | 16;
  retentionHours?: number;
  faultRate?: number;
  profile?: Partial<RecordingProfile>;
  logger?: Logger;
}

export interface RunningEmulator {
  endpoint: string;
  connectionString: string;
  accessKey: string;
  service: RecordingService;
  faults: FaultInjector;
  /** Resolves when every stopped recording is rendered and its event published. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

type Surface = '2021' | 'calling';

function send(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    response.writeHead(status, headers);
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

/** Errors in the shape each surface documents: 2021 `{code,message,target,details}`, current `{error:{code,message}}`. */
function sendError(response: ServerResponse, surface: Surface, status: number, code: string, message: string, target: string | null = null): void {
  send(response, status, surface === '2021' ? { code, message, target, details: [] } : { error: { code, message, target } });
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    request.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) request.destroy(new Error('body too large'));
      else parts.push(c);
    });
    request.on('end', () => resolve(Buffer.concat(parts)));
    request.on('error', reject);
  });
}

function parseJsonBody(body: Buffer): Record<string, unknown> | null {
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const optionalString = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** Starts the emulated recording service on 127.0.0.1 (unless `host` says otherwise). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const logger = options.logger ?? silentLogger;
  const accessKey = options.accessKey ?? randomBytes(32).toString('base64');
  const timeScale = options.timeScale ?? 1;
  const faults = new FaultInjector(options.faultRate ?? 0);
  let endpoint = '';
  const publisher = new EventPublisher(options.sinks ?? { webhooks: [] }, logger);
  const profile: RecordingProfile = { width: 1920, height: 1080, frameRate: options.fps ?? 8, sampleRate: 16000, ...options.profile };
  const service = new RecordingService({
    profile,
    chunkMaxSeconds: options.chunkMaxSeconds ?? 4 * 3600,
    timeScale,
    retentionHours: options.retentionHours ?? 24,
    endpoint: () => endpoint,
    publisher,
    logger,
  });

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error('request failed', { method: request.method, path: request.url?.split('?')[0], error: (error as Error).message });
      if (!response.headersSent) sendError(response, '2021', 500, 'InternalServerError', 'the emulator failed');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const surface: Surface = segments[0] === 'calling' ? 'calling' : '2021';
    const body = await readBody(request);
    // Downloads signed the SDK's way name the endpoint in x-ms-host and sign its host and the path.
    const xMsHost = request.headers['x-ms-host'];
    const signedUrl = typeof xMsHost === 'string' && xMsHost === new URL(endpoint).host ? new URL(`${url.protocol}//${xMsHost}${url.pathname}`) : url;
    const check = verifySignature({ method, url: signedUrl, headers: { ...request.headers, host: signedUrl.host }, body, accessKey });
    if (!check.valid) {
      logger.warn('unauthenticated request refused', { method, path: url.pathname, reason: check.reason });
      return sendError(response, surface, 401, 'Unauthorized', `HMAC authentication failed: ${check.reason}`);
    }
    logger.debug('request', { method, path: url.pathname });
    const json = parseJsonBody(body);

    // 2021: /conversations/{conversationId}/Recordings[/{recordingId}[/Pause|/Resume]]
    if (segments[0] === 'conversations' && segments.length >= 3 && segments[2]!.toLowerCase() === 'recordings') {
      const conversationId = segments[1]!;
      if (json === null) return sendError(response, '2021', 400, 'BadRequest', 'the body is not a JSON object');
      if (segments.length === 3 && method === 'POST') {
        const startOptions = checkedStartOptions(response, '2021', json);
        if (!startOptions) return;
        const conversationUrl = conversationUrlFromId(conversationId);
        const callId = guidFrom(`conversation:${conversationUrl ?? conversationId}`);
        const recording = service.start({
          conversationId,
          callId,
          serverCallId: conversationId,
          callbackUri: optionalString(json.recordingStateCallbackUri),
          operationContext: optionalString(json.operationContext),
          options: startOptions,
        });
        return send(response, 200, { recordingId: recording.id });
      }
      const recording = service.recordings.get(segments[3] ?? '');
      if (!recording || recording.conversationId !== conversationId) {
        return sendError(response, '2021', 404, 'RecordingNotFound', `no recording '${segments[3] ?? ''}' in conversation '${conversationId}'`, 'recordingId');
      }
      if (segments.length === 4 && method === 'GET') return send(response, 200, { recordingState: recording.state });
      const action = segments.length === 4 && method === 'DELETE' ? 'stop' : segments.length === 5 && method === 'POST' ? segments[4]!.toLowerCase() : null;
      if (action === 'stop' || action === 'pause' || action === 'resume') return control(response, '2021', recording, action, () => send(response, 200, {}));
      return sendError(response, '2021', 404, 'NotFound', `no route ${method} ${url.pathname}`);
    }

    // current SDK: /calling/recordings, /calling/recordings/{id}, {id}:pause, {id}:resume
    if (segments[0] === 'calling' && segments[1] === 'recordings') {
      if (json === null) return sendError(response, 'calling', 400, 'BadRequest', 'the body is not a JSON object');
      if (segments.length === 2 && method === 'POST') return startCalling(response, json);
      const [id, verb] = (segments[2] ?? '').split(':') as [string, string | undefined];
      const recording = service.recordings.get(id);
      if (!recording) return sendError(response, 'calling', 404, 'RecordingNotFound', `no recording '${id}'`, 'recordingId');
      if (!verb && method === 'GET') return send(response, 200, callingState(recording));
      if (!verb && method === 'DELETE') return control(response, 'calling', recording, 'stop', () => send(response, 204));
      if ((verb === 'pause' || verb === 'resume') && method === 'POST') return control(response, 'calling', recording, verb, () => send(response, 202));
      return sendError(response, 'calling', 404, 'NotFound', `no route ${method} ${url.pathname}`);
    }

    // downloads: /recording/download/{documentId}[/metadata]
    if (segments[0] === 'recording' && segments[1] === 'download' && segments.length >= 3 && segments.length <= 4) {
      const doc = service.document(segments[2]!);
      const isMetadata = segments[3] === 'metadata';
      if (segments.length === 4 && !isMetadata) return sendError(response, '2021', 404, 'NotFound', `no route ${method} ${url.pathname}`);
      if (!doc) return sendError(response, '2021', 404, 'DocumentNotFound', `document '${segments[2]}' does not exist or has expired`, 'documentId');
      if (method === 'DELETE' && !isMetadata) {
        await service.deleteDocument(doc.documentId);
        return send(response, 200, {});
      }
      if (method !== 'GET') return sendError(response, '2021', 400, 'BadRequest', `${method} is not supported here`);
      return serveDocument({ request, response, doc, isMetadata, faults, logger });
    }

    // emulator-only: what a recording produced (for tests and curious developers)
    if (segments[0] === 'emulator' && segments[1] === 'recordings' && segments.length === 3 && method === 'GET') {
      const recording = service.recordings.get(segments[2]!);
      if (!recording) return sendError(response, '2021', 404, 'RecordingNotFound', `no recording '${segments[2]}'`);
      const { id, callId, serverCallId, state, chunks, event, failure, call, speech } = recording;
      const recorded = {
        ...call.kind,
        speakers: call.speakers.map((s) => ({ ...s, channel: call.channels?.get(s.participantId) ?? null })),
        speech,
      };
      return send(response, 200, { recordingId: id, callId, serverCallId, state, chunks, event, failure, actions: recording.actions, recorded });
    }
    if (segments[0] === 'emulator' && segments[1] === 'faults' && segments.length === 2 && method === 'GET') {
      return send(response, 200, { rate: faults.rate, counts: faults.counts });
    }
    return sendError(response, surface, 404, 'NotFound', `no route ${method} ${url.pathname}`);
  }

  function control(response: ServerResponse, surface: Surface, recording: Recording, action: 'pause' | 'resume' | 'stop', ok: () => void): void {
    try {
      service.control(recording, action);
      void notifyStateChange(recording);
      ok();
    } catch (error) {
      if (error instanceof InvalidStateError) return sendError(response, surface, 400, 'InvalidRecordingState', error.message, 'recordingId');
      throw error;
    }
  }

  function startCalling(response: ServerResponse, json: Record<string, unknown>): void {
    const locator = (json.callLocator ?? null) as Record<string, unknown> | null;
    const locatorId = optionalString(locator?.serverCallId) ?? optionalString(locator?.groupCallId) ?? optionalString(locator?.roomId);
    const callConnectionId = optionalString(json.callConnectionId);
    if (!locatorId && !callConnectionId) return sendError(response, 'calling', 400, 'BadRequest', 'callLocator or callConnectionId is required', 'callLocator');
    const startOptions = checkedStartOptions(response, 'calling', json);
    if (!startOptions) return;
    const key = locatorId ?? callConnectionId!;
    const recording = service.start({
      conversationId: null,
      callId: guidFrom(`call:${key}`),
      serverCallId: key,
      callbackUri: optionalString(json.recordingStateCallbackUri),
      pauseOnStart: json.pauseOnStart === true,
      options: startOptions,
    });
    send(response, 200, callingState(recording));
  }

  /** The recording kind and channel choices of a start request, or a 400 already sent. */
  function checkedStartOptions(response: ServerResponse, surface: Surface, json: Record<string, unknown>): StartOptions | null {
    try {
      return parseStartOptions(json);
    } catch (error) {
      if (!(error instanceof StartOptionsError)) throw error;
      sendError(response, surface, 400, 'BadRequest', error.message, error.target);
      return null;
    }
  }

  function callingState(recording: Recording) {
    return { recordingId: recording.id, recordingState: recording.state === 'active' ? 'active' : 'inactive', recordingKind: 'AzureCommunicationServices' };
  }

  /** Best effort, as the service does: a RecordingStateChanged CloudEvent to the callback. */
  async function notifyStateChange(recording: Recording): Promise<void> {
    if (!recording.callbackUri || !/^https?:\/\//.test(recording.callbackUri)) return;
    const event = {
      specversion: '1.0',
      id: crypto.randomUUID(),
      source: `calling/recordings/${recording.id}`,
      type: 'Microsoft.Communication.RecordingStateChanged',
      time: new Date(service.clock(recording)).toISOString(),
      datacontenttype: 'application/json',
      data: { recordingId: recording.id, state: recording.state === 'active' ? 'active' : 'inactive', operationContext: recording.operationContext },
    };
    await fetch(recording.callbackUri, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([event]), signal: AbortSignal.timeout(10_000) }).then(
      (r) => r.body?.cancel(),
      (error: unknown) => logger.warn('recording state callback failed', { recordingId: recording.id, error: (error as Error).message }),
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  // Bound to every interface: URLs handed out (endpoint, contentLocation) name the loopback one.
  const reachable = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const hostForUrl = reachable.includes(':') ? `[${reachable}]` : reachable;
  endpoint = `http://${hostForUrl}:${address.port}`;
  const sweeper = setInterval(() => void service.sweep(), 1000);
  sweeper.unref();
  let closing: Promise<void> | null = null;

  return {
    endpoint,
    connectionString: `endpoint=${endpoint}/;accesskey=${accessKey}`,
    accessKey,
    service,
    faults,
    idle: () => service.idle(),
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await service.close();
      })();
      return closing;
    },
  };
}
