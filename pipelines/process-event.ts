import { deleteSourceChunks } from '../src/stages/delete-source.ts';
import { fetchRecording, readFetchEnvironment, type FetchOptions } from '../src/stages/fetch.ts';
import type { RecordingEvent } from '../src/schemas/recording-event.ts';
import type { ProcessOptions, ProcessResult } from '../src/types/pipeline.ts';
import { parseAllowedHosts } from '../src/adapters/http/hosts.ts';
import { processDirectory } from './process-directory.ts';

export interface ProcessEventOptions extends ProcessOptions {
  /** `endpoint=...;accesskey=...` (see readFetchEnvironment in src/stages/fetch.ts). */
  connectionString: string;
  /** Hosts besides the endpoint's that may be contacted; default: ACS_ALLOWED_HOSTS. */
  allowedHosts?: string[];
  /** After the archive is complete and verified, delete the chunks at the service. */
  deleteSource?: boolean;
  /** Downloads at once (default 4). */
  fetchConcurrency?: number;
  fetchRetry?: FetchOptions['retry'];
}

/**
 * An event in, an archive out: downloads the chunks into workDir (`<documentId>.mp4`,
 * `<documentId>.json`, `event.json`), then runs the directory pipeline over it. A rerun after a
 * crash reuses complete downloads. workDir belongs to the caller (kept, for reruns).
 */
export async function processEvent(input: { event: RecordingEvent; workDir: string }, options: ProcessEventOptions): Promise<ProcessResult> {
  const allowedHosts = options.allowedHosts ?? parseAllowedHosts(process.env.ACS_ALLOWED_HOSTS);
  const fetchOptions: FetchOptions = {
    connectionString: options.connectionString,
    allowedHosts,
    concurrency: options.fetchConcurrency,
    retry: options.fetchRetry,
    signal: options.signal,
    logger: options.logger.child({ stage: 'fetch' }),
    onProgress: options.onProgress ? (share, label) => options.onProgress?.(share * 0.3, `fetch: ${label}`) : undefined,
  };
  await fetchRecording(input, fetchOptions);
  const result = await processDirectory(
    { inputDir: input.workDir, event: input.event },
    { ...options, onProgress: options.onProgress ? (share, label) => options.onProgress?.(0.3 + share * 0.7, label) : undefined },
  );
  if (options.deleteSource) {
    if (!result.manifest.verification.passed) {
      options.logger.warn('not deleting the source chunks: the archive did not pass verification');
    } else {
      await deleteSourceChunks(input.event, fetchOptions);
    }
  }
  return result;
}

/**
 * What `acsrec process <event.json>` calls: ACS_CONNECTION_STRING (required, else exit 2) and
 * ACS_ALLOWED_HOSTS from the environment, then processEvent.
 */
export async function processEventFromEnvironment(
  input: { event: RecordingEvent; workDir: string },
  options: ProcessOptions & { deleteSource?: boolean; env?: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  const { connectionString, allowedHosts } = readFetchEnvironment(options.env ?? process.env);
  return processEvent(input, { ...options, connectionString, allowedHosts });
}
