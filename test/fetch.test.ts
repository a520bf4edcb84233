import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../src/adapters/http/hmac.ts';
import { downloadToFile } from '../src/adapters/http/download.ts';
import { AbortedError, exitCodeOf, FetchError, InvalidInputError, UsageError } from '../src/errors.ts';
import { createLogger } from '../src/logger.ts';
import type { RecordingEvent } from '../src/schemas/recording-event.ts';
import { fetchRecording, readFetchEnvironment } from '../src/stages/fetch.ts';
import { runFfmpeg } from '../src/adapters/ffmpeg/runner.ts';
import { fakeMp4, serveBytes, startScriptedServer } from './helpers/scripted-server.ts';

const execFileAsync = promisify(execFile);
const KEY = Buffer.from('fetch test key, thirty-two bytes!').toString('base64');
const FAST = { maxAttempts: 6, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 5000, idleTimeoutMs: 5000 };

function metadataDoc(documentId: string, index: number, format?: string) {
  return Buffer.from(
    JSON.stringify({
      ...(format ? { recordingInfo: { contentType: 'audio', channelType: 'mixed', format } } : {}),
      resourceId: 'r',
      callId: 'call-1',
      chunkDocumentId: documentId,
      chunkIndex: index,
      chunkStartTime: '2026-01-01T10:00:00.000Z',
      chunkDuration: 1000,
      pauseResumeIntervals: [],
      participants: [{ participantId: '8:acs:x' }],
    }),
  );
}

function eventFor(chunks: Array<{ documentId: string; index: number; contentLocation?: string; metadataLocation?: string; deleteLocation?: string }>): RecordingEvent {
  return {
    schema: 'eventgrid',
    id: 'e1',
    resourceId: '/r',
    subject: '/recording/call/call-1/serverCallId/s/recordingId/rec-1',
    eventTime: '2026-01-01T10:05:00Z',
    recordingId: 'rec-1',
    callId: 'call-1',
    data: { recordingStorageInfo: { recordingChunks: chunks.map((c) => ({ endReason: 'SessionEnded', ...c })) } },
  };
}

let workDir: string;
let server: Awaited<ReturnType<typeof startScriptedServer>> | null = null;
beforeEach(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'acsrec-fetch-'));
});
afterEach(async () => {
  await server?.close();
  server = null;
  await rm(workDir, { recursive: true, force: true });
});

