import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processEvent } from '../pipelines/process-event.ts';
import { silentLogger } from '../src/logger.ts';
import { parseEvents } from '../src/schemas/parse.ts';
import { DEFAULT_PROCESS_OPTIONS } from '../src/types/pipeline.ts';
import { fakeMp4, serveBytes, startScriptedServer } from './helpers/scripted-server.ts';

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, '..', 'bin', 'acsrec.js');
const KEY = Buffer.from('cli test key of thirty-two bytes').toString('base64');

async function acsrec(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const metadata = (documentId: string) =>
  Buffer.from(JSON.stringify({ callId: 'call-1', chunkDocumentId: documentId, chunkIndex: 0, chunkStartTime: '2026-01-01T10:00:00Z', chunkDuration: 1000, pauseResumeIntervals: [] }));

function eventJson(chunk: Record<string, unknown>) {
  return {
    id: 'e1',
    topic: '/acs',
    subject: '/recording/call/call-1/serverCallId/s',
    eventType: 'Microsoft.Communication.RecordingFileStatusUpdated',
    eventTime: '2026-01-01T10:02:00Z',
    data: { recordingStorageInfo: { recordingChunks: [{ index: 0, endReason: 'SessionEnded', ...chunk }] } },
  };
}

let dir: string;
let server: Awaited<ReturnType<typeof startScriptedServer>>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'acsrec-cli-'));
  server = await startScriptedServer((request, response) => {
    if (request.method === 'DELETE') return void response.writeHead(204).end();
    if (request.url!.endsWith('/metadata')) return serveBytes(request, response, metadata('doc-1'), 'application/json');
    serveBytes(request, response, fakeMp4(4096)); // starts like an MP4, is not one
  });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('acsrec process <event.json>', () => {
  it('exits 2 naming ACS_CONNECTION_STRING when it is not set', async () => {
    await writeFile(path.join(dir, 'event.json'), JSON.stringify(eventJson({ documentId: 'doc-1' })));
    const result = await acsrec(['process', path.join(dir, 'event.json'), '--out', path.join(dir, 'out')], {});
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/ACS_CONNECTION_STRING is not set/);
  });

  it('exits 5 before any request when the event points at another host, without showing the key', async () => {
    await writeFile(path.join(dir, 'event.json'), JSON.stringify(eventJson({ documentId: 'doc-1', contentLocation: 'https://attacker.example/steal' })));
    const result = await acsrec(['process', path.join(dir, 'event.json'), '--out', path.join(dir, 'out')], { ACS_CONNECTION_STRING: `endpoint=${server.origin}/;accesskey=${KEY}` });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/chunk 0 \(doc-1\): refusing contentLocation https:\/\/attacker\.example\/steal/);
    expect(result.stderr).not.toContain(KEY);
    expect(server.seen).toHaveLength(0);
  });

  it('exits 5 naming the chunk when a download cannot complete', async () => {
    await server.close();
    server = await startScriptedServer((_req, res) => res.writeHead(403).end());
    await writeFile(path.join(dir, 'event.json'), JSON.stringify(eventJson({ documentId: 'doc-1' })));
    const result = await acsrec(['process', path.join(dir, 'event.json'), '--out', path.join(dir, 'out')], { ACS_CONNECTION_STRING: `endpoint=${server.origin}/;accesskey=${KEY}` });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/chunk 0 \(doc-1\) (media|metadata): HTTP 403/);
  });
});

describe('processEvent --delete-source', () => {
  it('never deletes at the service when the archive does not complete', async () => {
    const event = parseEvents(eventJson({ documentId: 'doc-1' }), 'event').recordings[0]!;
    await expect(
      processEvent(
        { event, workDir: path.join(dir, 'work') },
        { ...DEFAULT_PROCESS_OPTIONS, outDir: path.join(dir, 'out'), logger: silentLogger, connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, deleteSource: true },
      ),
    ).rejects.toThrow();
    expect(server.seen.filter((s) => s.method === 'GET')).toHaveLength(2);
    expect(server.seen.filter((s) => s.method === 'DELETE')).toHaveLength(0);
  });
});

describe('acsrec emulate options', () => {
  it.each([
    [['--fault-rate', '2'], /--fault-rate/],
    [['--fps', '12'], /--fps: expected 8 or 16/],
    [['--queue', 'q'], /go together/],
    [['--webhook', 'ftp://x'], /--webhook/],
    [['--access-key', 'short'], /--access-key/],
    [['--bogus'], /emulate: Unknown option/],
  ])('%j exits 2', async (args, message) => {
    const result = await acsrec(['emulate', ...args], {});
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});
