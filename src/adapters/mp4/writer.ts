import { open, stat, type FileHandle } from 'node:fs/promises';
import { AbortedError, InvalidInputError } from '../../errors.ts';
import type { MdatPiece, Mp4WriteJob, Mp4WriteResult } from '../../types/mp4.ts';
import { inlineHasher, workerHashers, type BlockHasher } from './block-hasher.ts';
import { layoutMp4 } from './layout.ts';

export interface WriteMp4Options {
  /** Stops the copy: the file is closed as far as it got and the promise rejects with AbortedError. */
  signal?: AbortSignal;
  onProgress?: (bytesWritten: number, totalBytes: number) => void;
  /** Bytes read per block (default 2 MiB: blocks that stay in the CPU caches between the read, the two hashes and the write; see docs/mp4-writer.md). */
  blockBytes?: number;
  /** Blocks in flight: one being read while others are written and hashed (default 8; 4 stalled on a busy machine). */
  blocks?: number;
  /** Hash (input and output) in a worker thread beside the I/O; by default when more than 32 MiB move. */
  hashInWorkers?: boolean;
}

const DEFAULT_BLOCK_BYTES = 2 << 20;
const DEFAULT_BLOCKS = 8;
const WORKERS_FROM_BYTES = 32 << 20;

interface Slot {
  buffer: Buffer;
  /** Whatever still uses the block's bytes: its input hash, its write, its output hash. */
  busy: Promise<unknown>[];
}

async function readFully(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

async function writevFully(handle: FileHandle, buffers: Uint8Array[], position: number): Promise<void> {
  let rest = buffers;
  let at = position;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest, at);
    at += bytesWritten;
    let skip = bytesWritten;
    const left: Uint8Array[] = [];
    for (const buffer of rest) {
      if (skip >= buffer.length) skip -= buffer.length;
      else {
        left.push(skip > 0 ? buffer.subarray(skip) : buffer);
        skip = 0;
      }
    }
    if (bytesWritten === 0 && left.length > 0) throw new Error(`writing at byte ${at}: nothing was written`);
    rest = left;
  }
}

/** Checks every file piece against its source's size before a byte is written. */
async function sourceSizes(job: Mp4WriteJob): Promise<number[]> {
  const sizes = await Promise.all(
    job.sources.map(async (file) => {
      try {
        return (await stat(file)).size;
      } catch (error) {
        throw new InvalidInputError(`cannot read the source: ${(error as Error).message}`, { file, cause: error });
      }
    }),
  );
  job.pieces.forEach((piece, i) => {
    if (piece.kind === 'file' && piece.end > sizes[piece.source]) {
      const file = job.sources[piece.source];
      throw new InvalidInputError(`piece ${i} needs bytes up to ${piece.end}, but the file has ${sizes[piece.source]}`, { file, field: `pieces[${i}]` });
    }
  });
  return sizes;
}

/**
 * Writes `job` as one fast-start MP4: ftyp, the moov (sized first), one mdat whose payload is
 * the pieces in order. Each source is read once, whole, in large blocks, hashed as it passes;
 * the bytes of its pieces go to the output as they pass, and the output is hashed as it is written.
 */
