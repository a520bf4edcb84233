import * as z from 'zod';
import { documentIdSchema } from './safe-id.ts';

export const RECORDING_EVENT_TYPE = 'Microsoft.Communication.RecordingFileStatusUpdated';
export const SUBSCRIPTION_VALIDATION_EVENT_TYPE = 'Microsoft.EventGrid.SubscriptionValidationEvent';

const numberLike = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'expected a number').transform(Number)]);
const location = z.string().url().nullish();

/**
 * One entry of `recordingStorageInfo.recordingChunks`. The 2021 event names only `documentId`,
 * `index` and `endReason`; later ones add the three locations. Unknown fields are kept.
 */
export const recordingChunkRefSchema = z
  .object({
    documentId: documentIdSchema,
    index: z.number().int().nonnegative(),
    endReason: z.string().nullish(),
    contentLocation: location,
    metadataLocation: location,
    deleteLocation: location,
  })
  .loose();

/**
 * The event's `data`, kept as received (`fetch` writes it back to `event.json`). Strict about what
 * the pipeline uses (the chunk list); the rest is typed but optional, in every spelling the
 * service's documents use: `recordingChannelKind` (SDK model name) and `recordingChannelType`.
 */
export const recordingFileStatusDataSchema = z
  .object({
    recordingStorageInfo: z.object({ recordingChunks: z.array(recordingChunkRefSchema).min(1) }).loose(),
    recordingStartTime: z.string().nullish(),
    recordingDurationMs: numberLike.nullish(),
    sessionEndReason: z.string().nullish(),
    recordingContentType: z.string().nullish(),
    recordingChannelType: z.string().nullish(),
    recordingChannelKind: z.string().nullish(),
    recordingFormatType: z.string().nullish(),
  })
  .loose();

/** Event Grid schema: `eventType`, `eventTime`, `topic`. */
const eventGridEnvelopeSchema = z
  .object({
    id: z.string().nullish(),
    topic: z.string().nullish(),
    subject: z.string().nullish(),
    eventType: z.string(),
    eventTime: z.string().nullish(),
    data: z.unknown(),
  })
  .loose()
  .transform((e) => ({
    schema: 'eventgrid' as const,
    id: e.id ?? null,
    type: e.eventType,
    source: e.topic ?? null,
    subject: e.subject ?? null,
    time: e.eventTime ?? null,
    data: e.data,
  }));

/**
 * CloudEvents 1.0: `specversion`, `type`, `source`, `time`. The REST spec's own example spells
 * it `specVersion`, so either is taken.
 */
const cloudEventEnvelopeSchema = z
  .object({
    specversion: z.string().optional(),
    specVersion: z.string().optional(),
    id: z.string().nullish(),
    source: z.string().nullish(),
    subject: z.string().nullish(),
    type: z.string(),
    time: z.string().nullish(),
    data: z.unknown(),
  })
  .loose()
  .transform((e) => ({
    schema: 'cloudevents' as const,
    id: e.id ?? null,
    type: e.type,
    source: e.source ?? null,
    subject: e.subject ?? null,
    time: e.time ?? null,
    data: e.data,
  }));

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The envelope schema for one event. Chosen by its keys rather than tried in turn, so a failure
 * names the field of the form the event is in: a `specversion` (any case), or a `type` without an
 * `eventType`, makes it CloudEvents.
 */
export function envelopeSchemaFor(value: unknown): typeof eventGridEnvelopeSchema | typeof cloudEventEnvelopeSchema {
  if (!isObject(value)) return eventGridEnvelopeSchema;
  const cloud = Object.keys(value).some((k) => k.toLowerCase() === 'specversion') || ('type' in value && !('eventType' in value));
  return cloud ? cloudEventEnvelopeSchema : eventGridEnvelopeSchema;
}

/** The channel type in whichever spelling the event carries it. */
export function recordingChannelOf(data: RecordingFileStatusData): string | null {
  return data.recordingChannelType ?? data.recordingChannelKind ?? null;
}

export type EventEnvelope = z.output<typeof eventGridEnvelopeSchema> | z.output<typeof cloudEventEnvelopeSchema>;
export type RecordingChunkRef = z.output<typeof recordingChunkRefSchema>;
export type RecordingFileStatusData = z.output<typeof recordingFileStatusDataSchema>;

/** A `RecordingFileStatusUpdated` event, whichever schema carried it. */
export interface RecordingEvent {
  schema: EventEnvelope['schema'];
  id: string | null;
  /** The ACS resource id (Event Grid `topic`, CloudEvents `source`). */
  resourceId: string | null;
  subject: string | null;
  eventTime: string | null;
  /** From the subject `.../recordingId/<id>`, when present. */
  recordingId: string | null;
  /** From the subject `.../call/<id>/...`, when present. */
  callId: string | null;
  data: RecordingFileStatusData;
}

export function idsFromSubject(subject: string | null): { recordingId: string | null; callId: string | null } {
  const recording = subject?.match(/\/recordingId\/([^/]+)/i);
  const call = subject?.match(/\/call\/([^/]+)/i);
  return { recordingId: recording?.[1] ?? null, callId: call?.[1] ?? null };
}
