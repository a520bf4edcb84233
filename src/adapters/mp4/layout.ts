import type { MdatPiece, Mp4WriteJob, OutputSampleTable, OutputTrack } from '../../types/mp4.ts';
import { type BoxPlan, bytesPlan, containerPlan } from './boxes/box-plan.ts';
import { edtsBox } from './boxes/elst.ts';
import { ftypBox } from './boxes/ftyp.ts';
import { mdhdBox, mvhdBox, tkhdBox } from './boxes/headers.ts';
import { mdatHeader, mdatHeaderSize } from './boxes/mdat-header.ts';
import { checkedRaw, defaultMediaHeader, selfContainedDinf, stsdBox } from './boxes/media-boxes.ts';
import { freeBuffersNow } from './table-arena.ts';
import { chunkOffsetPlan, countSampleTable, cttsPlan, type SampleTableCounts, stscPlan, stssPlan, sttsPlan, stszPlan } from './boxes/sample-table.ts';

const MAX_UINT32 = 0xffffffff;

/** Where everything of a fast-start file stands, known before a byte of it is written. */
export interface Mp4Layout {
  /** ftyp + moov + the mdat header: every byte before the payload. */
  head: Buffer;
  moovSize: number;
  /** Where the mdat payload starts in the file. */
  payloadStart: number;
  payloadSize: number;
  totalSize: number;
  /** co64 instead of stco (an offset needs 64 bits). */
  largeOffsets: boolean;
  /** Where each piece starts in the payload. */
  pieceStarts: Float64Array;
  /** Sources in the order their pieces come; each once. */
  sourceOrder: number[];
  /** Chunks (stco entries) of each track. */
  chunkCounts: number[];
}

/**
 * Checks that the pieces can be copied in one sequential pass: a source's pieces in increasing,
 * non-overlapping order, and a source left is never visited again. Returns the visit order.
 */
export function sourceVisitOrder(pieces: readonly MdatPiece[], sourceCount: number): number[] {
  const order: number[] = [];
  let lastEnd = 0;
  pieces.forEach((piece, i) => {
    if (piece.kind === 'bytes') {
      if (!(piece.bytes instanceof Uint8Array)) throw new RangeError(`pieces[${i}]: bytes piece without bytes`);
      return;
    }
    const { source, start, end } = piece;
    if (!Number.isInteger(source) || source < 0 || source >= sourceCount) throw new RangeError(`pieces[${i}].source ${source}: no such source`);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) throw new RangeError(`pieces[${i}]: ${start}-${end} is not a byte range`);
    const current = order[order.length - 1];
    if (source !== current) {
      if (order.includes(source)) throw new RangeError(`pieces[${i}]: source ${source} comes back after source ${current}; each source is read once`);
      order.push(source);
    } else if (start < lastEnd) {
      throw new RangeError(`pieces[${i}]: source ${source} bytes ${start}-${end} start before the previous piece ends (${lastEnd})`);
    }
    lastEnd = end;
  });
  return order;
}

function pieceLength(piece: MdatPiece): number {
  return piece.kind === 'file' ? piece.end - piece.start : piece.bytes.length;
}

interface TrackChunks {
  /** Payload-relative offset of each chunk. */
  offsets: Float64Array<ArrayBuffer>;
  /** The largest of them (0 for none), found in the same pass. */
  lastOffset: number;
  samplesPerChunk: Uint32Array<ArrayBuffer>;
  descriptionIndex: Uint16Array<ArrayBuffer>;
}

/**
 * Chunks are maximal runs of a track's consecutive samples that lie back to back in the output
 * and share a sample description, so interleaved copies of long runs make small stsc/stco tables.
 */
