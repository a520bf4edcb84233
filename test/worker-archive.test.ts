import { BlobServiceClient } from '@azure/storage-blob';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivePrefix } from '../src/adapters/storage/archive-files.ts';
import { BlobArchive } from '../src/adapters/storage/blob-archive.ts';
import { DirectoryArchive } from '../src/adapters/storage/directory-archive.ts';
import { InvalidInputError } from '../src/errors.ts';
import { silentLogger } from '../src/logger.ts';
import { DEFAULT_PROCESS_OPTIONS } from '../src/types/pipeline.ts';
import { decodeQueueMessage } from '../src/worker/message.ts';
import { createRecordingJob } from '../src/worker/recording-job.ts';
import { startAzurite, type RunningAzurite } from './helpers/azurite.ts';
import { processEvent as fakeProcessEvent, fakeRecordingBytes } from './helpers/fake-process-event.ts';
import { recordingEventMessage } from './helpers/worker-fixtures.ts';

let azurite: RunningAzurite;
let scratch: string;
let containerCounter = 0;

beforeAll(async () => {
  azurite = await startAzurite();
  scratch = await mkdtemp(join(tmpdir(), 'acsrec-archive-test-'));
});
afterAll(async () => {
  await azurite?.stop();
  await rm(scratch, { recursive: true, force: true });
});

const eventOf = (recordingId: string) => decodeQueueMessage(recordingEventMessage({ callId: 'call-1', recordingId }), 'm').recordings[0]!;

/** An output directory as `process` leaves it, made by the fake processor. */
async function outputFor(recordingId: string): Promise<string> {
  const workDir = await mkdtemp(join(scratch, 'out-'));
  const result = await fakeProcessEvent({ event: eventOf(recordingId), workDir }, { ...DEFAULT_PROCESS_OPTIONS, outDir: join(workDir, 'out'), logger: silentLogger, connectionString: '' });
  await writeFile(join(result.outDir, 'report.html'), '<!doctype html><title>r</title>');
  return result.outDir;
}

describe('archivePrefix', () => {
  it.each([['c-1', 'r-1', 'c-1/r-1/'], ['3f2a.b_c', 'eyJQbGF0Zm9ybSI6=', '3f2a.b_c/eyJQbGF0Zm9ybSI6=/']])('%s + %s', (callId, recordingId, expected) => {
    expect(archivePrefix(callId, recordingId)).toBe(expected);
  });
  it.each([['..', 'r'], ['c', '../../etc'], ['c/d', 'r'], ['', 'r'], ['c', '.hidden']])('refuses %s + %s', (callId, recordingId) => {
    expect(() => archivePrefix(callId, recordingId)).toThrow(InvalidInputError);
  });
});

describe('DirectoryArchive', () => {
  it('publishes the whole layout atomically and recognises it as complete; a damaged one is not', async () => {
    const root = join(scratch, 'dir-archive');
    const archive = new DirectoryArchive(root);
    const prefix = archivePrefix('call-1', 'rec-d');
    expect(await archive.isComplete(prefix)).toBe(false);
    const location = await archive.publish(prefix, await outputFor('rec-d'));
    expect(location).toBe(join(root, 'call-1', 'rec-d'));
    expect((await readdir(location, { recursive: true })).sort()).toEqual(['manifest.json', 'recording.mp4', 'report.html', 'thumbnails', 'thumbnails/thumb-0001.jpg', 'thumbnails/thumbnails.vtt']);
    expect((await readFile(join(location, 'recording.mp4'))).equals(fakeRecordingBytes('rec-d'))).toBe(true);
    expect(await readdir(join(root, 'call-1'))).toEqual(['rec-d']);
    expect(await archive.isComplete(prefix)).toBe(true);

    await truncate(join(location, 'recording.mp4'), 100);
    expect(await archive.isComplete(prefix)).toBe(false);
    await archive.publish(prefix, await outputFor('rec-d'));
    expect(await archive.isComplete(prefix)).toBe(true);
    expect(await readdir(join(root, 'call-1'))).toEqual(['rec-d']);

    const bytes = Buffer.from(fakeRecordingBytes('rec-d'));
    bytes[10] ^= 0xff;
    await writeFile(join(location, 'recording.mp4'), bytes);
    expect(await archive.isComplete(prefix)).toBe(false);
    await archive.publish(prefix, await outputFor('rec-d'));
    await unlink(join(location, 'thumbnails', 'thumb-0001.jpg'));
    expect(await archive.isComplete(prefix)).toBe(false);
  });

  it('a half-written prefix (no manifest, or a broken one) is not complete', async () => {
    const archive = new DirectoryArchive(join(scratch, 'half'));
    const dir = join(scratch, 'half', 'call-1', 'rec-h');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'recording.mp4'), fakeRecordingBytes('rec-h'));
    expect(await archive.isComplete('call-1/rec-h/')).toBe(false);
    await writeFile(join(dir, 'manifest.json'), '{"schemaVersion": 1, "callId": ');
    expect(await archive.isComplete('call-1/rec-h/')).toBe(false);
  });
});

