import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Logger } from '../logger.ts';
import { answerWithFault, type FaultInjector } from './faults.ts';
import type { StoredDocument } from './service.ts';

/** `GET /recording/download/{documentId}[/metadata]`: Range requests, and the configured faults. */
export function serveDocument(input: { request: IncomingMessage; response: ServerResponse; doc: StoredDocument; isMetadata: boolean; faults: FaultInjector; logger: Logger }): void {
  const { request, response, doc, isMetadata } = input;
  const contentType = isMetadata ? 'application/json' : doc.contentType;
  const total = isMetadata ? doc.metadata.length : doc.mediaSize;
  const slice = (start: number, end: number): Readable =>
    isMetadata ? Readable.from([doc.metadata.subarray(start, end + 1)]) : createReadStream(doc.mediaFile, { start, end });

  const fault = input.faults.pick();
  if (fault) {
    input.logger.info('injecting download fault', { fault, documentId: doc.documentId, metadata: isMetadata });
    return answerWithFault(fault, request, response, { contentType, totalBytes: total, firstHalf: () => slice(0, Math.max(0, Math.floor(total / 2) - 1)) });
  }
  const range = /^bytes=(\d+)-(\d*)$/.exec(String(request.headers.range ?? '').trim());
  let start = 0;
  let end = total - 1;
  const headers: Record<string, string> = { 'content-type': contentType, 'accept-ranges': 'bytes' };
  if (range) {
    start = Number(range[1]);
    end = range[2] ? Math.min(Number(range[2]), total - 1) : total - 1;
    if (start >= total || end < start) {
      response.writeHead(416, { 'content-range': `bytes */${total}` });
      response.end();
      return;
    }
    headers['content-range'] = `bytes ${start}-${end}/${total}`;
  }
  headers['content-length'] = String(end - start + 1);
  response.writeHead(range ? 206 : 200, headers);
  slice(start, end).pipe(response);
}
