import { open } from 'node:fs/promises';
import { createFile, MP4BoxBuffer, type Movie } from 'mp4box';
import { InvalidInputError } from '../../errors.ts';
import { walkTopLevelBoxes, type TopLevelBox } from './top-level-boxes.ts';

export interface SyncSample {
  /** Presentation time in seconds, edit list applied. */
  timeSec: number;
  offset: number;
  size: number;
}

export interface VideoTrackProbe {
  codec: string;
  width: number;
  height: number;
  frameRate: number;
  timescale: number;
  sampleCount: number;
  durationSec: number;
  /** Seconds the edit list skips at the start of the media (B-frame delay), 0 without one. */
  mediaStartSec: number;
  syncSamples: SyncSample[];
  /** avcC parameter sets, to decode a lone sync sample. */
  parameterSets: Buffer[];
  nalLengthSize: number;
}

export interface AudioTrackProbe {
  codec: string;
  sampleRate: number;
  channels: number;
  /** AudioSpecificConfig, compared across chunks before a stream copy. */
  audioSpecificConfig: string;
  sampleCount: number;
  samplesPerFrame: number;
  /** Encoder priming the edit list hides, in samples. */
  primingSamples: number;
  /** Samples the edit list presents (priming and padding excluded). */
  presentedSamples: number;
  durationSec: number;
  /** Where each AAC frame is in the file, to copy frames without a demuxer. */
  packetOffsets: Float64Array;
  packetSizes: Uint32Array;
}

export interface Mp4Probe {
  file: string;
  sizeBytes: number;
  boxes: TopLevelBox[];
  moovBeforeMdat: boolean;
  durationSec: number;
  video: VideoTrackProbe | null;
  audio: AudioTrackProbe | null;
}

const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** Parses an AAC AudioSpecificConfig: object type, sample rate, channel configuration. */
export function parseAudioSpecificConfig(bytes: Uint8Array): { objectType: number; sampleRate: number | null; channels: number } {
  const objectType = bytes[0] >> 3;
  const frequencyIndex = ((bytes[0] & 0x07) << 1) | (bytes[1] >> 7);
  const channels = (bytes[1] >> 3) & 0x0f;
  return { objectType, sampleRate: SAMPLE_RATES[frequencyIndex] ?? null, channels };
}

/** Reads only ftyp and moov (wherever moov is) and summarises the tracks the pipeline needs. */
export async function probeMp4(file: string): Promise<Mp4Probe> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(`cannot read the media (${error.code ?? error.message})`, { file });
  });
  try {
    const { size } = await handle.stat();
    if (size === 0) throw new InvalidInputError('the media file is empty', { file });
    const walk = await walkTopLevelBoxes(handle, size);
    if (!walk.ok) throw new InvalidInputError(`not a complete MP4: ${walk.reason}`, { file });
    const { boxes } = walk;
    if (boxes[0]?.type !== 'ftyp') throw new InvalidInputError(`not an MP4: it starts with '${boxes[0]?.type}', not 'ftyp'`, { file });
    const moov = boxes.find((b) => b.type === 'moov');
    const mdat = boxes.find((b) => b.type === 'mdat');
    if (!moov) throw new InvalidInputError('not a complete MP4: no moov box', { file });

    const iso = createFile();
    // mp4box.js would build an object per sample (about 500 bytes each: 170 MB and 4 s for a
    // four-hour moov); the sample tables are read into typed arrays below instead.
    iso.buildSampleLists = () => {
      for (const trak of iso.moov.traks) Object.assign(trak, { samples: [], samples_duration: 0, samples_size: 0 });
    };
    let movie: Movie | null = null;
    iso.onReady = (info) => {
      movie = info;
    };
    for (const box of [boxes[0], moov]) {
      const bytes = Buffer.alloc(box.size);
      await handle.read(bytes, 0, box.size, box.start);
      iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), box.start));
    }
    iso.flush();
    if (!movie) throw new InvalidInputError('the moov box could not be parsed', { file });
    const info: Movie = movie;

    const videoTrack = info.tracks.find((t) => t.type === 'video' || t.video);
    const audioTrack = info.tracks.find((t) => t.type === 'audio' || t.audio);
    const video = videoTrack ? summariseVideo(iso, videoTrack.id, size, file) : null;
    const audio = audioTrack ? summariseAudio(iso, audioTrack.id, info.timescale, file, size) : null;
    return {
      file,
      sizeBytes: size,
      boxes,
      moovBeforeMdat: mdat ? moov.start < mdat.start : true,
      // mvhd often counts the audio priming too; what plays is the longest presented track
      durationSec: Math.max(video?.durationSec ?? 0, audio?.durationSec ?? 0) || (info.timescale ? info.duration / info.timescale : 0),
      video,
      audio,
    };
  } finally {
    await handle.close();
  }
}

type Iso = ReturnType<typeof createFile>;
type Trak = ReturnType<typeof trakOf>;