export async function writeMp4(job: Mp4WriteJob, options: WriteMp4Options = {}): Promise<Mp4WriteResult> {
  const { signal, onProgress } = options;
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  const blockCount = options.blocks ?? DEFAULT_BLOCKS;
  if (!Number.isInteger(blockBytes) || blockBytes < 4096) throw new TypeError(`blockBytes ${blockBytes}: expected an integer >= 4096`);
  if (!Number.isInteger(blockCount) || blockCount < 2) throw new TypeError(`blocks ${blockCount}: expected an integer >= 2`);
  const layout = layoutMp4(job);
  const sizes = await sourceSizes(job);
  const checkAbort = () => {
    if (signal?.aborted) throw new AbortedError(`writing ${job.outFile}: aborted`, { file: job.outFile, cause: signal.reason });
  };
  checkAbort();

  const moved = layout.totalSize + sizes.reduce((sum, size) => sum + size, 0);
  const inWorkers = options.hashInWorkers ?? moved > WORKERS_FROM_BYTES;
  const slots: Slot[] = Array.from({ length: blockCount }, () => ({
    buffer: inWorkers ? Buffer.from(new SharedArrayBuffer(blockBytes)) : Buffer.allocUnsafeSlow(blockBytes),
    busy: [],
  }));

  let failure: unknown = null;
  /** Every promise is settled somewhere: the first failure stops the copy and is what rejects. */
  const watch = <T>(promise: Promise<T>): Promise<T | void> =>
    promise.catch((error: unknown) => {
      failure ??= error;
    });
  const out = await open(job.outFile, 'w');
  const shared = inWorkers ? workerHashers(2) : null;
  const [inputHash, outputHash]: BlockHasher[] = shared?.hashers ?? [inlineHasher(), inlineHasher()];
  const handles: FileHandle[] = [];
  let writeChain: Promise<unknown> = Promise.resolve();
  let outputAt = 0;
  let written = 0;
  const emit = (buffers: Uint8Array[], slot: Slot | null) => {
    const length = buffers.reduce((sum, b) => sum + b.length, 0);
    const position = outputAt;
    outputAt += length;
    const write = (writeChain = writeChain.then(async () => {
      if (failure !== null) return;
      await watch(
        writevFully(out, buffers, position).then(() => {
          written += length;
          onProgress?.(written, layout.totalSize);
        }),
      );
    }));
    const hashed = buffers.map((buffer) => watch(outputHash.update(buffer)));
    slot?.busy.push(write, ...hashed);
  };

  const sourceDigests: Promise<string | void>[] = [];
  try {
    emit([layout.head], null);
    let next = 0;
    /** Emits the pieces (or parts of pieces) that lie in source bytes [from, to) and the bytes pieces between them. */
    const takePieces = (source: number, from: number, to: number, block: Buffer | null, slot: Slot | null) => {
      const segments: Uint8Array[] = [];
      while (next < job.pieces.length) {
        const piece: MdatPiece = job.pieces[next];
        if (piece.kind === 'bytes') {
          segments.push(piece.bytes);
          next++;
          continue;
        }
        if (piece.source !== source || (piece.start >= to && piece.end > piece.start)) break;
        const start = Math.max(piece.start, from);
        const end = Math.min(piece.end, to);
        if (end > start && block) segments.push(block.subarray(start - from, end - from));
        if (piece.end > to) break;
        next++;
      }
      if (segments.length > 0) emit(segments, slot);
    };
    takePieces(-1, 0, 0, null, null);
    const unvisited = job.sources.map((_, i) => i).filter((i) => !layout.sourceOrder.includes(i));
    let slotIndex = 0;
    for (const source of [...layout.sourceOrder, ...unvisited]) {
      const file = job.sources[source];
      const size = sizes[source];
      const handle = await open(file, 'r').catch((error: unknown) => {
        throw new InvalidInputError(`cannot read the source: ${(error as Error).message}`, { file, cause: error });
      });
      handles.push(handle);
      for (let position = 0; position < size; ) {
        checkAbort();
        if (failure !== null) throw failure;
        const slot = slots[slotIndex++ % slots.length];
        await Promise.all(slot.busy);
        slot.busy = [];
        const length = await readFully(handle, slot.buffer, Math.min(blockBytes, size - position), position);
        if (length === 0) throw new InvalidInputError(`the file ended at byte ${position} while being read; it had ${size} bytes`, { file });
        const block = slot.buffer.subarray(0, length);
        slot.busy.push(watch(inputHash.update(block)));
        takePieces(source, position, position + length, block, slot);
        position += length;
      }
      takePieces(source, size, size, null, null);
      sourceDigests[source] = watch(inputHash.digest());
      handles.pop();
      await handle.close();
    }
    if (next !== job.pieces.length) throw new Error(`writing ${job.outFile}: piece ${next} was never reached`);
    await writeChain;
    const sha256 = await watch(outputHash.digest());
    const digests = await Promise.all(sourceDigests);
    checkAbort();
    if (failure !== null) throw failure;
    if (written !== layout.totalSize) throw new Error(`writing ${job.outFile}: wrote ${written} bytes of ${layout.totalSize}`);
    return {
      sizeBytes: written,
      sha256: sha256 as string,
      sources: job.sources.map((_, i) => ({ sha256: digests[i] as string, sizeBytes: sizes[i] })),
    };
  } finally {
    await writeChain;
    await Promise.all(slots.flatMap((slot) => slot.busy));
    await Promise.all([...handles.map((h) => h.close()), out.close(), inputHash.close(), outputHash.close(), shared?.close()]);
  }
}
