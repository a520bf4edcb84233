import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { handOverImport } from './outside-import.ts';

export type CodeCacheState = 'used' | 'rejected' | 'absent';

export interface CodeCacheOptions {
  /** The ES module's own import(), lent to the bundle (outside-import.ts). */
  importModule: (specifier: string) => Promise<unknown>;
  /**
   * Which cache: a cache holds what the run that made it compiled, and one made by a run that
   * compiled little (`--help`) would be taken by every later run, so each kind of run has its own.
   */
  variant: string;
}

/**
 * Runs a CommonJS bundle from V8's code cache of it: the bytecode of every function an earlier run
 * compiled, not only the top level, so neither the bundle's parse nor the lazy compiles of its
 * functions come back (1 h recording, medians of 12 alternated runs: the first stage 125 -> 93 ms,
 * the main thread's CPU 225 -> 182 ms, the run 932 -> 894 ms). Node 20 has no compile cache for
 * ES modules (module.enableCompileCache came in 22), hence a classic script: `bundleFile` is one
 * whose value is a function of (exports, require, module, __filename, __dirname), as
 * scripts/build.mjs writes it. V8 checks a cache against its version, its flags and the source's
 * length, and compiles when one does not match; the file name carries a hash of the content, so
 * a cache of another build is never offered. A run that found none, or had it rejected, leaves
 * one at its exit next to the bundle (never in a shared directory: a cache is code), written to a
 * temporary sibling and renamed; where that directory is read-only the bundle runs compiled. V8
 * flags a run sets (young-generation.ts) must be set before this, as they were at the exit that
 * made the cache.
 */
export function runWithCodeCache(bundleFile: string, options: CodeCacheOptions): CodeCacheState {
  if (!/^[a-z0-9-]{1,32}$/.test(options.variant)) throw new TypeError(`variant '${options.variant}': expected 1-32 of a-z, 0-9 and -`);
  // hashed as the bytes read, not as the string: hashing a string encodes its megabyte again (2 ms)
  const bytes = readFileSync(bundleFile);
  const cacheFile = `${bundleFile}.${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}.${options.variant}.v8cache`;
  const source = bytes.toString('utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {}
  const script = new Script(source, { filename: bundleFile, cachedData });
  const state: CodeCacheState = cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used';
  if (state !== 'used') process.once('exit', () => saveCodeCache(script, cacheFile));
  handOverImport(options.importModule);
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  return state;
}

function saveCodeCache(script: Script, cacheFile: string): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile);
  } catch {
    rmSync(temporary, { force: true });
  }
}
