import type { SampleTable } from '../../types/mp4.ts';
import { findChild, fullBox, MalformedBoxError, need, type BoxSpan } from './boxes.ts';
import { readUint32sBE } from './boxes/uint32-be.ts';
import type { SampleTableArena } from './table-arena.ts';

/** DataView's getters, not Buffer's readUInt32BE: a four-hour recording's chunks hold 500k table entries. */
const viewOf = (buf: Buffer) => new DataView(buf.buffer, buf.byteOffset, buf.byteLength);

/**
 * A sample table with its fields in the one order every table is built in, whatever made it (a
 * moov, fragments, the arena): V8 then gives all tables one shape and the per-sample readers stay
 * monomorphic. Built in another order, the output's tables deoptimised the readers the chunks had
 * warmed, and the verify's probe ran cold again (alone 105-133 -> 34-91 ms at 1 h; the verify stage
 * 168 -> 142 ms, means of 6 alternated runs on a slow day).
 */
export function sampleTableOf(t: SampleTable): SampleTable {
  return { count: t.count, dts: t.dts, offsets: t.offsets, durations: t.durations, compositionOffsets: t.compositionOffsets, sizes: t.sizes, descriptionIndex: t.descriptionIndex, sync: t.sync };
}

/** A table of `count` samples, all fields 0; `sizes` when given is taken as it is, not copied. */
export function emptySampleTable(count = 0, sizes: Uint32Array = new Uint32Array(count)): SampleTable {
  return sampleTableOf({
    count,
    dts: new Float64Array(count),
    offsets: new Float64Array(count),
    durations: new Uint32Array(count),
    compositionOffsets: new Int32Array(count),
    sizes,
    descriptionIndex: new Uint16Array(count),
    sync: new Uint8Array(count),
  });
}

/**
 * Reads stsz/stz2, stsc, stco/co64, stts, ctts and stss of an stbl box into typed arrays, as the
 * spec defines them (ISO/IEC 14496-12 8.6-8.7): sample i lasts stts's delta for i, a missing stss
 * makes every sample a sync sample, ctts v1 offsets are signed (read signed for v0 too, as ffmpeg does).
 */
export function readSampleTables(buf: Buffer, stbl: BoxSpan, arena?: SampleTableArena): SampleTable {
  const child = (type: string) => findChild(buf, stbl, type);
  const sizes = readSizes(buf, child('stsz') ?? child('stz2'));
  const count = sizes.length;
  const table = arena ? arena.table(count) : emptySampleTable(count, sizes);
  if (arena) table.sizes.set(sizes);
  if (count === 0) return table;

  const chunkOffsets = readChunkOffsets(buf, child('stco') ?? child('co64'));
  const stsc = child('stsc');
  if (!stsc) throw new MalformedBoxError('the sample table has samples but no stsc');
  const { fields: scFields } = fullBox(buf, stsc);
  const runs = buf.readUInt32BE(scFields);
  need(stsc, scFields + 4, runs * 12);
  const sample = placeSamples(viewOf(buf), scFields + 4, runs, chunkOffsets, sizes, table.offsets, table.descriptionIndex);
  if (sample < count) throw new MalformedBoxError(`stsc and the chunk offsets place ${sample} of ${count} samples`);

  readDurations(buf, child('stts'), table);
  const ctts = child('ctts');
  if (ctts) readCompositionOffsets(buf, ctts, table);
  const stss = child('stss');
  if (stss) readSyncSamples(buf, stss, table);
  else table.sync.fill(1);
  return table;
}

/**
 * Each sample's offset and description from stsc's runs over the chunk offsets; returns how many
 * samples it placed. The per-sample loops of a table each live in a small function of typed arrays
 * and numbers: V8 then optimises each one once, where inlined into readSampleTables the whole of it
 * was compiled, left for code it had not run yet and compiled again (55 ms of TurboFan at 1 h).
 */
function placeSamples(view: DataView, at: number, runs: number, chunkOffsets: Uint32Array | Float64Array, sizes: Uint32Array, offsets: Float64Array, descriptionIndex: Uint16Array): number {
  const count = sizes.length;
  let sample = 0;
  for (let run = 0; run < runs && sample < count; run++) {
    const entry = at + run * 12;
    const firstChunk = view.getUint32(entry);
    const perChunk = view.getUint32(entry + 4);
    const description = view.getUint32(entry + 8);
    const lastChunk = run + 1 < runs ? view.getUint32(entry + 12) - 1 : chunkOffsets.length;
    for (let chunk = firstChunk; chunk <= lastChunk && sample < count; chunk++) {
      if (chunk < 1 || chunk > chunkOffsets.length) throw new MalformedBoxError(`stsc names chunk ${chunk} but the chunk offset table has ${chunkOffsets.length}`);
      let offset = chunkOffsets[chunk - 1];
      for (let k = 0; k < perChunk && sample < count; k++, sample++) {
        offsets[sample] = offset;
        descriptionIndex[sample] = description;
        offset += sizes[sample];
      }
    }
  }
  return sample;
}

