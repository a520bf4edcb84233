import { readdir } from 'node:fs/promises';
import { extname, join, posix } from 'node:path';
import { InvalidInputError } from '../../errors.ts';
import { hashFile } from '../fs/hash.ts';
import { parseDocument, parseJsonText } from '../../schemas/parse.ts';
import { manifestSchema, type Manifest } from '../../schemas/manifest.ts';
import { MANIFEST_FILE, RECORDING_FILE } from '../../types/output-files.ts';

export { MANIFEST_FILE, RECORDING_FILE };

const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.json': 'application/json',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.vtt': 'text/vtt; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._=+-]*$/;

/** `<callId>/<recordingId>/`; both come from outside documents, so neither may escape the archive. */
export function archivePrefix(callId: string, recordingId: string): string {
  for (const [name, value] of [['callId', callId], ['recordingId', recordingId]] as const) {
    if (!SAFE_SEGMENT.test(value) || value.length > 200) throw new InvalidInputError(`unsafe ${name} for an archive path: '${value.slice(0, 80)}'`, { field: name });
  }
  return `${callId}/${recordingId}/`;
}

/** Every file under `dir`, as relative POSIX paths, `manifest.json` last. */
export async function listOutputFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => posix.join(...join(e.parentPath, e.name).slice(dir.length + 1).split(/[\\/]/)))
    .sort();
  return [...files.filter((f) => f !== MANIFEST_FILE), ...files.filter((f) => f === MANIFEST_FILE)];
}

export async function sha256File(path: string): Promise<string> {
  return (await hashFile(path)).sha256;
}

/** Parses an archived manifest; `undefined` when it is not a valid one (then the archive is incomplete). */
export function parseArchivedManifest(text: string, label: string): Manifest | undefined {
  try {
    return parseDocument(manifestSchema, parseJsonText(text, label), label);
  } catch {
    return undefined;
  }
}

const SAFE_SEGMENT_OF_PATH = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
/** A relative path that stays below its prefix: no empty, dot or hidden segments. */
const isSafeRelative = (path: string) => path.split('/').every((segment) => SAFE_SEGMENT_OF_PATH.test(segment));

/**
 * What a complete archive holds according to its manifest: the recording (`output.file`, with
 * its size and hash) and every other file it names (thumbnails, waveform, channel files).
 * `undefined` when a name could point outside the prefix.
 */
export function filesNamedBy(manifest: Manifest): { recording: string; others: string[] } | undefined {
  const recording: string = manifest.output.file;
  const others = [...manifest.thumbnails.map((t) => t.file), ...(manifest.waveform ? [manifest.waveform] : []), ...(manifest.channels ?? []).map((c) => c.file)];
  return [recording, ...others].every((f) => isSafeRelative(f) && f !== MANIFEST_FILE) ? { recording, others } : undefined;
}
