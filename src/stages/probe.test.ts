import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { DEFAULT_PROCESS_OPTIONS } from '../types/pipeline.ts';
import { discoverChunks } from './discover.ts';
import { orderChunks } from './order.ts';
import { probeChunks } from './probe.ts';

const SAMPLE = new URL('../../fixtures/three-chunks-with-pause/', import.meta.url).pathname;
const expectations = { expectVideo: DEFAULT_PROCESS_OPTIONS.expectVideo, expectAudio: DEFAULT_PROCESS_OPTIONS.expectAudio };
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function orderedChunks(dir: string) {
  return orderChunks((await discoverChunks({ inputDir: dir })).chunks, { allowGaps: false }).ordered;
}

describe('probeChunks', () => {
  it('hands each chunk over in index order as soon as it is probed, with a turn of the event loop before the next', async () => {
    const chunks = await orderedChunks(SAMPLE);
    const events: string[] = [];
    const result = await probeChunks(chunks, {
      ...expectations,
      onProbed: (chunk) => {
        const index = chunk.metadata.chunkIndex;
        events.push(`probed ${index}`);
        // what waits for the event loop (the thumbnails' writes to ffmpeg) runs before the next chunk
        setImmediate(() => events.push(`loop ${index}`));
      },
    });
    const indexes = chunks.map((c) => c.metadata.chunkIndex);
    expect(indexes).toHaveLength(3);
    expect(events).toEqual(indexes.flatMap((i) => [`probed ${i}`, `loop ${i}`]));
    expect(result.chunks.map((c) => c.metadata.chunkIndex)).toEqual(indexes);
    expect(result.chunks.every((c) => c.probe.video !== null && c.probe.audio !== null)).toBe(true);
  });

  it('stops at the first chunk that cannot be read, naming it, and hands over none after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acsrec-probe-'));
    dirs.push(dir);
    for (const name of readdirSync(SAMPLE)) copyFileSync(join(SAMPLE, name), join(dir, name));
    const chunks = await orderedChunks(dir);
    writeFileSync(chunks[1].mediaFile, 'not an mp4 at all');
    const handed: number[] = [];
    const error = await probeChunks(chunks, { ...expectations, onProbed: (chunk) => handed.push(chunk.metadata.chunkIndex) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).file).toBe(chunks[1].mediaFile);
    expect(handed).toEqual([chunks[0].metadata.chunkIndex]);
  });

  it('refuses an aborted run before probing', async () => {
    const chunks = await orderedChunks(SAMPLE);
    const handed: number[] = [];
    const error = await probeChunks(chunks, { ...expectations, signal: AbortSignal.abort(), onProbed: (chunk) => handed.push(chunk.metadata.chunkIndex) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(handed).toEqual([]);
  });
});
