import { join } from 'node:path';
import { decodeToPcmArgs } from '../adapters/ffmpeg/audio-args.ts';
import { runFfmpeg } from '../adapters/ffmpeg/runner.ts';
import { PeakColumns } from '../adapters/audio/peaks.ts';
import { writeWaveformPng } from '../adapters/images/waveform.ts';
import type { SampleObserver } from '../adapters/wav/write-joined.ts';
import type { Logger } from '../logger.ts';

export const WAVEFORM_FILE = 'waveform.png';
export const WAVEFORM_COLUMNS = 1600;

/** Peaks of the joined recording, gathered as its samples are written. */
export function startPeaks(options: { channels: number; totalFrames: number; columns?: number }): { observer: SampleObserver; peaks: PeakColumns } {
  const peaks = new PeakColumns(options.columns ?? WAVEFORM_COLUMNS, options.channels, options.totalFrames);
  return {
    peaks,
    observer: {
      samples: (interleaved, frames) => peaks.push(interleaved, frames),
      silence: (frames) => peaks.skip(frames),
    },
  };
}

/**
 * Peaks of an encoded file (the joined MP3): ffmpeg decodes it to PCM on a pipe and the peaks are
 * taken as the bytes arrive, so nothing decoded is kept.
 */
export async function peaksOfEncoded(options: { file: string; inputFormat: string; channels: number; totalFrames: number; logger?: Logger; signal?: AbortSignal }): Promise<PeakColumns> {
  const peaks = new PeakColumns(WAVEFORM_COLUMNS, options.channels, options.totalFrames);
  const frameBytes = options.channels * 2;
  let carry = Buffer.alloc(0);
  await runFfmpeg({
    args: decodeToPcmArgs({ inputFile: options.file, inputFormat: options.inputFormat }),
    label: `decode ${options.file} for the waveform`,
    logger: options.logger,
    signal: options.signal,
    timeoutMs: 60 * 60_000,
    onStdout: (chunk) => {
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const usable = bytes.length - (bytes.length % frameBytes);
      // Int16Array needs an even offset; a copy is cheap next to decoding
      const aligned = bytes.byteOffset % 2 === 0 ? bytes : Buffer.from(bytes);
      peaks.push(new Int16Array(aligned.buffer, aligned.byteOffset, usable / 2), usable / frameBytes);
      carry = Buffer.from(bytes.subarray(usable));
    },
  });
  return peaks;
}

/** Draws `waveform.png`: one lane per channel with its label, pauses marked. */
export async function drawWaveform(options: {
  outDir: string;
  peaks: PeakColumns;
  labels: string[];
  durationMs: number;
  /** Media positions of pauses; `durationMs` when the span is in the media (filled), else a marker. */
  pauses: { mediaOffsetMs: number; durationMs: number; filled: boolean }[];
}): Promise<string> {
  const total = Math.max(1, options.durationMs);
  const markerMs = total / WAVEFORM_COLUMNS * 3;
  await writeWaveformPng({
    lanes: options.peaks.min.map((min, c) => ({ min, max: options.peaks.max[c], label: options.labels[c] ?? `channel ${c}` })),
    marks: options.pauses.map((p) => ({ from: p.mediaOffsetMs / total, to: (p.mediaOffsetMs + (p.filled ? p.durationMs : markerMs)) / total })),
    outFile: join(options.outDir, WAVEFORM_FILE),
  });
  return WAVEFORM_FILE;
}
