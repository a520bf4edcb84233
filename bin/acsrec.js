#!/usr/bin/env node
// Runs the bundle that `npm ci` builds (scripts/build.mjs); when a source file is newer than the
// bundle (an edit not rebuilt yet) or there is none, runs the TypeScript through tsx instead.
import { readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const bundle = new URL('dist/acsrec.mjs', root);

function newestSourceMs() {
  let newest = 0;
  for (const dir of ['src', 'pipelines']) {
    for (const entry of readdirSync(new URL(`${dir}/`, root), { recursive: true, withFileTypes: true })) {
      // tests and benches beside the sources are not in the bundle: editing one must not cost every run the loader
      if (entry.isFile() && entry.name.endsWith('.ts') && !/\.(test|bench)\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs);
    }
  }
  return newest;
}

let bundleMs = 0;
try {
  bundleMs = statSync(bundle).mtimeMs;
} catch {}

if (bundleMs > 0 && bundleMs >= newestSourceMs()) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
