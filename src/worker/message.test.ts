import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { decodeQueueMessage } from './message.ts';

const eventGrid = {
  id: 'e1',
  topic: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Communication/CommunicationServices/acs',
  subject: '/recording/call/c-1/serverCallId/s-1/recordingId/r-1',
  eventType: 'Microsoft.Communication.RecordingFileStatusUpdated',
  eventTime: '2021-05-01T10:00:00Z',
  data: { recordingStorageInfo: { recordingChunks: [{ documentId: 'd0', index: 0, endReason: 'SessionEnded' }] } },
};
const cloudEvent = { specversion: '1.0', id: 'e2', source: 'acs', subject: eventGrid.subject, type: eventGrid.eventType, time: eventGrid.eventTime, data: eventGrid.data };
const other = { id: 'e3', subject: 'x', eventType: 'Microsoft.Communication.CallEnded', eventTime: '2021-05-01T10:00:00Z', data: {} };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

describe('decodeQueueMessage', () => {
  it.each([
    ['Event Grid, base64 (as Event Grid writes to a queue)', b64(eventGrid), 1, 0],
    ['Event Grid, plain JSON', JSON.stringify(eventGrid), 1, 0],
    ['CloudEvents, base64', b64(cloudEvent), 1, 0],
    ['an array of two, plain', JSON.stringify([eventGrid, other]), 1, 1],
    ['an array, base64 with line breaks', b64([eventGrid, cloudEvent]).replace(/(.{76})/g, '$1\n'), 2, 0],
    ['another event type only', b64(other), 0, 1],
  ])('%s', (_, text, recordings, others) => {
    const parsed = decodeQueueMessage(text, 'm');
    expect(parsed.recordings).toHaveLength(recordings);
    expect(parsed.others).toHaveLength(others);
    if (recordings > 0) expect(parsed.recordings[0]).toMatchObject({ recordingId: 'r-1', callId: 'c-1' });
  });

  it.each([
    ['empty', '  ', 'empty message'],
    ['text', 'hello world!', 'neither JSON nor base64-encoded JSON'],
    ['base64 of text', Buffer.from('hello').toString('base64'), 'not valid JSON'],
    ['broken JSON', '{"id":', 'not valid JSON'],
  ])('%s is invalid input', (_, text, message) => {
    expect(() => decodeQueueMessage(text, 'm')).toThrow(InvalidInputError);
    expect(() => decodeQueueMessage(text, 'm')).toThrow(message);
  });

  it('names the failing field of a recording event', () => {
    const text = JSON.stringify({ ...eventGrid, data: { recordingStorageInfo: { recordingChunks: [] } } });
    expect(() => decodeQueueMessage(text, 'm')).toThrow(expect.objectContaining({ file: 'm', field: 'data.recordingStorageInfo.recordingChunks' }));
  });
});
