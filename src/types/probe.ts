import type { Mp4Model, Mp4Track, TopLevelBox } from './mp4.ts';

/*
 * A chunk's media summarised for the stages (adapters/mp4/probe.ts fills it from the Mp4Model).
 * Every time here is presentation time: the edit list applied.
 */

export interface SyncSample {
  /** Presentation time in seconds: composition time minus media_time, plus empty edits. */
  timeSec: number;
  offset: number;
  size: number;
}

export interface VideoTrackProbe {
  track: Mp4Track;
  codec: string;
  width: number;
  height: number;
  /** From the track's own timescale and its usual sample duration, rounded to 1/1000. */
  frameRate: number;
  timescale: number;
  sampleCount: number;
  /** Where the first presented frame appears, seconds. */
  startSec: number;
  /** Seconds the track shows media. */
  durationSec: number;
  /** Media time the edit list skips at the start (B-frame delay), seconds; 0 without one. */
  mediaStartSec: number;
  syncSamples: SyncSample[];
  /** avcC parameter sets, to decode a lone sync sample. */
  parameterSets: Buffer[];
  nalLengthSize: number;
}

export interface AudioTrackProbe {
  track: Mp4Track;
  codec: string;
  sampleRate: number;
  channels: number;
  /** AudioSpecificConfig, compared across chunks before a stream copy. */
  audioSpecificConfig: string;
  sampleCount: number;
  samplesPerFrame: number;
  /** Encoder priming the edit list hides at the start, in samples. */
  primingSamples: number;
  /** Samples the edit list presents (priming and padding excluded). */
  presentedSamples: number;
  /** Where the first presented sample sounds, seconds (after an empty edit: the track starts late). */
  startSec: number;
  durationSec: number;
}

export interface Mp4Probe {
  file: string;
  sizeBytes: number;
  boxes: TopLevelBox[];
  moovBeforeMdat: boolean;
  fragmented: boolean;
  /** The latest presented end of any track, seconds. */
  durationSec: number;
  video: VideoTrackProbe | null;
  audio: AudioTrackProbe | null;
  model: Mp4Model;
}
