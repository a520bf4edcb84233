import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeQueueMessage } from '../../src/worker/message.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const FAKE_PROCESSOR = fileURLToPath(new URL('./fake-process-event.ts', import.meta.url));

/** A RecordingFileStatusUpdated event as Event Grid puts it on a queue (base64 JSON). */
export function recordingEventMessage({ callId, recordingId, documentIds }: { callId: string; recordingId: string; documentIds?: string[] }): string {
  const ids = documentIds ?? [`${recordingId}-chunk0`];
  return encodeQueueMessage({
    id: `event-${recordingId}`,
    topic: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs',
    subject: `/recording/call/${callId}/serverCallId/server-${callId}/recordingId/${recordingId}`,
    eventType: 'Microsoft.Communication.RecordingFileStatusUpdated',
    eventTime: '2021-05-01T10:05:00.000Z',
    dataVersion: '1.0',
    data: {
      recordingStorageInfo: { recordingChunks: ids.map((documentId, index) => ({ documentId, index, endReason: index === ids.length - 1 ? 'SessionEnded' : 'ChunkMaximumSizeExceeded' })) },
      recordingStartTime: '2021-05-01T10:00:00.000Z',
      recordingDurationMs: 1000,
      sessionEndReason: 'CallEnded',
    },
  });
}

export interface LogLine {
  msg: string;
  level: string;
  recordingId?: string;
  [key: string]: unknown;
}

/** A real `node bin/acsrec.js worker` process, with its JSON log lines collected. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], env: Record<string, string>, { passthrough = false }: { passthrough?: boolean } = {}) {
    this.child = spawn(process.execPath, ['bin/acsrec.js', 'worker', ...args], {
      cwd: REPO,
      env: { ...process.env, ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9/;accesskey=dGVzdA==', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stderr!.on('data', (data: Buffer) => {
      this.stderr += data.toString();
      if (passthrough) process.stderr.write(data);
      partial += data.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const part of parts) {
        try {
          this.lines.push(JSON.parse(part) as LogLine);
        } catch {
          // not a log line (a crash trace): kept in stderr
        }
      }
    });
    this.child.stdout!.resume();
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  count(msg: string, recordingId?: string): number {
    return this.lines.filter((l) => l.msg === msg && (recordingId === undefined || l.recordingId === recordingId)).length;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
