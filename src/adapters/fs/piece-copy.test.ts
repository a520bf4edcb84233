import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortedError, InvalidInputError } from '../../errors.ts';
import { spawnSync } from 'node:child_process';
import { copyPieces, startCopyThreads, type CopyPiece, type PieceCopyJob } from './piece-copy.ts';

const dir = mkdtempSync(join(tmpdir(), 'piece-copy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const openFds = () => readdirSync('/proc/self/fd').length;

const files = [300_000, 5_000, 1_000_000].map((size, i) => {
  const file = join(dir, `source-${i}.bin`);
  writeFileSync(file, randomBytes(size));
  return file;
});
const contents = files.map((f) => readFileSync(f));

function jobOf(pieces: CopyPiece[], outName: string, order = [0, 1, 2]): { job: PieceCopyJob; expected: Buffer } {
  const head = Buffer.from('HEAD-bytes-first');
  const parts = pieces.map((p) => (p.kind === 'bytes' ? Buffer.from(p.bytes) : contents[p.source].subarray(p.start, p.end)));
  const expected = Buffer.concat([head, ...parts]);
  const sources = order.map((index) => ({ index, file: files[index], size: contents[index].length }));
  return { job: { outFile: join(dir, outName), head, pieces, sources, totalSize: expected.length }, expected };
}

const mixed: CopyPiece[] = [
  { kind: 'bytes', bytes: Buffer.from('before any source') },
  { kind: 'file', source: 0, start: 10, end: 200_000 },
  { kind: 'file', source: 0, start: 200_000, end: 200_000 },
  { kind: 'file', source: 0, start: 250_001, end: 300_000 },
  { kind: 'bytes', bytes: Buffer.from('between sources') },
  { kind: 'file', source: 2, start: 0, end: 999_999 },
  { kind: 'bytes', bytes: Buffer.from('after the last source') },
];

describe('copyPieces', () => {
  it('writes the head and the pieces in order, with the SHA-256 of the output and of every source read', async () => {
    const { job, expected } = jobOf(mixed, 'mixed.out');
    const progress: number[] = [];
    const result = await copyPieces(job, { onProgress: (written, total) => progress.push(written / total) });
    const written = readFileSync(job.outFile);
    expect(written.equals(expected)).toBe(true);
    expect(result.written).toBe(expected.length);
    expect(result.sha256).toBe(sha256(expected));
    // source 1 has no piece: it is still read once and hashed
    expect(result.sourceSha256).toEqual(contents.map(sha256));
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p > progress[i - 1])).toBe(true);
  });

  it('gives the same bytes with tiny blocks and a ring of two', async () => {
    const { job, expected } = jobOf(mixed, 'tiny-blocks.out');
    const result = await copyPieces(job, { blockBytes: 4096, blocks: 2 });
    expect(readFileSync(job.outFile).equals(expected)).toBe(true);
    expect(result.sourceSha256).toEqual(contents.map(sha256));
  });

  it('gives the same bytes and hashes whether the reading thread writes blocks itself or leaves them all to the writer', async () => {
    const { job, expected } = jobOf(mixed, 'reader-writes.out');
    const blocks = { blockBytes: 4096, blocks: 4 };
    // at 0 the reader writes every block it reads once the writer has created the file
    const byReader = await copyPieces(job, { ...blocks, readerWritesAt: 0 });
    expect(readFileSync(job.outFile).equals(expected)).toBe(true);
    expect(byReader.sha256).toBe(sha256(expected));
    expect(byReader.sourceSha256).toEqual(contents.map(sha256));
    expect(byReader.blocksWrittenByReader).toBeGreaterThan(0);

    const byWriter = await copyPieces(job, { ...blocks, readerWritesAt: Infinity });
    expect(readFileSync(job.outFile).equals(expected)).toBe(true);
    expect(byWriter.sha256).toBe(byReader.sha256);
    expect(byWriter.blocksWrittenByReader).toBe(0);
    await expect(copyPieces(job, { readerWritesAt: -1 })).rejects.toThrow(/readerWritesAt -1: expected a number >= 0/);
  });

  it('fails without hanging when writing fails in either thread, and closes its files', async () => {
    const fds = openFds();
    // /dev/full opens and seeks, and every write to it fails with ENOSPC
    const { job } = jobOf(mixed, 'unused.out');
    const full = { ...job, outFile: '/dev/full', head: Buffer.alloc(0), pieces: mixed.filter((p) => p.kind === 'file') };
    await expect(copyPieces(full, { blockBytes: 4096, blocks: 4, readerWritesAt: 0 })).rejects.toThrow(/writing \/dev\/full: .*ENOSPC/);
    expect(openFds()).toBe(fds);
  });

  it('moves a head that owns its memory to the writing thread instead of copying it, and leaves a pooled small head alone', async () => {
    const { job: pooled, expected: pooledExpected } = jobOf(mixed, 'pooled-head.out');
    await copyPieces(pooled);
    expect(readFileSync(pooled.outFile).equals(pooledExpected)).toBe(true);
    expect(Buffer.from(pooled.head).toString()).toBe('HEAD-bytes-first');

    const moov = Buffer.alloc(64 << 10, 'moov');
    const expected = Buffer.concat([moov, contents[0]]);
    const job: PieceCopyJob = { outFile: join(dir, 'moved-head.out'), head: moov, pieces: [{ kind: 'file', source: 0, start: 0, end: contents[0].length }], sources: [{ index: 0, file: files[0], size: contents[0].length }], totalSize: expected.length };
    const result = await copyPieces(job);
    expect(readFileSync(job.outFile).equals(expected)).toBe(true);
    expect(result.sha256).toBe(sha256(expected));
    // transferred: the caller's view of it is detached
    expect(moov.byteLength).toBe(0);
  });

  it('copies with an empty head, an empty source and empty pieces', async () => {
    const empty = join(dir, 'empty.bin');
    writeFileSync(empty, '');
    const job: PieceCopyJob = {
      outFile: join(dir, 'empties.out'),
      head: Buffer.alloc(0),
      pieces: [{ kind: 'file', source: 0, start: 0, end: 0 }, { kind: 'bytes', bytes: Buffer.alloc(0) }, { kind: 'file', source: 1, start: 0, end: 5_000 }],
      sources: [{ index: 0, file: empty, size: 0 }, { index: 1, file: files[1], size: contents[1].length }],
      totalSize: 5_000,
    };
    const result = await copyPieces(job);
    expect(readFileSync(job.outFile).equals(contents[1])).toBe(true);
    expect(result.sourceSha256).toEqual([sha256(Buffer.alloc(0)), sha256(contents[1])]);
  });

  it('refuses a source that is shorter than its size said, naming the file, and leaves no file open', async () => {
    const fds = openFds();
    const { job } = jobOf(mixed, 'short.out');
    job.sources[2] = { ...job.sources[2], size: contents[2].length + 10 };
    const error = await copyPieces(job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ file: files[2], message: expect.stringMatching(/ended at byte 1000000 while being read; it had 1000010 bytes/) });
    expect(openFds()).toBe(fds);
  });

  it('refuses a missing source as invalid input', async () => {
    const { job } = jobOf(mixed, 'missing.out');
    job.sources[1] = { ...job.sources[1], file: join(dir, 'no-such-file') };
    await expect(copyPieces(job)).rejects.toMatchObject({ name: 'InvalidInputError', message: expect.stringMatching(/cannot read the source: ENOENT/) });
  });

  it('fails without hanging when the output cannot be written, and the reading thread stops too', async () => {
    const fds = openFds();
    const { job } = jobOf(mixed, join('no-such-dir', 'out.bin'));
    await expect(copyPieces(job, { blockBytes: 4096, blocks: 2 })).rejects.toThrow(/ENOENT/);
    expect(openFds()).toBe(fds);
  });

  it('names a piece that is never reached (its source was read before the pieces asked for it)', async () => {
    const { job } = jobOf(mixed, 'order.out', [2, 1, 0]);
    await expect(copyPieces(job)).rejects.toThrow(/piece 5 was never reached/);
  });

  it('gives the memory of the head back once it is written, not after the copy', async () => {
    const residentMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
    const before = residentMb();
    // a 96 MiB head (a long recording's moov is 5 MB) of touched pages, then a 256 MiB sparse source
    const head = Buffer.alloc(96 << 20, 1);
    const large = join(dir, 'after-head-sparse.bin');
    writeFileSync(large, '');
    truncateSync(large, 256 << 20);
    const expectedHash = createHash('sha256').update(head);
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < 256; i++) expectedHash.update(zeros);
    const expected = expectedHash.digest('hex');
    const job: PieceCopyJob = { outFile: join(dir, 'after-head.out'), head, pieces: [{ kind: 'file', source: 0, start: 0, end: 256 << 20 }], sources: [{ index: 0, file: large, size: 256 << 20 }], totalSize: (96 + 256) << 20 };
    let duringCopy = 0;
    const result = await copyPieces(job, { onProgress: (written) => written > (160 << 20) && duringCopy === 0 && (duringCopy = residentMb()) });
    expect(result.sha256).toBe(expected);
    expect(duringCopy).toBeGreaterThan(0);
    // the two threads and the ring take about 30 MB; the head kept would add its 96
    expect(duringCopy - before).toBeLessThan(64);
  });

  it('stops at the next block when aborted, rejects with AbortedError and closes its files', async () => {
    const fds = openFds();
    await expect(copyPieces(jobOf(mixed, 'pre-aborted.out').job, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    // a sparse 256 MiB source: far more than the threads copy before the abort reaches them
    const large = join(dir, 'large-sparse.bin');
    writeFileSync(large, '');
    truncateSync(large, 256 << 20);
    const controller = new AbortController();
    const job: PieceCopyJob = { outFile: join(dir, 'aborted.out'), head: Buffer.alloc(0), pieces: [{ kind: 'file', source: 0, start: 0, end: 256 << 20 }], sources: [{ index: 0, file: large, size: 256 << 20 }], totalSize: 256 << 20 };
    const copy = copyPieces(job, { signal: controller.signal, onProgress: (written) => written > 1 << 20 && controller.abort() });
    await expect(copy).rejects.toBeInstanceOf(AbortedError);
    expect(statSync(job.outFile).size).toBeLessThan(128 << 20);
    expect(openFds()).toBe(fds);
  });

  describe('with threads started before the job', () => {
    it('copies as threads of its own do, and serves one copy only', async () => {
      const threads = startCopyThreads();
      // booted and waiting, as they are when the plan is done
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { job, expected } = jobOf(mixed, 'early-threads.out');
      const result = await copyPieces(job, { threads });
      expect(readFileSync(job.outFile).equals(expected)).toBe(true);
      expect(result.sha256).toBe(sha256(expected));
      expect(result.sourceSha256).toEqual(contents.map(sha256));
      // both threads end by themselves after their copy
      await expect(Promise.all([threads.read.exit, threads.write.exit])).resolves.toEqual([0, 0]);
      await expect(copyPieces(jobOf(mixed, 'again.out').job, { threads })).rejects.toThrow(/served a copy already/);
      await threads.close();
    });

    it('fails without hanging when a thread died before its job came', async () => {
      const fds = openFds();
      const threads = startCopyThreads();
      await threads.read.worker.terminate();
      await expect(copyPieces(jobOf(mixed, 'dead-reader.out').job, { threads })).rejects.toThrow(/the read thread exited with \d+/);
      expect(openFds()).toBe(fds);
    });

    it('ends unused threads on close, and idle ones do not keep the process alive', async () => {
      const threads = startCopyThreads();
      await threads.close();
      // terminated: both have exited (the code depends on how far each had booted)
      const codes = await Promise.all([threads.read.exit, threads.write.exit]);
      expect(codes.every((code) => Number.isInteger(code))).toBe(true);
      await threads.close();

      // a process that starts them and never copies exits at once (with tsx: this module is TypeScript)
      const script = `import { startCopyThreads } from ${JSON.stringify(new URL('./piece-copy.ts', import.meta.url).pathname)}; startCopyThreads(); console.log('started');`;
      const started = performance.now();
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
      expect(child.stdout.trim()).toBe('started');
      expect(child.status).toBe(0);
      expect(performance.now() - started).toBeLessThan(15_000);
    });
  });
});
