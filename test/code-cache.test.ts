import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'code-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const here = new URL('../src/adapters/v8/', import.meta.url).pathname;
// the ES module that runs a bundle, as dist/acsrec.mjs does; prints the cache's state on stderr
const runner = join(root, 'run.mjs');
const runBundle = (bundle: string, variant = 'process') => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', runner, bundle, variant], { encoding: 'utf8', timeout: 60_000 });
  expect(child.status, child.stderr).toBe(0);
  return { out: child.stdout.trim(), state: child.stderr.trim() };
};
const caches = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.v8cache'));

let bundleSource = '';

beforeAll(async () => {
  writeFileSync(runner, `import { runWithCodeCache } from ${JSON.stringify(join(here, 'code-cache.ts'))};\nprocess.stderr.write(runWithCodeCache(process.argv[2], { importModule: (specifier) => import(specifier), variant: process.argv[3] }));\n`);
  // a bundle as scripts/build.mjs makes one: CommonJS, loading a module it does not hold
  const entry = join(root, 'entry.ts');
  writeFileSync(
    entry,
    `import { importOutsideBundle } from ${JSON.stringify(join(here, 'outside-import.ts'))};
const { basename } = require('node:path');
importOutsideBundle<typeof import('node:os')>('node:os').then((os) => console.log('v1', basename(__filename), typeof os.cpus, module.exports === exports));
`,
  );
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    banner: { js: '(function (exports, require, module, __filename, __dirname) {"use strict";' },
    footer: { js: '})' },
    write: false,
    logLevel: 'silent',
  });
  bundleSource = result.outputFiles[0].text;
});

function bundleIn(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'bundle.cjs'), bundleSource);
  return join(dir, 'bundle.cjs');
}

describe('runWithCodeCache', () => {
  it('compiles the first run, leaves a cache at its exit, and the next run starts from it', () => {
    const bundle = bundleIn('first-then-cached');
    // the bundle's require, module, exports and __filename are a CommonJS module's; its outside import works
    expect(runBundle(bundle)).toEqual({ out: 'v1 bundle.cjs function true', state: 'absent' });
    expect(caches(join(root, 'first-then-cached'))).toHaveLength(1);
    expect(runBundle(bundle)).toEqual({ out: 'v1 bundle.cjs function true', state: 'used' });
  });

  it('keeps a cache for each variant: one made by a run that compiled little would serve every other', () => {
    const bundle = bundleIn('variants');
    expect(runBundle(bundle, 'process').state).toBe('absent');
    expect(runBundle(bundle, 'other').state).toBe('absent');
    expect(runBundle(bundle, 'process').state).toBe('used');
    expect(caches(join(root, 'variants')).map((name) => name.split('.').at(-2)).sort()).toEqual(['other', 'process']);
  });

  it('runs compiled when the cache is not one V8 made, and replaces it', () => {
    const bundle = bundleIn('garbage');
    runBundle(bundle);
    const [cache] = caches(join(root, 'garbage'));
    writeFileSync(join(root, 'garbage', cache), Buffer.alloc(4096, 7));
    expect(runBundle(bundle)).toEqual({ out: 'v1 bundle.cjs function true', state: 'rejected' });
    expect(readFileSync(join(root, 'garbage', cache))).not.toEqual(Buffer.alloc(4096, 7));
    expect(runBundle(bundle).state).toBe('used');
  });

  it('never offers the cache of other content: V8 takes one of the same length, and runs the old code', () => {
    const bundle = bundleIn('edited');
    runBundle(bundle);
    const [first] = caches(join(root, 'edited'));
    writeFileSync(bundle, bundleSource.replace('"v1"', '"v2"'));
    expect(runBundle(bundle)).toEqual({ out: 'v2 bundle.cjs function true', state: 'absent' });
    const second = caches(join(root, 'edited')).find((name) => name !== first)!;
    // the first version's cache under the second's name: V8 checks the length, not the content
    writeFileSync(join(root, 'edited', second), readFileSync(join(root, 'edited', first)));
    expect(runBundle(bundle)).toEqual({ out: 'v1 bundle.cjs function true', state: 'used' });
  });

  it('runs, and leaves nothing behind, where the cache cannot be written', () => {
    const bundle = bundleIn('unwritable');
    const probe = runBundle(bundle);
    const [cache] = caches(join(root, 'unwritable'));
    rmSync(join(root, 'unwritable', cache));
    // a directory where the cache would go: it can be neither read nor renamed over
    mkdirSync(join(root, 'unwritable', cache));
    expect(runBundle(bundle)).toEqual(probe);
    expect(readdirSync(join(root, 'unwritable')).sort()).toEqual(['bundle.cjs', cache]);
  });
});
