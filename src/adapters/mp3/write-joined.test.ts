import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortedError, InvalidInputError } from '../../errors.ts';
import { planMp3Join } from '../../timeline/mp3-join-plan.ts';
import { frameBytes, type HeaderFields } from './hand-built-frames.ts';
import { probeMp3 } from './probe.ts';
import { writeJoinedMp3 } from './write-joined.ts';

const dir = mkdtempSync(join(tmpdir(), 'mp3-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mono16k: HeaderFields = { version: '2', bitrateIndex: 4, rateIndex: 2, mono: true };
/** 144-byte frames whose payload bytes say which chunk and frame they are. */
function chunkBytes(chunk: number, frames: number): Buffer {
  return Buffer.concat(Array.from({ length: frames }, (_, j) => {
    const frame = frameBytes(mono16k, 144, 0);
    frame.fill(16 * chunk + (j % 16), 13);
    return frame;
  }));
}

describe('writeJoinedMp3', () => {
  it('copies the planned frames, skips junk the probe resynced over, and writes one tag frame first', async () => {
    const a = join(dir, 'a.mp3');
    writeFileSync(a, Buffer.concat([chunkBytes(1, 5), Buffer.from('junk!'), chunkBytes(1, 5)]));
    const b = join(dir, 'b.mp3');
    writeFileSync(b, chunkBytes(2, 7));
    const chunks = [await probeMp3(a), await probeMp3(b)];
    expect(chunks.map((c) => c.frameCount)).toEqual([10, 7]);
    const plan = planMp3Join(chunks);
    const out = join(dir, 'ab.mp3');
    const result = await writeJoinedMp3({ plan, chunks, outFile: out });
    const bytes = readFileSync(out);
    const tagSize = bytes.length - 17 * 144;
    expect(bytes.toString('latin1', 13, 17)).toBe('Info');
    expect(Buffer.compare(bytes.subarray(tagSize), Buffer.concat([chunkBytes(1, 5), chunkBytes(1, 5), chunkBytes(2, 7)]))).toBe(0);
    expect(result).toEqual({
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sources: [a, b].map((file) => ({ sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), sizeBytes: readFileSync(file).length })),
    });
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('stops on abort and leaves nothing behind', async () => {
    const a = join(dir, 'c.mp3');
    writeFileSync(a, chunkBytes(3, 20));
    const chunks = [await probeMp3(a)];
    const out = join(dir, 'aborted.mp3');
    const controller = new AbortController();
    controller.abort();
    await expect(writeJoinedMp3({ plan: planMp3Join(chunks), chunks, outFile: out, signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    expect(readdirSync(dir).filter((name) => name.startsWith('aborted') || name.startsWith('.aborted'))).toEqual([]);
  });

  it('refuses a chunk that changed since it was probed, naming it', async () => {
    const a = join(dir, 'd.mp3');
    writeFileSync(a, chunkBytes(4, 20));
    const chunks = [await probeMp3(a)];
    appendFileSync(a, chunkBytes(4, 1));
    const out = join(dir, 'changed.mp3');
    const error = await writeJoinedMp3({ plan: planMp3Join(chunks), chunks, outFile: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).toLine()).toMatch(/d\.mp3: changed since it was probed/);
    expect(readdirSync(dir).filter((name) => name.includes('changed'))).toEqual([]);
  });
});
