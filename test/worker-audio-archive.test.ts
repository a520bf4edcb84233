/**
 * Archiving audio outputs (CONTRACT.md "Audio recordings") on real Azurite and in a directory:
 * hand-made unmixed WAV and mixed MP3 outputs are uploaded with audio content types, the
 * manifest last, and an archive is complete only when every file its manifest names is there.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivePrefix } from '../src/adapters/storage/archive-files.ts';
import { BlobArchive } from '../src/adapters/storage/blob-archive.ts';
import { DirectoryArchive } from '../src/adapters/storage/directory-archive.ts';
import { silentLogger } from '../src/logger.ts';
import type { Manifest } from '../src/schemas/manifest.ts';
import { DEFAULT_PROCESS_OPTIONS } from '../src/types/pipeline.ts';
import { decodeQueueMessage } from '../src/worker/message.ts';
import { createRecordingJob } from '../src/worker/recording-job.ts';
import { startAzurite, type RunningAzurite } from './helpers/azurite.ts';
import { makeHandMadeAudioOutput } from './helpers/hand-made-audio-output.ts';
import { recordingEventMessage } from './helpers/worker-fixtures.ts';
import { UNMIXED_THREE_CHANNEL_ARCHIVE } from './helpers/audio-archive.ts';

let azurite: RunningAzurite;
let scratch: string;
let containers = 0;

beforeAll(async () => {
  azurite = await startAzurite();
  scratch = await mkdtemp(join(tmpdir(), 'acsrec-audio-archive-'));
});
afterAll(async () => {
  await azurite?.stop();
  await rm(scratch, { recursive: true, force: true });
});

async function audioOutput(name: string, mixedMp3 = false): Promise<string> {
  const outDir = join(scratch, name);
  await makeHandMadeAudioOutput(outDir, { callId: 'call-1', mixedMp3 });
  await writeFile(join(outDir, 'report.html'), '<!doctype html><title>r</title>');
  return outDir;
}

async function blobArchive() {
  const container = BlobServiceClient.fromConnectionString(azurite.blobConnectionString).getContainerClient(`audio-${++containers}`);
  const archive = new BlobArchive(container);
  await archive.ensureContainer();
  return { container, archive };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('BlobArchive with audio outputs (Azurite)', () => {
  it('unmixed WAV: recording, channel files, waveform and report with their content types and hashes, the manifest last', async () => {
    const { container, archive } = await blobArchive();
    const prefix = archivePrefix('call-1', 'rec-wav');
    const outDir = await audioOutput('unmixed');
    await archive.publish(prefix, outDir);
    const blobs: { name: string; contentType?: string; lastModified: Date; sha256?: string }[] = [];
    for await (const blob of container.listBlobsFlat({ prefix, includeMetadata: true })) {
      blobs.push({ name: blob.name.slice(prefix.length), contentType: blob.properties.contentType, lastModified: blob.properties.lastModified, sha256: blob.metadata?.sha256 });
    }
    expect(Object.fromEntries(blobs.map((b) => [b.name, b.contentType]))).toEqual(UNMIXED_THREE_CHANNEL_ARCHIVE);
    for (const blob of blobs) expect(blob.sha256, blob.name).toBe(sha256(await readFile(join(outDir, blob.name))));
    const manifestTime = blobs.find((b) => b.name === 'manifest.json')!.lastModified.getTime();
    expect(blobs.every((b) => b.lastModified.getTime() <= manifestTime)).toBe(true);
    expect(await archive.isComplete(prefix)).toBe(true);

    // every file the manifest names counts: a channel file or the waveform missing is incomplete
    await container.deleteBlob(`${prefix}channels/channel-2.wav`);
    expect(await archive.isComplete(prefix)).toBe(false);
    await archive.publish(prefix, outDir);
    expect(await archive.isComplete(prefix)).toBe(true);
    await container.deleteBlob(`${prefix}waveform.png`);
    expect(await archive.isComplete(prefix)).toBe(false);
    await archive.publish(prefix, outDir);
    // the recording named by output.file, with the manifest's size and hash
    const other = Buffer.from(await readFile(join(outDir, 'recording.wav')));
    other[100] ^= 0xff;
    await container.getBlockBlobClient(`${prefix}recording.wav`).upload(other, other.length, { metadata: { sha256: sha256(other) } });
    expect(await archive.isComplete(prefix)).toBe(false);
  });

  it('mixed MP3: recording.mp3 is audio/mpeg and completeness follows it', async () => {
    const { container, archive } = await blobArchive();
    const prefix = archivePrefix('call-1', 'rec-mp3');
    await archive.publish(prefix, await audioOutput('mixed-mp3', true));
    const types: Record<string, string | undefined> = {};
    for await (const blob of container.listBlobsFlat({ prefix })) types[blob.name.slice(prefix.length)] = blob.properties.contentType;
    expect(types).toEqual({ 'manifest.json': 'application/json', 'recording.mp3': 'audio/mpeg', 'report.html': 'text/html; charset=utf-8', 'waveform.png': 'image/png' });
    expect(await archive.isComplete(prefix)).toBe(true);
    await container.deleteBlob(`${prefix}recording.mp3`);
    expect(await archive.isComplete(prefix)).toBe(false);
  });

  it('the recording job archives an audio output once and acknowledges the redelivery', async () => {
    const { container, archive } = await blobArchive();
    const source = await audioOutput('job-source');
    let runs = 0;
    const job = createRecordingJob({
      archive,
      processEvent: async (_input, options) => {
        runs += 1;
        await rm(options.outDir, { recursive: true, force: true });
        const { cp } = await import('node:fs/promises');
        await cp(source, options.outDir, { recursive: true });
        return { manifest: JSON.parse(await readFile(join(source, 'manifest.json'), 'utf8')) as Manifest, outDir: options.outDir };
      },
      connectionString: '',
      processOptions: DEFAULT_PROCESS_OPTIONS,
      workRoot: join(scratch, 'work'),
    });
    const event = decodeQueueMessage(recordingEventMessage({ callId: 'call-1', recordingId: 'rec-job' }), 'm').recordings[0]!;
    const context = { messageId: 'm', attempt: 1, event, signal: new AbortController().signal, logger: silentLogger };
    expect(await job(context)).toEqual({ status: 'archived', location: `${container.url}/call-1/rec-job/` });
    expect(await job({ ...context, attempt: 2 })).toEqual({ status: 'skipped', location: `${container.url}/call-1/rec-job/` });
    expect(runs).toBe(1);
  });
});

describe('DirectoryArchive with an audio output', () => {
  it('publishes the layout and checks every file the manifest names', async () => {
    const archive = new DirectoryArchive(join(scratch, 'dir-archive'));
    const prefix = archivePrefix('call-1', 'rec-d');
    const location = await archive.publish(prefix, await audioOutput('dir-source'));
    expect((await readdir(location, { recursive: true })).sort()).toEqual([
      'channels', 'channels/channel-0.wav', 'channels/channel-1.wav', 'channels/channel-2.wav', 'manifest.json', 'recording.wav', 'report.html', 'waveform.png',
    ]);
    expect(await archive.isComplete(prefix)).toBe(true);
    await unlink(join(location, 'channels', 'channel-1.wav'));
    expect(await archive.isComplete(prefix)).toBe(false);
  });

  it('refuses a manifest that names a file outside its prefix', async () => {
    const archive = new DirectoryArchive(join(scratch, 'dir-archive-2'));
    const prefix = archivePrefix('call-1', 'rec-e');
    const outDir = await audioOutput('escape-source');
    const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as { waveform: string };
    manifest.waveform = '../../../etc/hostname';
    await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest));
    await archive.publish(prefix, outDir);
    expect(await archive.isComplete(prefix)).toBe(false);
  });
});
