import { basename } from 'node:path';
import { InvalidInputError } from '../errors.ts';

interface Orderable {
  metadataFile: string;
  metadata: { chunkIndex: number; callId: string; chunkDocumentId: string };
}

/** Orders chunks by index; refuses duplicates, mixed calls and (unless allowed) missing indices. */
export function orderChunks<C extends Orderable>(chunks: C[], options: { allowGaps: boolean }): { ordered: C[]; warnings: string[] } {
  const ordered = [...chunks].sort((a, b) => a.metadata.chunkIndex - b.metadata.chunkIndex);
  const warnings: string[] = [];
  const callId = ordered[0]?.metadata.callId;
  for (const [i, chunk] of ordered.entries()) {
    if (chunk.metadata.callId !== callId) {
      throw new InvalidInputError(`belongs to call ${chunk.metadata.callId}, the other chunks to ${callId}`, { file: chunk.metadataFile, field: 'callId' });
    }
    const previous = ordered[i - 1];
    if (previous && previous.metadata.chunkIndex === chunk.metadata.chunkIndex) {
      throw new InvalidInputError(`duplicate chunk index ${chunk.metadata.chunkIndex} (also in ${basename(previous.metadataFile)})`, {
        file: chunk.metadataFile,
        field: 'chunkIndex',
      });
    }
    if (previous && previous.metadata.chunkDocumentId === chunk.metadata.chunkDocumentId) {
      throw new InvalidInputError(`duplicate chunk document ${chunk.metadata.chunkDocumentId}`, { file: chunk.metadataFile, field: 'chunkDocumentId' });
    }
  }
  const missing = missingIndices(ordered.map((c) => c.metadata.chunkIndex));
  if (missing.length > 0) {
    const message = `missing chunk ${missing.length === 1 ? 'index' : 'indices'} ${missing.join(', ')}`;
    if (!options.allowGaps) {
      const after = ordered.find((c) => c.metadata.chunkIndex > missing[0]) ?? ordered[0];
      throw new InvalidInputError(`${message} (use --allow-gaps to join what is there)`, { file: after.metadataFile, field: 'chunkIndex' });
    }
    warnings.push(message);
  }
  return { ordered, warnings };
}

/** Indices absent from 0..max. */
export function missingIndices(sortedIndices: number[]): number[] {
  const present = new Set(sortedIndices);
  const max = sortedIndices.at(-1) ?? -1;
  const missing: number[] = [];
  for (let i = 0; i <= max; i++) if (!present.has(i)) missing.push(i);
  return missing;
}
