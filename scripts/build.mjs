// Bundles the TypeScript sources into dist/acsrec.cjs, run by dist/acsrec.mjs (dependencies but the start-up ones stay in node_modules), so the
// CLI starts without a TypeScript loader. Runs at `npm ci` (prepare) and before the tests.
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';

// ACSREC_BUILD_OUTDIR: a test builds elsewhere, not over the dist/ other tests run
const outdir = process.env.ACSREC_BUILD_OUTDIR ? resolve(process.env.ACSREC_BUILD_OUTDIR) : new URL('../dist/', import.meta.url).pathname;
const INLINED = /^(zod|mp4box|p-queue|eventemitter3|p-timeout|sharp|detect-libc|semver|@img\/colour)(\/|$)/;
const packagesExternalButStartupOnes = {
  name: 'packages-external-but-startup-ones',
  setup: (b) => b.onResolve({ filter: /^[^./]/ }, (a) => (INLINED.test(a.path) ? null : { external: true })),
};
// One CommonJS script, not ES modules split per command: a classic script is what V8's code cache
// serves in Node 20 (src/adapters/v8/code-cache.ts), and served from it, the parts a command does
// not run cost nothing
const bundleOptions = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', metafile: true };
const main = await build({
  ...bundleOptions,
  entryPoints: [new URL('../src/cli/main.ts', import.meta.url).pathname],
  outfile: resolve(outdir, 'acsrec.cjs'),
  format: 'cjs',
  define: { 'import.meta.url': 'importMetaUrl' },
  // the script is a function of CommonJS's five, which runWithCodeCache calls (wrapped at run
  // time, the bundle's text would be held twice, 1 MB); strict, as the modules it came from
  banner: { js: '(function (exports, require, module, __filename, __dirname) {"use strict";\nvar importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  footer: { js: '})' },
  // packages stay in node_modules, but those every recording loads before its first stage: zod's
  // ~100 modules, resolved and compiled one by one, cost 55-65 ms, bundled 28 ms (167 -> 133 ms to
  // the first stage, median of 21 runs); mp4box and p-queue each import their own modules, the
  // loader's waterfall three levels below ours: bundled, 173 -> 150 ms (20 alternated runs); sharp's
  // JavaScript (its loader, semver, detect-libc, @img/colour) took 30 of its 40 ms to load, during
  // the copy: bundled, it comes from the code cache and only its addon is required from
  // node_modules (the 1 h run 815 -> 807 ms, lower in 15 of 20 alternated runs)
  plugins: [packagesExternalButStartupOnes],
  sourcemap: 'linked',
});
// the ES module node starts (bin/acsrec.js, the container), which runs the script from its cache
const entry = await build({
  ...bundleOptions,
  entryPoints: [new URL('../src/cli/bundle-entry.ts', import.meta.url).pathname],
  outfile: resolve(outdir, 'acsrec.mjs'),
  format: 'esm',
});

// what earlier builds left (their chunks, code caches of other content) goes once the new bundle
// is written; its own cache stays (named as runWithCodeCache names it)
const written = new Set([...Object.keys(main.metafile.outputs), ...Object.keys(entry.metafile.outputs)].map((file) => resolve(file)));
const ownCache = new RegExp(`^acsrec\\.cjs\\.${createHash('sha1').update(await readFile(resolve(outdir, 'acsrec.cjs'))).digest('hex').slice(0, 16)}\\.[a-z0-9-]+\\.v8cache$`);
for (const entry of await readdir(outdir, { recursive: true, withFileTypes: true })) {
  const file = resolve(entry.parentPath ?? entry.path, entry.name);
  if (entry.isFile() && !written.has(file) && !ownCache.test(entry.name)) await rm(file, { force: true });
}
for (const entry of await readdir(outdir, { withFileTypes: true })) {
  const dir = resolve(entry.parentPath ?? entry.path, entry.name);
  if (entry.isDirectory() && (await readdir(dir, { recursive: true })).length === 0) await rm(dir, { recursive: true });
}
