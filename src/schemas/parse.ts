import type { z } from 'zod';
import { InvalidInputError, formatIssuePath } from '../errors.ts';
import {
  RECORDING_EVENT_TYPE,
  eventEnvelopeSchema,
  idsFromSubject,
  recordingFileStatusDataSchema,
  type EventEnvelope,
  type RecordingEvent,
} from './recording-event.ts';

/** Parses an outside document; a failure names the file and the first failing field. */
export function parseDocument<S extends z.ZodType>(schema: S, value: unknown, file: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message }));
  const first = issues[0];
  const field = first && first.path.length > 0 ? formatIssuePath(first.path) : undefined;
  throw new InvalidInputError(first?.message ?? 'does not match the schema', { file, field, issues });
}

export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InvalidInputError(`not valid JSON (${(error as Error).message})`, { file });
  }
}

export interface ParsedEvents {
  recordings: RecordingEvent[];
  /** Events of other types: recognised, reported, never mistaken for recordings. */
  others: EventEnvelope[];
}

/** Parses an Event Grid or CloudEvents document: a single event or an array of them. */
export function parseEvents(value: unknown, file: string): ParsedEvents {
  const items = Array.isArray(value) ? value : [value];
  const parsed: ParsedEvents = { recordings: [], others: [] };
  items.forEach((item, i) => {
    const label = Array.isArray(value) ? `${file}[${i}]` : file;
    const envelope = parseDocument(eventEnvelopeSchema, item, label);
    if (envelope.type !== RECORDING_EVENT_TYPE) {
      parsed.others.push(envelope);
      return;
    }
    const data = parseDocument(recordingFileStatusDataSchema, envelope.data, `${label}: data`);
    parsed.recordings.push({
      schema: envelope.schema,
      id: envelope.id,
      resourceId: envelope.source,
      subject: envelope.subject,
      eventTime: envelope.time,
      ...idsFromSubject(envelope.subject),
      data,
    });
  });
  return parsed;
}
