import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortedError, InvalidInputError } from '../../errors.ts';
import { joinJob } from './mp4box-jobs.ts';
import { writeMp4 } from './writer.ts';

const fixtures = new URL('../../../fixtures/three-chunks-with-pause/', import.meta.url).pathname;
const first = join(fixtures, 'zz-first.mp4');
const third = join(fixtures, 'm-third.mp4');
const dir = mkdtempSync(join(tmpdir(), 'mp4-writer-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('writeMp4 refuses and stops', () => {
  it('refuses a job that visits a source again, before writing anything', async () => {
    const { job } = joinJob([first, third], join(dir, 'back.mp4'));
    job.pieces.push({ kind: 'file', source: 0, start: 0, end: 8 });
    await expect(writeMp4(job)).rejects.toThrow(/pieces\[2\]: source 0 comes back after source 1/);
    expect(existsSync(job.outFile)).toBe(false);
  });

  it('refuses a piece past the end of its source, naming the file and the piece', async () => {
    const short = join(dir, 'short.mp4');
    writeFileSync(short, readFileSync(first).subarray(0, 5000));
    const { job } = joinJob([first], join(dir, 'short-out.mp4'));
    job.sources = [short];
    const error = await writeMp4(job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ file: short, field: 'pieces[0]' });
    expect(existsSync(job.outFile)).toBe(false);
  });

  it('rejects with AbortedError when aborted before it starts, and midway', async () => {
    const { job } = joinJob([first, third], join(dir, 'aborted.mp4'));
    await expect(writeMp4(job, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    const controller = new AbortController();
    const seen: [number, number][] = [];
    const midway = writeMp4(job, {
      signal: controller.signal,
      blockBytes: 4096,
      onProgress: (written, total) => {
        seen.push([written, total]);
        if (written > 8000) controller.abort();
      },
    });
    // the copy runs on in its threads until they see the abort: however far it got, the write fails
    await expect(midway).rejects.toBeInstanceOf(AbortedError);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every(([written, total]) => written <= total)).toBe(true);
  });

  it('reads and hashes a source that no piece names, and reports progress up to the total', async () => {
    const { job } = joinJob([first], join(dir, 'extra.mp4'));
    job.sources.push(third);
    let last: [number, number] = [0, 0];
    const result = await writeMp4(job, { blockBytes: 4096, onProgress: (written, total) => (last = [written, total]) });
    expect(result.sources.map((s) => s.sha256)).toEqual([first, third].map((f) => sha256(readFileSync(f))));
    expect(last).toEqual([result.sizeBytes, result.sizeBytes]);
  });
});
