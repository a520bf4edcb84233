import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { MANIFEST_FILE, RECORDING_FILE } from '../types/output-files.ts';

export { MANIFEST_FILE, RECORDING_FILE };

export interface Staging {
  outDir: string;
  /** Sibling of outDir on the same file system, so the final step is a rename. */
  dir: string;
  /** Scratch space inside the staging directory, removed before publishing. */
  workDir: string;
}

/** Refuses an output that holds a finished recording (unless forced) and makes the staging directory. */
export function prepareStaging(outDir: string, options: { force: boolean }): Staging {
  refuseFinishedOutput(outDir, options);
  return createStaging(outDir);
}

/** Synchronous, as createStaging: it runs between the probe and the plan, where one stat through libuv's pool waited 1-3 ms. */
export function refuseFinishedOutput(outDir: string, options: { force: boolean }): void {
  const out = resolve(outDir);
  if (!options.force && existsSync(join(out, MANIFEST_FILE))) {
    throw new UsageError('the output directory already holds a manifest.json (use --force to replace it)', { file: out });
  }
}

/**
 * The staging directory alone, for work that starts before the output is checked; discard it on
 * every path. Synchronous: its two mkdirs take well under a millisecond, but queued in libuv's
 * pool while the copy threads boot they kept the probe from starting for 8-14 ms.
 */
export function createStaging(outDir: string): Staging {
  const out = resolve(outDir);
  mkdirSync(dirname(out), { recursive: true });
  const dir = join(dirname(out), `.${basename(out)}.acsrec-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(join(dir, '.work'), { recursive: true });
  return { outDir: out, dir, workDir: join(dir, '.work') };
}

/**
 * Moves the finished output into place. An absent or empty outDir is replaced by one rename; a
 * previous output is kept until the new one is in place; into a directory with other files the
 * outputs move one by one, the manifest last, so it never names files that are not there.
 */
export async function publishStaging(staging: Staging): Promise<void> {
  await rm(staging.workDir, { recursive: true, force: true });
  const { outDir, dir } = staging;
  const existing = await readdir(outDir).catch(() => null);
  if (existing === null || existing.length === 0) {
    if (existing) await rmdir(outDir);
    await rename(dir, outDir);
    return;
  }
  if (existing.includes(MANIFEST_FILE)) {
    const old = `${dir}-old`;
    await rename(outDir, old);
    await rename(dir, outDir);
    await rm(old, { recursive: true, force: true });
    return;
  }
  const names = (await readdir(dir)).filter((n) => n !== MANIFEST_FILE);
  for (const name of names) {
    await rm(join(outDir, name), { recursive: true, force: true });
    await rename(join(dir, name), join(outDir, name));
  }
  await rename(join(dir, MANIFEST_FILE), join(outDir, MANIFEST_FILE));
  await rm(dir, { recursive: true, force: true });
}

export async function discardStaging(staging: Staging): Promise<void> {
  await rm(staging.dir, { recursive: true, force: true });
}
