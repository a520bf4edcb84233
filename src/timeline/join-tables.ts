/**
 * The output's sample tables for a stream-copy join: a pure function of the chunks' tables and
 * their placement. Video keeps every sample; its decode and composition times are rescaled to the
 * output timescale from each chunk's origin (absolute positions, so rounding never drifts), and a
 * chunk's last frame lasts until the next chunk's first. Audio is the placed frames plus encoded
 * silence. One edit list per track hides the first chunk's composition delay and priming.
 */
import type { AudioDescription, EditEntry, MdatPiece, Mp4Model, Mp4Track, Mp4WriteJob, OutputSampleTable, OutputTrack, SampleTable } from '../types/mp4.ts';
import { singleSpan, type Placement } from './av-placement.ts';

export interface JoinSource {
  model: Mp4Model;
  video: Mp4Track;
  audio: Mp4Track;
}

export interface JoinTablesOptions {
  outFile: string;
  /** One raw AAC frame of silence in the chunks' configuration; needed when any chunk has silent frames. */
  silentFrame: Buffer | null;
}

/** The output video timescale: the chunks' own when they share one, else 90 kHz (8 and 16 fps exact). */
export function outputVideoTimescale(sources: JoinSource[]): number {
  const scales = new Set(sources.map((s) => s.video.timescale));
  return scales.size === 1 ? sources[0].video.timescale : 90000;
}

const OUTPUT_FTYP = { majorBrand: 'isom', minorVersion: 512, compatibleBrands: ['isom', 'iso2', 'avc1', 'mp41'] };

function emptyTable(count: number): OutputSampleTable {
  return {
    count,
    durations: new Uint32Array(count),
    compositionOffsets: new Int32Array(count),
    sizes: new Uint32Array(count),
    sync: new Uint8Array(count),
    descriptionIndex: new Uint16Array(count),
    piece: new Uint32Array(count),
    pieceOffset: new Float64Array(count),
  };
}

interface FilePiece {
  index: number;
  start: number;
  end: number;
}

