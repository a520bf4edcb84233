import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/** The ways real download requests fail. */
export const FAULT_KINDS = ['http-500', 'http-429', 'reset', 'cut-short', 'html-200', 'empty-200'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Decides which download requests fail: exactly a `rate` share of them, spread evenly (an
 * accumulator, not dice, so that a test run never gets lucky and meets no fault), the kinds taken
 * in turn so that even a short run meets each of them.
 */
export class FaultInjector {
  private next = 0;
  private accumulated = 0;
  readonly counts: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;

  constructor(public rate: number) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`fault rate must be within 0..1, got ${rate}`);
  }

  pick(): FaultKind | null {
    this.accumulated += this.rate;
    if (this.accumulated < 1 - 1e-9) return null;
    this.accumulated -= 1;
    const kind = FAULT_KINDS[this.next++ % FAULT_KINDS.length]!;
    this.counts[kind]++;
    return kind;
  }
}

/** Answers a request the faulty way; `correct` describes the right answer (cut-short sends its first half). */
export function answerWithFault(kind: FaultKind, request: IncomingMessage, response: ServerResponse, correct: { contentType: string; totalBytes: number; firstHalf: () => Readable }): void {
  switch (kind) {
    case 'http-500':
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 'InternalServerError', message: 'emulated failure', target: null, details: [] }));
      return;
    case 'http-429':
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      response.end(JSON.stringify({ code: 'TooManyRequests', message: 'emulated throttling', target: null, details: [] }));
      return;
    case 'reset':
      request.socket.destroy();
      return;
    case 'cut-short': {
      response.writeHead(200, { 'content-type': correct.contentType, 'content-length': String(correct.totalBytes) });
      const half = correct.firstHalf();
      half.on('end', () => setTimeout(() => request.socket.destroy(), 20));
      half.pipe(response, { end: false });
      return;
    }
    case 'html-200': {
      const page = '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>The service is temporarily unavailable</h1></body></html>';
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(page)) });
      response.end(page);
      return;
    }
    case 'empty-200':
      response.writeHead(200, { 'content-type': correct.contentType, 'content-length': '0' });
      response.end();
      return;
  }
}
