import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../src/errors.ts';
import { chunkMetadataSchema } from '../src/schemas/chunk-metadata.ts';
import { parseDocument, parseEvents } from '../src/schemas/parse.ts';
import { errorLines, REPO_ROOT, runCli } from './helpers/cli.ts';

const DIR = join(REPO_ROOT, 'fixtures', 'events');
const files = readdirSync(DIR).filter((n) => n.endsWith('.json')).sort();
const read = (name: string) => JSON.parse(readFileSync(join(DIR, name), 'utf8'));
const eventFiles = files.filter((n) => !n.startsWith('metadata-'));
const metadataFiles = files.filter((n) => n.startsWith('metadata-'));

/** The line a refusal prints, or '' when the document was accepted. */
function lineOf(parse: () => unknown): string {
  try {
    parse();
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).toLine();
  }
}

describe('the published event forms', () => {
  it('are all here', () => expect(eventFiles.length).toBeGreaterThanOrEqual(6));

  it.each(eventFiles)('%s parses as one recording event, every field kept', (name) => {
    const raw = read(name);
    const event = Array.isArray(raw) ? raw[0] : raw;
    const parsed = parseEvents(raw, name);
    expect(parsed.others).toEqual([]);
    expect(parsed.recordings).toHaveLength(1);
    const recording = parsed.recordings[0]!;
    expect(recording.schema).toBe(name.startsWith('cloudevents-') ? 'cloudevents' : 'eventgrid');
    // data is kept as received: old and new field names alike
    expect(recording.data).toEqual(event.data);
    const segments = String(event.subject).split('/');
    const at = segments.indexOf('recordingId');
    expect(recording.recordingId).toBe(at >= 0 ? segments[at + 1] : null);
    expect(recording.callId).toBe(segments[segments.indexOf('call') + 1]);
    expect(recording.eventTime).toBe(event.eventTime ?? event.time);
  });

  const cloud = read('cloudevents-rest-spec.json');
  const grid = read('eventgrid-rest-spec.json');
  const gridArray = read('eventgrid-docs-current-array.json');
  const withChunk = (doc: any, i: number, change: (c: any) => void) => {
    const copy = structuredClone(doc);
    const event = Array.isArray(copy) ? copy[0] : copy;
    change(event.data.recordingStorageInfo.recordingChunks[i]);
    return copy;
  };
  it.each([
    ['no documentId', 'e.json', withChunk(grid, 0, (c) => delete c.documentId), 'e.json: data.recordingStorageInfo.recordingChunks[0].documentId: required'],
    ['an index as text, in an array', 'e.json', withChunk(gridArray, 1, (c) => (c.index = '1')), 'e.json: [0].data.recordingStorageInfo.recordingChunks[1].index: expected number, got a string'],
    ['a contentLocation that is not a URL', 'e.json', withChunk(cloud, 0, (c) => (c.contentLocation = 'storage')), 'e.json: data.recordingStorageInfo.recordingChunks[0].contentLocation: '],
    ['a CloudEvent without a type', 'e.json', (({ type, ...rest }) => rest)(cloud), 'e.json: type: required'],
    ['an Event Grid event without data', 'e.json', (({ data, ...rest }) => rest)(grid), 'e.json: data: required'],
    ['neither form', 'e.json', { id: 'x' }, 'e.json: eventType: required'],
    ['no chunks', 'e.json', { ...grid, data: { ...grid.data, recordingStorageInfo: { recordingChunks: [] } } }, 'e.json: data.recordingStorageInfo.recordingChunks: '],
    ['a duration as prose', 'e.json', { ...grid, data: { ...grid.data, recordingDurationMs: 'six seconds' } }, 'e.json: data.recordingDurationMs: expected a number'],
  ])('refuses %s, naming the field', (_what, file, doc, line) => {
    const printed = lineOf(() => parseEvents(doc, file));
    expect(printed.startsWith(line), printed).toBe(true);
    expect(printed).not.toMatch(/Invalid input/);
  });
});

