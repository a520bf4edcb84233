import { parseConnectionString } from '../adapters/http/hmac.ts';
import { redactUrl } from '../adapters/http/hosts.ts';
import { backoffDelayMs, parseRetryAfterMs, sleep } from '../adapters/http/retry.ts';
import { signedRequest } from '../adapters/http/signed-request.ts';
import { FetchError } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import type { RecordingEvent } from '../schemas/recording-event.ts';
import { planChunkDownloads, type FetchOptions } from './fetch.ts';

/**
 * `--delete-source`: deletes every chunk at the service (its `deleteLocation`, else
 * `DELETE <endpoint>/recording/download/{documentId}`). Call only once the archive is verified.
 * A chunk that is already gone (404) counts as deleted.
 */
export async function deleteSourceChunks(event: RecordingEvent, options: FetchOptions & { maxAttempts?: number }): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const credentials = parseConnectionString(options.connectionString);
  const plans = planChunkDownloads(event, '.', credentials.endpoint, options.allowedHosts ?? []);
  for (const plan of plans) {
    const label = `chunk ${plan.index} (${plan.documentId})`;
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      let retryAfterMs: number | null = null;
      try {
        const response = await signedRequest({ method: 'DELETE', url: plan.deleteUrl, accessKey: credentials.accessKey, locationOf: credentials.endpoint, signal: options.signal });
        if ([200, 202, 204, 404].includes(response.status)) {
          logger.info('deleted source chunk', { label, status: response.status });
          break;
        }
        problem = `HTTP ${response.status}`;
        if (response.status !== 429 && response.status < 500) throw new FetchError(`${label}: delete failed: ${problem}`, { file: redactUrl(plan.deleteUrl), status: response.status, retryable: false, stage: 'fetch' });
        retryAfterMs = parseRetryAfterMs(response.headers['retry-after'] as string | undefined);
      } catch (error) {
        if (error instanceof FetchError) throw error;
        problem = (error as Error).message;
      }
      if (attempt >= (options.maxAttempts ?? 5)) throw new FetchError(`${label}: delete failed after ${attempt} attempts: ${problem}`, { file: redactUrl(plan.deleteUrl), stage: 'fetch' });
      await sleep(Math.min(retryAfterMs ?? backoffDelayMs(attempt), 60_000), options.signal);
    }
  }
}