export function trackChunks(track: OutputTrack, pieces: readonly MdatPiece[], pieceStarts: Float64Array): TrackChunks {
  const s: OutputSampleTable = track.samples;
  const where = `tracks[id ${track.id}].samples`;
  for (const name of ['durations', 'compositionOffsets', 'sizes', 'sync', 'descriptionIndex', 'piece', 'pieceOffset'] as const) {
    if (s[name].length < s.count) throw new RangeError(`${where}.${name}: ${s[name].length} entries for ${s.count} samples`);
  }
  const { count } = s;
  // each piece's bytes [low, high) and the shift from them to the payload, as typed arrays: the
  // loop below runs once per sample, mostly before V8 has optimised it
  const low = new Float64Array(pieces.length);
  const high = new Float64Array(pieces.length);
  const shift = new Float64Array(pieces.length);
  pieces.forEach((p, k) => {
    low[k] = p.kind === 'file' ? p.start : 0;
    high[k] = p.kind === 'file' ? p.end : p.bytes.length;
    shift[k] = pieceStarts[k] - low[k];
  });
  const entries = track.sampleEntries.length;
  // one pass, into arrays of a sample's length cut to the chunks found: the chunks of a recording's
  // interleaved files are one or two samples long, so a counting pass first saved no memory and
  // cost a second cold pass over every sample
  const offsets = new Float64Array(count);
  const samplesPerChunk = new Uint32Array(count);
  const chunkDescription = new Uint16Array(count);
  const lastOffset = new Float64Array(1);
  const chunks = chunkSamples(s, entries, low, high, shift, where, offsets, samplesPerChunk, chunkDescription, lastOffset);
  return { offsets: offsets.subarray(0, chunks), lastOffset: lastOffset[0], samplesPerChunk: samplesPerChunk.subarray(0, chunks), descriptionIndex: chunkDescription.subarray(0, chunks) };
}

/**
 * trackChunks' pass over every sample; returns the number of chunks, the largest offset in
 * `lastOffset[0]`. The loop alone in a function that returns a variable: V8 compiles it on the
 * loop, and code after the loop it had not run yet (even the `+ 1` of a count) sent it back to
 * be compiled again, the loop meanwhile in slower code.
 */
function chunkSamples(
  s: OutputSampleTable,
  entries: number,
  low: Float64Array,
  high: Float64Array,
  shift: Float64Array,
  where: string,
  offsets: Float64Array,
  samplesPerChunk: Uint32Array,
  chunkDescription: Uint16Array,
  lastOffset: Float64Array,
): number {
  const { count, piece, pieceOffset, sizes, descriptionIndex } = s;
  let chunks = 0;
  let nextByte = -1;
  let lastDescription = -1;
  for (let i = 0; i < count; i++) {
    const p = piece[i];
    if (p >= low.length) throw new RangeError(`${where}.piece[${i}]: no piece ${p}`);
    const at = pieceOffset[i];
    if (!(at >= low[p] && at + sizes[i] <= high[p])) throw new RangeError(`${where}[${i}]: bytes ${at}-${at + sizes[i]} lie outside piece ${p} (${low[p]}-${high[p]})`);
    const d = descriptionIndex[i];
    if (d < 1 || d > entries) throw new RangeError(`${where}.descriptionIndex[${i}]: ${d}, but the track has ${entries} sample entries`);
    const offset = shift[p] + at;
    if (offset !== nextByte || d !== lastDescription) {
      offsets[chunks] = offset;
      chunkDescription[chunks] = d;
      chunks++;
      if (offset > lastOffset[0]) lastOffset[0] = offset;
    }
    samplesPerChunk[chunks - 1]++;
    lastDescription = d;
    nextByte = offset + sizes[i];
  }
  return chunks;
}

/** tkhd duration in the movie timescale: the edit list's length, else the media's (`mediaDuration`, in the track's timescale). */
export function presentedDuration(track: OutputTrack, movieTimescale: number, mediaDuration: number): number {
  if (track.edits.length > 0) return track.edits.reduce((sum, edit) => sum + edit.segmentDuration, 0);
  return Math.round((mediaDuration * movieTimescale) / track.timescale);
}

