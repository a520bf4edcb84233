import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../errors.ts';
import { BlobArchive } from '../../adapters/storage/blob-archive.ts';
import { DirectoryArchive } from '../../adapters/storage/directory-archive.ts';
import { processEvent } from '../../../pipelines/process-event.ts';
import type { RecordingArchive } from '../../types/archive.ts';
import { startHealthServer } from '../../worker/health-server.ts';
import { createRecordingJob, type ProcessEventFunction } from '../../worker/recording-job.ts';
import { Worker } from '../../worker/worker.ts';
import { numberOption, parseCommandArgs } from '../args.ts';
import { commandLogger, logFormatUsage, LOG_OPTIONS } from '../log-format.ts';
import { PROCESSING_OPTIONS, processingSettingsFrom } from '../processing-options.ts';
import { importOutsideBundle } from '../../adapters/v8/outside-import.ts';

export const WORKER_USAGE = `Usage: acsrec worker [options]

Takes RecordingFileStatusUpdated events from an Azure Storage Queue, processes each recording and
archives it under <callId>/<recordingId>/. Run more replicas against the same queue to scale out.

Options (environment fallback in brackets):
  --queue-connection-string <cs>  storage account of the queue [AZURE_STORAGE_CONNECTION_STRING]
  --queue <name>                  queue Event Grid delivers to [ACSREC_QUEUE]
  --archive-container <name>      archive in this blob container of the same account [ACSREC_ARCHIVE_CONTAINER]
  --archive-dir <dir>             or archive in a directory
  --concurrency <n>               recordings at once (default 1)
  --max-attempts <n>              deliveries before a message goes to <queue>-poison (default 5)
  --visibility-timeout <s>        message invisibility, renewed while a job runs (default 300)
  --retry-delay <s>               first retry delay, doubled per attempt (default 10)
  --health-port <n>               serve GET /healthz and GET /metrics (default off)
  --health-host <addr>            address of that server (default 0.0.0.0)
  --shutdown-grace <s>            on SIGTERM, time to finish jobs before releasing them (default 25)
  --work-dir <dir>                temporary files, one directory per job [ACSREC_WORK_DIR] (default: system temp)
  --max-job-disk <MB>             stop a job whose temporary files grow beyond this (default: no limit)
  --thumbnail-interval, --thumbnail-width, --expect-video, --expect-audio, --fill-pauses,
  --allow-gaps                    as for 'acsrec process'
${logFormatUsage(34)}
ACS_CONNECTION_STRING (endpoint=...;accesskey=...) signs the downloads.`;

const OPTIONS = {
  'queue-connection-string': { type: 'string' },
  queue: { type: 'string' },
  'archive-container': { type: 'string' },
  'archive-dir': { type: 'string' },
  concurrency: { type: 'string' },
  'max-attempts': { type: 'string' },
  'visibility-timeout': { type: 'string' },
  'retry-delay': { type: 'string' },
  'health-port': { type: 'string' },
  'health-host': { type: 'string' },
  'shutdown-grace': { type: 'string' },
  'work-dir': { type: 'string' },
  'max-job-disk': { type: 'string' },
  ...PROCESSING_OPTIONS,
  ...LOG_OPTIONS,
} as const;

/** Test suites swap the processing (not the queue, archive or worker) for a fast stand-in. */
const TEST_PROCESSOR_ENV = 'ACSREC_WORKER_TEST_PROCESSOR';

