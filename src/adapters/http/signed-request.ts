import http from 'node:http';
import https from 'node:https';
import { signRequest } from './hmac.ts';

export interface SignedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One small HMAC-signed request with its whole (small) response body in memory: control calls, deletes. */
export function signedRequest(input: { method: string; url: URL; accessKey: string; body?: string; timeoutMs?: number; signal?: AbortSignal }): Promise<SignedResponse> {
  const body = input.body ?? '';
  const headers: Record<string, string> = { ...signRequest({ method: input.method, url: input.url, accessKey: input.accessKey, body }) };
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
