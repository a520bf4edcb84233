import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { InvalidInputError } from '../errors.ts';
import { chunkMetadataSchema } from './chunk-metadata.ts';
import { manifestJsonSchema } from './manifest.ts';
import { parseDocument, parseEvents } from './parse.ts';

const metadata = {
  callId: 'call-1',
  chunkDocumentId: 'doc-1',
  chunkIndex: 0,
  chunkStartTime: '2021-04-14T16:32:34.1115003Z',
  chunkDuration: 1000,
  pauseResumeIntervals: [],
  recordingInfo: { audioConfiguration: { sampleRate: '16000' }, videoConfiguration: { framerate: 8 } },
  participants: [{ participantId: '8:acs:x' }],
};

describe('chunk metadata schema', () => {
  it.each([
    ['2021 spelling: framerate, sampleRate as a string', metadata],
    ['current spelling: frameRate, numbers', { ...metadata, recordingInfo: { audioConfiguration: { sampleRate: 16000 }, videoConfiguration: { frameRate: 8 } } }],
    ['numbers sent as strings', { ...metadata, chunkIndex: '0', chunkDuration: '1000' }],
  ])('reads the %s', (_name, doc) => {
    const parsed = parseDocument(chunkMetadataSchema, doc, 'm.json');
    expect(parsed.recordingInfo?.videoConfiguration?.frameRate).toBe(8);
    expect(parsed.recordingInfo?.audioConfiguration?.sampleRate).toBe(16000);
    expect(parsed.chunkIndex).toBe(0);
  });

  it.each([
    ['chunkIndex', { ...metadata, chunkIndex: -1 }],
    ['chunkIndex', { ...metadata, chunkIndex: 1.5 }],
    ['chunkStartTime', { ...metadata, chunkStartTime: 'yesterday' }],
    ['chunkDuration', { ...metadata, chunkDuration: 'long' }],
    ['callId', { ...metadata, callId: undefined }],
    ['pauseResumeIntervals[0].duration', { ...metadata, pauseResumeIntervals: [{ startTime: '2021-04-14T16:32:35Z', duration: -5 }] }],
  ])('refuses a bad %s, naming the field', (field, doc) => {
    expect(() => parseDocument(chunkMetadataSchema, doc, 'm.json')).toThrow(InvalidInputError);
    try {
      parseDocument(chunkMetadataSchema, doc, 'm.json');
    } catch (error) {
      expect((error as InvalidInputError).toLine()).toMatch(new RegExp(`^m\\.json: ${field.replace(/[[\].]/g, '\\$&')}: `));
    }
  });
});

const data = { recordingStorageInfo: { recordingChunks: [{ documentId: 'd0', index: 0, endReason: 'SessionEnded' }] }, recordingStartTime: '2021-04-14T16:32:34Z' };

describe('event parsing', () => {
  it('reads Event Grid schema, a single event or an array', () => {
    const event = { id: '1', topic: '/subscriptions/x', subject: '/recording/call/c1/serverCallId/s/recordingId/r1', eventType: 'Microsoft.Communication.RecordingFileStatusUpdated', eventTime: '2021-04-14T16:40:00Z', data };
    for (const doc of [event, [event]]) {
      const parsed = parseEvents(doc, 'e.json');
      expect(parsed.recordings).toHaveLength(1);
      expect(parsed.recordings[0]).toMatchObject({ schema: 'eventgrid', recordingId: 'r1', callId: 'c1', resourceId: '/subscriptions/x' });
    }
  });

  it('reads CloudEvents 1.0', () => {
    const event = { specversion: '1.0', id: '1', source: '/subscriptions/x', type: 'Microsoft.Communication.RecordingFileStatusUpdated', subject: 'call/c1/recordingId/r2', time: '2021-04-14T16:40:00Z', data };
    expect(parseEvents(event, 'e.json').recordings[0]).toMatchObject({ schema: 'cloudevents', recordingId: 'r2' });
  });

  it('recognises other event types without mistaking them for recordings', () => {
    const other = { id: '2', eventType: 'Microsoft.Communication.CallLegStateChanged', subject: 'callLeg/x/callState', data: { ConversationId: 'c' } };
    const parsed = parseEvents([other], 'e.json');
    expect(parsed.recordings).toEqual([]);
    expect(parsed.others.map((e) => e.type)).toEqual(['Microsoft.Communication.CallLegStateChanged']);
  });

  it('refuses a recording event without chunks, naming the field', () => {
    const event = { eventType: 'Microsoft.Communication.RecordingFileStatusUpdated', data: { recordingStorageInfo: { recordingChunks: [] } } };
    let line = '';
    try {
      parseEvents(event, 'e.json');
    } catch (error) {
      line = (error as InvalidInputError).toLine();
    }
    expect(line).toMatch(/^e\.json: data\.recordingStorageInfo\.recordingChunks: Too small/);
  });
});

describe('manifest JSON Schema', () => {
  it('is the one generated from the zod schema (run npm run schema after changing it)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../schema/manifest.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(manifestJsonSchema());
  });
});

describe('parseDocument', () => {
  /** How many functions zod generates from source while `run` runs. */
  function functionsGenerated(run: () => void): number {
    const original = globalThis.Function;
    let made = 0;
    globalThis.Function = new Proxy(original, { construct: (target, args) => (made++, Reflect.construct(target, args)) });
    try {
      run();
    } finally {
      globalThis.Function = original;
    }
    return made;
  }

  it('parses without generating a parser per object schema: a handful of documents never repays it', () => {
    // fresh schemas, so nothing was generated for them before; zod's default does generate one
    expect(functionsGenerated(() => z.object({ a: z.number(), b: z.object({ c: z.string() }) }).parse({ a: 1, b: { c: 'x' } }))).toBeGreaterThan(0);
    const schema = z.object({ a: z.number(), b: z.object({ c: z.string() }) });
    expect(functionsGenerated(() => expect(parseDocument(schema, { a: 1, b: { c: 'x' } }, 'doc.json')).toEqual({ a: 1, b: { c: 'x' } }))).toBe(0);
    expect(() => parseDocument(schema, { a: 1, b: { c: 2 } }, 'doc.json')).toThrow(expect.objectContaining({ field: 'b.c', message: 'expected string, got a number' }));
  });
});
