import type { QueueClient } from '@azure/storage-queue';

/**
 * Our hold on one received message. Each update of a message returns a new pop receipt and
 * invalidates the old one, so every operation runs in order through one chain and uses the
 * latest receipt. After a final operation (delete, release, retry later) the lease is over.
 */
export class MessageLease {
  readonly messageId: string;
  #popReceipt: string;
  #chain: Promise<unknown> = Promise.resolve();
  #ended = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly queue: QueueClient, messageId: string, popReceipt: string) {
    this.messageId = messageId;
    this.#popReceipt = popReceipt;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Renews the visibility timeout every `everyMs`; `onLost` hears when that fails (another worker may have it now). */
  keepAlive({ visibilityTimeoutSec, everyMs, onLost }: { visibilityTimeoutSec: number; everyMs: number; onLost: (error: unknown) => void }): void {
    this.#timer = setInterval(() => {
      this.#enqueue(false, () => this.#update(visibilityTimeoutSec)).catch((error) => {
        if (this.#ended) return;
        this.#stopTimer();
        onLost(error);
      });
    }, everyMs);
    this.#timer.unref();
  }

  /** The job is done: remove the message. */
  delete(): Promise<void> {
    return this.#enqueue(true, async () => {
      await this.queue.deleteMessage(this.messageId, this.#popReceipt);
    });
  }

  /** Make the message visible again after `delaySec` (0: at once) for another delivery. */
  release(delaySec = 0): Promise<void> {
    return this.#enqueue(true, () => this.#update(delaySec));
  }

  /** Stop renewing without touching the message: it reappears when its timeout runs out. */
  abandon(): void {
    this.#stopTimer();
    this.#ended = true;
  }

  async #update(visibilityTimeoutSec: number): Promise<void> {
    const response = await this.queue.updateMessage(this.messageId, this.#popReceipt, undefined, visibilityTimeoutSec);
    if (response.popReceipt) this.#popReceipt = response.popReceipt;
  }

  #enqueue(final: boolean, operation: () => Promise<void>): Promise<void> {
    if (this.#ended) return Promise.reject(new Error(`lease of message ${this.messageId} already ended`));
    if (final) {
      this.#stopTimer();
      this.#ended = true;
    }
    const next = this.#chain.then(operation, operation);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
