/**
 * The MP4 model: a file as a player reads it. The reader (`adapters/mp4/model.ts`) fills it from
 * the moov sample tables or from moof/traf/trun fragments, wherever the top-level boxes stand;
 * the join plan (`timeline/`) turns several models into an `Mp4WriteJob`; the writer
 * (`adapters/mp4/writer.ts`) writes that job as one fast-start file. Tables are typed arrays in
 * decoding order: a four-hour chunk has hundreds of thousands of samples.
 */

export interface TopLevelBox {
  type: string;
  start: number;
  size: number;
  headerSize: number;
}

/** A track's samples in decoding order. Times in the track's media timescale. */
export interface SampleTable {
  count: number;
  /** Decode time of each sample. */
  dts: Float64Array;
  durations: Uint32Array;
  /** Composition time minus decode time (negative with ctts v1). */
  compositionOffsets: Int32Array;
  /** Absolute byte offset of each sample in its file. */
  offsets: Float64Array;
  sizes: Uint32Array;
  /** 1 for a sync sample (keyframe). */
  sync: Uint8Array;
  /** 1-based index into the track's sample descriptions (stsd entries). */
  descriptionIndex: Uint16Array;
}

/** One elst entry. */
export interface EditEntry {
  /** Length in the movie timescale (mvhd). */
  segmentDuration: number;
  /** Start in the media timescale; -1 is an empty edit (the track starts late). */
  mediaTime: number;
  /** media_rate as a number (1 for normal play; 0 is a dwell). */
  rate: number;
}

/** A span of the media shown at a span of the movie: the edit list applied in full. */
export interface PresentedSpan {
  /** Where the span starts in the movie, seconds. */
  atSec: number;
  /** First media time shown, media timescale. */
  mediaStart: number;
  /** End of the media shown (exclusive), media timescale. */
  mediaEnd: number;
}

export interface Presentation {
  /** Where the track's first presented sample appears, seconds (empty edits before it). */
  startSec: number;
  /** Where the track's last presented sample ends, seconds. */
  endSec: number;
  /** Seconds actually showing media (endSec - startSec less any empty edits in between). */
  durationSec: number;
  spans: PresentedSpan[];
  /** The media before any edit, media timescale: its first composition time and the end of its latest sample. */
  composition: { start: number; end: number };
}

export interface VideoDescription {
  kind: 'video';
  /** Sample entry type: avc1, avc3, hvc1, ... */
  fourcc: string;
  /** RFC 6381 codec string (avc1.64001f). */
  codec: string;
  width: number;
  height: number;
  /** avcC: bytes of each NAL length prefix. */
  nalLengthSize: number;
  /** avcC parameter sets, SPS then PPS, to decode a lone sync sample. */
  parameterSets: Buffer[];
  /** The whole sample entry box, as in the file. */
  raw: Uint8Array;
}

export interface AudioDescription {
  kind: 'audio';
  fourcc: string;
  codec: string;
  sampleRate: number;
  channels: number;
  /** AAC AudioSpecificConfig as hex, '' when not AAC. */
  audioSpecificConfig: string;
  /** PCM samples per coded frame (1024 for AAC-LC). */
  samplesPerFrame: number;
  raw: Uint8Array;
}

export interface OtherDescription {
  kind: 'other';
  fourcc: string;
  codec: string;
  raw: Uint8Array;
}

export type SampleDescription = VideoDescription | AudioDescription | OtherDescription;

/** Boxes a remux copies as they are from a source track. */
export interface RawTrackBoxes {
  tkhd: Uint8Array;
  mdhd: Uint8Array;
  hdlr: Uint8Array;
  /** vmhd, smhd, nmhd or sthd, whichever the track has. */
  mediaHeader: Uint8Array | null;
  dinf: Uint8Array | null;
  /** The whole stsd box with every entry. */
  stsd: Uint8Array;
}

export interface Mp4Track {
  id: number;
  kind: 'video' | 'audio' | 'other';
  /** hdlr handler_type: vide, soun, ... */
  handlerType: string;
  timescale: number;
  /** ISO 639-2/T code from mdhd ('und' when unset). */
  language: string;
  samples: SampleTable;
  /** The elst entries as written; empty without an edit list. */
  edits: EditEntry[];
  presentation: Presentation;
  descriptions: SampleDescription[];
  raw: RawTrackBoxes;
}

export interface Mp4Model {
  file: string;
  sizeBytes: number;
  boxes: TopLevelBox[];
  ftyp: { majorBrand: string; minorVersion: number; compatibleBrands: string[] };
  movieTimescale: number;
  moovBeforeMdat: boolean;
  /** Samples came (also) from moof/traf/trun fragments. */
  fragmented: boolean;
  /** Payloads of every mdat box, in file order: the bytes a remux may copy. */
  mediaData: { start: number; end: number }[];
  tracks: Mp4Track[];
}

/** A piece of the output's mdat payload: a byte range of a source file, or bytes made here. */
export type MdatPiece = { kind: 'file'; source: number; start: number; end: number } | { kind: 'bytes'; bytes: Buffer };

/** An output track's samples in decoding order. Times in the output track's timescale. */
export interface OutputSampleTable {
  count: number;
  durations: Uint32Array;
  compositionOffsets: Int32Array;
  sizes: Uint32Array;
  sync: Uint8Array;
  descriptionIndex: Uint16Array;
  /** Which mdat piece holds each sample. */
  piece: Uint32Array;
  /** Where the sample starts: a file offset for a file piece, an offset into the bytes otherwise. */
  pieceOffset: Float64Array;
}

export interface OutputTrack {
  id: number;
  kind: 'video' | 'audio';
  timescale: number;
  language: string;
  /** tkhd presentation size (video), 0 for audio. */
  width: number;
  height: number;
  /** Copied as they are from the first chunk's track. */
  raw: Pick<RawTrackBoxes, 'hdlr' | 'mediaHeader' | 'dinf'>;
  /** Sample entries, in order: descriptionIndex k is entries[k - 1]. */
  sampleEntries: Uint8Array[];
  /** segmentDuration in the output's movie timescale. */
  edits: EditEntry[];
  samples: OutputSampleTable;
}

export interface Mp4WriteJob {
  outFile: string;
  movieTimescale: number;
  ftyp: { majorBrand: string; minorVersion: number; compatibleBrands: string[] };
  tracks: OutputTrack[];
  /** The source files file pieces name, by index. */
  sources: string[];
  /** The mdat payload, in order. A source's file pieces must come in increasing, non-overlapping order. */
  pieces: MdatPiece[];
}

export interface Mp4WriteResult {
  sizeBytes: number;
  sha256: string;
  /** SHA-256 and size of every source, whole file, hashed while it was read. */
  sources: { sha256: string; sizeBytes: number }[];
  /** Blocks the reading thread wrote itself, the writing thread being behind (`copyPieces`). */
  blocksWrittenByReader: number;
}
