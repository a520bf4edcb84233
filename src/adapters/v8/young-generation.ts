import { setFlagsFromString } from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const HOLD = '--semi-space-growth-factor=1';
let held = false;

/**
 * Keeps V8's young generation at its size for the rest of the process. By default it doubles
 * whenever enough objects survive its collections, and the probe of a long recording (hundreds of
 * thousands of samples, read before V8 optimises the loops) grew it to 8-16 MB that stayed
 * committed through the copy: the peak grew with the recording's length. The growth factor is read
 * each time the space would grow, so setting it now takes effect (the other heap sizes are fixed
 * when the isolate starts).
 */
export function keepYoungGenerationSmall(): void {
  held = true;
  setFlagsFromString(HOLD);
}

/**
 * A worker thread running `source` (plain JavaScript) that sets the hold again as its first
 * statement: a worker's start enforces V8's flag implications again, which puts the growth factor
 * back to its minimum of 2 (the flags are the process's, not the isolate's), and since the copy's
 * threads boot before the probe the hold had no effect on a recording (node's peak at 4 h 113-116 MB,
 * with the hold set again 105-106; 1 h 104 -> 99-100 MB). From the worker, not on its 'online'
 * event, which waits for the main thread to finish what it runs meanwhile. Collections on the
 * main thread while the worker boots (40-50 ms on a busy 2-core machine) still grow the space
 * under the factor of 2, so what runs beside the boot matters: started before discover (and the
 * schemas' construction), the copy's threads left it at 4-8 MB, after it at 2 (process-directory.ts).
 */
export function startWorker(source: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const hold = held ? `require('node:v8').setFlagsFromString('${HOLD}');\n` : '';
  return new Worker(hold + source, { eval: true, execArgv: [], ...options });
}
