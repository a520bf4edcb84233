import { describe, expect, it } from 'vitest';
import { AbortedError, exitCodeOf, FetchError, InvalidInputError, PipelineError, UsageError, VerificationError } from './errors.ts';

describe('errors', () => {
  it.each([
    [new UsageError('x'), 2],
    [new InvalidInputError('x'), 3],
    [new VerificationError('x', []), 4],
    [new FetchError('x'), 5],
    [new AbortedError(), 1],
    [new Error('x'), 1],
  ])('%s exits with %d', (error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });

  it('names the file and field on one line', () => {
    expect(new InvalidInputError('expected a number', { file: 'a.json', field: 'chunkIndex' }).toLine()).toBe('a.json: chunkIndex: expected a number');
  });

  it('recognises an error thrown by another copy of this module', () => {
    // what a second copy's InvalidInputError looks like: same brand and name, another prototype
    const foreign = Object.assign(new Error('bad chunk'), { name: 'InvalidInputError', kind: 'invalid-input', retryable: false });
    (foreign as unknown as Record<symbol, boolean>)[Symbol.for('acs-recording-pipeline.PipelineError')] = true;
    expect(foreign instanceof PipelineError).toBe(true);
    expect(foreign instanceof InvalidInputError).toBe(true);
    expect(foreign instanceof VerificationError).toBe(false);
    expect(new Error('plain') instanceof PipelineError).toBe(false);
  });
});
