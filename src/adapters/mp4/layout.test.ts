import { describe, expect, it } from 'vitest';
import type { MdatPiece, Mp4WriteJob, OutputTrack } from '../../types/mp4.ts';
import { boxesOf } from './boxes/parsed-by-mp4box.ts';
import { layoutMp4, sourceVisitOrder } from './layout.ts';

const GiB = 2 ** 30;

/** A box made by hand for the test: size, type, body. */
function box(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}
const hdlr = (handler: string) => box('hdlr', Buffer.concat([Buffer.alloc(8), Buffer.from(handler, 'latin1'), Buffer.alloc(13)]));
/** A sample entry mp4box.js does not know: kept as it is. */
const entry = (n: number) => box(`zzz${n}`, Buffer.alloc(8));

interface SampleSpec {
  piece: number;
  at: number;
  size: number;
  duration?: number;
  offset?: number;
  sync?: number;
  description?: number;
}

function track(id: number, kind: 'video' | 'audio', samples: SampleSpec[], extra: Partial<OutputTrack> = {}): OutputTrack {
  return {
    id,
    kind,
    timescale: kind === 'video' ? 12800 : 48000,
    language: 'und',
    width: kind === 'video' ? 1920 : 0,
    height: kind === 'video' ? 1080 : 0,
    raw: { hdlr: hdlr(kind === 'video' ? 'vide' : 'soun'), mediaHeader: null, dinf: null },
    sampleEntries: [entry(1), entry(2)],
    edits: [],
    samples: {
      count: samples.length,
      durations: new Uint32Array(samples.map((s) => s.duration ?? 512)),
      compositionOffsets: new Int32Array(samples.map((s) => s.offset ?? 0)),
      sizes: new Uint32Array(samples.map((s) => s.size)),
      sync: new Uint8Array(samples.map((s) => s.sync ?? 1)),
      descriptionIndex: new Uint16Array(samples.map((s) => s.description ?? 1)),
      piece: new Uint32Array(samples.map((s) => s.piece)),
      pieceOffset: new Float64Array(samples.map((s) => s.at)),
    },
    ...extra,
  };
}

function job(tracks: OutputTrack[], pieces: MdatPiece[], sources = 1): Omit<Mp4WriteJob, 'outFile'> {
  return { movieTimescale: 1000, ftyp: { majorBrand: 'isom', minorVersion: 512, compatibleBrands: ['isom', 'mp41'] }, tracks, sources: Array.from({ length: sources }, (_, i) => `s${i}.mp4`), pieces };
}

/** mp4box.js's reading of the head (ftyp, moov, mdat header): its sample lists carry the offsets. */
function parsedTracks(head: Buffer) {
  const boxes = boxesOf(head);
  expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'moov', 'mdat']);
  return (boxes[1].traks as Record<string, any>[]).map((trak) => ({ stbl: trak.mdia.minf.stbl, samples: trak.samples as Record<string, any>[], trak }));
}

