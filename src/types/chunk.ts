import type { Mp4Probe } from '../adapters/mp4/probe.ts';
import type { ChunkMetadata } from '../schemas/chunk-metadata.ts';
import type { RecordingChunkRef, RecordingEvent } from '../schemas/recording-event.ts';

/** A chunk found on disk: its metadata document and the media it names. */
export interface DiscoveredChunk {
  metadataFile: string;
  mediaFile: string;
  metadata: ChunkMetadata;
  /** The event's entry for this chunk, when an event is known. */
  eventRef: RecordingChunkRef | null;
}

/** The media format a chunk's metadata names (`recordingInfo.format`; MP4 when absent). */
export type MediaFormat = 'mp4' | 'mp3' | 'wav';

/** One channel for all participants, or one channel per participant (WAV only). */
export type ChannelType = 'mixed' | 'unmixed';

export interface Discovery {
  inputDir: string;
  chunks: DiscoveredChunk[];
  /** Every chunk has this format (discovery refuses a mix). */
  format: MediaFormat;
  channelType: ChannelType;
  event: RecordingEvent | null;
  warnings: string[];
}

/** A chunk with its media measured. */
export interface ProbedChunk extends DiscoveredChunk {
  probe: Mp4Probe;
}
