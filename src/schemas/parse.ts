import type * as z from 'zod';
import { InvalidInputError } from '../errors.ts';
import { readableIssueMessages, schemaFailure } from './issues.ts';
import {
  RECORDING_EVENT_TYPE,
  envelopeSchemaFor,
  idsFromSubject,
  recordingFileStatusDataSchema,
  type EventEnvelope,
  type RecordingEvent,
} from './recording-event.ts';

/**
 * zod's options for a schema that parses a handful of documents per process: without them zod
 * generates a parser (`new Function`) for each object schema on its first parse, which pays only
 * after many parses (at 1 h: the chunks' metadata 15 -> 8 ms, the manifest's check 9-14 -> 2-4 ms).
 */
export const FEW_PARSES = { jitless: true } as const;

/**
 * Parses an outside document; a failure names the file and the first failing field. `at` is
 * where `value` sits inside the file (e.g. `[0, 'data']`), so the field is named from its root.
 */
export function parseDocument<S extends z.ZodType>(schema: S, value: unknown, file: string, at: (string | number)[] = []): z.output<S> {
  const result = schema.safeParse(value, { error: readableIssueMessages, ...FEW_PARSES });
  if (result.success) return result.data;
  throw schemaFailure(result.error, file, at);
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
    const at = Array.isArray(value) ? [i] : [];
    const envelope: EventEnvelope = parseDocument(envelopeSchemaFor(item), item, file, at);
    if (envelope.type !== RECORDING_EVENT_TYPE) {
      parsed.others.push(envelope);
      return;
    }
    const data = parseDocument(recordingFileStatusDataSchema, envelope.data, file, [...at, 'data']);
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
