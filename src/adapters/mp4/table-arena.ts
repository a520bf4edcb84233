import { MessageChannel } from 'node:worker_threads';
import type { SampleTable } from '../../types/mp4.ts';
import { sampleTableOf } from './sample-tables.ts';

/** glibc's mmap threshold rises to at most 32 MiB, so a block this large is always mapped on its own. */
const BLOCK_BYTES = 32 << 20;
/** dts and offsets (8), durations, compositionOffsets, sizes (4), descriptionIndex (2), sync (1). */
const BYTES_PER_SAMPLE = 31;

/**
 * Frees array buffers now, not at the next garbage collection: they are transferred to a message
 * that is never received, and closing its channel frees them. Each is left detached (length 0).
 */
export function freeBuffersNow(buffers: ArrayBuffer[]): void {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(null, buffers);
  port1.close();
  port2.close();
}

/**
 * Detaches one buffer of no use, for a process that frees buffers now (`freeBuffersNow`) later.
 * V8's optimised code assumes no array buffer was ever detached until one is, and then throws all
 * of that code away at once: the copy's first release did, and the verify's probe ran cold again
 * (34 -> 84 ms at 1 h, with 0.2 s of recompiling). Called before any code is optimised, it costs
 * nothing of the kind.
 */
export function detachABufferFirst(): void {
  freeBuffersNow([new ArrayBuffer(8)]);
}

/**
 * Memory for the sample tables of many files that goes back to the system at once, without
 * waiting for a garbage collection. Tables of their own arrays land in glibc's heap in pieces of
 * 5-38 KB, and freed there they stayed resident for the rest of the run; here they are views into
 * blocks mapped on their own, and `release` unmaps those (`freeBuffersNow`).
 */
export class SampleTableArena {
  private readonly blocks: ArrayBuffer[] = [];
  private block: ArrayBuffer | null = null;
  private used = 0;
  private released = false;

  /** A table of `count` samples, every field 0, in the arena's memory. */
  table(count: number): SampleTable {
    if (this.released) throw new Error('the sample table arena was released');
    const bytes = Math.ceil((count * BYTES_PER_SAMPLE) / 8) * 8;
    if (!this.block || this.used + bytes > this.block.byteLength) {
      this.block = new ArrayBuffer(Math.max(BLOCK_BYTES, bytes));
      this.blocks.push(this.block);
      this.used = 0;
    }
    const block = this.block;
    let at = this.used;
    const take = <T>(make: (buffer: ArrayBuffer, offset: number, length: number) => T, width: number): T => {
      const view = make(block, at, count);
      at += width * count;
      return view;
    };
    const table = sampleTableOf({
      count,
      dts: take((b, o, n) => new Float64Array(b, o, n), 8),
      offsets: take((b, o, n) => new Float64Array(b, o, n), 8),
      durations: take((b, o, n) => new Uint32Array(b, o, n), 4),
      compositionOffsets: take((b, o, n) => new Int32Array(b, o, n), 4),
      sizes: take((b, o, n) => new Uint32Array(b, o, n), 4),
      descriptionIndex: take((b, o, n) => new Uint16Array(b, o, n), 2),
      sync: take((b, o, n) => new Uint8Array(b, o, n), 1),
    });
    this.used += bytes;
    return table;
  }

  /** Bytes the arena holds (mapped, not all of it touched). */
  get reservedBytes(): number {
    return this.blocks.reduce((sum, b) => sum + b.byteLength, 0);
  }

  /** Gives the memory back now; every table it made is left with empty (detached) arrays, never pointing at freed memory. */
  release(): void {
    if (this.released) return;
    this.released = true;
    // the tables' fields are not written: their views read as empty once the blocks are detached,
    // and a write to a field of one table throws away the optimised code that reads any of them
    // as constants (V8's field constness; their count is stale and they must not be read again)
    freeBuffersNow(this.blocks);
    this.blocks.length = 0;
    this.block = null;
  }
}
