import type { DequeuedMessageItem, QueueClient, QueueServiceClient } from '@azure/storage-queue';
import PQueue from 'p-queue';
import { AbortedError, PipelineError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { RecordingEvent } from '../schemas/recording-event.ts';
import { decideOnFailure, describeError } from './failure-policy.ts';
import { MessageLease } from './message-lease.ts';
import { decodeQueueMessage } from './message.ts';
import { WorkerMetrics } from './metrics.ts';

/** What the injected job gets: one recording event of a message, and a way to be told to stop. */
export interface JobContext {
  messageId: string;
  /** Delivery number of the message (its dequeueCount), 1 on the first. */
  attempt: number;
  event: RecordingEvent;
  signal: AbortSignal;
  /** Carries the message and recording ids on every line. */
  logger: Logger;
}

export interface JobOutcome {
  status: 'archived' | 'skipped';
  location?: string;
}

export type JobFunction = (job: JobContext) => Promise<JobOutcome>;

export interface WorkerOptions {
  service: QueueServiceClient;
  queueName: string;
  job: JobFunction;
  /** Messages worked on at once. Default 1. */
  concurrency?: number;
  /** Deliveries before a failing message goes to `<queue>-poison`. Default 5. */
  maxAttempts?: number;
  /** Seconds a received message stays invisible; renewed at a third of it while the job runs. Default 300. */
  visibilityTimeoutSec?: number;
  /** First retry delay in seconds, doubled per attempt, capped by the visibility timeout. Default 10. */
  retryDelaySec?: number;
  /** Longest wait between polls of an empty queue. Default 5000. */
  maxPollIntervalMs?: number;
  /** On close: how long jobs in hand may run before they are aborted and released. Default 30000. */
  shutdownGraceMs?: number;
  logger?: Logger;
  metrics?: WorkerMetrics;
}

const MIN_POLL_MS = 100;

/**
 * Takes messages off a Storage Queue and runs the injected job on each recording event in them.
 * The worker only fetches, keeps messages invisible while jobs run, retries and dead-letters;
 * everything about recordings is the job's business.
 */
export class Worker {
  readonly queue: QueueClient;
  readonly poisonQueue: QueueClient;
  readonly metrics: WorkerMetrics;
  readonly #job: JobFunction;
  readonly #concurrency: number;
  readonly #maxAttempts: number;
  readonly #visibilityTimeoutSec: number;
  readonly #retryDelaySec: number;
  readonly #maxPollIntervalMs: number;
  readonly #shutdownGraceMs: number;
  readonly #logger: Logger;
  readonly #jobs: PQueue;
  readonly #inFlight = new Map<string, { lease: MessageLease; abort: AbortController }>();
  readonly #stopFetching = new AbortController();
  #loop: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #lastPollOkAt = 0;
  #slotFreed: (() => void) | undefined;

  constructor(options: WorkerOptions) {
    const positiveInt = (value: number, name: string) => {
      if (!Number.isInteger(value) || value < 1) throw new TypeError(`Expected \`${name}\` to be an integer >= 1, got \`${value}\``);
      return value;
    };
    if (typeof options.job !== 'function') throw new TypeError('Expected `job` to be a function');
    this.queue = options.service.getQueueClient(options.queueName);
    this.poisonQueue = options.service.getQueueClient(`${options.queueName}-poison`);
    this.#job = options.job;
    this.#concurrency = positiveInt(options.concurrency ?? 1, 'concurrency');
    this.#maxAttempts = positiveInt(options.maxAttempts ?? 5, 'maxAttempts');
    this.#visibilityTimeoutSec = positiveInt(options.visibilityTimeoutSec ?? 300, 'visibilityTimeoutSec');
    this.#retryDelaySec = options.retryDelaySec ?? 10;
    if (!(this.#retryDelaySec >= 0)) throw new TypeError(`Expected \`retryDelaySec\` to be >= 0, got \`${this.#retryDelaySec}\``);
    this.#maxPollIntervalMs = options.maxPollIntervalMs ?? 5000;
    this.#shutdownGraceMs = options.shutdownGraceMs ?? 30_000;
    this.#logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? new WorkerMetrics();
    this.#jobs = new PQueue({ concurrency: this.#concurrency });
  }

  /** Creates the queues if needed and starts taking messages; resolves once running. */
  async start(): Promise<void> {
    if (this.#loop) throw new Error('worker already started');
    await this.queue.createIfNotExists();
    await this.poisonQueue.createIfNotExists();
    this.#lastPollOkAt = Date.now();
    this.#logger.info('worker started', { queue: this.queue.name, concurrency: this.#concurrency, maxAttempts: this.#maxAttempts, visibilityTimeoutSec: this.#visibilityTimeoutSec });
    this.#loop = this.#fetchLoop();
  }

  /** Healthy while running and the queue answered recently. */
  health(): { ok: boolean; detail: Record<string, unknown> } {
    const sinceLastPollMs = Date.now() - this.#lastPollOkAt;
    const ok = this.#loop !== undefined && !this.#closing && sinceLastPollMs < Math.max(60_000, 3 * this.#maxPollIntervalMs);
    return { ok, detail: { inFlight: this.#inFlight.size, sinceLastPollMs, closing: this.#closing !== undefined } };
  }

  /**
   * Stops taking messages, lets the jobs in hand finish within the grace period, then aborts the
   * rest and makes their messages visible again. Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#logger.info('worker closing', { inFlight: this.#inFlight.size, graceMs: this.#shutdownGraceMs });
    this.#stopFetching.abort();
    this.#slotFreed?.();
    await this.#loop;
    const drained = await this.#idleWithin(this.#shutdownGraceMs);
    if (!drained) {
      for (const { abort } of this.#inFlight.values()) abort.abort(new AbortedError('worker shutting down'));
      const settled = await this.#idleWithin(5_000);
      if (!settled) {
        // A job that ignores its abort signal must not keep its message hidden for the whole timeout.
        await Promise.allSettled([...this.#inFlight.values()].filter(({ lease }) => !lease.ended).map(({ lease }) => this.#release(lease)));
      }
    }
    this.#logger.info('worker closed', this.#countersForLog());
  }

  async #fetchLoop(): Promise<void> {
    let idleMs = MIN_POLL_MS;
    const stop = this.#stopFetching.signal;
    while (!stop.aborted) {
      const free = this.#concurrency - this.#inFlight.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.#slotFreed = resolve));
        continue;
      }
      let messages: DequeuedMessageItem[];
      try {
        const response = await this.queue.receiveMessages({ numberOfMessages: Math.min(free, 32), visibilityTimeout: this.#visibilityTimeoutSec, abortSignal: stop });
        messages = response.receivedMessageItems;
        this.#lastPollOkAt = Date.now();
      } catch (error) {
        if (stop.aborted) break;
        this.#logger.warn('cannot receive messages', { error: describeError(error) });
        await delay(this.#maxPollIntervalMs, stop);
        continue;
      }
      if (messages.length === 0) {
        await delay(idleMs, stop);
        idleMs = Math.min(this.#maxPollIntervalMs, idleMs * 2);
        continue;
      }
      idleMs = MIN_POLL_MS;
      for (const message of messages) {
        const lease = new MessageLease(this.queue, message.messageId, message.popReceipt);
        if (stop.aborted) {
          await this.#release(lease);
          continue;
        }
        const abort = new AbortController();
        this.#inFlight.set(message.messageId, { lease, abort });
        this.metrics.inFlight = this.#inFlight.size;
        void this.#jobs.add(() => this.#handle(message, lease, abort)).finally(() => {
          this.#inFlight.delete(message.messageId);
          this.metrics.inFlight = this.#inFlight.size;
          this.#slotFreed?.();
        });
      }
    }
  }

  async #handle(message: DequeuedMessageItem, lease: MessageLease, abort: AbortController): Promise<void> {
    try {
      await this.#work(message, lease, abort);
    } catch (error) {
      // Only queue operations (poison, reschedule) land here; the message reappears after its timeout.
      this.#logger.error('cannot settle the message', { messageId: message.messageId, error: describeError(error) });
    } finally {
      lease.abandon();
    }
  }

  async #work(message: DequeuedMessageItem, lease: MessageLease, abort: AbortController): Promise<void> {
    const started = performance.now();
    const attempt = message.dequeueCount;
    let logger = this.#logger.child({ messageId: message.messageId, attempt });
    let lockLost = false;
    lease.keepAlive({
      visibilityTimeoutSec: this.#visibilityTimeoutSec,
      everyMs: (this.#visibilityTimeoutSec * 1000) / 3,
      onLost: (error) => {
        lockLost = true;
        logger.warn('lost hold of the message; stopping the job', { error: describeError(error) });
        abort.abort(new AbortedError('lost hold of the queue message'));
      },
    });
    try {
      if (attempt > this.#maxAttempts) {
        // Delivered again after max attempts without an outcome: the workers holding it died.
        await this.#deadLetter(message, lease, logger, `gave up after ${attempt - 1} deliveries without an outcome (worker killed or timed out?)`);
        return;
      }
      const events = decodeQueueMessage(message.messageText, `message ${message.messageId}`);
      for (const other of events.others) logger.info('ignoring event of another type', { eventType: other.type, eventId: other.id, subject: other.subject });
      for (const event of events.recordings) {
        const recordingId = event.recordingId ?? event.data.recordingStorageInfo.recordingChunks.find((c) => c.index === 0)?.documentId ?? null;
        logger = this.#logger.child({ messageId: message.messageId, attempt, recordingId, eventId: event.id });
        logger.info('job started');
        const outcome = await this.#job({ messageId: message.messageId, attempt, event, signal: abort.signal, logger });
        if (outcome.status === 'skipped') this.metrics.skipped += 1;
        else this.metrics.completed += 1;
        logger.info(outcome.status === 'skipped' ? 'already archived; acknowledging' : 'archived', { location: outcome.location, durationMs: Math.round(performance.now() - started) });
      }
    } catch (error) {
      await this.#onFailure({ message, lease, logger, error, lockLost });
      return;
    } finally {
      this.metrics.observeDuration((performance.now() - started) / 1000);
    }
    try {
      await lease.delete();
    } catch (error) {
      // The work is done and archived; a redelivery will find it complete and be acknowledged.
      logger.warn('cannot delete the finished message', { error: describeError(error) });
    }
  }

  async #onFailure({ message, lease, logger, error, lockLost }: { message: DequeuedMessageItem; lease: MessageLease; logger: Logger; error: unknown; lockLost: boolean }): Promise<void> {
    if (lockLost) return;
    if (this.#closing && (error instanceof AbortedError || this.#inFlight.get(message.messageId)?.abort.signal.aborted)) {
      logger.info('job stopped by shutdown; releasing the message');
      await this.#release(lease);
      return;
    }
    this.metrics.failed += 1;
    const decision = decideOnFailure({
      error,
      attempt: message.dequeueCount,
      maxAttempts: this.#maxAttempts,
      retryDelaySec: this.#retryDelaySec,
      visibilityTimeoutSec: this.#visibilityTimeoutSec,
    });
    const fields = { error: describeError(error), kind: error instanceof PipelineError ? error.kind : 'internal' };
    if (decision.action === 'retry') {
      logger.warn('job failed; will retry', { ...fields, retryInSec: decision.delaySec });
      await lease.release(decision.delaySec).catch((e) => logger.warn('cannot reschedule the message; it reappears after its timeout', { error: describeError(e) }));
      return;
    }
    logger.error('job failed; dead-lettering', fields);
    await this.#deadLetter(message, lease, logger, decision.reason);
  }

  async #deadLetter(message: DequeuedMessageItem, lease: MessageLease, logger: Logger, reason: string): Promise<void> {
    const record = {
      reason,
      queue: this.queue.name,
      messageId: message.messageId,
      dequeueCount: message.dequeueCount,
      insertedOn: message.insertedOn?.toISOString?.() ?? null,
      failedAt: new Date().toISOString(),
      message: message.messageText,
    };
    // Poison first, delete second: a crash in between duplicates a poison entry, never loses one.
    await this.poisonQueue.sendMessage(JSON.stringify(record), { messageTimeToLive: -1 });
    await lease.delete();
    this.metrics.poisoned += 1;
    logger.error('moved to the poison queue', { poisonQueue: this.poisonQueue.name, reason });
  }

  async #release(lease: MessageLease): Promise<void> {
    try {
      await lease.release(0);
      this.metrics.released += 1;
    } catch (error) {
      this.#logger.warn('cannot release the message; it reappears after its timeout', { messageId: lease.messageId, error: describeError(error) });
    }
  }

  async #idleWithin(ms: number): Promise<boolean> {
    const timeout = new AbortController();
    try {
      return await Promise.race([this.#jobs.onIdle().then(() => true), delay(ms, timeout.signal).then(() => false)]);
    } finally {
      timeout.abort();
    }
  }

  #countersForLog() {
    const { completed, skipped, failed, poisoned, released } = this.metrics;
    return { completed, skipped, failed, poisoned, released };
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
