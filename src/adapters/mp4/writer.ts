import { stat } from 'node:fs/promises';
import { AbortedError, InvalidInputError } from '../../errors.ts';
import type { Mp4WriteJob, Mp4WriteResult } from '../../types/mp4.ts';
import { copyPieces, type PieceCopyOptions } from '../fs/piece-copy.ts';
import { layoutMp4 } from './layout.ts';

export type WriteMp4Options = PieceCopyOptions;

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
 * the pieces in order. Each source is read once, whole, hashed as it passes; the output is hashed
 * as it is written (`copyPieces`).
 */
export async function writeMp4(job: Mp4WriteJob, options: WriteMp4Options = {}): Promise<Mp4WriteResult> {
  const layout = layoutMp4(job);
  const sizes = await sourceSizes(job);
  if (options.signal?.aborted) throw new AbortedError(`writing ${job.outFile}: aborted`, { file: job.outFile, cause: options.signal.reason });
  const unvisited = job.sources.map((_, i) => i).filter((i) => !layout.sourceOrder.includes(i));
  const result = await copyPieces(
    {
      outFile: job.outFile,
      head: layout.head,
      pieces: job.pieces,
      sources: [...layout.sourceOrder, ...unvisited].map((index) => ({ index, file: job.sources[index], size: sizes[index] })),
      totalSize: layout.totalSize,
    },
    options,
  );
  if (result.written !== layout.totalSize) throw new Error(`writing ${job.outFile}: wrote ${result.written} bytes of ${layout.totalSize}`);
  return {
    sizeBytes: result.written,
    sha256: result.sha256,
    sources: job.sources.map((_, i) => ({ sha256: result.sourceSha256[i], sizeBytes: sizes[i] })),
  };
}