/** A trak's boxes, sized; the chunk offsets are written plus `payloadStart()`, known once the moov is sized. */
function trakPlan(track: OutputTrack, movieTimescale: number, chunks: TrackChunks, counts: SampleTableCounts, large: boolean, payloadStart: () => number): BoxPlan {
  const s = track.samples;
  const raw = track.raw;
  const field = `tracks[id ${track.id}].raw`;
  const count = s.count;
  const edts = edtsBox(track.edits);
  const stbl = containerPlan('stbl', [
    bytesPlan(stsdBox(track.sampleEntries)),
    sttsPlan(s.durations.subarray(0, count), counts),
    cttsPlan(s.compositionOffsets.subarray(0, count), counts),
    stssPlan(s.sync.subarray(0, count), counts),
    stscPlan(chunks.samplesPerChunk, chunks.descriptionIndex),
    stszPlan(s.sizes.subarray(0, count), counts),
    chunkOffsetPlan(chunks.offsets, large, payloadStart),
  ]);
  const minf = containerPlan('minf', [
    bytesPlan(raw.mediaHeader ? checkedRaw(raw.mediaHeader, '*mhd', `${field}.mediaHeader`) : defaultMediaHeader(track.kind)),
    bytesPlan(raw.dinf ? checkedRaw(raw.dinf, 'dinf', `${field}.dinf`) : selfContainedDinf()),
    stbl,
  ]);
  const mdia = containerPlan('mdia', [
    bytesPlan(mdhdBox({ timescale: track.timescale, duration: counts.mediaDuration, language: track.language })),
    bytesPlan(checkedRaw(raw.hdlr, 'hdlr', `${field}.hdlr`)),
    minf,
  ]);
  return containerPlan('trak', [
    bytesPlan(tkhdBox({ trackId: track.id, duration: presentedDuration(track, movieTimescale, counts.mediaDuration), width: track.width, height: track.height, audio: track.kind === 'audio' })),
    edts === null ? null : bytesPlan(edts),
    mdia,
  ]);
}

/** Sizes and writes the moov first, so stco vs co64 and every chunk offset are known: a pure function. */
export function layoutMp4(job: Omit<Mp4WriteJob, 'outFile'>): Mp4Layout {
  if (job.tracks.length === 0) throw new RangeError('tracks: a movie needs at least one track');
  const ids = new Set(job.tracks.map((t) => t.id));
  if (ids.size !== job.tracks.length || [...ids].some((id) => !Number.isInteger(id) || id < 1 || id > MAX_UINT32)) {
    throw new RangeError(`tracks: ids ${job.tracks.map((t) => t.id).join(', ')} are not distinct positive integers`);
  }
  const sourceOrder = sourceVisitOrder(job.pieces, job.sources.length);
  const pieceStarts = new Float64Array(job.pieces.length);
  let payloadSize = 0;
  job.pieces.forEach((piece, i) => {
    pieceStarts[i] = payloadSize;
    payloadSize += pieceLength(piece);
  });
  const ftyp = ftypBox(job.ftyp);
  const chunks = job.tracks.map((track) => trackChunks(track, job.pieces, pieceStarts));
  const counts = job.tracks.map((track) => countSampleTable(track.samples));
  const mvhd = mvhdBox({
    timescale: job.movieTimescale,
    duration: Math.max(...job.tracks.map((t, i) => presentedDuration(t, job.movieTimescale, counts[i].mediaDuration))),
    nextTrackId: Math.max(...ids) + 1,
  });
  // from trackChunks' pass: a loop of its own over every chunk offset, run once and cold, cost 3-10 ms at 1 h
  const lastChunkOffset = Math.max(0, ...chunks.map((c) => c.lastOffset));
  const headerSize = mdatHeaderSize(payloadSize);
  let payloadStart = 0;
  const moovPlan = (large: boolean) =>
    containerPlan('moov', [bytesPlan(mvhd), ...job.tracks.map((track, i) => trakPlan(track, job.movieTimescale, chunks[i], counts[i], large, () => payloadStart))]);
  const small = moovPlan(false);
  const largeOffsets = ftyp.length + small.size + headerSize + lastChunkOffset > MAX_UINT32;
  const moov = largeOffsets ? moovPlan(true) : small;
  payloadStart = ftyp.length + moov.size + headerSize;
  const head = Buffer.allocUnsafe(payloadStart);
  head.set(ftyp, 0);
  const moovEnd = moov.writeTo(head, ftyp.length);
  head.set(mdatHeader(payloadSize), moovEnd);
  if (moovEnd + headerSize !== payloadStart) throw new RangeError(`moov sized ${moov.size} bytes, written ${moovEnd - ftyp.length}`);
  const chunkCounts = chunks.map((c) => c.offsets.length);
  // written into the moov, the chunk table (14 bytes a sample) is garbage that only a full collection
  // would free, and none comes while the copy keeps the main thread idle
  freeBuffersNow(chunks.flatMap((c) => [c.offsets.buffer, c.samplesPerChunk.buffer, c.descriptionIndex.buffer]));
  return {
    head,
    moovSize: moov.size,
    payloadStart,
    payloadSize,
    totalSize: payloadStart + payloadSize,
    largeOffsets,
    pieceStarts,
    sourceOrder,
    chunkCounts,
  };
}
