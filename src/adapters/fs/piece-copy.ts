import type { Worker } from 'node:worker_threads';
import { AbortedError, InvalidInputError } from '../../errors.ts';
import { PIECE_COPY_WORKER_SOURCE } from './piece-copy-worker.ts';
import { startWorker } from '../v8/young-generation.ts';

/** Bytes of the output: a range of a source file, or bytes given here. */
export type CopyPiece = { kind: 'file'; source: number; start: number; end: number } | { kind: 'bytes'; bytes: Uint8Array };

export interface PieceCopyJob {
  outFile: string;
  /** Written first, before the pieces. When it is the whole of its ArrayBuffer, that moves to the writing thread (a moov of megabytes is not copied) and the caller no longer has it. */
  head: Uint8Array;
  pieces: CopyPiece[];
  /** Every source with its size, in the order they are read: each once, whole, also one no piece names. */
  sources: { index: number; file: string; size: number }[];
  totalSize: number;
}

export interface PieceCopyOptions {
  signal?: AbortSignal;
  onProgress?: (bytesWritten: number, totalBytes: number) => void;
  /** Bytes per block (default 1 MiB: against 256 KiB, a quarter of the hand-overs between the threads, and the copy of an hour 30-40 ms faster). */
  blockBytes?: number;
  /** Blocks in the ring between the reading and the writing thread (default 8). */
  blocks?: number;
  /** Blocks waiting for the writing thread at which the reading thread writes the next one itself (default half the ring; 0: every block, Infinity: none). */
  readerWritesAt?: number;
  /** Threads started earlier (`startCopyThreads`); else the copy starts its own. */
  threads?: CopyThreads;
}

export interface PieceCopyResult {
  written: number;
  sha256: string;
  /** By source index. */
  sourceSha256: string[];
  /** Blocks whose pieces the reading thread wrote, the writer being behind. */
  blocksWrittenByReader: number;
}

const DEFAULT_BLOCK_BYTES = 1 << 20;
const DEFAULT_BLOCKS = 8;
/** A progress message at most every 1/200 of the output: a handful of wake-ups per second on the main thread. */
const PROGRESS_STEPS = 200;

interface WorkerReport {
  type: 'source' | 'progress' | 'done' | 'stopped' | 'error';
  index?: number;
  sha256?: string;
  written?: number;
  blocksWritten?: number;
  message?: string;
  file?: string;
  invalidInput?: boolean;
}

type ThreadState = { worker: Worker; exit: Promise<number>; error: Error | null };

/**
 * The reading and the writing thread of one copy, booted before its job is known: a worker takes
 * 60-150 ms to boot on a busy 2-core machine, which a copy started cold waits for. Idle, they do
 * not keep the process alive; `close` ends them when no copy came.
 */
export interface CopyThreads {
  read: ThreadState;
  write: ThreadState;
  /** Set once a copy has taken them: they serve one. */
  taken: boolean;
  close(): Promise<void>;
}

function startThread(): ThreadState {
  const worker = startWorker(PIECE_COPY_WORKER_SOURCE);
  worker.unref();
  const state: ThreadState = { worker, exit: new Promise((resolve) => worker.once('exit', resolve)), error: null };
  worker.on('error', (error) => (state.error ??= error));
  return state;
}

export function startCopyThreads(): CopyThreads {
  const threads: CopyThreads = {
    read: startThread(),
    write: startThread(),
    taken: false,
    async close() {
      if (threads.taken) return;
      threads.taken = true;
      await Promise.all([threads.read.worker.terminate(), threads.write.worker.terminate()]);
    },
  };
  return threads;
}

/** The head's ArrayBuffer when it holds nothing else, to transfer: never the pool of small Buffers. */
function ownBuffer(head: Uint8Array): ArrayBuffer[] {
  const { buffer } = head;
  return buffer instanceof ArrayBuffer && head.byteOffset === 0 && head.byteLength === buffer.byteLength ? [buffer] : [];
}

/** Packs the pieces for the writer thread: one table of [source, start, end], bytes pieces (source -1) pointing into one buffer. */
function packPieces(pieces: CopyPiece[]): { pieceTable: Float64Array<ArrayBuffer>; pieceBytes: Uint8Array<ArrayBuffer> } {
  const pieceTable = new Float64Array(pieces.length * 3);
  let bytesLength = 0;
  for (const piece of pieces) if (piece.kind === 'bytes') bytesLength += piece.bytes.length;
  const pieceBytes = new Uint8Array(bytesLength);
  let at = 0;
  pieces.forEach((piece, i) => {
    if (piece.kind === 'file') pieceTable.set([piece.source, piece.start, piece.end], i * 3);
    else {
      pieceBytes.set(piece.bytes, at);
      pieceTable.set([-1, at, at + piece.bytes.length], i * 3);
      at += piece.bytes.length;
    }
  });
  return { pieceTable, pieceBytes };
}

