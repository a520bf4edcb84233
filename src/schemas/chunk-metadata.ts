import * as z from 'zod';
import { documentIdSchema } from './safe-id.ts';

/**
 * The `GET /recording/download/{documentId}/metadata` document.
 * Lenient where the service's versions differ (`framerate`/`frameRate`, numbers sent as strings),
 * strict about what the pipeline relies on (ids, index, start time, duration).
 */
const numberLike = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'expected a number').transform(Number)]);
const isoInstant = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s), 'expected an ISO 8601 date-time');

export const pauseResumeIntervalSchema = z.object({
  startTime: isoInstant,
  duration: numberLike.pipe(z.number().nonnegative()),
});

const audioConfigurationSchema = z
  .object({
    sampleRate: numberLike.optional(),
    bitRate: numberLike.optional(),
    channels: numberLike.optional(),
  })
  .loose();

const videoConfigurationSchema = z
  .object({
    longerSideLength: numberLike.optional(),
    shorterSideLength: numberLike.optional(),
    framerate: numberLike.optional(),
    frameRate: numberLike.optional(),
    bitRate: numberLike.optional(),
  })
  .loose()
  .transform(({ frameRate, framerate, ...rest }) => ({ ...rest, frameRate: frameRate ?? framerate }));

export const chunkMetadataSchema = z
  .object({
    resourceId: z.string().nullish(),
    callId: z.string().min(1),
    chunkDocumentId: documentIdSchema,
    chunkIndex: numberLike.pipe(z.number().int().nonnegative()),
    chunkStartTime: isoInstant,
    chunkDuration: numberLike.pipe(z.number().nonnegative()),
    pauseResumeIntervals: z.array(pauseResumeIntervalSchema).nullish().transform((v) => v ?? []),
    recordingInfo: z
      .object({
        contentType: z.string().optional(),
        channelType: z.string().optional(),
        format: z.string().optional(),
        audioConfiguration: audioConfigurationSchema.optional(),
        videoConfiguration: videoConfigurationSchema.optional(),
      })
      .loose()
      .optional(),
    participants: z
      // `channel`: which channel of an unmixed recording carries this participant (0-based)
      .array(z.object({ participantId: z.string(), channel: numberLike.pipe(z.number().int().nonnegative()).optional() }).loose())
      .nullish()
      .transform((v) => v ?? []),
  })
  .loose();

export type ChunkMetadata = z.output<typeof chunkMetadataSchema>;
export type PauseResumeInterval = z.output<typeof pauseResumeIntervalSchema>;

/** A JSON document is chunk metadata (and must then pass the schema) when it has one of these keys. */
export function looksLikeChunkMetadata(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && ('chunkDocumentId' in value || 'chunkIndex' in value);
}
