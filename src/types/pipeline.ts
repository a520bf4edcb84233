import type { Logger } from '../logger.ts';
import type { Manifest } from '../schemas/manifest.ts';
import type { RecordingEvent } from '../schemas/recording-event.ts';

export interface ExpectedVideo {
  width: number;
  height: number;
  frameRate: number;
}

/** What the output must hold, from the inputs: the verify stage compares the output with it. */
export interface ExpectedOutput {
  durationSec: number;
  /** How far the output's length may be from durationSec (placement on the audio frame grid). */
  toleranceSec: number;
  /** Stream copy only: the tables are known sample for sample. */
  tracks: { video: { sampleCount: number; durationSec: number }; audio: { sampleCount: number; durationSec: number } } | null;
}

export interface ExpectedAudio {
  sampleRate: number;
}

/** What `acsrec process` options become; every pipeline takes these. */
export interface ProcessOptions {
  outDir: string;
  thumbnailIntervalSec: number;
  thumbnailWidth: number;
  expectVideo: ExpectedVideo;
  expectAudio: ExpectedAudio;
  fillPauses: boolean;
  allowGaps: boolean;
  force: boolean;
  logger: Logger;
  signal?: AbortSignal;
  /** Called with a 0..1 share and a label for the long steps. */
  onProgress?: (share: number, label: string) => void;
}

export interface ProcessResult {
  manifest: Manifest;
  outDir: string;
}

/** Input of the directory pipeline: downloaded chunks, plus the event that listed them if known. */
export interface DirectoryInput {
  inputDir: string;
  event?: RecordingEvent;
}

export const DEFAULT_PROCESS_OPTIONS = {
  thumbnailIntervalSec: 60,
  thumbnailWidth: 320,
  expectVideo: { width: 1920, height: 1080, frameRate: 8 },
  expectAudio: { sampleRate: 16000 },
  fillPauses: false,
  allowGaps: false,
  force: false,
} satisfies Omit<ProcessOptions, 'outDir' | 'logger'>;
