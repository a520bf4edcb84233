import { createFile, MP4BoxBuffer } from 'mp4box';
import type { AudioDescription, SampleDescription } from '../../types/mp4.ts';
import { childBoxes } from './boxes.ts';
import { findEsds, readEsds } from './esds.ts';

const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** Parses an AAC AudioSpecificConfig: object type, sample rate, channel configuration. */
export function parseAudioSpecificConfig(bytes: Uint8Array): { objectType: number; sampleRate: number | null; channels: number } {
  const objectType = bytes[0] >> 3;
  const frequencyIndex = ((bytes[0] & 0x07) << 1) | (bytes[1] >> 7);
  const channels = (bytes[1] >> 3) & 0x0f;
  return { objectType, sampleRate: SAMPLE_RATES[frequencyIndex] ?? null, channels };
}

interface ParsedEntry {
  type: string;
  start: number;
  size: number;
  width?: number;
  height?: number;
  channel_count?: number;
  samplerate?: number;
  avcC?: { lengthSizeMinusOne: number; SPS: { data: Uint8Array }[]; PPS: { data: Uint8Array }[] };
  hvcC?: { lengthSizeMinusOne: number; nalu_arrays: { data: Uint8Array }[][] };
  esds?: { esd: { descs: { tag: number; descs?: { tag: number; data?: Uint8Array }[] }[] } };
  getCodec?: () => string;
}

/**
 * Reads every entry of an stsd box (its bytes as in the file). ISO sample entries go to mp4box.js
 * one at a time, in an stsd of their own that it parses as if it stood at the top of a file;
 * QuickTime sound descriptions (version 1 and 2, as GStreamer's qtmux writes) it cannot parse, so
 * they are read here. `kind` comes from the track's handler.
 */
export function readSampleDescriptions(stsd: Uint8Array, kind: 'video' | 'audio' | 'other'): SampleDescription[] {
  // a recording's chunks share their stsd bytes: mp4box.js parses each distinct one once (its
  // first parses run cold, 1 ms each, 25 ms of a 1 h probe); each call gets description objects and
  // bytes of its own, the parameter sets (read only) are shared
  const key = `${kind}:${Buffer.from(stsd.buffer, stsd.byteOffset, stsd.byteLength).toString('latin1')}`;
  let parsed = parsedDescriptions.get(key);
  if (!parsed) {
    if (parsedDescriptions.size >= PARSED_KEPT) parsedDescriptions.clear();
    parsed = parseSampleDescriptions(stsd, kind);
    parsedDescriptions.set(key, parsed);
  }
  return parsed.map((description) => ({ ...description, raw: description.raw.slice() }));
}

const PARSED_KEPT = 32;
const parsedDescriptions = new Map<string, SampleDescription[]>();

function parseSampleDescriptions(stsd: Uint8Array, kind: 'video' | 'audio' | 'other'): SampleDescription[] {
  const buf = Buffer.from(stsd.buffer, stsd.byteOffset, stsd.byteLength);
  return childBoxes(buf, 16, buf.length).map((span) => {
    const raw = stsd.slice(span.start, span.end);
    const entry = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (kind === 'audio' && entry.length >= 36 && entry.readUInt16BE(16) !== 0) return quickTimeSound(entry, raw);
    return describeEntry(parseWithMp4box(buf.subarray(0, 16), raw), raw, kind);
  });
}

function parseWithMp4box(stsdHeader: Buffer, raw: Uint8Array): ParsedEntry {
  const single = Buffer.concat([stsdHeader, raw]);
  single.writeUInt32BE(single.length, 0);
  single.writeUInt32BE(1, 12);
  const unknown = { type: Buffer.from(raw).toString('latin1', 4, 8), start: 0, size: raw.length };
  try {
    const iso = createFile();
    iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(single.buffer.slice(single.byteOffset, single.byteOffset + single.length), 0));
    iso.flush();
    const box = iso.boxes.find((b) => b.type === 'stsd') as unknown as { entries?: ParsedEntry[] } | undefined;
    return box?.entries?.[0] ?? unknown;
  } catch {
    // An entry mp4box.js cannot parse is kept as it is: its bytes still describe the samples.
    return unknown;
  }
}

function quickTimeSound(entry: Buffer, raw: Uint8Array): AudioDescription {
  const version = entry.readUInt16BE(16);
  const extensionsAt = 36 + (version === 1 ? 16 : version === 2 ? 36 : 0);
  const esdsBox = findEsds(entry, extensionsAt, entry.length);
  const esds = esdsBox ? readEsds(entry, esdsBox) : null;
  return audioDescription({
    fourcc: entry.toString('latin1', 4, 8),
    objectTypeIndication: esds?.objectTypeIndication ?? null,
    config: esds?.config ?? null,
    sampleRate: version === 2 ? entry.readDoubleBE(40) : entry.readUInt32BE(32) / 65536,
    channels: version === 2 ? entry.readUInt32BE(48) : entry.readUInt16BE(24),
    raw,
  });
}

function audioDescription(params: { fourcc: string; codec?: string; objectTypeIndication: number | null; config: Uint8Array | null; sampleRate: number; channels: number; raw: Uint8Array }): AudioDescription {
  const { fourcc, objectTypeIndication, config, raw } = params;
  const asc = config && config.length >= 2 ? parseAudioSpecificConfig(config) : null;
  const codec = params.codec ?? (objectTypeIndication === 0x40 && asc ? `${fourcc}.40.${asc.objectType}` : objectTypeIndication ? `${fourcc}.${objectTypeIndication.toString(16)}` : fourcc);
  return {
    kind: 'audio',
    fourcc,
    codec,
    sampleRate: asc?.sampleRate ?? params.sampleRate,
    channels: asc?.channels || params.channels,
    audioSpecificConfig: config ? Buffer.from(config).toString('hex') : '',
    // AAC-LC codes 1024 samples a frame; other codecs are measured from the sample durations.
    samplesPerFrame: asc?.objectType === 2 ? 1024 : 0,
    raw,
  };
}

function describeEntry(entry: ParsedEntry, raw: Uint8Array, kind: 'video' | 'audio' | 'other'): SampleDescription {
  const codec = safeCodec(entry);
  if (kind === 'video' && entry.width !== undefined) {
    const parameterSets = entry.avcC
      ? [...entry.avcC.SPS, ...entry.avcC.PPS].map((p) => Buffer.from(p.data))
      : (entry.hvcC?.nalu_arrays.flatMap((a) => Array.from(a, (n) => Buffer.from(n.data))) ?? []);
    const lengthSizeMinusOne = entry.avcC?.lengthSizeMinusOne ?? entry.hvcC?.lengthSizeMinusOne ?? 3;
    return { kind: 'video', fourcc: entry.type, codec, width: entry.width, height: entry.height ?? 0, nalLengthSize: lengthSizeMinusOne + 1, parameterSets, raw };
  }
  if (kind === 'audio' && entry.samplerate !== undefined) {
    const config = entry.esds?.esd.descs.find((d) => d.tag === 4)?.descs?.find((d) => d.tag === 5)?.data ?? null;
    return audioDescription({ fourcc: entry.type, codec, objectTypeIndication: null, config, sampleRate: entry.samplerate, channels: entry.channel_count ?? 0, raw });
  }
  return { kind: 'other', fourcc: entry.type, codec, raw };
}

function safeCodec(entry: ParsedEntry): string {
  try {
    return entry.getCodec?.() ?? entry.type;
  } catch {
    return entry.type;
  }
}
