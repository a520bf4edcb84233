import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { RecordingArchive } from '../../types/archive.ts';
import { MANIFEST_FILE, filesNamedBy, parseArchivedManifest, sha256File } from './archive-files.ts';

/**
 * The archive as a directory tree (`--archive-dir`). A prefix is filled in a hidden sibling and
 * renamed into place, so readers see either nothing, the old archive, or the whole new one.
 */
export class DirectoryArchive implements RecordingArchive {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  locationOf(prefix: string): string {
    return join(this.root, prefix);
  }

  async isComplete(prefix: string): Promise<boolean> {
    const dir = this.locationOf(prefix);
    const text = await readFile(join(dir, MANIFEST_FILE), 'utf8').catch(() => undefined);
    const manifest = text === undefined ? undefined : parseArchivedManifest(text, join(dir, MANIFEST_FILE));
    const named = manifest && filesNamedBy(manifest);
    if (!manifest || !named) return false;
    const recording = join(dir, named.recording);
    const size = await stat(recording).then((s) => s.size, () => -1);
    if (size !== manifest.output.sizeBytes) return false;
    for (const file of named.others) {
      if (!(await stat(join(dir, file)).then((s) => s.isFile(), () => false))) return false;
    }
    return (await sha256File(recording)) === manifest.output.sha256;
  }

  async publish(prefix: string, outDir: string, { signal }: { signal?: AbortSignal } = {}): Promise<string> {
    const target = this.locationOf(prefix).replace(/\/$/, '');
    const parent = dirname(target);
    const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const staging = join(parent, `.${tag}.partial`);
    const old = join(parent, `.${tag}.old`);
    await mkdir(parent, { recursive: true });
    try {
      await cp(outDir, staging, { recursive: true, filter: (source) => source !== join(outDir, MANIFEST_FILE) });
      signal?.throwIfAborted();
      await cp(join(outDir, MANIFEST_FILE), join(staging, MANIFEST_FILE));
      const hadOld = await rename(target, old).then(() => true, (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      });
      try {
        await rename(staging, target);
      } catch (error) {
        // Another replica published the same recording a moment ago; theirs is as good as ours.
        const code = (error as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !(await this.isComplete(prefix))) throw error;
      }
      if (hadOld) await rm(old, { recursive: true, force: true });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return target;
  }
}
