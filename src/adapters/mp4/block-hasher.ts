import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** A running SHA-256 fed block by block; `update` settles when the hasher is done with the bytes. */
export interface BlockHasher {
  update(bytes: Uint8Array): Promise<void>;
  /** The hex digest of everything since the last digest; starts over. */
  digest(): Promise<string>;
  close(): Promise<void>;
}

/** On the calling thread: for jobs so small that a worker's start-up would cost more than it saves. */
export function inlineHasher(): BlockHasher {
  let hash = createHash('sha256');
  return {
    async update(bytes) {
      hash.update(bytes);
    },
    async digest() {
      const hex = hash.digest('hex');
      hash = createHash('sha256');
      return hex;
    },
    async close() {},
  };
}

/**
 * Plain JavaScript, so the worker needs no TypeScript loader. Blocks in SharedArrayBuffers are
 * hashed where they lie (a typed array over shared memory is shared, not copied, by postMessage).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = [];
parentPort.on('message', ({ id, stream, bytes }) => {
  try {
    hashes[stream] ??= createHash('sha256');
    if (bytes) {
      hashes[stream].update(bytes);
      parentPort.postMessage({ id });
    } else {
      parentPort.postMessage({ id, hex: hashes[stream].digest('hex') });
      hashes[stream] = null;
    }
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

/** Running SHA-256 streams in one worker thread, beside the reads and writes instead of between them. */
export interface WorkerHashers {
  hashers: BlockHasher[];
  close(): Promise<void>;
}

/**
 * `count` hashers sharing one worker thread: a worker costs 10-15 MB of memory, and on two cores
 * a second one made the copy no faster (the reads, writes and thumbnails fill the other core).
 */
export function workerHashers(count: number): WorkerHashers {
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
  const pending = new Map<number, { resolve: (hex: string | undefined) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let broken: Error | null = null;
  const failAll = (error: Error) => {
    broken ??= error;
    for (const { reject } of pending.values()) reject(broken);
    pending.clear();
  };
  worker.on('message', ({ id, hex, error }: { id: number; hex?: string; error?: string }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (error) waiter?.reject(new Error(`hashing: ${error}`));
    else waiter?.resolve(hex);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`hashing worker exited with ${code}`)));
  const send = (stream: number, bytes: Uint8Array | null) =>
    new Promise<string | undefined>((resolve, reject) => {
      if (broken) return reject(broken);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      if (bytes === null || bytes.buffer instanceof SharedArrayBuffer) {
        worker.postMessage({ id, stream, bytes });
      } else {
        // Bytes of our own memory are copied once, exactly sized, and handed over (Buffer's
        // slice would be a view: handing its buffer over would detach the caller's bytes).
        const copy = new Uint8Array(bytes);
        worker.postMessage({ id, stream, bytes: copy }, [copy.buffer]);
      }
    });
  const hashers = Array.from(
    { length: count },
    (_, stream): BlockHasher => ({
      async update(bytes) {
        await send(stream, bytes);
      },
      async digest() {
        return (await send(stream, null)) as string;
      },
      async close() {},
    }),
  );
  return {
    hashers,
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
      failAll(new Error('hashing worker closed'));
    },
  };
}
