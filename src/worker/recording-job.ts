import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../errors.ts';
import { archivePrefix } from '../adapters/storage/archive-files.ts';
import type { RecordingEvent } from '../schemas/recording-event.ts';
import type { RecordingArchive } from '../types/archive.ts';
import type { ProcessOptions, ProcessResult } from '../types/pipeline.ts';
import { watchDiskUse } from './disk-budget.ts';
import type { JobFunction } from './worker.ts';

/** The signature of `pipelines/process-event.ts`: fetch the event's chunks, then process them. */
export type ProcessEventFunction = (
  input: { event: RecordingEvent; workDir: string },
  options: ProcessOptions & { connectionString: string; deleteSource?: boolean },
) => Promise<ProcessResult>;

export interface RecordingJobOptions {
  archive: RecordingArchive;
  processEvent: ProcessEventFunction;
  connectionString: string;
  /** `acsrec process` options except where output goes. */
  processOptions: Omit<ProcessOptions, 'outDir' | 'logger' | 'signal' | 'force'>;
  /** Each job gets its own temporary directory below this one, removed when the job ends. */
  workRoot: string;
  /** A job whose temporary files grow beyond this is stopped. */
  maxJobDiskBytes?: number;
}

/** The recording id the archive is keyed by: from the subject, else the documentId of chunk 0. */
export function recordingIdOf(event: RecordingEvent): string {
  const id = event.recordingId ?? event.data.recordingStorageInfo.recordingChunks.find((c) => c.index === 0)?.documentId;
  if (!id) throw new InvalidInputError('the event names no recordingId and has no chunk 0', { file: 'event', field: 'subject' });
  return id;
}

/**
 * The production job: skip what is archived already, else fetch and process the recording in a
 * private temporary directory and publish the result to the archive.
 */
export function createRecordingJob(options: RecordingJobOptions): JobFunction {
  return async ({ event, signal, logger }) => {
    const recordingId = recordingIdOf(event);
    // The subject's call id is only a hint (the manifest's callId decides); it lets a redelivered
    // event be acknowledged before any download.
    const hintedPrefix = event.callId ? archivePrefix(event.callId, recordingId) : undefined;
    if (hintedPrefix && (await options.archive.isComplete(hintedPrefix))) return { status: 'skipped', location: options.archive.locationOf(hintedPrefix) };

    await mkdir(options.workRoot, { recursive: true });
    const workDir = await mkdtemp(join(options.workRoot, 'job-'));
    const disk = watchDiskUse({ dir: workDir, maxBytes: options.maxJobDiskBytes, signal });
    try {
      const result = await options.processEvent(
        { event, workDir: join(workDir, 'fetch') },
        { ...options.processOptions, outDir: join(workDir, 'out'), force: true, logger, signal: disk.signal, connectionString: options.connectionString },
      );
      const prefix = archivePrefix(result.manifest.callId, recordingId);
      if (prefix !== hintedPrefix && (await options.archive.isComplete(prefix))) return { status: 'skipped', location: options.archive.locationOf(prefix) };
      disk.signal.throwIfAborted();
      const location = await options.archive.publish(prefix, result.outDir, { signal: disk.signal });
      return { status: 'archived', location };
    } catch (error) {
      // When the disk budget stopped the job, say so rather than "aborted".
      if (disk.signal.aborted && !signal.aborted) throw disk.signal.reason;
      throw error;
    } finally {
      disk.stop();
      await rm(workDir, { recursive: true, force: true, maxRetries: 3 });
    }
  };
}
