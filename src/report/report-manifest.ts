import type { Manifest } from '../schemas/manifest.ts';

/** The manifest as the report reads it: video, or audio (`output.video` null, a `waveform`, unmixed `channels`). */
export type ReportManifest = Manifest;

/** One channel of an unmixed recording: where its participant is heard, in media time. */
export type ChannelSpeech = NonNullable<Manifest['channels']>[number];

export const isAudioManifest = (m: ReportManifest): boolean => m.output.video === null;
