import http from 'node:http';
import https from 'node:https';
import { signLocationRequest, signRequest } from './hmac.ts';

export interface SignedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One small HMAC-signed request with its whole (small) response body in memory: control calls, deletes. */
export function signedRequest(input: {
  method: string;
  url: URL;
  accessKey: string;
  body?: string;
  headers?: Record<string, string>;
  /** Sign as a request to a recording location of this endpoint (see signLocationRequest). */
  locationOf?: URL;
  timeoutMs?: number;
  signal?: AbortSignal;
}): Promise<SignedResponse> {
  const body = input.body ?? '';
  const signed = input.locationOf
    ? signLocationRequest({ method: input.method, url: input.url, endpoint: input.locationOf, accessKey: input.accessKey })
    : signRequest({ method: input.method, url: input.url, accessKey: input.accessKey, body });
  const headers: Record<string, string> = { ...input.headers, ...signed };
  if (body) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const transport = input.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(input.url, { method: input.method, headers, signal: input.signal }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (c: Buffer) => parts.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts) }));
      response.on('error', reject);
    });
    request.setTimeout(input.timeoutMs ?? 30_000, () => request.destroy(new Error(`no response for ${input.timeoutMs ?? 30_000} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