/** A track's samples as the sample table describes them, in decoding order. */
export interface SampleTable {
  count: number;
  offsets: Float64Array;
  sizes: Uint32Array;
  /** Composition times (media timescale). */
  cts: Float64Array;
  sync: Uint8Array;
  /** Duration of the first sample (media timescale), 0 without samples. */
  firstDuration: number;
  /** Sum of all sample durations, the last one running to the media's end. */
  totalDuration: number;
  /** End of the last byte any sample occupies. */
  lastByte: number;
}

/**
 * Reads stsz/stsc/stco/stts/ctts/stss the way mp4box.js's buildTrakSampleLists does (same run
 * bookkeeping, same last-sample duration: up to mdhd.duration), into typed arrays.
 */
export function sampleTable(trak: Trak): SampleTable {
  const stbl = trak.mdia.minf.stbl;
  const stsz = stbl.stsz;
  const stco = stbl.stco ?? stbl.co64;
  const { stsc, stts, ctts, stss } = stbl;
  const count = stsz ? stsz.sample_sizes.length : 0;
  const table: SampleTable = {
    count,
    offsets: new Float64Array(count),
    sizes: new Uint32Array(count),
    cts: new Float64Array(count),
    sync: new Uint8Array(count),
    firstDuration: 0,
    totalDuration: 0,
    lastByte: 0,
  };
  let chunkIndex = 0;
  let chunkRunIndex = 0;
  let lastChunkInRun = 0;
  let lastSampleInChunk = 0;
  let offsetInChunk = 0;
  let lastSampleInSttsRun = -1;
  let sttsRunIndex = -1;
  let lastSampleInCttsRun = -1;
  let cttsRunIndex = -1;
  let lastStssIndex = 0;
  let dts = 0;
  let previousDts = 0;
  let previousDuration = 0;
  const lastChunkOf = (run: number) => (run + 1 < stsc.first_chunk.length ? stsc.first_chunk[run + 1] - 1 : Infinity);
  for (let j = 0; j < count; j++) {
    const size = stsz!.sample_sizes[j];
    if (j === 0) {
      chunkIndex = 1;
      chunkRunIndex = 0;
      lastSampleInChunk = stsc.samples_per_chunk[chunkRunIndex];
      offsetInChunk = 0;
      lastChunkInRun = lastChunkOf(chunkRunIndex);
    } else if (j >= lastSampleInChunk) {
      chunkIndex++;
      offsetInChunk = 0;
      if (chunkIndex > lastChunkInRun) {
        chunkRunIndex++;
        lastChunkInRun = lastChunkOf(chunkRunIndex);
      }
      lastSampleInChunk += stsc.samples_per_chunk[chunkRunIndex];
    }
    const offset = stco.chunk_offsets[chunkIndex - 1] + offsetInChunk;
    offsetInChunk += size;
    table.offsets[j] = offset;
    table.sizes[j] = size;
    table.lastByte = Math.max(table.lastByte, offset + size);
    if (j > lastSampleInSttsRun) {
      sttsRunIndex++;
      if (lastSampleInSttsRun < 0) lastSampleInSttsRun = 0;
      lastSampleInSttsRun += stts.sample_counts[sttsRunIndex];
    }
    if (j > 0) {
      previousDuration = stts.sample_deltas[sttsRunIndex];
      if (j === 1) table.firstDuration = previousDuration;
      table.totalDuration += previousDuration;
      dts = previousDts + previousDuration;
    } else dts = 0;
    previousDts = dts;
    if (ctts) {
      if (j >= lastSampleInCttsRun) {
        cttsRunIndex++;
        if (lastSampleInCttsRun < 0) lastSampleInCttsRun = 0;
        lastSampleInCttsRun += ctts.sample_counts[cttsRunIndex];
      }
      table.cts[j] = dts + ctts.sample_offsets[cttsRunIndex];
    } else table.cts[j] = dts;
    if (stss) {
      if (j === stss.sample_numbers[lastStssIndex] - 1) {
        table.sync[j] = 1;
        lastStssIndex++;
      }
    } else table.sync[j] = 1;
  }
  if (count > 0) {
    const last = Math.max(trak.mdia.mdhd.duration - previousDts, 0);
    if (count === 1) table.firstDuration = last;
    table.totalDuration += last;
  }
  return table;
}

function trakOf(iso: Iso, trackId: number) {
  const trak = iso.moov.traks.find((t) => t.tkhd.track_id === trackId);
  if (!trak) throw new Error(`track ${trackId} vanished`);
  return trak;
}

function firstEdit(trak: ReturnType<typeof trakOf>): { mediaTime: number; segmentDuration: number } | null {
  const entries = trak.edts?.elst?.entries ?? [];
  const media = entries.find((e) => e.media_time >= 0);
  return media ? { mediaTime: media.media_time, segmentDuration: media.segment_duration } : null;
}

function mostCommonDelta(trak: ReturnType<typeof trakOf>): number {
  const stts = trak.mdia.minf.stbl.stts;
  let best = 0;
  let bestCount = -1;
  stts.sample_counts.forEach((count, i) => {
    if (count > bestCount) {
      bestCount = count;
      best = stts.sample_deltas[i];
    }
  });
  return best;
}

