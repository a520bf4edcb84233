import type { MdatPiece, Mp4WriteJob, OutputSampleTable, OutputTrack } from '../../types/mp4.ts';
import { containerBox } from './boxes/bytes.ts';
import { edtsBox } from './boxes/elst.ts';
import { ftypBox } from './boxes/ftyp.ts';
import { mdhdBox, mvhdBox, tkhdBox } from './boxes/headers.ts';
import { mdatHeader, mdatHeaderSize } from './boxes/mdat-header.ts';
import { checkedRaw, defaultMediaHeader, selfContainedDinf, stsdBox } from './boxes/media-boxes.ts';
import { chunkOffsetBox, cttsBox, stscBox, stssBox, sttsBox, stszBox } from './boxes/sample-table.ts';

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
  offsets: Float64Array;
  samplesPerChunk: Uint32Array;
  descriptionIndex: Uint16Array;
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
  const offsets = new Float64Array(s.count);
  const samplesPerChunk = new Uint32Array(s.count);
  const descriptionIndex = new Uint16Array(s.count);
  let chunks = 0;
  let nextByte = -1;
  for (let i = 0; i < s.count; i++) {
    const p = s.piece[i];
    const piece = pieces[p];
    if (piece === undefined) throw new RangeError(`${where}.piece[${i}]: no piece ${p}`);
    const [low, high] = piece.kind === 'file' ? [piece.start, piece.end] : [0, piece.bytes.length];
    const at = s.pieceOffset[i];
    if (!(at >= low && at + s.sizes[i] <= high)) throw new RangeError(`${where}[${i}]: bytes ${at}-${at + s.sizes[i]} lie outside piece ${p} (${low}-${high})`);
    const d = s.descriptionIndex[i];
    if (d < 1 || d > track.sampleEntries.length) throw new RangeError(`${where}.descriptionIndex[${i}]: ${d}, but the track has ${track.sampleEntries.length} sample entries`);
    const offset = pieceStarts[p] + (at - low);
    if (chunks === 0 || offset !== nextByte || d !== descriptionIndex[chunks - 1]) {
      offsets[chunks] = offset;
      descriptionIndex[chunks] = d;
      chunks++;
    }
    samplesPerChunk[chunks - 1]++;
    nextByte = offset + s.sizes[i];
  }
  return { offsets: offsets.subarray(0, chunks), samplesPerChunk: samplesPerChunk.subarray(0, chunks), descriptionIndex: descriptionIndex.subarray(0, chunks) };
}

function mediaDuration(samples: OutputSampleTable): number {
  let sum = 0;
  for (let i = 0; i < samples.count; i++) sum += samples.durations[i];
  return sum;
}

/** tkhd duration in the movie timescale: the edit list's length, else the media's. */
export function presentedDuration(track: OutputTrack, movieTimescale: number): number {
  if (track.edits.length > 0) return track.edits.reduce((sum, edit) => sum + edit.segmentDuration, 0);
  return Math.round((mediaDuration(track.samples) * movieTimescale) / track.timescale);
}

/** Every box of a trak but the chunk offsets, which wait for the moov's size. */
function trackParts(track: OutputTrack, movieTimescale: number) {
  const s = track.samples;
  const raw = track.raw;
  const field = `tracks[id ${track.id}].raw`;
  const count = s.count;
  return {
    tkhd: tkhdBox({ trackId: track.id, duration: presentedDuration(track, movieTimescale), width: track.width, height: track.height, audio: track.kind === 'audio' }),
    edts: edtsBox(track.edits),
    mdhd: mdhdBox({ timescale: track.timescale, duration: mediaDuration(s), language: track.language }),
    hdlr: checkedRaw(raw.hdlr, 'hdlr', `${field}.hdlr`),
    mediaHeader: raw.mediaHeader ? checkedRaw(raw.mediaHeader, '*mhd', `${field}.mediaHeader`) : defaultMediaHeader(track.kind),
    dinf: raw.dinf ? checkedRaw(raw.dinf, 'dinf', `${field}.dinf`) : selfContainedDinf(),
    tables: [
      stsdBox(track.sampleEntries),
      sttsBox(s.durations.subarray(0, count)),
      cttsBox(s.compositionOffsets.subarray(0, count)),
      stssBox(s.sync.subarray(0, count)),
    ],
    sizes: stszBox(s.sizes.subarray(0, count)),
  };
}

function trakBox(parts: ReturnType<typeof trackParts>, chunks: TrackChunks, chunkOffsets: Buffer): Buffer {
  const stbl = containerBox('stbl', [...parts.tables.filter((box): box is Buffer => box !== null), stscBox(chunks.samplesPerChunk, chunks.descriptionIndex), parts.sizes, chunkOffsets]);
  const minf = containerBox('minf', [parts.mediaHeader, parts.dinf, stbl]);
  const mdia = containerBox('mdia', [parts.mdhd, parts.hdlr, minf]);
  return containerBox('trak', parts.edts ? [parts.tkhd, parts.edts, mdia] : [parts.tkhd, mdia]);
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
  const parts = job.tracks.map((track) => trackParts(track, job.movieTimescale));
  const chunks = job.tracks.map((track) => trackChunks(track, job.pieces, pieceStarts));
  const mvhd = mvhdBox({
    timescale: job.movieTimescale,
    duration: Math.max(...job.tracks.map((t) => presentedDuration(t, job.movieTimescale))),
    nextTrackId: Math.max(...ids) + 1,
  });
  // Offsets do not change the moov's size, so it is sized with zeros, then written for real.
  const moovAt = (payloadStart: number | null, large: boolean) =>
    containerBox('moov', [
      mvhd,
      ...parts.map((p, i) => {
        const relative = chunks[i].offsets;
        return trakBox(p, chunks[i], chunkOffsetBox(payloadStart === null ? new Float64Array(relative.length) : relative.map((o) => o + payloadStart), large));
      }),
    ]);
  let lastChunkOffset = 0;
  for (const { offsets } of chunks) for (const offset of offsets) lastChunkOffset = Math.max(lastChunkOffset, offset);
  const headerSize = mdatHeaderSize(payloadSize);
  const largeOffsets = ftyp.length + moovAt(null, false).length + headerSize + lastChunkOffset > MAX_UINT32;
  const payloadStart = ftyp.length + moovAt(null, largeOffsets).length + headerSize;
  const moov = moovAt(payloadStart, largeOffsets);
  return {
    head: Buffer.concat([ftyp, moov, mdatHeader(payloadSize)]),
    moovSize: moov.length,
    payloadStart,
    payloadSize,
    totalSize: payloadStart + payloadSize,
    largeOffsets,
    pieceStarts,
    sourceOrder,
    chunkCounts: chunks.map((c) => c.offsets.length),
  };
}
