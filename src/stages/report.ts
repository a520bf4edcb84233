import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../logger.ts';
import { REPORT_FILE, renderReport } from '../report/render-report.ts';
import type { ReportManifest } from '../report/report-manifest.ts';

export interface WriteReportInput {
  /** The output directory: the recording and `thumbnails/` (or `waveform.png`) are (or will be) there. */
  outDir: string;
  manifest: ReportManifest;
}

export interface WriteReportContext {
  logger?: Logger;
  signal?: AbortSignal;
}

export interface WriteReportOutput {
  file: string;
  sizeBytes: number;
}

/** Writes `report.html` beside the manifest, atomically (temporary sibling, then rename). */
export async function writeReport({ outDir, manifest }: WriteReportInput, context: WriteReportContext = {}): Promise<WriteReportOutput> {
  const logger = context.logger ?? silentLogger;
  context.signal?.throwIfAborted();
  const audio = manifest.output.video === null;
  const thumbnailsVtt = audio ? null : await readOptional(join(outDir, 'thumbnails', 'thumbnails.vtt'));
  if (thumbnailsVtt === null && !audio) logger.warn('report: no thumbnails/thumbnails.vtt, the scrub bar shows no previews', { outDir });
  const page = renderReport({ manifest, thumbnailsVtt });
  const file = join(outDir, REPORT_FILE);
  const temporary = join(outDir, `.${REPORT_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, page, { encoding: 'utf8', signal: context.signal });
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
  const sizeBytes = Buffer.byteLength(page, 'utf8');
  logger.info('report written', { file, sizeBytes });
  return { file, sizeBytes };
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
