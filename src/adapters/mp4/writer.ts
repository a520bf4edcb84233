import { statSync } from 'node:fs';
import { InvalidInputError } from '../../errors.ts';
import type { Mp4WriteJob, Mp4WriteResult } from '../../types/mp4.ts';
import { copyPieces, type PieceCopyJob, type PieceCopyOptions } from '../fs/piece-copy.ts';
import { layoutMp4 } from './layout.ts';
import { freeBuffersNow } from './table-arena.ts';

export type WriteMp4Options = PieceCopyOptions;

/**
 * Checks every file piece against its source's size before a byte is written. Synchronous on
 * purpose: a stat takes microseconds, and queued behind the thumbnails' reads in libuv's pool
 * it held back the copy by 50-90 ms.
 */
function sourceSizes(job: Mp4WriteJob): number[] {
  const sizes = job.sources.map((file) => {
    try {
      return statSync(file).size;
    } catch (error) {
      throw new InvalidInputError(`cannot read the source: ${(error as Error).message}`, { file, cause: error });
    }
  });
  job.pieces.forEach((piece, i) => {
    if (piece.kind === 'file' && piece.end > sizes[piece.source]) {
      const file = job.sources[piece.source];
      throw new InvalidInputError(`piece ${i} needs bytes up to ${piece.end}, but the file has ${sizes[piece.source]}`, { file, field: `pieces[${i}]` });
    }
  });
  return sizes;
}

/**
 * Lays `job` out as one fast-start MP4 and checks its sources: what `copyMp4` copies. The job's
 * sample tables are in the head now, so a caller that keeps only the plan lets them go before the
 * copy (8 MB for four hours).
 */
export function planMp4Copy(job: Mp4WriteJob): PieceCopyJob {
  const layout = layoutMp4(job);
  const sizes = sourceSizes(job);
  const unvisited = job.sources.map((_, i) => i).filter((i) => !layout.sourceOrder.includes(i));
  return {
    outFile: job.outFile,
    head: layout.head,
    pieces: job.pieces,
    sources: [...layout.sourceOrder, ...unvisited].map((index) => ({ index, file: job.sources[index], size: sizes[index] })),
    totalSize: layout.totalSize,
  };
}

/**
 * Gives the memory of a planned job's sample tables back now (`freeBuffersNow`) and leaves their
 * arrays empty (detached; no field is written, see `SampleTableArena.release`): as garbage they
 * lived until V8's next full collection, after the copy had started. A table whose buffer it does
 * not own alone (a view, a pooled Buffer) is left as it is.
 */
export function releaseSampleTables(job: Pick<Mp4WriteJob, 'tracks'>): void {
  const owned = new Set<ArrayBuffer>();
  for (const { samples } of job.tracks) {
    for (const table of [samples.durations, samples.compositionOffsets, samples.sizes, samples.sync, samples.descriptionIndex, samples.piece, samples.pieceOffset]) {
      const { buffer } = table;
      if (buffer instanceof ArrayBuffer && table.byteOffset === 0 && table.byteLength === buffer.byteLength && buffer.byteLength > 0) owned.add(buffer);
    }
  }
  freeBuffersNow([...owned]);
}

/**
 * Writes a planned MP4: ftyp, the moov, one mdat whose payload is the pieces in order. Each source
 * is read once, whole, hashed as it passes; the output is hashed as it is written (`copyPieces`).
 */
export async function copyMp4(plan: PieceCopyJob, options: WriteMp4Options = {}): Promise<Mp4WriteResult> {
  const result = await copyPieces(plan, options);
  if (result.written !== plan.totalSize) throw new Error(`writing ${plan.outFile}: wrote ${result.written} bytes of ${plan.totalSize}`);
  const sources = [...plan.sources].sort((a, b) => a.index - b.index);
  return { sizeBytes: result.written, sha256: result.sha256, sources: sources.map((s) => ({ sha256: result.sourceSha256[s.index], sizeBytes: s.size })), blocksWrittenByReader: result.blocksWrittenByReader };
}

/** `planMp4Copy` and `copyMp4` in one. */
export async function writeMp4(job: Mp4WriteJob, options: WriteMp4Options = {}): Promise<Mp4WriteResult> {
  return copyMp4(planMp4Copy(job), options);
}
