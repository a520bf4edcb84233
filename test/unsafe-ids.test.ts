import { QueueServiceClient } from '@azure/storage-queue';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { Worker } from '../src/worker/worker.ts';
import { startAzurite, type RunningAzurite } from './helpers/azurite.ts';
import { errorLines, REPO_ROOT, runCli } from './helpers/cli.ts';
import { fakeMp4, serveBytes, startScriptedServer } from './helpers/scripted-server.ts';
import { recordingEventMessage, waitFor } from './helpers/worker-fixtures.ts';

const SAMPLE = join(REPO_ROOT, 'fixtures', 'three-chunks-with-pause');
let scratch: string;
let counter = 0;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'acsrec-unsafe-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function sampleCopy(): Promise<string> {
  const dir = join(scratch, `input-${++counter}`);
  await cp(SAMPLE, dir, { recursive: true });
  return dir;
}

async function editJson(file: string, change: (doc: any) => void): Promise<void> {
  const doc = JSON.parse(await readFile(file, 'utf8'));
  change(doc);
  await writeFile(file, JSON.stringify(doc));
}

/** What the contract's line must say: exit 3, one line, the file's name, the field and the reason. */
function expectRefused(result: { code: number | null; stderr: string }, file: string, field: string) {
  expect(result.code, result.stderr).toBe(3);
  const lines = errorLines(result.stderr);
  expect(lines).toHaveLength(1);
  const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  expect(lines[0]).toMatch(new RegExp(`${escaped(file)}: ${escaped(field)}: '.*' is not a safe file name`));
}

describe('an unsafe id is invalid input whichever file holds it', () => {
  it('chunk metadata in a directory (a backslash)', async () => {
    const dir = await sampleCopy();
    await editJson(join(dir, 'a-second.json'), (d) => (d.chunkDocumentId = 'x\\..\\y'));
    const result = await runCli(['process', dir, '--out', join(scratch, `out-${counter}`)]);
    expectRefused(result, 'a-second.json', 'chunkDocumentId');
  });

  it('event.json in a directory (a control character), printed on one line', async () => {
    const dir = await sampleCopy();
    await editJson(join(dir, 'event.json'), (d) => (d.data.recordingStorageInfo.recordingChunks[1].documentId = 'chunk\u0001one'));
    const result = await runCli(['process', dir, '--out', join(scratch, `out-${counter}`)]);
    expectRefused(result, 'event.json', 'data.recordingStorageInfo.recordingChunks[1].documentId');
    expect(errorLines(result.stderr)[0]).toContain("'chunk\\u0001one'");
  });

  it('an event file that is fetched: refused before any request', async () => {
    const server = await startScriptedServer((_request, response) => response.writeHead(500).end());
    try {
      const event = join(scratch, 'fetched-event.json');
      const doc = JSON.parse(await readFile(join(SAMPLE, 'event.json'), 'utf8'));
      doc.data.recordingStorageInfo.recordingChunks[0].documentId = '../../outside';
      await writeFile(event, JSON.stringify(doc));
      const result = await runCli(['process', event, '--out', join(scratch, 'fetched-out')], { env: { ACS_CONNECTION_STRING: `endpoint=${server.origin}/;accesskey=dGVzdA==` } });
      expectRefused(result, 'fetched-event.json', 'data.recordingStorageInfo.recordingChunks[0].documentId');
      expect(server.seen).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('a chunk directory whose media leads outside it', () => {
  it('is refused as invalid input naming the media, before anything is written', async () => {
    const dir = await sampleCopy();
    const media = join(dir, 'm-third.mp4');
    const elsewhere = join(scratch, `elsewhere-${counter}.mp4`);
    await rename(media, elsewhere);
    await symlink(elsewhere, media);
    const out = join(scratch, `out-${counter}`);
    const result = await runCli(['process', dir, '--out', out]);
    expect(result.code, result.stderr).toBe(3);
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${media}: the media resolves outside the input directory`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a worker message with an unsafe id', () => {
  let azurite: RunningAzurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  }, 60_000);
  afterAll(async () => azurite?.stop());

  it('goes to the poison queue on its first delivery as invalid input, and no job runs', async () => {
    const service = QueueServiceClient.fromConnectionString(azurite.queueConnectionString);
    const queue = service.getQueueClient('unsafe-ids');
    await queue.create();
    await queue.sendMessage(recordingEventMessage({ callId: 'c', recordingId: 'r', documentIds: ['chunk-0', 'chunk\\1'] }));
    const jobs: string[] = [];
    const lines: string[] = [];
    const worker = new Worker({
      service,
      queueName: 'unsafe-ids',
      visibilityTimeoutSec: 5,
      logger: createLogger({ write: (l) => lines.push(l) }),
      job: async ({ event }) => {
        jobs.push(event.id ?? '');
        return { status: 'archived' };
      },
    });
    await worker.start();
    const poison = service.getQueueClient('unsafe-ids-poison');
    await waitFor('a poison entry', async () => (await poison.peekMessages()).peekedMessageItems.length === 1, 20_000);
    await worker.close();
    const record = JSON.parse((await poison.peekMessages()).peekedMessageItems[0]!.messageText);
    expect(record.dequeueCount).toBe(1);
    expect(record.reason).toMatch(/^not retryable \(invalid-input\): message .+: data\.recordingStorageInfo\.recordingChunks\[1\]\.documentId: 'chunk\\1' is not a safe file name/);
    expect(jobs).toEqual([]);
    expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
    expect(worker.metrics.poisoned).toBe(1);
  }, 60_000);
});
