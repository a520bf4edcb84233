import { QueueServiceClient } from '@azure/storage-queue';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError } from '../src/errors.ts';
import { createLogger } from '../src/logger.ts';
import { Worker, type JobFunction } from '../src/worker/worker.ts';
import { startAzurite, type RunningAzurite } from './helpers/azurite.ts';
import { REPO, recordingEventMessage, waitFor } from './helpers/worker-fixtures.ts';

let azurite: RunningAzurite;
let service: QueueServiceClient;
let counter = 0;

beforeAll(async () => {
  azurite = await startAzurite();
  service = QueueServiceClient.fromConnectionString(azurite.queueConnectionString);
});
afterAll(async () => azurite?.stop());

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new AbortedError());
    });
  });

async function withQueue(count: number) {
  const queueName = `unit-${++counter}`;
  const queue = service.getQueueClient(queueName);
  await queue.create();
  for (let i = 0; i < count; i++) await queue.sendMessage(recordingEventMessage({ callId: 'c', recordingId: `r${i}` }));
  return { queueName, queue };
}

describe('Worker (in-process, injected job)', () => {
  it('checks its options with precise TypeErrors', () => {
    const job: JobFunction = async () => ({ status: 'archived' });
    expect(() => new Worker({ service, queueName: 'q', job, concurrency: 0 })).toThrow(new TypeError('Expected `concurrency` to be an integer >= 1, got `0`'));
    expect(() => new Worker({ service, queueName: 'q', job, maxAttempts: 1.5 })).toThrow(TypeError);
    expect(() => new Worker({ service, queueName: 'q', job: undefined as unknown as JobFunction })).toThrow('Expected `job` to be a function');
  });

  it('runs at most --concurrency jobs at once and drains the queue; close() twice is fine', async () => {
    const { queueName, queue } = await withQueue(6);
    let running = 0;
    let peak = 0;
    const done: string[] = [];
    const worker = new Worker({
      service,
      queueName,
      concurrency: 2,
      visibilityTimeoutSec: 5,
      job: async ({ event }) => {
        peak = Math.max(peak, ++running);
        await sleep(150);
        running -= 1;
        done.push(event.recordingId!);
        return { status: 'archived' };
      },
    });
    await worker.start();
    await waitFor('six jobs', () => done.length === 6, 20_000);
    const first = worker.close();
    expect(worker.close()).toBe(first);
    await first;
    await worker.close();
    expect(peak).toBe(2);
    expect(done.sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);
    expect(worker.metrics.completed).toBe(6);
  });

  it('keeps a message invisible while a job runs for several visibility timeouts', async () => {
    const { queueName, queue } = await withQueue(1);
    const lines: string[] = [];
    const worker = new Worker({
      service,
      queueName,
      visibilityTimeoutSec: 1,
      logger: createLogger({ write: (l) => lines.push(l) }),
      job: async () => {
        await sleep(3_500);
        return { status: 'archived' };
      },
    });
    await worker.start();
    await waitFor('the job to start', () => lines.some((l) => l.includes('job started')), 10_000);
    // Another consumer sees nothing during the 3.5 s job, though the timeout is 1 s.
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      expect((await queue.receiveMessages({ visibilityTimeout: 1 })).receivedMessageItems).toHaveLength(0);
      await sleep(250);
    }
    await waitFor('the job to finish', () => worker.metrics.completed === 1, 10_000);
    await worker.close();
    expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
    expect(lines.filter((l) => l.includes('lost hold'))).toEqual([]);
  });
});

describe('acsrec worker: bad configuration', () => {
  const run = (args: string[], env: Record<string, string | undefined> = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/acsrec.js', 'worker', ...args], {
        cwd: REPO,
        env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: '', ACSREC_QUEUE: '', ACSREC_ARCHIVE_CONTAINER: '', ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9/;accesskey=a2V5', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => resolve({ status, stdout, stderr: stderr.trim() }));
    });

  // Each case is a process start; they run side by side to keep the suite quick.
  const cases = [
    [['--queue', 'rec-q', '--archive-dir', '/tmp/x'], {}, 'acsrec: worker: --queue-connection-string (or AZURE_STORAGE_CONNECTION_STRING) is required'],
    [['--queue-connection-string', 'x', '--archive-dir', '/tmp/x'], {}, 'acsrec: worker: --queue (or ACSREC_QUEUE) is required'],
    [['--queue-connection-string', 'x', '--queue', 'Bad_Name', '--archive-dir', '/tmp/x'], {}, "acsrec: worker: --queue: 'Bad_Name' is not a valid queue name (3-56 of a-z, 0-9, single hyphens; '-poison' is appended)"],
    [['--queue-connection-string', 'x', '--queue', 'rec-q'], {}, 'acsrec: worker: --archive-container (or ACSREC_ARCHIVE_CONTAINER) or --archive-dir is required'],
    [['--queue-connection-string', 'x', '--queue', 'rec-q', '--archive-dir', 'a', '--archive-container', 'b'], {}, 'acsrec: worker: give --archive-container or --archive-dir, not both'],
    [['--queue-connection-string', 'x', '--queue', 'rec-q', '--archive-dir', 'a', '--concurrency', '0'], {}, "acsrec: --concurrency: expected an integer >= 1 and <= 64, got '0'"],
    [['--queue-connection-string', 'x', '--queue', 'rec-q', '--archive-dir', 'a'], { ACS_CONNECTION_STRING: '' }, 'acsrec: worker: ACS_CONNECTION_STRING is required to download recordings'],
    [['--frobnicate'], {}, /^acsrec: worker: Unknown option '--frobnicate'\./],
  ] as const;

  it('each missing or bad option: one line naming it, exit 2', async () => {
    const results = await Promise.all(cases.map(([args, env]) => run([...args], env)));
    cases.forEach(([, , message], i) => {
      const result = results[i]!;
      expect(result.status).toBe(2);
      if (typeof message === 'string') expect(result.stderr).toBe(message);
      else expect(result.stderr).toMatch(message);
    });
  });

  it('--help prints the options and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--visibility-timeout <s>');
  });
});
