import { DEFAULT_VOICE_ACTIVITY, speechInMs, VoiceActivityDetector, type VoiceActivityParameters } from '../adapters/audio/voice-activity.ts';
import type { SampleObserver } from '../adapters/wav/write-joined.ts';
import type { Manifest } from '../schemas/manifest.ts';
import type { ProbedAudioChunk } from '../types/audio.ts';

export type ChannelEntry = NonNullable<Manifest['channels']>[number];

export interface VoiceActivityRun {
  /** Feed it every output sample frame (the join's observer). */
  observer: SampleObserver;
  /** Closes the spans: the manifest's `channels[]`. */
  finish(totalFrames: number): ChannelEntry[];
}

/** Whose channel is whose, from `participants[].channel` of every chunk; a channel named differently by two chunks keeps the first and warns. */
export function channelParticipants(chunks: ProbedAudioChunk[], channels: number): { byChannel: (string | null)[]; warnings: string[] } {
  const byChannel: (string | null)[] = Array.from({ length: channels }, () => null);
  const warnings: string[] = [];
  for (const chunk of chunks) {
    for (const p of chunk.metadata.participants) {
      if (p.channel === undefined) continue;
      if (p.channel >= channels) {
        warnings.push(`chunk ${chunk.metadata.chunkIndex}: participant ${p.participantId} is on channel ${p.channel}, the media has ${channels} channel(s)`);
        continue;
      }
      const known = byChannel[p.channel];
      if (known === null) byChannel[p.channel] = p.participantId;
      else if (known !== p.participantId) warnings.push(`chunk ${chunk.metadata.chunkIndex}: channel ${p.channel} is ${p.participantId}, earlier chunks say ${known}; kept ${known}`);
    }
  }
  return { byChannel, warnings };
}

/** Voice activity of every channel of the joined recording, computed as its samples are written. */
export function startVoiceActivity(options: { channels: number; sampleRate: number; participants: (string | null)[]; parameters?: VoiceActivityParameters }): VoiceActivityRun {
  const { channels, sampleRate } = options;
  const detectors = Array.from({ length: channels }, () => new VoiceActivityDetector(sampleRate, options.parameters ?? DEFAULT_VOICE_ACTIVITY));
  return {
    observer: {
      samples(interleaved, frames) {
        for (let c = 0; c < channels; c++) detectors[c].push(interleaved, c, channels, frames);
      },
      silence(frames) {
        for (const d of detectors) d.pushSilence(frames);
      },
    },
    finish(totalFrames) {
      return detectors.map((detector, channel) => ({
        channel,
        participantId: options.participants[channel] ?? null,
        file: `channels/channel-${channel}.wav`,
        ...speechInMs(detector.finish(totalFrames), sampleRate),
      }));
    },
  };
}
