import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GoldenCase } from '../fixtures/make-fixtures.ts';
import { errorLines, REPO_ROOT, runCli } from './helpers/cli.ts';
import { audioSummary } from './helpers/audio-summary.ts';
import { trackSummary } from './helpers/track-summary.ts';

const CASES_DIR = join(REPO_ROOT, 'fixtures', 'cases');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const cases = readdirSync(CASES_DIR).sort();
const scratch = await mkdtemp(join(tmpdir(), 'acsrec-golden-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Fields that depend on the ffmpeg build rather than on the pipeline. */
function normalise(manifest: Record<string, any>): unknown {
  return { ...manifest, output: { ...manifest.output, sizeBytes: '<size>', sha256: '<sha256>' } };
}

async function compareOrUpdate(file: string, actual: unknown): Promise<void> {
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (UPDATE) {
    await writeFile(file, text);
    return;
  }
  const expected = await readFile(file, 'utf8').catch(() => {
    throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npm test and review the diff`);
  });
  expect(JSON.parse(text)).toEqual(JSON.parse(expected));
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe.each(cases)('golden case %s', (name) => {
  const caseDir = join(CASES_DIR, name);
  const spec = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8')) as GoldenCase;

  it(spec.exitCode === 0 ? 'produces the expected manifest and tracks, twice the same' : `fails with exit ${spec.exitCode} and its message`, async () => {
    const outputs: string[] = [];
    for (const run of [1, 2]) {
      const out = join(scratch, `${name}-${run}`);
      const result = await runCli(['process', join(caseDir, spec.input), '--out', out, ...spec.args]);
      expect(result.code, result.stderr).toBe(spec.exitCode);
      if (spec.exitCode !== 0) {
        const lines = errorLines(result.stderr);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(spec.stderr);
        expect(await exists(join(out, 'manifest.json'))).toBe(false);
        for (const recording of ['recording.mp4', 'recording.mp3', 'recording.wav', 'waveform.png']) expect(await exists(join(out, recording))).toBe(false);
        continue;
      }
      outputs.push(out);
    }
    if (spec.exitCode !== 0) return;
    const [first, second] = outputs;
    const manifest = JSON.parse(await readFile(join(first, 'manifest.json'), 'utf8'));
    const recording: string = manifest.output.file;
    const sameBytes = [recording, ...(manifest.waveform ? [manifest.waveform] : []), ...(manifest.channels ?? []).map((c: { file: string }) => c.file)];
    for (const file of sameBytes) expect(await readFile(join(second, file)), file).toEqual(await readFile(join(first, file)));
    expect(JSON.parse(await readFile(join(second, 'manifest.json'), 'utf8'))).toEqual(manifest);
    for (const thumbnail of manifest.thumbnails) expect(await exists(join(first, thumbnail.file))).toBe(true);
    await compareOrUpdate(join(caseDir, 'manifest.json'), normalise(manifest));
    if (recording === 'recording.mp4') await compareOrUpdate(join(caseDir, 'tracks.json'), await trackSummary(join(first, recording)));
    else await compareOrUpdate(join(caseDir, 'summary.json'), await audioSummary(first, recording));
  }, 120_000);
});
