import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PipelineError } from '../errors.ts';

/** Bytes of all files below `dir` (files that vanish while counting count as 0). */
export async function diskUse(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const sizes = await Promise.all(entries.filter((e) => e.isFile()).map((e) => stat(join(e.parentPath, e.name)).then((s) => s.size, () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}

/**
 * Aborts the returned signal when `dir` grows beyond `maxBytes` (checked every `everyMs`), or
 * when the outer signal aborts. Without `maxBytes` it only follows the outer signal.
 */
export function watchDiskUse({ dir, maxBytes, signal, everyMs = 2000 }: { dir: string; maxBytes?: number; signal: AbortSignal; everyMs?: number }): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const follow = () => controller.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (maxBytes !== undefined) {
    timer = setInterval(async () => {
      const used = await diskUse(dir);
      if (used > maxBytes && !controller.signal.aborted) {
        controller.abort(new PipelineError('internal', `job used ${used} bytes of temporary disk, more than the ${maxBytes} allowed`, { stage: 'worker' }));
      }
    }, everyMs);
    timer.unref();
  }
  return {
    signal: controller.signal,
    stop() {
      if (timer) clearInterval(timer);
      signal.removeEventListener('abort', follow);
    },
  };
}
