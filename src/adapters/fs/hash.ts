import { startWorker } from '../v8/young-generation.ts';

/**
 * Runs in a worker thread: hashing gigabytes on the main thread (one synchronous update per MB)
 * would stall the frame copying and thumbnail work that run alongside. Plain JavaScript, so the
 * worker needs no TypeScript loader.
 */
const HASH_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, fstatSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
try {
  const fd = openSync(workerData.file, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(1 << 20);
    let read;
    while ((read = readSync(fd, buffer, 0, buffer.length, null)) > 0) hash.update(buffer.subarray(0, read));
    parentPort.postMessage({ sha256: hash.digest('hex'), sizeBytes: fstatSync(fd).size });
  } finally {
    closeSync(fd);
  }
} catch (error) {
  parentPort.postMessage({ error: { message: error.message, code: error.code, errno: error.errno, syscall: error.syscall, path: error.path } });
}
`;

/** SHA-256 and size of a file, read and hashed in a worker thread. */
export function hashFile(file: string): Promise<{ sha256: string; sizeBytes: number }> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(HASH_WORKER_SOURCE, { workerData: { file } });
    let settled = false;
    worker.once('message', (message: { sha256: string; sizeBytes: number } | { error: { message: string } & Record<string, unknown> }) => {
      settled = true;
      if ('error' in message) reject(Object.assign(new Error(message.error.message), message.error));
      else resolve(message);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`hashing ${file}: worker exited with ${code}`));
    });
  });
}
