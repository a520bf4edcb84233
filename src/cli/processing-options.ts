import { DEFAULT_PROCESS_OPTIONS, type ProcessOptions } from '../types/pipeline.ts';
import { numberOption, parseExpectVideo } from './args.ts';

/** The options `process` and `worker` share: how a recording is processed. */
export const PROCESSING_OPTIONS = {
  'thumbnail-interval': { type: 'string' },
  'thumbnail-width': { type: 'string' },
  'expect-video': { type: 'string' },
  'expect-audio': { type: 'string' },
  'fill-pauses': { type: 'boolean' },
  'allow-gaps': { type: 'boolean' },
} as const;

type ProcessingValues = {
  'thumbnail-interval'?: string;
  'thumbnail-width'?: string;
  'expect-video'?: string;
  'expect-audio'?: string;
  'fill-pauses'?: boolean;
  'allow-gaps'?: boolean;
};

export type ProcessingSettings = Pick<ProcessOptions, 'thumbnailIntervalSec' | 'thumbnailWidth' | 'expectVideo' | 'expectAudio' | 'fillPauses' | 'allowGaps' | 'force'>;

/** Reads the shared options, with their defaults; a bad value is a usage error naming the option. */
export function processingSettingsFrom(values: ProcessingValues): ProcessingSettings {
  const d = DEFAULT_PROCESS_OPTIONS;
  return {
    ...d,
    thumbnailIntervalSec: numberOption(values['thumbnail-interval'], 'thumbnail-interval', { min: 0.1 }) ?? d.thumbnailIntervalSec,
    thumbnailWidth: numberOption(values['thumbnail-width'], 'thumbnail-width', { min: 16, max: 3840, integer: true }) ?? d.thumbnailWidth,
    expectVideo: values['expect-video'] ? parseExpectVideo(values['expect-video']) : d.expectVideo,
    expectAudio: { sampleRate: numberOption(values['expect-audio'], 'expect-audio', { min: 1, integer: true }) ?? d.expectAudio.sampleRate },
    fillPauses: values['fill-pauses'] ?? false,
    allowGaps: values['allow-gaps'] ?? false,
  };
}