async function loadProcessEvent(): Promise<ProcessEventFunction> {
  const testModule = process.env[TEST_PROCESSOR_ENV];
  if (!testModule) return processEvent;
  if (testModule.endsWith('.ts')) (await importOutsideBundle<{ register: () => void }>('tsx/esm/api')).register();
  const module = await importOutsideBundle<{ processEvent?: ProcessEventFunction }>(pathToFileURL(testModule).href);
  if (typeof module.processEvent !== 'function') throw new Error(`${testModule} exports no processEvent`);
  return module.processEvent;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 'worker');
  if (values.help) {
    process.stdout.write(`${WORKER_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`worker: unexpected argument '${positionals[0]}'`);
  const env = process.env;
  const queueConnectionString = values['queue-connection-string'] ?? env.AZURE_STORAGE_CONNECTION_STRING;
  const queueName = values.queue ?? env.ACSREC_QUEUE;
  const archiveDir = values['archive-dir'];
  const archiveContainer = values['archive-container'] ?? (archiveDir ? undefined : env.ACSREC_ARCHIVE_CONTAINER);
  const acsConnectionString = env.ACS_CONNECTION_STRING;
  if (!queueConnectionString) throw new UsageError('worker: --queue-connection-string (or AZURE_STORAGE_CONNECTION_STRING) is required');
  if (!queueName) throw new UsageError('worker: --queue (or ACSREC_QUEUE) is required');
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$/.test(queueName)) throw new UsageError(`worker: --queue: '${queueName}' is not a valid queue name (3-56 of a-z, 0-9, single hyphens; '-poison' is appended)`);
  if (archiveDir && values['archive-container']) throw new UsageError('worker: give --archive-container or --archive-dir, not both');
  if (!archiveDir && !archiveContainer) throw new UsageError('worker: --archive-container (or ACSREC_ARCHIVE_CONTAINER) or --archive-dir is required');
  if (!acsConnectionString) throw new UsageError('worker: ACS_CONNECTION_STRING is required to download recordings');

  const int = (name: keyof typeof OPTIONS, min: number, max?: number) => numberOption(values[name] as string | undefined, name, { min, max, integer: true });
  const concurrency = int('concurrency', 1, 64) ?? 1;
  const maxAttempts = int('max-attempts', 1, 1000) ?? 5;
  const visibilityTimeoutSec = int('visibility-timeout', 1, 7 * 24 * 3600) ?? 300;
  const retryDelaySec = numberOption(values['retry-delay'], 'retry-delay', { min: 0 }) ?? 10;
  const healthPort = int('health-port', 0, 65535);
  const shutdownGraceMs = (numberOption(values['shutdown-grace'], 'shutdown-grace', { min: 0 }) ?? 25) * 1000;
  const maxJobDiskMb = numberOption(values['max-job-disk'], 'max-job-disk', { min: 1 });
  const processOptions = processingSettingsFrom(values);

  const logger = commandLogger(values['log-format'], { fields: { component: 'worker', pid: process.pid } });
  let service: QueueServiceClient;
  let archive: RecordingArchive;
  try {
    service = QueueServiceClient.fromConnectionString(queueConnectionString);
    if (archiveDir) archive = new DirectoryArchive(archiveDir);
    else {
      const blobArchive = new BlobArchive(BlobServiceClient.fromConnectionString(queueConnectionString).getContainerClient(archiveContainer!));
      await blobArchive.ensureContainer();
      archive = blobArchive;
    }
  } catch (error) {
    throw new UsageError(`worker: --queue-connection-string: ${(error as Error).message.split('\n')[0]}`);
  }

  const worker = new Worker({
    service,
    queueName,
    concurrency,
    maxAttempts,
    visibilityTimeoutSec,
    retryDelaySec,
    shutdownGraceMs,
    logger,
    job: createRecordingJob({
      archive,
      processEvent: await loadProcessEvent(),
      connectionString: acsConnectionString,
      processOptions,
      workRoot: values['work-dir'] ?? env.ACSREC_WORK_DIR ?? join(tmpdir(), 'acsrec-worker'),
      maxJobDiskBytes: maxJobDiskMb === undefined ? undefined : Math.round(maxJobDiskMb * 1024 * 1024),
    }),
  });

  const stopped = new Promise<string>((resolve) => {
    const onSignal = (signal: string) => {
      logger.info('signal received; shutting down', { signal });
      resolve(signal);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await worker.start();
  const health = healthPort === undefined
    ? undefined
    : await startHealthServer({ port: healthPort, host: values['health-host'] ?? '0.0.0.0', metrics: worker.metrics, health: () => worker.health() });
  if (health) logger.info('health server listening', { port: health.port });
  await stopped;
  await worker.close();
  await health?.close();
  return 0;
}