describe('the published chunk metadata forms', () => {
  it.each(metadataFiles)('%s parses, every field kept', (name) => {
    const raw = read(name);
    const parsed = parseDocument(chunkMetadataSchema, raw, name);
    expect(parsed.chunkDocumentId).toBe(raw.chunkDocumentId);
    expect(parsed.chunkIndex).toBe(Number(raw.chunkIndex));
    expect(parsed.chunkDuration).toBe(Number(raw.chunkDuration));
    expect(parsed.pauseResumeIntervals).toHaveLength(raw.pauseResumeIntervals.length);
    expect(parsed.participants).toEqual(raw.participants);
    const info = raw.recordingInfo;
    expect(parsed.recordingInfo).toMatchObject({ contentType: info.contentType, channelType: info.channelType, format: info.format });
    expect(parsed.recordingInfo?.videoConfiguration?.frameRate).toBe(info.videoConfiguration.frameRate ?? info.videoConfiguration.framerate);
    expect(parsed.recordingInfo?.audioConfiguration?.sampleRate).toBe(Number(info.audioConfiguration.sampleRate));
  });

  const doc = read('metadata-docs-current.json');
  it.each([
    ['no callId', (({ callId, ...rest }) => rest)(doc), 'm.json: callId: required'],
    ['a chunkIndex that is true', { ...doc, chunkIndex: true }, 'm.json: chunkIndex: expected number or string, got a boolean'],
    ['a chunkDuration as prose', { ...doc, chunkDuration: 'long' }, 'm.json: chunkDuration: expected a number'],
    ['a pause without a start', { ...doc, pauseResumeIntervals: [{ duration: 5 }] }, 'm.json: pauseResumeIntervals[0].startTime: required'],
    ['a participant without an id', { ...doc, participants: [{}] }, 'm.json: participants[0].participantId: required'],
  ])('refuses %s, naming the field', (_what, value, line) => {
    const printed = lineOf(() => parseDocument(chunkMetadataSchema, value, 'm.json'));
    expect(printed.startsWith(line), printed).toBe(true);
    expect(printed).not.toMatch(/Invalid input/);
  });
});

describe('unsafe ids', () => {
  const unsafe = ['../../etc/passwd', 'a/b', 'a\\b', 'a..b', '..', 'a\u0000b', 'line\nbreak', 'bell\u0007', 'del\u007f'];
  const safe = ['0-eus-d2-3cca2175', 'a.b', 'a_b-c=d+e', 'x:y', 'with space'];
  const grid = read('eventgrid-rest-spec.json');
  const meta = read('metadata-docs-current.json');
  const eventWith = (id: string) => {
    const copy = structuredClone(grid);
    copy.data.recordingStorageInfo.recordingChunks[0].documentId = id;
    return copy;
  };

  it.each(unsafe)('%j is refused in metadata and in an event, on one printable line naming the field', (id) => {
    const fromMetadata = lineOf(() => parseDocument(chunkMetadataSchema, { ...meta, chunkDocumentId: id }, 'm.json'));
    const fromEvent = lineOf(() => parseEvents(eventWith(id), 'e.json'));
    expect(fromMetadata).toMatch(/^m\.json: chunkDocumentId: '.*' is not a safe file name/);
    expect(fromEvent).toMatch(/^e\.json: data\.recordingStorageInfo\.recordingChunks\[0\]\.documentId: '.*' is not a safe file name/);
    for (const line of [fromMetadata, fromEvent]) expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it.each(safe)('%j is accepted', (id) => {
    expect(lineOf(() => parseDocument(chunkMetadataSchema, { ...meta, chunkDocumentId: id }, 'm.json'))).toBe('');
    expect(lineOf(() => parseEvents(eventWith(id), 'e.json'))).toBe('');
  });
});

describe('acsrec process with the published forms', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'acsrec-published-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('reads the REST spec CloudEvents example (specVersion) and goes on to fetching', async () => {
    const result = await runCli(['process', join(DIR, 'cloudevents-rest-spec.json'), '--out', join(scratch, 'spec-out')], {
      env: { ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9/;accesskey=dGVzdA==', ACS_ALLOWED_HOSTS: '' },
    });
    // the event parsed: what stops it is the download host, which is not allowed here (exit 5)
    expect(result.code, result.stderr).toBe(5);
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('storage.asm.skype.com');
  });

  it('processes a directory whose event.json is in the REST spec CloudEvents form', async () => {
    const dir = join(scratch, 'cloud-dir');
    await cp(join(REPO_ROOT, 'fixtures', 'three-chunks-with-pause'), dir, { recursive: true });
    const sampleEvent = JSON.parse(await readFile(join(dir, 'event.json'), 'utf8'));
    const event = read('cloudevents-rest-spec.json');
    event.data.recordingStorageInfo = sampleEvent.data.recordingStorageInfo;
    await writeFile(join(dir, 'event.json'), JSON.stringify(event));
    const out = join(scratch, 'cloud-dir-out');
    const result = await runCli(['process', dir, '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(result.stdout);
    const byIndex = new Map(sampleEvent.data.recordingStorageInfo.recordingChunks.map((c: any) => [c.index, c.endReason]));
    expect(manifest.chunks.map((c: any) => c.endReason)).toEqual(manifest.chunks.map((c: any) => byIndex.get(c.index)));
  });
});
