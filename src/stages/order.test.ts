import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { missingIndices, orderChunks } from './order.ts';

const chunk = (chunkIndex: number, callId = 'call-1', chunkDocumentId = `doc-${chunkIndex}`) => ({
  metadataFile: `/in/${chunkDocumentId}.json`,
  metadata: { chunkIndex, callId, chunkDocumentId },
});

describe('orderChunks', () => {
  it('sorts by index whatever the file order', () => {
    const { ordered, warnings } = orderChunks([chunk(2), chunk(0), chunk(1)], { allowGaps: false });
    expect(ordered.map((c) => c.metadata.chunkIndex)).toEqual([0, 1, 2]);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['duplicate index', [chunk(0), chunk(1), chunk(1, 'call-1', 'other')], /duplicate chunk index 1/, 'chunkIndex'],
    ['missing index', [chunk(0), chunk(2)], /missing chunk index 1/, 'chunkIndex'],
    ['missing first index', [chunk(1), chunk(2)], /missing chunk index 0/, 'chunkIndex'],
    ['mixed calls', [chunk(0), chunk(1, 'call-2')], /belongs to call call-2/, 'callId'],
  ])('refuses a %s', (_name, chunks, message, field) => {
    let error: unknown;
    try {
      orderChunks(chunks, { allowGaps: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toMatch(message);
    expect((error as InvalidInputError).field).toBe(field);
  });

  it('warns instead with --allow-gaps', () => {
    const { ordered, warnings } = orderChunks([chunk(3), chunk(0)], { allowGaps: true });
    expect(ordered).toHaveLength(2);
    expect(warnings).toEqual(['missing chunk indices 1, 2']);
  });

  it.each([
    [[0, 1, 2], []],
    [[1], [0]],
    [[0, 4], [1, 2, 3]],
  ])('missingIndices(%j) = %j', (indices, expected) => {
    expect(missingIndices(indices)).toEqual(expected);
  });
});
