type ImportModule = (specifier: string) => Promise<unknown>;

const HANDED_OVER = Symbol.for('acs-recording-pipeline.importOutsideBundle');

/** Set by the ES module that runs the bundle (code-cache.ts), before the bundle runs. */
export function handOverImport(importModule: ImportModule): void {
  (globalThis as Record<symbol, unknown>)[HANDED_OVER] = importModule;
}

/**
 * `import()` of a module the bundle does not hold (tsx, a test's stand-in processor). The bundle runs from
 * V8's code cache, and in Node 20 an `import()` compiled from a cache throws
 * ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING: the ES module that loaded the bundle lends its own.
 * Run from the sources, there is none, and this module's own `import()` works.
 */
export function importOutsideBundle<T = unknown>(specifier: string): Promise<T> {
  const handed = (globalThis as Record<symbol, unknown>)[HANDED_OVER] as ImportModule | undefined;
  return (handed ? handed(specifier) : import(specifier)) as Promise<T>;
}
