import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { UsageError } from '../../errors.ts';

/** `endpoint=https://...;accesskey=...` as ACS hands it out. */
export interface AcsCredentials {
  endpoint: URL;
  /** The base64 access key; never logged. */
  accessKey: string;
}

/** Parses an ACS connection string; the error never repeats the string (it holds the key). */
export function parseConnectionString(value: string): AcsCredentials {
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const endpointText = parts.get('endpoint');
  const accessKey = parts.get('accesskey');
  if (!endpointText || !accessKey) throw new UsageError('ACS_CONNECTION_STRING: expected endpoint=https://...;accesskey=...');
  let endpoint: URL;
  try {
    endpoint = new URL(endpointText);
  } catch {
    throw new UsageError('ACS_CONNECTION_STRING: the endpoint is not a URL');
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') throw new UsageError('ACS_CONNECTION_STRING: the endpoint must be http(s)');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(accessKey)) throw new UsageError('ACS_CONNECTION_STRING: the access key is not base64');
  return { endpoint, accessKey };
}

export function sha256Base64(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('base64');
}

/** Path and query as the SDK policy signs them: the query re-serialised by URLSearchParams. */
export function signedPathAndQuery(url: URL): string {
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

export function stringToSign(input: { method: string; url: URL; date: string; contentHash: string }): string {
  return `${input.method.toUpperCase()}\n${signedPathAndQuery(input.url)}\n${input.date};${input.url.host};${input.contentHash}`;
}

export function hmacSignature(accessKey: string, text: string): string {
  return createHmac('sha256', Buffer.from(accessKey, 'base64')).update(text, 'utf8').digest('base64');
}

/**
 * The headers `@azure/communication-common`'s createCommunicationAccessKeyCredentialPolicy adds:
 * HMAC-SHA256 over verb, path+query, and `x-ms-date;host;x-ms-content-sha256`.
 */
export function signRequest(input: { method: string; url: URL; accessKey: string; body?: string | Buffer; date?: Date }): Record<string, string> {
  const date = (input.date ?? new Date()).toUTCString();
  const contentHash = sha256Base64(input.body ?? '');
  const signature = hmacSignature(input.accessKey, stringToSign({ method: input.method, url: input.url, date, contentHash }));
  return {
    host: input.url.host,
    'x-ms-date': date,
    'x-ms-content-sha256': contentHash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/** Checks a signed request as the service would (used by the emulator). */
export function verifySignature(input: {
  method: string;
  /** Absolute URL built from the request line and its Host header. */
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  accessKey: string;
  now?: Date;
  maxSkewMs?: number;
}): SignatureCheck {
  const header = (name: string) => {
    const v = input.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const authorization = header('authorization');
  const date = header('x-ms-date') ?? header('date');
  const contentHash = header('x-ms-content-sha256');
  if (!authorization) return { valid: false, reason: 'missing Authorization header' };
  const match = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(authorization);
  if (!match) return { valid: false, reason: 'Authorization is not HMAC-SHA256' };
  if (match[1]!.toLowerCase() !== 'x-ms-date;host;x-ms-content-sha256') return { valid: false, reason: 'unexpected SignedHeaders' };
  if (!date || !contentHash) return { valid: false, reason: 'missing x-ms-date or x-ms-content-sha256' };
  const skew = Math.abs((input.now ?? new Date()).getTime() - Date.parse(date));
  if (!(skew <= (input.maxSkewMs ?? 15 * 60_000))) return { valid: false, reason: 'x-ms-date is missing or too far from now' };
  if (sha256Base64(input.body) !== contentHash) return { valid: false, reason: 'x-ms-content-sha256 does not match the body' };
  const expected = Buffer.from(hmacSignature(input.accessKey, stringToSign({ method: input.method, url: input.url, date, contentHash })));
  const actual = Buffer.from(match[2]!);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { valid: false, reason: 'signature does not match' };
  return { valid: true };
}

/**
 * How `@azure/communication-call-automation`'s ContentDownloader signs a request to a recording
 * location (contentLocation, metadataLocation, deleteLocation), which lives on another host than
 * the endpoint (`*.asm.skype.com`): the signature covers the endpoint's host and the location's
 * path without query; the request goes to the location with `x-ms-host: <endpoint host>`.
 */
export function signLocationRequest(input: { method: string; url: URL; endpoint: URL; accessKey: string; date?: Date }): Record<string, string> {
  const signingUrl = new URL(`${input.endpoint.origin}${input.url.pathname}`);
  const headers = signRequest({ method: input.method, url: signingUrl, accessKey: input.accessKey, date: input.date });
  return { ...headers, host: input.url.host, 'x-ms-host': input.endpoint.host };
}