describe('BlobArchive (Azurite)', () => {
  async function blobArchive() {
    const container = BlobServiceClient.fromConnectionString(azurite.blobConnectionString).getContainerClient(`archive-${++containerCounter}`);
    const archive = new BlobArchive(container);
    await archive.ensureContainer();
    return { container, archive };
  }

  it('uploads every file with its content type and hash, the manifest last; completeness follows the manifest', async () => {
    const { container, archive } = await blobArchive();
    const prefix = archivePrefix('call-1', 'rec-b');
    expect(await archive.isComplete(prefix)).toBe(false);
    await container.getBlockBlobClient(`${prefix}stale-from-an-older-attempt.txt`).upload('x', 1);
    await archive.publish(prefix, await outputFor('rec-b'));
    const blobs: { name: string; contentType?: string; lastModified: Date }[] = [];
    for await (const blob of container.listBlobsFlat({ prefix })) blobs.push({ name: blob.name.slice(prefix.length), contentType: blob.properties.contentType, lastModified: blob.properties.lastModified });
    expect(Object.fromEntries(blobs.map((b) => [b.name, b.contentType]))).toEqual({
      'manifest.json': 'application/json',
      'recording.mp4': 'video/mp4',
      'report.html': 'text/html; charset=utf-8',
      'thumbnails/thumb-0001.jpg': 'image/jpeg',
      'thumbnails/thumbnails.vtt': 'text/vtt; charset=utf-8',
    });
    const manifestTime = blobs.find((b) => b.name === 'manifest.json')!.lastModified.getTime();
    expect(blobs.every((b) => b.lastModified.getTime() <= manifestTime)).toBe(true);
    const recording = container.getBlobClient(`${prefix}recording.mp4`);
    expect((await recording.getProperties()).metadata?.sha256).toBe(createHash('sha256').update(fakeRecordingBytes('rec-b')).digest('hex'));
    expect(await archive.isComplete(prefix)).toBe(true);

    // The same size but other bytes (as a concurrent rewrite would leave it): not complete.
    const other = Buffer.from(fakeRecordingBytes('rec-b'));
    other[0] ^= 0xff;
    await container.getBlockBlobClient(`${prefix}recording.mp4`).upload(other, other.length, { metadata: { sha256: createHash('sha256').update(other).digest('hex') } });
    expect(await archive.isComplete(prefix)).toBe(false);
    await archive.publish(prefix, await outputFor('rec-b'));
    expect(await archive.isComplete(prefix)).toBe(true);
    await container.deleteBlob(`${prefix}manifest.json`);
    expect(await archive.isComplete(prefix)).toBe(false);
  });

  it('the recording job acknowledges a redelivered event whose archive is complete, without processing it again', async () => {
    const { container, archive } = await blobArchive();
    let runs = 0;
    const job = createRecordingJob({
      archive,
      processEvent: async (input, options) => {
        runs += 1;
        return fakeProcessEvent(input, options);
      },
      connectionString: '',
      processOptions: DEFAULT_PROCESS_OPTIONS,
      workRoot: join(scratch, 'work'),
    });
    const context = { messageId: 'm', attempt: 1, event: eventOf('rec-j'), signal: new AbortController().signal, logger: silentLogger };
    expect(await job(context)).toEqual({ status: 'archived', location: `${container.url}/call-1/rec-j/` });
    expect(await job({ ...context, attempt: 2 })).toEqual({ status: 'skipped', location: `${container.url}/call-1/rec-j/` });
    expect(runs).toBe(1);
    // A half-written archive is redone.
    await container.deleteBlob('call-1/rec-j/manifest.json');
    expect((await job({ ...context, attempt: 3 })).status).toBe('archived');
    expect(runs).toBe(2);
    expect(await readdir(join(scratch, 'work'))).toEqual([]);
  });

  it('stops a job whose temporary files outgrow --max-job-disk, and removes them', async () => {
    const { archive } = await blobArchive();
    const workRoot = join(scratch, 'work-budget');
    const job = createRecordingJob({
      archive,
      processEvent: async (input, options) => {
        await mkdir(input.workDir, { recursive: true });
        await writeFile(join(input.workDir, 'chunk.mp4'), Buffer.alloc(3 * 1024 * 1024));
        await new Promise((_, reject) => options.signal!.addEventListener('abort', () => reject(new Error('aborted'))));
        throw new Error('unreachable');
      },
      connectionString: '',
      processOptions: DEFAULT_PROCESS_OPTIONS,
      workRoot,
      maxJobDiskBytes: 1024 * 1024,
    });
    const context = { messageId: 'm', attempt: 1, event: eventOf('rec-big'), signal: new AbortController().signal, logger: silentLogger };
    await expect(job(context)).rejects.toThrow(/job used 3145728 bytes of temporary disk, more than the 1048576 allowed/);
    expect(await readdir(workRoot)).toEqual([]);
  });
});