describe('fetchRecording', () => {
  it('refuses downloaded metadata that fails its schema at once (an unsafe id), as invalid input naming the file and field', async () => {
    let metadataRequests = 0;
    server = await startScriptedServer((request, response) => {
      const url = new URL(request.url!, `http://${request.headers.host}`);
      if (url.pathname === '/recording/download/doc-a') return serveBytes(request, response, fakeMp4(1000));
      if (url.pathname === '/recording/download/doc-a/metadata') {
        metadataRequests++;
        return serveBytes(request, response, metadataDoc('..\\evil', 0), 'application/json');
      }
      response.writeHead(404).end();
    });
    const fetching = fetchRecording({ event: eventFor([{ documentId: 'doc-a', index: 0 }]), workDir }, { connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, retry: FAST });
    const error = await fetching.then(() => null, (e: unknown) => e);
    expect(exitCodeOf(error)).toBe(3);
    expect((error as InvalidInputError).toLine()).toMatch(/^doc-a\.json: chunkDocumentId: /);
    expect(metadataRequests).toBe(1);
  });

  it('downloads media and metadata from the documented paths, signed, and writes event.json', async () => {
    const media = fakeMp4(100_000);
    let badSignatures = 0;
    server = await startScriptedServer((request, response) => {
      const url = new URL(request.url!, `http://${request.headers.host}`);
      if (!verifySignature({ method: 'GET', url, headers: request.headers, body: Buffer.alloc(0), accessKey: KEY }).valid) badSignatures++;
      if (url.pathname === '/recording/download/doc-a') return serveBytes(request, response, media);
      if (url.pathname === '/recording/download/doc-a/metadata') return serveBytes(request, response, metadataDoc('doc-a', 0), 'application/json');
      response.writeHead(404).end();
    });
    const result = await fetchRecording(
      { event: eventFor([{ documentId: 'doc-a', index: 0 }]), workDir },
      { connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, retry: FAST },
    );
    expect(badSignatures).toBe(0);
    expect(await readFile(path.join(workDir, 'doc-a.mp4'))).toEqual(media);
    expect(JSON.parse(await readFile(path.join(workDir, 'doc-a.json'), 'utf8'))).toMatchObject({ chunkDocumentId: 'doc-a' });
    expect(JSON.parse(await readFile(path.join(workDir, 'event.json'), 'utf8'))).toMatchObject({ eventType: 'Microsoft.Communication.RecordingFileStatusUpdated', subject: '/recording/call/call-1/serverCallId/s/recordingId/rec-1' });
    expect(result.chunks[0]).toMatchObject({ index: 0, mediaSizeBytes: 100_000, reused: false });

    // A rerun reuses the complete downloads: no new requests.
    const before = server.seen.length;
    const again = await fetchRecording({ event: eventFor([{ documentId: 'doc-a', index: 0 }]), workDir }, { connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, retry: FAST });
    expect(server.seen.length).toBe(before);
    expect(again.chunks[0]!.reused).toBe(true);
  });

  it('after a crash, resumes a partial download with Range', async () => {
    const media = fakeMp4(200_000);
    server = await startScriptedServer((request, response) =>
      request.url!.endsWith('/metadata') ? serveBytes(request, response, metadataDoc('doc-p', 0), 'application/json') : serveBytes(request, response, media),
    );
    await writeFile(path.join(workDir, 'doc-p.mp4.part'), media.subarray(0, 70_000));
    await fetchRecording({ event: eventFor([{ documentId: 'doc-p', index: 0 }]), workDir }, { connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, retry: FAST });
    expect(server.seen.find((s) => s.path === '/recording/download/doc-p')!.headers.range).toBe('bytes=70000-');
    expect(await readFile(path.join(workDir, 'doc-p.mp4'))).toEqual(media);
  });

  it('stops with an AbortedError when its signal fires', async () => {
    server = await startScriptedServer(() => undefined); // never answers
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(
      fetchRecording({ event: eventFor([{ documentId: 'doc-a', index: 0 }]), workDir }, { connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, retry: FAST, signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
  });

  it('refuses an event pointing outside the allowed hosts before any request', async () => {
    server = await startScriptedServer((_req, res) => res.writeHead(500).end());
    const elsewhere = 'http://127.0.0.2:9/recording/download/doc-a';
    const attempt = fetchRecording(
      { event: eventFor([{ documentId: 'doc-a', index: 0 }, { documentId: 'doc-b', index: 1, contentLocation: elsewhere }]), workDir },
      { connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, retry: FAST },
    );
    await expect(attempt).rejects.toThrow(/chunk 1 \(doc-b\): refusing contentLocation http:\/\/127\.0\.0\.2:9\/recording\/download\/doc-a: host 127\.0\.0\.2:9 is neither/);
    await expect(attempt).rejects.toBeInstanceOf(FetchError);
    expect(server.seen).toHaveLength(0);
  });

  it.each([
    ['an unsafe documentId', [{ documentId: '../escape', index: 0 }], /documentId is not a safe file name/],
    ['a duplicate documentId', [{ documentId: 'd', index: 0 }, { documentId: 'd', index: 1 }], /listed twice/],
    ['a non-http metadataLocation', [{ documentId: 'd', index: 0, metadataLocation: 'file:///etc/passwd' }], /refusing metadataLocation/],
  ])('refuses %s', async (_what, chunks, message) => {
    server = await startScriptedServer((_req, res) => res.writeHead(500).end());
    await expect(fetchRecording({ event: eventFor(chunks), workDir }, { connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, retry: FAST })).rejects.toThrow(message);
    expect(server.seen).toHaveLength(0);
  });

  it('follows ACS_ALLOWED_HOSTS for content on another host', async () => {
    const media = fakeMp4(5000);
    server = await startScriptedServer((request, response) => (request.url!.includes('metadata') ? serveBytes(request, response, metadataDoc('d', 0), 'application/json') : serveBytes(request, response, media)));
    const other = server.origin.replace('127.0.0.1', 'localhost');
    const event = eventFor([{ documentId: 'd', index: 0, contentLocation: `${other}/v1/objects/d/content/video`, metadataLocation: `${other}/v1/objects/d/content/acsmetadata` }]);
    const connectionString = `endpoint=${server.origin}/;accesskey=${KEY}`;
    await expect(fetchRecording({ event, workDir }, { connectionString, retry: FAST })).rejects.toThrow(/neither the endpoint's nor in ACS_ALLOWED_HOSTS/);
    const env = readFetchEnvironment({ ACS_CONNECTION_STRING: connectionString, ACS_ALLOWED_HOSTS: 'localhost' });
    await fetchRecording({ event, workDir }, { ...env, retry: FAST });
    expect(server.seen.map((s) => s.path).sort()).toEqual(['/v1/objects/d/content/acsmetadata', '/v1/objects/d/content/video']);
  });

  it('fails with a FetchError (exit 5) naming the chunk, and never shows the key', async () => {
    const lines: string[] = [];
    server = await startScriptedServer((_req, res) => res.writeHead(503, { 'retry-after': '0' }).end());
    const connectionString = `endpoint=${server.origin}/;accesskey=${KEY}`;
    const error = await fetchRecording(
      { event: eventFor([{ documentId: 'doc-z', index: 3 }]), workDir },
      { connectionString, retry: { ...FAST, maxAttempts: 3 }, logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }) },
    ).catch((e: unknown) => e as FetchError);
    expect(error).toBeInstanceOf(FetchError);
    expect(exitCodeOf(error)).toBe(5);
    expect((error as FetchError).toLine()).toMatch(/chunk 3 \(doc-z\) (media|metadata): gave up after 3 attempts: HTTP 503/);
    const everything = [...lines, (error as Error).message, (error as FetchError).toLine()].join('\n');
    expect(everything).not.toContain(KEY);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('reads the environment: a missing connection string is a usage error without echoing anything', () => {
    expect(() => readFetchEnvironment({})).toThrow(UsageError);
    expect(() => readFetchEnvironment({ ACS_CONNECTION_STRING: 'accesskey=secretvalue' })).toThrow(/^ACS_CONNECTION_STRING: expected/);
    expect(readFetchEnvironment({ ACS_CONNECTION_STRING: `endpoint=https://x.example/;accesskey=${KEY}`, ACS_ALLOWED_HOSTS: 'a.example, *.asm.skype.com' }).allowedHosts).toEqual(['a.example', '*.asm.skype.com']);
  });
});

describe('downloadToFile', () => {
  const sign = () => ({});
  const allowAll = () => null;
  const mp4Check = async (file: string) => ((await readFile(file)).toString('latin1', 4, 8) === 'ftyp' ? null : 'no ftyp');

  it('resumes a cut body with Range and ends with the exact bytes', async () => {
    const data = fakeMp4(300_000);
    server = await startScriptedServer((request, response, n) => {
      if (n === 1) {
        response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(data.length) });
        response.write(data.subarray(0, 120_000), () => setTimeout(() => request.socket.destroy(), 20));
        return;
      }
      serveBytes(request, response, data);
    });
    const file = path.join(workDir, 'x.mp4');
    const result = await downloadToFile({ url: new URL(`${server.origin}/x`), file, label: 'x', sign, checkUrl: allowAll, validate: mp4Check, retry: FAST });
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(String(server.seen[1]!.headers.range))?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(120_000);
    expect(result).toMatchObject({ attempts: 2, resumedBytes: 300_000 - resumedAt, sizeBytes: 300_000 });
    expect(await readFile(file)).toEqual(data);
  });

  it('starts over when the server ignores Range and answers 200', async () => {
    const data = fakeMp4(50_000);
    server = await startScriptedServer((request, response, n) => {
      if (n === 1) {
        response.writeHead(200, { 'content-length': String(data.length) });
        response.write(data.subarray(0, 10_000), () => setTimeout(() => request.socket.destroy(), 20));
        return;
      }
      response.writeHead(200, { 'content-length': String(data.length) });
      response.end(data);
    });
    const file = path.join(workDir, 'x.mp4');
    await downloadToFile({ url: new URL(`${server.origin}/x`), file, label: 'x', sign, checkUrl: allowAll, validate: mp4Check, retry: FAST });
    expect(await readFile(file)).toEqual(data);
  });

  it('honours Retry-After on 429', async () => {
    const data = fakeMp4(1000);
    server = await startScriptedServer((request, response, n) => (n === 1 ? response.writeHead(429, { 'retry-after': '1' }).end() : serveBytes(request, response, data)));
    const started = Date.now();
    await downloadToFile({ url: new URL(`${server.origin}/x`), file: path.join(workDir, 'x.mp4'), label: 'x', sign, checkUrl: allowAll, validate: mp4Check, retry: FAST });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it.each([
    ['an HTML page labelled video/mp4', (res: import('node:http').ServerResponse) => res.writeHead(200, { 'content-type': 'video/mp4' }).end('<html><body>Error</body></html>')],
    ['an HTML page labelled text/html', (res: import('node:http').ServerResponse) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Error</body></html>')],
    ['an empty 200', (res: import('node:http').ServerResponse) => res.writeHead(200, { 'content-length': '0' }).end()],
    ['a 500', (res: import('node:http').ServerResponse) => res.writeHead(500).end()],
    ['a Content-Length longer than the body', (res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.write(fakeMp4(100), () => setTimeout(() => res.socket?.destroy(), 20));
    }],
  ])('retries %s', async (_what, fault) => {
    const data = fakeMp4(2000);
    server = await startScriptedServer((request, response, n) => (n === 1 ? fault(response) : serveBytes(request, response, data)));
    const file = path.join(workDir, 'x.mp4');
    const result = await downloadToFile({ url: new URL(`${server.origin}/x`), file, label: 'x', sign, checkUrl: allowAll, validate: mp4Check, retry: FAST });
    expect(result.attempts).toBe(2);
    expect(await readFile(file)).toEqual(data);
  });

  it('does not retry a 404 and keeps no partial file', async () => {
    server = await startScriptedServer((_req, res) => res.writeHead(404).end());
    const file = path.join(workDir, 'x.mp4');
    await expect(downloadToFile({ url: new URL(`${server.origin}/x?sig=secret`), file, label: 'chunk 0 (x) media', sign, checkUrl: allowAll, retry: FAST })).rejects.toThrow(/^chunk 0 \(x\) media: HTTP 404$/);
    expect(server.seen).toHaveLength(1);
    await expect(stat(`${file}.part`)).rejects.toThrow();
  });

  it('refuses a redirect to a host that is not allowed', async () => {
    server = await startScriptedServer((_req, res) => res.writeHead(302, { location: 'http://127.0.0.3:1/steal' }).end());
    await expect(
      downloadToFile({ url: new URL(`${server.origin}/x`), file: path.join(workDir, 'x.mp4'), label: 'x', sign, checkUrl: (u) => (u.hostname === '127.0.0.1' ? null : 'not allowed'), retry: FAST }),
    ).rejects.toThrow(/refused redirect to http:\/\/127\.0\.0\.3:1\/steal/);
  });

  it.each(['mp3', 'wav'])('downloads %s chunks as <documentId>.<format>, taking the format from the metadata; an HTML page in their place is retried', async (format) => {
    const real = path.join(workDir, `source.${format}`);
    await runFfmpeg({ args: ['-f', 'lavfi', '-i', 'sine=f=440:r=16000:d=0.5', ...(format === 'mp3' ? ['-c:a', 'libmp3lame', '-b:a', '32k'] : ['-c:a', 'pcm_s16le']), '-ac', '1', real], timeoutMs: 30_000 });
    const media = await readFile(real);
    let mediaRequests = 0;
    server = await startScriptedServer((request, response) => {
      const url = new URL(request.url!, `http://${request.headers.host}`);
      if (url.pathname === '/recording/download/doc-a/metadata') return serveBytes(request, response, metadataDoc('doc-a', 0, format.toUpperCase()), 'application/json');
      if (url.pathname === '/recording/download/doc-a') {
        if (++mediaRequests === 1) return serveBytes(request, response, Buffer.from('<html><body>busy</body></html>'), 'text/html');
        return serveBytes(request, response, media, format === 'mp3' ? 'audio/mpeg' : 'audio/wav');
      }
      response.writeHead(404).end();
    });
    const result = await fetchRecording({ event: eventFor([{ documentId: 'doc-a', index: 0 }]), workDir: path.join(workDir, 'dl') }, { connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, retry: FAST });
    expect(mediaRequests).toBe(2);
    expect(result.chunks[0]).toMatchObject({ format, mediaFile: path.join(workDir, 'dl', `doc-a.${format}`) });
    expect((await readFile(result.chunks[0]!.mediaFile)).equals(media)).toBe(true);
  });

  it('refuses media whose bytes are not the format the metadata names (a WAV where MP3 is due), naming the chunk', async () => {
    const wav = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'), Buffer.alloc(64)]);
    server = await startScriptedServer((request, response) => {
      const url = new URL(request.url!, `http://${request.headers.host}`);
      if (url.pathname.endsWith('/metadata')) return serveBytes(request, response, metadataDoc('doc-a', 0, 'mp3'), 'application/json');
      return serveBytes(request, response, wav, 'audio/mpeg');
    });
    const failure = await fetchRecording({ event: eventFor([{ documentId: 'doc-a', index: 0 }]), workDir }, { connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, retry: { ...FAST, maxAttempts: 2 } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FetchError);
    expect(exitCodeOf(failure)).toBe(5);
    expect((failure as Error).message).toMatch(/chunk 0 \(doc-a\) media.*MP3 frame/);
  });

  it('refuses a metadata format it does not know, without downloading the media', async () => {
    server = await startScriptedServer((request, response) => serveBytes(request, response, metadataDoc('doc-a', 0, 'ogg'), 'application/json'));
    const failure = await fetchRecording({ event: eventFor([{ documentId: 'doc-a', index: 0 }]), workDir }, { connectionString: `endpoint=${server.origin}/;accesskey=${KEY}`, retry: FAST }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FetchError);
    expect((failure as Error).message).toContain("recordingInfo.format 'ogg'");
    expect(server.seen.map((r) => r.path)).toEqual(['/recording/download/doc-a/metadata']);
  });

  it('keeps memory flat whatever the size: 16 MB and 512 MB peak alike', async () => {
    const block = fakeMp4(1024 * 1024);
    server = await startScriptedServer((request, response) => {
      const size = Number(new URL(request.url!, 'http://x').searchParams.get('mb')) * block.length;
      response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(size) });
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += block.length;
          if (!response.write(block)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
    const peak = async (mb: number) => {
      const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'helpers/download-child.ts'), `${server!.origin}/big?mb=${mb}`, path.join(workDir, `big-${mb}.mp4`)]);
      const report = JSON.parse(stdout) as { sizeBytes: number; maxRssBytes: number };
      expect(report.sizeBytes).toBe(mb * block.length);
      return report.maxRssBytes;
    };
    const small = await peak(16);
    const large = await peak(512);
    console.log(`peak RSS: 16 MB download ${(small / 1048576).toFixed(0)} MB, 512 MB download ${(large / 1048576).toFixed(0)} MB`);
    expect(large - small).toBeLessThan(48 * 1024 * 1024);
  });
});
