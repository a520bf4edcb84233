import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { InvalidInputError, UsageError } from '../errors.ts';
import { allSettledOrThrow } from '../settle.ts';
import { chunkMetadataSchema, looksLikeChunkMetadata } from '../schemas/chunk-metadata.ts';
import { parseDocument, parseEvents, parseJsonText } from '../schemas/parse.ts';
import type { RecordingEvent } from '../schemas/recording-event.ts';
import type { DirectoryInput } from '../types/pipeline.ts';
import type { ChunkMetadata } from '../schemas/chunk-metadata.ts';
import type { ChannelType, DiscoveredChunk, Discovery, MediaFormat } from '../types/chunk.ts';

const EVENT_FILE = 'event.json';
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MEDIA_FORMATS: readonly MediaFormat[] = ['mp4', 'mp3', 'wav'];
const isMediaName = (name: string) => MEDIA_FORMATS.some((ext) => name.toLowerCase().endsWith(`.${ext}`));

/** Finds the chunks of a directory: every metadata document and the media it names. */
export async function discoverChunks(input: DirectoryInput): Promise<Discovery> {
  const inputDir = resolve(input.inputDir);
  const entries = await readdir(inputDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new UsageError(`input directory does not exist`, { file: inputDir });
    throw new InvalidInputError(`cannot read the input directory (${error.code})`, { file: inputDir });
  });
  const names = new Set(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name));
  const warnings: string[] = [];

  let event: RecordingEvent | null = input.event ?? null;
  if (!event && names.has(EVENT_FILE)) event = await readEventFile(join(inputDir, EVENT_FILE));

  const chunks: DiscoveredChunk[] = [];
  const kinds: { format: MediaFormat; channelType: ChannelType }[] = [];
  const claimedMedia = new Set<string>();
  const metadataNames = [...names].filter((n) => n.toLowerCase().endsWith('.json') && n !== EVENT_FILE).sort();
  // read all at once, checked in name order: one read after another was most of this stage's time (48 chunks: 110 ms)
  const texts = await Promise.allSettled(metadataNames.map((name) => readFile(join(inputDir, name), 'utf8')));
  const realInputDir = await realpath(inputDir);
  const insideChecks: Promise<void>[] = [];
  for (const [i, name] of metadataNames.entries()) {
    const file = join(inputDir, name);
    const text = texts[i];
    if (text.status === 'rejected') throw text.reason;
    const value = parseJsonText(text.value, file);
    if (!looksLikeChunkMetadata(value)) continue;
    const metadata = parseDocument(chunkMetadataSchema, value, file);
    const kind = recordingKindOf(metadata, file);
    if (kinds.length > 0 && kinds[0].format !== kind.format) {
      throw new InvalidInputError(`the chunk is ${kind.format}, the recording's other chunks are ${kinds[0].format}: one recording has one format`, { file, field: 'recordingInfo.format' });
    }
    kinds.push(kind);
    const mediaName = mediaNameOf(name, metadata.chunkDocumentId, names, file, kind.format);
    const inside = assertInside(realInputDir, join(inputDir, mediaName));
    // awaited after the loop; a refusal thrown by the loop first must not leave it unhandled
    inside.catch(() => {});
    insideChecks.push(inside);
    claimedMedia.add(mediaName);
    const eventRef = event?.data.recordingStorageInfo.recordingChunks.find((c) => c.documentId === metadata.chunkDocumentId) ?? null;
    if (event && !eventRef) warnings.push(`${name}: chunk ${metadata.chunkDocumentId} is not listed in the event`);
    chunks.push({ metadataFile: file, mediaFile: join(inputDir, mediaName), metadata, eventRef });
  }

  await allSettledOrThrow(insideChecks);

  const unclaimed = [...names].filter((n) => isMediaName(n) && !claimedMedia.has(n)).sort();
  if (unclaimed.length > 0) {
    throw new InvalidInputError('no chunk metadata names this media (expected <chunkDocumentId>.json or a metadata file of the same base name)', {
      file: join(inputDir, unclaimed[0]),
    });
  }
  if (event) {
    for (const ref of event.data.recordingStorageInfo.recordingChunks) {
      if (!chunks.some((c) => c.metadata.chunkDocumentId === ref.documentId)) {
        throw new InvalidInputError(`the event lists chunk ${ref.index} (${ref.documentId}) but the directory has no metadata for it`, {
          file: join(inputDir, EVENT_FILE),
          field: 'data.recordingStorageInfo.recordingChunks',
        });
      }
    }
  }
  if (chunks.length === 0) throw new InvalidInputError('no chunk metadata (*.json with chunkDocumentId) in the input directory', { file: inputDir });
  return { inputDir, chunks, event, warnings, format: kinds[0].format, channelType: kinds.some((k) => k.channelType === 'unmixed') ? 'unmixed' : 'mixed' };
}

