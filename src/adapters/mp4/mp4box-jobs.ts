/**
 * Test side: write jobs built from mp4box.js's own reading of real files (its sample lists, its
 * box positions), independent of our reader. Loads whole files: for small test media only.
 */
import { readFileSync } from 'node:fs';
import type { EditEntry, MdatPiece, Mp4WriteJob, OutputTrack } from '../../types/mp4.ts';
import { parsedByMp4box } from './boxes/parsed-by-mp4box.ts';

type Loose = Record<string, any>;

export interface SourceSample {
  source: number;
  offset: number;
  size: number;
  dts: number;
  cts: number;
  duration: number;
  sync: boolean;
  /** 0-based stsd entry. */
  entry: number;
}

export interface ParsedSource {
  bytes: Buffer;
  iso: Loose;
  tracks: { kind: 'video' | 'audio'; trak: Loose; samples: SourceSample[] }[];
}

const boxBytes = (bytes: Buffer, box: Loose | undefined) => (box ? bytes.subarray(box.start, box.start + box.size) : null);

export function parseSource(file: string, source: number): ParsedSource {
  const bytes = readFileSync(file);
  const iso = parsedByMp4box(bytes) as unknown as Loose;
  const tracks = (iso.moov.traks as Loose[]).map((trak) => {
    const stts = trak.mdia.minf.stbl.stts;
    const raw = trak.samples as Loose[];
    const samples = raw.map((s, i) => ({
      source,
      offset: s.offset as number,
      size: s.size as number,
      dts: s.dts as number,
      cts: s.cts as number,
      // mp4box.js stretches the last sample to mdhd's duration; stts has the coded one.
      duration: i + 1 < raw.length ? raw[i + 1].dts - s.dts : stts.sample_deltas[stts.sample_deltas.length - 1],
      sync: Boolean(s.is_sync),
      entry: s.description_index as number,
    }));
    const handler = trak.mdia.hdlr.handler as string;
    if (handler !== 'vide' && handler !== 'soun') throw new Error(`${file}: track ${trak.tkhd.track_id} is '${handler}'`);
    return { kind: handler === 'vide' ? ('video' as const) : ('audio' as const), trak, samples };
  });
  return { bytes, iso, tracks };
}

function edits(trak: Loose): EditEntry[] {
  const entries = (trak.edts?.elst?.entries ?? []) as Loose[];
  return entries.map((e) => ({ segmentDuration: e.segment_duration, mediaTime: e.media_time, rate: e.media_rate_integer + e.media_rate_fraction / 0x10000 }));
}

export interface TestJob {
  job: Mp4WriteJob;
  /** For each output track, where each of its samples comes from. */
  expected: SourceSample[][];
  parsed: ParsedSource[];
}

/**
 * The sources' samples back to back, track by track (matched by kind, in the first file's order):
 * the pieces are each source's mdat payloads in file order, so the source interleaving is kept.
 * The first source's edit list is kept, its last edit stretched over the joined media.
 */
export function joinJob(sources: string[], outFile: string, options: { videoCompositionShift?: number } = {}): TestJob {
  const parsed = sources.map((file, i) => parseSource(file, i));
  const pieces: MdatPiece[] = [];
  const pieceOf: { source: number; start: number; end: number; index: number }[] = [];
  parsed.forEach(({ iso }, source) => {
    for (const mdat of iso.mdats as Loose[]) {
      const entry = { source, start: mdat.start + mdat.hdr_size, end: mdat.start + mdat.size, index: pieces.length };
      pieces.push({ kind: 'file', source, start: entry.start, end: entry.end });
      pieceOf.push(entry);
    }
  });
  const first = parsed[0];
  const movieTimescale = first.iso.moov.mvhd.timescale as number;
  const expected: SourceSample[][] = [];
  const tracks: OutputTrack[] = first.tracks.map((head, t) => {
    const parts = parsed.map((p) => {
      const match = p.tracks.filter((track) => track.kind === head.kind)[first.tracks.filter((x, i) => x.kind === head.kind && i < t).length];
      if (!match) throw new Error(`no ${head.kind} track to join in source ${p.iso.moov.mvhd.timescale}`);
      if (match.trak.mdia.mdhd.timescale !== head.trak.mdia.mdhd.timescale) throw new Error('the test joins tracks of one timescale only');
      return match;
    });
    const entries: Buffer[] = [];
    const samples = parts.flatMap((part, source) =>
      part.samples.map((s) => {
        const description = part.trak.mdia.minf.stbl.stsd.entries[s.entry] as Loose;
        const bytes = boxBytes(parsed[source].bytes, description)!;
        let index = entries.findIndex((e) => e.equals(bytes));
        if (index < 0) index = entries.push(Buffer.from(bytes)) - 1;
        return { ...s, description: index + 1 };
      }),
    );
    expected.push(samples);
    const count = samples.length;
    // Moves composition times earlier (ctts goes negative) and the edit with them: what plays is the same.
    const shift = head.kind === 'video' ? (options.videoCompositionShift ?? 0) : 0;
    const table = {
      count,
      durations: new Uint32Array(samples.map((s) => s.duration)),
      compositionOffsets: new Int32Array(samples.map((s) => s.cts - s.dts - shift)),
      sizes: new Uint32Array(samples.map((s) => s.size)),
      sync: new Uint8Array(samples.map((s) => (s.sync ? 1 : 0))),
      descriptionIndex: new Uint16Array(samples.map((s) => s.description)),
      piece: new Uint32Array(count),
      pieceOffset: new Float64Array(samples.map((s) => s.offset)),
    };
    samples.forEach((s, i) => {
      const piece = pieceOf.find((p) => p.source === s.source && s.offset >= p.start && s.offset + s.size <= p.end);
      if (!piece) throw new Error(`sample ${i} of source ${s.source} lies in no mdat`);
      table.piece[i] = piece.index;
    });
    const timescale = head.trak.mdia.mdhd.timescale as number;
    const total = samples.reduce((sum, s) => sum + s.duration, 0);
    const trackEdits = edits(head.trak).map((e) => (e.mediaTime >= 0 ? { ...e, mediaTime: e.mediaTime - shift } : e));
    const last = trackEdits[trackEdits.length - 1];
    if (last && last.mediaTime >= 0) last.segmentDuration = Math.round(((total - last.mediaTime) * movieTimescale) / timescale);
    const minf = head.trak.mdia.minf;
    return {
      id: head.trak.tkhd.track_id,
      kind: head.kind,
      timescale,
      language: head.trak.mdia.mdhd.languageString,
      width: head.trak.tkhd.width / 0x10000,
      height: head.trak.tkhd.height / 0x10000,
      raw: { hdlr: boxBytes(first.bytes, head.trak.mdia.hdlr)!, mediaHeader: boxBytes(first.bytes, minf.vmhd ?? minf.smhd), dinf: boxBytes(first.bytes, minf.dinf) },
      sampleEntries: entries,
      edits: trackEdits,
      samples: table,
    };
  });
  const ftyp = first.iso.ftyp as Loose;
  return {
    job: { outFile, movieTimescale, ftyp: { majorBrand: ftyp.major_brand, minorVersion: ftyp.minor_version, compatibleBrands: ftyp.compatible_brands }, tracks, sources, pieces },
    expected,
    parsed,
  };
}
