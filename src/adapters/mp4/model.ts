import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidInputError } from '../../errors.ts';
import type { Mp4Model, Mp4Track, RawTrackBoxes, SampleDescription, SampleTable, TopLevelBox } from '../../types/mp4.ts';
import { bytesOf, childrenOf, findChild, findPath, MalformedBoxError, type BoxSpan } from './boxes.ts';
import { readMovieFragment, readTrackDefaults, SampleTableBuilder } from './fragments.ts';
import { applyEdits } from './presentation.ts';
import { readSampleDescriptions } from './sample-descriptions.ts';
import { readSampleTables } from './sample-tables.ts';
import type { SampleTableArena } from './table-arena.ts';
import { walkTopLevelBoxes } from './top-level-boxes.ts';
import { readEdits, readFtyp, readHandlerType, readMediaHeader, readMovieTimescale, readTrackId } from './track-boxes.ts';

/**
 * Reads an MP4 the way a player does: the top-level boxes wherever they stand, the moov sample
 * tables, then every moof fragment in file order, and each track's edit list applied in full.
 * Reads box headers, moov and moof only, never the media payload. The moov's tables go into
 * `tables` when given (fragments' tables, which grow as they are read, do not).
 * The reads are synchronous (a few box headers, the moov, any moofs): through the async API each
 * waited for libuv's pool, busy then with the copy threads' boot and the thumbnails' reads, and
 * the chunks' parses interleaved; the join's copy started 24 ms later at 1 h, 87 ms at 4 h.
 */
