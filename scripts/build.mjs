// Bundles the TypeScript sources into dist/acsrec.mjs and lazily loaded chunks (dependencies but zod stay in node_modules), so the
// CLI starts without a TypeScript loader. Runs at `npm ci` (prepare) and before the tests.
import { readdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';

// ACSREC_BUILD_OUTDIR: a test builds elsewhere, not over the dist/ other tests run
const outdir = process.env.ACSREC_BUILD_OUTDIR ? resolve(process.env.ACSREC_BUILD_OUTDIR) : new URL('../dist/', import.meta.url).pathname;
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
  // packages stay in node_modules, but zod: its ~100 modules, resolved and compiled one by one at
  // start-up, cost 55-65 ms before the first stage; bundled they cost 28 ms (median of 21 runs: 167 -> 133 ms to the first stage)
  plugins: [{ name: 'packages-external-but-zod', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (a) => (/^zod(\/|$)/.test(a.path) ? null : { external: true })) }],
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