function summariseVideo(iso: Iso, trackId: number, fileSize: number, file: string): VideoTrackProbe {
  const trak = trakOf(iso, trackId);
  const timescale = trak.mdia.mdhd.timescale;
  const entry = trak.mdia.minf.stbl.stsd.entries[0] as unknown as {
    type: string;
    width: number;
    height: number;
    avcC?: { lengthSizeMinusOne: number; SPS: { data: Uint8Array }[]; PPS: { data: Uint8Array }[] };
  };
  const samples = sampleTable(trak);
  const edit = firstEdit(trak);
  const mediaStart = edit ? edit.mediaTime : 0;
  const lastByte = samples.lastByte;
  if (lastByte > fileSize) throw new InvalidInputError(`video samples reach byte ${lastByte} but the file has ${fileSize} (truncated)`, { file });
  const delta = mostCommonDelta(trak);
  const mediaDuration = samples.totalDuration;
  const fromMedia = (mediaDuration - mediaStart) / timescale;
  const fromEdit = edit && edit.segmentDuration > 0 ? edit.segmentDuration / iso.moov.mvhd.timescale : fromMedia;
  // The edit list counts in the movie timescale (often ms): trust the exact media length when they agree.
  const presented = Math.abs(fromEdit - fromMedia) <= 2 / iso.moov.mvhd.timescale ? fromMedia : Math.min(fromEdit, fromMedia);
  return {
    codec: videoCodecString(trak, entry.type),
    width: entry.width,
    height: entry.height,
    frameRate: delta ? Math.round((timescale / delta) * 1000) / 1000 : 0,
    timescale,
    sampleCount: samples.count,
    durationSec: presented,
    mediaStartSec: mediaStart / timescale,
    syncSamples: syncSamplesOf(samples, mediaStart, timescale),
    parameterSets: entry.avcC ? [...entry.avcC.SPS, ...entry.avcC.PPS].map((p) => Buffer.from(p.data)) : [],
    nalLengthSize: entry.avcC ? entry.avcC.lengthSizeMinusOne + 1 : 4,
  };
}

function syncSamplesOf(samples: SampleTable, mediaStart: number, timescale: number): SyncSample[] {
  const sync: SyncSample[] = [];
  for (let j = 0; j < samples.count; j++) {
    if (samples.sync[j]) sync.push({ timeSec: (samples.cts[j] - mediaStart) / timescale, offset: samples.offsets[j], size: samples.sizes[j] });
  }
  return sync;
}

function videoCodecString(trak: ReturnType<typeof trakOf>, type: string): string {
  const entry = trak.mdia.minf.stbl.stsd.entries[0] as unknown as { getCodec?: () => string };
  return entry.getCodec?.() ?? type;
}

function summariseAudio(iso: Iso, trackId: number, movieTimescale: number, file: string, fileSize: number): AudioTrackProbe {
  const trak = trakOf(iso, trackId);
  const timescale = trak.mdia.mdhd.timescale;
  const entry = trak.mdia.minf.stbl.stsd.entries[0] as unknown as {
    type: string;
    channel_count: number;
    samplerate: number;
    esds?: { esd: { descs: { tag: number; descs?: { tag: number; data?: Uint8Array }[] }[] } };
    getCodec?: () => string;
  };
  const decoderSpecific = entry.esds?.esd.descs.find((d) => d.tag === 4)?.descs?.find((d) => d.tag === 5)?.data;
  const asc = decoderSpecific && decoderSpecific.length >= 2 ? parseAudioSpecificConfig(decoderSpecific) : null;
  const samples = sampleTable(trak);
  const totalTicks = samples.totalDuration;
  const sampleRate = asc?.sampleRate ?? timescale;
  const toSamples = (ticks: number) => Math.round((ticks * sampleRate) / timescale);
  const edit = firstEdit(trak);
  const priming = edit ? toSamples(edit.mediaTime) : 0;
  const available = toSamples(totalTicks) - priming;
  const presented = edit && edit.segmentDuration > 0 ? Math.min(available, Math.round((edit.segmentDuration * sampleRate) / movieTimescale)) : available;
  if (samples.count === 0) throw new InvalidInputError('the audio track has no samples', { file });
  const packetOffsets = samples.offsets;
  const packetSizes = samples.sizes;
  const lastByte = samples.lastByte;
  if (lastByte > fileSize) throw new InvalidInputError(`audio samples reach byte ${lastByte} but the file has ${fileSize} (truncated)`, { file });
  return {
    codec: entry.getCodec?.() ?? entry.type,
    sampleRate,
    channels: asc?.channels || entry.channel_count,
    audioSpecificConfig: decoderSpecific ? Buffer.from(decoderSpecific).toString('hex') : '',
    sampleCount: samples.count,
    samplesPerFrame: toSamples(samples.firstDuration) || 1024,
    primingSamples: priming,
    presentedSamples: presented,
    durationSec: presented / sampleRate,
    packetOffsets,
    packetSizes,
  };
}
