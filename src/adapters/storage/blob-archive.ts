import type { ContainerClient } from '@azure/storage-blob';
import { join } from 'node:path';
import type { RecordingArchive } from '../../types/archive.ts';
import { MANIFEST_FILE, contentTypeOf, filesNamedBy, listOutputFiles, parseArchivedManifest, sha256File } from './archive-files.ts';

const UPLOAD_CONCURRENCY = 4;

/**
 * The archive in a Blob container (`--archive-container`). Each blob carries its SHA-256 in its
 * metadata, so completeness is checked against the manifest without downloading the recording.
 */
export class BlobArchive implements RecordingArchive {
  constructor(private readonly container: ContainerClient) {}

  /** Creates the container when missing. */
  async ensureContainer(): Promise<void> {
    await this.container.createIfNotExists();
  }

  locationOf(prefix: string): string {
    return `${this.container.url}/${prefix}`;
  }

  async isComplete(prefix: string): Promise<boolean> {
    const manifestBlob = this.container.getBlockBlobClient(`${prefix}${MANIFEST_FILE}`);
    const text = await manifestBlob.downloadToBuffer().then((b) => b.toString('utf8'), () => undefined);
    const manifest = text === undefined ? undefined : parseArchivedManifest(text, manifestBlob.url);
    const named = manifest && filesNamedBy(manifest);
    if (!manifest || !named) return false;
    const recording = await this.container.getBlobClient(`${prefix}${named.recording}`).getProperties().catch(() => undefined);
    if (!recording || recording.contentLength !== manifest.output.sizeBytes || recording.metadata?.sha256 !== manifest.output.sha256) return false;
    const present = new Set<string>();
    for await (const blob of this.container.listBlobsFlat({ prefix })) present.add(blob.name.slice(prefix.length));
    return named.others.every((file) => present.has(file));
  }

  async publish(prefix: string, outDir: string, { signal }: { signal?: AbortSignal } = {}): Promise<string> {
    // Without its manifest a prefix is incomplete, so overwriting an older attempt is safe.
    await this.container.getBlobClient(`${prefix}${MANIFEST_FILE}`).deleteIfExists({ abortSignal: signal });
    const files = await listOutputFiles(outDir);
    const payload = files.filter((f) => f !== MANIFEST_FILE);
    const upload = async (file: string) => {
      const path = join(outDir, file);
      await this.container.getBlockBlobClient(`${prefix}${file}`).uploadFile(path, {
        blobHTTPHeaders: { blobContentType: contentTypeOf(file) },
        metadata: { sha256: await sha256File(path) },
        abortSignal: signal,
      });
    };
    for (let i = 0; i < payload.length; i += UPLOAD_CONCURRENCY) await Promise.all(payload.slice(i, i + UPLOAD_CONCURRENCY).map(upload));
    const wanted = new Set(files);
    for await (const blob of this.container.listBlobsFlat({ prefix })) {
      if (!wanted.has(blob.name.slice(prefix.length))) await this.container.deleteBlob(blob.name, { abortSignal: signal }).catch(() => undefined);
    }
    signal?.throwIfAborted();
    await upload(MANIFEST_FILE);
    return this.locationOf(prefix);
  }
}
