import type { Mp3Probe } from '../adapters/mp3/probe.ts';
import type { WavProbe } from '../adapters/wav/riff.ts';
import type { ChannelType, DiscoveredChunk, MediaFormat } from './chunk.ts';

/** What the audio pipeline measured of one chunk, whatever its format. */
export interface AudioProbe {
  format: Exclude<MediaFormat, 'mp4'>;
  /** ffmpeg's name for the encoding: `mp3`, `pcm_s16le`, ... */
  codec: string;
  sampleRate: number;
  channels: number;
  /** What the chunk decodes to (MP3: encoder delay and padding removed). */
  durationSec: number;
  sizeBytes: number;
  /** WAV chunks: where the samples are. */
  wav?: WavProbe;
  /** MP3 chunks: the frame-level probe the MP3 join plan takes. */
  mp3?: Mp3Probe;
}

export interface ProbedAudioChunk extends DiscoveredChunk {
  audio: AudioProbe;
}

export interface AudioRecordingKind {
  format: Exclude<MediaFormat, 'mp4'>;
  channelType: ChannelType;
}
