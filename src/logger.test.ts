import { describe, expect, it } from 'vitest';
import { createLogger, textLogLine } from './logger.ts';

describe('textLogLine', () => {
  it.each([
    ['warn', 'download failed; retrying', { label: 'chunk 0 media', attempt: 2 }, 'warning: download failed; retrying (label="chunk 0 media", attempt=2)'],
    ['error', 'job failed', { error: 'a.json: chunkIndex: required' }, 'error: job failed (error="a.json: chunkIndex: required")'],
    ['info', 'report written', { file: '/out/report.html', sizeBytes: 58722 }, 'report written (file=/out/report.html, sizeBytes=58722)'],
    ['debug', 'ffmpeg', { args: ['-i', 'x'], skipped: undefined }, 'debug: ffmpeg (args=["-i","x"])'],
    ['info', 'two\nlines', {}, 'two lines'],
  ] as const)('%s %j', (level, message, fields, line) => {
    expect(textLogLine(level, message, fields)).toBe(line);
  });
});

describe('createLogger', () => {
  it('writes JSON lines by default and text when asked, with child fields, above the threshold', () => {
    const json: string[] = [];
    const text: string[] = [];
    createLogger({ write: (l) => json.push(l), level: 'info' }).child({ recordingId: 'r1' }).info('archived', { sizeBytes: 3 });
    const logger = createLogger({ write: (l) => text.push(l), format: 'text', level: 'warn' }).child({ recordingId: 'r1' });
    logger.info('hidden');
    logger.warn('slow disk');
    expect(JSON.parse(json[0]!)).toMatchObject({ level: 'info', msg: 'archived', recordingId: 'r1', sizeBytes: 3 });
    expect(text).toEqual(['warning: slow disk (recordingId=r1)']);
  });
});
