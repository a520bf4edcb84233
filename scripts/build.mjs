// Bundles the TypeScript sources into dist/acsrec.mjs and lazily loaded chunks (dependencies stay in node_modules), so the
// CLI starts without a TypeScript loader. Runs at `npm ci` (prepare) and before the tests.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../src/cli/main.ts', import.meta.url).pathname],
  outdir: new URL('../dist/', import.meta.url).pathname,
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
});