/**
 * The format and channel layout a chunk's metadata names. The service's own documents swap the
 * values of `contentType` and `channelType` (its 2021 sample does), so the pair is read whichever
 * field holds which value.
 */
export function recordingKindOf(metadata: ChunkMetadata, file: string): { format: MediaFormat; channelType: ChannelType } {
  const info = metadata.recordingInfo;
  const format = (info?.format ?? 'mp4').trim().toLowerCase();
  if (!(MEDIA_FORMATS as readonly string[]).includes(format)) {
    throw new InvalidInputError(`unknown format '${info?.format}' (expected one of ${MEDIA_FORMATS.join(', ')})`, { file, field: 'recordingInfo.format' });
  }
  const pair = [info?.contentType, info?.channelType].map((v) => v?.trim().toLowerCase());
  const channelType: ChannelType = pair.includes('unmixed') ? 'unmixed' : 'mixed';
  if (channelType === 'unmixed' && format !== 'wav') {
    throw new InvalidInputError(`an unmixed recording is WAV, this chunk says ${format}`, { file, field: 'recordingInfo.format' });
  }
  return { format: format as MediaFormat, channelType };
}

export async function readEventFile(file: string): Promise<RecordingEvent> {
  const parsed = parseEvents(parseJsonText(await readFile(file, 'utf8'), file), file);
  if (parsed.recordings.length !== 1) {
    const others = parsed.others.map((e) => e.type).join(', ');
    throw new InvalidInputError(
      parsed.recordings.length === 0
        ? `no Microsoft.Communication.RecordingFileStatusUpdated event${others ? ` (found ${others})` : ''}`
        : `holds ${parsed.recordings.length} recording events; process one recording at a time`,
      { file },
    );
  }
  return parsed.recordings[0];
}

function mediaNameOf(metadataName: string, documentId: string, names: Set<string>, file: string, ext: MediaFormat): string {
  const byId = `${documentId}.${ext}`;
  const base = basename(metadataName).replace(/(\.metadata)?\.json$/i, '');
  const candidates = SAFE_ID.test(documentId) ? [byId, `${base}.${ext}`] : [`${base}.${ext}`];
  const found = candidates.find((c) => names.has(c));
  if (!found) {
    if (!SAFE_ID.test(documentId) && !names.has(`${base}.${ext}`)) {
      throw new InvalidInputError(`'${documentId}' is not a safe file name and no ${base}.${ext} is there`, { file, field: 'chunkDocumentId' });
    }
    throw new InvalidInputError(`the chunk's media is missing (looked for ${[...new Set(candidates)].join(' and ')})`, { file, field: 'chunkDocumentId' });
  }
  return found;
}

async function assertInside(realInputDir: string, mediaFile: string): Promise<void> {
  const rel = relative(realInputDir, await realpath(mediaFile));
  if (rel.startsWith('..') || isAbsolute(rel)) throw new InvalidInputError('the media resolves outside the input directory', { file: mediaFile });
}
