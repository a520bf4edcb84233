/** `acsrec report <out-dir>` and the writeReport stage, on real files. */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema, type Manifest } from '../src/schemas/manifest.ts';
import { writeReport } from '../src/stages/report.ts';
import { makeHandMadeOutput } from './helpers/hand-made-output.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function acsrec(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'acsrec.js'), ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let work: string;
let good: string;
let manifest: Manifest;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'acsrec-report-'));
  good = join(work, 'good');
  manifest = await makeHandMadeOutput(good);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('acsrec report', () => {
  it('rebuilds report.html from manifest.json and prints its path', async () => {
    const result = await acsrec('report', good);
    expect(result).toMatchObject({ code: 0, stdout: `${join(good, 'report.html')}\n` });
    const page = await readFile(join(good, 'report.html'), 'utf8');
    expect(page).toContain(manifest.chunks[0]!.documentId);
    expect(page).toContain('sprite.jpg#xywh=');
  });

  it.each([
    { name: 'no directory', setup: async () => [], code: 2, message: /expected one output directory/ },
    { name: 'an unknown option', setup: async (dir: string) => [dir, '--fast'], code: 2, message: /report: Unknown option '--fast'/ },
    { name: 'a directory that does not exist', setup: async (dir: string) => [join(dir, 'absent')], code: 3, message: /absent: not a directory/ },
    { name: 'no manifest.json', setup: async (dir: string) => (await mkdir(dir, { recursive: true }), [dir]), code: 3, message: /manifest\.json: missing/ },
    {
      name: 'manifest.json that is not JSON',
      setup: async (dir: string) => (await mkdir(dir, { recursive: true }), await writeFile(join(dir, 'manifest.json'), '{"schemaVersion":'), [dir]),
      code: 3,
      message: /manifest\.json: not valid JSON/,
    },
    {
      name: 'manifest.json with a bad field',
      setup: async (dir: string) => {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, chunks: [{ ...manifest.chunks[0], mediaOffsetMs: -1 }] }));
        return [dir];
      },
      code: 3,
      message: /manifest\.json: chunks\[0\]\.mediaOffsetMs: /,
    },
  ])('$name: exit $code with one line', async ({ name, setup, code, message }) => {
    const dir = join(work, name.replace(/\W+/g, '-'));
    const result = await acsrec('report', ...(await setup(dir)));
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n').filter((l) => l.startsWith('acsrec:'))).toHaveLength(1);
    expect(await readdir(dir).catch(() => [])).not.toContain('report.html');
  });
});

describe('writeReport', () => {
  it('replaces an existing report.html and leaves no temporary file', async () => {
    const dir = join(work, 'replace');
    await cp(good, dir, { recursive: true });
    await writeFile(join(dir, 'report.html'), 'old');
    const changed = manifestSchema.parse({ ...manifest, callId: 'call-after-rerun' });
    const { file, sizeBytes } = await writeReport({ outDir: dir, manifest: changed });
    const page = await readFile(file, 'utf8');
    expect(page).toContain('call-after-rerun');
    expect(Buffer.byteLength(page)).toBe(sizeBytes);
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'recording.mp4', 'report.html', 'thumbnails']);
  });

  it('writes a report without previews when there is no thumbnails.vtt', async () => {
    const dir = join(work, 'no-vtt');
    await mkdir(dir);
    await writeReport({ outDir: dir, manifest });
    const data = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(await readFile(join(dir, 'report.html'), 'utf8'));
    expect(JSON.parse(data![1]!).thumbnailsVtt).toBeNull();
  });

  it('fails on a missing directory and on an aborted signal without leaving files', async () => {
    await expect(writeReport({ outDir: join(work, 'nowhere'), manifest })).rejects.toThrow(/ENOENT/);
    const dir = join(work, 'aborted');
    await mkdir(dir);
    await expect(writeReport({ outDir: dir, manifest }, { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });
});
