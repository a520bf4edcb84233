import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { parseEvents } from './parse.ts';

const oldData = {
  recordingStorageInfo: { recordingChunks: [{ documentId: '0-eus-d2-3cca2175', index: 0, endReason: 'SessionEnded' }] },
  recordingStartTime: '2021-04-14T16:32:34.1115003Z',
  recordingDurationMs: 61000,
  sessionEndReason: 'CallEnded',
};
const newChunk = {
  documentId: '0-wus-d4-bd1a7a1a',
  index: 1,
  endReason: 'SessionEnded',
  contentLocation: 'https://us-storage.asm.skype.com/v1/objects/0-wus-d4-bd1a7a1a/content/video',
  metadataLocation: 'https://us-storage.asm.skype.com/v1/objects/0-wus-d4-bd1a7a1a/content/acsmetadata',
  deleteLocation: 'https://us-storage.asm.skype.com/v1/objects/0-wus-d4-bd1a7a1a',
};
const eventGrid = {
  id: 'e-1',
  topic: '/subscriptions/s/resourcegroups/g/providers/Microsoft.Communication/communicationServices/acs',
  subject: '/recording/call/c0ffee00-0000-0000-0000-000000000001/serverCallId/abc',
  data: oldData,
  eventType: 'Microsoft.Communication.RecordingFileStatusUpdated',
  dataVersion: '1.0',
  metadataVersion: '1',
  eventTime: '2021-04-14T16:35:00Z',
};
const cloudEvent = {
  specversion: '1.0',
  id: 'ce-1',
  source: '/subscriptions/s/resourcegroups/g/providers/Microsoft.Communication/communicationServices/acs',
  subject: '/recording/call/c0ffee00-0000-0000-0000-000000000002/serverCallId/def/recordingId/rec-9',
  type: 'Microsoft.Communication.RecordingFileStatusUpdated',
  time: '2024-05-01T10:00:00Z',
  data: { ...oldData, recordingStorageInfo: { recordingChunks: [{ ...oldData.recordingStorageInfo.recordingChunks[0], endReason: 'ChunkMaximumSizeExceeded' }, newChunk] } },
};

describe('parseEvents', () => {
  it('reads an old Event Grid event that names only documentId', () => {
    const { recordings, others } = parseEvents(eventGrid, 'event.json');
    expect(others).toEqual([]);
    expect(recordings).toHaveLength(1);
    expect(recordings[0]).toMatchObject({ schema: 'eventgrid', id: 'e-1', callId: 'c0ffee00-0000-0000-0000-000000000001', recordingId: null, eventTime: '2021-04-14T16:35:00Z' });
    expect(recordings[0]!.data.recordingStorageInfo.recordingChunks[0]).toMatchObject({ documentId: '0-eus-d2-3cca2175', index: 0 });
    expect(recordings[0]!.data.recordingStorageInfo.recordingChunks[0]!.contentLocation).toBeUndefined();
  });

  it('reads a CloudEvents 1.0 event with content, metadata and delete locations', () => {
    const { recordings } = parseEvents(cloudEvent, 'event.json');
    expect(recordings[0]).toMatchObject({ schema: 'cloudevents', recordingId: 'rec-9', resourceId: cloudEvent.source, eventTime: '2024-05-01T10:00:00Z' });
    expect(recordings[0]!.data.recordingStorageInfo.recordingChunks[1]).toMatchObject(newChunk);
  });

  it('reads an array (webhook delivery) and reports other event types without taking them for recordings', () => {
    const validation = { ...eventGrid, id: 'v', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'x' } };
    const callEnded = { ...cloudEvent, id: 'c', type: 'Microsoft.Communication.CallEnded', data: {} };
    const { recordings, others } = parseEvents([validation, eventGrid, callEnded, cloudEvent], 'webhook');
    expect(recordings.map((r) => r.id)).toEqual(['e-1', 'ce-1']);
    expect(others.map((o) => o.type)).toEqual(['Microsoft.EventGrid.SubscriptionValidationEvent', 'Microsoft.Communication.CallEnded']);
  });

  it.each([
    ['no chunks', { ...eventGrid, data: { recordingStorageInfo: { recordingChunks: [] } } }, /^event\.json: data\.recordingStorageInfo\.recordingChunks: /],
    ['a negative index', { ...eventGrid, data: { recordingStorageInfo: { recordingChunks: [{ documentId: 'd', index: -1 }] } } }, /recordingChunks\[0\]\.index/],
    ['a contentLocation that is not a URL', { ...eventGrid, data: { recordingStorageInfo: { recordingChunks: [{ documentId: 'd', index: 0, contentLocation: 'nope' }] } } }, /contentLocation/],
    ['no event type at all', { id: 'x', data: {} }, /event.json/],
  ])('refuses %s as invalid input naming the field', (_what, value, message) => {
    let error: unknown;
    try {
      parseEvents(value, 'event.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).toLine()).toMatch(message);
  });
});
