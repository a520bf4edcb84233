import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  eventType: string | undefined;
  body: unknown;
}

/** An Event Grid webhook endpoint: answers the validation handshake, records every delivery. */
export async function startWebhook(): Promise<{ url: string; deliveries: ReceivedDelivery[]; close(): Promise<void> }> {
  const deliveries: ReceivedDelivery[] = [];
  const server = http.createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (c: Buffer) => parts.push(c));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Array<{ eventType: string; data: { validationCode?: string } }>;
      const eventType = request.headers['aeg-event-type'] as string | undefined;
      deliveries.push({ eventType, body });
      response.writeHead(200, { 'content-type': 'application/json' });
      if (eventType === 'SubscriptionValidation') response.end(JSON.stringify({ validationResponse: body[0]!.data.validationCode }));
      else response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    deliveries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