export async function readMp4Model(file: string, options: { tables?: SampleTableArena } = {}): Promise<Mp4Model> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new InvalidInputError(`cannot read the media (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file });
  }
  try {
    const { size } = fstatSync(fd);
    if (size === 0) throw new InvalidInputError('the media file is empty', { file });
    const walk = walkTopLevelBoxes(fd, size);
    if (!walk.ok) throw new InvalidInputError(`not a complete MP4: ${walk.reason}`, { file });
    const { boxes } = walk;
    if (boxes[0]?.type !== 'ftyp') throw new InvalidInputError(`not an MP4: it starts with '${boxes[0]?.type}', not 'ftyp'`, { file });
    const moovBox = boxes.find((b) => b.type === 'moov');
    if (!moovBox) throw new InvalidInputError('not a complete MP4: no moov box', { file });
    try {
      return readBoxes(fd, file, size, boxes, moovBox, options.tables);
    } catch (error) {
      if (error instanceof MalformedBoxError || error instanceof RangeError) throw new InvalidInputError(`not a valid MP4: ${error.message}`, { file, cause: error });
      throw error;
    }
  } finally {
    closeSync(fd);
  }
}

function readBox(fd: number, box: TopLevelBox): Buffer {
  const bytes = Buffer.alloc(box.size);
  let bytesRead = 0;
  for (let n = 1; bytesRead < box.size && n > 0; bytesRead += n) n = readSync(fd, bytes, bytesRead, box.size - bytesRead, box.start + bytesRead);
  if (bytesRead < box.size) throw new MalformedBoxError(`box '${box.type}' at byte ${box.start} could not be read whole`);
  return bytes;
}

function readBoxes(fd: number, file: string, sizeBytes: number, boxes: TopLevelBox[], moovBox: TopLevelBox, tables?: SampleTableArena): Mp4Model {
  const ftyp = readFtyp(readBox(fd, boxes[0]));
  const buf = readBox(fd, moovBox);
  const moov: BoxSpan = { type: 'moov', start: 0, body: moovBox.headerSize, end: buf.length };
  const movieTimescale = readMovieTimescale(buf, moov);
  const traks = childrenOf(buf, moov)
    .filter((b) => b.type === 'trak')
    .map((trak) => readTrak(buf, trak, tables));

  const moofs = boxes.filter((b) => b.type === 'moof');
  if (moofs.length > 0) {
    const defaults = readTrackDefaults(buf, findChild(buf, moov, 'mvex'));
    const builders = new Map(traks.map((t) => [t.id, new SampleTableBuilder(t.samples)]));
    for (const moof of moofs) readMovieFragment(readBox(fd, moof), moof.start, builders, defaults);
    for (const t of traks) t.samples = builders.get(t.id)!.build();
  }

  const tracks: Mp4Track[] = traks.map((t) => {
    const lastByte = lastByteOf(t.samples);
    if (lastByte > sizeBytes) {
      throw new InvalidInputError(`track ${t.id} (${t.kind}) has samples up to byte ${lastByte} but the file has ${sizeBytes} (truncated)`, { file });
    }
    const descriptions = measureFrames(t.descriptions, t.samples, t.timescale);
    return { ...t, descriptions, presentation: applyEdits({ samples: t.samples, edits: t.edits, timescale: t.timescale, movieTimescale }) };
  });
  const mdats = boxes.filter((b) => b.type === 'mdat');
  return {
    file,
    sizeBytes,
    boxes,
    ftyp,
    movieTimescale,
    moovBeforeMdat: mdats.length === 0 || moovBox.start < mdats[0].start,
    fragmented: moofs.length > 0,
    mediaData: mdats.map((m) => ({ start: m.start + m.headerSize, end: m.start + m.size })),
    tracks,
  };
}

type TrakWithoutPresentation = Omit<Mp4Track, 'presentation'>;

function readTrak(buf: Buffer, trak: BoxSpan, tables?: SampleTableArena): TrakWithoutPresentation {
  const required = (path: string) => {
    const box = findPath(buf, trak, path);
    if (!box) throw new MalformedBoxError(`a trak has no ${path}`);
    return box;
  };
  const tkhd = required('tkhd');
  const mdhd = required('mdia/mdhd');
  const hdlr = required('mdia/hdlr');
  const minf = required('mdia/minf');
  const stbl = required('mdia/minf/stbl');
  const stsd = required('mdia/minf/stbl/stsd');
  const handlerType = readHandlerType(buf, hdlr);
  const kind = handlerType === 'vide' ? 'video' : handlerType === 'soun' ? 'audio' : 'other';
  const { timescale, language } = readMediaHeader(buf, mdhd);
  const mediaHeader = childrenOf(buf, minf).find((b) => ['vmhd', 'smhd', 'nmhd', 'sthd', 'hmhd'].includes(b.type));
  const raw: RawTrackBoxes = {
    tkhd: bytesOf(buf, tkhd)!,
    mdhd: bytesOf(buf, mdhd)!,
    hdlr: bytesOf(buf, hdlr)!,
    mediaHeader: bytesOf(buf, mediaHeader),
    dinf: bytesOf(buf, findChild(buf, minf, 'dinf')),
    stsd: bytesOf(buf, stsd)!,
  };
  return {
    id: readTrackId(buf, tkhd),
    kind,
    handlerType,
    timescale,
    language,
    samples: readSampleTables(buf, stbl, tables),
    edits: readEdits(buf, findChild(buf, trak, 'edts')),
    descriptions: readSampleDescriptions(raw.stsd, kind),
    raw,
  };
}

function lastByteOf(samples: SampleTable): number {
  const { count, offsets, sizes } = samples;
  let last = 0;
  // a comparison, not Math.max: a loop run first in the interpreter, where each call costs
  for (let i = 0; i < count; i++) {
    const end = offsets[i] + sizes[i];
    if (end > last) last = end;
  }
  return last;
}

/** Fills an audio description's samplesPerFrame from its samples' most common duration when the codec does not fix it. */
function measureFrames(descriptions: SampleDescription[], samples: SampleTable, timescale: number): SampleDescription[] {
  return descriptions.map((d, i) => {
    if (d.kind !== 'audio' || d.samplesPerFrame) return d;
    const duration = mostCommon(samples.durations, samples.descriptionIndex, i + 1);
    return { ...d, samplesPerFrame: Math.round((duration * d.sampleRate) / timescale) };
  });
}

/** The most common value of `values` among the samples of description `index` (0 when none). */
export function mostCommon(values: ArrayLike<number>, descriptionIndex: Uint16Array | null, index: number): number {
  const counts = new Map<number, number>();
  const counted = (i: number) => !descriptionIndex || descriptionIndex[i] === index;
  // a run of equal values at a time: tables are mostly long runs, and a Map update per sample
  // was the probe's largest cost (25 ms at 1 h)
  for (let i = 0; i < values.length; ) {
    if (!counted(i)) {
      i++;
      continue;
    }
    const value = values[i];
    let end = i + 1;
    while (end < values.length && values[end] === value && counted(end)) end++;
    counts.set(value, (counts.get(value) ?? 0) + (end - i));
    i = end;
  }
  let best = 0;
  let bestCount = 0;
  for (const [value, count] of counts) if (count > bestCount) [best, bestCount] = [value, count];
  return best;
}

