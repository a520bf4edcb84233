import { createCommunicationAccessKeyCredentialPolicy } from '@azure/communication-common';
import { AzureKeyCredential } from '@azure/core-auth';
import { createHttpHeaders, createPipelineRequest, type PipelineRequest } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { CallAutomationClient } from '@azure/communication-call-automation';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { parseConnectionString, signLocationRequest, signRequest, verifySignature } from '../src/adapters/http/hmac.ts';

const KEY = Buffer.from('a test key that is long enough for hmac').toString('base64');

/** Runs the official policy over a request and returns the headers it set. */
async function officialHeaders(method: 'GET' | 'POST' | 'DELETE', url: string, body?: string): Promise<Record<string, string>> {
  const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY));
  const request = createPipelineRequest({ url, method, headers: createHttpHeaders(), body });
  let seen: PipelineRequest | undefined;
  await policy.sendRequest(request, async (r) => {
    seen = r;
    return { request: r, status: 200, headers: createHttpHeaders() };
  });
  return seen!.headers.toJSON();
}

describe('signRequest', () => {
  it.each([
    ['GET', 'https://contoso.communication.azure.com/recording/download/doc-1', undefined],
    ['GET', 'http://127.0.0.1:43111/recording/download/doc-1/metadata', undefined],
    ['POST', 'https://contoso.communication.azure.com/calling/recordings?api-version=2026-03-12', '{"callLocator":{"kind":"serverCallLocator","serverCallId":"x"}}'],
    ['DELETE', 'https://eu.asm.skype.com/v1/objects/0-eu-d1-abc?a=1&b=%2Fx', undefined],
  ] as const)('%s %s matches @azure/communication-common', async (method, url, body) => {
    const official = await officialHeaders(method, url, body);
    const ours = signRequest({ method, url: new URL(url), accessKey: KEY, body, date: new Date(official['x-ms-date']!) });
    expect(ours.authorization).toBe(official.authorization);
    expect(ours['x-ms-content-sha256']).toBe(official['x-ms-content-sha256']);
    expect(ours['x-ms-date']).toBe(official['x-ms-date']);
    expect(ours.host).toBe(official.host);
  });

  it('is accepted by verifySignature, and a changed path, body or key is not', () => {
    const url = new URL('http://127.0.0.1:5000/calling/recordings?api-version=1');
    const body = '{"a":1}';
    const headers = signRequest({ method: 'POST', url, accessKey: KEY, body });
    expect(verifySignature({ method: 'POST', url, headers, body: Buffer.from(body), accessKey: KEY })).toEqual({ valid: true });
    expect(verifySignature({ method: 'POST', url: new URL('http://127.0.0.1:5000/calling/recordings/x'), headers, body: Buffer.from(body), accessKey: KEY }).valid).toBe(false);
    expect(verifySignature({ method: 'POST', url, headers, body: Buffer.from('{"a":2}'), accessKey: KEY }).valid).toBe(false);
    expect(verifySignature({ method: 'POST', url, headers, body: Buffer.from(body), accessKey: Buffer.from('other').toString('base64') }).valid).toBe(false);
    expect(verifySignature({ method: 'POST', url, headers: {}, body: Buffer.from(body), accessKey: KEY }).valid).toBe(false);
    const old = signRequest({ method: 'POST', url, accessKey: KEY, body, date: new Date(Date.now() - 3_600_000) });
    expect(verifySignature({ method: 'POST', url, headers: old, body: Buffer.from(body), accessKey: KEY }).valid).toBe(false);
  });
});

describe('signLocationRequest', () => {
  it.each([
    ['download', 'https://us-storage.asm.skype.com/v1/objects/0-wus-d4-abc/content/video'],
    ['download with a query', 'https://eu-storage.asm.skype.com/v1/objects/0-weu-d1-def/content/acsmetadata?sig=x&a=1'],
    ['delete', 'https://us-storage.asm.skype.com/v1/objects/0-wus-d4-abc'],
  ])('signs a %s exactly as the call-automation SDK\'s ContentDownloader', async (kind, location) => {
    const seen: Array<{ url: string; headers: Record<string, string> }> = [];
    const httpClient: HttpClient = {
      async sendRequest(request) {
        seen.push({ url: request.url, headers: request.headers.toJSON() });
        return { request, status: 200, headers: createHttpHeaders(), readableStreamBody: Readable.from([Buffer.from('x')]), bodyAsText: '' };
      },
    };
    const client = new CallAutomationClient(`endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}`, { httpClient } as never);
    const recording = client.getCallRecording();
    if (kind === 'delete') await recording.delete(location);
    else await recording.downloadStreaming(location);
    const official = seen.at(-1)!;
    expect(official.url).toBe(location);
    const ours = signLocationRequest({ method: kind === 'delete' ? 'DELETE' : 'GET', url: new URL(location), endpoint: new URL('https://contoso.communication.azure.com/'), accessKey: KEY, date: new Date(official.headers['x-ms-date']!) });
    for (const name of ['authorization', 'x-ms-content-sha256', 'x-ms-date', 'x-ms-host', 'host']) expect([name, ours[name]]).toEqual([name, official.headers[name]]);
  });
});

describe('parseConnectionString', () => {
  it('reads endpoint and key in any case and order', () => {
    const parsed = parseConnectionString(`AccessKey=${KEY};Endpoint=https://contoso.communication.azure.com/`);
    expect(parsed.endpoint.host).toBe('contoso.communication.azure.com');
    expect(parsed.accessKey).toBe(KEY);
  });

  it.each([
    ['endpoint=https://x.example/'],
    [`accesskey=${KEY}`],
    [`endpoint=not a url;accesskey=${KEY}`],
    [`endpoint=ftp://x.example/;accesskey=${KEY}`],
    ['endpoint=https://x.example/;accesskey=s3cr3t!!'],
  ])('refuses %s without repeating the key', (value) => {
    let message = '';
    try {
      parseConnectionString(value);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^ACS_CONNECTION_STRING: /);
    expect(message).not.toContain(KEY);
    expect(message).not.toContain('s3cr3t');
  });
});
