import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

/** A real HTTP server on 127.0.0.1 whose answers the test scripts, recording every request. */
export async function startScriptedServer(handler: (request: IncomingMessage, response: ServerResponse, n: number) => void) {
  const seen: SeenRequest[] = [];
  const server = http.createServer((request, response) => {
    seen.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers });
    handler(request, response, seen.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Bytes that pass the MP4 start check: an `ftyp` box, then filler. */
export function fakeMp4(size: number): Buffer {
  const data = Buffer.alloc(size);
  data.writeUInt32BE(24, 0);
  data.write('ftypisom', 4, 'latin1');
  for (let i = 24; i < size; i++) data[i] = i % 251;
  return data;
}

/** Serves `data` honouring `Range: bytes=a-`. */
export function serveBytes(request: IncomingMessage, response: ServerResponse, data: Buffer, contentType = 'video/mp4'): void {
  const match = /^bytes=(\d+)-$/.exec(String(request.headers.range ?? ''));
  if (match) {
    const start = Number(match[1]);
    response.writeHead(206, { 'content-type': contentType, 'content-length': String(data.length - start), 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` });
    response.end(data.subarray(start));
    return;
  }
  response.writeHead(200, { 'content-type': contentType, 'content-length': String(data.length) });
  response.end(data);
}
