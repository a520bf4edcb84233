import { accessSync, constants } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ffmpegPath } from './binary.ts';

describe('ffmpegPath', () => {
  it('lets FFMPEG_PATH win', () => {
    expect(ffmpegPath({ FFMPEG_PATH: '/usr/bin/ffmpeg' })).toBe('/usr/bin/ffmpeg');
  });

  it('falls back to the executable that @ffmpeg-installer/ffmpeg ships', () => {
    const path = ffmpegPath({});
    expect(path).toMatch(/@ffmpeg-installer/);
    expect(() => accessSync(path, constants.X_OK)).not.toThrow();
  });
});
