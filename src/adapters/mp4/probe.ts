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
  const samples = trak.samples ?? [];
  const edit = firstEdit(trak);
  const mediaStart = edit ? edit.mediaTime : 0;
  const lastByte = samples.reduce((max, s) => Math.max(max, s.offset + s.size), 0);
  if (lastByte > fileSize) throw new InvalidInputError(`video samples reach byte ${lastByte} but the file has ${fileSize} (truncated)`, { file });
  const delta = mostCommonDelta(trak);
  const mediaDuration = samples.reduce((sum, s) => sum + s.duration, 0);
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
    sampleCount: samples.length,
    durationSec: presented,
    mediaStartSec: mediaStart / timescale,
    syncSamples: samples
      .filter((s) => s.is_sync)
      .map((s) => ({ timeSec: (s.cts - mediaStart) / timescale, offset: s.offset, size: s.size })),
    parameterSets: entry.avcC ? [...entry.avcC.SPS, ...entry.avcC.PPS].map((p) => Buffer.from(p.data)) : [],
    nalLengthSize: entry.avcC ? entry.avcC.lengthSizeMinusOne + 1 : 4,
  };
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
  const samples = trak.samples ?? [];
  const totalTicks = samples.reduce((sum, s) => sum + s.duration, 0);
  const sampleRate = asc?.sampleRate ?? timescale;
  const toSamples = (ticks: number) => Math.round((ticks * sampleRate) / timescale);
  const edit = firstEdit(trak);
  const priming = edit ? toSamples(edit.mediaTime) : 0;
  const available = toSamples(totalTicks) - priming;
  const presented = edit && edit.segmentDuration > 0 ? Math.min(available, Math.round((edit.segmentDuration * sampleRate) / movieTimescale)) : available;
  if (samples.length === 0) throw new InvalidInputError('the audio track has no samples', { file });
  const packetOffsets = Float64Array.from(samples, (s) => s.offset);
  const packetSizes = Uint32Array.from(samples, (s) => s.size);
  const lastByte = samples.reduce((max, s) => Math.max(max, s.offset + s.size), 0);
  if (lastByte > fileSize) throw new InvalidInputError(`audio samples reach byte ${lastByte} but the file has ${fileSize} (truncated)`, { file });
  return {
    codec: entry.getCodec?.() ?? entry.type,
    sampleRate,
    channels: asc?.channels || entry.channel_count,
    audioSpecificConfig: decoderSpecific ? Buffer.from(decoderSpecific).toString('hex') : '',
    sampleCount: samples.length,
    samplesPerFrame: toSamples(samples[0].duration) || 1024,
    primingSamples: priming,
    presentedSamples: presented,
    durationSec: presented / sampleRate,
    packetOffsets,
    packetSizes,
  };
}