/** Which file piece holds a byte range; the pieces of one source are sorted and disjoint. */
function pieceHolding(pieces: FilePiece[], offset: number, size: number, file: string): number {
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pieces[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const piece = pieces[lo];
  if (!piece || offset < piece.start || offset + size > piece.end) throw new RangeError(`${file}: a sample at byte ${offset} lies outside every mdat`);
  return piece.index;
}

export function buildJoinJob(sources: JoinSource[], placement: Placement, options: JoinTablesOptions): Mp4WriteJob {
  const pieces: MdatPiece[] = [];
  const silence = (frames: number): number => {
    if (frames === 0) return -1;
    if (!options.silentFrame) throw new RangeError('the join needs a silent AAC frame');
    pieces.push({ kind: 'bytes', bytes: Buffer.concat(Array.from({ length: frames }, () => options.silentFrame!)) });
    return pieces.length - 1;
  };

  const videoCount = sources.reduce((n, s) => n + s.video.samples.count, 0);
  const audioCount = placement.chunks.reduce((n, c) => n + c.leadSilentFrames + c.copiedFrames + c.tailSilentFrames, 0);
  const video = emptyTable(videoCount);
  const audio = emptyTable(audioCount);
  const tv = outputVideoTimescale(sources);
  const spf = placement.samplesPerFrame;

  const firstVideo = sources[0].video;
  const firstSpan = singleSpan(firstVideo)!;
  const videoStartSec = placement.chunks[0].originSec + firstVideo.presentation.startSec;
  const compositionDelay = Math.round(((firstSpan.mediaStart - (firstVideo.samples.dts[0] ?? 0)) * tv) / firstVideo.timescale);
  let v = 0;
  let a = 0;
  let lastDts = -1;
  sources.forEach((source, i) => {
    const place = placement.chunks[i];
    const filePieces = source.model.mediaData.map((range) => {
      pieces.push({ kind: 'file', source: i, start: range.start, end: range.end });
      return { index: pieces.length - 1, ...range };
    });

    // video: every sample, from the chunk's origin
    const t = source.video.samples;
    const span = singleSpan(source.video)!;
    const scale = tv / source.video.timescale;
    const dts0 = t.count ? t.dts[0] : 0;
    const ctsBase = compositionDelay + Math.round((place.originSec + source.video.presentation.startSec - videoStartSec) * tv);
    const wantedDecodeBase = ctsBase - Math.round((span.mediaStart - dts0) * scale);
    const decodeBase = Math.max(wantedDecodeBase, lastDts + 1);
    lastDts = copyVideoSamples(video, v, t, { decodeBase, dts0, ctsBase, mediaStart: span.mediaStart, scale, previousDts: lastDts, pieces: filePieces, file: source.model.file });
    v += t.count;

    // audio: lead silence, the placed frames, tail silence
    const frame = options.silentFrame?.length ?? 0;
    const lead = silence(place.leadSilentFrames);
    for (let k = 0; k < place.leadSilentFrames; k++, a++) setAudio(audio, a, spf, frame, lead, k * frame);
    a = copyAudioFrames(audio, a, spf, source.audio.samples, place.firstFrame, place.copiedFrames, filePieces, source.model.file);
    const tail = silence(place.tailSilentFrames);
    for (let k = 0; k < place.tailSilentFrames; k++, a++) setAudio(audio, a, spf, frame, tail, k * frame);
  });
  const videoMediaEnd = compositionDelay + Math.round((placement.durationSec - videoStartSec) * tv);
  if (videoCount > 0) video.durations[videoCount - 1] = Math.max(1, videoMediaEnd - lastDts);

  const movieTimescale = placement.sampleRate;
  const firstAudio = sources[0].audio;
  const audioEntry = firstAudio.descriptions[firstAudio.samples.descriptionIndex[0] - 1] as AudioDescription;
  const videoEdits = edits(Math.round(videoStartSec * movieTimescale), compositionDelay, Math.round((placement.durationSec - videoStartSec) * movieTimescale));
  const audioEdits = edits(placement.audioLeadSamples, placement.audioMediaStartSamples, placement.audioPresentedSamples);
  const tracks: OutputTrack[] = [
    // one sample description: chunks whose H.264 configurations differ are re-encoded (concat.ts)
    outputTrack(1, firstVideo, tv, [firstVideo.descriptions[0].raw], videoEdits, video),
    outputTrack(2, firstAudio, placement.sampleRate, [audioEntry.raw], audioEdits, audio),
  ];
  return { outFile: options.outFile, movieTimescale, ftyp: OUTPUT_FTYP, tracks, sources: sources.map((s) => s.model.file), pieces };
}

interface VideoCopy {
  decodeBase: number;
  dts0: number;
  ctsBase: number;
  mediaStart: number;
  scale: number;
  /** Output decode time of the sample before, -1 for none. */
  previousDts: number;
  pieces: FilePiece[];
  file: string;
}

// The per-sample loops are functions of their own, on locals only: inside the closure over the
// chunk loop's variables they allocated a heap number per sample even once optimised, and the
// garbage grew V8's young generation (4 h: 56-75 -> 22-31 ms, 4-8 -> 1-2 MB of garbage).

/** A chunk's video samples, written from output sample `at` on, rescaled from the chunk's origin; returns the last one's output decode time. */
function copyVideoSamples(video: OutputSampleTable, at: number, t: SampleTable, c: VideoCopy): number {
  const { decodeBase, dts0, ctsBase, mediaStart, scale, pieces, file } = c;
  let lastDts = c.previousDts;
  for (let j = 0, v = at; j < t.count; j++, v++) {
    const decoded = t.dts[j];
    const dts = decodeBase + Math.round((decoded - dts0) * scale);
    const cts = ctsBase + Math.round((decoded + t.compositionOffsets[j] - mediaStart) * scale);
    if (v > at) video.durations[v - 1] = dts - lastDts;
    else if (v > 0) video.durations[v - 1] = Math.max(1, dts - lastDts);
    video.compositionOffsets[v] = cts - dts;
    const offset = t.offsets[j];
    const size = t.sizes[j];
    video.sizes[v] = size;
    video.sync[v] = t.sync[j];
    video.descriptionIndex[v] = 1;
    video.piece[v] = pieceHolding(pieces, offset, size, file);
    video.pieceOffset[v] = offset;
    lastDts = dts;
  }
  return lastDts;
}

/** `count` stored audio frames from `first` on, written from output sample `at` on; returns the next output sample. */
function copyAudioFrames(audio: OutputSampleTable, at: number, duration: number, s: SampleTable, first: number, count: number, pieces: FilePiece[], file: string): number {
  // before the loop: V8 compiles the function on the loop, and an addition it had not run yet
  // after it sent the function back to be compiled again
  const next = at + count;
  for (let k = 0; k < count; k++) {
    const j = first + k;
    const offset = s.offsets[j];
    const size = s.sizes[j];
    setAudio(audio, at + k, duration, size, pieceHolding(pieces, offset, size, file), offset);
  }
  return next;
}

function setAudio(table: OutputSampleTable, at: number, duration: number, size: number, piece: number, offset: number): void {
  table.durations[at] = duration;
  table.sizes[at] = size;
  table.sync[at] = 1;
  table.descriptionIndex[at] = 1;
  table.piece[at] = piece;
  table.pieceOffset[at] = offset;
}

/** An empty edit where the track starts late, then the media from `mediaTime` for `duration`. */
function edits(emptyDuration: number, mediaTime: number, duration: number): EditEntry[] {
  const list: EditEntry[] = [];
  if (emptyDuration > 0) list.push({ segmentDuration: emptyDuration, mediaTime: -1, rate: 1 });
  list.push({ segmentDuration: Math.max(0, duration), mediaTime, rate: 1 });
  return list;
}

function outputTrack(id: number, from: Mp4Track, timescale: number, sampleEntries: Uint8Array[], trackEdits: EditEntry[], samples: OutputSampleTable): OutputTrack {
  const description = from.descriptions[0];
  const isVideo = from.kind === 'video';
  return {
    id,
    kind: isVideo ? 'video' : 'audio',
    timescale,
    language: from.language,
    width: isVideo && description.kind === 'video' ? description.width : 0,
    height: isVideo && description.kind === 'video' ? description.height : 0,
    raw: { hdlr: from.raw.hdlr, mediaHeader: from.raw.mediaHeader, dinf: from.raw.dinf },
    sampleEntries,
    edits: trackEdits,
    samples,
  };
}
