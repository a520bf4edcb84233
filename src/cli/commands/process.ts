import { stat } from 'node:fs/promises';
import type { Manifest } from '../../schemas/manifest.ts';
import type { ProcessOptions } from '../../types/pipeline.ts';
import { UsageError } from '../../errors.ts';
import { parseCommandArgs } from '../args.ts';
import { commandLogger, logFormatUsage, LOG_OPTIONS } from '../log-format.ts';
import { PROCESSING_OPTIONS, processingSettingsFrom } from '../processing-options.ts';
import { createProgressBar } from '../progress.ts';
import { withShutdownSignal } from '../signals.ts';

export const PROCESS_USAGE = `Usage: acsrec process <input> --out <dir> [options]

<input> is a directory of downloaded chunks (metadata *.json + media *.mp4, *.mp3 or *.wav, optional event.json)
or an event file (RecordingFileStatusUpdated); chunks are then downloaded first.

Options:
  --out <dir>                  output directory (required)
  --thumbnail-interval <s>     seconds between thumbnails (default 60)
  --thumbnail-width <px>       thumbnail width (default 320)
  --expect-video <WxH@fps>     required video configuration (default 1920x1080@8)
  --expect-audio <Hz>          required audio sample rate (default 16000); codec AAC, MP3 or PCM by format
  --fill-pauses                render paused spans as black frames and silence
  --allow-gaps                 a missing chunk index is a warning, not an error
  --force                      replace an existing output
  --json                       print the manifest to stdout when done
  --work-dir <dir>             where an event's chunks are downloaded (default: <out>.download)
  --delete-source              after success, delete the chunks at the service (event input only)
${logFormatUsage(31)}`;

const OPTIONS = {
  out: { type: 'string' },
  ...PROCESSING_OPTIONS,
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  'work-dir': { type: 'string' },
  'delete-source': { type: 'boolean' },
  ...LOG_OPTIONS,
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 'process');
  if (values.help) {
    process.stdout.write(`${PROCESS_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`process: expected one <input>, got ${positionals.length} (see 'acsrec process --help')`);
  if (!values.out) throw new UsageError('process: --out <dir> is required');
  const input = positionals[0];
  const inputStat = await stat(input).catch(() => null);
  if (!inputStat) throw new UsageError('input does not exist', { file: input });

  const logger = commandLogger(values['log-format'], { textLevel: 'warn' });
  const bar = createProgressBar();
  return withShutdownSignal(async (signal) => {
    const options: ProcessOptions = {
      ...processingSettingsFrom(values),
      outDir: values.out!,
      force: values.force ?? false,
      logger,
      signal,
      onProgress: (share, label) => bar.update(share, label),
    };
    try {
      const result = inputStat.isDirectory()
        ? await (await import('../../../pipelines/process-directory.ts')).processDirectory({ inputDir: input }, options)
        : await processEventFile(input, options, { workDir: values['work-dir'], deleteSource: values['delete-source'] ?? false });
      bar.done();
      process.stdout.write(values.json ? `${JSON.stringify(result.manifest, null, 2)}\n` : summary(result.manifest, result.outDir));
      return 0;
    } finally {
      bar.done();
    }
  });
}

async function processEventFile(file: string, options: ProcessOptions, extra: { workDir?: string; deleteSource: boolean }) {
  const { readEventFile } = await import('../../stages/discover.ts');
  const { processEventFromEnvironment } = await import('../../../pipelines/process-event.ts');
  const event = await readEventFile(file);
  return processEventFromEnvironment({ event, workDir: extra.workDir ?? `${options.outDir.replace(/\/+$/, '')}.download` }, { ...options, deleteSource: extra.deleteSource });
}

export function summary(manifest: Manifest, outDir: string): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  const { video, audio } = manifest.output;
  const configuration = video ? `${video.width}x${video.height}@${video.frameRate} ${audio.sampleRate} Hz` : `${audio.codec} ${audio.sampleRate} Hz ${audio.channels} ch`;
  const lines = [
    `${outDir}/${manifest.output.file}  ${configuration}  ${seconds(manifest.output.durationMs)}  ${manifest.output.sizeBytes} bytes`,
    `call ${manifest.callId}: ${manifest.chunks.length} chunk(s), ${manifest.pauses.length} pause(s), wall clock ${seconds(manifest.wallClockDurationMs)} from ${manifest.recordingStartTime}`,
    `verification: ${manifest.verification.checks.filter((c) => c.passed).length}/${manifest.verification.checks.length} checks passed; ${video ? `${manifest.thumbnails.length} thumbnail(s)` : `waveform ${manifest.waveform}`}`,
    ...(manifest.channels ?? []).map((c) => `channel ${c.channel}: ${c.participantId ?? 'unknown participant'}, speech ${seconds(c.speechMs)} in ${c.speech.length} span(s)`),
    ...manifest.warnings.map((w) => `warning: ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}
