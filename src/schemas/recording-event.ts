import { z } from 'zod';

export const RECORDING_EVENT_TYPE = 'Microsoft.Communication.RecordingFileStatusUpdated';
export const SUBSCRIPTION_VALIDATION_EVENT_TYPE = 'Microsoft.EventGrid.SubscriptionValidationEvent';

export const recordingChunkRefSchema = z
  .object({
    documentId: z.string().min(1),
    index: z.number().int().nonnegative(),
    endReason: z.string().nullish(),
    contentLocation: z.string().url().nullish(),
    metadataLocation: z.string().url().nullish(),
    deleteLocation: z.string().url().nullish(),
  })
  .loose();

export const recordingFileStatusDataSchema = z
  .object({
    recordingStorageInfo: z.object({ recordingChunks: z.array(recordingChunkRefSchema).min(1) }).loose(),
    recordingStartTime: z.string().nullish(),
    recordingDurationMs: z.number().nullish(),
    sessionEndReason: z.string().nullish(),
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
  .loose();

/** CloudEvents 1.0: `specversion`, `type`, `source`, `time`. */
const cloudEventEnvelopeSchema = z
  .object({
    specversion: z.string(),
    id: z.string().nullish(),
    source: z.string().nullish(),
    subject: z.string().nullish(),
    type: z.string(),
    time: z.string().nullish(),
    data: z.unknown(),
  })
  .loose();

export const eventEnvelopeSchema = z.union([
  cloudEventEnvelopeSchema.transform((e) => ({
    schema: 'cloudevents' as const,
    id: e.id ?? null,
    type: e.type,
    source: e.source ?? null,
    subject: e.subject ?? null,
    time: e.time ?? null,
    data: e.data,
  })),
  eventGridEnvelopeSchema.transform((e) => ({
    schema: 'eventgrid' as const,
    id: e.id ?? null,
    type: e.eventType,
    source: e.topic ?? null,
    subject: e.subject ?? null,
    time: e.eventTime ?? null,
    data: e.data,
  })),
]);

export type EventEnvelope = z.output<typeof eventEnvelopeSchema>;
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
