import { randomUUID } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';
import { silentLogger, type Logger } from '../logger.ts';
import { SUBSCRIPTION_VALIDATION_EVENT_TYPE } from '../schemas/recording-event.ts';
import { redactUrl } from '../adapters/http/hosts.ts';
import { sleep, backoffDelayMs } from '../adapters/http/retry.ts';

export interface Sinks {
  webhooks: string[];
  queue?: { connectionString: string; name: string };
}

export type EventGridEvent = Record<string, unknown> & { id: string; eventType: string };

/**
 * Delivers events the way Event Grid does: to a webhook as an array with `aeg-event-type:
 * Notification` (after the SubscriptionValidation handshake), to a Storage Queue as base64 JSON,
 * one event per message.
 */
export class EventPublisher {
  private readonly validated = new Map<string, Promise<void>>();
  private queueClient: QueueClient | null = null;
  private queueReady: Promise<void> | null = null;
  private readonly closing = new AbortController();

  constructor(
    private readonly sinks: Sinks,
    private readonly logger: Logger = silentLogger,
    private readonly topic = '/emulator',
  ) {
    if (sinks.queue) this.queueClient = new QueueClient(sinks.queue.connectionString, sinks.queue.name);
  }

  /** Stops retrying deliveries (shutdown must not wait for an unreachable webhook). */
  close(): void {
    this.closing.abort(new Error('the emulator is shutting down'));
  }

  async publish(event: EventGridEvent): Promise<void> {
    const deliveries = this.sinks.webhooks.map((url) => this.toWebhook(url, event));
    if (this.queueClient) deliveries.push(this.toQueue(this.queueClient, event));
    const results = await Promise.allSettled(deliveries);
    for (const r of results) if (r.status === 'rejected') this.logger.error('event delivery failed', { eventId: event.id, error: String((r.reason as Error)?.message ?? r.reason) });
  }

  private async post(url: string, body: unknown, eventType: 'Notification' | 'SubscriptionValidation'): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': eventType, 'aeg-subscription-name': 'ACSREC-EMULATOR', 'aeg-delivery-count': '0' },
      body: JSON.stringify(body),
      signal: AbortSignal.any([AbortSignal.timeout(30_000), this.closing.signal]),
    });
  }

  /** The handshake Event Grid performs before the first delivery: the endpoint echoes the code. */
  private validate(url: string): Promise<void> {
    let pending = this.validated.get(url);
    if (!pending) {
      pending = (async () => {
        const validationCode = randomUUID();
        const response = await this.post(
          url,
          [
            {
              id: randomUUID(),
              topic: this.topic,
              subject: '',
              eventType: SUBSCRIPTION_VALIDATION_EVENT_TYPE,
              eventTime: new Date().toISOString(),
              data: { validationCode, validationUrl: null },
              dataVersion: '1',
              metadataVersion: '1',
            },
          ],
          'SubscriptionValidation',
        );
        const answer = (await response.json().catch(() => null)) as { validationResponse?: string } | null;
        if (!response.ok || answer?.validationResponse !== validationCode) {
          throw new Error(`webhook ${redactUrl(url)} did not answer the SubscriptionValidation handshake (HTTP ${response.status})`);
        }
        this.logger.info('webhook validated', { url: redactUrl(url) });
      })();
      this.validated.set(url, pending);
      pending.catch(() => this.validated.delete(url));
    }
    return pending;
  }

  private async toWebhook(url: string, event: EventGridEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.validate(url);
        const response = await this.post(url, [event], 'Notification');
        await response.body?.cancel();
        if (response.ok) {
          this.logger.info('event delivered to webhook', { url: redactUrl(url), eventId: event.id });
          return;
        }
        throw new Error(`HTTP ${response.status}`);
      } catch (error) {
        if (attempt >= 5 || this.closing.signal.aborted) throw new Error(`webhook ${redactUrl(url)}: ${(error as Error).message}`);
        await sleep(backoffDelayMs(attempt, { baseMs: 1000, maxMs: 10_000 }), this.closing.signal).catch(() => undefined);
      }
    }
  }

  private async toQueue(client: QueueClient, event: EventGridEvent): Promise<void> {
    this.queueReady ??= client.createIfNotExists().then(() => undefined);
    await this.queueReady;
    await client.sendMessage(Buffer.from(JSON.stringify(event), 'utf8').toString('base64'));
    this.logger.info('event delivered to queue', { queue: client.name, eventId: event.id });
  }
}
