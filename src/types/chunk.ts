import type { Mp4Probe } from './probe.ts';
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

export interface Discovery {
  inputDir: string;
  chunks: DiscoveredChunk[];
  event: RecordingEvent | null;
  warnings: string[];
}

/** A chunk with its media measured. */
export interface ProbedChunk extends DiscoveredChunk {
  probe: Mp4Probe;
}
