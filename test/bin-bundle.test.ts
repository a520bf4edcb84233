import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = new URL('..', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'bin-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of bin/acsrec.js in a tree of its own: a bundle that says so, sources that say so, and tsx. */
function tree(name: string, newer: string): string {
  const dir = join(root, name);
  for (const sub of ['bin', 'dist', 'src/cli', 'pipelines', 'node_modules']) mkdirSync(join(dir, sub), { recursive: true });
  copyFileSync(join(repo, 'bin/acsrec.js'), join(dir, 'bin/acsrec.js'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(repo, 'node_modules/tsx'), join(dir, 'node_modules/tsx'));
  writeFileSync(join(dir, 'dist/acsrec.mjs'), "console.log('ran the bundle');\n");
  writeFileSync(join(dir, 'src/cli/main.ts'), "const from: string = 'the sources';\nconsole.log(`ran ${from}`);\n");
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'src/cli/main.ts'), old, old);
  writeFileSync(join(dir, newer), '// edited after the build\n');
  const older = new Date(Date.now() - 30_000);
  utimesSync(join(dir, 'dist/acsrec.mjs'), older, older);
  return dir;
}

const run = (dir: string) => spawnSync(process.execPath, [join(dir, 'bin/acsrec.js')], { encoding: 'utf8' }).stdout.trim();

describe('bin/acsrec.js', () => {
  it('runs the bundle when only a test or a bench is newer than it', () => {
    expect(run(tree('test-edited', 'src/cli/main.test.ts'))).toBe('ran the bundle');
    expect(run(tree('bench-edited', 'src/cli/writer.bench.ts'))).toBe('ran the bundle');
  });

  it('runs the sources through tsx when a source file is newer than the bundle', () => {
    expect(run(tree('source-edited', 'src/cli/other.ts'))).toBe('ran the sources');
    expect(run(tree('pipeline-edited', 'pipelines/p.ts'))).toBe('ran the sources');
  });
});

describe('scripts/build.mjs', () => {
  it('makes one script, inlining the packages every recording loads (zod, mp4box, p-queue, sharp\'s JavaScript: their modules cost time), and leaves the others in node_modules', () => {
    // inside the repository, so that the external packages resolve from its node_modules
    mkdirSync(join(repo, '.cache'), { recursive: true });
    const outDir = mkdtempSync(join(repo, '.cache', 'bundle-'));
    const build = () => spawnSync(process.execPath, [join(repo, 'scripts/build.mjs')], { encoding: 'utf8', env: { ...process.env, ACSREC_BUILD_OUTDIR: outDir } });
    try {
      const first = build();
      expect(first.status, first.stderr).toBe(0);
      const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' });
      expect(files.filter((f) => /\.(c|m)?js$/.test(f)).sort()).toEqual(['acsrec.cjs', 'acsrec.mjs']);
      const code = readFileSync(join(outDir, 'acsrec.cjs'), 'utf8');
      // a function of CommonJS's five, strict as the modules it came from (a line before esbuild's
      // own "use strict" would have made that a plain string)
      expect(code.startsWith('(function (exports, require, module, __filename, __dirname) {"use strict";\n')).toBe(true);
      const required = new Set([...code.matchAll(/require\("([^"./][^"]*)"\)/g)].map((m) => m[1]));
      expect([...required].filter((name) => /^(zod|mp4box|p-queue|eventemitter3|p-timeout|sharp|semver|detect-libc)(\/|$)/.test(name))).toEqual([]);
      expect(required).toContain('@azure/storage-queue');
      // an import() run from V8's code cache fails in Node 20: the one left in the bundle is
      // importOutsideBundle's own, for runs from the sources
      expect(code.match(/\bimport\(/g)).toHaveLength(1);
      // only the zod the schemas use: `import { z }` bundled all of it, its 40 locales too
      // (755 KB to compile at every start); German's word for input stands for them
      expect(code).not.toContain('Eingabe');
      // the inlined packages still work: a recording's metadata is parsed, its chunks probed and
      // joined, its images made with sharp; compiled, then from the cache the first run left
      for (const run of ['compiled', 'from the cache']) {
        const out = join(outDir, `out-${run.replace(/ /g, '-')}`);
        const job = spawnSync(process.execPath, [join(outDir, 'acsrec.mjs'), 'process', join(repo, 'fixtures/three-chunks-with-pause'), '--out', out, '--json'], { encoding: 'utf8' });
        expect(job.status, `${run}: ${job.stderr}`).toBe(0);
        expect(JSON.parse(job.stdout).chunks).toHaveLength(3);
        expect(readdirSync(join(out, 'thumbnails')).filter((f) => f.endsWith('.jpg')).length).toBeGreaterThan(1);
        expect(readdirSync(outDir).filter((f) => f.endsWith('.v8cache'))).toHaveLength(1);
      }
      // a build keeps the cache of the script it writes and drops the caches of other content
      const [cache] = readdirSync(outDir).filter((f) => f.endsWith('.v8cache'));
      writeFileSync(join(outDir, 'acsrec.cjs.0123456789abcdef.process.v8cache'), 'stale');
      const rebuild = build();
      expect(rebuild.status, rebuild.stderr).toBe(0);
      expect(readdirSync(outDir).filter((f) => f.endsWith('.v8cache'))).toEqual([cache]);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
