import { PipelineError } from '../errors.ts';

export type FailureAction = { action: 'retry'; delaySec: number } | { action: 'dead-letter'; reason: string };

/**
 * What to do with a message whose job failed on delivery `attempt` (the queue's dequeueCount).
 *
 * Invalid input and failed verification are facts about the recording: the same chunks give the
 * same answer, so such errors (when not marked retryable) go to the poison queue at once.
 * Internal errors (ffmpeg, disk, bugs) may be the machine's fault and are retried like fetch errors,
 * with exponential backoff capped by the visibility timeout, until `maxAttempts` deliveries.
 */
export function decideOnFailure({ error, attempt, maxAttempts, retryDelaySec, visibilityTimeoutSec }: {
  error: unknown;
  attempt: number;
  maxAttempts: number;
  retryDelaySec: number;
  visibilityTimeoutSec: number;
}): FailureAction {
  const message = describeError(error);
  if (error instanceof PipelineError && !error.retryable && (error.kind === 'invalid-input' || error.kind === 'verification' || error.kind === 'usage')) {
    return { action: 'dead-letter', reason: `not retryable (${error.kind}): ${message}` };
  }
  if (attempt >= maxAttempts) return { action: 'dead-letter', reason: `failed ${attempt} of ${maxAttempts} attempts; last error: ${message}` };
  const delaySec = Math.min(visibilityTimeoutSec, Math.round(retryDelaySec * 2 ** (attempt - 1)));
  return { action: 'retry', delaySec };
}

export function describeError(error: unknown): string {
  if (error instanceof PipelineError) return error.toLine();
  if (error instanceof Error) return error.message;
  return String(error);
}
