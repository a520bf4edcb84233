// Bundles the TypeScript sources into dist/acsrec.mjs and lazily loaded chunks (dependencies stay in node_modules), so the
// CLI starts without a TypeScript loader. Runs at `npm ci` (prepare) and before the tests.
import { readdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const outdir = new URL('../dist/', import.meta.url).pathname;
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
  packages: 'external',
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