function readSizes(buf: Buffer, box: BoxSpan | undefined): Uint32Array {
  if (!box) return new Uint32Array(0);
  const { fields } = fullBox(buf, box);
  need(box, fields, 8);
  const count = buf.readUInt32BE(fields + 4);
  if (box.type === 'stsz') {
    const constant = buf.readUInt32BE(fields);
    if (constant) return new Uint32Array(count).fill(constant);
    need(box, fields + 8, count * 4);
    return readUint32sBE(buf, fields + 8, count);
  }
  const sizes = new Uint32Array(count);
  const fieldSize = buf[fields + 3];
  need(box, fields + 8, Math.ceil((count * fieldSize) / 8));
  for (let i = 0; i < count; i++) {
    if (fieldSize === 16) sizes[i] = buf.readUInt16BE(fields + 8 + i * 2);
    else if (fieldSize === 8) sizes[i] = buf[fields + 8 + i];
    else sizes[i] = (buf[fields + 8 + (i >> 1)] >> (i & 1 ? 0 : 4)) & 0x0f;
  }
  return sizes;
}

/**
 * stco's offsets as they are (32 bits), co64's as doubles. Not widened to doubles for the loop that
 * places every sample: an offset read from a Float64Array there, before V8 optimises the loop, is a
 * heap number, and so is each sum after it.
 */
function readChunkOffsets(buf: Buffer, box: BoxSpan | undefined): Uint32Array | Float64Array {
  if (!box) throw new MalformedBoxError('the sample table has samples but no stco or co64');
  const { fields } = fullBox(buf, box);
  need(box, fields, 4);
  const count = buf.readUInt32BE(fields);
  const wide = box.type === 'co64';
  need(box, fields + 4, count * (wide ? 8 : 4));
  if (!wide) return readUint32sBE(buf, fields + 4, count);
  const offsets = new Float64Array(count);
  const view = viewOf(buf);
  for (let i = 0; i < count; i++) offsets[i] = view.getUint32(fields + 4 + i * 8) * 2 ** 32 + view.getUint32(fields + 8 + i * 8);
  return offsets;
}

function readDurations(buf: Buffer, box: BoxSpan | undefined, table: SampleTable): void {
  if (!box) throw new MalformedBoxError('the sample table has samples but no stts');
  const { fields } = fullBox(buf, box);
  const runs = buf.readUInt32BE(fields);
  need(box, fields + 4, runs * 8);
  fillDurations(viewOf(buf), fields + 4, runs, table.dts, table.durations);
}

/** Each sample's decode time and duration from stts's runs. */
function fillDurations(view: DataView, at: number, runs: number, dts: Float64Array, durations: Uint32Array): void {
  const count = durations.length;
  let sample = 0;
  let time = 0;
  let delta = 0;
  for (let run = 0; run < runs && sample < count; run++) {
    const n = view.getUint32(at + run * 8);
    delta = view.getUint32(at + 4 + run * 8);
    for (let k = 0; k < n && sample < count; k++, sample++) {
      dts[sample] = time;
      durations[sample] = delta;
      time += delta;
    }
  }
  // An stts that stops short: the rest keep the last delta, as ffmpeg does.
  for (; sample < count; sample++) {
    dts[sample] = time;
    durations[sample] = delta;
    time += delta;
  }
}

function readCompositionOffsets(buf: Buffer, box: BoxSpan, table: SampleTable): void {
  const { fields } = fullBox(buf, box);
  const runs = buf.readUInt32BE(fields);
  need(box, fields + 4, runs * 8);
  let sample = 0;
  const view = viewOf(buf);
  for (let run = 0; run < runs && sample < table.count; run++) {
    const n = view.getUint32(fields + 4 + run * 8);
    const offset = view.getInt32(fields + 8 + run * 8);
    const end = Math.min(table.count, sample + n);
    table.compositionOffsets.fill(offset, sample, end);
    sample = end;
  }
}

function readSyncSamples(buf: Buffer, box: BoxSpan, table: SampleTable): void {
  const { fields } = fullBox(buf, box);
  const n = buf.readUInt32BE(fields);
  need(box, fields + 4, n * 4);
  markSyncSamples(viewOf(buf), fields + 4, n, table.sync);
}

function markSyncSamples(view: DataView, at: number, n: number, sync: Uint8Array): void {
  for (let i = 0; i < n; i++) {
    const number = view.getUint32(at + i * 4);
    if (number >= 1 && number <= sync.length) sync[number - 1] = 1;
  }
}