/**
 * Writes `job.head` and then the pieces in order to `job.outFile`, reading each source once in
 * blocks: one thread reads and hashes the sources, another hashes and writes the output, so the
 * two SHA-256 streams and the two copies share the cores and nothing waits on the main thread.
 * The writer has the more work; while blocks wait for it, the reader writes some itself, never
 * while the writer is writing.
 * Memory is the ring (8 MiB by default) and the piece table, one copy a thread.
 */
export async function copyPieces(job: PieceCopyJob, options: PieceCopyOptions = {}): Promise<PieceCopyResult> {
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  const slots = options.blocks ?? DEFAULT_BLOCKS;
  if (!Number.isInteger(blockBytes) || blockBytes < 4096) throw new TypeError(`blockBytes ${blockBytes}: expected an integer >= 4096`);
  if (!Number.isInteger(slots) || slots < 2) throw new TypeError(`blocks ${slots}: expected an integer >= 2`);
  const readerWritesAt = options.readerWritesAt ?? slots >> 1;
  if (!(readerWritesAt >= 0)) throw new TypeError(`readerWritesAt ${readerWritesAt}: expected a number >= 0`);
  const { signal, onProgress } = options;
  const aborted = () => new AbortedError(`writing ${job.outFile}: aborted`, { file: job.outFile, cause: signal?.reason });
  if (signal?.aborted) throw aborted();

  const ring = new SharedArrayBuffer(blockBytes * slots);
  const ctlBuffer = new SharedArrayBuffer(7 * 4);
  const metaBuffer = new SharedArrayBuffer(slots * 4 * 8);
  const ctl = new Int32Array(ctlBuffer);
  const shared = { ring, ctlBuffer, metaBuffer, blockBytes, slots };
  const { pieceTable, pieceBytes } = packPieces(job.pieces);
  // the reader walks the pieces too, to write blocks where the writer would; the writer's are moved
  const reading = { sources: job.sources, outFile: job.outFile, headLength: job.head.length, pieceTable: pieceTable.slice(), pieceBytes: pieceBytes.slice(), readerWritesAt };
  const progressBytes = Math.max(blockBytes, Math.ceil(job.totalSize / PROGRESS_STEPS));
  const sourceSha256: string[] = [];

  const stop = (reason: 1 | 2) => {
    Atomics.compareExchange(ctl, 2, 0, reason);
    Atomics.notify(ctl, 0);
    Atomics.notify(ctl, 1);
  };
  const threads = options.threads ?? startCopyThreads();
  if (threads.taken) throw new TypeError('these copy threads have served a copy already');
  threads.taken = true;
  const run = async (role: 'read' | 'write', data: object, transfer: ArrayBuffer[] = []): Promise<WorkerReport> => {
    const { worker, exit } = threads[role];
    let final: WorkerReport | null = null;
    worker.on('message', (report: WorkerReport) => {
      if (report.type === 'source') sourceSha256[report.index!] = report.sha256!;
      else if (report.type === 'progress') onProgress?.(report.written!, job.totalSize);
      else final ??= report;
      if (report.type === 'error') stop(2);
    });
    worker.on('error', () => stop(2));
    worker.ref();
    worker.postMessage({ role, ...shared, ...data }, transfer);
    // a worker exits only after closing its files: it is never terminated from here
    const code = await exit;
    const error = threads[role].error;
    // set by the listener above (TypeScript cannot see it)
    const report = final as WorkerReport | null;
    // a thread that died before its job, or without a report, must not leave the other one waiting
    if (report === null || report.type === 'error') stop(2);
    return report ?? { type: 'error', message: error ? error.message : `the ${role} thread exited with ${code}` };
  };
  const onAbort = () => stop(1);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const [reader, writer] = await Promise.all([
      run('read', reading, [reading.pieceTable.buffer, reading.pieceBytes.buffer]),
      run('write', { outFile: job.outFile, head: job.head, pieceTable, pieceBytes, totalSize: job.totalSize, progressBytes }, [pieceTable.buffer, pieceBytes.buffer, ...ownBuffer(job.head)]),
    ]);
    const failure = [reader, writer].find((r) => r.type === 'error');
    if (failure) {
      if (failure.invalidInput) throw new InvalidInputError(failure.message!, { file: failure.file });
      throw new Error(`writing ${job.outFile}: ${failure.message}`);
    }
    if (signal?.aborted || reader.type !== 'done' || writer.type !== 'done') throw aborted();
    return { written: writer.written!, sha256: writer.sha256!, sourceSha256, blocksWrittenByReader: reader.blocksWritten! };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
