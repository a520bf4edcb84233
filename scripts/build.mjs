// Bundles the TypeScript sources into dist/acsrec.mjs and lazily loaded chunks (dependencies but zod stay in node_modules), so the
// CLI starts without a TypeScript loader. Runs at `npm ci` (prepare) and before the tests.
import { readdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';

// ACSREC_BUILD_OUTDIR: a test builds elsewhere, not over the dist/ other tests run
const outdir = process.env.ACSREC_BUILD_OUTDIR ? resolve(process.env.ACSREC_BUILD_OUTDIR) : new URL('../dist/', import.meta.url).pathname;
const INLINED = /^(zod|mp4box|p-queue|eventemitter3|p-timeout)(\/|$)/;
const result = await build({
  entryPoints: [new URL('../src/cli/main.ts', import.meta.url).pathname],
  outdir,
  entryNames: 'acsrec',
  outExtension: { '.js': '.mjs' },
  // each command's modules (and the packages they import) load only when that command runs
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // packages stay in node_modules, but those every recording loads before its first stage: zod's
  // ~100 modules, resolved and compiled one by one, cost 55-65 ms, bundled 28 ms (167 -> 133 ms to
  // the first stage, median of 21 runs); mp4box and p-queue each import their own modules, the
  // loader's waterfall three levels below ours: bundled, 173 -> 150 ms (20 alternated runs)
  plugins: [{ name: 'packages-external-but-startup-ones', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (a) => (INLINED.test(a.path) ? null : { external: true })) }],
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
});

// chunks of earlier builds (their names carry a content hash) are removed once the new ones are written
const written = new Set(Object.keys(result.metafile.outputs).map((file) => resolve(file)));
for (const entry of await readdir(outdir, { recursive: true, withFileTypes: true })) {
  const file = resolve(entry.parentPath ?? entry.path, entry.name);
  if (entry.isFile() && !written.has(file)) await rm(file, { force: true });
}
