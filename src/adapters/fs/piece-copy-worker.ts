/**
 * The two threads of `copyPieces`, as plain JavaScript so a worker needs no TypeScript loader.
 * They share a ring of blocks (SharedArrayBuffer) and hand blocks over with Atomics: the reader
 * reads each source once and hashes it, the writer hashes and writes the parts of each block the
 * pieces name. Synchronous calls are the point: each thread keeps its block hot in its core's
 * cache between the read (or hash) and the hash (or write), and no event loop sits in between.
 * The writer has the more work (its copy into the page cache costs more than the reader's out of
 * it), so when blocks pile up for it the reader writes the next one itself, at the same offset,
 * and the writer only hashes that one: both walk the pieces alike to know where they go.
 * A thread boots first and waits for its job, its one message (`startCopyThreads`).
 *
 * ctl: [0] blocks produced, [1] blocks consumed, [2] stop (1 aborted, 2 failed), [3] and [4]: the
 * produced and consumed counts at which the waiting side wants to be woken, [5] 1 once the writer
 * has created the output, [6] who is writing to the output (0 no one, 1 the writer, 2 the reader).
 * meta per slot: source index, position, length (0 = the source's end, -1 = the end of all), 1 if
 * the reader wrote the block's pieces.
 */
export const PIECE_COPY_WORKER_SOURCE = `
const { parentPort, MessageChannel } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
let job, ctl, meta, blocks, blockBytes, slots, REFILL;
const PRODUCED = 0, CONSUMED = 1, STOP = 2, WAKE_AT = 3, OUTPUT_CREATED = 5, WRITING = 6, META = 4;

// waits until ctl[index] reaches atLeast; the other side wakes it only then (ctl[WAKE_AT + index])
function waitFor(index, atLeast) {
  Atomics.store(ctl, WAKE_AT + index, atLeast);
  for (;;) {
    if (Atomics.load(ctl, STOP) !== 0) return false;
    const value = Atomics.load(ctl, index);
    if (value >= atLeast) return true;
    Atomics.wait(ctl, index, value, 200);
  }
}

function advance(index, value) {
  Atomics.store(ctl, index, value);
  if (value >= Atomics.load(ctl, WAKE_AT + index)) Atomics.notify(ctl, index);
}

// the pieces (or the parts of pieces) in source bytes [from, to), and the bytes pieces between them
function pieceWalk(pieceTable, pieceBytes) {
  const count = pieceTable.length / 3;
  let next = 0;
  return {
    count,
    get next() {
      return next;
    },
    take(source, from, to, block) {
      const segments = [];
      while (next < count) {
        const pieceSource = pieceTable[next * 3], start = pieceTable[next * 3 + 1], end = pieceTable[next * 3 + 2];
        if (pieceSource < 0) {
          segments.push(pieceBytes.subarray(start, end));
          next++;
          continue;
        }
        if (pieceSource !== source || (start >= to && end > start)) break;
        const first = Math.max(start, from), last = Math.min(end, to);
        if (last > first && block) segments.push(block.subarray(first - from, last - from));
        if (end > to) break;
        next++;
      }
      return segments;
    },
  };
}

function lengthOf(segments) {
  let length = 0;
  for (const segment of segments) length += segment.length;
  return length;
}

function read() {
  const output = { fd: -1 };
  try {
    return readSources(output);
  } finally {
    if (output.fd >= 0) fs.closeSync(output.fd);
  }
}

function readSources(output) {
  let k = 0;
  const walk = pieceWalk(job.pieceTable, job.pieceBytes);
  // where the next piece goes in the output, as the writer will count it
  let out = job.headLength + lengthOf(walk.take(-1, 0, 0, null));
  let blocksWritten = 0;
  const publish = (source, position, length, writtenHere) => {
    const slot = k % slots;
    meta[slot * META] = source;
    meta[slot * META + 1] = position;
    meta[slot * META + 2] = length;
    meta[slot * META + 3] = writtenHere ? 1 : 0;
    advance(PRODUCED, ++k);
  };
  // the writer is behind: this block's pieces are written here, from the core that just read them
  const writesHere = () => k - Atomics.load(ctl, CONSUMED) >= job.readerWritesAt && Atomics.load(ctl, OUTPUT_CREATED) === 1;
  // a free slot, waiting for half the ring when it is full; false once the copy is stopped
  const room = () => Atomics.load(ctl, STOP) === 0 && (k - Atomics.load(ctl, CONSUMED) < slots || waitFor(CONSUMED, k - slots + REFILL));
  for (const { index, file, size } of job.sources) {
    let fd;
    try {
      fd = fs.openSync(file, 'r');
    } catch (error) {
      throw Object.assign(new Error('cannot read the source: ' + error.message), { file, invalidInput: true });
    }
    const hash = createHash('sha256');
    try {
      for (let position = 0; position < size; ) {
        if (!room()) return;
        const at = (k % slots) * blockBytes;
        const want = Math.min(blockBytes, size - position);
        let got = 0;
        for (let n = 1; got < want && n > 0; got += n) n = fs.readSync(fd, blocks, at + got, want - got, position + got);
        if (got < want) throw Object.assign(new Error('the file ended at byte ' + (position + got) + ' while being read; it had ' + size + ' bytes'), { file, invalidInput: true });
        const block = blocks.subarray(at, at + got);
        hash.update(block);
        const segments = walk.take(index, position, position + got, block);
        const length = lengthOf(segments);
        // never while the writer writes: ext4 holds the file's lock through each write and the
        // thread kept waiting spins on it (up to 16% of a run's CPU in rwsem_spin_on_owner, perf)
        const writtenHere = length > 0 && writesHere() && Atomics.compareExchange(ctl, WRITING, 0, 2) === 0;
        if (writtenHere) {
          try {
            if (output.fd < 0) output.fd = fs.openSync(job.outFile, 'r+');
            writeAll(output.fd, segments, out);
          } finally {
            Atomics.store(ctl, WRITING, 0);
            Atomics.notify(ctl, WRITING);
          }
          blocksWritten++;
        }
        out += length;
        publish(index, position, got, writtenHere);
        position += got;
      }
      if (!room()) return;
      out += lengthOf(walk.take(index, size, size, null));
      publish(index, size, 0, false);
    } finally {
      fs.closeSync(fd);
    }
    parentPort.postMessage({ type: 'source', index, sha256: hash.digest('hex') });
  }
  if (!room()) return;
  publish(-1, 0, -1, false);
  return { type: 'done', blocksWritten };
}

function writeAll(fd, segments, position) {
  let rest = segments.filter((segment) => segment.length > 0);
  while (rest.length > 0) {
    let skip = fs.writevSync(fd, rest, position);
    if (skip === 0) throw new Error('writing at byte ' + position + ': nothing was written');
    position += skip;
    const left = [];
    for (const segment of rest) {
      if (skip >= segment.length) skip -= segment.length;
      else {
        left.push(skip > 0 ? segment.subarray(skip) : segment);
        skip = 0;
      }
    }
    rest = left;
  }
}

async function write() {
  const { outFile, head, totalSize, progressBytes } = job;
  const walk = pieceWalk(job.pieceTable, job.pieceBytes);
  const fd = fs.openSync(outFile, 'w');
  Atomics.store(ctl, OUTPUT_CREATED, 1);
  const hash = createHash('sha256');
  let written = 0;
  let reported = 0;
  // segments the reader wrote already are only hashed here
  const emit = (segments, writtenByReader) => {
    if (segments.length === 0) return;
    let length = 0;
    for (const segment of segments) {
      hash.update(segment);
      length += segment.length;
    }
    if (!writtenByReader) {
      // the reader's one block is written in well under a millisecond (once stopped, the output is discarded)
      while (Atomics.compareExchange(ctl, WRITING, 0, 1) !== 0 && Atomics.load(ctl, STOP) === 0) Atomics.wait(ctl, WRITING, 2, 50);
      try {
        writeAll(fd, segments, written);
      } finally {
        Atomics.store(ctl, WRITING, 0);
      }
    }
    written += length;
    if (written - reported >= progressBytes || written === totalSize) {
      reported = written;
      parentPort.postMessage({ type: 'progress', written });
    }
  };
  try {
    emit([head], false);
    // the head holds the moov (12 bytes a sample, 5 MB at 4 h): written, it goes back to the system
    // now, not when this thread exits after the copy. A buffer transferred on a closed channel is
    // freed once the channel's close completes, which takes one turn of this thread's event loop
    // (freeBuffersNow in table-arena.ts does the same on the main thread; this source imports nothing)
    if (head.buffer instanceof ArrayBuffer) {
      const { port1, port2 } = new MessageChannel();
      port1.postMessage(null, [head.buffer]);
      port1.close();
      port2.close();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    emit(walk.take(-1, 0, 0, null), false);
    for (let k = 0; ; k++) {
      if (!waitFor(PRODUCED, k + 1)) return;
      const slot = k % slots;
      const source = meta[slot * META], position = meta[slot * META + 1], length = meta[slot * META + 2];
      if (length < 0) break;
      const block = length > 0 ? blocks.subarray(slot * blockBytes, slot * blockBytes + length) : null;
      emit(walk.take(source, position, position + length, block), meta[slot * META + 3] === 1);
      advance(CONSUMED, k + 1);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (walk.next !== walk.count) throw new Error('piece ' + walk.next + ' was never reached');
  return { type: 'done', sha256: hash.digest('hex'), written };
}

parentPort.once('message', async (message) => {
  job = message;
  ({ blockBytes, slots } = job);
  ctl = new Int32Array(job.ctlBuffer);
  meta = new Float64Array(job.metaBuffer);
  blocks = Buffer.from(job.ring);
  // the reader waits for half the ring, not one slot: one wake-up per half ring, not per block
  REFILL = Math.max(1, slots >> 1);
  try {
    parentPort.postMessage((job.role === 'read' ? read() : await write()) ?? { type: 'stopped' });
  } catch (error) {
    Atomics.store(ctl, STOP, 2);
    Atomics.notify(ctl, PRODUCED);
    Atomics.notify(ctl, CONSUMED);
    parentPort.postMessage({ type: 'error', message: String((error && error.message) || error), file: error && error.file, invalidInput: !!(error && error.invalidInput) });
  }
});
`;
