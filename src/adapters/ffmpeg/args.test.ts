import { describe, expect, it } from 'vitest';
import { ffconcatPath, fillPausesArgs, keyframeThumbnailArgs, numberedFileName, numberedFilesPattern, silentAacArgs } from './args.ts';
import { parseProgressLine, shellQuote } from './runner.ts';

describe('ffmpeg argument builders', () => {
  it('quotes a path for an ffconcat list', () => {
    expect(ffconcatPath("/a b/it's.mp4")).toBe("'/a b/it'\\''s.mp4'");
  });

  it.each([
    [1, 'mono'],
    [2, 'stereo'],
  ])('encodes silence for %d channel(s) as %s', (channels, layout) => {
    expect(silentAacArgs({ sampleRate: 16000, channels, outFile: 's.aac' })).toContain(`anullsrc=r=16000:cl=${layout}`);
  });

  it('decodes lone keyframes once, to raw RGB of the thumbnail size and to one numbered JPEG each', () => {
    const args = keyframeThumbnailArgs({ inputFile: 'k.h264', width: 320, height: 180, outFile: 'frames.rgb', jpegPattern: 'thumb-%05d.jpg' });
    expect(args.join(' ')).toBe(
      '-skip_loop_filter all -f h264 -i k.h264 -filter_complex [0:v]setpts=N/TB,scale=320:180:flags=area,format=yuv420p,split=2[tiles][jpegs] ' +
        '-map [tiles] -vsync passthrough -pix_fmt rgb24 -f rawvideo frames.rgb ' +
        '-map [jpegs] -vsync passthrough -pix_fmt yuvj420p -q:v 3 -f image2 -start_number 1 thumb-%05d.jpg',
    );
  });

  it('names numbered files with a pattern in which a % of the directory stays a %', () => {
    expect(numberedFilesPattern('/out/50%_done', 'thumb-', '.jpg')).toBe('/out/50%%_done/thumb-%05d.jpg');
    expect(numberedFileName('thumb-', 7, '.jpg')).toBe('thumb-00007.jpg');
  });

  it('trims every media segment to its length and fills the rest with black and silence', () => {
    const args = fillPausesArgs({
      inputs: ['a.mp4'],
      segments: [
        { kind: 'media', input: 0, fromSec: 0, durationSec: 3 },
        { kind: 'filler', durationSec: 4 },
        { kind: 'media', input: 0, fromSec: 3, durationSec: 3.125 },
      ],
      profile: { width: 1920, height: 1080, frameRate: 8, sampleRate: 16000, channels: 1 },
      outFile: 'o.mp4',
      keyframeEverySec: 60,
    });
    const graph = args[args.indexOf('-filter_complex') + 1].split(';');
    expect(graph).toHaveLength(7);
    expect(graph[0]).toContain('trim=start=0.000000:duration=3.000000');
    expect(graph[1]).toContain('atrim=start_sample=0:end_sample=48000');
    expect(graph[2]).toBe('color=c=black:s=1920x1080:r=8:d=4.000000,format=yuv420p,setsar=1[v1]');
    expect(graph[3]).toBe('anullsrc=r=16000:cl=mono,atrim=end_sample=64000[a1]');
    expect(graph[5]).toContain('atrim=start_sample=48000:end_sample=98000');
    expect(graph[6]).toBe('[v0][a0][v1][a1][v2][a2]concat=n=3:v=1:a=1[vout][aout]');
    expect(args).toContain('expr:gte(t,n_forced*60)');
  });
});

describe('runner helpers', () => {
  it('parses -progress blocks', () => {
    const state = {};
    expect(parseProgressLine('out_time_us=1500000', state)).toBeNull();
    expect(parseProgressLine('speed=12.5x', state)).toBeNull();
    expect(parseProgressLine('progress=continue', state)).toEqual({ outTimeMs: 1500, speed: 12.5, done: false });
    expect(parseProgressLine('progress=end', state)).toMatchObject({ done: true });
  });

  it.each([
    ['plain/path.mp4', 'plain/path.mp4'],
    ['has space', "'has space'"],
    ["it's", "'it'\\''s'"],
  ])('shellQuote(%s)', (arg, quoted) => {
    expect(shellQuote(arg)).toBe(quoted);
  });
});
