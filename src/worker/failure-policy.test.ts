import { describe, expect, it } from 'vitest';
import { AbortedError, FetchError, FfmpegError, InvalidInputError, VerificationError } from '../errors.ts';
import { decideOnFailure } from './failure-policy.ts';

const base = { maxAttempts: 5, retryDelaySec: 10, visibilityTimeoutSec: 300 };

describe('decideOnFailure', () => {
  it.each([
    ['fetch error, first attempt', new FetchError('500'), 1, { action: 'retry', delaySec: 10 }],
    ['fetch error, third attempt', new FetchError('500'), 3, { action: 'retry', delaySec: 40 }],
    ['ffmpeg crash (may be the machine)', new FfmpegError('killed', null, ''), 2, { action: 'retry', delaySec: 20 }],
    ['plain Error', new Error('ECONNRESET'), 1, { action: 'retry', delaySec: 10 }],
    ['aborted', new AbortedError(), 1, { action: 'retry', delaySec: 10 }],
  ] as const)('%s: retry', (_, error, attempt, expected) => {
    expect(decideOnFailure({ ...base, error, attempt })).toEqual(expected);
  });

  it('caps the backoff at the visibility timeout', () => {
    expect(decideOnFailure({ ...base, visibilityTimeoutSec: 30, maxAttempts: 10, error: new FetchError('x'), attempt: 8 })).toEqual({ action: 'retry', delaySec: 30 });
  });

  it('dead-letters on the last attempt with the error', () => {
    const decision = decideOnFailure({ ...base, error: new FetchError('503 Service Unavailable', { file: 'chunk-0' }), attempt: 5 });
    expect(decision).toEqual({ action: 'dead-letter', reason: 'failed 5 of 5 attempts; last error: chunk-0: 503 Service Unavailable' });
  });

  it.each([
    ['invalid input', new InvalidInputError('expected a number', { file: 'a.json', field: 'chunkDuration' }), 'not retryable (invalid-input): a.json: chunkDuration: expected a number'],
    ['verification', new VerificationError('frame rate 16, expected 8', [{ name: 'video.frameRate', expected: 8, actual: 16 }]), 'not retryable (verification): frame rate 16, expected 8'],
  ] as const)('%s: dead-letters on the first attempt', (_, error, reason) => {
    expect(decideOnFailure({ ...base, error, attempt: 1 })).toEqual({ action: 'dead-letter', reason });
  });

  it('retries invalid input that says a retry may help', () => {
    expect(decideOnFailure({ ...base, error: new InvalidInputError('truncated', { retryable: true }), attempt: 1 }).action).toBe('retry');
  });
});
