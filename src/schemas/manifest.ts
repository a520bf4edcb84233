import * as z from 'zod';

const ms = z.number().int();
const instant = z.iso.datetime();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const verificationCheckSchema = z.object({
  name: z.string(),
  expected: z.unknown(),
  actual: z.unknown(),
  passed: z.boolean(),
});

export const verificationReportSchema = z.object({
  passed: z.boolean(),
  checks: z.array(verificationCheckSchema),
});

/** `manifest.json`, schemaVersion 1, as ../shared/CONTRACT.md fixes it. */
export const manifestSchema = z.object({
  schemaVersion: z.literal(1),
  callId: z.string(),
  resourceId: z.string().nullable(),
  recordingStartTime: instant,
  wallClockDurationMs: ms.nonnegative(),
  output: z.object({
    file: z.enum(['recording.mp4', 'recording.mp3', 'recording.wav']),
    sizeBytes: z.number().int().nonnegative(),
    sha256,
    durationMs: ms.nonnegative(),
    /** `null` for audio recordings. */
    video: z.object({ codec: z.string(), width: z.number().int(), height: z.number().int(), frameRate: z.number() }).nullable(),
    audio: z.object({ codec: z.string(), sampleRate: z.number().int(), channels: z.number().int() }),
  }),
  chunks: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      documentId: z.string(),
      startTime: instant,
      durationMs: ms.nonnegative(),
      mediaOffsetMs: ms.nonnegative(),
      sizeBytes: z.number().int().nonnegative(),
      sha256,
      endReason: z.string().nullable(),
    }),
  ),
  pauses: z.array(z.object({ startTime: instant, durationMs: ms.nonnegative(), mediaOffsetMs: ms.nonnegative() })),
  participants: z.array(z.object({ participantId: z.string() })),
  thumbnails: z.array(z.object({ file: z.string(), mediaTimeMs: ms.nonnegative(), wallClockTime: instant })),
  verification: verificationReportSchema,
  warnings: z.array(z.string()),
  /** Audio recordings: the waveform picture, relative to the output. */
  waveform: z.string().nullable().optional(),
  /** Unmixed recordings: each channel's file, participant and where it is heard, in media time. */
  channels: z
    .array(
      z.object({
        channel: z.number().int().nonnegative(),
        participantId: z.string().nullable(),
        file: z.string(),
        speechMs: ms.nonnegative(),
        speech: z.array(z.object({ mediaOffsetMs: ms.nonnegative(), durationMs: ms.nonnegative() })),
      }),
    )
    .optional(),
});

export type Manifest = z.output<typeof manifestSchema>;
export type VerificationCheck = z.output<typeof verificationCheckSchema>;
export type VerificationReport = z.output<typeof verificationReportSchema>;

export function manifestJsonSchema(): unknown {
  return z.toJSONSchema(manifestSchema, { target: 'draft-2020-12', unrepresentable: 'any' });
}
