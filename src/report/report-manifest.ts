import type { Manifest } from '../schemas/manifest.ts';

/** One channel of an unmixed recording (CONTRACT.md, "Audio recordings"): where its participant is heard. */
export interface ChannelSpeech {
  channel: number;
  participantId: string | null;
  file: string;
  speechMs: number;
  speech: { mediaOffsetMs: number; durationMs: number }[];
}

/**
 * The manifest as the report reads it: video or audio. Audio recordings have `output.video`
 * `null`, a `waveform` picture and, unmixed, `channels`.
 */
export type ReportManifest = Omit<Manifest, 'output'> & {
  output: Omit<Manifest['output'], 'file' | 'video'> & { file: string; video: NonNullable<Manifest['output']['video']> | null };
  waveform?: string | null;
  channels?: ChannelSpeech[];
};

export const isAudioManifest = (m: ReportManifest): boolean => m.output.video === null;