describe('layoutMp4', () => {
  it('writes co64 and a 64-bit mdat size when offsets pass 4 GiB, with every offset where the pieces put it', () => {
    const pieces: MdatPiece[] = [{ kind: 'file', source: 0, start: 1000, end: 1000 + 5 * GiB }, { kind: 'bytes', bytes: Buffer.alloc(64) }];
    const at = [1000, 1000 + 4 * GiB - 10, 1000 + 4 * GiB + 90, 1000 + 5 * GiB - 100];
    const layout = layoutMp4(job([track(1, 'video', [...at.map((a) => ({ piece: 0, at: a, size: 100 })), { piece: 1, at: 16, size: 48 }])], pieces));
    expect(layout.largeOffsets).toBe(true);
    expect(layout.payloadSize).toBe(5 * GiB + 64);
    expect(layout.head.length).toBe(layout.payloadStart);
    expect([layout.head.readUInt32BE(layout.head.length - 16), Number(layout.head.readBigUInt64BE(layout.head.length - 8))]).toEqual([1, 5 * GiB + 64 + 16]);
    const [{ stbl, samples }] = parsedTracks(layout.head);
    expect(stbl.stco).toBeUndefined();
    expect(stbl.co64.chunk_offsets.some((o: number) => o > 2 ** 32)).toBe(true);
    const expected = [...at.map((a) => layout.payloadStart + a - 1000), layout.payloadStart + 5 * GiB + 16];
    expect(samples.map((s) => s.offset)).toEqual(expected);
    expect(layout.totalSize).toBe(layout.payloadStart + 5 * GiB + 64);
  });

  it('keeps stco while the last chunk starts at 2^32 - 1, and switches to co64 one byte later', () => {
    const at = (last: number) => job([track(1, 'audio', [{ piece: 0, at: 0, size: 10 }, { piece: 0, at: last, size: 1 }])], [{ kind: 'file', source: 0, start: 0, end: 5 * GiB }]);
    const probe = layoutMp4(at(100));
    const lastAt = 0xffffffff - probe.payloadStart;
    const fits = layoutMp4(at(lastAt));
    expect(fits.largeOffsets).toBe(false);
    expect(parsedTracks(fits.head)[0].samples[1].offset).toBe(0xffffffff);
    const over = layoutMp4(at(lastAt + 1));
    expect(over.largeOffsets).toBe(true);
    expect(over.moovSize).toBe(fits.moovSize + 4 * 2);
    expect(parsedTracks(over.head)[0].samples[1].offset).toBe(over.payloadStart + lastAt + 1);
  });

  it('makes a chunk of each run of back-to-back samples, split where the description changes', () => {
    // Payload: v v a a a v v, then a bytes piece with two more video samples.
    const pieces: MdatPiece[] = [{ kind: 'file', source: 0, start: 0, end: 700 }, { kind: 'bytes', bytes: Buffer.alloc(300) }];
    const video = track(1, 'video', [
      { piece: 0, at: 0, size: 100 },
      { piece: 0, at: 100, size: 100 },
      { piece: 0, at: 500, size: 100 },
      { piece: 0, at: 600, size: 100, description: 2 },
      { piece: 1, at: 0, size: 100, description: 2 },
      { piece: 1, at: 100, size: 200, description: 2 },
    ]);
    const audio = track(2, 'audio', [200, 300, 400].map((at) => ({ piece: 0, at, size: 100 })));
    const layout = layoutMp4(job([video, audio], pieces));
    expect(layout.chunkCounts).toEqual([3, 1]);
    const [v, a] = parsedTracks(layout.head);
    expect([v.stbl.stsc.first_chunk, v.stbl.stsc.samples_per_chunk, v.stbl.stsc.sample_description_index]).toEqual([[1, 2, 3], [2, 1, 3], [1, 1, 2]]);
    expect(v.samples.map((s) => [s.offset - layout.payloadStart, s.description_index + 1])).toEqual([[0, 1], [100, 1], [500, 1], [600, 2], [700, 2], [800, 2]]);
    expect(a.samples.map((s) => s.offset - layout.payloadStart)).toEqual([200, 300, 400]);
    expect(a.stbl.stsz.sample_size).toBe(100);
    expect(v.stbl.stsd.entries.map((e: { type: string }) => e.type)).toEqual(['zzz1', 'zzz2']);
  });

  it('writes negative composition offsets as ctts version 1, sync samples as stss', () => {
    const offsets = [-512, 1024, -512, 0];
    const layout = layoutMp4(job([track(1, 'video', offsets.map((offset, i) => ({ piece: 0, at: i * 10, size: 10, offset, sync: i === 0 ? 1 : 0 })))], [{ kind: 'file', source: 0, start: 0, end: 40 }]));
    const [{ stbl, samples }] = parsedTracks(layout.head);
    expect(stbl.ctts.version).toBe(1);
    expect(samples.map((s) => [s.dts, s.cts, s.is_sync])).toEqual(offsets.map((o, i) => [i * 512, i * 512 + o, i === 0]));
    expect(stbl.stss.sample_numbers).toEqual([1]);
  });

  it('sets durations: mdhd the media, tkhd and mvhd the edit list or the media in movie time', () => {
    const samples = (n: number, duration: number) => Array.from({ length: n }, (_, i) => ({ piece: 0, at: i, size: 1, duration }));
    const edited = track(7, 'video', samples(10, 512), { edits: [{ segmentDuration: 250, mediaTime: -1, rate: 1 }, { segmentDuration: 300, mediaTime: 1024, rate: 1 }] });
    const plain = track(3, 'audio', samples(47, 1024));
    const layout = layoutMp4(job([edited, plain], [{ kind: 'file', source: 0, start: 0, end: 100 }]));
    const moov = boxesOf(layout.head)[1];
    const [v, a] = moov.traks as Record<string, any>[];
    expect([v.mdia.mdhd.duration, v.tkhd.duration, v.tkhd.flags, v.tkhd.width / 65536]).toEqual([5120, 550, 3, 1920]);
    // 47 * 1024 / 48000 s = 1002.67 ms.
    expect([a.mdia.mdhd.duration, a.tkhd.duration, a.tkhd.volume, a.mdia.minf.smhd.type]).toEqual([48128, 1003, 1, 'smhd']);
    expect([moov.mvhd.duration, moov.mvhd.next_track_id, moov.mvhd.timescale]).toEqual([1003, 8, 1000]);
    expect(v.edts.elst.entries.map((e: Record<string, number>) => [e.segment_duration, e.media_time])).toEqual([[250, -1], [300, 1024]]);
  });

  it('refuses jobs it cannot write in one pass, naming the field', () => {
    const file = (source: number, start: number, end: number): MdatPiece => ({ kind: 'file', source, start, end });
    expect(() => sourceVisitOrder([file(0, 0, 10), file(1, 0, 10), file(0, 20, 30)], 2)).toThrow(/pieces\[2\]: source 0 comes back after source 1/);
    expect(() => sourceVisitOrder([file(0, 0, 10), file(0, 5, 30)], 1)).toThrow(/pieces\[1\].*start before the previous piece ends \(10\)/);
    expect(() => sourceVisitOrder([file(2, 0, 10)], 2)).toThrow(/pieces\[0\].source 2: no such source/);
    expect(sourceVisitOrder([file(1, 0, 10), { kind: 'bytes', bytes: Buffer.alloc(1) }, file(1, 10, 10), file(0, 0, 1)], 2)).toEqual([1, 0]);
    const pieces = [file(0, 100, 200)];
    expect(() => layoutMp4(job([track(1, 'video', [{ piece: 0, at: 150, size: 51 }])], pieces))).toThrow(/samples\[0\]: bytes 150-201 lie outside piece 0 \(100-200\)/);
    expect(() => layoutMp4(job([track(1, 'video', [{ piece: 1, at: 0, size: 1 }])], pieces))).toThrow(/piece\[0\]: no piece 1/);
    expect(() => layoutMp4(job([track(1, 'video', [{ piece: 0, at: 100, size: 1, description: 3 }])], pieces))).toThrow(/descriptionIndex\[0\]: 3/);
    expect(() => layoutMp4(job([track(1, 'video', []), track(1, 'audio', [])], pieces))).toThrow(/ids 1, 1/);
  });
});
